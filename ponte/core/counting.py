"""Counts of several query sets in one query."""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet


def count_together(querysets: list[QuerySet]) -> list[int]:
    """The number of rows of each query set, as `.count()` gives it, in one query: each is
    counted in a sub-select of one SELECT. A query set that can match nothing (`.none()`, an
    empty `__in`) counts 0 without reaching the database."""
    counts: list[int | None] = [None] * len(querysets)
    parts, params = [], []
    for number, queryset in enumerate(querysets):
        try:
            sql, own = queryset.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:
            counts[number] = 0
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted{number})")
        params += own
    if parts:
        with connections[querysets[0].db].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            found = iter(cursor.fetchone())
        counts = [next(found) if count is None else count for count in counts]
    return counts
