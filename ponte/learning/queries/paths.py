"""Reads of learning paths: the list of paths, a path with its courses in order (each with its
next session), and how far a person has come along it. Each read makes a fixed number of
queries whatever the number of paths, courses and certificates."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from ..models import Certificate, Course, LearningPath, PathStep, Session


def paths(*, track: str = "") -> QuerySet[LearningPath]:
    """The paths in the catalogue, by title, each with how many courses it holds."""
    found = LearningPath.objects.in_catalogue().annotate(steps_count=Count("steps"))
    if track:
        found = found.filter(track=track)
    return found.order_by("title", "pk")


def path_for(pk: int, now: datetime | None = None) -> LearningPath | None:
    """A path, in the catalogue or withdrawn, with its steps in order, each course with its
    next session's start."""
    now = now or timezone.now()
    next_session = (
        Session.objects.upcoming(now).filter(course=OuterRef("pk")).order_by("starts_at").values("starts_at")[:1]
    )
    courses = Course.objects.annotate(next_session=Subquery(next_session))
    steps = PathStep.objects.order_by("position").prefetch_related(Prefetch("course", queryset=courses))
    return LearningPath.objects.prefetch_related(Prefetch("steps", queryset=steps)).filter(pk=pk).first()


def completed_courses(person, course_ids: list[int]) -> set[int]:
    """The courses among `course_ids` the person holds a valid certificate of."""
    if not person.is_authenticated or not course_ids:
        return set()
    return set(
        Certificate.objects.filter(
            Q(person=person) & Q(revoked_at__isnull=True) & Q(enrolment__session__course__in=course_ids)
        ).values_list("enrolment__session__course", flat=True)
    )


def paths_of_course(course: Course) -> QuerySet[LearningPath]:
    """The paths in the catalogue a course is on: its page points to them."""
    return LearningPath.objects.in_catalogue().filter(steps__course=course).order_by("title", "pk").distinct()
