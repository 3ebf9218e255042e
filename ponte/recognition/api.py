"""The recognition API: award programmes with their categories and dates, and the hall of fame
(every winner announced, with the citation). Nominations, statements and the jury's scores are
never in it."""

from datetime import datetime

from django.http import Http404
from ninja import Path, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.pagination import paginate
from pydantic import Field

from ponte.accounts.api_auth import ANYONE
from ponte.core.api import LimitOffset, Problem
from ponte.core.pagecache import public_page

from .models import NomineeKind, ProgrammePhase
from .queries import programmes as queries

router = Router(tags=["recognition"], auth=ANYONE)

MAX_ID = 2**63 - 1


class CategoryOut(Schema):
    id: int
    title: str
    description: str
    for_lessons: bool = Field(..., description="For the most useful lesson from a stopped or failed experiment")


class ProgrammeOut(Schema):
    id: int
    url: str
    title: str
    description: str
    year: int
    nominations_open_at: datetime
    nominations_close_at: datetime
    phase: ProgrammePhase = Field(..., description="Follows from the dates and the announcement, by the server clock")
    announced_at: datetime | None
    categories: list[CategoryOut]

    @staticmethod
    def resolve_url(obj, context):
        return context["request"].build_absolute_uri(obj.get_absolute_url())

    @staticmethod
    def resolve_phase(obj):
        return obj.phase

    @staticmethod
    def resolve_categories(obj):
        return list(obj.categories.all())


class WinnerOut(Schema):
    programme: int = Field(..., description="The award programme's id")
    year: int
    category: str
    for_lessons: bool = Field(..., description="The category of a lesson from a stopped or failed experiment")
    kind: NomineeKind
    winner: str = Field(..., alias="nominee")
    organisation: str
    citation: str

    @staticmethod
    def resolve_programme(obj):
        return obj.category.programme_id

    @staticmethod
    def resolve_year(obj):
        return obj.category.programme.year

    @staticmethod
    def resolve_category(obj):
        return obj.category.title

    @staticmethod
    def resolve_for_lessons(obj):
        return obj.category.for_lessons


class ProgrammeQuery(Schema):
    phase: ProgrammePhase | None = None


@decorate_view(public_page)
@router.get("/programmes", response=list[ProgrammeOut], summary="Award programmes")
@paginate(LimitOffset)
def list_programmes(request, filters: Query[ProgrammeQuery]):
    """Every award programme, the latest year first, with its categories and its phase."""
    programmes = queries.all_programmes()
    if filters.phase is not None:
        programmes = queries.in_phase(programmes, filters.phase)
    return programmes


@decorate_view(public_page)
@router.get("/programmes/{id}", response={200: ProgrammeOut, 404: Problem}, summary="One award programme")
def get_programme(request, id: int = Path(..., ge=1, le=MAX_ID)):
    found = queries.programme_for(id)
    if found is None:
        raise Http404
    return found


@decorate_view(public_page)
@router.get("/winners", response=list[WinnerOut], summary="The hall of fame")
@paginate(LimitOffset)
def list_winners(request):
    """Every winner announced, the latest year first, with the jury's citation."""
    return queries.winners()
