"""The solutions API: the public catalogue, and by id what the caller may see."""

from datetime import datetime

from django.http import Http404
from django.urls import reverse
from ninja import Path, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.pagination import paginate
from pydantic import Field

from ponte.accounts.api_auth import ANYONE
from ponte.core.api import LimitOffset, Problem
from ponte.core.pagecache import public_page
from ponte.reference.models import Sector
from ponte.reference.schemas import CpvOut

from . import queries

router = Router(tags=["solutions"], auth=ANYONE)

MAX_ID = 2**63 - 1


class MediaOut(Schema):
    description: str = Field(..., description="What the picture shows or what the document is")
    name: str = Field(..., description="The file name, as given by the company")
    content_type: str = Field(..., description="The media type, judged from the file's content")
    size: int = Field(..., description="Size in bytes")
    url: str = Field(..., description="Where to download it")

    @staticmethod
    def resolve_name(obj):
        return obj.attachment.original_name

    @staticmethod
    def resolve_content_type(obj):
        return obj.attachment.content_type

    @staticmethod
    def resolve_size(obj):
        return obj.attachment.size

    @staticmethod
    def resolve_url(obj, context):
        return context["request"].build_absolute_uri(reverse("attachment_download", args=[obj.attachment_id]))


class SolutionOut(Schema):
    id: int
    url: str
    title: str
    summary: str
    company: str = Field(..., description="Slug of the company that offers the solution")
    company_name: str
    sectors: list[str]
    trl: int = Field(..., description="Technology readiness level, 1 to 9")
    published_at: datetime | None

    @staticmethod
    def resolve_url(obj, context):
        return context["request"].build_absolute_uri(obj.get_absolute_url())

    @staticmethod
    def resolve_company(obj):
        return obj.company.slug

    @staticmethod
    def resolve_company_name(obj):
        return obj.company.name

    @staticmethod
    def resolve_sectors(obj):
        return [s.code for s in obj.sectors.all()]


class SolutionDetailOut(SolutionOut):
    description: str
    references: str = Field(..., description="Where the solution is already in use")
    website: str
    status: str = Field(..., description="published; or, for its company and programme managers, its screening state")
    cpv_codes: list[CpvOut]
    media: list[MediaOut] = Field(..., description="Pictures and documents shown with the solution")

    @staticmethod
    def resolve_cpv_codes(obj):
        return list(obj.cpv_codes.all())

    @staticmethod
    def resolve_media(obj):
        return list(obj.media.all())


class SolutionFilters(Schema):
    sector: Sector | None = None
    trl_min: int | None = Field(None, ge=1, le=9, description="Technology readiness level at least")
    company: str | None = Field(None, max_length=220, pattern=r"^[-a-zA-Z0-9_]+$", description="A company's slug")
    q: str | None = Field(None, max_length=200, pattern=r"^[^\x00]*$")  # no NUL: PostgreSQL refuses it


@decorate_view(public_page)
@router.get("", response=list[SolutionOut], summary="Published solutions")
@paginate(LimitOffset)
def list_solutions(request, filters: Query[SolutionFilters]):
    """The public catalogue: every solution a programme manager screened and published,
    newest first. Drafts and solutions waiting for screening are never listed."""
    return queries.catalogue(
        sector=filters.sector or "", trl_min=filters.trl_min, q=filters.q or "", company=filters.company or ""
    )


@decorate_view(public_page)
@router.get("/{id}", response={200: SolutionDetailOut, 404: Problem}, summary="One solution")
def get_solution(request, id: int = Path(..., ge=1, le=MAX_ID)):
    """A published solution, with its pictures and documents; a company reads its own
    solutions in any state, and programme managers those sent for screening."""
    solution = queries.solution_detail(request.user, id)
    if solution is None:
        raise Http404
    return solution
