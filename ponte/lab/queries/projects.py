"""Reads of lab projects: the portfolio, a project with its gates, what waits for a sponsor.
Each returns only what the viewer may see, in a number of queries the data does not change."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from ponte.core.pagecache import kept_value
from ponte.core.registry import Sponsored
from ponte.core.roles import is_sponsor, is_staff_role
from ponte.core.sponsorship import BACKING
from ponte.organisations.queries import roles_of

from ..models import (
    STOP,
    Experiment,
    GateDecision,
    GateRequest,
    Project,
    ProjectStatus,
    Sponsorship,
    stage_name,
    stages,
)


def sees_whole_portfolio(user) -> bool:
    """The innovation unit's staff and every sponsor read the whole portfolio."""
    return bool(is_staff_role(user) or is_sponsor(user))


def projects_visible_to(user) -> QuerySet[Project]:
    """The whole portfolio for the innovation unit's staff and sponsors; for anyone else the
    projects they are on and those of their public bodies."""
    projects = Project.objects.all()
    if sees_whole_portfolio(user):
        return projects
    if not user.is_authenticated:
        return projects.none()
    on_team = Project.team.through.objects.filter(project=OuterRef("pk"), user=user)
    return projects.filter(Q(organisation_id__in=list(roles_of(user))) | Exists(on_team))


def of_visible_projects(user) -> Q:
    """A filter on an object of a project (an experiment, a session…): those of the projects the
    viewer may see. For who sees the whole portfolio, a condition every row meets, rather than
    a test of every object against every project (an empty Q would vanish when or-ed)."""
    if sees_whole_portfolio(user):
        return Q(project__isnull=False)
    return Q(project__in=projects_visible_to(user))


def stuck_days() -> int:
    """How many days a project may stay in a stage before the portfolio flags it."""
    return settings.PONTE_LAB_STUCK_DAYS


def days_in_stage(project: Project, today: date | None = None) -> int:
    """Calendar days since the project entered its stage, in the deployment's time zone: the
    same all day long, so that a list of them is right until midnight (see next_midnight)."""
    return ((today or timezone.localdate()) - timezone.localdate(project.stage_entered_at)).days


def next_midnight(now: datetime) -> datetime:
    """When every project's days in its stage next change: kept pages last no longer."""
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    return timezone.make_aware(datetime.combine(tomorrow, time.min))


def portfolio(user, *, stage: str = "", facet: str = "", status: str = "") -> QuerySet[Project]:
    """The projects the viewer may see, newest first, with what the portfolio shows of each."""
    found = projects_visible_to(user).select_related("organisation", "sponsor")
    if stage:
        found = found.filter(stage=stage)
    if facet:
        found = found.filter(facet=facet)
    if status:
        found = found.filter(status=status)
    pending = GateRequest.objects.filter(project=OuterRef("pk"), decision=GateDecision.PENDING)
    return found.annotate(gate_pending=Exists(pending))


def portfolio_counts(user) -> dict:
    """{"by_stage": [(stage, count)], "by_facet": {facet: count}, "stopped", "with_lessons",
    "started_in_window" (projects started within the programme's target period),
    "experiments": {(status, conclusion): count}} over the projects the viewer may see. The
    whole portfolio's, which the lab team and every sponsor read, is counted once and kept
    until the next change (core.pagecache.kept_value); anyone else's in five queries."""
    if sees_whole_portfolio(user):
        return kept_value("lab-portfolio-counts", lambda: _counts(Project.objects.all(), Experiment.objects.all()))
    visible = projects_visible_to(user)
    return _counts(visible, Experiment.objects.filter(project__in=visible))


def _counts(visible: QuerySet[Project], experiments: QuerySet[Experiment]) -> dict:
    # COUNT(*), not COUNT(id): the index on (status, stage, facet) answers it alone.
    by_stage_facet = visible.filter(status=ProjectStatus.ACTIVE).values_list("stage", "facet").annotate(n=Count("*"))
    by_stage = dict.fromkeys(stages(), 0)
    by_facet: dict[str, int] = {}
    for stage, facet, n in by_stage_facet:
        by_stage[stage] = by_stage.get(stage, 0) + n
        by_facet[facet] = by_facet.get(facet, 0) + n
    stopped = visible.filter(status=ProjectStatus.STOPPED).aggregate(
        all=Count("pk"), with_lessons=Count("pk", filter=~Q(lessons=""))
    )
    # The window starts at a midnight, so that the count holds all day (see next_midnight).
    window_days = round(settings.PONTE_LAB_TARGET_MONTHS * 365.25 / 12)
    window_start = next_midnight(timezone.now()) - timedelta(days=window_days + 1)
    by_outcome = experiments.values_list("status", "conclusion").annotate(n=Count("*")).order_by()
    return {
        "by_stage": list(by_stage.items()),
        "by_facet": by_facet,
        "stopped": stopped["all"],
        "with_lessons": stopped["with_lessons"],
        "started_in_window": visible.filter(created_at__gte=window_start).count(),
        "experiments": {(status, conclusion): n for status, conclusion, n in by_outcome},
    }


def project_for(user, pk) -> Project | None:
    """One project with its team, its gates and who asked and decided each, or None when the
    viewer may not see it. The project as read is the same for every reader until the next
    write: it is read once and kept (core.pagecache.kept_value), and whether this viewer may
    see it is asked of the rules, which say the same as projects_visible_to."""
    project = kept_value(f"lab-project:{pk}", lambda: _project(pk))
    if project is None or not user.has_perm("lab.view_project", project):
        return None
    return project


def _project(pk) -> Project | None:
    return (
        Project.objects.select_related("organisation", "sponsor", "problem", "case")
        .prefetch_related(
            "team",
            Prefetch("gates", queryset=GateRequest.objects.select_related("requested_by", "decided_by")),
        )
        .filter(pk=pk)
        .first()
    )


def pending_gate(project: Project) -> GateRequest | None:
    """The question before the sponsor, from the gates the page read."""
    return next((gate for gate in project.gates.all() if gate.decision == GateDecision.PENDING), None)


def gates_waiting_for(user) -> QuerySet[GateRequest]:
    """Gate requests waiting for this sponsor's decision, oldest first."""
    return GateRequest.objects.filter(
        decision=GateDecision.PENDING, project__sponsor=user, project__status=ProjectStatus.ACTIVE
    ).order_by("requested_at", "pk")


def sponsorships_waiting_for(user) -> QuerySet[Project]:
    return Project.objects.filter(sponsor=user, sponsorship=Sponsorship.ASKED)


def is_stuck(project: Project, today: date | None = None) -> bool:
    return project.status == ProjectStatus.ACTIVE and days_in_stage(project, today) > stuck_days()


def shown_on_trails(user, ids: list[int]) -> dict[int, tuple[str, str]]:
    """The projects among `ids` that `user` may see, as other objects' trails show them."""
    return {
        project.pk: (project.title, project.get_absolute_url())
        for project in projects_visible_to(user).select_related(None).filter(pk__in=ids).only("pk", "title")
    }


def named_for_links(user, text: str, *, shown: int = 10) -> list[tuple[int, str]]:
    """A few projects `user` may see whose title holds `text`: what another module lets a person
    name to link to (a sandbox application names the project that runs its experiment)."""
    if len(text) < 2:
        return []
    found = projects_visible_to(user).select_related(None).filter(title__icontains=text)
    return list(found.order_by("title", "pk").values_list("pk", "title")[:shown])


def _sponsored_by(user) -> QuerySet[Project]:
    """The projects `user` sponsors or is asked to (not those they declined), each with the
    question of its pending gate, if any."""
    if not user.is_authenticated:
        return Project.objects.none()
    pending = GateRequest.objects.filter(project=OuterRef("pk"), decision=GateDecision.PENDING)
    return (
        Project.objects.filter(sponsor=user)
        .filter(sponsorship__in=BACKING)
        .annotate(
            gate_asked_at=Subquery(pending.values("requested_at")[:1]),
            gate_to=Subquery(pending.values("to_stage")[:1]),
        )
        .only("pk", "title", "sponsorship", "sponsorship_asked_at", "stage", "status", "stage_entered_at", "created_at")
    )


def _waits() -> Q:
    return Q(sponsorship=Sponsorship.ASKED) | Q(status=ProjectStatus.ACTIVE, gate_asked_at__isnull=False)


def sponsorship_decisions_waiting(user) -> QuerySet[Project]:
    """Projects waiting for the sponsor: to answer the request, or to decide at a gate; the
    longest waiting first."""
    return (
        _sponsored_by(user)
        .filter(_waits())
        .annotate(waiting_since=Coalesce("gate_asked_at", "sponsorship_asked_at", "created_at"))
        .order_by("waiting_since", "pk")
    )


def sponsored_not_waiting(user) -> QuerySet[Project]:
    """The other projects the sponsor sponsors, the latest moved first."""
    return _sponsored_by(user).exclude(_waits()).order_by("-stage_entered_at", "-pk")


def as_sponsored(project: Project) -> Sponsored:
    """How a project reads on its sponsor's page, with the decision waiting for them."""
    gate_to = getattr(project, "gate_to", None)
    if project.sponsorship == Sponsorship.ASKED:
        awaiting, since = _("Accept or decline sponsoring it"), project.sponsorship_asked_at or project.created_at
    elif gate_to and project.status == ProjectStatus.ACTIVE:
        target = _("Stop") if gate_to == STOP else stage_name(gate_to)
        awaiting, since = _("Decide at the gate: %(stage)s") % {"stage": target}, project.gate_asked_at
    else:
        awaiting, since = None, project.stage_entered_at
    state = (
        _("Stopped")
        if project.status == ProjectStatus.STOPPED
        else _("Stage: %(stage)s") % {"stage": project.stage_name}
    )
    return Sponsored(
        kind=_("Lab project"),
        title=project.title,
        url=project.get_absolute_url(),
        state=state,
        since=since,
        awaiting=awaiting,
    )
