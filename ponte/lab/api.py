"""The lab API. Problems are not public: a signed-in caller (a personal token or a session)
reads those they may see — their own and their public bodies', every one for the
innovation unit's staff."""

from datetime import datetime

from django.http import Http404
from ninja import Path, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from ponte.accounts.api_auth import SIGNED_IN
from ponte.core.api import LimitOffset, Problem

from .models import ProblemStatus
from .queries import problems as queries

router = Router(tags=["lab"], auth=SIGNED_IN)

MAX_ID = 2**63 - 1


class ProblemOut(Schema):
    id: int
    reference: str = Field(..., description="How people cite the problem: P-42")
    url: str
    title: str
    organisation: str = Field(..., description="Slug of the public body that has the problem")
    organisation_name: str
    status: ProblemStatus
    submitted_at: datetime
    triaged_at: datetime | None

    @staticmethod
    def resolve_url(obj, context):
        return context["request"].build_absolute_uri(obj.get_absolute_url())

    @staticmethod
    def resolve_organisation(obj):
        return obj.organisation.slug

    @staticmethod
    def resolve_organisation_name(obj):
        return obj.organisation.name


class ProblemDetailOut(ProblemOut):
    description: str
    affected: str = Field(..., description="Who is affected")
    evidence: str
    tried: str = Field(..., description="What has been tried")
    possible_solution: str
    triage_reason: str = Field(..., description="Why the lab team declined or merged it, as its submitter reads it")
    merged_into: int | None = Field(None, description="The problem it was merged with")

    @staticmethod
    def resolve_merged_into(obj):
        return obj.merged_into_id


class ProblemFilters(Schema):
    status: ProblemStatus | None = None


@router.get("/problems", response=list[ProblemOut], summary="Problems brought to the lab")
@paginate(LimitOffset)
def list_problems(request, filters: Query[ProblemFilters]):
    """The problems the caller may see, newest first."""
    problems = queries.problems_visible_to(request.user)
    return problems.filter(status=filters.status) if filters.status else problems


@router.get("/problems/{id}", response={200: ProblemDetailOut, 404: Problem}, summary="One problem")
def get_problem(request, id: int = Path(..., ge=1, le=MAX_ID)):
    """A problem the caller may see; any other does not exist for them."""
    problem = queries.problem_for(request.user, id)
    if problem is None:
        raise Http404
    return problem
