"""Matching a round through its services: a programme manager — and no one else — runs the
matcher on the round's approved applications while the round is matched; a run records what it
found and who it could not pair, and why; each organisation hosts no more guests than it
stated, or than the round allows; a run again keeps what was locked, sent or confirmed,
replaces the draft, and never proposes a pair refused before. Proposals are sent to both
people; each accepts or declines once, before their week begins; a pair both accept is
confirmed. Everyone concerned is told, and every write is audited."""

from datetime import timedelta
from itertools import count

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ponte.core.models import AuditEvent, Notification
from ponte.exchange.matching import working_day_after
from ponte.exchange.models import (
    Answer,
    Application,
    ApplicationStatus,
    Availability,
    Hosting,
    MatchRun,
    Pair,
    PairStatus,
    RoundPhase,
    Side,
    Unmatched,
    UnmatchedReason,
)
from ponte.exchange.services import matching as services
from tests.factories import CompanyFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

_numbers = count(1)


def monday_on_or_after(day):
    return day + timedelta(days=-day.weekday() % 7)


def applicant(
    round, side=Side.PUBLIC, organisation=None, *, status=ApplicationStatus.APPROVED, available=None, **fields
):
    """An application made directly (as the organisation admin would have decided it): a
    person of their own organisation unless told, with a skill no one else has, free the whole
    exchange window unless told."""
    number = next(_numbers)
    organisation = organisation or (OrganisationFactory() if side == Side.PUBLIC else CompanyFactory())
    person = MembershipFactory(organisation=organisation, role="member").user
    application = Application.objects.create(
        round=round,
        applicant=person,
        organisation=organisation,
        side=side,
        job="Analyst",
        skills=fields.pop("skills", [f"skill {number}"]),
        interests=fields.pop("interests", ["nothing in particular"]),
        languages=["English"],
        region="Brussels",
        status=status,
        decided_at=None if status == ApplicationStatus.WAITING else timezone.now(),
        **fields,
    )
    for starts, ends in available or [(round.exchange_starts, round.exchange_ends)]:
        Availability.objects.create(application=application, starts=starts, ends=ends)
    return application


def company_applicant(round, organisation=None, **fields):
    return applicant(round, Side.COMPANY, organisation, **fields)


def holding(round) -> set[tuple[int, int]]:
    return set(
        Pair.objects.filter(round=round, status__in=[PairStatus.PROPOSED, PairStatus.CONFIRMED]).values_list(
            "public_id", "company_id"
        )
    )


def not_paired(run) -> dict[int, str]:
    return dict(Unmatched.objects.filter(run=run).values_list("application_id", "reason"))


def told(kind) -> list:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def verbs() -> list[str]:
    return sorted(AuditEvent.objects.values_list("verb", flat=True))


@pytest.fixture
def matching(round_in):
    """A round being matched: applications closed, exchanges from 20 days on."""
    return round_in(RoundPhase.MATCHING)


@pytest.fixture
def two(matching):
    """A public servant and a company employee, approved."""
    return applicant(matching), company_applicant(matching)


@pytest.fixture
def proposal(programme_manager, matching, two):
    """The one pair of the round, proposed and not sent yet."""
    services.matching_run(actor=programme_manager, round=matching)
    return Pair.objects.get()


@pytest.fixture
def sent(programme_manager, matching, proposal):
    """The proposal, sent to its two people."""
    services.proposals_send(actor=programme_manager, round=matching)
    proposal.refresh_from_db()
    return proposal


# Running --------------------------------------------------------------------------------------


def test_a_run_pairs_the_approved_applicants_and_says_why_the_others_are_not(programme_manager, matching):
    company = company_applicant(matching, skills=["open data"])
    keen = applicant(matching, interests=["open data"])  # learns what the company offers: the better partner
    other = applicant(matching)
    monday = monday_on_or_after(matching.exchange_starts)
    four_days = applicant(matching, available=[(monday, monday + timedelta(days=3))])

    run = services.matching_run(actor=programme_manager, round=matching)

    pair = Pair.objects.get()
    assert (pair.public, pair.company, pair.run) == (keen, company, run)
    assert pair.status == PairStatus.PROPOSED and pair.sent_at is None and not pair.locked
    assert matching.exchange_starts <= pair.slot_starts and pair.slot_ends == working_day_after(pair.slot_starts, 4)
    assert ["shared_interest", ["open data"], "public", 3] in pair.reasons
    assert (run.run_by, run.public_applicants, run.company_applicants) == (programme_manager, 3, 1)
    assert (run.pairs, run.kept_pairs, run.total_score) == (1, 0, pair.score)
    assert not_paired(run) == {
        other.pk: UnmatchedReason.PARTNERS_TAKEN,
        four_days.pk: UnmatchedReason.NO_COMMON_WEEK,
    }
    event = AuditEvent.objects.get(verb="run_matching")
    assert event.actor == programme_manager and event.target_id == str(matching.pk)
    assert event.after["pairs"] == 1 and event.after["not paired"] == 2
    # Nobody is told of a draft.
    assert not Notification.objects.exists()


def test_only_approved_applications_are_matched(programme_manager, matching):
    company = company_applicant(matching, skills=["open data"])
    approved = applicant(matching)
    # Better partners than the approved one, were they approved.
    applicant(matching, status=ApplicationStatus.WAITING, interests=["open data"])
    applicant(matching, status=ApplicationStatus.DECLINED, interests=["open data"])
    company_applicant(matching, status=ApplicationStatus.WAITING)

    run = services.matching_run(actor=programme_manager, round=matching)

    assert holding(matching) == {(approved.pk, company.pk)}
    assert (run.public_applicants, run.company_applicants) == (1, 1)
    assert not_paired(run) == {}


@pytest.mark.parametrize(
    ("guests", "capacity", "pairs"),
    [
        (None, 3, 2),  # nothing stated: the round's limit, not binding here
        (None, 1, 1),  # nothing stated: the round's limit binds
        (1, 3, 1),  # what the organisation stated binds
        (0, 3, 0),
        (3, 1, 1),  # never more than the round allows
    ],
)
def test_an_organisation_hosts_no_more_guests_than_its_places(programme_manager, round_in, guests, capacity, pairs):
    round = round_in(RoundPhase.MATCHING, capacity_per_organisation=capacity)
    firm = CompanyFactory()
    employees = [company_applicant(round, firm), company_applicant(round, firm)]
    applicant(round), applicant(round)
    if guests is not None:
        Hosting.objects.create(round=round, organisation=firm, guests=guests)

    run = services.matching_run(actor=programme_manager, round=round)

    assert len(holding(round)) == run.pairs == pairs
    unpaired = not_paired(run)
    for employee in employees:
        if employee.pk in unpaired:
            assert unpaired[employee.pk] == UnmatchedReason.ORGANISATION_FULL
    assert sum(employee.pk in unpaired for employee in employees) == 2 - pairs


def test_a_run_again_keeps_locked_sent_and_confirmed_pairs_and_replaces_the_draft(programme_manager, matching):
    p1, c1 = applicant(matching), company_applicant(matching)
    first = services.matching_run(actor=programme_manager, round=matching)
    sent = Pair.objects.get()
    services.proposals_send(actor=programme_manager, round=matching)
    sent.refresh_from_db()

    p2, c2 = applicant(matching), company_applicant(matching)
    second = services.matching_run(actor=programme_manager, round=matching)
    assert second.kept_pairs == 1 and second.pairs == 2
    kept = Pair.objects.get(pk=sent.pk)
    assert (kept.public, kept.company, kept.run, kept.sent_at) == (p1, c1, first, sent.sent_at)
    locked = Pair.objects.get(public=p2, company=c2)
    assert locked.run == second and locked.sent_at is None
    services.pair_lock(actor=programme_manager, pair=locked, locked_=True)
    services.pair_accept(actor=p1.applicant, pair=sent)
    services.pair_accept(actor=c1.applicant, pair=sent)

    p3, c3 = applicant(matching), company_applicant(matching, skills=["open data"])
    p5, c5 = applicant(matching, interests=["service design"]), company_applicant(matching, skills=["service design"])
    third = services.matching_run(actor=programme_manager, round=matching)
    replaced = Pair.objects.get(public=p3, company=c3)
    again = Pair.objects.get(public=p5, company=c5)
    assert third.kept_pairs == 2 and replaced.run == again.run == third

    # A better partner for the company employee c3 applies: the draft gives way, the rest stays.
    p4 = applicant(matching, interests=["open data"])
    fourth = services.matching_run(actor=programme_manager, round=matching)
    assert holding(matching) == {(p1.pk, c1.pk), (p2.pk, c2.pk), (p4.pk, c3.pk), (p5.pk, c5.pk)}
    assert (fourth.kept_pairs, fourth.pairs) == (2, 4)
    assert not Pair.objects.filter(pk=replaced.pk).exists()
    assert Pair.objects.get(pk=sent.pk).status == PairStatus.CONFIRMED
    assert Pair.objects.get(pk=sent.pk).run == first
    assert Pair.objects.get(pk=locked.pk).locked and Pair.objects.get(pk=locked.pk).run == second
    # The draft made again is the same pair, now of the latest run.
    assert Pair.objects.get(pk=again.pk).run == fourth
    assert not_paired(fourth) == {p3.pk: UnmatchedReason.PARTNERS_TAKEN}


@pytest.mark.parametrize("how", ["declined", "excluded before it was sent", "excluded after it was sent"])
def test_a_refused_pair_is_never_proposed_again(programme_manager, matching, proposal, how):
    public, company = proposal.public, proposal.company
    if how != "excluded before it was sent":
        services.proposals_send(actor=programme_manager, round=matching)
    if how == "declined":
        services.pair_decline(actor=public.applicant, pair=proposal, reason="That week I move house.")
    else:
        services.pair_exclude(actor=programme_manager, pair=proposal, reason="They worked together before.")

    run = services.matching_run(actor=programme_manager, round=matching)
    assert holding(matching) == set() and run.pairs == 0
    assert not_paired(run) == {
        public.pk: UnmatchedReason.NO_FEASIBLE_PARTNER,
        company.pk: UnmatchedReason.NO_FEASIBLE_PARTNER,
    }
    # Its two people are free for others.
    other_public, other_company = applicant(matching), company_applicant(matching)
    services.matching_run(actor=programme_manager, round=matching)
    assert holding(matching) == {(public.pk, other_company.pk), (other_public.pk, company.pk)}
    assert Pair.objects.get(public=public, company=company).status in (PairStatus.DECLINED, PairStatus.EXCLUDED)


@pytest.mark.parametrize(
    "role", ["citizen", "public_servant", "org_admin", "company_member", "evaluator", "sponsor", "platform_admin"]
)
def test_only_a_programme_manager_runs_the_matching_and_sends(person_in_role, matching, two, role):
    person = person_in_role(role, two[0].organisation)
    with pytest.raises(PermissionDenied):
        services.matching_run(actor=person, round=matching)
    with pytest.raises(PermissionDenied):
        services.proposals_send(actor=person, round=matching)
    assert not MatchRun.objects.exists() and not Pair.objects.exists() and not AuditEvent.objects.exists()


def test_the_applicants_themselves_do_not_run_the_matching(matching, two):
    with pytest.raises(PermissionDenied):
        services.matching_run(actor=two[0].applicant, round=matching)


@pytest.mark.parametrize(
    "phase",
    [
        RoundPhase.UPCOMING,
        RoundPhase.APPLICATIONS_OPEN,
        RoundPhase.UNDER_WAY,
        RoundPhase.FINISHED,
        RoundPhase.CANCELLED,
    ],
)
def test_no_matching_outside_the_matching_phase(programme_manager, round_in, phase):
    round = round_in(phase)
    applicant(round), company_applicant(round)
    with pytest.raises(PermissionDenied):
        services.matching_run(actor=programme_manager, round=round)
    with pytest.raises(PermissionDenied):
        services.proposals_send(actor=programme_manager, round=round)
    assert not MatchRun.objects.exists()


@pytest.mark.parametrize("keep", ["locked", "sent"])
def test_kept_pairs_beyond_a_reduced_hosting_are_a_clear_refusal(programme_manager, matching, keep):
    firm = CompanyFactory()
    company_applicant(matching, firm), company_applicant(matching, firm)
    applicant(matching), applicant(matching)
    services.matching_run(actor=programme_manager, round=matching)
    assert Pair.objects.count() == 2
    if keep == "locked":
        for pair in Pair.objects.all():
            services.pair_lock(actor=programme_manager, pair=pair, locked_=True)
    else:
        services.proposals_send(actor=programme_manager, round=matching)
    Hosting.objects.create(round=matching, organisation=firm, guests=1)

    with pytest.raises(ValidationError) as error:
        services.matching_run(actor=programme_manager, round=matching)
    assert error.value.code == "kept_pairs_break_a_rule"
    assert "Exclude one of them" in " ".join(error.value.messages)
    assert MatchRun.objects.count() == 1 and Pair.objects.filter(status=PairStatus.PROPOSED).count() == 2


def test_kept_pairs_that_a_longer_exchange_no_longer_fits_are_a_refusal_not_an_error(programme_manager, matching):
    monday = monday_on_or_after(matching.exchange_starts + timedelta(days=7))
    one_week = [(monday, monday + timedelta(days=4))]
    applicant(matching, available=one_week), company_applicant(matching, available=one_week)
    services.matching_run(actor=programme_manager, round=matching)
    services.proposals_send(actor=programme_manager, round=matching)
    # The round's exchanges grow to two weeks while it is matched (round_update allows it).
    type(matching).objects.filter(pk=matching.pk).update(exchange_days=10)

    with pytest.raises(ValidationError) as error:
        services.matching_run(actor=programme_manager, round=matching)
    assert error.value.code == "kept_pairs_break_a_rule"
    assert MatchRun.objects.count() == 1


def test_an_exchange_of_three_days_gets_a_slot_of_three_working_days(programme_manager, round_in):
    short = round_in(RoundPhase.MATCHING, exchange_days=3)
    week = round_in(RoundPhase.MATCHING, exchange_days=5)
    for round in (short, week):
        monday = monday_on_or_after(round.exchange_starts + timedelta(days=7))
        only_three = [(monday, monday + timedelta(days=2))]
        applicant(round, available=only_three), company_applicant(round, available=only_three)
        services.matching_run(actor=programme_manager, round=round)

    pair = Pair.objects.get(round=short)
    monday = monday_on_or_after(short.exchange_starts + timedelta(days=7))
    assert (pair.slot_starts, pair.slot_ends) == (monday, monday + timedelta(days=2))
    assert not Pair.objects.filter(round=week).exists()
    assert set(Unmatched.objects.filter(run__round=week).values_list("reason", flat=True)) == {
        UnmatchedReason.NO_COMMON_WEEK
    }


# Locking and excluding ----------------------------------------------------------------------------


def test_a_programme_manager_locks_and_unlocks_a_proposal(programme_manager, proposal):
    services.pair_lock(actor=programme_manager, pair=proposal, locked_=True)
    services.pair_lock(actor=programme_manager, pair=proposal, locked_=True)  # no change: not audited
    assert Pair.objects.get().locked
    services.pair_lock(actor=programme_manager, pair=proposal, locked_=False)
    assert not Pair.objects.get().locked
    assert verbs() == ["lock_pair", "run_matching", "unlock_pair"]


def test_no_one_else_locks_or_excludes_a_proposal(proposal, two):
    for person in (two[0].applicant, two[1].applicant, UserFactory(is_staff=True, is_superuser=True)):
        with pytest.raises(PermissionDenied):
            services.pair_lock(actor=person, pair=proposal, locked_=True)
        with pytest.raises(PermissionDenied):
            services.pair_exclude(actor=person, pair=proposal, reason="Not mine to decide.")
    pair = Pair.objects.get()
    assert pair.status == PairStatus.PROPOSED and not pair.locked


def test_excluding_a_draft_tells_no_one(programme_manager, proposal):
    services.pair_lock(actor=programme_manager, pair=proposal, locked_=True)
    services.pair_exclude(actor=programme_manager, pair=proposal, reason=" They worked together before. ")
    pair = Pair.objects.get()
    assert pair.status == PairStatus.EXCLUDED and not pair.locked and pair.decided_at is not None
    assert (pair.reason, pair.decided_by) == ("They worked together before.", programme_manager)
    assert not Notification.objects.exists()
    event = AuditEvent.objects.get(verb="exclude")
    assert event.after == {"status": "excluded"} and event.reason == "They worked together before."


def test_excluding_a_sent_proposal_tells_its_two_people(programme_manager, sent, two):
    services.pair_exclude(actor=programme_manager, pair=sent)
    assert Pair.objects.get().status == PairStatus.EXCLUDED
    assert told("exchange.pair_withdrawn") == sorted([two[0].applicant_id, two[1].applicant_id])
    assert "exclude" in verbs()
    # Excluded once: not again.
    with pytest.raises(PermissionDenied):
        services.pair_exclude(actor=programme_manager, pair=sent)


# Sending --------------------------------------------------------------------------------------


def test_sending_asks_both_people_of_every_draft_once(programme_manager, matching, proposal, two):
    assert services.proposals_send(actor=programme_manager, round=matching) == 1
    pair = Pair.objects.get()
    assert pair.sent_at is not None
    notifications = Notification.objects.filter(kind="exchange.pair_proposed")
    assert sorted(notification.recipient_id for notification in notifications) == sorted(
        [two[0].applicant_id, two[1].applicant_id]
    )
    assert {notification.url for notification in notifications} == {pair.get_absolute_url()}
    assert AuditEvent.objects.get(verb="send_proposals").after == {"proposals": 1}

    with pytest.raises(ValidationError) as error:
        services.proposals_send(actor=programme_manager, round=matching)
    assert error.value.code == "nothing_to_send"
    assert Notification.objects.count() == 2 and AuditEvent.objects.filter(verb="send_proposals").count() == 1
    assert Pair.objects.get().sent_at == pair.sent_at


def test_sending_with_no_pair_is_refused(programme_manager, matching):
    with pytest.raises(ValidationError) as error:
        services.proposals_send(actor=programme_manager, round=matching)
    assert error.value.code == "nothing_to_send"
    assert not Notification.objects.exists()


# Answering ------------------------------------------------------------------------------------


def test_a_pair_both_accept_is_confirmed_and_both_are_told(sent, two):
    public, company = (application.applicant for application in two)
    services.pair_accept(actor=company, pair=sent)
    pair = Pair.objects.get()
    assert (pair.status, pair.company_answer, pair.public_answer) == (PairStatus.PROPOSED, Answer.ACCEPTED, "")
    assert not Notification.objects.filter(kind="exchange.pair_confirmed").exists()

    services.pair_accept(actor=public, pair=sent)
    pair = Pair.objects.get()
    assert pair.status == PairStatus.CONFIRMED and pair.public_answer == Answer.ACCEPTED
    assert pair.decided_at is not None
    assert told("exchange.pair_confirmed") == sorted([public.pk, company.pk])
    assert [event.after for event in AuditEvent.objects.filter(verb="accept_pair").order_by("pk")] == [
        {"company_answer": "accepted"},
        {"public_answer": "accepted"},
    ]
    assert AuditEvent.objects.get(verb="confirm").after == {"status": "confirmed"}


def test_a_decline_needs_a_reason_and_tells_the_other_and_the_manager(programme_manager, sent, two):
    public, company = (application.applicant for application in two)
    with pytest.raises(ValidationError) as error:
        services.pair_decline(actor=public, pair=sent, reason="  ")
    assert "Say why you decline" in error.value.message_dict["reason"][0]
    assert Pair.objects.get().status == PairStatus.PROPOSED and not AuditEvent.objects.filter(verb="decline").exists()

    services.pair_decline(actor=public, pair=sent, reason="That week I move house.")
    pair = Pair.objects.get()
    assert (pair.status, pair.public_answer, pair.company_answer) == (PairStatus.DECLINED, Answer.DECLINED, "")
    assert (pair.reason, pair.decided_by) == ("That week I move house.", public)
    assert told("exchange.pair_declined") == sorted([company.pk, programme_manager.pk])
    assert AuditEvent.objects.get(verb="decline").reason == "That week I move house."


def test_the_company_employee_declines_and_the_public_servant_is_told(programme_manager, sent, two):
    public, company = (application.applicant for application in two)
    services.pair_decline(actor=company, pair=sent, reason="Our audit is that week.")
    assert Pair.objects.get().company_answer == Answer.DECLINED
    assert told("exchange.pair_declined") == sorted([public.pk, programme_manager.pk])


def test_one_answers_once(sent, two):
    public = two[0].applicant
    services.pair_accept(actor=public, pair=sent)
    with pytest.raises(PermissionDenied):
        services.pair_accept(actor=public, pair=sent)
    with pytest.raises(PermissionDenied):
        services.pair_decline(actor=public, pair=sent, reason="Changed my mind.")
    assert Pair.objects.get().public_answer == Answer.ACCEPTED
    assert AuditEvent.objects.filter(verb="accept_pair").count() == 1


def test_no_answer_once_the_pair_is_decided(sent, two):
    public, company = (application.applicant for application in two)
    services.pair_decline(actor=public, pair=sent, reason="That week I move house.")
    with pytest.raises(PermissionDenied):
        services.pair_accept(actor=company, pair=sent)


def test_no_answer_once_the_week_began(sent, two):
    Pair.objects.update(slot_starts=timezone.localdate())
    for person in (two[0].applicant, two[1].applicant):
        with pytest.raises(PermissionDenied):
            services.pair_accept(actor=person, pair=sent)
        with pytest.raises(PermissionDenied):
            services.pair_decline(actor=person, pair=sent, reason="Too late.")
    # The day before, they still could.
    Pair.objects.update(slot_starts=timezone.localdate() + timedelta(days=1))
    services.pair_accept(actor=two[0].applicant, pair=sent)


def test_no_answer_to_a_draft(proposal, two):
    with pytest.raises(PermissionDenied):
        services.pair_accept(actor=two[0].applicant, pair=proposal)
    with pytest.raises(PermissionDenied):
        services.pair_decline(actor=two[1].applicant, pair=proposal, reason="Not asked yet.")


def test_no_one_answers_for_the_two_people(programme_manager, sent, two):
    colleague_admin = MembershipFactory(organisation=two[0].organisation, role="admin").user
    colleague = MembershipFactory(organisation=two[1].organisation, role="member").user
    for person in (programme_manager, colleague_admin, colleague, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.pair_accept(actor=person, pair=sent)
        with pytest.raises(PermissionDenied):
            services.pair_decline(actor=person, pair=sent, reason="On their behalf.")
    pair = Pair.objects.get()
    assert (pair.status, pair.public_answer, pair.company_answer) == (PairStatus.PROPOSED, "", "")


def _round_answers(round, **changes) -> dict:
    fields = (
        "title",
        "description",
        "applications_open_at",
        "applications_close_at",
        "exchange_starts",
        "exchange_ends",
        "exchange_days",
        "capacity_per_organisation",
    )
    return {**{name: getattr(round, name) for name in fields}, "challenges": [], **changes}


def test_once_people_are_paired_the_round_keeps_their_days(programme_manager, matching, proposal):
    from ponte.exchange.services import rounds as round_services

    # The pair's week in the middle of the window, as the matcher could have found it.
    monday = monday_on_or_after(matching.exchange_starts + timedelta(days=50))
    Pair.objects.filter(pk=proposal.pk).update(slot_starts=monday, slot_ends=monday + timedelta(days=4))
    proposal.refresh_from_db()
    for changes, field in (
        ({"exchange_days": 10}, "exchange_days"),
        ({"exchange_starts": proposal.slot_starts + timedelta(days=1)}, "exchange_starts"),
        ({"exchange_ends": proposal.slot_ends - timedelta(days=1)}, "exchange_ends"),
    ):
        with pytest.raises(ValidationError) as error:
            round_services.round_update(
                actor=programme_manager,
                round=matching,
                seen_version=matching.version,
                **_round_answers(matching, **changes),
            )
        assert field in error.value.message_dict, changes
    # What keeps every pair's days is saved; and once the pair is excluded, the length may change.
    later = proposal.slot_ends + timedelta(days=1)
    assert round_services.round_update(
        actor=programme_manager,
        round=matching,
        seen_version=matching.version,
        **_round_answers(matching, exchange_ends=max(later, matching.exchange_ends)),
    ) in ([], ["exchange_ends"])
    services.pair_exclude(actor=programme_manager, pair=proposal)
    matching.refresh_from_db()
    assert round_services.round_update(
        actor=programme_manager,
        round=matching,
        seen_version=matching.version,
        **_round_answers(matching, exchange_days=10),
    ) == ["exchange_days"]
