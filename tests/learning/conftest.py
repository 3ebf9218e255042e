"""What the learning tests share: the answers a programme manager gives to add a course and to
schedule a session, a course and a session made through the services, sessions put in a phase
directly (the services refuse the past), people enrolled, and a signed-in client."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from ponte.core.models import Notification
from ponte.core.roles import requires_two_factor
from ponte.learning.models import Enrolment, Session
from ponte.learning.services import catalogue as catalogue_services
from ponte.learning.services import enrolments as enrolment_services
from ponte.learning.services import sessions as session_services
from tests.conftest import give_two_factor
from tests.factories import UserFactory


def at(day, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def course_answers(**changes) -> dict:
    """A course's answers, unless changed."""
    return {
        "title": "Prototyping public services",
        "summary": "Test an idea with the people it serves before building it.",
        "description": "Two days of paper prototypes, interviews and quick iterations, for any public servant.",
        "kind": "workshop",
        "track": "everyone",
        "skills": ["iteration", "user_centricity"],
        "hours": 12,
        "language": "en",
        **changes,
    }


def session_answers(trainer, **changes) -> dict:
    """A session's answers: a week from today, from 09:00 to 17:00, in a room, three places,
    open to everyone signed in, unless changed."""
    day = timezone.localdate() + timedelta(days=7)
    return {
        "starts_at": at(day, 9),
        "ends_at": at(day, 17),
        "place": "Rue de la Loi 16, room 4.12",
        "online_link": "",
        "capacity": 3,
        "trainer": trainer,
        "needs_approval": False,
        **changes,
    }


def received(kind: str) -> list[int]:
    """The people notified of this kind, by id, in the order they were notified."""
    return list(Notification.objects.filter(kind=kind).order_by("pk").values_list("recipient_id", flat=True))


def statuses(session) -> dict[int, str]:
    """{person id: status} of the enrolments still on or last held in the session."""
    return dict(Enrolment.objects.filter(session=session).order_by("pk").values_list("person_id", "status"))


@pytest.fixture
def trainer(db):
    return UserFactory(name="Tomas Trainer", email="tomas.trainer@example.com")


@pytest.fixture
def course(programme_manager):
    return catalogue_services.course_add(actor=programme_manager, **course_answers())


@pytest.fixture
def session(programme_manager, course, trainer):
    """An upcoming session with three places, scheduled through the service."""
    return session_services.session_schedule(actor=programme_manager, course=course, **session_answers(trainer))


@pytest.fixture
def session_in(programme_manager, course, trainer):
    """A session of the course in a phase by the server clock: "upcoming" (in two days),
    "running" (began two hours ago), "over" (ended two days ago) or "cancelled"."""
    hours = {"upcoming": (48, 54), "running": (-2, 4), "over": (-50, -44), "cancelled": (48, 54)}

    def make(phase, **changes):
        starts, ends = hours[phase]
        now = timezone.now()
        values = {
            "course": course,
            "starts_at": now + timedelta(hours=starts),
            "ends_at": now + timedelta(hours=ends),
            "place": "Rue de la Loi 16, room 4.12",
            "capacity": 3,
            "trainer": trainer,
            "created_by": programme_manager,
            "cancelled_at": now if phase == "cancelled" else None,
            "cancel_reason": "The trainer is ill." if phase == "cancelled" else "",
            **changes,
        }
        return Session.objects.create(**values)

    return make


@pytest.fixture
def enrol():
    """Enrol people (made if a number is given) through the service, in turn; returns them."""

    def make(session, people, **kwargs):
        if isinstance(people, int):
            people = [UserFactory() for _ in range(people)]
        for person in people:
            enrolment_services.enrol(actor=person, session=session, **kwargs)
        return people

    return make


@pytest.fixture
def login(client):
    """Sign a person in on the test client (None: sign out). Staff roles get their second
    factor first, as they must to use the web."""

    def sign_in(user):
        client.logout()
        if user is None:
            return client
        if requires_two_factor(user) and not user.authenticator_set.exists():
            give_two_factor(user)
        client.force_login(user)
        return client

    return sign_in
