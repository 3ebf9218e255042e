"""The lab API. Problems are not public: a signed-in caller (a personal token or a session)
reads those they may see — their own and their public bodies', every one for the
innovation unit's staff; projects likewise, as the portfolio shows them. The case library
is public."""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from ninja import Path, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.pagination import paginate
from pydantic import Field

from ponte.accounts.api_auth import SIGNED_IN
from ponte.core.api import LimitOffset, Problem
from ponte.core.pagecache import public_page
from ponte.organisations.models import LevelOfGovernment

from .models import (
    Conclusion,
    DevelopmentTime,
    Experiment,
    ExperimentStatus,
    Facet,
    GovernmentFunction,
    InnovationStage,
    InnovationType,
    ProblemStatus,
    ProjectStatus,
    Sponsorship,
    stages,
)
from .queries import cases as case_queries
from .queries import problems as queries
from .queries import projects as project_queries

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


# The case library is public: every published case, and the anonymous results of its
# project's experiments (group sizes, proportions or means, tests), never a person's name.


class CaseOut(Schema):
    id: int
    url: str
    title: str
    organisation: str = Field(..., alias="organisation_name")
    country: str = Field(..., description="ISO 3166-1 alpha-2 code")
    level_of_government: LevelOfGovernment | Literal[""] = Field(..., alias="level")
    sector: GovernmentFunction | Literal[""] = Field(
        ..., description="Division of COFOG, the UN's functions of government"
    )
    year_of_launch: int | None = Field(..., alias="launch_year")
    development_time: DevelopmentTime | Literal[""]
    stage: InnovationStage | Literal[""] = Field(..., description="Stage of the innovation lifecycle (OECD OPSI)")
    innovation_type: InnovationType | Literal[""]
    tags: list[str]
    published_at: datetime | None

    @staticmethod
    def resolve_url(obj, context):
        return context["request"].build_absolute_uri(obj.get_absolute_url())

    @staticmethod
    def resolve_tags(obj):
        return [tag.name for tag in obj.tags.all()]


class DeviationOut(Schema):
    field: str
    before: str
    after: str
    reason: str
    made_at: datetime


class ExperimentOut(Schema):
    id: int
    title: str
    status: ExperimentStatus
    conclusion: Conclusion | Literal[""]
    learned: str
    registered_at: datetime | None = Field(..., description="When the plan was pre-registered (frozen)")
    registration: dict = Field(..., description="The plan as frozen when the experiment started")
    deviations: list[DeviationOut] = Field(..., description="Changes to the plan made after it was frozen")
    results: dict | None = Field(
        ..., description="The analysis against the frozen plan: each metric's groups, effect, interval and p-values"
    )

    @staticmethod
    def resolve_deviations(obj):
        return list(obj.deviations.all())


class CaseDetailOut(CaseOut):
    objectives: str
    problem: str
    innovation: str
    results: str = Field(..., description="Results, or results expected")
    lessons_learned: str = Field(..., alias="lessons")
    experiments: list[ExperimentOut]

    @staticmethod
    def resolve_experiments(obj):
        return list(obj.project.experiments.all())


class CaseFilters(Schema):
    level: LevelOfGovernment | None = None
    year: int | None = Field(None, ge=1000, le=9999)
    stage: InnovationStage | None = None
    tag: str = Field("", max_length=60)
    q: str = Field("", max_length=200, description="Words in the case")


@decorate_view(public_page)
@router.get("/cases", response=list[CaseOut], auth=None, summary="The case library")
@paginate(LimitOffset)
def list_cases(request, filters: Query[CaseFilters]):
    """Published case studies, newest first (best match first with `q`)."""
    return case_queries.library(
        level=filters.level or "",
        year=filters.year,
        stage=filters.stage or "",
        tag=" ".join(filters.tag.split()).lower().replace("\x00", ""),
        q=filters.q.replace("\x00", ""),
        user=request.user,
    )


@decorate_view(public_page)
@router.get("/cases/{id}", response={200: CaseDetailOut, 404: Problem}, auth=None, summary="One case study")
def get_case(request, id: int = Path(..., ge=1, le=MAX_ID)):
    """A published case, with its project's experiments: their frozen plans, deviations and
    anonymous results. A case not published does not exist here."""
    case = case_queries.case_for(AnonymousUser(), id)
    if case is None:
        raise Http404
    return case


# Projects and their experiments: for signed-in callers, as the portfolio shows them.


class ProjectOut(Schema):
    id: int
    url: str
    title: str
    organisation: str = Field(..., description="Slug of the public body that owns the project")
    facet: Facet
    stage: str = Field(..., description="One of the deployment's stages (PONTE_LAB_STAGES)")
    status: ProjectStatus
    sponsorship: Sponsorship
    budget_eur: Decimal = Field(..., alias="budget")
    stage_entered_at: datetime
    created_at: datetime

    @staticmethod
    def resolve_url(obj, context):
        return context["request"].build_absolute_uri(obj.get_absolute_url())

    @staticmethod
    def resolve_organisation(obj):
        return obj.organisation.slug


class ProjectDetailOut(ProjectOut):
    summary: str
    targets: str
    lessons_learned: str = Field(..., alias="lessons")
    experiments: list[ExperimentOut]

    @staticmethod
    def resolve_experiments(obj):
        return list(obj.experiments.all())


class ProjectFilters(Schema):
    stage: str = Field("", max_length=32)
    facet: Facet | None = None
    status: ProjectStatus | None = None


@router.get("/projects", response=list[ProjectOut], summary="Lab projects")
@paginate(LimitOffset)
def list_projects(request, filters: Query[ProjectFilters]):
    """The projects the caller may see (the whole portfolio for the lab team and sponsors),
    newest first."""
    return project_queries.portfolio(
        request.user,
        stage=filters.stage if filters.stage in stages() else "",
        facet=filters.facet or "",
        status=filters.status or "",
    )


@router.get("/projects/{id}", response={200: ProjectDetailOut, 404: Problem}, summary="One lab project")
def get_project(request, id: int = Path(..., ge=1, le=MAX_ID)):
    """A project the caller may see, with its experiments (started ones with their frozen plan,
    deviations and results); any other does not exist for them."""
    project = project_queries.project_for(request.user, id)
    if project is None:
        raise Http404
    prefetch_related_objects(
        [project], Prefetch("experiments", queryset=Experiment.objects.prefetch_related("deviations"))
    )
    return project
