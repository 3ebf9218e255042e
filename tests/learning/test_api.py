"""The learning API: the catalogue and its sessions are public, with their phase and places
left; who takes part is never in it; a bad filter is a clear 422, never a 500."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from ponte.learning.matrix import make_course
from ponte.learning.models import CourseSkill, Enrolment, EnrolmentStatus, Session
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(db):
    manager = UserFactory(is_programme_manager=True)
    course = make_course(_World(manager))
    CourseSkill.objects.create(course=course, skill="data_literacy")
    starts = timezone.now() + timedelta(days=5)
    found = Session.objects.create(
        course=course,
        starts_at=starts,
        ends_at=starts + timedelta(hours=6),
        online_link="https://meet.example.org/secret-room",
        capacity=2,
        trainer=manager,
        created_by=manager,
    )
    for person in UserFactory.create_batch(3):
        Enrolment.objects.create(
            session=found,
            person=person,
            status=EnrolmentStatus.ENROLLED if Enrolment.objects.count() < 2 else EnrolmentStatus.WAITING,
            queued_at=starts,
        )
    return found


class _World:
    """Enough of a role-matrix World for make_course: its programme manager and a token."""

    def __init__(self, manager):
        self.people = {"programme_manager": manager}
        self.token = "api"


def test_everyone_reads_the_catalogue_with_skills_and_next_session(client, session):
    found = client.get("/api/learning/courses").json()
    assert found["count"] == 1
    course = found["items"][0]
    assert course["skills"] == ["iteration", "data_literacy"]
    assert course["next_session"] is not None
    assert client.get("/api/learning/courses?skill=data_literacy").json()["count"] == 1
    assert client.get("/api/learning/courses?skill=storytelling").json()["count"] == 0
    assert client.get("/api/learning/courses?track=managers").json()["count"] == 0


def test_a_course_with_its_sessions_places_and_waiting_list_but_no_one_named(client, session):
    found = client.get(f"/api/learning/courses/{session.course_id}").json()
    (listed,) = found["sessions"]
    assert listed["places_left"] == 0 and listed["waiting"] == 1 and listed["phase"] == "upcoming"
    assert listed["online"] is True
    # The link is for those enrolled, and no person is named anywhere.
    body = client.get(f"/api/learning/sessions/{session.pk}").content.decode()
    assert "secret-room" not in body and "@" not in body.replace("@context", "")


def test_a_missing_course_or_session_is_404_and_a_bad_filter_422(client, session):
    assert client.get("/api/learning/courses/999999").status_code == 404
    assert client.get("/api/learning/sessions/999999").status_code == 404
    assert client.get("/api/learning/courses/0").status_code == 422
    answer = client.get("/api/learning/courses?skill=juggling")
    assert answer.status_code == 422 and answer.json()["errors"][0]["location"] == "query.skill"


def test_the_catalogue_is_open_data_in_csv(client, session):
    session.course.title = "=HYPERLINK(1)"
    session.course.save()
    rows = list(csv.reader(io.StringIO(b"".join(client.get("/learning/catalogue.csv").streaming_content).decode())))
    assert rows[0][:5] == ["id", "title", "kind", "track", "skills"]
    (course,) = rows[1:]
    assert course[1] == "'=HYPERLINK(1)" and course[4] == "iteration data_literacy"
    assert "/learning/catalogue.csv" in client.get("/open-data/").content.decode()
