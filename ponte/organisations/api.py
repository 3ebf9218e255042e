from datetime import datetime

from django.http import Http404
from ninja import Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.pagination import paginate
from pydantic import Field

from ponte.accounts.api_auth import ANYONE
from ponte.core.api import LimitOffset, Problem
from ponte.core.pagecache import public_page
from ponte.reference.models import Country, Sector

from . import queries
from .models import Kind

router = Router(tags=["organisations"], auth=ANYONE)


class OrganisationOut(Schema):
    slug: str
    name: str
    kind: str
    country: str
    status: str
    description: str
    website: str
    parent: str | None = Field(None, description="Slug of the public body this one is part of")
    tier: str
    level_of_government: str
    registration_number: str
    is_sme: bool
    sectors: list[str]
    city: str
    founded: int | None = Field(None, description="The year the organisation was founded")
    employees: str = Field(..., description="Head-count class: 1-9, 10-49, 50-249 or 250+; empty if not given")
    contact_email: str = Field(..., description="The address the organisation publishes for questions")
    verified_at: datetime | None

    @staticmethod
    def resolve_parent(obj):
        return obj.parent.slug if obj.parent_id else None

    @staticmethod
    def resolve_sectors(obj):
        return [s.code for s in obj.sectors.all()]


class MemberOut(Schema):
    name: str
    role: str


class OrganisationFilters(Schema):
    kind: Kind | None = None
    country: Country | None = None
    sector: Sector | None = None
    q: str | None = Field(None, max_length=200, pattern=r"^[^\x00]*$")  # no NUL: PostgreSQL refuses it


@decorate_view(public_page)
@router.get("", response=list[OrganisationOut], summary="Organisations on Ponte")
@paginate(LimitOffset)
def list_organisations(request, filters: Query[OrganisationFilters]):
    return queries.organisation_list(
        request.user,
        kind=filters.kind or "",
        country=filters.country or "",
        sector=filters.sector or "",
        q=filters.q or "",
    )


def _visible_organisation(request, slug: str):
    # PostgreSQL refuses NUL in text: such a slug names nothing, rather than a server error.
    return None if "\x00" in slug else queries.organisation_detail(request.user, slug)


@decorate_view(public_page)
@router.get("/{slug}", response={200: OrganisationOut, 404: Problem}, summary="One organisation")
def get_organisation(request, slug: str):
    organisation = _visible_organisation(request, slug)
    if organisation is None:
        raise Http404
    return organisation


@router.get(
    "/{slug}/members",
    response={200: list[MemberOut], 404: Problem},
    summary="Members of an organisation (members and programme managers only)",
)
def list_members(request, slug: str):
    organisation = _visible_organisation(request, slug)
    if organisation is None or not request.user.has_perm("organisations.view_members", organisation):
        raise Http404
    return [{"name": m.user.name, "role": m.role} for m in queries.members_of(organisation)]
