"""Optimal matching of a staff-exchange round: who swaps jobs with whom, and in which week.

A round pairs public servants with company employees for a reciprocal swap (Slovenia's
Partnership for Change): during the same five consecutive working days each works at the
other's organisation, a guest there while the other is a guest at theirs. This module is pure
Python with numpy and scipy, and knows nothing of Django: the exchange app turns applications
into `Applicant`s, calls `match`, and stores and explains the `MatchResult`.

Hard constraints for a pair of a public applicant p and a company applicant c:

- different organisations (defensive: a public body is not a company, but ids are only ids);
- the pair is not in `excluded` (a manager excluded it, or one side declined it before: it is
  never proposed again);
- the same region, or both willing to travel (each travels to the other's place);
- a common slot: five consecutive working days, or as many as the round's exchange lasts
  (`days`; Monday to Friday; a slot may span a weekend,
  Wednesday to the next Tuesday) inside the round's window, each of them inside both people's
  availability. Availability is the union of the person's inclusive date ranges, and only the
  slot's working days must lie in it: nobody works the weekend in between, so someone who gave
  two ranges, Monday to Friday and the next Monday to Friday, is free from Wednesday to Tuesday.
  Public holidays are not known here: a round leaves them out through its window or people
  through their availability.

Each applicant is in at most one pair. The score of a pair is what both people gain as guests,
in whole points so that totals compare exactly:

    score(guest, host) = 3 × topics the guest wants to learn that the host offers
                       + 2 if the host's sector is one the guest wants to visit
                       + 2 if they share a language
                       + 1 if they are in the same region
    pair score         = score(p as guest of c) + score(c as guest of p) + 1

The base point makes every feasible pair score at least 1, so a pair is always worth making,
and `match` maximises the sum of the pair scores: an optimal assignment (scipy's
linear_sum_assignment) on the matrix of scores, where an infeasible pair scores 0 (see
`assignment.optimal_pairs` for why 0 and not a large negative number). `greedy_match`, the obvious
baseline, repeatedly takes the best remaining pair; it is here for the benchmark and the tests.

Host capacity: an organisation may host only so many guests in a round (`capacity`, by
organisation id; one absent is unlimited, 0 hosts nobody). A pair (p, c) puts c at p's
organisation and p at c's, so it takes one place at each: the pairs with a member of an
organisation are at most its capacity, locked pairs included. `match` stays exact under
capacities: see `assignment.optimal_pairs` for the reduction to an assignment. An organisation is on one
side of the round; a capacity for one with applicants on both sides is refused (its places
would be shared by the two sides, which the reduction cannot express).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import date
from typing import Literal, NamedTuple

import numpy as np

from .assignment import Limits, greedy_pairs, optimal_pairs
from .days import working_day_after

type Side = Literal["public", "company"]
type UnmatchedReason = Literal["no_common_week", "no_feasible_partner", "organisation_full", "partners_taken"]

SLOT_WORKING_DAYS = 5
POINTS_PER_SHARED_INTEREST = 3  # a topic the guest wants to learn and the host offers
POINTS_SECTOR_WANTED = 2  # the host works in a sector the guest wants to visit
POINTS_SHARED_LANGUAGE = 2  # for each guest: they can talk to their host
POINTS_SAME_REGION = 1  # for each guest: no journey
POINTS_PAIR_BASE = 1  # every feasible pair, so that it always scores more than no pair

# Rows of public applicants scored at a time: the temporary matrices of a block stay small
# (a few tens of MB at 5,000 companies) while the products stay large enough for BLAS.
_ROWS_PER_BLOCK = 512


@dataclasses.dataclass(frozen=True)
class Applicant:
    """One person's application to a round, as the matcher needs it."""

    id: int
    side: Side
    organisation_id: int
    skills: frozenset[str]  # what they can offer as a host
    interests: frozenset[str]  # what they want to learn as a guest
    sectors_wanted: frozenset[str]  # sectors they would like to visit
    sector: str  # their own organisation's sector
    languages: frozenset[str]
    region: str
    travels: bool  # willing to spend the week outside their region
    available: tuple[tuple[date, date], ...]  # inclusive date ranges

    def __post_init__(self) -> None:
        if self.side not in ("public", "company"):
            raise ValueError(f"Applicant {self.id}: side must be 'public' or 'company', not {self.side!r}.")
        for first, last in self.available:
            if last < first:
                raise ValueError(f"Applicant {self.id}: the availability {first}–{last} ends before it starts.")


class Reason(NamedTuple):
    """Why a pair scores what it does, for the app to say in words.

    `code` is one of "shared_interest" (value: the topics, sorted), "sector_wanted" (value: the
    host's sector), "shared_language" (value: the languages, sorted), "same_region" (value: the
    region) and "locked" (value: None). `guest` says whose visit the reason is about, "public"
    or "company", and is None when it holds both ways. `points` is what it adds to the score:
    a pair's score is POINTS_PAIR_BASE plus the points of its reasons.
    """

    code: str
    value: tuple[str, ...] | str | None
    guest: Side | None
    points: int


@dataclasses.dataclass(frozen=True)
class Pair:
    """A proposed swap: both spend the slot's working days at the other's organisation."""

    public_id: int
    company_id: int
    score: int
    slot_start: date  # the first day of the earliest common slot
    reasons: list[Reason]
    days: int = SLOT_WORKING_DAYS  # the working days of the slot

    @property
    def slot_end(self) -> date:
        """The slot's last working day."""
        return working_day_after(self.slot_start, self.days - 1)


@dataclasses.dataclass(frozen=True)
class Unmatched:
    """An applicant left without a pair, and why:

    - "no_common_week": nobody on the other side shares a free slot with them;
    - "no_feasible_partner": some do, but every one of them is ruled out (same organisation,
      excluded, or another region without both willing to travel);
    - "organisation_full": feasible partners exist, but their own organisation's places are all
      used (by locked pairs, or by pairs of colleagues that add more to the round's total) or it
      has none (capacity 0);
    - "partners_taken": feasible partners exist and their organisation has a place left, but
      each feasible partner is in a pair (locked, or one that adds more to the round's total
      than pairing them with this applicant would) or is of an organisation whose places are
      all used.

    The first that holds is given, in this order: a person whose organisation is full is
    "organisation_full" whether or not their partners are taken, as no partner could be freed
    for them without also taking a place from a colleague.
    """

    applicant_id: int
    reason: UnmatchedReason


@dataclasses.dataclass(frozen=True)
class MatchResult:
    pairs: list[Pair]  # by public_id
    unmatched: list[Unmatched]  # by applicant_id
    total_score: int


def match(
    public: Iterable[Applicant],
    company: Iterable[Applicant],
    *,
    window: tuple[date, date],
    locked: Iterable[tuple[int, int]] = (),
    excluded: Collection[tuple[int, int]] = frozenset(),
    capacity: Mapping[int, int] | None = None,
    days: int = SLOT_WORKING_DAYS,
) -> MatchResult:
    """The pairs of the round with the highest total score.

    `locked` holds (public_id, company_id) pairs a manager fixed: they are in the result as
    they are and their people in no other pair. `excluded` holds (public_id, company_id) pairs
    never to propose. `capacity` maps an organisation id to the guests it can host in the
    round (absent: unlimited; 0: none, so its applicants are not paired); each pair takes one
    place at both people's organisations. Raises ValueError for inconsistent input: an
    applicant on the wrong side or twice, a locked pair of unknown people or that breaks a hard
    constraint, a person in two locked pairs, a negative capacity, locked pairs beyond an
    organisation's capacity, a capacity for an organisation with applicants on both sides.
    `days` is the length of an exchange in working days (five unless the round says otherwise):
    a slot is that many consecutive working days.
    """
    round_ = _Round.build(
        public, company, window=window, locked=locked, excluded=excluded, capacity=capacity, days=days
    )
    return round_.solve(optimal_pairs)


def greedy_match(
    public: Iterable[Applicant],
    company: Iterable[Applicant],
    *,
    window: tuple[date, date],
    locked: Iterable[tuple[int, int]] = (),
    excluded: Collection[tuple[int, int]] = frozenset(),
    capacity: Mapping[int, int] | None = None,
    days: int = SLOT_WORKING_DAYS,
) -> MatchResult:
    """The baseline: take the best remaining feasible pair until none is left (ties: the lower
    public id, then the lower company id), skipping a pair when either organisation is full.
    The same rules and the same kind of result as `match`, with a total never above match's
    and often below it."""
    round_ = _Round.build(
        public, company, window=window, locked=locked, excluded=excluded, capacity=capacity, days=days
    )
    return round_.solve(greedy_pairs)


def guest_score(guest: Applicant, host: Applicant) -> int:
    """What a guest gains from a week with a host, in points (see the module docstring)."""
    return (
        POINTS_PER_SHARED_INTEREST * len(guest.interests & host.skills)
        + POINTS_SECTOR_WANTED * (host.sector in guest.sectors_wanted)
        + POINTS_SHARED_LANGUAGE * bool(guest.languages & host.languages)
        + POINTS_SAME_REGION * (guest.region == host.region)
    )


def pair_score(public: Applicant, company: Applicant) -> int:
    """The score of a pair, if it is feasible: both guests' scores and the base point."""
    return guest_score(public, company) + guest_score(company, public) + POINTS_PAIR_BASE


def pair_reasons(public: Applicant, company: Applicant) -> list[Reason]:
    """The reasons behind a pair's score. A shared language and the same region hold for both
    guests: each is one reason worth both guests' points."""
    reasons = []
    for guest, host, side in ((public, company, "public"), (company, public, "company")):
        if topics := sorted(guest.interests & host.skills):
            reasons.append(Reason("shared_interest", tuple(topics), side, POINTS_PER_SHARED_INTEREST * len(topics)))
        if host.sector in guest.sectors_wanted:
            reasons.append(Reason("sector_wanted", host.sector, side, POINTS_SECTOR_WANTED))
    if languages := sorted(public.languages & company.languages):
        reasons.append(Reason("shared_language", tuple(languages), None, 2 * POINTS_SHARED_LANGUAGE))
    if public.region == company.region:
        reasons.append(Reason("same_region", public.region, None, 2 * POINTS_SAME_REGION))
    return reasons


@dataclasses.dataclass
class _Round:
    """A round's applicants, sorted by id (so that any order of the input gives the same
    matrices and so the same result), with the matrices both solvers work on."""

    public: list[Applicant]
    company: list[Applicant]
    working_days: np.ndarray  # datetime64[D]: the window's working days
    public_slots: np.ndarray  # bool (public, slot start): the slots each person is free for
    company_slots: np.ndarray  # bool (company, slot start)
    scores: np.ndarray  # int32 (public, company): the pair's score, 0 if it is infeasible
    locked: list[tuple[int, int]]  # (row, column) of each locked pair
    # Host capacities, by side: the index of each person's organisation among those of the
    # side with a capacity (-1: unlimited), and each such organisation's id and capacity.
    public_group: np.ndarray | None = None
    company_group: np.ndarray | None = None
    public_organisations: list[int] = dataclasses.field(default_factory=list)
    company_organisations: list[int] = dataclasses.field(default_factory=list)
    public_capacity: np.ndarray | None = None
    company_capacity: np.ndarray | None = None
    days: int = SLOT_WORKING_DAYS  # the working days of a slot

    @classmethod
    def build(
        cls,
        public: Iterable[Applicant],
        company: Iterable[Applicant],
        *,
        window: tuple[date, date],
        locked: Iterable[tuple[int, int]],
        excluded: Collection[tuple[int, int]],
        capacity: Mapping[int, int] | None = None,
        days: int = SLOT_WORKING_DAYS,
    ) -> _Round:
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            raise ValueError(f"An exchange lasts at least one working day, not {days!r}.")
        public = sorted(public, key=lambda applicant: applicant.id)
        company = sorted(company, key=lambda applicant: applicant.id)
        _check_applicants(public, company)
        working_days = _working_days(window)
        public_slots = _free_slots(public, working_days, days)
        company_slots = _free_slots(company, working_days, days)
        scores = _score_matrix(public, company, public_slots, company_slots)
        row_of = {applicant.id: row for row, applicant in enumerate(public)}
        column_of = {applicant.id: column for column, applicant in enumerate(company)}
        for public_id, company_id in excluded:
            # A pair of someone no longer applying (declined in an earlier round) is moot.
            if public_id in row_of and company_id in column_of:
                scores[row_of[public_id], column_of[company_id]] = 0
        round_ = cls(public, company, working_days, public_slots, company_slots, scores, [], days=days)
        round_.locked = round_._locked_cells(locked, excluded, row_of, column_of)
        round_._set_capacities(dict(capacity or {}))
        return round_

    def _set_capacities(self, capacity: dict[int, int]) -> None:
        for organisation_id, places in sorted(capacity.items()):
            if places < 0:
                raise ValueError(f"Organisation {organisation_id}: a capacity cannot be negative ({places}).")
        public_ids = {applicant.organisation_id for applicant in self.public}
        company_ids = {applicant.organisation_id for applicant in self.company}
        if both := sorted(set(capacity) & public_ids & company_ids):
            raise ValueError(
                f"Organisation {both[0]} has applicants on both sides: its capacity cannot be split between them."
            )
        self.public_organisations = sorted(set(capacity) & public_ids)
        self.company_organisations = sorted(set(capacity) & company_ids)
        self.public_capacity = np.array([capacity[o] for o in self.public_organisations], dtype=np.int64)
        self.company_capacity = np.array([capacity[o] for o in self.company_organisations], dtype=np.int64)
        self.public_group = _groups(self.public, self.public_organisations)
        self.company_group = _groups(self.company, self.company_organisations)
        for organisations, capacities, used in (
            (self.public_organisations, self.public_capacity, self._used([row for row, _ in self.locked], "public")),
            (
                self.company_organisations,
                self.company_capacity,
                self._used([column for _, column in self.locked], "company"),
            ),
        ):
            for organisation_id, places, taken in zip(organisations, capacities.tolist(), used.tolist(), strict=True):
                if taken > places:
                    raise ValueError(
                        f"Organisation {organisation_id}: locked pairs take {taken} places, "
                        f"beyond its capacity of {places}."
                    )

    def _used(self, indices: list[int], side: Side) -> np.ndarray:
        """int64 (organisation with a capacity): the places the pairs of these rows (public) or
        columns (company) take."""
        group = self.public_group if side == "public" else self.company_group
        count = len(self.public_organisations if side == "public" else self.company_organisations)
        groups = group[np.asarray(indices, dtype=np.int64)]
        return np.bincount(groups[groups >= 0], minlength=count).astype(np.int64)

    def _locked_cells(
        self,
        locked: Iterable[tuple[int, int]],
        excluded: Collection[tuple[int, int]],
        row_of: dict[int, int],
        column_of: dict[int, int],
    ) -> list[tuple[int, int]]:
        cells = []
        pair_of: dict[int, tuple[int, int]] = {}
        for pair in sorted(set(locked)):
            public_id, company_id = pair
            if public_id not in row_of:
                raise ValueError(f"Locked pair {pair}: {public_id} is not a public applicant of the round.")
            if company_id not in column_of:
                raise ValueError(f"Locked pair {pair}: {company_id} is not a company applicant of the round.")
            for applicant_id in pair:
                if applicant_id in pair_of:
                    raise ValueError(
                        f"Applicant {applicant_id} is in two locked pairs: {pair_of[applicant_id]} and {pair}."
                    )
                pair_of[applicant_id] = pair
            row, column = row_of[public_id], column_of[company_id]
            if self.scores[row, column] == 0:
                broken = self._broken_constraints(row, column, excluded)
                raise ValueError(f"Locked pair {pair} breaks a hard constraint: {'; '.join(broken)}.")
            cells.append((row, column))
        return cells

    def _broken_constraints(self, row: int, column: int, excluded: Collection[tuple[int, int]]) -> list[str]:
        public, company = self.public[row], self.company[column]
        broken = []
        if public.organisation_id == company.organisation_id:
            broken.append("the same organisation")
        if (public.id, company.id) in excluded:
            broken.append("the pair is excluded")
        if public.region != company.region and not (public.travels and company.travels):
            broken.append("different regions and not both willing to travel")
        if not (self.public_slots[row] & self.company_slots[column]).any():
            broken.append(f"no common slot of {self.days} working days in the window")
        return broken

    def solve(self, solver: Callable[[np.ndarray, Limits, Limits], list[tuple[int, int]]]) -> MatchResult:
        """The result of a solver run on the scores of the people no locked pair holds, with the
        places the locked pairs leave."""
        locked_rows, locked_columns = [row for row, _ in self.locked], [column for _, column in self.locked]
        open_rows = np.setdiff1d(np.arange(len(self.public)), locked_rows)
        open_columns = np.setdiff1d(np.arange(len(self.company)), locked_columns)
        scores = self.scores if not self.locked else self.scores[np.ix_(open_rows, open_columns)]
        row_limits = Limits(self.public_group[open_rows], self.public_capacity - self._used(locked_rows, "public"))
        column_limits = Limits(
            self.company_group[open_columns], self.company_capacity - self._used(locked_columns, "company")
        )
        chosen = [
            (int(open_rows[row]), int(open_columns[column]))
            for row, column in solver(scores, row_limits, column_limits)
        ]
        pairs = [self._pair(row, column, locked=True) for row, column in self.locked]
        pairs += [self._pair(row, column, locked=False) for row, column in chosen]
        pairs.sort(key=lambda pair: pair.public_id)
        paired_rows = {row for row, _ in self.locked + chosen}
        paired_columns = {column for _, column in self.locked + chosen}
        unmatched = self._unmatched(
            [row for row in range(len(self.public)) if row not in paired_rows],
            [column for column in range(len(self.company)) if column not in paired_columns],
            public_full=self._used(sorted(paired_rows), "public") >= self.public_capacity,
            company_full=self._used(sorted(paired_columns), "company") >= self.company_capacity,
        )
        return MatchResult(pairs=pairs, unmatched=unmatched, total_score=sum(pair.score for pair in pairs))

    def _pair(self, row: int, column: int, *, locked: bool) -> Pair:
        public, company = self.public[row], self.company[column]
        first_common_slot = int(np.argmax(self.public_slots[row] & self.company_slots[column]))
        reasons = pair_reasons(public, company)
        if locked:
            reasons.insert(0, Reason("locked", None, None, 0))
        return Pair(
            public_id=public.id,
            company_id=company.id,
            score=int(self.scores[row, column]),
            slot_start=self.working_days[first_common_slot].astype(date),
            reasons=reasons,
            days=self.days,
        )

    def _unmatched(
        self, rows: list[int], columns: list[int], *, public_full: np.ndarray, company_full: np.ndarray
    ) -> list[Unmatched]:
        # Against everyone on the other side, locked people included: a partner in a locked
        # pair is a partner taken, not a partner that never was.
        public_slots, company_slots = self.public_slots.astype(np.float32), self.company_slots.astype(np.float32)
        public_dates = (_counts(public_slots[rows], company_slots) > 0).any(axis=1)
        public_feasible = (self.scores[rows] > 0).any(axis=1)
        company_dates = (_counts(company_slots[columns], public_slots) > 0).any(axis=1)
        company_feasible = (self.scores[:, columns] > 0).any(axis=0)
        # Whether each one's organisation is full; the appended False is for group -1.
        public_no_room = np.append(public_full, False)[self.public_group[rows]]
        company_no_room = np.append(company_full, False)[self.company_group[columns]]
        unmatched = [
            Unmatched(applicant.id, _unmatched_reason(has_dates, has_partner, no_room))
            for applicants, indices, dates, feasible, full in (
                (self.public, rows, public_dates, public_feasible, public_no_room),
                (self.company, columns, company_dates, company_feasible, company_no_room),
            )
            for applicant, has_dates, has_partner, no_room in zip(
                [applicants[index] for index in indices], dates.tolist(), feasible.tolist(), full.tolist(), strict=True
            )
        ]
        return sorted(unmatched, key=lambda entry: entry.applicant_id)


def _unmatched_reason(has_dates: bool, has_partner: bool, organisation_full: bool) -> UnmatchedReason:
    if not has_dates:
        return "no_common_week"
    if not has_partner:
        return "no_feasible_partner"
    if organisation_full:
        return "organisation_full"
    # An optimum leaves no feasible pair of two unpaired people whose organisations both have
    # room (it would add at least 1).
    return "partners_taken"


def _groups(applicants: Sequence[Applicant], organisations: list[int]) -> np.ndarray:
    """int64 (applicant): the index of their organisation in `organisations`, -1 if absent."""
    index = {organisation_id: group for group, organisation_id in enumerate(organisations)}
    return np.array([index.get(applicant.organisation_id, -1) for applicant in applicants], dtype=np.int64)


def _check_applicants(public: Sequence[Applicant], company: Sequence[Applicant]) -> None:
    for applicants, side in ((public, "public"), (company, "company")):
        for applicant in applicants:
            if applicant.side != side:
                raise ValueError(f"Applicant {applicant.id} is on the {applicant.side} side, not the {side} side.")
    seen: set[int] = set()
    for applicant in [*public, *company]:
        if applicant.id in seen:
            # Unmatched entries name applicants by id alone: ids are unique across both sides.
            raise ValueError(f"Applicant {applicant.id} appears twice.")
        seen.add(applicant.id)


def _working_days(window: tuple[date, date]) -> np.ndarray:
    first, last = window
    if last < first:
        raise ValueError(f"The window {first}–{last} ends before it starts.")
    days = np.arange(np.datetime64(first, "D"), np.datetime64(last, "D") + np.timedelta64(1, "D"))
    return days[np.is_busday(days)]


def _free_slots(applicants: Sequence[Applicant], working_days: np.ndarray, length: int) -> np.ndarray:
    """bool (applicant, slot start): whether the slot of `length` working days starting on the
    window's working day of that index lies in the window and in the person's availability."""
    count, days = len(applicants), len(working_days)
    ranges = [(row, first, last) for row, applicant in enumerate(applicants) for first, last in applicant.available]
    # +1 on a range's first working day and -1 after its last: where the running sum is
    # positive, the day lies in some range (ranges may overlap).
    change = np.zeros((count, days + 1), dtype=np.int32)
    if ranges:
        rows = np.array([row for row, _, _ in ranges])
        firsts = np.array([first for _, first, _ in ranges], dtype="datetime64[D]")
        lasts = np.array([last for _, _, last in ranges], dtype="datetime64[D]")
        np.add.at(change, (rows, np.searchsorted(working_days, firsts, side="left")), 1)
        np.add.at(change, (rows, np.searchsorted(working_days, lasts, side="right")), -1)
    available = np.cumsum(change[:, :days], axis=1) > 0
    # free_before[:, d] = the free working days before day d: a slot from d is free when the
    # days d … d + length - 1 all are.
    free_before = np.zeros((count, days + 1), dtype=np.int32)
    np.cumsum(available, axis=1, out=free_before[:, 1:])
    starts = max(days - length + 1, 0)
    return free_before[:, length : length + starts] - free_before[:, :starts] == length


def _score_matrix(
    public: Sequence[Applicant],
    company: Sequence[Applicant],
    public_slots: np.ndarray,
    company_slots: np.ndarray,
) -> np.ndarray:
    """int32 (public, company): `pair_score` where the pair is feasible, else 0 (excluded
    pairs aside), for all pairs at once: each set (skills, interests, sectors, languages, free
    slots) is a 0/1 matrix over its vocabulary, and the size of each intersection is one
    matrix product."""
    topics = _vocabulary(a.skills | a.interests for a in [*public, *company])
    sectors = _vocabulary(a.sectors_wanted | {a.sector} for a in [*public, *company])
    languages = _vocabulary(a.languages for a in [*public, *company])
    public_interests, company_interests = _encode(public, "interests", topics), _encode(company, "interests", topics)
    public_skills, company_skills = _encode(public, "skills", topics), _encode(company, "skills", topics)
    public_wanted, company_wanted = (
        _encode(public, "sectors_wanted", sectors),
        _encode(company, "sectors_wanted", sectors),
    )
    public_sector, company_sector = _encode(public, "sector", sectors), _encode(company, "sector", sectors)
    public_languages, company_languages = (
        _encode(public, "languages", languages),
        _encode(company, "languages", languages),
    )
    public_free, company_free = public_slots.astype(np.float32), company_slots.astype(np.float32)
    regions = _vocabulary({a.region} for a in [*public, *company])
    public_region = np.array([regions[a.region] for a in public], dtype=np.int32)
    company_region = np.array([regions[a.region] for a in company], dtype=np.int32)
    public_organisation = np.array([a.organisation_id for a in public], dtype=np.int64)
    company_organisation = np.array([a.organisation_id for a in company], dtype=np.int64)
    public_travels = np.array([a.travels for a in public], dtype=bool)
    company_travels = np.array([a.travels for a in company], dtype=bool)

    scores = np.zeros((len(public), len(company)), dtype=np.int32)
    for start in range(0, len(public), _ROWS_PER_BLOCK):
        rows = slice(start, start + _ROWS_PER_BLOCK)
        same_region = public_region[rows, None] == company_region[None, :]
        block = POINTS_PER_SHARED_INTEREST * (
            _counts(public_interests[rows], company_skills) + _counts(public_skills[rows], company_interests)
        )
        block += POINTS_SECTOR_WANTED * (
            _counts(public_wanted[rows], company_sector) + _counts(public_sector[rows], company_wanted)
        )
        block += 2 * POINTS_SHARED_LANGUAGE * (_counts(public_languages[rows], company_languages) > 0)
        block += 2 * POINTS_SAME_REGION * same_region
        block += POINTS_PAIR_BASE
        feasible = _counts(public_free[rows], company_free) > 0
        feasible &= public_organisation[rows, None] != company_organisation[None, :]
        feasible &= same_region | (public_travels[rows, None] & company_travels[None, :])
        scores[rows] = np.where(feasible, block, 0)
    return scores


def _vocabulary(sets: Iterable[Collection[str]]) -> dict[str, int]:
    return {word: index for index, word in enumerate(sorted(set().union(*sets)))}


def _encode(applicants: Sequence[Applicant], field: str, vocabulary: dict[str, int]) -> np.ndarray:
    """float32 (applicant, word): 1 where the applicant's field holds the word."""
    matrix = np.zeros((len(applicants), len(vocabulary)), dtype=np.float32)
    cells = [
        (row, vocabulary[word])
        for row, applicant in enumerate(applicants)
        for word in _as_set(getattr(applicant, field))
    ]
    if cells:
        rows, columns = zip(*cells, strict=True)
        matrix[list(rows), list(columns)] = 1
    return matrix


def _as_set(words: str | frozenset[str]) -> frozenset[str]:
    return frozenset([words]) if isinstance(words, str) else words


def _counts(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """int32 (left row, right row): how many columns both have at 1. The product runs in
    float32 for BLAS's speed and is exact: each count is a whole number far below 2**24."""
    return (left @ right.T).astype(np.int32)
