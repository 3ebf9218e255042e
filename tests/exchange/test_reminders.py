"""Reminders of the exchanges: the two people and the mentors of a confirmed exchange are
reminded once when it comes within three days (an exchange starting on a Monday on the Friday
before), again only when its days move, and asked once to answer its survey when it is over;
never for an exchange that is not confirmed, nor for one long past."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command

from ponte.core.models import Notification
from ponte.exchange.models import Pair, PairStatus
from ponte.exchange.services import scheduling as services

from .test_scheduling_services import admin_of, confirmed, later_monday, matching, member_of  # noqa: F401

pytestmark = pytest.mark.django_db


def at_noon(day):
    return datetime.combine(day, time(12), tzinfo=ZoneInfo(settings.TIME_ZONE))


def recipients(kind) -> list[int]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def people(pair) -> list[int]:
    return [pair.public.applicant_id, pair.company.applicant_id]


@pytest.fixture
def mentored(confirmed):  # noqa: F811
    """The confirmed exchange with a mentor named on each side."""
    for side in ("public", "company"):
        services.visit_plan(
            actor=admin_of(getattr(confirmed, side)),
            pair=confirmed,
            side=side,
            mentor=member_of(getattr(confirmed, side)),
            programme="Meet the team.",
            seen_version=Pair.objects.get(pk=confirmed.pk).version,
        )
    Notification.objects.all().delete()
    return Pair.objects.get(pk=confirmed.pk)


def test_the_people_and_mentors_are_reminded_once_on_the_friday_before_a_monday(mentored):
    monday = mentored.slot_starts
    assert monday.weekday() == 0

    with time_machine.travel(at_noon(monday - timedelta(days=4)), tick=False):
        assert services.send_exchange_reminders() == (0, 0)  # Thursday: not yet
    with time_machine.travel(at_noon(monday - timedelta(days=3)), tick=False):
        assert services.send_exchange_reminders() == (1, 0)
        assert services.send_exchange_reminders() == (0, 0)  # not twice

    assert recipients("exchange.exchange_coming") == sorted(
        [*people(mentored), mentored.public_mentor_id, mentored.company_mentor_id]
    )
    note = Notification.objects.filter(kind="exchange.exchange_coming").first()
    assert note.params == {"round": mentored.round.title, "starts": monday.isoformat()}
    assert note.url == mentored.get_absolute_url()


def test_without_mentors_the_two_people_are_reminded(confirmed):  # noqa: F811
    with time_machine.travel(at_noon(confirmed.slot_starts - timedelta(days=1)), tick=False):
        assert services.send_exchange_reminders() == (1, 0)
    assert recipients("exchange.exchange_coming") == sorted(people(confirmed))


def test_no_reminder_once_the_exchange_began(confirmed):  # noqa: F811
    with time_machine.travel(at_noon(confirmed.slot_starts), tick=False):
        assert services.send_exchange_reminders() == (0, 0)
    assert not Notification.objects.filter(kind="exchange.exchange_coming").exists()


@pytest.mark.parametrize("status", [PairStatus.PROPOSED, PairStatus.CANCELLED, PairStatus.DECLINED])
def test_only_a_confirmed_exchange_is_reminded_and_surveyed(confirmed, status):  # noqa: F811
    Pair.objects.filter(pk=confirmed.pk).update(status=status)
    for day in (confirmed.slot_starts - timedelta(days=1), confirmed.slot_ends + timedelta(days=1)):
        with time_machine.travel(at_noon(day), tick=False):
            assert services.send_exchange_reminders() == (0, 0)
    assert not Notification.objects.exists()


def test_an_exchange_moved_after_its_reminder_is_reminded_of_its_new_days(confirmed):  # noqa: F811
    with time_machine.travel(at_noon(confirmed.slot_starts - timedelta(days=2)), tick=False):
        assert services.send_exchange_reminders() == (1, 0)
        moved = services.pair_reschedule(
            actor=confirmed.public.applicant, pair=confirmed, starts=later_monday(confirmed)
        )
        assert services.send_exchange_reminders() == (0, 0)  # the new days are far
    with time_machine.travel(at_noon(moved.slot_starts - timedelta(days=2)), tick=False):
        assert services.send_exchange_reminders() == (1, 0)
    notes = Notification.objects.filter(kind="exchange.exchange_coming", recipient=confirmed.public.applicant)
    assert sorted(note.params["starts"] for note in notes) == sorted(
        [confirmed.slot_starts.isoformat(), moved.slot_starts.isoformat()]
    )


def test_the_survey_is_asked_once_the_day_after_the_last_day(mentored):
    with time_machine.travel(at_noon(mentored.slot_ends), tick=False):
        assert services.send_exchange_reminders() == (0, 0)  # the last day: not over yet
    with time_machine.travel(at_noon(mentored.slot_ends + timedelta(days=1)), tick=False):
        assert services.send_exchange_reminders() == (0, 1)
        assert services.send_exchange_reminders() == (0, 0)

    assert recipients("exchange.survey_asked") == sorted(
        [*people(mentored), mentored.public_mentor_id, mentored.company_mentor_id]
    )
    note = Notification.objects.filter(kind="exchange.survey_asked").first()
    assert note.params == {"round": mentored.round.title}
    assert note.url == mentored.get_absolute_url()


def test_an_exchange_long_over_is_not_surveyed(confirmed):  # noqa: F811
    with time_machine.travel(at_noon(confirmed.slot_ends + timedelta(days=31)), tick=False):
        assert services.send_exchange_reminders() == (0, 0)
    assert not Notification.objects.exists()


def test_the_command_sends_them_and_says_how_many(confirmed, capsys):  # noqa: F811
    with time_machine.travel(at_noon(confirmed.slot_starts - timedelta(days=1)), tick=False):
        call_command("send_exchange_reminders")
        assert capsys.readouterr().out.strip() == "Exchanges reminded: 1. Surveys asked: 0."
    with time_machine.travel(at_noon(confirmed.slot_ends + timedelta(days=2)), tick=False):
        call_command("send_exchange_reminders")
        assert capsys.readouterr().out.strip() == "Exchanges reminded: 0. Surveys asked: 1."
