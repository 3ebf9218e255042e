"""Matchmaking: the published solutions and companies that may answer a challenge, and the
open challenges that suit a company. It only reads.

How a pair is scored
--------------------
The problem statement of a challenge (title, summary, context, problem, who is affected,
desired outcomes) is compared with a solution's title, summary and description:

- **Words** (BM25). Both texts are cut into words, stop words of the interface languages
  are dropped, and a light suffix-stripping stemmer joins "appointment", "appointments" and
  "appointing". A shared word counts more when it is rare among the solutions considered
  (inverse document frequency), when it is repeated, and less in a long description. The
  title counts twice. The words score is divided by the best one of the request, so it lies
  between 0 and 1.
- **Sectors**: the share of the query's sectors the other side also has.
- **CPV codes**, hierarchically: how deep two codes meet, in significant digits shared from
  the left: a division (2 digits) 0.4, a group (3) 0.6, a class (4) 0.8, a category (5) or
  deeper 1, nothing without a shared division. Equal codes meet at their own depth, so a
  precise code shared counts fully and a division-wide one ("48000000 Software package and
  information systems") no more than a shared division; the best pair counts.

The three are combined as WEIGHTS say (set by hand before measuring, not fitted: see
bench/matching.py for what they do and do not achieve). Each result carries the reasons a
person can check: the shared words, the shared sectors, the closest CPV codes.

A company's score on a challenge is its best published solution's, plus a little when the
company itself works in one of the challenge's sectors. A company sees open challenges
ranked the other way round: each of its published solutions is the query, open challenges
the documents, and a challenge keeps the best of its solutions' scores.

Scale
-----
Nothing loads the whole catalogue on a request, and the Python work of a request does not
grow with it. Candidates come from three capped reads: the search index (the query's most
frequent words, any of them, ranked by the engine), the sector/CPV filters, and the most
recent items; together they are cut to POOL (per company on "Challenges for you"), so that
re-ranking reads and scores at most that many. Word rarity (IDF) and the average length are
measured on the catalogue (at most CORPUS_SAMPLE of its most recent items), not on the pool:
counted once, kept in Django's cache under a key made of what changes when an item is
published, withdrawn or edited (the count, the sum of the keys, the latest publication and
update), so one aggregate query tells whether they still hold; the first request after a
change counts them again. The database still finds the matches of the capped reads among all
items, which grows with the catalogue, but slowly (bench/matching.py measures the pages at two
sizes). A page makes the same number of queries whatever the amount of data.

Only published solutions of verified companies are ever recommended, and to companies only
open challenges (published, before their deadline); a later phase of a challenge only to the
companies invited to it (awarded in the phase before), who also find it listed above their
recommendations. Proposals are never read.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext, ngettext

# Weights of the three signals in the combined score, and of a company's own sectors.
WEIGHTS = {"text": 0.6, "cpv": 0.25, "sector": 0.15}
COMPANY_SECTOR_BONUS = 0.1
# BM25's usual parameters: term-frequency saturation and length normalisation.
K1, B = 1.2, 0.75

# The capped reads that make the candidate pool, the pool's own cap (what re-ranking reads and
# scores on one request, whatever the size of the catalogue), and what a page shows.
TEXT_CANDIDATES = 100
CLASSIFIED_CANDIDATES = 50
BACKGROUND = 20
POOL = 120
RETRIEVAL_TERMS = 24
# Word rarity is measured on at most this many of the most recent items, recomputed only when
# they change; CORPUS_TIMEOUT only bounds how long an unused set of statistics is kept.
CORPUS_SAMPLE = 2000
CORPUS_TIMEOUT = 24 * 60 * 60
MAX_QUERY_SOLUTIONS = 20
SHOWN = 10
REASON_WORDS = 5

# How each side is read: field and weight (the title counts twice).
CHALLENGE_FIELDS = (
    ("title", 2.0),
    ("summary", 1.0),
    ("context", 1.0),
    ("problem", 1.0),
    ("affected", 1.0),
    ("desired_outcomes", 1.0),
)
SOLUTION_FIELDS = (("title", 2.0), ("summary", 1.0), ("description", 1.0))

# Function words of the interface languages (English, Portuguese, French, Dutch, Slovenian).
# Words common in public-sector writing ("service", "data") are not listed: rarity weighs them.
_STOP_WORDS = """
    about above after again against all also and any are aren because been before being below
    between both but can cannot could did does doing down during each few for from further had
    has have having her here hers herself him himself his how into its itself just more most
    must not now off once only other our ours ourselves out over own same she should some such
    than that the their theirs them themselves then there these they this those through too
    under until very was were what when where which while who whom why will with would you your
    yours yourself yourselves one two three may might shall upon via per etc without within
    whether every many much often new today yet still even get gets got getting make makes made
    aos com como das dos ela ele elas eles em entre isso mais mas nao não nas nos num numa para
    pela pelas pelo pelos por quando que quem sem ser seu sua seus suas também tem uma umas uns
    avec aux ces cette dans des elle est ils leur leurs mais nous par pas plus pour qui sans ses
    son sont sur une vous été être
    aan als bij dat deze die dit door een het hun met naar niet ook over van voor wat wordt zijn
    ali bil biti brez kot med niso pri tudi bodo ker kar lahko ter smo ste
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
_WORD = re.compile(r"[^\W\d_][^\W_]{2,}", re.UNICODE)
MIN_STEM = 3
# Longest first. Stripping only (never rewriting letters) keeps every stem a prefix of its
# words, so the search index can find the words of a stem by prefix.
_SUFFIXES = (
    "ations",
    "ation",
    "ments",
    "ment",
    "ities",
    "ity",
    "ings",
    "ing",
    "ies",
    "ied",
    "ers",
    "er",
    "ed",
    "es",
    "s",
    "y",
    "e",
)
_VOWELS = set("aeiouy")


def _strip_once(word: str) -> str:
    for suffix in _SUFFIXES:
        if not word.endswith(suffix) or len(word) - len(suffix) < MIN_STEM:
            continue
        before = word[-len(suffix) - 1]
        if suffix == "s" and before in "siu":  # process, status, analysis
            continue
        if suffix == "y" and before in _VOWELS:  # day, delay, key
            continue
        return word[: -len(suffix)]
    return word


@functools.lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """A light stemmer: at most two suffixes off ("managements" → "manage" → "manag")."""
    once = _strip_once(word)
    return _strip_once(once) if once != word else once


def words(text: str) -> list[str]:
    """The words of a text that carry meaning: lower case, three letters or more, not a
    stop word, not starting with a digit."""
    return [token for token in _WORD.findall((text or "").lower()) if token not in STOP_WORDS]


@functools.lru_cache(maxsize=8192)
def analyse(text: str) -> tuple[tuple[str, int, str], ...]:
    """(stem, count, the word as first written) for each stem of a text. Kept for the
    texts seen last: candidates recur from one page to the next."""
    counts: Counter[str] = Counter()
    surface: dict[str, str] = {}
    for word in words(text):
        term = stem(word)
        counts[term] += 1
        surface.setdefault(term, word)
    return tuple((term, count, surface[term]) for term, count in counts.items())


def plain_words(text: str) -> set[str]:
    """The distinct words of a text, unstemmed: what the keyword-overlap baseline compares."""
    return set(words(text))


# Profiles: what the ranker knows of one side of a pair ----------------------------------


@dataclass(frozen=True)
class Profile:
    """One challenge, solution or company, as the ranker reads it."""

    key: int
    terms: dict[str, float]  # stem → weighted count
    length: float
    surface: dict[str, str]  # stem → the word as first written
    sectors: frozenset[str] = frozenset()
    cpv: dict[str, str] = field(default_factory=dict)  # 8 digits → label
    label: str = ""


@functools.lru_cache(maxsize=4096)
def _weighted_terms(fields: tuple[tuple[str, float], ...]) -> tuple[dict[str, float], float, dict[str, str]]:
    """The weighted counts, length and first-written words of (text, weight) pairs. Kept for
    the items seen last, as `analyse` is: the dictionaries are shared, never modified."""
    counts: Counter[str] = Counter()
    surface: dict[str, str] = {}
    for text, weight in fields:
        for term, count, word in analyse(text):
            counts[term] += weight * count
            surface.setdefault(term, word)
    return dict(counts), float(sum(counts.values())), surface


def profile(
    key: int,
    fields: Iterable[tuple[str, float]],
    *,
    sectors: Iterable[str] = (),
    cpv: dict[str, str] | None = None,
    label: str = "",
) -> Profile:
    """A profile from (text, weight) pairs, sector codes and {CPV digits: label}."""
    terms, length, surface = _weighted_terms(tuple(fields))
    return Profile(
        key=key,
        terms=terms,
        length=length,
        surface=surface,
        sectors=frozenset(sectors),
        cpv=dict(cpv or {}),
        label=label,
    )


def _fields(obj, spec) -> list[tuple[str, float]]:
    return [(getattr(obj, name, "") or "", weight) for name, weight in spec]


def _cpv_of(obj) -> dict[str, str]:
    return {code.digits: code.label for code in obj.cpv_codes.all()}


def challenge_profile(challenge) -> Profile:
    return profile(
        challenge.pk,
        _fields(challenge, CHALLENGE_FIELDS),
        sectors=(s.pk for s in challenge.sectors.all()),
        cpv=_cpv_of(challenge),
        label=challenge.title,
    )


def solution_profile(solution) -> Profile:
    return profile(
        solution.pk,
        _fields(solution, SOLUTION_FIELDS),
        sectors=(s.pk for s in solution.sectors.all()),
        cpv=_cpv_of(solution),
        label=solution.title,
    )


# Reasons: what a person reads next to a recommendation ----------------------------------

CPV_LEVELS = {2: "division", 3: "group", 4: "class"}  # 5 digits or more: a category


@dataclass(frozen=True)
class Reason:
    """Why something is recommended, translated when it is shown (in the reader's language)."""

    kind: str
    values: tuple[str, ...] = ()
    count: int = 0

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        from ponte.reference.models import Sector

        if self.kind == "words":
            return gettext("Shared words: %(words)s") % {"words": ", ".join(self.values)}
        if self.kind in ("sector", "company_sector", "your_sector"):
            names = ", ".join(str(Sector(code).label) for code in self.values if code in Sector.values)
            n = len(self.values)
            if self.kind == "sector":
                message = ngettext("Same sector: %(sectors)s", "Same sectors: %(sectors)s", n)
            elif self.kind == "company_sector":
                message = ngettext(
                    "The company works in the same sector: %(sectors)s",
                    "The company works in the same sectors: %(sectors)s",
                    n,
                )
            else:
                message = ngettext(
                    "Your company works in the same sector: %(sectors)s",
                    "Your company works in the same sectors: %(sectors)s",
                    n,
                )
            return message % {"sectors": names}
        if self.kind == "cpv":
            code, label, other, shared = self.values
            params = {"code": code, "label": label, "other": other}
            level = int(shared)
            if level >= 8 or code == other:
                return gettext("Same CPV code: %(code)s %(label)s") % params
            if level == 2:
                return gettext("Related CPV code: %(code)s %(label)s (same division as %(other)s)") % params
            if level == 3:
                return gettext("Related CPV code: %(code)s %(label)s (same group as %(other)s)") % params
            if level == 4:
                return gettext("Related CPV code: %(code)s %(label)s (same class as %(other)s)") % params
            return gettext("Related CPV code: %(code)s %(label)s (same category as %(other)s)") % params
        if self.kind == "solutions":
            return ngettext(
                "%(count)s matching solution; the best: “%(solution)s”",
                "%(count)s matching solutions; the best: “%(solution)s”",
                self.count,
            ) % {"count": self.count, "solution": self.values[0]}
        if self.kind == "your_solution":
            return gettext("Matches your solution “%(solution)s”") % {"solution": self.values[0]}
        return ", ".join(self.values)


# Scoring ----------------------------------------------------------------------------------


def significant(code: str) -> str:
    """A CPV code's meaningful digits: 72000000 → 72, 72212000 → 72212 (at least a division)."""
    digits = code[:8].rstrip("0")
    return digits if len(digits) >= 2 else code[:2]


CPV_DEPTH = 5  # a category (5 digits) is as specific as the ranker needs


def cpv_similarity(a: str, b: str) -> tuple[float, int]:
    """(similarity, shared digits) of two 8-digit CPV codes. What counts is how deep in the
    hierarchy they meet: the significant digits they share from the left, from a division
    (2, similarity 0.4) to a category or deeper (5 or more, similarity 1). Two equal codes
    meet at their own depth, so the same division-wide code ("48000000 Software package")
    says no more than sharing a division. No shared division: 0."""
    sa, sb = significant(a), significant(b)
    shared = 0
    for x, y in zip(sa, sb, strict=False):
        if x != y:
            break
        shared += 1
    if shared < 2:
        return 0.0, shared
    return min(shared, CPV_DEPTH) / CPV_DEPTH, (8 if a[:8] == b[:8] else shared)


def best_cpv(query: dict[str, str], document: dict[str, str]) -> tuple[float, Reason | None]:
    """The closest pair of codes, named from the document's side."""
    best, reason = 0.0, None
    for q in sorted(query):
        for d in sorted(document):
            similarity, shared = cpv_similarity(q, d)
            if similarity > best:
                best = similarity
                reason = Reason("cpv", (d, document[d], q, str(shared)))
    return best, reason


def sector_overlap(query: frozenset[str], document: frozenset[str]) -> tuple[float, tuple[str, ...]]:
    shared = tuple(sorted(query & document))
    return (len(shared) / len(query) if query else 0.0), shared


@dataclass(frozen=True)
class Corpus:
    """Document frequencies and average length of the documents a query is compared with."""

    size: int
    frequency: dict[str, int]
    average_length: float

    @classmethod
    def of(cls, documents: Sequence[Profile]) -> Corpus:
        frequency: Counter[str] = Counter()
        for document in documents:
            frequency.update(document.terms.keys())
        lengths = [d.length for d in documents]
        return cls(len(documents), dict(frequency), (sum(lengths) / len(lengths)) if lengths else 1.0)

    def idf(self, term: str) -> float:
        df = self.frequency.get(term, 0)
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))


def query_weight(count: float) -> float:
    """Repeating a word in the problem statement counts, with diminishing returns."""
    return 1.0 + math.log(count) if count >= 1 else count


def term_weights(query: Profile, corpus: Corpus) -> dict[str, float]:
    """Each query word's weight: how often the query says it, times how rare it is."""
    return {term: query_weight(count) * corpus.idf(term) for term, count in query.terms.items()}


def bm25(
    query: Profile, document: Profile, corpus: Corpus, weights: dict[str, float] | None = None
) -> tuple[float, list[tuple[float, str]]]:
    """The words score of a document for a query, and each shared word's share of it."""
    if not document.terms:
        return 0.0, []
    weights = weights if weights is not None else term_weights(query, corpus)
    norm = K1 * (1 - B + B * document.length / (corpus.average_length or 1.0))
    small, large = (weights, document.terms) if len(weights) <= len(document.terms) else (document.terms, weights)
    total, parts = 0.0, []
    for term in small:
        if term not in large:
            continue
        tf = document.terms[term]
        part = weights[term] * tf * (K1 + 1) / (tf + norm)
        total += part
        parts.append((part, term))
    return total, parts


@dataclass
class Match:
    """One recommended document, its score and the reasons for it. `via` is the key of the
    query that gave its best score (a company's solution, on the company's page)."""

    key: int
    score: float
    text: float
    sector: float
    cpv: float
    reasons: list[Reason]
    via: int | None = None
    obj: Any = None


def rank(
    queries: Sequence[Profile],
    documents: Sequence[Profile],
    *,
    weights: dict[str, float] | None = None,
    limit: int | None = None,
    corpus: Corpus | None = None,
) -> list[Match]:
    """Rank documents for one or more queries; each document keeps its best query's score.
    Words scores are divided by the best of all pairs, so queries share one scale. Documents
    that share nothing with any query are left out. Word rarity is the `corpus`'s (the
    catalogue's), or else the documents' own. Pure: no database."""
    weights = weights or WEIGHTS
    documents = list(documents)
    corpus = corpus if corpus is not None else Corpus.of(documents)
    raw: list[tuple[Profile, Profile, float, list[tuple[float, str]]]] = []
    for query in queries:
        query_terms = term_weights(query, corpus)
        for document in documents:
            score, parts = bm25(query, document, corpus, query_terms)
            raw.append((query, document, score, parts))
    top = max((score for _q, _d, score, _p in raw), default=0.0) or 1.0
    best: dict[int, Match] = {}
    for query, document, score, parts in raw:
        text = score / top
        sector, shared_sectors = sector_overlap(query.sectors, document.sectors)
        cpv, cpv_reason = best_cpv(query.cpv, document.cpv)
        total = weights["text"] * text + weights["sector"] * sector + weights["cpv"] * cpv
        if total <= 0:
            continue
        current = best.get(document.key)
        if current is not None and (current.score > total or (current.score == total and current.via < query.key)):
            continue
        contributions = [
            (weights["text"] * text, Reason("words", _reason_words(query, document, parts))) if parts else None,
            (weights["sector"] * sector, Reason("sector", shared_sectors)) if shared_sectors else None,
            (weights["cpv"] * cpv, cpv_reason) if cpv_reason else None,
        ]
        reasons = [reason for _share, reason in sorted((c for c in contributions if c), key=lambda c: -c[0])]
        best[document.key] = Match(document.key, total, text, sector, cpv, reasons, via=query.key)
    ranked = sorted(best.values(), key=lambda m: (-m.score, m.key))
    return ranked[:limit] if limit is not None else ranked


def _reason_words(query: Profile, document: Profile, parts: list[tuple[float, str]]) -> tuple[str, ...]:
    ordered = sorted(parts, key=lambda p: (-p[0], p[1]))[:REASON_WORDS]
    return tuple(query.surface.get(term) or document.surface.get(term) or term for _share, term in ordered)


def retrieval_terms(queries: Sequence[Profile], limit: int = RETRIEVAL_TERMS) -> list[str]:
    """The query words to look up in the search index: the most repeated, longer first.
    (Choosing the rarest instead finds fewer candidates and, on the labelled set, misses some
    that the most repeated find.)"""
    counts: Counter[str] = Counter()
    for query in queries:
        for term, count in query.terms.items():
            counts[term] += count
    return [term for term, _count in sorted(counts.items(), key=lambda tc: (-tc[1], -len(tc[0]), tc[0]))[:limit]]


def keyword_overlap(query_text: str, document_text: str) -> int:
    """The baseline the ranker must beat: how many distinct words two texts share, every
    word counting the same, without stemming, sectors or codes."""
    return len(plain_words(query_text) & plain_words(document_text))


# Word rarity in the catalogue: computed once, cached until the catalogue changes -----------

# Part of the cache key: change it when the analysis of words (stop words, stemmer, fields or
# their weights) changes, so that statistics counted the old way are not read.
CORPUS_FORMAT = 1


def catalogue_corpus(queryset: QuerySet, spec) -> Corpus:
    """The document frequencies and average length of the items of `queryset` (the
    recommendable solutions, or the open challenges), read as `spec` says, on at most
    CORPUS_SAMPLE of the most recent. One aggregate query tells whether the cached statistics
    still hold: its figures change when an item is published, withdrawn, edited, or leaves
    the set in any other way (a company suspended, a deadline passed)."""
    version = queryset.order_by().aggregate(
        count=Count("pk"), keys=Sum("pk"), published=Max("published_at"), updated=Max("updated_at")
    )
    stamp = ":".join(value.isoformat() if hasattr(value, "isoformat") else str(value) for value in version.values())
    key = f"matching:corpus:{CORPUS_FORMAT}:{queryset.model._meta.label_lower}:{stamp}"
    corpus = cache.get(key)
    if corpus is None:
        corpus = _count_corpus(queryset, spec)
        cache.set(key, corpus, CORPUS_TIMEOUT)
    return corpus


def _count_corpus(queryset: QuerySet, spec) -> Corpus:
    # The texts are analysed without the per-text cache: the catalogue read once would push
    # out the candidates that recur from one page to the next.
    analyse_once = analyse.__wrapped__
    names = [name for name, _weight in spec]
    weights = [weight for _name, weight in spec]
    rows = queryset.order_by("-published_at", "-pk").values_list(*names)[:CORPUS_SAMPLE]
    frequency: Counter[str] = Counter()
    size, total_length = 0, 0.0
    for row in rows.iterator(chunk_size=500):
        counts: Counter[str] = Counter()
        for text, weight in zip(row, weights, strict=True):
            for term, count, _word in analyse_once(text or ""):
                counts[term] += weight * count
        frequency.update(counts.keys())
        size += 1
        total_length += sum(counts.values())
    return Corpus(size, dict(frequency), (total_length / size) if size else 1.0)


# Candidates: capped reads, a constant number of queries ----------------------------------


def _text_candidates(model, terms: Sequence[str], allowed: QuerySet, limit: int) -> list[int]:
    """The keys of up to `limit` objects of `model` whose search document contains any of
    the terms (a stem of four letters or more also finds longer words), best first by the
    search engine's own rank, among those `allowed` lets through."""
    terms = [t for t in terms if t.isalnum()]
    if not terms or connection.vendor not in ("sqlite", "postgresql"):
        return []
    from ponte.core.registry import registry

    source = registry.search_source_for(model)
    if source is None:
        return []
    start = len(f"{model._meta.label_lower}:") + 1
    allowed_sql, allowed_params = allowed.order_by().values("pk").query.sql_with_params()
    if connection.vendor == "postgresql":
        expression = " | ".join(f"{t}:*" if len(t) >= 4 else t for t in terms)
        key = "CAST(substring(e.key from %s) AS integer)"
        sql = (
            f"SELECT {key} FROM core_searchentry e, to_tsquery('simple', %s) q "
            f"WHERE e.search_vector @@ q AND e.kind = %s AND {key} IN ({allowed_sql}) "
            "ORDER BY ts_rank_cd(e.search_vector, q) DESC, e.id LIMIT %s"
        )
        params = [start, expression, source.kind, start, *allowed_params, limit]
    else:
        expression = " OR ".join(f'"{t}"*' if len(t) >= 4 else f'"{t}"' for t in terms)
        key = "CAST(substr(e.key, %s) AS INTEGER)"
        sql = (
            f"SELECT {key} FROM core_searchentry_fts f JOIN core_searchentry e ON e.id = f.rowid "
            f"WHERE core_searchentry_fts MATCH %s AND e.kind = %s AND {key} IN ({allowed_sql}) "
            "ORDER BY bm25(core_searchentry_fts), e.id LIMIT %s"
        )
        params = [start, expression, source.kind, start, *allowed_params, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _classified(queryset: QuerySet, model, sectors: Iterable[str], cpv: Iterable[str], limit: int) -> list[int]:
    """Up to `limit` keys sharing a sector or a CPV division with the query: an exact CPV
    code first, then a shared division, then a shared sector, the most recent first."""
    sectors, cpv = sorted(set(sectors)), sorted(set(cpv))
    if not sectors and not cpv:
        return []
    owner = {model._meta.model_name: OuterRef("pk")}
    codes = model.cpv_codes.through.objects.filter(**owner)
    exact, divisions = Q(), Q()
    for code in cpv:
        exact |= Q(cpvcode__code__startswith=code)
    for division in sorted({code[:2] for code in cpv}):
        divisions |= Q(cpvcode__code__startswith=division)
    shares = {"shares_sector": Exists(model.sectors.through.objects.filter(sectortag_id__in=sectors, **owner))}
    either = Q(shares_sector=True)
    if cpv:
        shares["shares_code"] = Exists(codes.filter(exact))
        shares["shares_division"] = Exists(codes.filter(divisions))
        either |= Q(shares_division=True)
    order = [f"-{name}" for name in ("shares_code", "shares_division", "shares_sector") if name in shares]
    qs = queryset.annotate(**shares).filter(either).order_by(*order, "-published_at", "-pk")
    return list(qs.values_list("pk", flat=True)[:limit])


def _pool(
    model,
    queryset: QuerySet,
    queries: Sequence[Profile],
    sectors: Iterable[str],
    cpv: Iterable[str],
    share: int = 1,
) -> list[int]:
    """The candidate keys: by words, by classification, and recent background, at most POOL
    of them, in that order of preference. Several companies asking at once (a person's) `share`
    a pool as large as theirs would be together."""
    keys: dict[int, None] = {}
    for pk in _text_candidates(model, retrieval_terms(queries), queryset, TEXT_CANDIDATES * share):
        keys[pk] = None
    for pk in _classified(queryset, model, sectors, cpv, CLASSIFIED_CANDIDATES * share):
        keys[pk] = None
    for pk in queryset.order_by("-published_at", "-pk").values_list("pk", flat=True)[: BACKGROUND * share]:
        keys[pk] = None
    return list(keys)[: POOL * share]


def _profiles(rows: QuerySet, model, spec, extra: Sequence[str] = ()) -> tuple[list[Profile], dict[int, tuple]]:
    """Profiles of the rows, in three queries (the rows, their sectors, their CPV codes)
    whatever their number, and each row's `extra` fields. Plain values, not model objects:
    only what a page shows is loaded as objects."""
    names = [name for name, _weight in spec]
    found = list(rows.values_list("pk", *names, *extra))
    keys = [row[0] for row in found]
    owner = f"{model._meta.model_name}_id"
    sectors: dict[int, set[str]] = defaultdict(set)
    cpv: dict[int, dict[str, str]] = defaultdict(dict)
    if keys:
        links = model.sectors.through.objects.filter(**{f"{owner}__in": keys})
        for pk, code in links.values_list(owner, "sectortag_id"):
            sectors[pk].add(code)
        codes = model.cpv_codes.through.objects.filter(**{f"{owner}__in": keys})
        for pk, code, label in codes.values_list(owner, "cpvcode_id", "cpvcode__label"):
            cpv[pk][code.split("-")[0]] = label
    profiles, extras = [], {}
    for row in found:
        pk, texts = row[0], row[1 : 1 + len(names)]
        fields = [(text or "", weight) for text, (_name, weight) in zip(texts, spec, strict=True)]
        profiles.append(profile(pk, fields, sectors=sectors[pk], cpv=cpv[pk], label=texts[0]))
        extras[pk] = row[1 + len(names) :]
    return profiles, extras


def _sectors_of_organisations(keys: Iterable[int]) -> dict[int, frozenset[str]]:
    from ponte.organisations.models import Organisation

    found: dict[int, set[str]] = defaultdict(set)
    links = Organisation.sectors.through.objects.filter(organisation_id__in=list(keys))
    for pk, code in links.values_list("organisation_id", "sectortag_id"):
        found[pk].add(code)
    return defaultdict(frozenset, {pk: frozenset(codes) for pk, codes in found.items()})


# Solutions and companies for a challenge ----------------------------------------------------


def recommendable_solutions() -> QuerySet:
    """Published solutions of verified companies: the only ones ever recommended."""
    from ponte.organisations.models import Status as OrganisationStatus
    from ponte.solutions.models import Solution
    from ponte.solutions.models import Status as SolutionStatus

    return Solution.objects.filter(status=SolutionStatus.PUBLISHED, company__status=OrganisationStatus.VERIFIED)


@dataclass
class CompanyMatch:
    company: Any
    score: float
    best: Match
    solutions: int
    reasons: list[Reason]


@dataclass
class ChallengeRecommendations:
    solutions: list[Match]
    companies: list[CompanyMatch]


def recommend_for_challenge(challenge, *, limit: int = SHOWN) -> ChallengeRecommendations:
    """The published solutions and the companies that may answer a challenge, best first.
    The challenge's sectors and CPV codes should be prefetched (queries.challenge_detail does)."""
    from ponte.challenges.queries.phases import invited_companies
    from ponte.solutions.models import Solution

    query = challenge_profile(challenge)
    corpus = catalogue_corpus(recommendable_solutions(), SOLUTION_FIELDS)
    allowed = recommendable_solutions()
    invited = invited_companies(challenge)
    if invited is not None:
        # A later phase is answered only by the companies invited to it: recommend no other.
        allowed = allowed.filter(company_id__in=invited)
    keys = _pool(Solution, allowed, [query], query.sectors, query.cpv)
    documents, extras = _profiles(allowed.filter(pk__in=keys), Solution, SOLUTION_FIELDS, extra=("company_id",))
    titles = {d.key: d.label for d in documents}
    matches = rank([query], documents, corpus=corpus)

    by_company: dict[int, list[Match]] = {}
    for match in matches:
        by_company.setdefault(extras[match.key][0], []).append(match)
    sectors_of = _sectors_of_organisations(by_company)
    companies = []
    for company_pk, found in by_company.items():
        share, shared = sector_overlap(query.sectors, sectors_of[company_pk])
        reasons = [Reason("solutions", (titles[found[0].key],), count=len(found))]
        if shared:
            reasons.append(Reason("company_sector", shared))
        companies.append(
            CompanyMatch(company_pk, found[0].score + COMPANY_SECTOR_BONUS * share, found[0], len(found), reasons)
        )
    companies.sort(key=lambda c: (-c.score, c.company))
    shown, companies = matches[:limit], companies[:limit]

    objects = allowed.filter(pk__in={m.key for m in shown} | {c.best.key for c in companies}).select_related("company")
    by_key = {solution.pk: solution for solution in objects}
    for match in [*shown, *(c.best for c in companies)]:
        match.obj = by_key[match.key]
    for company_match in companies:
        company_match.company = company_match.best.obj.company
    return ChallengeRecommendations(solutions=shown, companies=companies)


# Open challenges for a company -------------------------------------------------------------


@dataclass
class Invitation:
    """An open later phase a company is invited to, having been awarded the phase before."""

    challenge: Any
    number: int  # its place in the series: 2 for the phase after the first
    series: str  # the title of the series' first phase


@dataclass
class CompanyRecommendations:
    company: Any
    challenges: list[Match]
    has_solutions: bool
    invitations: list[Invitation] = field(default_factory=list)


def invited_phases(company_keys: Sequence[int]) -> dict[int, set[int]]:
    """The open later phases some of the companies are invited to, each with the companies
    invited: those awarded in the phase before (as queries.invited_companies says for one
    phase). One query, whatever the number of companies and invitations."""
    from ponte.challenges.models import Challenge

    found: dict[int, set[int]] = defaultdict(set)
    rows = (
        Challenge.objects.open()
        .filter(previous_phase__awards__supplier_id__in=list(company_keys))
        .values_list("pk", "previous_phase__awards__supplier_id")
    )
    for pk, company_pk in rows:
        found[pk].add(company_pk)
    return dict(found)


def _phase_numbers(phases: Iterable) -> dict[int, tuple[int, str]]:
    """(place in the series, title of the first phase) of each phase, in one query for all
    their series. Cancelled next phases are left behind by the links from phase to phase,
    so walking back along them counts only the phases that led here."""
    from ponte.challenges.models import Challenge

    phases = list(phases)
    if not phases:
        return {}
    firsts = {phase.first_phase_id or phase.pk for phase in phases}
    series = {
        pk: (previous, title)
        for pk, previous, title in Challenge.objects.filter(
            Q(pk__in=firsts) | Q(first_phase_id__in=firsts)
        ).values_list("pk", "previous_phase_id", "title")
    }
    numbers = {}
    for phase in phases:
        number, previous = 1, phase.previous_phase_id
        while previous is not None and previous in series and number <= len(series):
            number, previous = number + 1, series[previous][0]
        first = series.get(phase.first_phase_id or phase.pk)
        numbers[phase.pk] = (number, first[1] if first else phase.title)
    return numbers


def recommend_for_companies(companies: Sequence, *, limit: int = SHOWN) -> list[CompanyRecommendations]:
    """For each company, the open challenges that suit its published solutions and its
    sectors, best first, and the open later phases it is invited to. A later phase is
    recommended only to the companies invited to it. The same number of queries for one
    company or several, with one invitation or several."""
    from ponte.challenges.models import Challenge
    from ponte.solutions.models import Solution

    companies = list(companies)
    if not companies:
        return []
    sectors_of = _sectors_of_organisations(c.pk for c in companies)
    own = (
        recommendable_solutions()
        .filter(company__in=companies)
        .order_by("-published_at", "-pk")[: MAX_QUERY_SOLUTIONS * len(companies)]
    )
    solutions, extras = _profiles(own, Solution, SOLUTION_FIELDS, extra=("company_id",))
    queries_of: dict[int, list[Profile]] = {c.pk: [] for c in companies}
    for solution in solutions:
        found = queries_of[extras[solution.key][0]]
        if len(found) < MAX_QUERY_SOLUTIONS:
            found.append(solution)
    titles = {s.key: s.label for s in solutions}

    all_queries = [q for qs in queries_of.values() for q in qs]
    all_sectors = set().union(*sectors_of.values(), *(q.sectors for q in all_queries))
    all_cpv = {code for q in all_queries for code in q.cpv}
    # Only open challenges are recommended to companies.
    allowed = Challenge.objects.open()
    invited = invited_phases([c.pk for c in companies])
    # Later phases are only for the suppliers invited to them: none other enters the pool.
    eligible = allowed.filter(Q(previous_phase__isnull=True) | Q(pk__in=list(invited)))
    corpus = catalogue_corpus(allowed, CHALLENGE_FIELDS)
    keys = _pool(Challenge, eligible, all_queries, all_sectors, all_cpv, share=len(companies))
    documents, _extras = _profiles(eligible.filter(pk__in=keys), Challenge, CHALLENGE_FIELDS)

    ranked_of = {}
    for company in companies:
        # A later phase in the pool may be there for another of the person's companies.
        own_documents = [d for d in documents if d.key not in invited or company.pk in invited[d.key]]
        queries = queries_of[company.pk]
        matches = {m.key: m for m in rank(queries, own_documents, corpus=corpus)} if queries else {}
        for document in own_documents:
            share, shared = sector_overlap(sectors_of[company.pk], document.sectors)
            if not shared:
                continue
            match = matches.get(document.key)
            if match is None:
                match = matches[document.key] = Match(document.key, 0.0, 0.0, 0.0, 0.0, [])
            match.score += COMPANY_SECTOR_BONUS * share
            match.reasons.append(Reason("your_sector", shared))
        ranked = sorted(matches.values(), key=lambda m: (-m.score, m.key))[:limit]
        for match in ranked:
            if match.via is not None:
                match.reasons.insert(0, Reason("your_solution", (titles[match.via],)))
        ranked_of[company.pk] = ranked

    shown = {m.key for ranked in ranked_of.values() for m in ranked}
    by_key = {c.pk: c for c in allowed.filter(pk__in=shown | set(invited)).select_related("owner")}
    numbers = _phase_numbers(by_key[pk] for pk in invited if pk in by_key)
    results = []
    for company in companies:
        ranked = [m for m in ranked_of[company.pk] if m.key in by_key]  # a deadline may pass meanwhile
        for match in ranked:
            match.obj = by_key[match.key]
        invitations = sorted(
            (
                Invitation(by_key[pk], *numbers[pk])
                for pk, invited_companies in invited.items()
                if company.pk in invited_companies and pk in by_key
            ),
            key=lambda i: (i.challenge.deadline, i.challenge.pk),
        )
        results.append(CompanyRecommendations(company, ranked, bool(queries_of[company.pk]), invitations))
    return results
