"""The learning API: the catalogue and its sessions are public, with each session's phase by the
server clock and its places left; who takes part is never in it."""

from datetime import date, datetime

from django.http import Http404
from ninja import Path, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.pagination import paginate
from pydantic import Field

from ponte.accounts.api_auth import ANYONE
from ponte.core.api import LimitOffset, Problem
from ponte.core.pagecache import public_page

from .models import CourseKind, SessionPhase, Skill, Track
from .queries import catalogue as queries
from .queries import certificates as certificate_queries
from .queries import paths as path_queries
from .queries import sessions as session_queries

router = Router(tags=["learning"], auth=ANYONE)

MAX_ID = 2**63 - 1


def _absolute(obj, context) -> str:
    return context["request"].build_absolute_uri(obj.get_absolute_url())


class CourseOut(Schema):
    id: int
    url: str
    title: str
    summary: str
    description: str
    kind: CourseKind
    track: Track = Field(..., description="everyone, or the managers' track")
    skills: list[Skill] = Field(..., description="The OECD core skills (and managers' skills) it builds")
    hours: int = Field(..., description="Length in hours")
    language: str = Field(..., description="The language it is given in (a language code)")
    next_session: datetime | None = Field(
        None, description="The start of its next session; null when none is scheduled"
    )

    @staticmethod
    def resolve_url(obj, context):
        return _absolute(obj, context)

    @staticmethod
    def resolve_skills(obj):
        return obj.skill_list

    @staticmethod
    def resolve_next_session(obj):
        return getattr(obj, "next_session", None)


class SessionOut(Schema):
    id: int
    url: str
    course: int = Field(..., alias="course_id")
    starts_at: datetime
    ends_at: datetime
    place: str = Field(..., description="Empty for a session only online")
    online: bool = Field(..., description="Whether people join online (the link is given to those enrolled)")
    capacity: int
    places_left: int
    waiting: int = Field(..., description="How many are on the waiting list")
    needs_approval: bool = Field(..., description="Each enrolment is approved by the person's manager")
    phase: SessionPhase = Field(..., description="Follows from the dates, by the server clock")

    @staticmethod
    def resolve_url(obj, context):
        return _absolute(obj, context)

    @staticmethod
    def resolve_online(obj):
        return bool(obj.online_link)

    @staticmethod
    def resolve_places_left(obj):
        return obj.places_left

    @staticmethod
    def resolve_waiting(obj):
        return obj.waiting_count

    @staticmethod
    def resolve_phase(obj):
        return obj.phase


class CourseDetailOut(CourseOut):
    sessions: list[SessionOut] = Field(..., description="Every session, newest first")

    @staticmethod
    def resolve_sessions(obj):
        return obj.sessions_listed


class CatalogueQuery(Schema):
    skill: Skill | None = None
    track: Track | None = None
    kind: CourseKind | None = None
    q: str | None = Field(None, max_length=100, description="Words in the title or summary")


@decorate_view(public_page)
@router.get("/courses", response=list[CourseOut], summary="The course catalogue")
@paginate(LimitOffset)
def list_courses(request, filters: Query[CatalogueQuery]):
    """Every course in the catalogue, by title, with its next session."""
    return queries.catalogue(
        queries.CatalogueFilters(
            skill=filters.skill or "", track=filters.track or "", kind=filters.kind or "", q=(filters.q or "").strip()
        )
    )


@decorate_view(public_page)
@router.get("/courses/{id}", response={200: CourseDetailOut, 404: Problem}, summary="One course and its sessions")
def get_course(request, id: int = Path(..., ge=1, le=MAX_ID)):
    course = queries.course_with_sessions(id)
    if course is None:
        raise Http404
    return course


@decorate_view(public_page)
@router.get("/sessions/{id}", response={200: SessionOut, 404: Problem}, summary="One session")
def get_session(request, id: int = Path(..., ge=1, le=MAX_ID)):
    found = session_queries.session_for(id)
    if found is None:
        raise Http404
    return found


class PathStepOut(Schema):
    position: int
    course: int = Field(..., alias="course_id")
    title: str
    next_session: datetime | None = Field(None, description="The start of the course's next session")

    @staticmethod
    def resolve_title(obj):
        return obj.course.title

    @staticmethod
    def resolve_next_session(obj):
        return getattr(obj.course, "next_session", None)


class PathOut(Schema):
    id: int
    url: str
    title: str
    summary: str
    track: Track

    @staticmethod
    def resolve_url(obj, context):
        return _absolute(obj, context)


class PathDetailOut(PathOut):
    description: str
    withdrawn: bool
    courses: list[PathStepOut] = Field(..., description="Its courses, in the order people take them")

    @staticmethod
    def resolve_withdrawn(obj):
        return obj.withdrawn_at is not None

    @staticmethod
    def resolve_courses(obj):
        return list(obj.steps.all())


@decorate_view(public_page)
@router.get("/paths", response=list[PathOut], summary="Learning paths")
@paginate(LimitOffset)
def list_paths(request, track: Track | None = None):
    """Every learning path in the catalogue, by title."""
    return path_queries.paths(track=track or "")


@decorate_view(public_page)
@router.get("/paths/{id}", response={200: PathDetailOut, 404: Problem}, summary="One learning path and its courses")
def get_path(request, id: int = Path(..., ge=1, le=MAX_ID)):
    found = path_queries.path_for(id)
    if found is None:
        raise Http404
    return found


class CertificateCheckOut(Schema):
    valid: bool = Field(..., description="False when the certificate was revoked")
    name: str = Field(..., description="The holder's name on the certificate")
    course: str = Field(..., alias="course_title")
    completed_on: date

    @staticmethod
    def resolve_valid(obj):
        return obj.is_valid


@router.get(
    "/certificates/{code}",
    response={200: CertificateCheckOut, 404: Problem},
    summary="Check a certificate by its verification code",
)
def check_certificate(request, code: str = Path(..., max_length=40)):
    """The name, the course and the date of the certificate with this code, and nothing else."""
    found = certificate_queries.certificate_by_code(code)
    if found is None:
        raise Http404
    return found
