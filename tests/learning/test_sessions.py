"""Sessions: a programme manager schedules a session of a course with its trainer, changes it
while it is upcoming (more places enrol the first waiting, in turn; fewer than the people
enrolled is refused; those taking part are told when it moves) and cancels it, which ends
every enrolment in it and tells each person why."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ponte.core import versions
from ponte.core.models import AuditEvent
from ponte.learning.forms.sessions import SessionForm
from ponte.learning.models import Enrolment, Session, SessionPhase
from ponte.learning.services import enrolments as enrolment_services
from ponte.learning.services import sessions as services
from tests.factories import MembershipFactory, UserFactory

from .conftest import received, session_answers, statuses

pytestmark = pytest.mark.django_db

OTHER_ROLES = ["visitor", "citizen", "public_servant", "org_admin", "evaluator", "sponsor", "platform_admin"]


def refusal(error) -> dict:
    return error.value.message_dict


def answers_of(session, **changes) -> dict:
    """What the edit form holds for the session as it stands, with the changes."""
    return {
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "place": session.place,
        "online_link": session.online_link,
        "capacity": session.capacity,
        "trainer": session.trainer,
        "needs_approval": session.needs_approval,
        **changes,
    }


def update(actor, session, **changes):
    session = Session.objects.get(pk=session.pk)
    return services.session_update(
        actor=actor, session=session, seen_version=session.version, **answers_of(session, **changes)
    )


# Scheduling --------------------------------------------------------------------------------


def test_a_programme_manager_schedules_a_session_and_its_trainer_is_told(programme_manager, course, trainer):
    session = services.session_schedule(actor=programme_manager, course=course, **session_answers(trainer))
    assert session.phase == SessionPhase.UPCOMING and session.version == 1 and session.capacity == 3
    assert session.trainer == trainer and session.created_by == programme_manager
    event = AuditEvent.objects.get(verb="schedule")
    assert event.after["capacity"] == 3 and event.after["version"] == 1
    assert received("learning.trainer_named") == [trainer.pk]


def test_a_session_online_only_is_scheduled_with_its_link(programme_manager, course, trainer):
    session = services.session_schedule(
        actor=programme_manager,
        course=course,
        **session_answers(trainer, place="  ", online_link=" https://meet.example.org/prototyping "),
    )
    assert session.is_online and session.online_link == "https://meet.example.org/prototyping"


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_no_one_but_a_programme_manager_schedules_a_session(person_in_role, role, course, trainer):
    with pytest.raises(PermissionDenied):
        services.session_schedule(actor=person_in_role(role), course=course, **session_answers(trainer))
    assert not Session.objects.exists()


def test_the_trainer_may_not_schedule_a_session_either(course, trainer):
    with pytest.raises(PermissionDenied):
        services.session_schedule(actor=trainer, course=course, **session_answers(trainer))


PLACES = "Give the number of places, from 1 to 1000."


def _bad_answers():
    now = timezone.now()
    soon = now + timedelta(days=3)
    return [
        ({"ends_at": soon - timedelta(hours=1), "starts_at": soon}, "ends_at", "The session must end after it starts."),
        ({"ends_at": soon, "starts_at": soon}, "ends_at", "The session must end after it starts."),
        (
            {"starts_at": soon, "ends_at": soon + timedelta(days=31)},
            "ends_at",
            "A session lasts at most 31 days: schedule a longer course as several.",
        ),
        (
            {"starts_at": now - timedelta(hours=1), "ends_at": now + timedelta(hours=3)},
            "starts_at",
            "The start would already be past: give a later one.",
        ),
        ({"starts_at": None}, "starts_at", "Give the date and time the session starts."),
        ({"starts_at": "tomorrow"}, "starts_at", "Give the date and time the session starts."),
        ({"starts_at": soon.replace(tzinfo=None)}, "starts_at", "Give the date and time the session starts."),
        ({"ends_at": None}, "ends_at", "Give the date and time the session ends."),
        ({"place": "", "online_link": ""}, "place", "Give the place, the online link, or both."),
        ({"place": "   ", "online_link": None}, "place", "Give the place, the online link, or both."),
        ({"place": "x" * 301}, "place", "Write at most 300 characters."),
        (
            {"online_link": "meet.example.org/room"},
            "online_link",
            "Give the online link as a full address, starting with https://.",
        ),
        (
            {"online_link": "javascript:alert(1)"},
            "online_link",
            "Give the online link as a full address, starting with https://.",
        ),
        (
            {"online_link": "ftp://example.org/x"},
            "online_link",
            "Give the online link as a full address, starting with https://.",
        ),
        ({"capacity": 0}, "capacity", PLACES),
        ({"capacity": 1001}, "capacity", PLACES),
        ({"capacity": "3"}, "capacity", PLACES),
        ({"capacity": True}, "capacity", PLACES),
        ({"capacity": None}, "capacity", PLACES),
        ({"trainer": None}, "trainer", "Name the trainer: a person with an account on Ponte."),
    ]


@pytest.mark.parametrize(("changes", "field", "message"), _bad_answers())
def test_each_bad_answer_is_refused_beside_its_field(programme_manager, course, trainer, changes, field, message):
    with pytest.raises(ValidationError) as error:
        services.session_schedule(actor=programme_manager, course=course, **{**session_answers(trainer), **changes})
    assert refusal(error) == {field: [message]}
    assert not Session.objects.exists()


def test_an_account_closed_is_no_trainer(programme_manager, course):
    gone = UserFactory(is_active=False)
    with pytest.raises(ValidationError) as error:
        services.session_schedule(actor=programme_manager, course=course, **session_answers(gone))
    assert set(refusal(error)) == {"trainer"}


def test_the_limits_of_the_places_are_accepted(programme_manager, course, trainer):
    for capacity in (1, 1000):
        session = services.session_schedule(
            actor=programme_manager, course=course, **session_answers(trainer, capacity=capacity)
        )
        assert session.capacity == capacity


def _form(**changes):
    data = {
        "starts_at": "2031-03-14T09:00",
        "ends_at": "2031-03-14T17:00",
        "place": "Room 2",
        "capacity": "12",
        "trainer": "tomas.trainer@example.com",
        **changes,
    }
    return SessionForm(data, suggestions="/learning/people/")


def test_the_form_finds_the_trainer_by_their_address_whatever_its_case(trainer):
    form = _form(trainer="  Tomas.TRAINER@example.com ")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["trainer"] == trainer


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"trainer": "nobody@example.com"}, "trainer", "Nobody on Ponte has this address: name the trainer's account."),
        ({"trainer": ""}, "trainer", "Name the trainer: a person with an account on Ponte."),
        ({"capacity": "many"}, "capacity", "Give the number of places."),
        ({"capacity": "0"}, "capacity", "Ensure this value is greater than or equal to 1."),
        ({"capacity": "1001"}, "capacity", "Ensure this value is less than or equal to 1000."),
        ({"starts_at": "31/02/2031"}, "starts_at", "Give the date and time the session starts."),
    ],
)
def test_the_form_names_what_it_cannot_read(trainer, changes, field, message):
    form = _form(**changes)
    assert not form.is_valid()
    assert form.errors[field] == [message]


# Changing ----------------------------------------------------------------------------------


def test_a_session_is_changed_with_a_version_check(programme_manager, session):
    assert update(programme_manager, session, capacity=8) == ["capacity"]
    session.refresh_from_db()
    assert session.capacity == 8 and session.version == 2
    with pytest.raises(versions.StaleEdit) as stale:
        services.session_update(
            actor=programme_manager, session=session, seen_version=1, **answers_of(session, capacity=4)
        )
    assert [change.field for change in stale.value.changes] == ["capacity"]
    session.refresh_from_db()
    assert session.capacity == 8


def test_saving_without_a_change_writes_nothing(programme_manager, session):
    assert update(programme_manager, session) == []
    session.refresh_from_db()
    assert session.version == 1


def test_fewer_places_than_people_enrolled_is_refused(programme_manager, session, enrol):
    enrol(session, 3)
    with pytest.raises(ValidationError) as error:
        update(programme_manager, session, capacity=2, place="A smaller room")
    assert refusal(error) == {"capacity": ["3 people are enrolled already: give at least as many places."]}
    session.refresh_from_db()
    assert session.capacity == 3 and session.place == "Rue de la Loi 16, room 4.12" and session.version == 1
    # As many places as people enrolled is fine.
    assert update(programme_manager, session, capacity=3, place="A smaller room") == ["place"]


def test_more_places_enrol_the_first_waiting_in_turn(programme_manager, session, enrol):
    enrolled = enrol(session, 3)
    first, second, third = enrol(session, 3)
    assert statuses(session) == {
        **dict.fromkeys((p.pk for p in enrolled), "enrolled"),
        **dict.fromkeys((p.pk for p in (first, second, third)), "waiting"),
    }
    update(programme_manager, session, capacity=5)
    found = statuses(session)
    assert (found[first.pk], found[second.pk], found[third.pk]) == ("enrolled", "enrolled", "waiting")
    assert received("learning.enrolled") == [first.pk, second.pk]
    # More places do not move the session: nobody is told it changed.
    assert received("learning.session_changed") == []


def test_moving_a_session_tells_those_taking_part(programme_manager, session, enrol, trainer):
    enrolled = enrol(session, 3)
    [waiting] = enrol(session, 1)
    left = UserFactory()
    enrolment = enrolment_services.enrol(actor=left, session=session)
    assert enrolment.status == "waiting"
    enrolment_services.enrolment_cancel(actor=left, enrolment=enrolment)

    later = session.starts_at + timedelta(days=1)
    assert update(programme_manager, session, starts_at=later, ends_at=later + timedelta(hours=8)) == [
        "starts_at",
        "ends_at",
    ]
    told = received("learning.session_changed")
    assert sorted(told) == sorted([*(p.pk for p in enrolled), waiting.pk])
    assert left.pk not in told and trainer.pk not in told

    # A new place, or a new link, is a move too.
    update(programme_manager, session, place="Boulevard Pachéco 19")
    update(programme_manager, session, online_link="https://meet.example.org/room")
    assert len(received("learning.session_changed")) == 3 * 4


def test_a_new_end_alone_or_new_places_tell_no_one(programme_manager, session, enrol):
    enrol(session, 2)
    update(programme_manager, session, ends_at=session.ends_at + timedelta(hours=1), capacity=4, needs_approval=True)
    assert received("learning.session_changed") == []


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_no_one_but_a_programme_manager_changes_or_cancels_a_session(person_in_role, role, session):
    person = person_in_role(role)
    with pytest.raises(PermissionDenied):
        update(person, session, capacity=10)
    with pytest.raises(PermissionDenied):
        services.session_cancel(actor=person, session=session, reason="Mine.")
    session.refresh_from_db()
    assert session.capacity == 3 and session.cancelled_at is None


def test_the_trainer_may_not_change_nor_cancel_their_session(session, trainer):
    with pytest.raises(PermissionDenied):
        update(trainer, session, capacity=10)
    with pytest.raises(PermissionDenied):
        services.session_cancel(actor=trainer, session=session, reason="I am ill.")


@pytest.mark.parametrize("phase", ["running", "over", "cancelled"])
def test_only_an_upcoming_session_is_changed_or_cancelled(programme_manager, session_in, phase):
    session = session_in(phase)
    later = timezone.now() + timedelta(days=9)
    with pytest.raises(PermissionDenied):
        update(programme_manager, session, starts_at=later, ends_at=later + timedelta(hours=2))
    with pytest.raises(PermissionDenied):
        services.session_cancel(actor=programme_manager, session=session, reason="Too late.")
    session.refresh_from_db()
    assert session.version == 1 and session.starts_at != later


# Cancelling --------------------------------------------------------------------------------


def test_cancelling_ends_every_enrolment_and_tells_each_person_why(
    programme_manager, session, enrol, organisation, org_admin, trainer
):
    enrolled = enrol(session, 3)
    [waiting] = enrol(session, 1)
    # A request to a manager, and a request already refused, in the same session.
    update(programme_manager, session, needs_approval=True)
    session.refresh_from_db()
    asking, refused = (MembershipFactory(organisation=organisation).user for _ in range(2))
    request = enrolment_services.enrol(actor=asking, session=session)
    no = enrolment_services.enrol(actor=refused, session=session)
    enrolment_services.enrolment_refuse(actor=org_admin, enrolment=no, reason="Not this year.")
    assert request.status == "requested"

    services.session_cancel(actor=programme_manager, session=session, reason="  The trainer is ill.  ")

    session = Session.objects.with_phase().get(pk=session.pk)
    assert session.phase == SessionPhase.CANCELLED and session.cancel_reason == "The trainer is ill."
    assert session.version == 3
    found = statuses(session)
    assert all(found[p.pk] == "cancelled" for p in (*enrolled, waiting, asking))
    assert found[refused.pk] == "refused"
    assert not Enrolment.objects.filter(session=session, cancelled_at__isnull=True, status="cancelled").exists()
    told = received("learning.session_cancelled")
    assert sorted(told) == sorted(p.pk for p in (*enrolled, waiting, asking))
    note = AuditEvent.objects.get(verb="cancel", target_type__model="session")
    assert note.after == {"cancelled": True, "version": 3} and note.reason == "The trainer is ill."
    # Each enrolment's end is audited with the reason too.
    assert AuditEvent.objects.filter(verb="cancel", target_type__model="enrolment", reason=note.reason).count() == 5


def test_a_cancelled_session_takes_no_enrolment_and_no_place_is_given_again(programme_manager, session, enrol):
    enrol(session, 3)
    [waiting] = enrol(session, 1)
    services.session_cancel(actor=programme_manager, session=session, reason="No room.")
    assert received("learning.enrolled") == []
    assert statuses(session)[waiting.pk] == "cancelled"
    with pytest.raises(ValidationError) as error:
        enrolment_services.enrol(actor=UserFactory(), session=session)
    assert "cancelled" in error.value.messages[0]


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_session_is_not_cancelled_without_a_reason(programme_manager, session, reason):
    with pytest.raises(ValidationError) as error:
        services.session_cancel(actor=programme_manager, session=session, reason=reason)
    assert refusal(error) == {"reason": ["Say why the session is cancelled: the people enrolled read it."]}
    session.refresh_from_db()
    assert session.cancelled_at is None
