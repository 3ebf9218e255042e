"""The demo's learning: a catalogue over the six core skills and the managers' track, sessions
past (with attendance), full with a waiting list, asking for a manager's approval (one request
waiting), cancelled and upcoming — each through the services, so that the audit trail and the
notifications are real; and a second run adds nothing."""

import pytest
from django.contrib.contenttypes.models import ContentType

from ponte.core.models import AuditEvent, Notification
from ponte.dev.demo import learning, organisations, people
from ponte.dev.demo.data import load
from ponte.learning.models import (
    CORE_SKILLS,
    MANAGER_SKILLS,
    Certificate,
    Course,
    CourseSkill,
    Enrolment,
    LearningPath,
    Session,
    SessionPhase,
)

pytestmark = pytest.mark.django_db


def test_the_demo_learning():
    people.build()
    organisations.build()
    learning.build()
    assert set(CourseSkill.objects.values_list("skill", flat=True)) == set(CORE_SKILLS) | set(MANAGER_SKILLS)
    assert Course.objects.filter(track="managers").count() == 2
    sessions = list(Session.objects.with_phase().with_places())
    phases = {session.phase for session in sessions}
    assert phases == {SessionPhase.OVER, SessionPhase.UPCOMING, SessionPhase.CANCELLED}
    full = [s for s in sessions if s.phase == SessionPhase.UPCOMING and s.places_left == 0]
    assert len(full) == 1 and full[0].waiting_count == 2
    assert Enrolment.objects.filter(status="requested", person__email="servant@example.org").count() == 1
    assert Enrolment.objects.filter(attended=True).count() == 6
    # Each who came holds a certificate; one is published as an Open Badge by its holder.
    assert Certificate.objects.filter(revoked_at__isnull=True).count() == 6
    assert list(Certificate.objects.filter(badge_consent_at__isnull=False).values_list("person__email", flat=True)) == [
        "servant@example.org"
    ]
    assert all(s.enrolled_count <= s.capacity for s in sessions)
    # Through the services: audited, and the admin was told of the request to approve.
    assert AuditEvent.objects.filter(verb="enrol").count() == Enrolment.objects.count()
    assert Notification.objects.filter(
        kind="learning.enrolment_requested", recipient__email="orgadmin@example.org"
    ).exists()

    # Two paths, through the service, each with its courses in the order the data gives them.
    data = load("learning")
    paths = {path.title: path for path in LearningPath.objects.prefetch_related("steps__course")}
    assert len(paths) == 2 and len(data["paths"]) == 2
    for spec in data["paths"]:
        path = paths[spec["title"]]
        assert path.track == spec["track"] and path.withdrawn_at is None
        steps = sorted(path.steps.all(), key=lambda step: step.position)
        assert [step.position for step in steps] == list(range(1, len(spec["courses"]) + 1))
        assert [step.course.title for step in steps] == spec["courses"]
    added = AuditEvent.objects.filter(verb="add", target_type=ContentType.objects.get_for_model(LearningPath))
    assert sorted(added.values_list("target_id", flat=True)) == sorted(str(path.pk) for path in paths.values())

    learning.build()
    assert Course.objects.count() == 8 and Session.objects.count() == len(sessions)
    assert LearningPath.objects.count() == 2
