"""The sandbox API: calls are public, with the phase each is in by the server clock; the
applications only to those entitled to them (their bodies' members; once sent, the responsible
ministry's members and the programme managers), signed in with a personal token or a session."""

from datetime import date, datetime

from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from ninja import Path, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.pagination import paginate
from pydantic import Field

from ponte.accounts.api_auth import ANYONE, SIGNED_IN
from ponte.core.api import LimitOffset, Problem
from ponte.core.pagecache import public_page
from ponte.organisations.models import Organisation

from .models import ApplicationStatus, CallPhase, ExemptionPhase, Outcome, ProgressReport, Rule, Side
from .queries import applications as application_queries
from .queries import calls as queries
from .queries import register as register_queries

router = Router(tags=["sandbox"], auth=ANYONE)

MAX_ID = 2**63 - 1


def _absolute(obj, context) -> str:
    return context["request"].build_absolute_uri(obj.get_absolute_url())


class CallOut(Schema):
    id: int
    url: str
    title: str
    description: str
    themes: list[str] = Field(..., description="Priority themes; empty when any rule may be challenged")
    phase: CallPhase = Field(..., description="Follows from the dates, by the server clock")
    opens_at: datetime
    closes_at: datetime | None = Field(..., description="The deadline; null for a standing call")

    @staticmethod
    def resolve_url(obj, context):
        return _absolute(obj, context)

    @staticmethod
    def resolve_phase(obj):
        return obj.phase


@decorate_view(public_page)
@router.get("/calls", response=list[CallOut], summary="The sandbox's calls for applications")
@paginate(LimitOffset)
def list_calls(request):
    """Every call, newest first, with its phase."""
    return queries.calls_listed()


@decorate_view(public_page)
@router.get("/calls/{id}", response={200: CallOut, 404: Problem}, summary="One call")
def get_call(request, id: int = Path(..., ge=1, le=MAX_ID)):
    found = queries.call_for(id)
    if found is None:
        raise Http404
    return found


class RuleOut(Schema):
    legal_reference: str = Field(..., description="The legal act the rule is in")
    article: str
    wording: str = Field(..., description="What the rule says")
    eli: str = Field(..., description="The act's European Legislation Identifier; empty when none is given")


class ExemptionOut(Schema):
    reference: str = Field(..., description="E- and the id")
    conditions: str
    legal_basis: str = Field(..., description="The order or decree that grants it")
    starts: date
    ends: date
    phase: ExemptionPhase = Field(..., description="Follows from the dates, by the server clock")
    sponsor: str = Field(..., description="The sponsor's name")

    @staticmethod
    def resolve_phase(obj):
        return obj.phase

    @staticmethod
    def resolve_sponsor(obj):
        return obj.sponsor.name or obj.sponsor.email


class ProgressReportOut(Schema):
    due_on: date
    measure: str = Field(..., description="The objective's measure when it was sent")
    progress: str
    submitted_at: datetime


class RegisterEntryOut(Schema):
    id: int
    reference: str = Field(..., description="E- and the id")
    url: str
    title: str = Field(..., alias="application.title", description="The experiment the rules are waived for")
    phase: ExemptionPhase = Field(..., description="Follows from the dates, by the server clock")
    starts: date
    ends: date
    applying_body: str = Field(..., description="Slug of the public body that applied, coordinator of any network")
    network: list[str] = Field(..., description="Slugs of the other bodies of the network")
    ministry: str = Field(..., description="Slug of the ministry that granted it")
    legal_basis: str
    conditions: str
    rules: list[RuleOut] = Field(..., description="The rules waived")
    territory: str = Field(..., alias="application.territory")
    population: int | None = Field(..., alias="application.population")
    affected: str = Field(..., alias="application.affected")
    objective: str = Field(..., alias="application.objective")
    baseline: str = Field(..., alias="application.baseline")
    legal_statement: str = Field(
        ..., alias="application.legal_statement", description="The local statement of legal status"
    )
    reports: list[ProgressReportOut] = Field(..., description="The progress reports sent, oldest first")
    next_report_due: date | None = Field(..., description="When the next progress report is due")
    revoked_at: datetime | None
    revoke_reason: str
    result: str = Field(..., description="The final evaluation's result against the baseline")
    lessons: str
    outcome: Outcome | None = Field(..., description="What came of it, once recorded")
    outcome_note: str

    @staticmethod
    def resolve_url(obj, context):
        return _absolute(obj, context)

    @staticmethod
    def resolve_phase(obj):
        return obj.phase

    @staticmethod
    def resolve_applying_body(obj):
        return obj.application.coordinator.slug

    @staticmethod
    def resolve_network(obj):
        return [body.slug for body in obj.application.partners.all()]

    @staticmethod
    def resolve_ministry(obj):
        return obj.application.ministry.slug

    @staticmethod
    def resolve_rules(obj):
        return list(obj.application.rules.all())

    @staticmethod
    def resolve_reports(obj):
        return list(obj.reports.all())

    @staticmethod
    def resolve_outcome(obj):
        return obj.outcome or None


class RegisterFilters(Schema):
    phase: ExemptionPhase | None = None
    ministry: str | None = Field(None, max_length=100, pattern=r"^[a-z0-9-]+$", description="Slug of the ministry")
    year: int | None = Field(None, ge=1900, le=2999, description="The year of the first day")


@decorate_view(public_page)
@router.get("/exemptions", response=list[RegisterEntryOut], summary="The public register of exemptions")
@paginate(LimitOffset)
def list_exemptions(request, filters: Query[RegisterFilters]):
    """Every exemption granted, its first day newest first, with the rules it waives."""
    found = register_queries.filtered(
        register_queries.exemptions_listed(),
        phase=filters.phase or "",
        ministry=filters.ministry or "",
        year=filters.year,
    )
    return found.prefetch_related(
        Prefetch("reports", queryset=ProgressReport.objects.order_by("due_on")),
        Prefetch("application__rules", queryset=Rule.objects.order_by("position", "pk")),
        Prefetch("application__partners", queryset=Organisation.objects.order_by("name").only("pk", "slug")),
    )


@decorate_view(public_page)
@router.get("/exemptions/{id}", response={200: RegisterEntryOut, 404: Problem}, summary="One exemption")
def get_exemption(request, id: int = Path(..., ge=1, le=MAX_ID)):
    found = register_queries.exemption_for(id)
    if found is None:
        raise Http404
    return found


class ApplicationOut(Schema):
    id: int
    reference: str = Field(..., description="S- and the id: how people cite the application")
    url: str
    call: int = Field(..., description="Id of the call")
    title: str
    status: ApplicationStatus
    coordinator: str = Field(..., description="Slug of the applying public body, coordinator of any network")
    partners: list[str] = Field(..., description="Slugs of the other bodies of the network")
    ministry: str | None = Field(..., description="Slug of the responsible ministry; null until chosen")
    theme: str
    barrier: str
    alternative: str
    objective: str
    baseline: str
    measurement: str
    territory: str
    population: int | None
    affected: str
    starts: date | None = Field(..., description="Planned first day")
    ends: date | None = Field(..., description="Planned last day")
    safeguards: str
    evaluation_plan: str
    attests_lawful: bool = Field(..., description="Breaches neither the constitution nor EU law")
    attests_no_advantage: bool = Field(..., description="Gives no financial advantage at others' expense")
    attests_legal_certainty: bool = Field(..., description="Keeps citizens' legal certainty")
    rules: list[RuleOut] = Field(..., description="The rules to waive")
    legal_statement: str = Field(..., description="The final application's draft local statement of legal status")
    submitted_at: datetime | None = Field(..., description="When the preliminary application was first sent")
    final_submitted_at: datetime | None
    decided_at: datetime | None
    reject_reason: str
    exemption: ExemptionOut | None = Field(..., description="What the ministry granted, once approved")
    withdrawn_at: datetime | None
    withdraw_reason: str

    @staticmethod
    def resolve_url(obj, context):
        return _absolute(obj, context)

    @staticmethod
    def resolve_call(obj):
        return obj.call_id

    @staticmethod
    def resolve_coordinator(obj):
        return obj.coordinator.slug

    @staticmethod
    def resolve_partners(obj):
        return [body.slug for body in obj.partners.all()]

    @staticmethod
    def resolve_ministry(obj):
        return obj.ministry.slug if obj.ministry else None

    @staticmethod
    def resolve_rules(obj):
        return list(obj.rules.all())

    @staticmethod
    def resolve_exemption(obj):
        return getattr(obj, "exemption", None)


class ApplicationFilters(Schema):
    status: ApplicationStatus | None = None


@router.get("/applications", response=list[ApplicationOut], auth=SIGNED_IN, summary="Applications you may read")
@paginate(LimitOffset)
def list_applications(request, filters: Query[ApplicationFilters]):
    """Your bodies' applications, those sent to your ministry, every one sent for a programme
    manager; newest first."""
    found = (
        application_queries.applications_visible_to(request.user)
        .select_related("exemption__sponsor")
        .prefetch_related(
            Prefetch("partners", queryset=Organisation.objects.order_by("name").only("pk", "slug", "name")),
            Prefetch("rules", queryset=Rule.objects.order_by("position", "pk")),
        )
        .order_by("-created_at", "-pk")
    )
    if filters.status:
        found = found.filter(status=filters.status)
    return found


@router.get(
    "/applications/{id}",
    response={200: ApplicationOut, 404: Problem},
    auth=SIGNED_IN,
    summary="One application you may read",
)
def get_application(request, id: int = Path(..., ge=1, le=MAX_ID)):
    """An application with its rules to waive. One you may not read does not exist here."""
    found = application_queries.application_for(request.user, id)
    if found is None:
        raise Http404
    return found


class MessageOut(Schema):
    id: int
    side: Side = Field(..., description="On whose behalf it was written")
    author: str = Field(..., description="The author's name")
    body: str
    reply_to: int | None = Field(..., description="Id of the message it answers")
    action: str = Field(
        ..., description="The step it came with: ask_changes, ask_final_changes, invite_final, or empty"
    )
    files: list[str] = Field(..., description="Addresses of its files")
    created_at: datetime

    @staticmethod
    def resolve_author(obj):
        return obj.author.name or obj.author.email

    @staticmethod
    def resolve_reply_to(obj):
        return obj.reply_to_id

    @staticmethod
    def resolve_files(obj, context):
        request = context["request"]
        return [request.build_absolute_uri(reverse("attachment_download", args=[file.pk])) for file in obj.files]


@router.get(
    "/applications/{id}/messages",
    response={200: list[MessageOut], 404: Problem},
    auth=SIGNED_IN,
    summary="The dialogue on an application you may read",
)
def list_messages(request, id: int = Path(..., ge=1, le=MAX_ID)):
    """Every message on the application, oldest first, with its files."""
    found = application_queries.application_for(request.user, id)
    if found is None:
        raise Http404
    return application_queries.messages_of(found)
