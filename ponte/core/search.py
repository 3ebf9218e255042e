"""Ranked full-text search over SQLite FTS5 and PostgreSQL full text, behind one interface.

Apps contribute documents through the registry (SearchSource). Each document carries
who may find it; `search()` filters on that in the same SQL statement that ranks, so a
result the viewer may not see is never even counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection, transaction

from .models import SearchEntry, Visibility
from .registry import SearchDocument, SearchSource, registry

_TOKEN = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 8


@dataclass(frozen=True)
class SearchResults:
    entries: list[SearchEntry]
    total: int


def terms_of(text: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(text or "")][:MAX_TERMS]


def entry_key(obj) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


def index_object(obj) -> None:
    source = registry.search_source_for(type(obj))
    if source is None:
        return
    _index(source, obj)


def index_dependents(obj) -> None:
    """Index again the objects whose documents depend on `obj` (SearchSource.depends_on)."""
    for source, dependents in registry.search_dependents_of(type(obj)):
        for dependent in dependents(obj):
            _index(source, dependent)


def _index(source: SearchSource, obj) -> None:
    document = source.document(obj)
    if document is None:
        SearchEntry.objects.filter(key=entry_key(obj)).delete()
        return
    _store(source.kind, entry_key(obj), document)


def unindex_object(obj) -> None:
    SearchEntry.objects.filter(key=entry_key(obj)).delete()


def _store(kind: str, key: str, document: SearchDocument) -> None:
    SearchEntry.objects.update_or_create(
        key=key,
        defaults={
            "kind": kind,
            "title": document.title[:300],
            "body": document.body,
            "url": document.url,
            "visibility": document.visibility,
            "organisation_id": document.organisation_id,
        },
    )


@transaction.atomic
def rebuild_index() -> int:
    SearchEntry.objects.all().delete()
    count = 0
    for source in registry.search_sources.values():
        for obj in source.queryset():
            document = source.document(obj)
            if document is not None:
                _store(source.kind, entry_key(obj), document)
                count += 1
    return count


def _visibility_clause(user) -> tuple[str, list]:
    from ponte.core.roles import is_staff_role

    if user is not None and user.is_authenticated and is_staff_role(user):
        return "1=1", []
    clause = "e.visibility = %s"
    params: list = [Visibility.PUBLIC]
    if user is not None and user.is_authenticated:
        org_ids = list(user.memberships.values_list("organisation_id", flat=True))
        if org_ids:
            placeholders = ", ".join(["%s"] * len(org_ids))
            clause = f"(e.visibility = %s OR (e.visibility = %s AND e.organisation_id IN ({placeholders})))"
            params = [Visibility.PUBLIC, Visibility.MEMBERS, *org_ids]
    return clause, params


def search(text: str, *, user, kind: str | None = None, limit: int = 20, offset: int = 0) -> SearchResults:
    terms = terms_of(text)
    if not terms:
        return SearchResults(entries=[], total=0)
    visible, visible_params = _visibility_clause(user)
    kind_clause, kind_params = ("AND e.kind = %s", [kind]) if kind else ("", [])
    if connection.vendor == "postgresql":
        match_param = " & ".join(f"{t}:*" for t in terms)
        base = f"FROM core_searchentry e WHERE e.search_vector @@ to_tsquery('simple', %s) AND {visible} {kind_clause}"
        # Weights for D, C, B (the body), A (the title): the title weighs ten times the body, as on SQLite.
        rank = "ts_rank_cd('{0.1, 0.1, 0.1, 1.0}', e.search_vector, to_tsquery('simple', %s))"
        params = [match_param, *visible_params, *kind_params]
        select_sql = f"SELECT e.id, {rank} AS rank {base} ORDER BY rank DESC, e.id LIMIT %s OFFSET %s"
        select_params = [match_param, *params, limit, offset]
    else:
        match_param = " ".join('"{}"*'.format(t.replace('"', "")) for t in terms)
        base = (
            "FROM core_searchentry_fts f JOIN core_searchentry e ON e.id = f.rowid "
            f"WHERE core_searchentry_fts MATCH %s AND {visible} {kind_clause}"
        )
        params = [match_param, *visible_params, *kind_params]
        # bm25 is lower for better matches; the title weighs ten times the body.
        select_sql = (
            f"SELECT e.id, bm25(core_searchentry_fts, 10.0, 1.0) AS rank {base} ORDER BY rank, e.id LIMIT %s OFFSET %s"
        )
        select_params = [*params, limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) {base}", params)
        total = cursor.fetchone()[0]
        cursor.execute(select_sql, select_params)
        ids = [row[0] for row in cursor.fetchall()]
    by_id = SearchEntry.objects.in_bulk(ids)
    return SearchResults(entries=[by_id[i] for i in ids if i in by_id], total=total)


SQLITE_SETUP = [
    "CREATE VIRTUAL TABLE core_searchentry_fts USING fts5("
    "title, body, content='core_searchentry', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER core_searchentry_ai AFTER INSERT ON core_searchentry BEGIN "
    "INSERT INTO core_searchentry_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER core_searchentry_ad AFTER DELETE ON core_searchentry BEGIN "
    "INSERT INTO core_searchentry_fts(core_searchentry_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER core_searchentry_au AFTER UPDATE ON core_searchentry BEGIN "
    "INSERT INTO core_searchentry_fts(core_searchentry_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO core_searchentry_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
]
SQLITE_TEARDOWN = [
    "DROP TRIGGER IF EXISTS core_searchentry_au",
    "DROP TRIGGER IF EXISTS core_searchentry_ad",
    "DROP TRIGGER IF EXISTS core_searchentry_ai",
    "DROP TABLE IF EXISTS core_searchentry_fts",
]
POSTGRESQL_SETUP = [
    "ALTER TABLE core_searchentry ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('simple', coalesce(body, '')), 'B')) STORED",
    "CREATE INDEX core_searchentry_vector ON core_searchentry USING GIN (search_vector)",
]
POSTGRESQL_TEARDOWN = [
    "DROP INDEX IF EXISTS core_searchentry_vector",
    "ALTER TABLE core_searchentry DROP COLUMN IF EXISTS search_vector",
]


def install_index(apps, schema_editor) -> None:
    statements = {"sqlite": SQLITE_SETUP, "postgresql": POSTGRESQL_SETUP}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def remove_index(apps, schema_editor) -> None:
    statements = {"sqlite": SQLITE_TEARDOWN, "postgresql": POSTGRESQL_TEARDOWN}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)
