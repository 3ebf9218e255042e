"""The exchange matcher: optimal against brute force, every hard constraint held, locked and
excluded pairs honoured, deterministic, and the reasons it gives for pairs and for people left
out right. The rules are checked against a reference written here from the rules themselves,
day by day and set by set, not against the matcher's matrices."""

import random
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from ponte.exchange import assignment, matching
from ponte.exchange.matching import Applicant, MatchResult, Reason, Unmatched, greedy_match, match

MONDAY = date(2027, 3, 1)
WEEK = (MONDAY, MONDAY + timedelta(days=4))
MONTH = (MONDAY, MONDAY + timedelta(days=27))


def applicant(id, side="public", **fields):
    """An applicant who, unless told otherwise, is free all month and pairs with anyone."""
    defaults = {
        "organisation_id": id,
        "skills": frozenset(),
        "interests": frozenset(),
        "sectors_wanted": frozenset(),
        "sector": "health" if side == "public" else "digital",
        "languages": frozenset({"sl"}),
        "region": "Ljubljana",
        "travels": False,
        "available": (MONTH,),
    }
    return Applicant(id=id, side=side, **(defaults | fields))


def company(id, **fields):
    return applicant(id, "company", **fields)


def days(first, last):
    return (first, last)


# The reference: the rules as the product states them, one day and one set at a time.


def working_days(window):
    first, last = window
    every_day = (first + timedelta(days=offset) for offset in range((last - first).days + 1))
    return [day for day in every_day if day.weekday() < 5]


def is_available(person, day):
    return any(first <= day <= last for first, last in person.available)


def slot_starts(person, window):
    """The first days of the slots of five consecutive working days, in the window, each day
    of which the person is available."""
    window_days = working_days(window)
    return [
        window_days[index]
        for index in range(len(window_days) - 4)
        if all(is_available(person, day) for day in window_days[index : index + 5])
    ]


def reference_score(public, company):
    def as_guest(guest, host):
        return (
            3 * len(guest.interests & host.skills)
            + (2 if host.sector in guest.sectors_wanted else 0)
            + (2 if guest.languages & host.languages else 0)
            + (1 if guest.region == host.region else 0)
        )

    return as_guest(public, company) + as_guest(company, public) + 1


def reference_feasible(public, company, window, excluded):
    return (
        public.organisation_id != company.organisation_id
        and (public.id, company.id) not in excluded
        and (public.region == company.region or (public.travels and company.travels))
        and bool(set(slot_starts(public, window)) & set(slot_starts(company, window)))
    )


@dataclass
class Round:
    public: list
    company: list
    window: tuple
    excluded: frozenset
    locked: tuple = ()
    capacity: dict | None = None  # organisation id: guests it can host; absent, unlimited

    def feasible_scores(self):
        """{(public id, company id): score} of every feasible pair."""
        return {
            (p.id, c.id): reference_score(p, c)
            for p in self.public
            for c in self.company
            if reference_feasible(p, c, self.window, self.excluded)
        }

    def match(self, matcher=match):
        return matcher(
            self.public,
            self.company,
            window=self.window,
            locked=self.locked,
            excluded=self.excluded,
            capacity=self.capacity,
        )


def brute_force_best_total(round_):
    """The best total over every set of pairs that keeps the locked pairs and the host
    capacities, by trying them all."""
    scores = round_.feasible_scores()
    capacity = round_.capacity or {}
    organisation = {person.id: person.organisation_id for person in [*round_.public, *round_.company]}
    locked_ids = {person for pair in round_.locked for person in pair}
    public = [p.id for p in round_.public if p.id not in locked_ids]
    company = tuple(c.id for c in round_.company if c.id not in locked_ids)

    def with_pair(used, pair):
        """The places used with one more pair, or None if it does not fit."""
        used = Counter(dict(used))
        for person in pair:
            used[organisation[person]] += 1
            if used[organisation[person]] > capacity.get(organisation[person], len(organisation)):
                return None
        return frozenset(used.items())

    @cache
    def best(index, taken, used):
        if index == len(public):
            return 0
        total = best(index + 1, taken, used)  # this public applicant left without a pair
        for company_id in company:
            pair = (public[index], company_id)
            if company_id not in taken and pair in scores and (now := with_pair(used, pair)) is not None:
                total = max(total, scores[pair] + best(index + 1, taken | {company_id}, now))
        return total

    used = frozenset()
    for pair in round_.locked:
        used = with_pair(used, pair)
    return sum(scores[pair] for pair in round_.locked) + best(0, frozenset(), used)


def check_result(round_, result):
    """Every rule a result must keep, checked against the reference."""
    public = {p.id: p for p in round_.public}
    company = {c.id: c for c in round_.company}
    scores = round_.feasible_scores()
    paired = [pair.public_id for pair in result.pairs] + [pair.company_id for pair in result.pairs]
    assert len(paired) == len(set(paired)), "someone is in two pairs"
    assert sorted(paired + [entry.applicant_id for entry in result.unmatched]) == sorted([*public, *company])
    for pair in result.pairs:
        p, c = public[pair.public_id], company[pair.company_id]
        assert p.organisation_id != c.organisation_id
        assert (p.id, c.id) not in round_.excluded
        assert p.region == c.region or (p.travels and c.travels)
        common = sorted(set(slot_starts(p, round_.window)) & set(slot_starts(c, round_.window)))
        assert pair.slot_start == common[0], "not the earliest common slot"
        slot = working_days((pair.slot_start, round_.window[1]))[:5]
        assert len(slot) == 5 and slot[-1] == pair.slot_end
        assert all(round_.window[0] <= day <= round_.window[1] for day in slot)
        assert all(is_available(p, day) and is_available(c, day) for day in slot)
        assert pair.score == scores[p.id, c.id]
        assert pair.score == matching.POINTS_PAIR_BASE + sum(reason.points for reason in pair.reasons)
        assert (Reason("locked", None, None, 0) in pair.reasons) == ((p.id, c.id) in round_.locked)
    assert set(round_.locked) <= {(pair.public_id, pair.company_id) for pair in result.pairs}
    assert result.total_score == sum(pair.score for pair in result.pairs)
    capacity = round_.capacity or {}
    used = Counter(
        person.organisation_id for pair in result.pairs for person in (public[pair.public_id], company[pair.company_id])
    )
    assert all(used[organisation] <= places for organisation, places in capacity.items()), "beyond a capacity"

    def full(person):
        return person.organisation_id in capacity and used[person.organisation_id] >= capacity[person.organisation_id]

    for entry in result.unmatched:
        person = public.get(entry.applicant_id) or company[entry.applicant_id]
        others = company.values() if person.side == "public" else public.values()
        as_pair = (lambda other: (person, other)) if person.side == "public" else (lambda other: (other, person))
        shares_a_slot = [
            other
            for other in others
            if set(slot_starts(person, round_.window)) & set(slot_starts(other, round_.window))
        ]
        feasible = [other for other in others if tuple(x.id for x in as_pair(other)) in scores]
        if not shares_a_slot:
            assert entry.reason == "no_common_week"
        elif not feasible:
            assert entry.reason == "no_feasible_partner"
        elif full(person):
            assert entry.reason == "organisation_full"
        else:
            assert entry.reason == "partners_taken"
            assert all(other.id in paired or full(other) for other in feasible), (
                "a feasible pair of two unpaired people with room was left"
            )


# Random rounds: small enough to try every set of pairs, varied enough to hit every rule.

TOPICS = ["data", "procurement", "design", "law"]
topic_sets = st.frozensets(st.sampled_from(TOPICS), max_size=3)


@st.composite
def rounds(draw, max_per_side=6, lock=True):
    window_first = MONDAY + timedelta(days=draw(st.integers(0, 6)))
    window = (window_first, window_first + timedelta(days=draw(st.integers(0, 20))))

    def person(id, side):
        ranges = draw(st.lists(st.tuples(st.integers(-3, 24), st.integers(0, 13)), max_size=3))
        return Applicant(
            id=id,
            side=side,
            organisation_id=draw(st.integers(1, 4)),  # shared numbers: the same-organisation rule is hit
            skills=draw(topic_sets),
            interests=draw(topic_sets),
            sectors_wanted=draw(st.frozensets(st.sampled_from(["health", "energy", "digital"]), max_size=2)),
            sector=draw(st.sampled_from(["health", "energy", "digital"])),
            languages=draw(st.frozensets(st.sampled_from(["sl", "en", "de"]), max_size=2)),
            region=draw(st.sampled_from(["Ljubljana", "Maribor"])),
            travels=draw(st.booleans()),
            available=tuple(
                (window_first + timedelta(days=start), window_first + timedelta(days=start + length))
                for start, length in ranges
            ),
        )

    public = [person(1 + index, "public") for index in range(draw(st.integers(0, max_per_side)))]
    company = [person(101 + index, "company") for index in range(draw(st.integers(0, max_per_side)))]
    all_pairs = [(p.id, c.id) for p in public for c in company]
    excluded = draw(st.frozensets(st.sampled_from(all_pairs))) if all_pairs else frozenset()
    round_ = Round(public, company, window, excluded)
    feasible = sorted(round_.feasible_scores())
    if lock and feasible and draw(st.booleans()):
        round_.locked = (draw(st.sampled_from(feasible)),)
    return round_


@settings(max_examples=60, deadline=None)
@given(rounds())
def test_the_total_is_the_best_of_all_sets_of_pairs(round_):
    result = round_.match()
    assert result.total_score == brute_force_best_total(round_)
    check_result(round_, result)


@settings(max_examples=60, deadline=None)
@given(rounds(max_per_side=10))
def test_every_hard_constraint_holds_and_the_optimum_is_never_below_greedy(round_):
    optimal, greedy = round_.match(), round_.match(greedy_match)
    check_result(round_, optimal)
    check_result(round_, greedy)
    assert optimal.total_score >= greedy.total_score


def test_every_score_of_the_matrix_is_the_reference_one_across_blocks(monkeypatch):
    """The matrix is scored a block of rows at a time: blocks of 4 over 30 rows must give the
    reference score of every feasible pair and 0 for every other."""
    monkeypatch.setattr(matching, "_ROWS_PER_BLOCK", 4)
    rng = random.Random(7)
    window = (MONDAY, MONDAY + timedelta(days=34))

    def person(id, side):
        start = rng.randrange(30)
        return Applicant(
            id=id,
            side=side,
            organisation_id=rng.randrange(10),
            skills=frozenset(rng.sample(TOPICS, rng.randint(0, 3))),
            interests=frozenset(rng.sample(TOPICS, rng.randint(0, 3))),
            sectors_wanted=frozenset(rng.sample(["health", "energy", "digital"], rng.randint(0, 2))),
            sector=rng.choice(["health", "energy", "digital"]),
            languages=frozenset(rng.sample(["sl", "en", "de"], rng.randint(0, 2))),
            region=rng.choice(["Ljubljana", "Maribor", "Koper"]),
            travels=rng.random() < 0.6,
            available=((MONDAY + timedelta(days=start), MONDAY + timedelta(days=start + rng.randint(3, 20))),),
        )

    public = [person(index, "public") for index in range(30)]
    companies = [person(100 + index, "company") for index in range(25)]
    excluded = frozenset({(public[0].id, companies[0].id), (public[5].id, companies[3].id)})
    built = matching._Round.build(public, companies, window=window, locked=(), excluded=excluded)
    expected = [
        [
            reference_score(p, c) if reference_feasible(p, c, window, excluded) else 0
            for c in sorted(companies, key=lambda a: a.id)
        ]
        for p in sorted(public, key=lambda a: a.id)
    ]
    assert built.scores.tolist() == expected
    assert 0 < np.count_nonzero(built.scores) < built.scores.size  # both kinds are tested


# Why infeasible pairs score 0 in the assignment.


def test_an_infeasible_pair_scores_zero_in_the_assignment_not_a_large_negative_number():
    """[[10, 1], [1, infeasible]]: the best is the single pair worth 10. With 0 for the
    infeasible entry the assignment takes it and the matcher drops it; with a large negative
    number the assignment, which must fill both rows, would take the two pairs worth 1."""
    assert assignment.optimal_pairs(np.array([[10, 1], [1, 0]], dtype=np.int32)) == [(0, 0)]
    rows, columns = linear_sum_assignment(np.array([[10, 1], [1, -1000]]), maximize=True)
    assert sorted(zip(rows.tolist(), columns.tolist(), strict=True)) == [(0, 1), (1, 0)]


def test_a_great_pair_is_kept_although_it_leaves_two_people_without_a_pair():
    # p1 and c1 share every interest; the two other pairs are worth the base point alone and
    # p2 and c2 share no week.
    topics = frozenset({"data", "procurement", "design", "law"})
    p1 = applicant(1, interests=topics, skills=topics, travels=True)
    p2 = applicant(2, region="Maribor", travels=True, languages=frozenset({"de"}), available=(WEEK,))
    c1 = company(11, interests=topics, skills=topics, travels=True, available=(WEEK,))
    last_week = (MONTH[1] - timedelta(days=6), MONTH[1])
    c2 = company(12, region="Koper", travels=True, languages=frozenset({"en"}), available=(last_week,))
    result = match([p1, p2], [c1, c2], window=MONTH)
    assert [(pair.public_id, pair.company_id) for pair in result.pairs] == [(1, 11)]
    assert result.total_score == reference_score(p1, c1) == 31
    assert reference_score(p1, c2) + reference_score(p2, c1) == 2


# Greedy: never better, sometimes worse.


def test_greedy_is_strictly_worse_when_the_best_pair_blocks_two_good_ones():
    # Everyone shares a region and a language (7 points a pair). p1–c1 adds two shared
    # interests (13); p1–c2 and p2–c1 one each (10); p2 and c2 share no week.
    first_week, second_week = WEEK, (MONDAY + timedelta(days=7), MONDAY + timedelta(days=11))
    p1 = applicant(1, interests=frozenset({"data", "law"}))
    p2 = applicant(2, interests=frozenset({"data"}), available=(first_week,))
    c1 = company(11, skills=frozenset({"data", "law"}))
    c2 = company(12, skills=frozenset({"data"}), available=(second_week,))
    greedy = greedy_match([p1, p2], [c1, c2], window=MONTH)
    optimal = match([p1, p2], [c1, c2], window=MONTH)
    assert [(pair.public_id, pair.company_id, pair.score) for pair in greedy.pairs] == [(1, 11, 13)]
    assert [(pair.public_id, pair.company_id, pair.score) for pair in optimal.pairs] == [(1, 12, 10), (2, 11, 10)]
    assert greedy.total_score == 13 < optimal.total_score == 20
    assert [pair.slot_start for pair in optimal.pairs] == [second_week[0], first_week[0]]


# Locked and excluded pairs.


def test_a_locked_pair_is_kept_against_the_optimum_and_the_rest_is_optimised_around_it():
    p1 = applicant(1, interests=frozenset({"data"}))
    p2 = applicant(2)
    c1 = company(11, skills=frozenset({"data"}))
    c2 = company(12)
    assert [(pair.public_id, pair.company_id) for pair in match([p1, p2], [c1, c2], window=MONTH).pairs] == [
        (1, 11),
        (2, 12),
    ]
    result = match([p1, p2], [c1, c2], window=MONTH, locked=[(2, 11)])
    assert [(pair.public_id, pair.company_id) for pair in result.pairs] == [(1, 12), (2, 11)]
    assert result.pairs[1].reasons[0] == Reason("locked", None, None, 0)
    assert all(reason.code != "locked" for reason in result.pairs[0].reasons)
    assert result.pairs[1].score == reference_score(p2, c1)


def test_a_locked_pair_takes_its_people_out_even_when_nobody_else_is_left():
    p1, c1, c2 = applicant(1), company(11), company(12)
    result = match([p1], [c1, c2], window=MONTH, locked=[(1, 12)])
    assert [(pair.public_id, pair.company_id) for pair in result.pairs] == [(1, 12)]
    assert result.unmatched == [Unmatched(11, "partners_taken")]


@pytest.mark.parametrize(
    ("public", "companies", "locked", "excluded", "message"),
    [
        ([applicant(1, organisation_id=5)], [company(11, organisation_id=5)], [(1, 11)], (), "the same organisation"),
        ([applicant(1)], [company(11)], [(1, 11)], {(1, 11)}, "the pair is excluded"),
        (
            [applicant(1, travels=True)],
            [company(11, region="Maribor")],
            [(1, 11)],
            (),
            "different regions and not both willing to travel",
        ),
        (
            [applicant(1, available=(WEEK,))],
            [company(11, available=((MONDAY + timedelta(days=7), MONDAY + timedelta(days=11)),))],
            [(1, 11)],
            (),
            "no common slot of 5 working days in the window",
        ),
        ([applicant(1)], [company(11)], [(11, 1)], (), "11 is not a public applicant"),
        ([applicant(1)], [company(11)], [(1, 12)], (), "12 is not a company applicant"),
        ([applicant(1), applicant(2)], [company(11)], [(1, 11), (2, 11)], (), "Applicant 11 is in two locked pairs"),
        ([applicant(1)], [company(11), company(12)], [(1, 11), (1, 12)], (), "Applicant 1 is in two locked pairs"),
    ],
)
def test_an_invalid_locked_pair_is_refused_with_its_name(public, companies, locked, excluded, message):
    with pytest.raises(ValueError, match=message) as refused:
        match(public, companies, window=MONTH, locked=locked, excluded=frozenset(excluded))
    assert str(locked[-1]) in str(refused.value)


def test_an_excluded_pair_is_never_proposed_even_when_it_is_the_only_one():
    p1 = applicant(1, interests=frozenset({"data"}))
    c1, c2 = company(11, skills=frozenset({"data"})), company(12)
    result = match([p1], [c1, c2], window=MONTH, excluded=frozenset({(1, 11)}))
    assert [(pair.public_id, pair.company_id) for pair in result.pairs] == [(1, 12)]
    assert result.unmatched == [Unmatched(11, "no_feasible_partner")]
    for matcher in (match, greedy_match):
        alone = matcher([p1], [c1], window=MONTH, excluded=frozenset({(1, 11)}))
        assert alone.pairs == []
        assert alone.unmatched == [Unmatched(1, "no_feasible_partner"), Unmatched(11, "no_feasible_partner")]


def test_an_excluded_pair_of_someone_not_in_the_round_is_ignored():
    result = match([applicant(1)], [company(11)], window=MONTH, excluded=frozenset({(1, 99), (98, 11)}))
    assert [(pair.public_id, pair.company_id) for pair in result.pairs] == [(1, 11)]


# Determinism.


def test_the_same_round_in_any_order_gives_the_same_result():
    # Everyone alike but their ids: every pair ties, so only the ids can decide.
    rng = random.Random(2026)
    public = [applicant(index, travels=True) for index in range(1, 16)]
    companies = [company(100 + index, travels=True) for index in range(1, 12)]
    public += [applicant(50 + index, region="Maribor", interests=frozenset({"data"})) for index in range(5)]
    companies += [company(200 + index, region="Maribor", skills=frozenset({"data"})) for index in range(7)]
    locked = [(1, 101), (50, 200)]
    excluded = {(2, 102), (51, 201), (3, 104)}
    first = match(public, companies, window=MONTH, locked=locked, excluded=frozenset(excluded))
    first_greedy = greedy_match(public, companies, window=MONTH, locked=locked, excluded=frozenset(excluded))
    for _ in range(5):
        rng.shuffle(public)
        rng.shuffle(companies)
        rng.shuffle(locked)
        shuffled_excluded = list(excluded)
        rng.shuffle(shuffled_excluded)
        assert match(public, companies, window=MONTH, locked=locked, excluded=shuffled_excluded) == first
        assert greedy_match(public, companies, window=MONTH, locked=locked, excluded=shuffled_excluded) == first_greedy
    assert len(first.pairs) == 11 + 5
    assert [pair.public_id for pair in first.pairs] == sorted(pair.public_id for pair in first.pairs)
    assert [entry.applicant_id for entry in first.unmatched] == sorted(entry.applicant_id for entry in first.unmatched)


# Why people are left out.


def test_no_common_week_no_feasible_partner_and_partners_taken():
    p1 = applicant(1, interests=frozenset({"data"}), organisation_id=7, available=(WEEK,))
    p2 = applicant(2, available=((MONDAY + timedelta(days=21), MONTH[1]),))
    c1 = company(11, skills=frozenset({"data"}), available=(WEEK,))  # p1's best partner
    c2 = company(12, available=(WEEK,))  # p1 would do, but p1 is worth more to c1
    c3 = company(13, organisation_id=7, available=(WEEK,))  # shares the week with p1 alone: same organisation
    c4 = company(14, region="Maribor", available=((MONTH[0] + timedelta(days=14), MONTH[1]),))  # p2 stays home
    result = match([p1, p2], [c1, c2, c3, c4], window=MONTH)
    assert [(pair.public_id, pair.company_id) for pair in result.pairs] == [(1, 11)]
    assert result.unmatched == [
        Unmatched(2, "no_feasible_partner"),  # shares the last week with c4 only, who is in another region
        Unmatched(12, "partners_taken"),
        Unmatched(13, "no_feasible_partner"),
        Unmatched(14, "no_feasible_partner"),
    ]
    nobody_free = match([p1], [company(15, available=((MONTH[1] - timedelta(days=6), MONTH[1]),))], window=MONTH)
    assert nobody_free.pairs == []
    assert nobody_free.unmatched == [Unmatched(1, "no_common_week"), Unmatched(15, "no_common_week")]


def test_someone_with_no_slot_in_the_window_has_no_common_week():
    result = match([applicant(1, available=())], [company(11), company(12)], window=MONTH)
    assert result.pairs == []
    assert {entry.reason for entry in result.unmatched} == {"no_common_week"}


def test_an_empty_side_leaves_the_other_without_a_common_week():
    assert match([], [], window=MONTH) == MatchResult(pairs=[], unmatched=[], total_score=0)
    result = match([applicant(1)], [], window=MONTH)
    assert result == MatchResult(pairs=[], unmatched=[Unmatched(1, "no_common_week")], total_score=0)


# Slots.


def only_pair(public_available, company_available=(MONTH,), window=MONTH):
    result = match(
        [applicant(1, available=public_available)], [company(11, available=company_available)], window=window
    )
    return result.pairs[0] if result.pairs else result.unmatched[0].reason


def test_a_slot_may_span_a_weekend():
    wednesday, next_tuesday = MONDAY + timedelta(days=2), MONDAY + timedelta(days=8)
    pair = only_pair((days(wednesday, next_tuesday),))
    assert (pair.slot_start, pair.slot_end) == (wednesday, next_tuesday)
    # Two ranges that leave the weekend out are the same availability.
    friday, next_monday = MONDAY + timedelta(days=4), MONDAY + timedelta(days=7)
    assert only_pair((days(wednesday, friday), days(next_monday, next_tuesday))).slot_start == wednesday
    # One working day short is no slot.
    assert only_pair((days(wednesday, next_monday),)) == "no_common_week"


def test_exactly_five_working_days_are_a_slot_and_four_are_not():
    assert only_pair((WEEK,)).slot_start == MONDAY
    assert only_pair((WEEK,)).slot_end == WEEK[1]
    assert only_pair(((MONDAY, MONDAY + timedelta(days=3)),)) == "no_common_week"


def test_a_range_that_ends_on_a_saturday_counts_its_working_days_only():
    saturday = MONDAY + timedelta(days=5)
    assert saturday.weekday() == 5
    assert only_pair(((MONDAY, saturday),)).slot_start == MONDAY
    assert only_pair(((MONDAY + timedelta(days=1), saturday),)) == "no_common_week"
    # A range from a Saturday (or Sunday) starts on Monday.
    assert only_pair(((saturday, saturday + timedelta(days=7)),)).slot_start == MONDAY + timedelta(days=7)


def test_an_exchange_of_three_working_days_needs_a_common_slot_of_three_not_five():
    wednesday = MONDAY + timedelta(days=2)
    public = [applicant(1, available=(days(MONDAY, wednesday),))]
    companies = [company(11)]
    five = match(public, companies, window=MONTH)
    assert not five.pairs and five.unmatched[0].reason == "no_common_week"
    (pair,) = match(public, companies, window=MONTH, days=3).pairs
    assert (pair.slot_start, pair.slot_end) == (MONDAY, wednesday)
    assert greedy_match(public, companies, window=MONTH, days=3).pairs == [pair]
    # Three working days from a Thursday end on the Monday after the weekend.
    thursday = MONDAY + timedelta(days=3)
    (pair,) = match([applicant(1, available=(days(thursday, MONTH[1]),))], companies, window=MONTH, days=3).pairs
    assert (pair.slot_start, pair.slot_end) == (thursday, MONDAY + timedelta(days=7))
    # Two working days are not enough for three.
    short = match(
        [applicant(1, available=(days(MONDAY, MONDAY + timedelta(days=1)),))], companies, window=MONTH, days=3
    )
    assert not short.pairs and short.unmatched[0].reason == "no_common_week"


@pytest.mark.parametrize("length", [0, -1, True, 2.5])
def test_an_exchange_of_no_working_day_is_refused(length):
    with pytest.raises(ValueError, match="at least one working day"):
        match([applicant(1)], [company(11)], window=MONTH, days=length)
    with pytest.raises(ValueError, match="at least one working day"):
        greedy_match([applicant(1)], [company(11)], window=MONTH, days=length)


def test_the_slot_lies_inside_the_window():
    wednesday = MONDAY + timedelta(days=2)
    next_tuesday, next_monday = wednesday + timedelta(days=6), wednesday + timedelta(days=5)
    # Everyone free all month; the window is the one slot from Wednesday to Tuesday.
    assert only_pair((MONTH,), window=(wednesday, next_tuesday)).slot_start == wednesday
    assert only_pair((MONTH,), window=(wednesday, next_monday)) == "no_common_week"
    # A window from a Saturday: the first slot starts on the Monday.
    saturday = MONDAY + timedelta(days=5)
    assert only_pair((MONTH,), window=(saturday, MONTH[1])).slot_start == saturday + timedelta(days=2)
    # Availability beyond the window counts only inside it.
    before_and_into = (days(MONDAY - timedelta(days=20), MONDAY + timedelta(days=3)),)
    assert only_pair(before_and_into) == "no_common_week"
    four_weeks_earlier = MONDAY - timedelta(days=28)
    wider = only_pair(before_and_into, ((four_weeks_earlier, MONTH[1]),), window=(MONDAY - timedelta(days=7), MONTH[1]))
    assert wider.slot_start == MONDAY - timedelta(days=7)


def test_the_earliest_common_slot_is_given():
    pair = only_pair((MONTH,), ((MONDAY + timedelta(days=9), MONTH[1]),))
    assert pair.slot_start == MONDAY + timedelta(days=9)  # the second Wednesday


# Reasons and scores.


def test_a_pair_explains_every_point_of_its_score():
    p = applicant(
        1,
        interests=frozenset({"data", "procurement", "law"}),
        skills=frozenset({"design"}),
        sectors_wanted=frozenset({"digital"}),
        sector="health",
        languages=frozenset({"sl", "en"}),
    )
    c = company(
        11,
        skills=frozenset({"procurement", "data"}),
        interests=frozenset({"design"}),
        sectors_wanted=frozenset({"energy"}),
        sector="digital",
        languages=frozenset({"en", "sl", "de"}),
    )
    (pair,) = match([p], [c], window=MONTH).pairs
    assert pair.reasons == [
        Reason("shared_interest", ("data", "procurement"), "public", 6),
        Reason("sector_wanted", "digital", "public", 2),
        Reason("shared_interest", ("design",), "company", 3),
        Reason("shared_language", ("en", "sl"), None, 4),
        Reason("same_region", "Ljubljana", None, 2),
    ]
    assert pair.score == 18 == matching.pair_score(p, c) == reference_score(p, c)
    assert matching.guest_score(p, c) == 6 + 2 + 2 + 1
    assert matching.guest_score(c, p) == 3 + 2 + 1


def test_a_feasible_pair_with_nothing_in_common_scores_the_base_point():
    p = applicant(1, region="Koper", travels=True, languages=frozenset())
    c = company(11, travels=True)
    (pair,) = match([p], [c], window=MONTH).pairs
    assert (pair.score, pair.reasons) == (1, [])


# Bad input.


def test_bad_input_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="on the company side, not the public side"):
        match([company(11)], [], window=MONTH)
    with pytest.raises(ValueError, match="Applicant 1 appears twice"):
        match([applicant(1)], [company(1)], window=MONTH)
    with pytest.raises(ValueError, match="ends before it starts"):
        match([], [], window=(MONTH[1], MONTH[0]))
    with pytest.raises(ValueError, match="Applicant 1: the availability"):
        applicant(1, available=((MONDAY, MONDAY - timedelta(days=1)),))
    with pytest.raises(ValueError, match="side must be"):
        replace(applicant(1), side="ngo")


# Host capacity: each pair takes a place at both people's organisations.


@st.composite
def capacity_rounds(draw, max_per_side=6):
    """Random rounds where people often can pair (long availability in a window of one to four
    weeks), with organisations apart between the sides (1 and 2 public, 11 and 12 company) and
    capacities of 0 to 3 for some of them, and one for an organisation nobody is in."""
    window = (MONDAY, MONDAY + timedelta(days=draw(st.integers(6, 27))))

    def person(id, side, organisations):
        ranges = draw(st.lists(st.tuples(st.integers(-3, 10), st.integers(6, 24)), min_size=1, max_size=2))
        return Applicant(
            id=id,
            side=side,
            organisation_id=draw(st.sampled_from(organisations)),
            skills=draw(topic_sets),
            interests=draw(topic_sets),
            sectors_wanted=draw(st.frozensets(st.sampled_from(["health", "energy", "digital"]), max_size=2)),
            sector=draw(st.sampled_from(["health", "energy", "digital"])),
            languages=draw(st.frozensets(st.sampled_from(["sl", "en", "de"]), max_size=2)),
            region=draw(st.sampled_from(["Ljubljana", "Maribor"])),
            travels=draw(st.booleans()),
            available=tuple(
                (MONDAY + timedelta(days=start), MONDAY + timedelta(days=start + length)) for start, length in ranges
            ),
        )

    public = [person(1 + index, "public", [1, 2]) for index in range(draw(st.integers(0, max_per_side)))]
    company = [person(101 + index, "company", [11, 12]) for index in range(draw(st.integers(0, max_per_side)))]
    all_pairs = [(p.id, c.id) for p in public for c in company]
    excluded = draw(st.frozensets(st.sampled_from(all_pairs), max_size=3)) if all_pairs else frozenset()
    capacity = {99: 0}
    for organisation in sorted({person.organisation_id for person in [*public, *company]}):
        if draw(st.booleans()):
            capacity[organisation] = draw(st.integers(0, 3))
    round_ = Round(public, company, window, excluded, capacity=capacity)
    feasible = sorted(round_.feasible_scores())
    if feasible and draw(st.booleans()):
        round_.locked = (draw(st.sampled_from(feasible)),)
        people = {person.id: person for person in [*public, *company]}
        for person in round_.locked[0]:  # a locked pair needs a place at both organisations
            organisation = people[person].organisation_id
            if organisation in capacity:
                capacity[organisation] = max(capacity[organisation], 1)
    return round_


@settings(max_examples=150, deadline=None)
@given(capacity_rounds())
def test_with_capacities_the_total_is_the_best_of_all_sets_of_pairs_that_fit(round_):
    result = round_.match()
    assert result.total_score == brute_force_best_total(round_)
    check_result(round_, result)


@settings(max_examples=60, deadline=None)
@given(capacity_rounds(max_per_side=10))
def test_with_capacities_every_constraint_holds_and_the_optimum_is_never_below_greedy(round_):
    optimal, greedy = round_.match(), round_.match(greedy_match)
    check_result(round_, optimal)
    check_result(round_, greedy)
    assert optimal.total_score >= greedy.total_score


def test_an_organisation_with_no_places_has_nobody_paired():
    public = [applicant(1, organisation_id=5), applicant(2, organisation_id=5), applicant(3)]
    companies = [company(11), company(12), company(13, organisation_id=8)]
    for matcher in (match, greedy_match):
        result = matcher(public, companies, window=MONTH, capacity={5: 0})
        assert [(pair.public_id, pair.company_id) for pair in result.pairs] == [(3, 11)]
        assert result.unmatched == [
            Unmatched(1, "organisation_full"),
            Unmatched(2, "organisation_full"),
            Unmatched(12, "partners_taken"),  # its only feasible partners: 3 (taken), 1 and 2 (full)
            Unmatched(13, "partners_taken"),
        ]
        company_side = matcher(public, companies, window=MONTH, capacity={8: 0, 11: 0, 12: 0})
        assert [(pair.public_id, pair.company_id) for pair in company_side.pairs] == []
        assert {entry.reason for entry in company_side.unmatched} == {"organisation_full", "partners_taken"}


def test_an_absent_or_ample_capacity_changes_nothing():
    rng = random.Random(5)
    public = [applicant(index, organisation_id=index % 3, travels=rng.random() < 0.5) for index in range(1, 9)]
    companies = [
        company(100 + index, organisation_id=10 + index % 2, region=rng.choice(["Ljubljana", "Maribor"]))
        for index in range(6)
    ]
    for matcher in (match, greedy_match):
        free = matcher(public, companies, window=MONTH, locked=[(1, 101)])
        assert matcher(public, companies, window=MONTH, locked=[(1, 101)], capacity={}) == free
        ample = {0: 8, 1: 8, 2: 8, 10: 6, 11: 6, 77: 0}
        assert matcher(public, companies, window=MONTH, locked=[(1, 101)], capacity=ample) == free


def test_a_capacity_binds_across_colleagues_and_the_best_colleague_is_kept():
    # p1 and p2 work at organisation 5, which hosts one guest: p1's pair is worth more.
    p1 = applicant(1, organisation_id=5, interests=frozenset({"data"}))
    p2 = applicant(2, organisation_id=5)
    c1, c2 = company(11, skills=frozenset({"data"})), company(12)
    result = match([p1, p2], [c1, c2], window=MONTH, capacity={5: 1})
    assert [(pair.public_id, pair.company_id) for pair in result.pairs] == [(1, 11)]
    assert result.unmatched == [Unmatched(2, "organisation_full"), Unmatched(12, "partners_taken")]
    assert result.total_score == reference_score(p1, c1)


def test_a_locked_pair_takes_a_place():
    p1 = applicant(1, organisation_id=5, interests=frozenset({"data"}))
    p2 = applicant(2, organisation_id=5)
    c1, c2 = company(11, skills=frozenset({"data"})), company(12)
    for matcher in (match, greedy_match):
        result = matcher([p1, p2], [c1, c2], window=MONTH, locked=[(2, 12)], capacity={5: 1})
        assert [(pair.public_id, pair.company_id) for pair in result.pairs] == [(2, 12)]
        assert result.unmatched == [Unmatched(1, "organisation_full"), Unmatched(11, "partners_taken")]
        two = matcher([p1, p2], [c1, c2], window=MONTH, locked=[(2, 12)], capacity={5: 2})
        assert [(pair.public_id, pair.company_id) for pair in two.pairs] == [(1, 11), (2, 12)]


@pytest.mark.parametrize(
    ("locked", "capacity", "message"),
    [
        ([(1, 11), (2, 12)], {5: 1}, "Organisation 5: locked pairs take 2 places, beyond its capacity of 1"),
        ([(1, 11)], {5: 0}, "Organisation 5: locked pairs take 1 places, beyond its capacity of 0"),
        ([(1, 11), (2, 12)], {9: 1}, "Organisation 9: locked pairs take 2 places, beyond its capacity of 1"),
        ([], {5: -1}, "Organisation 5: a capacity cannot be negative"),
        ([], {99: -1}, "Organisation 99: a capacity cannot be negative"),
    ],
)
def test_an_inconsistent_capacity_is_refused(locked, capacity, message):
    public = [applicant(1, organisation_id=5), applicant(2, organisation_id=5)]
    companies = [company(11, organisation_id=9), company(12, organisation_id=9)]
    for matcher in (match, greedy_match):
        with pytest.raises(ValueError, match=message):
            matcher(public, companies, window=MONTH, locked=locked, capacity=capacity)


def test_a_capacity_for_an_organisation_on_both_sides_is_refused():
    public, companies = [applicant(1, organisation_id=5)], [company(11, organisation_id=5), company(12)]
    with pytest.raises(ValueError, match="Organisation 5 has applicants on both sides"):
        match(public, companies, window=MONTH, capacity={5: 1})
    assert len(match(public, companies, window=MONTH).pairs) == 1  # without a capacity it is allowed


def test_greedy_is_strictly_worse_when_its_best_pair_fills_two_organisations():
    # Organisations 1 (p1, p2) and 11 (c1, c2) host one guest each. p1–c1 is the best pair (13)
    # but fills both; p2–c3 and p3–c2 (10 each) fit together. p3 and c3 are in other regions.
    p1 = applicant(1, organisation_id=1, interests=frozenset({"data", "law"}))
    p2 = applicant(2, organisation_id=1, interests=frozenset({"design"}))
    p3 = applicant(3, organisation_id=2, region="Maribor", interests=frozenset({"procurement"}))
    c1 = company(11, organisation_id=11, skills=frozenset({"data", "law"}))
    c2 = company(12, organisation_id=11, region="Maribor", skills=frozenset({"procurement"}))
    c3 = company(13, organisation_id=12, skills=frozenset({"design"}))
    capacity = {1: 1, 11: 1}
    greedy = greedy_match([p1, p2, p3], [c1, c2, c3], window=MONTH, capacity=capacity)
    optimal = match([p1, p2, p3], [c1, c2, c3], window=MONTH, capacity=capacity)
    assert [(pair.public_id, pair.company_id, pair.score) for pair in greedy.pairs] == [(1, 11, 13)]
    assert [(pair.public_id, pair.company_id, pair.score) for pair in optimal.pairs] == [(2, 13, 10), (3, 12, 10)]
    assert greedy.total_score == 13 < optimal.total_score == 20
    assert greedy.unmatched == [
        Unmatched(2, "organisation_full"),
        Unmatched(3, "partners_taken"),  # its own organisation has room; its one partner, c2, has none
        Unmatched(12, "organisation_full"),
        Unmatched(13, "partners_taken"),
    ]


def test_the_same_round_with_capacities_in_any_order_gives_the_same_result():
    rng = random.Random(2027)
    public = [applicant(index, organisation_id=index % 4, travels=True) for index in range(1, 21)]
    companies = [company(100 + index, organisation_id=10 + index % 5, travels=True) for index in range(1, 17)]
    capacity = {0: 2, 1: 0, 2: 3, 10: 1, 11: 2, 13: 4}
    locked, excluded = [(2, 101)], {(3, 102), (6, 103)}
    first = match(public, companies, window=MONTH, locked=locked, excluded=excluded, capacity=capacity)
    first_greedy = greedy_match(public, companies, window=MONTH, locked=locked, excluded=excluded, capacity=capacity)
    for _ in range(5):
        rng.shuffle(public)
        rng.shuffle(companies)
        shuffled = dict(rng.sample(sorted(capacity.items()), len(capacity)))
        assert match(public, companies, window=MONTH, locked=locked, excluded=excluded, capacity=shuffled) == first
        assert (
            greedy_match(public, companies, window=MONTH, locked=locked, excluded=excluded, capacity=shuffled)
            == first_greedy
        )
    used = Counter(org for pair in first.pairs for org in (pair.public_id % 4, 10 + (pair.company_id - 100) % 5))
    assert all(used[organisation] <= places for organisation, places in capacity.items())
    assert used[1] == 0 and used[10] == 1


def test_the_dummies_leave_each_organisation_at_most_its_room():
    """The reduction on a bare matrix: rows 0 to 2 in one organisation with room for 1, the
    columns unlimited; the best is row 0's 5 with row 3's 4, not rows 0 and 1's 5 + 5."""
    scores = np.array([[5, 1, 0], [1, 5, 0], [0, 0, 1], [4, 0, 0]], dtype=np.int32)
    rows = assignment.Limits(np.array([0, 0, 0, -1]), np.array([1]))
    columns = assignment.no_limits(3)
    assert sorted(assignment.optimal_pairs(scores)) == [(0, 0), (1, 1), (2, 2)]
    assert sorted(assignment.optimal_pairs(scores, rows, columns)) == [(1, 1), (3, 0)]
    assert sorted(assignment.greedy_pairs(scores, rows, columns)) == [(0, 0)]
