"""Scheduling a confirmed exchange through its services: each host organisation's admin — and
no one else — names a mentor of their organisation (not the person away) and writes a
programme for their guest, until the exchange is over, and a page opened before someone else's
save is refused; either of the two people or a programme manager moves its days to working
days after today inside the round's window that neither has another exchange on, or cancels
it with a reason; a cancelled pair frees its people and places and is never proposed again.
Everyone concerned is told, and every write is audited. A person's private calendar address
is replaced or stopped at will, and the old one stops working at once."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ponte.core.models import AuditEvent, Notification
from ponte.core.versions import StaleEdit
from ponte.exchange.matching import working_day_after
from ponte.exchange.models import CalendarFeed, Pair, PairStatus, RoundPhase, UnmatchedReason
from ponte.exchange.queries.matching import feed_owner
from ponte.exchange.services import matching as matching_services
from ponte.exchange.services import scheduling as services
from tests.factories import CompanyFactory, MembershipFactory, OrganisationFactory, UserFactory

from .test_matching_services import applicant, company_applicant, holding, monday_on_or_after, not_paired, told

pytestmark = pytest.mark.django_db


def confirm(programme_manager, round):
    """Run the round's matching, send and have both people accept: its one new pair, confirmed."""
    matching_services.matching_run(actor=programme_manager, round=round)
    matching_services.proposals_send(actor=programme_manager, round=round)
    pair = Pair.objects.get(round=round, status="proposed")
    for person in (pair.public.applicant, pair.company.applicant):
        matching_services.pair_accept(actor=person, pair=pair)
    pair.refresh_from_db()
    assert pair.status == PairStatus.CONFIRMED
    return pair


def put_on(pair, starts):
    """The pair's days moved directly to `starts` (the matcher chose its own)."""
    ends = working_day_after(starts, pair.round.exchange_days - 1)
    Pair.objects.filter(pk=pair.pk).update(slot_starts=starts, slot_ends=ends)
    pair.refresh_from_db()
    return pair


@pytest.fixture
def matching(round_in):
    """A round being matched: exchanges from 20 to 180 days on."""
    return round_in(RoundPhase.MATCHING)


@pytest.fixture
def confirmed(programme_manager, matching):
    """A confirmed exchange of a public servant and a company employee, in the third week of the
    round's window."""
    applicant(matching), company_applicant(matching)
    pair = confirm(programme_manager, matching)
    put_on(pair, monday_on_or_after(matching.exchange_starts + timedelta(days=14)))
    Notification.objects.all().delete()
    return pair


def admin_of(application):
    return MembershipFactory(organisation=application.organisation, role="admin").user


def member_of(application):
    return MembershipFactory(organisation=application.organisation, role="member").user


# What these services audit (the audit trail is append-only: what made the pair stays in it).
VERBS = (
    "plan_visit",
    "reschedule_pair",
    "cancel",
    "start_calendar_feed",
    "replace_calendar_feed",
    "stop_calendar_feed",
)


def verbs() -> list[str]:
    return sorted(AuditEvent.objects.filter(verb__in=VERBS).values_list("verb", flat=True))


def fresh(pair) -> Pair:
    return Pair.objects.get(pk=pair.pk)


# Planning the visit -------------------------------------------------------------------------------


@pytest.mark.parametrize("side", ["public", "company"])
def test_the_host_admin_plans_their_guests_visit_and_the_guest_is_told(confirmed, side):
    host = getattr(confirmed, side)
    guest = confirmed.company if side == "public" else confirmed.public
    admin, mentor = admin_of(host), member_of(host)

    changed = services.visit_plan(
        actor=admin,
        pair=confirmed,
        side=side,
        mentor=mentor,
        programme="  Monday: the team. Tuesday: the minister.  ",
        seen_version=confirmed.version,
    )

    assert sorted(changed) == sorted([f"{side}_mentor", f"{side}_programme"])
    pair = fresh(confirmed)
    assert getattr(pair, f"{side}_mentor") == mentor
    assert getattr(pair, f"{side}_programme") == "Monday: the team. Tuesday: the minister."
    assert pair.version == confirmed.version + 1
    # The other side's plan is untouched.
    other = "company" if side == "public" else "public"
    assert getattr(pair, f"{other}_mentor") is None and getattr(pair, f"{other}_programme") == ""
    # Only the guest is told, with the host's name and the exchange's page.
    notification = Notification.objects.get(kind="exchange.visit_planned")
    assert notification.recipient == guest.applicant
    assert notification.params == {"organisation": host.organisation.name, "round": confirmed.round.title}
    assert notification.url == confirmed.get_absolute_url()
    event = AuditEvent.objects.get(verb="plan_visit")
    assert event.actor == admin and event.target_id == str(confirmed.pk)
    assert event.after[f"{side}_programme"] == "Monday: the team. Tuesday: the minister."

    # Saved again as it is: nothing changes, nobody is told again.
    again = services.visit_plan(
        actor=admin,
        pair=confirmed,
        side=side,
        mentor=mentor,
        programme="Monday: the team. Tuesday: the minister.",
        seen_version=pair.version,
    )
    assert again == []
    assert fresh(confirmed).version == pair.version
    assert Notification.objects.count() == 1 and verbs() == ["plan_visit"]


def test_each_admin_plans_only_the_side_their_organisation_hosts(confirmed):
    public_admin, company_admin = admin_of(confirmed.public), admin_of(confirmed.company)
    attempts = [
        (company_admin, "public", member_of(confirmed.public)),
        (public_admin, "company", member_of(confirmed.company)),
        (public_admin, "elsewhere", member_of(confirmed.public)),
    ]
    for actor, side, mentor in attempts:
        with pytest.raises(PermissionDenied):
            services.visit_plan(
                actor=actor, pair=confirmed, side=side, mentor=mentor, programme="Visits.", seen_version=None
            )
    pair = fresh(confirmed)
    assert (pair.public_mentor, pair.company_mentor, pair.version) == (None, None, confirmed.version)
    assert not Notification.objects.exists() and not verbs()


def test_no_one_but_a_host_admin_plans_the_visit(confirmed, programme_manager):
    people = [
        confirmed.public.applicant,  # the people of the pair plan nothing
        confirmed.company.applicant,
        member_of(confirmed.company),  # a member, not an admin
        programme_manager,
        UserFactory(is_staff=True, is_superuser=True),
        MembershipFactory(organisation=CompanyFactory(), role="admin").user,  # another company's admin
        MembershipFactory(organisation=OrganisationFactory(), role="admin").user,
    ]
    mentor = member_of(confirmed.company)
    for person in people:
        for side in ("public", "company"):
            with pytest.raises(PermissionDenied):
                services.visit_plan(
                    actor=person, pair=confirmed, side=side, mentor=mentor, programme="Visits.", seen_version=None
                )
    assert fresh(confirmed).company_mentor is None
    assert not Notification.objects.exists() and not verbs()


def test_the_mentor_is_a_member_of_the_host_who_is_not_away_and_the_programme_is_written(confirmed):
    admin = admin_of(confirmed.company)
    outsider = MembershipFactory(organisation=CompanyFactory(), role="member").user
    of_the_guest = member_of(confirmed.public)  # a colleague of the guest, not of the host
    gone = member_of(confirmed.company)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    cases = [
        (gone, "Visits.", {"company_mentor"}, "Choose as mentor a member of"),
        (None, "Visits.", {"company_mentor"}, "Name the guest's mentor"),
        (outsider, "Visits.", {"company_mentor"}, "Choose as mentor a member of"),
        (of_the_guest, "Visits.", {"company_mentor"}, "Choose as mentor a member of"),
        (confirmed.company.applicant, "Visits.", {"company_mentor"}, "Choose as mentor a member of"),
        (member_of(confirmed.company), "   ", {"company_programme"}, "Write the guest's programme"),
        (None, "", {"company_mentor", "company_programme"}, "Name the guest's mentor"),
    ]
    for mentor, programme, fields, message in cases:
        with pytest.raises(ValidationError) as error:
            services.visit_plan(
                actor=admin,
                pair=confirmed,
                side="company",
                mentor=mentor,
                programme=programme,
                seen_version=confirmed.version,
            )
        assert set(error.value.message_dict) == fields, (mentor, programme)
        assert message in " ".join(error.value.message_dict[sorted(fields)[0]])
    # The refusal names the host organisation.
    with pytest.raises(ValidationError) as error:
        services.visit_plan(
            actor=admin, pair=confirmed, side="company", mentor=outsider, programme="V.", seen_version=None
        )
    assert confirmed.company.organisation.name in error.value.message_dict["company_mentor"][0]
    pair = fresh(confirmed)
    assert (pair.company_mentor, pair.company_programme, pair.version) == (None, "", confirmed.version)
    assert not Notification.objects.exists() and not verbs()


def test_a_plan_saved_since_the_page_was_opened_refuses_the_stale_save(confirmed):
    admin, other_admin = admin_of(confirmed.company), admin_of(confirmed.company)
    first, second = member_of(confirmed.company), member_of(confirmed.company)
    opened = confirmed.version
    services.visit_plan(
        actor=other_admin, pair=confirmed, side="company", mentor=first, programme="Monday.", seen_version=opened
    )

    with pytest.raises(StaleEdit) as stale:
        services.visit_plan(
            actor=admin, pair=confirmed, side="company", mentor=second, programme="Tuesday.", seen_version=opened
        )

    assert stale.value.current_version == opened + 1
    assert {change.field for change in stale.value.changes} >= {"company_mentor", "company_programme"}
    pair = fresh(confirmed)
    assert (pair.company_mentor, pair.company_programme, pair.version) == (first, "Monday.", opened + 1)
    assert Notification.objects.count() == 1 and verbs() == ["plan_visit"]
    # With the version now shown, the save goes through.
    services.visit_plan(
        actor=admin, pair=confirmed, side="company", mentor=second, programme="Tuesday.", seen_version=opened + 1
    )
    assert fresh(confirmed).company_programme == "Tuesday."


def test_the_visit_is_planned_while_the_exchange_is_on_not_once_it_is_over(confirmed):
    admin, mentor = admin_of(confirmed.company), member_of(confirmed.company)
    today = timezone.localdate()
    # Its last day is today: still planned (a change on the day).
    Pair.objects.filter(pk=confirmed.pk).update(slot_starts=today - timedelta(days=4), slot_ends=today)
    services.visit_plan(
        actor=admin, pair=confirmed, side="company", mentor=mentor, programme="Day 5.", seen_version=confirmed.version
    )
    # Over since yesterday: no more.
    Pair.objects.filter(pk=confirmed.pk).update(
        slot_starts=today - timedelta(days=5), slot_ends=today - timedelta(days=1)
    )
    with pytest.raises(PermissionDenied):
        services.visit_plan(
            actor=admin,
            pair=confirmed,
            side="company",
            mentor=mentor,
            programme="Too late.",
            seen_version=confirmed.version + 1,
        )
    assert fresh(confirmed).company_programme == "Day 5."


@pytest.mark.parametrize("status", [PairStatus.PROPOSED, PairStatus.CANCELLED, PairStatus.DECLINED])
def test_only_a_confirmed_exchange_is_planned(confirmed, status):
    Pair.objects.filter(pk=confirmed.pk).update(status=status)
    with pytest.raises(PermissionDenied):
        services.visit_plan(
            actor=admin_of(confirmed.company),
            pair=confirmed,
            side="company",
            mentor=member_of(confirmed.company),
            programme="Visits.",
            seen_version=None,
        )
    assert fresh(confirmed).company_mentor is None and not Notification.objects.exists()


# Moving the days ----------------------------------------------------------------------------------


def later_monday(pair, weeks=2):
    return pair.slot_starts + timedelta(days=7 * weeks - pair.slot_starts.weekday())


@pytest.mark.parametrize("who", ["public", "company", "programme_manager"])
def test_either_person_or_a_manager_moves_the_days_and_both_are_told(confirmed, programme_manager, who):
    actor = programme_manager if who == "programme_manager" else getattr(confirmed, who).applicant
    before = (confirmed.slot_starts, confirmed.slot_ends)
    wednesday = later_monday(confirmed) + timedelta(days=2)

    pair = services.pair_reschedule(actor=actor, pair=confirmed, starts=wednesday)

    # Five working days from a Wednesday: to the Tuesday after the weekend.
    assert (pair.slot_starts, pair.slot_ends) == (wednesday, wednesday + timedelta(days=6))
    saved = fresh(confirmed)
    assert (saved.slot_starts, saved.slot_ends, saved.sequence) == (wednesday, wednesday + timedelta(days=6), 1)
    assert saved.status == PairStatus.CONFIRMED
    assert told("exchange.pair_rescheduled") == sorted([confirmed.public.applicant_id, confirmed.company.applicant_id])
    notification = Notification.objects.filter(kind="exchange.pair_rescheduled").first()
    assert notification.params == {
        "round": confirmed.round.title,
        "starts": wednesday.isoformat(),
        "ends": (wednesday + timedelta(days=6)).isoformat(),
    }
    event = AuditEvent.objects.get(verb="reschedule_pair")
    assert event.actor == actor
    assert event.before == {"starts": before[0].isoformat(), "ends": before[1].isoformat()}
    assert event.after == {"starts": wednesday.isoformat(), "ends": (wednesday + timedelta(days=6)).isoformat()}

    # Moved again: the sequence grows again.
    services.pair_reschedule(actor=actor, pair=confirmed, starts=later_monday(confirmed, 3))
    assert fresh(confirmed).sequence == 2


def test_the_same_days_again_change_nothing(confirmed):
    pair = services.pair_reschedule(actor=confirmed.public.applicant, pair=confirmed, starts=confirmed.slot_starts)
    assert (pair.slot_starts, pair.slot_ends) == (confirmed.slot_starts, confirmed.slot_ends)
    assert fresh(confirmed).sequence == 0
    assert not Notification.objects.exists() and not verbs()


def test_the_round_length_decides_the_last_day(programme_manager, round_in):
    round = round_in(RoundPhase.MATCHING, exchange_days=3)
    applicant(round), company_applicant(round)
    pair = confirm(programme_manager, round)
    thursday = monday_on_or_after(round.exchange_starts + timedelta(days=21)) + timedelta(days=3)
    services.pair_reschedule(actor=pair.company.applicant, pair=pair, starts=thursday)
    # Thursday, Friday, Monday.
    assert (fresh(pair).slot_starts, fresh(pair).slot_ends) == (thursday, thursday + timedelta(days=4))


def test_no_one_outside_the_pair_moves_its_days(confirmed):
    people = [
        admin_of(confirmed.public),
        admin_of(confirmed.company),
        member_of(confirmed.company),
        UserFactory(),
        UserFactory(is_staff=True, is_superuser=True),  # a platform admin is not a programme manager
    ]
    for person in people:
        with pytest.raises(PermissionDenied):
            services.pair_reschedule(actor=person, pair=confirmed, starts=later_monday(confirmed))
    assert fresh(confirmed).slot_starts == confirmed.slot_starts
    assert not Notification.objects.exists() and not verbs()


def test_the_days_do_not_move_once_they_began_nor_unless_confirmed(confirmed):
    person = confirmed.public.applicant
    today = timezone.localdate()
    Pair.objects.filter(pk=confirmed.pk).update(slot_starts=today, slot_ends=today + timedelta(days=6))
    with pytest.raises(PermissionDenied):
        services.pair_reschedule(actor=person, pair=confirmed, starts=later_monday(confirmed))
    put_on(confirmed, monday_on_or_after(confirmed.round.exchange_starts + timedelta(days=14)))
    for status in (PairStatus.PROPOSED, PairStatus.CANCELLED):
        Pair.objects.filter(pk=confirmed.pk).update(status=status)
        with pytest.raises(PermissionDenied):
            services.pair_reschedule(actor=person, pair=confirmed, starts=later_monday(confirmed))
    assert fresh(confirmed).sequence == 0 and not Notification.objects.exists()


def refused(pair, starts, message):
    with pytest.raises(ValidationError) as error:
        services.pair_reschedule(actor=pair.public.applicant, pair=pair, starts=starts)
    assert list(error.value.message_dict) == ["starts"]
    assert message in error.value.message_dict["starts"][0], error.value.message_dict
    saved = fresh(pair)
    assert (saved.slot_starts, saved.slot_ends, saved.sequence) == (pair.slot_starts, pair.slot_ends, pair.sequence)


def test_the_new_days_are_working_days_inside_the_round_window(confirmed):
    round = confirmed.round
    monday = later_monday(confirmed)
    refused(confirmed, monday - timedelta(days=2), "Start the exchange on a working day")  # a Saturday
    refused(confirmed, monday - timedelta(days=1), "Start the exchange on a working day")  # a Sunday
    refused(confirmed, "2099-01-05", "Give the first day of the exchange")
    # The window: its first day may start it, not the day before; the last day must be inside.
    before_window = round.exchange_starts - timedelta(days=1)
    while before_window.weekday() >= 5:
        before_window -= timedelta(days=1)
    refused(confirmed, before_window, "must lie inside the round's window")
    last_start = round.exchange_ends
    while working_day_after(last_start, round.exchange_days - 1) > round.exchange_ends or last_start.weekday() >= 5:
        last_start -= timedelta(days=1)
    following = working_day_after(last_start, 1)
    refused(confirmed, following, "must lie inside the round's window")
    assert not Notification.objects.exists() and not verbs()
    # The last start that fits is taken.
    services.pair_reschedule(actor=confirmed.public.applicant, pair=confirmed, starts=last_start)
    assert fresh(confirmed).slot_ends <= round.exchange_ends


def test_the_new_days_are_after_today(programme_manager, round_in):
    zone = ZoneInfo(settings.TIME_ZONE)
    wednesday = date(2030, 3, 13)
    with time_machine.travel(datetime(2030, 3, 13, 10, tzinfo=zone), tick=False):
        # A round under way, its window about today; the pair's days next month.
        round = round_in(RoundPhase.UNDER_WAY)
        pair = _confirmed_directly(
            round, programme_manager, applicant(round), company_applicant(round), starts=date(2030, 4, 8)
        )
        refused(pair, wednesday, "Give a first day after today")
        refused(pair, wednesday - timedelta(days=7), "Give a first day after today")
        services.pair_reschedule(actor=pair.public.applicant, pair=pair, starts=wednesday + timedelta(days=1))
        assert fresh(pair).slot_starts == date(2030, 3, 14)


def _confirmed_directly(round, programme_manager, public, company, *, starts):
    """A confirmed pair of the two applications on days from `starts`, made directly (the
    matcher runs only while a round is being matched)."""
    from ponte.exchange.models import MatchRun

    run = MatchRun.objects.create(
        round=round,
        run_by=programme_manager,
        public_applicants=1,
        company_applicants=1,
        pairs=1,
        kept_pairs=0,
        total_score=1,
    )
    now = timezone.now()
    return Pair.objects.create(
        round=round,
        run=run,
        public=public,
        company=company,
        score=1,
        slot_starts=starts,
        slot_ends=working_day_after(starts, round.exchange_days - 1),
        status=PairStatus.CONFIRMED,
        sent_at=now,
        public_answer="accepted",
        company_answer="accepted",
        decided_at=now,
    )


def test_the_new_days_do_not_overlap_another_confirmed_exchange_of_either_person(
    confirmed, programme_manager, round_in
):
    # In another round whose window covers the same weeks, one of the two has an exchange.
    monday = later_monday(confirmed)
    for side in ("public", "company"):
        other = round_in(RoundPhase.MATCHING)
        person = getattr(confirmed, side).applicant
        mine = (applicant if side == "public" else company_applicant)(other, getattr(confirmed, side).organisation)
        mine.applicant = person
        mine.save(update_fields=["applicant"])
        partner = (company_applicant if side == "public" else applicant)(other)
        public, company = (mine, partner) if side == "public" else (partner, mine)
        elsewhere = _confirmed_directly(other, programme_manager, public, company, starts=monday)
        # On its days, or overlapping its last one: refused.
        refused(confirmed, monday, "One of you has another exchange on these days")
        refused(confirmed, monday - timedelta(days=3), "One of you has another exchange on these days")  # Fri–Thu
        refused(confirmed, monday + timedelta(days=4), "One of you has another exchange on these days")  # its Friday
        # Once it is cancelled (or only proposed), the days are free.
        for status in (PairStatus.CANCELLED, PairStatus.PROPOSED):
            Pair.objects.filter(pk=elsewhere.pk).update(status=status)
            services.pair_reschedule(actor=person, pair=confirmed, starts=monday)
            assert fresh(confirmed).slot_starts == monday
            put_on(confirmed, monday_on_or_after(confirmed.round.exchange_starts + timedelta(days=14)))
        # The week after it ends is free.
        Pair.objects.filter(pk=elsewhere.pk).update(status=PairStatus.CONFIRMED)
        services.pair_reschedule(actor=person, pair=confirmed, starts=monday + timedelta(days=7))
        assert fresh(confirmed).slot_starts == monday + timedelta(days=7)
        put_on(confirmed, monday_on_or_after(confirmed.round.exchange_starts + timedelta(days=14)))
        Pair.objects.filter(pk=elsewhere.pk).update(status=PairStatus.CANCELLED)


# Cancelling ---------------------------------------------------------------------------------------


def test_a_cancel_needs_a_reason(confirmed):
    with pytest.raises(ValidationError) as error:
        services.pair_cancel(actor=confirmed.public.applicant, pair=confirmed, reason="   ")
    assert "Say why the exchange is cancelled" in error.value.message_dict["reason"][0]
    pair = fresh(confirmed)
    assert (pair.status, pair.sequence) == (PairStatus.CONFIRMED, 0)
    assert not Notification.objects.exists() and not verbs()


@pytest.mark.parametrize("who", ["public", "company", "programme_manager"])
def test_either_person_or_a_manager_cancels_and_everyone_concerned_is_told(confirmed, matching, programme_manager, who):
    actor = programme_manager if who == "programme_manager" else getattr(confirmed, who).applicant
    pair = services.pair_cancel(actor=actor, pair=confirmed, reason=" A court case that week. ")
    assert pair.status == PairStatus.CANCELLED
    saved = fresh(confirmed)
    assert (saved.status, saved.reason, saved.decided_by, saved.sequence) == (
        PairStatus.CANCELLED,
        "A court case that week.",
        actor,
        1,
    )
    assert saved.decided_at is not None
    assert matching.opened_by == programme_manager
    assert told("exchange.pair_cancelled") == sorted(
        [confirmed.public.applicant_id, confirmed.company.applicant_id, programme_manager.pk]
    )
    assert Notification.objects.filter(kind="exchange.pair_cancelled").first().params == {
        "round": matching.title,
        "reason": "A court case that week.",
    }
    event = AuditEvent.objects.get(verb="cancel")
    assert (event.actor, event.before, event.after) == (actor, {"status": "confirmed"}, {"status": "cancelled"})
    assert event.reason == "A court case that week."
    # Cancelled once: not again, and its days no longer move.
    with pytest.raises(PermissionDenied):
        services.pair_cancel(actor=actor, pair=confirmed, reason="Again.")
    with pytest.raises(PermissionDenied):
        services.pair_reschedule(actor=confirmed.public.applicant, pair=confirmed, starts=later_monday(confirmed))
    assert fresh(confirmed).sequence == 1


def test_the_manager_who_opened_the_round_is_told_even_when_another_cancels(confirmed, programme_manager):
    other_manager = UserFactory(is_programme_manager=True)
    services.pair_cancel(actor=other_manager, pair=confirmed, reason="Budget cut.")
    assert told("exchange.pair_cancelled") == sorted(
        [confirmed.public.applicant_id, confirmed.company.applicant_id, programme_manager.pk]
    )


def test_no_one_outside_the_pair_cancels_it_nor_once_it_is_over(confirmed):
    for person in (admin_of(confirmed.public), admin_of(confirmed.company), UserFactory()):
        with pytest.raises(PermissionDenied):
            services.pair_cancel(actor=person, pair=confirmed, reason="Not mine.")
    today = timezone.localdate()
    Pair.objects.filter(pk=confirmed.pk).update(
        slot_starts=today - timedelta(days=7), slot_ends=today - timedelta(days=1)
    )
    with pytest.raises(PermissionDenied):
        services.pair_cancel(actor=confirmed.public.applicant, pair=confirmed, reason="Too late.")
    # Its last day is today: still cancelled (the rest of it).
    Pair.objects.filter(pk=confirmed.pk).update(slot_ends=today)
    services.pair_cancel(actor=confirmed.public.applicant, pair=confirmed, reason="Ill.")
    assert fresh(confirmed).status == PairStatus.CANCELLED


def test_a_proposal_is_not_cancelled_but_declined(programme_manager, matching):
    applicant(matching), company_applicant(matching)
    matching_services.matching_run(actor=programme_manager, round=matching)
    matching_services.proposals_send(actor=programme_manager, round=matching)
    pair = Pair.objects.get()
    for person in (pair.public.applicant, programme_manager):
        with pytest.raises(PermissionDenied):
            services.pair_cancel(actor=person, pair=pair, reason="Not yet confirmed.")
    assert fresh(pair).status == PairStatus.PROPOSED


def test_a_cancelled_pair_is_never_proposed_again_and_its_people_are_free(programme_manager, confirmed, matching):
    public, company = confirmed.public, confirmed.company
    services.pair_cancel(actor=company.applicant, pair=confirmed, reason="Our audit moved to that week.")

    run = matching_services.matching_run(actor=programme_manager, round=matching)
    assert holding(matching) == set() and run.pairs == run.kept_pairs == 0
    assert not_paired(run) == {
        public.pk: UnmatchedReason.NO_FEASIBLE_PARTNER,
        company.pk: UnmatchedReason.NO_FEASIBLE_PARTNER,
    }
    other_public, other_company = applicant(matching), company_applicant(matching)
    matching_services.matching_run(actor=programme_manager, round=matching)
    assert holding(matching) == {(public.pk, other_company.pk), (other_public.pk, company.pk)}
    assert fresh(confirmed).status == PairStatus.CANCELLED


def test_a_cancelled_pair_frees_its_organisations_place(programme_manager, round_in):
    round = round_in(RoundPhase.MATCHING, capacity_per_organisation=1)
    firm = CompanyFactory()
    public, company = applicant(round), company_applicant(round, firm)
    pair = confirm(programme_manager, round)
    assert (pair.public, pair.company) == (public, company)
    # A colleague of the company employee, and another public servant: the firm's one place is taken.
    colleague = company_applicant(round, firm)
    applicant(round)
    run = matching_services.matching_run(actor=programme_manager, round=round)
    assert holding(round) == {(public.pk, company.pk)}
    assert not_paired(run)[colleague.pk] == UnmatchedReason.ORGANISATION_FULL

    services.pair_cancel(actor=public.applicant, pair=pair, reason="A court case that week.")
    run = matching_services.matching_run(actor=programme_manager, round=round)

    # The firm's one place is free again: someone of the firm hosts a guest, but not as before.
    pairs = holding(round)
    assert len(pairs) == 1 and (public.pk, company.pk) not in pairs
    assert {c for _p, c in pairs} <= {company.pk, colleague.pk}
    assert Pair.objects.get(pk=pair.pk).status == PairStatus.CANCELLED


# The private calendar address ---------------------------------------------------------------------


def test_a_calendar_address_is_started_replaced_and_stopped(member):
    first = services.calendar_feed_start(actor=member)
    assert feed_owner(first) == member
    feed = CalendarFeed.objects.get(person=member)
    assert first not in feed.key_hash  # only its hash is kept

    second = services.calendar_feed_start(actor=member)
    assert second != first
    assert feed_owner(second) == member and feed_owner(first) is None
    assert CalendarFeed.objects.filter(person=member).count() == 1

    assert services.calendar_feed_stop(actor=member) is True
    assert feed_owner(second) is None and feed_owner(first) is None
    assert not CalendarFeed.objects.exists()
    assert services.calendar_feed_stop(actor=member) is False
    assert verbs() == ["replace_calendar_feed", "start_calendar_feed", "stop_calendar_feed"]

    third = services.calendar_feed_start(actor=member)
    assert feed_owner(third) == member and third not in (first, second)
    assert AuditEvent.objects.filter(verb="start_calendar_feed").count() == 2


def test_each_persons_address_is_their_own(member, org_admin):
    mine, theirs = services.calendar_feed_start(actor=member), services.calendar_feed_start(actor=org_admin)
    assert (feed_owner(mine), feed_owner(theirs)) == (member, org_admin)
    services.calendar_feed_stop(actor=org_admin)
    assert (feed_owner(mine), feed_owner(theirs)) == (member, None)
    assert feed_owner("") is None and feed_owner("not-a-secret") is None


def test_a_deactivated_persons_address_answers_nothing(member):
    secret = services.calendar_feed_start(actor=member)
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert feed_owner(secret) is None


def test_cancelling_the_round_cancels_its_confirmed_exchanges_and_tells_their_people(confirmed, programme_manager):
    from ponte.exchange.services import rounds as round_services

    Notification.objects.all().delete()
    round_services.round_cancel(actor=programme_manager, round=confirmed.round, reason="No budget this year.")

    pair = fresh(confirmed)
    assert (pair.status, pair.reason, pair.sequence) == (
        PairStatus.CANCELLED,
        "No budget this year.",
        confirmed.sequence + 1,
    )
    told = Notification.objects.filter(kind="exchange.pair_cancelled")
    assert sorted(told.values_list("recipient", flat=True)) == sorted(
        [confirmed.public.applicant_id, confirmed.company.applicant_id]
    )
