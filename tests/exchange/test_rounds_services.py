"""Rounds through their services: a programme manager opens, changes and cancels a round; every
date rule and every bad input is refused with a message beside the field it concerns; no one
else may; a finished or cancelled round is not changed; each write is audited."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ponte.core import versions
from ponte.core.models import AuditEvent
from ponte.exchange.models import Round, RoundPhase, RoundStatus, working_days
from ponte.exchange.services import rounds as services

from .conftest import answers, at, open_round

pytestmark = pytest.mark.django_db

OTHER_ROLES = [
    "visitor",
    "citizen",
    "public_servant",
    "org_admin",
    "company_member",
    "evaluator",
    "sponsor",
    "moderator",
    "platform_admin",
]


def refusal(error: ValidationError) -> dict[str, list[str]]:
    return error.value.message_dict


def test_a_programme_manager_opens_a_round_with_its_challenges(programme_manager):
    round = open_round(programme_manager)
    assert round.phase == RoundPhase.UPCOMING
    assert round.opened_by == programme_manager and round.version == 1
    assert [(c.title, c.description) for c in round.challenges.all()] == [
        ("Once-only certificates", "Stop asking for what is already held."),
        ("Plain-language letters", ""),
    ]
    event = AuditEvent.objects.get(verb="open")
    assert event.after["title"] == round.title and event.after["version"] == 1
    assert event.after["challenges"] == ["Once-only certificates", "Plain-language letters"]


def test_a_round_may_open_at_once(programme_manager):
    round = open_round(programme_manager, applications_open_at=timezone.now() - timedelta(minutes=1))
    assert round.phase == RoundPhase.APPLICATIONS_OPEN


def test_text_is_kept_stripped(programme_manager):
    round = open_round(programme_manager, title="  Spring round  ")
    assert round.title == "Spring round"


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_no_one_but_a_programme_manager_opens_a_round(person_in_role, role):
    with pytest.raises(PermissionDenied):
        open_round(person_in_role(role))
    assert not Round.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"title": ""}, "title", "Give the round a title."),
        ({"title": "x" * 201}, "title", "at most 200 characters"),
        ({"title": "Nul\x00"}, "title", "not allowed"),
        ({"description": "   "}, "description", "Describe the round"),
        ({"applications_open_at": None}, "applications_open_at", "Give the date and time applications open."),
        ({"applications_open_at": "tomorrow"}, "applications_open_at", "Give the date and time"),
        ({"applications_close_at": None}, "applications_close_at", "Give the date and time applications close."),
        ({"exchange_starts": None}, "exchange_starts", "Give the first day of the exchange window."),
        ({"exchange_ends": "2027-09-30"}, "exchange_ends", "Give the last day of the exchange window."),
        ({"exchange_days": 0}, "exchange_days", "from 1 to 20"),
        ({"exchange_days": 21}, "exchange_days", "from 1 to 20"),
        ({"exchange_days": "5"}, "exchange_days", "from 1 to 20"),
        ({"exchange_days": True}, "exchange_days", "from 1 to 20"),
        ({"capacity_per_organisation": 0}, "capacity_per_organisation", "from 1 to 100"),
        ({"capacity_per_organisation": -3}, "capacity_per_organisation", "from 1 to 100"),
        ({"capacity_per_organisation": 101}, "capacity_per_organisation", "from 1 to 100"),
        ({"capacity_per_organisation": None}, "capacity_per_organisation", "from 1 to 100"),
        ({"challenges": [{"title": "", "description": "No title"}]}, "challenges", "Give each challenge a title"),
        ({"challenges": [{"title": "Twice"}, {"title": "twice"}]}, "challenges", "is given twice"),
        ({"challenges": [{"title": f"Challenge {n}"} for n in range(21)]}, "challenges", "at most 20 challenges"),
        ({"challenges": [{"title": "A", "description": "x" * 10001}]}, "challenges", "at most 10,000 characters"),
    ],
)
def test_bad_input_is_refused_beside_its_field(programme_manager, changes, field, words):
    with pytest.raises(ValidationError) as error:
        open_round(programme_manager, **changes)
    assert words in " ".join(refusal(error)[field])
    assert not Round.objects.exists()


def test_a_naive_time_is_refused(programme_manager):
    naive = timezone.make_naive(answers()["applications_open_at"])
    with pytest.raises(ValidationError) as error:
        open_round(programme_manager, applications_open_at=naive)
    assert "applications_open_at" in refusal(error)


def test_every_wrong_field_is_named_at_once(programme_manager):
    with pytest.raises(ValidationError) as error:
        open_round(programme_manager, title="", exchange_days=0, capacity_per_organisation=500)
    assert set(refusal(error)) == {"title", "exchange_days", "capacity_per_organisation"}


def test_an_unknown_field_is_a_programming_error(programme_manager):
    with pytest.raises(ValueError, match="Not a field of a round"):
        open_round(programme_manager, status="cancelled")


# The date rules ---------------------------------------------------------------------------


def test_applications_close_after_they_open(programme_manager):
    opens = answers()["applications_open_at"]
    with pytest.raises(ValidationError) as error:
        open_round(programme_manager, applications_close_at=opens)
    assert "close after they open" in refusal(error)["applications_close_at"][0]


def test_a_round_whose_applications_would_already_be_closed_is_not_opened(programme_manager):
    now = timezone.now()
    with pytest.raises(ValidationError) as error:
        open_round(
            programme_manager,
            applications_open_at=now - timedelta(days=10),
            applications_close_at=now - timedelta(minutes=1),
        )
    assert "already be closed" in refusal(error)["applications_close_at"][0]


def test_applications_close_before_the_exchange_window_starts(programme_manager):
    values = answers()
    with pytest.raises(ValidationError) as error:
        open_round(programme_manager, exchange_starts=values["applications_close_at"].date())
    assert "must start after applications close" in refusal(error)["exchange_starts"][0]
    # Closing at midnight the day the exchanges start is closing before they start.
    round = open_round(
        programme_manager,
        applications_close_at=at(values["exchange_starts"], 0),
    )
    assert round.applications_close_at.date() == round.exchange_starts


def test_the_exchange_window_ends_on_or_after_its_first_day(programme_manager):
    values = answers()
    with pytest.raises(ValidationError) as error:
        open_round(programme_manager, exchange_ends=values["exchange_starts"] - timedelta(days=1))
    assert "on or after its first day" in refusal(error)["exchange_ends"][0]


def test_the_exchange_window_holds_one_exchange_in_working_days(programme_manager):
    monday = answers()["exchange_starts"]
    monday += timedelta(days=(7 - monday.weekday()) % 7)
    # Monday to the next Monday holds six working days; Monday to Thursday only four.
    round = open_round(
        programme_manager, exchange_starts=monday, exchange_ends=monday + timedelta(days=7), exchange_days=6
    )
    assert round.exchange_days == 6
    with pytest.raises(ValidationError) as error:
        open_round(programme_manager, exchange_starts=monday, exchange_ends=monday + timedelta(days=3))
    assert "at least one exchange of 5 working days: it holds 4" in refusal(error)["exchange_ends"][0]
    # A weekend holds no working day at all, even for an exchange of one day.
    saturday = monday + timedelta(days=5)
    with pytest.raises(ValidationError) as error:
        open_round(
            programme_manager, exchange_starts=saturday, exchange_ends=saturday + timedelta(days=1), exchange_days=1
        )
    assert "it holds 0" in refusal(error)["exchange_ends"][0]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2027, 4, 5), date(2027, 4, 9), 5),  # Monday to Friday
        (date(2027, 4, 7), date(2027, 4, 13), 5),  # Wednesday to Tuesday
        (date(2027, 4, 10), date(2027, 4, 11), 0),  # a weekend
        (date(2027, 4, 1), date(2027, 9, 30), 131),  # April to September
        (date(2027, 4, 9), date(2027, 4, 8), 0),  # backwards
    ],
)
def test_working_days(start, end, expected):
    assert working_days(start, end) == expected


# Changing a round -------------------------------------------------------------------------


def test_a_change_moves_the_version_on_and_is_audited_field_by_field(programme_manager, opened):
    changed = services.round_update(
        actor=programme_manager,
        round=opened,
        seen_version=1,
        **answers(capacity_per_organisation=5, challenges=[{"title": "Faster permits", "description": "Halve it."}]),
    )
    assert sorted(changed) == ["capacity_per_organisation", "challenges"]
    opened.refresh_from_db()
    assert opened.version == 2 and opened.capacity_per_organisation == 5
    assert [c.title for c in opened.challenges.all()] == ["Faster permits"]
    event = AuditEvent.objects.filter(verb="update").get()
    assert event.before["capacity_per_organisation"] == 3 and event.after["capacity_per_organisation"] == 5
    assert event.after["challenges"] == ["Faster permits"] and event.after["version"] == 2


def test_saving_what_is_there_writes_nothing(programme_manager, opened):
    assert services.round_update(actor=programme_manager, round=opened, seen_version=1, **answers()) == []
    opened.refresh_from_db()
    assert opened.version == 1 and not AuditEvent.objects.filter(verb="update").exists()


def test_a_stale_save_is_refused_and_says_what_changed(programme_manager, opened):
    services.round_update(actor=programme_manager, round=opened, seen_version=1, **answers(title="Spring round"))
    with pytest.raises(versions.StaleEdit) as stale:
        services.round_update(
            actor=programme_manager, round=opened, seen_version=1, **answers(capacity_per_organisation=9)
        )
    assert stale.value.current_version == 2
    assert [(c.field, c.now) for c in stale.value.changes] == [("title", "Spring round")]
    opened.refresh_from_db()
    assert opened.capacity_per_organisation == 3


def test_a_change_is_checked_like_an_opening(programme_manager, opened):
    with pytest.raises(ValidationError) as error:
        services.round_update(
            actor=programme_manager, round=opened, seen_version=1, **answers(capacity_per_organisation=0)
        )
    assert "capacity_per_organisation" in refusal(error)
    opened.refresh_from_db()
    assert opened.capacity_per_organisation == 3 and opened.version == 1


def test_a_round_under_way_may_be_changed_but_not_moved_into_the_past(programme_manager, round_in):
    round = round_in(RoundPhase.UNDER_WAY)
    values = {name: getattr(round, name) for name in services.FIELDS}
    services.round_update(
        actor=programme_manager, round=round, seen_version=1, **{**values, "capacity_per_organisation": 7}
    )
    with pytest.raises(ValidationError) as error:
        services.round_update(
            actor=programme_manager,
            round=round,
            seen_version=2,
            **{**values, "exchange_ends": timezone.localdate() - timedelta(days=1)},
        )
    assert "already be over" in refusal(error)["exchange_ends"][0]


@pytest.mark.parametrize("phase", [RoundPhase.FINISHED, RoundPhase.CANCELLED])
def test_a_finished_or_cancelled_round_is_not_changed(programme_manager, round_in, phase):
    round = round_in(phase)
    with pytest.raises(PermissionDenied):
        services.round_update(actor=programme_manager, round=round, seen_version=1, **answers())


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_no_one_but_a_programme_manager_changes_a_round(person_in_role, opened, role):
    with pytest.raises(PermissionDenied):
        services.round_update(actor=person_in_role(role), round=opened, seen_version=1, **answers(title="Mine"))


# Cancelling a round -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "phase", [RoundPhase.UPCOMING, RoundPhase.APPLICATIONS_OPEN, RoundPhase.MATCHING, RoundPhase.UNDER_WAY]
)
def test_a_programme_manager_cancels_a_round_not_finished_with_a_reason(programme_manager, round_in, phase):
    round = round_in(phase)
    services.round_cancel(actor=programme_manager, round=round, reason="  Too few organisations signed up.  ")
    round.refresh_from_db()
    assert round.status == RoundStatus.CANCELLED and round.phase == RoundPhase.CANCELLED
    assert round.cancel_reason == "Too few organisations signed up." and round.cancelled_by == programme_manager
    assert round.cancelled_at is not None
    event = AuditEvent.objects.get(verb="cancel")
    assert event.reason == "Too few organisations signed up."


@pytest.mark.parametrize("reason", ["", "   ", "x" * 4001])
def test_a_cancellation_needs_a_reason(programme_manager, opened, reason):
    with pytest.raises(ValidationError) as error:
        services.round_cancel(actor=programme_manager, round=opened, reason=reason)
    assert "reason" in refusal(error)
    opened.refresh_from_db()
    assert opened.status == RoundStatus.SCHEDULED


@pytest.mark.parametrize("phase", [RoundPhase.FINISHED, RoundPhase.CANCELLED])
def test_a_finished_or_cancelled_round_is_not_cancelled(programme_manager, round_in, phase):
    with pytest.raises(PermissionDenied):
        services.round_cancel(actor=programme_manager, round=round_in(phase), reason="Again")


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_no_one_but_a_programme_manager_cancels_a_round(person_in_role, opened, role):
    with pytest.raises(PermissionDenied):
        services.round_cancel(actor=person_in_role(role), round=opened, reason="Mine")


# The phase follows from the clock ---------------------------------------------------------


def test_the_phase_follows_the_dates_in_the_database_and_on_the_round_alike(programme_manager, opened):
    boundaries = [
        (opened.applications_open_at - timedelta(seconds=1), RoundPhase.UPCOMING),
        (opened.applications_open_at, RoundPhase.APPLICATIONS_OPEN),
        (opened.applications_close_at - timedelta(seconds=1), RoundPhase.APPLICATIONS_OPEN),
        (opened.applications_close_at, RoundPhase.MATCHING),
        (at(opened.exchange_starts, 0) - timedelta(seconds=1), RoundPhase.MATCHING),
        (at(opened.exchange_starts, 0), RoundPhase.UNDER_WAY),
        (opened.exchange_ends_at - timedelta(seconds=1), RoundPhase.UNDER_WAY),
        (opened.exchange_ends_at, RoundPhase.FINISHED),
    ]
    for now, phase in boundaries:
        assert opened.phase_at(now) == phase, now
        assert Round.objects.with_phase(now).get().phase_now == phase, now
        with time_machine.travel(now, tick=False):
            assert Round.objects.get().phase == phase, now
    services.round_cancel(actor=programme_manager, round=opened, reason="No more budget.")
    assert Round.objects.with_phase().get().phase_now == RoundPhase.CANCELLED


def test_the_next_clock_event_is_the_next_phase_change_of_a_round_not_cancelled(programme_manager, opened):
    from ponte.exchange.queries.rounds import next_clock_event

    assert next_clock_event(timezone.now()) == opened.applications_open_at
    assert next_clock_event(opened.applications_open_at) == opened.applications_close_at
    assert next_clock_event(opened.applications_close_at) == at(opened.exchange_starts, 0)
    assert next_clock_event(at(opened.exchange_starts, 0)) == opened.exchange_ends_at
    assert next_clock_event(opened.exchange_ends_at) is None
    services.round_cancel(actor=programme_manager, round=opened, reason="No more budget.")
    assert next_clock_event(timezone.now()) is None
