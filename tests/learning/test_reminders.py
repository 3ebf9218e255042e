"""Reminders: two days before a session starts, each person enrolled is told, once, with a link
to its page; again when the session moves; never those on the waiting list or asking, nor for
a session cancelled or already begun. The command says how many it reminded."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from ponte.core.models import Notification
from ponte.learning.models import Enrolment, Session
from ponte.learning.services import enrolments as enrolment_services
from ponte.learning.services import sessions as session_services
from ponte.learning.services.reminders import send_learning_reminders
from tests.factories import MembershipFactory

from .conftest import received

pytestmark = pytest.mark.django_db

KIND = "learning.session_soon"


def before(session, hours):
    return time_machine.travel(session.starts_at - timedelta(hours=hours), tick=False)


def command() -> str:
    out = StringIO()
    call_command("send_learning_reminders", stdout=out)
    return out.getvalue()


def move(programme_manager, session, hours):
    session = Session.objects.get(pk=session.pk)
    session_services.session_update(
        actor=programme_manager,
        session=session,
        seen_version=session.version,
        starts_at=session.starts_at + timedelta(hours=hours),
        ends_at=session.ends_at + timedelta(hours=hours),
        place=session.place,
        online_link=session.online_link,
        capacity=session.capacity,
        trainer=session.trainer,
        needs_approval=session.needs_approval,
    )
    return Session.objects.get(pk=session.pk)


def test_those_enrolled_are_reminded_48_hours_before_and_once(session, enrol, trainer):
    people = enrol(session, 2)
    with before(session, 49):
        assert send_learning_reminders() == 0
    with before(session, 48):
        assert send_learning_reminders() == 2
        assert send_learning_reminders() == 0
    with before(session, 1):
        assert send_learning_reminders() == 0
    assert sorted(received(KIND)) == sorted(p.pk for p in people)
    assert trainer.pk not in received(KIND)
    note = Notification.objects.filter(kind=KIND).first()
    assert note.params["course"] == "Prototyping public services"
    assert note.url == session.get_absolute_url()
    assert "Prototyping public services" in note.message
    assert Enrolment.objects.filter(session=session, reminded_for=session.starts_at).count() == 2


def test_the_command_says_how_many_it_reminded_and_reminds_once(session, enrol):
    enrol(session, 3)
    with before(session, 24):
        assert command() == "Reminded 3 people of a learning session.\n"
        assert command() == "Reminded 0 people of a learning session.\n"
    assert len(received(KIND)) == 3


def test_a_session_moved_is_reminded_again(programme_manager, session, enrol):
    [person] = enrol(session, 1)
    with before(session, 40):
        assert send_learning_reminders() == 1
        # Two hours earlier: still within two days, a new start to be reminded of.
        moved = move(programme_manager, session, -2)
        assert send_learning_reminders() == 1
        assert send_learning_reminders() == 0
        # A day later: beyond the two days for now.
        moved = move(programme_manager, moved, 24)
        assert send_learning_reminders() == 0
    with before(moved, 47):
        assert send_learning_reminders() == 1
    assert received(KIND) == [person.pk] * 3


def test_no_reminder_for_those_waiting_asking_or_gone(session, enrol, organisation):
    enrolled = enrol(session, 3)
    [waiting] = enrol(session, 1)
    enrolment_services.enrolment_cancel(
        actor=enrolled[0], enrolment=Enrolment.objects.get(person=enrolled[0], session=session)
    )
    # The first waiting took the freed place; the next one waits.
    [still_waiting] = enrol(session, 1)
    session.needs_approval = True
    session.save(update_fields=["needs_approval"])
    asking = MembershipFactory(organisation=organisation).user
    enrolment_services.enrol(actor=asking, session=session)
    with before(session, 24):
        assert send_learning_reminders() == 3
    assert sorted(received(KIND)) == sorted([enrolled[1].pk, enrolled[2].pk, waiting.pk])
    assert still_waiting.pk not in received(KIND) and asking.pk not in received(KIND)


def test_no_reminder_for_a_cancelled_session(programme_manager, session, enrol):
    enrol(session, 2)
    session_services.session_cancel(actor=programme_manager, session=session, reason="The room is flooded.")
    with before(session, 24):
        assert send_learning_reminders() == 0
    assert received(KIND) == []


def test_no_reminder_once_the_session_has_begun(session, enrol):
    enrol(session, 2)
    with before(session, -1):
        assert send_learning_reminders() == 0
    assert received(KIND) == []
