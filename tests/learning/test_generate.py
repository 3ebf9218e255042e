"""Learning at scale (`python -m ponte generate`): courses, sessions and enrolments that hold
together as the services would have left them."""

from django.db.models import Count, Q
from django.utils import timezone

from ponte.dev.generate import learning as learning_generate
from ponte.dev.generate import organisations as organisations_generate
from ponte.learning.models import (
    Certificate,
    Course,
    Enrolment,
    EnrolmentStatus,
    LearningPath,
    PathStep,
    SelfAssessment,
    Session,
)
from ponte.learning.services.skills import scores_of
from tests.factories import UserFactory


class _NoBar:
    def update(self, count):
        pass

    def close(self):
        pass


def _progress(total, desc):
    return _NoBar()


def test_the_generator_fills_the_catalogue_without_overfilling_a_session(db):
    UserFactory(is_programme_manager=True)
    organisations_generate.build("S", _progress)
    learning_generate.build("S", _progress)

    assert Course.objects.count() == learning_generate.SIZES["S"]
    assert not Course.objects.annotate(skills_held=Count("skills")).filter(skills_held=0).exists()
    now = timezone.now()
    sessions = Session.objects.annotate(
        enrolled=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)),
        waiting=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITING)),
        attended=Count("enrolments", filter=Q(enrolments__attended__isnull=False)),
    )
    assert sessions.count() == learning_generate.SIZES["S"] * (learning_generate.PAST + learning_generate.UPCOMING)
    for session in sessions:
        assert session.enrolled <= session.capacity
        # A waiting list only once the session is full, and attendance only once it has begun.
        assert session.waiting == 0 or session.enrolled == session.capacity
        assert session.attended == 0 or session.starts_at <= now
    assert sessions.filter(starts_at__gt=now, waiting__gt=0).exists()
    assert sessions.filter(starts_at__lte=now, attended__gt=0).exists()
    # Each who came holds a certificate, and no one else.
    assert set(Certificate.objects.values_list("enrolment_id", flat=True)) == set(
        Enrolment.objects.filter(attended=True).values_list("pk", flat=True)
    )


def test_the_generator_adds_self_assessments_scored_as_the_service_scores_them(db):
    UserFactory(is_programme_manager=True)
    organisations_generate.build("S", _progress)
    learning_generate.build("S", _progress)
    assessments = list(SelfAssessment.objects.prefetch_related("scores")[:50])
    assert assessments
    for assessment in assessments:
        assert {score.skill: score.score for score in assessment.scores.all()} == scores_of(assessment.answers)


def test_the_generator_adds_a_path_for_every_tenth_course(db):
    UserFactory(is_programme_manager=True)
    organisations_generate.build("S", _progress)
    learning_generate.build("S", _progress)
    total = learning_generate.SIZES["S"]
    paths = list(LearningPath.objects.prefetch_related("steps"))
    assert len(paths) == total // 10
    assert len({path.title for path in paths}) == len(paths)
    generated = set(Course.objects.in_catalogue().filter(title__startswith="[gen]").values_list("pk", flat=True))
    for path in paths:
        steps = sorted(path.steps.all(), key=lambda step: step.position)
        # Two to five distinct courses of the catalogue, at positions 1..n.
        assert 2 <= len(steps) <= 5
        assert [step.position for step in steps] == list(range(1, len(steps) + 1))
        courses = [step.course_id for step in steps]
        assert len(set(courses)) == len(courses) and set(courses) <= generated
    assert PathStep.objects.count() == sum(len(path.steps.all()) for path in paths)
