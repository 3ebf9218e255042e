"""Sessions in a person's calendar, read back as a calendar application would: one event with
a UID that stays and a SEQUENCE that follows the session's version, its start, end and place,
and a reminder the day before; a cancelled session stays in, marked cancelled, without its
reminder. The online link is for those enrolled, as on the session's page. A person's own file
holds the sessions they are enrolled in, never another's."""

from datetime import timedelta

import pytest
from icalendar import Calendar

from ponte.learning.models import Enrolment, Session
from ponte.learning.services import enrolments as enrolment_services
from ponte.learning.services import sessions as session_services
from tests.factories import UserFactory

from .conftest import session_answers

pytestmark = pytest.mark.django_db

LINK = "https://meet.example.org/prototyping"


def parsed(response) -> Calendar:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(response) -> list:
    return parsed(response).walk("VEVENT")


def address(session) -> str:
    return f"/learning/sessions/{session.pk}/calendar.ics"


def test_a_session_is_one_event_with_its_place_and_a_reminder_the_day_before(client, session):
    response = client.get(address(session))
    assert response["Content-Disposition"] == f'attachment; filename="learning-session-{session.pk}.ics"'
    [event] = events(response)
    assert str(event["UID"]) == f"learning-session-{session.pk}@testserver"
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == session.starts_at
    assert event.decoded("DTEND") == session.ends_at
    assert str(event["SUMMARY"]) == "Prototyping public services"
    assert str(event["LOCATION"]) == "Rue de la Loi 16, room 4.12"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["URL"]) == f"http://testserver{session.get_absolute_url()}"
    assert "Test an idea with the people it serves" in str(event["DESCRIPTION"])
    [alarm] = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == -timedelta(days=1)


def test_a_session_moved_keeps_its_uid_and_its_sequence_grows(client, programme_manager, session):
    [before] = events(client.get(address(session)))
    later = session.starts_at + timedelta(days=2)
    session_services.session_update(
        actor=programme_manager,
        session=session,
        seen_version=1,
        **session_answers(session.trainer, starts_at=later, ends_at=later + timedelta(hours=8)),
    )
    [after] = events(client.get(address(session)))
    assert str(after["UID"]) == str(before["UID"])
    assert after["SEQUENCE"] == 2 == Session.objects.get(pk=session.pk).version
    assert after.decoded("DTSTART") == later


def test_a_cancelled_session_says_so_without_a_reminder(client, programme_manager, session):
    session_services.session_cancel(actor=programme_manager, session=session, reason="The trainer is ill.")
    response = client.get(address(session))
    assert b"STATUS:CANCELLED" in response.content
    [event] = events(response)
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 2
    assert event.walk("VALARM") == []
    assert "Cancelled: The trainer is ill." in str(event["DESCRIPTION"])


@pytest.fixture
def online(programme_manager, course, trainer):
    return session_services.session_schedule(
        actor=programme_manager, course=course, **session_answers(trainer, place="", online_link=LINK)
    )


def test_the_online_link_is_in_the_file_of_those_enrolled_only(client, login, online, trainer):
    for response in (client.get(address(online)), login(UserFactory()).get(address(online))):
        assert LINK.encode() not in response.content
        [event] = events(response)
        assert LINK not in str(event.get("LOCATION", "")) and LINK not in str(event["DESCRIPTION"])

    person = UserFactory()
    enrolment_services.enrol(actor=person, session=online)
    for reader in (person, trainer):
        [event] = events(login(reader).get(address(online)))
        assert str(event["LOCATION"]) == LINK
        assert f"Online: {LINK}" in str(event["DESCRIPTION"])
    [event] = events(login(person).get("/learning/mine/calendar.ics"))
    assert str(event["LOCATION"]) == LINK


def test_a_missing_session_has_no_file(client):
    assert client.get("/learning/sessions/999999/calendar.ics").status_code == 404


# A person's own calendar ------------------------------------------------------------------


def test_ones_calendar_holds_the_sessions_one_is_enrolled_in_and_no_others(
    login, programme_manager, course, trainer, session_in
):
    def schedule(days, **changes):
        starts = session_answers(trainer)["starts_at"] + timedelta(days=days)
        return session_services.session_schedule(
            actor=programme_manager,
            course=course,
            **session_answers(trainer, starts_at=starts, ends_at=starts + timedelta(hours=3), **changes),
        )

    person, other = UserFactory(), UserFactory()
    mine, later, full, theirs, left, called_off = (schedule(days, capacity=1) for days in range(6))
    for session in (mine, later, left, called_off):
        enrolment_services.enrol(actor=person, session=session)
    enrolment_services.enrol(actor=other, session=full)
    enrolment_services.enrol(actor=person, session=full)  # waits for a place
    enrolment_services.enrol(actor=other, session=theirs)
    enrolment_services.enrolment_cancel(actor=person, enrolment=Enrolment.objects.get(person=person, session=left))
    session_services.session_cancel(actor=programme_manager, session=called_off, reason="No room.")
    # A session over, which the person took part in, stays too.
    past = session_in("over")
    Enrolment.objects.create(session=past, person=person, status="enrolled", queued_at=past.starts_at)

    response = login(person).get("/learning/mine/calendar.ics")
    assert response["Content-Disposition"] == 'attachment; filename="learning.ics"'
    found = {str(event["UID"]): str(event["STATUS"]) for event in events(response)}
    assert found == {
        f"learning-session-{past.pk}@testserver": "CONFIRMED",
        f"learning-session-{mine.pk}@testserver": "CONFIRMED",
        f"learning-session-{later.pk}@testserver": "CONFIRMED",
        f"learning-session-{called_off.pk}@testserver": "CANCELLED",
    }
    # The other person's file holds theirs, and the cancelled session, where they only waited, not.
    enrolment_services.enrol(actor=other, session=schedule(7))
    found = [str(event["UID"]) for event in events(login(other).get("/learning/mine/calendar.ics"))]
    assert f"learning-session-{full.pk}@testserver" in found and f"learning-session-{theirs.pk}@testserver" in found
    assert f"learning-session-{mine.pk}@testserver" not in found and len(found) == 3


def test_a_cancelled_session_one_only_waited_for_stays_out_of_ones_calendar(login, programme_manager, session, enrol):
    enrol(session, 3)
    [waiting] = enrol(session, 1)
    session_services.session_cancel(actor=programme_manager, session=session, reason="No room.")
    assert events(login(waiting).get("/learning/mine/calendar.ics")) == []


def test_ones_calendar_is_asked_for_signed_in(client):
    response = client.get("/learning/mine/calendar.ics")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
