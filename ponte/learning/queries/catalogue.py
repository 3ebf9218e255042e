"""Reads of the catalogue. Every course in it is public."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from ..models import Course, CourseKind, CourseSkill, Session, Skill, Track


@dataclass(frozen=True)
class CatalogueFilters:
    """The catalogue's filters as asked; a value not among the choices is ignored, never an error."""

    skill: str = ""
    track: str = ""
    kind: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, query) -> CatalogueFilters:
        def choice(name, choices):
            value = query.get(name, "")
            return value if value in choices else ""

        return cls(
            skill=choice("skill", Skill.values),
            track=choice("track", Track.values),
            kind=choice("kind", CourseKind.values),
            q=(query.get("q") or "").strip()[:100].replace("\x00", ""),
        )

    @property
    def any(self) -> bool:
        return bool(self.skill or self.track or self.kind or self.q)


def catalogue(filters: CatalogueFilters = CatalogueFilters(), now: datetime | None = None) -> QuerySet[Course]:
    """The courses in the catalogue, by title, each with its skills and its next session's start."""
    now = now or timezone.now()
    courses = Course.objects.in_catalogue()
    if filters.skill:
        courses = courses.filter(Exists(CourseSkill.objects.filter(course=OuterRef("pk"), skill=filters.skill)))
    if filters.track:
        courses = courses.filter(track=filters.track)
    if filters.kind:
        courses = courses.filter(kind=filters.kind)
    if filters.q:
        courses = courses.filter(title__icontains=filters.q) | courses.filter(summary__icontains=filters.q)
    next_session = (
        Session.objects.upcoming(now).filter(course=OuterRef("pk")).order_by("starts_at").values("starts_at")[:1]
    )
    return (
        courses.annotate(next_session=Subquery(next_session))
        .prefetch_related(Prefetch("skills", queryset=CourseSkill.objects.order_by()))
        .order_by("title", "pk")
    )


def course_for(pk: int) -> Course | None:
    """A course, in the catalogue or withdrawn (its page still tells of its past sessions)."""
    return Course.objects.prefetch_related("skills").filter(pk=pk).first()


def sessions_of(course: Course, now: datetime | None = None) -> QuerySet[Session]:
    """The course's sessions, newest first, each with its phase and places."""
    return course.sessions.with_phase(now).with_places().select_related("trainer").order_by("-starts_at", "-pk")


def course_with_sessions(pk: int, now: datetime | None = None) -> Course | None:
    """A course with its sessions (`sessions_listed`) and its next session's start, as the
    catalogue gives it."""
    course = course_for(pk)
    if course is not None:
        course.sessions_listed = list(sessions_of(course, now))
        upcoming = [session.starts_at for session in course.sessions_listed if session.phase == "upcoming"]
        course.next_session = min(upcoming, default=None)
    return course


def next_clock_event(now: datetime):
    """The next moment a session starts or ends with the clock alone. One query."""
    first = Session.objects.order_by().aggregate(
        starts=Min("starts_at", filter=Q(starts_at__gt=now)), ends=Min("ends_at", filter=Q(ends_at__gt=now))
    )
    moments = [moment for moment in (first["starts"], first["ends"]) if moment is not None]
    return min(moments) if moments else None
