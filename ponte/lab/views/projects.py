"""Projects: the lab team starts one from an accepted problem; its sponsor accepts it and
decides each gate; its team asks at each gate with evidence; the portfolio shows them all to
the lab team and the sponsors. Views stay thin: parse a form, call a service, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ponte.accounts.queries import person_suggestion
from ponte.accounts.queries import sponsors_named as sponsors_named_query
from ponte.core import links, sponsorship
from ponte.core.forms import add_service_errors
from ponte.core.pagecache import kept_part
from ponte.core.paging import paginate
from ponte.core.registry import registry
from ponte.organisations.models import Membership

from .. import exports
from ..forms.projects import GateDecisionForm, GateRequestForm, ProjectForm
from ..models import Conclusion, ExperimentStatus, Facet, GateDecision, ProjectStatus, stage_name, stages
from ..queries import cocreation as cocreation_queries
from ..queries import experiments as experiment_queries
from ..queries import problems as problem_queries
from ..queries import projects as queries
from ..services import projects as services

SUGGESTIONS_SHOWN = 10


def _visible(request, pk):
    project = queries.project_for(request.user, pk)
    if project is None:
        raise Http404
    return project


def project_for_work(request, pk, perm: str):
    """The project on which the person starts some work (an experiment, a session…): 404 when
    they may not see it, 403 when they see it but may not do this."""
    project = _visible(request, pk)
    if not request.user.has_perm(perm, project):
        raise PermissionDenied
    return project


def _refused(request, project, message: str):
    """An action the state of things has overtaken (a colleague's or the sponsor's decision
    meanwhile) is told on the project's page; anyone else was never offered it."""
    messages.error(request, message)
    return redirect(project)


def _portfolio_filters(request) -> dict[str, str]:
    """The portfolio's filters as chosen; a value that is not one of the choices is ignored."""
    choice = {key: request.GET.get(key, "") for key in ("stage", "facet", "status")}
    valid = {"stage": stages(), "facet": Facet.values, "status": ProjectStatus.values}
    return {key: value if value in valid[key] else "" for key, value in choice.items()}


@login_required
def portfolio_csv(request):
    return exports.portfolio_csv(request, _portfolio_filters(request))


@login_required
def portfolio(request):
    filters = _portfolio_filters(request)

    def results() -> str:
        page = paginate(request, queries.portfolio(request.user, **filters))
        today = timezone.localdate()
        for project in page.object_list:
            project.stuck = queries.is_stuck(project, today)
            project.days_in_stage = queries.days_in_stage(project, today)
        return render_to_string(
            "lab/projects/portfolio.html#results", {"page": page, "stuck_days": queries.stuck_days()}, request
        )

    # The whole portfolio reads the same for the lab team and every sponsor: its list is made
    # once and kept for all of them until the next change or midnight.
    whole = queries.sees_whole_portfolio(request.user)
    counts = queries.portfolio_counts(request.user)
    context = {
        "results": kept_part(request, "lab-portfolio", results) if whole else results(),
        "filters": filters,
        "stages": [(stage, stage_name(stage)) for stage in stages()],
        "facets": Facet.choices,
        "statuses": ProjectStatus.choices,
        "counts": counts,
        "by_stage": [(stage_name(stage), n) for stage, n in counts["by_stage"]],
        "by_facet": [(label, counts["by_facet"].get(facet, 0)) for facet, label in Facet.choices],
        "experiments": [
            (label, counts["experiments"].get((status, ""), 0))
            for status, label in ExperimentStatus.choices
            if status != ExperimentStatus.CONCLUDED
        ]
        + [(label, counts["experiments"].get((ExperimentStatus.CONCLUDED, c), 0)) for c, label in Conclusion.choices],
        "target": {"projects": settings.PONTE_LAB_TARGET_PROJECTS, "months": settings.PONTE_LAB_TARGET_MONTHS},
    }
    return render(request, "lab/projects/portfolio.html", context)


@login_required
def project_start(request, pk):
    problem = problem_queries.problem_for(request.user, pk)
    if problem is None:
        raise Http404
    if not request.user.has_perm("lab.add_project", problem):
        raise PermissionDenied
    form = ProjectForm(
        request.POST or None,
        initial={"title": problem.title, "summary": problem.description, "team": problem.submitted_by.email},
        sponsor_suggestions=reverse("lab:sponsors_named"),
        team_suggestions=reverse("lab:team_named", args=[problem.pk]),
    )
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_start(actor=request.user, problem=problem, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The project is started. Its sponsor is asked to accept it."))
            return redirect(project)
    return render(request, "lab/projects/start.html", {"problem": problem, "form": form})


@login_required
def project_detail(request, pk):
    project = _visible(request, pk)
    user = request.user
    # The record (stages, details, experiments, co-creation, gates) differs from one reader to
    # another only by these: it is kept for every reader who shares them.
    shown = {
        # A sponsor reads the project, not always the problem it started from.
        "problem_visible": user.has_perm("lab.view_problem", project.problem),
        "can_add_experiment": user.has_perm("lab.add_experiment", project),
        "can_add_session": user.has_perm("lab.add_session", project),
        "can_add_prototype": user.has_perm("lab.add_prototype", project),
    }

    def record() -> str:
        context = {
            "project": project,
            "stages": [(stage, stage_name(stage)) for stage in stages()],
            "current_index": stages().index(project.stage) if project.stage in stages() else -1,
            "gates": list(project.gates.all()),
            "experiments": list(experiment_queries.experiments_of(project)),
            "sessions": list(cocreation_queries.sessions_of(project)),
            "prototypes": list(cocreation_queries.prototypes_of(project)),
            **shown,
        }
        return render_to_string("lab/projects/detail.html#record", context, request)

    context = {
        "project": project,
        "record": kept_part(request, "lab-project:" + "".join("1" if v else "0" for v in shown.values()), record),
        "pending": queries.pending_gate(project),
        "can": {
            "answer": user.has_perm("lab.answer_sponsorship", project),
            "ask_again": user.has_perm("lab.ask_another_sponsor", project),
            "request": user.has_perm("lab.request_gate", project),
            "decide": user.has_perm("lab.decide_gate", project),
        },
        "trail": links.trail(project, user),
        "sections": registry.object_sections_for(project, user),
        "can_add_case": user.has_perm("lab.add_case", project),
        "case": getattr(project, "case", None),
        "stuck": queries.is_stuck(project),
    }
    return render(request, "lab/projects/detail.html", context)


@login_required
def sponsorship_answer(request, pk):
    """The sponsor accepts to sponsor the project, or declines saying why."""
    project = _visible(request, pk)
    if not request.user.has_perm("lab.answer_sponsorship", project):
        if project.sponsor_id == request.user.pk:
            return _refused(
                request,
                project,
                _("You already answered: the project is %(state)s.")
                % {"state": project.get_sponsorship_display().lower()},
            )
        raise PermissionDenied
    return sponsorship.answer_page(
        request,
        project,
        answer=lambda accept, note: services.sponsorship_answer(
            actor=request.user, project=project, accept=accept, note=note
        ),
        accepted=_("You sponsor the project. Its team can now ask you at each gate."),
        declined=_("You declined to sponsor the project. The lab team is told why."),
        note_label=_("Note for the lab team"),
        heading=_("Sponsor the project?"),
        intro=_(
            "The lab team asks you to sponsor “%(title)s”: you would decide, at each gate, whether it moves on, "
            "stops or revises its request."
        )
        % {"title": project.title},
        owner=project.organisation.name,
        crumbs="lab/projects/_breadcrumbs.html",
        project=project,
    )


@login_required
def sponsor_again(request, pk):
    project = _visible(request, pk)
    if not request.user.has_perm("lab.ask_another_sponsor", project):
        if request.user.has_perm("lab.triage_problems"):
            return _refused(
                request,
                project,
                _("The sponsorship is now “%(state)s”: no other sponsor can be asked.")
                % {"state": project.get_sponsorship_display()},
            )
        raise PermissionDenied
    return sponsorship.ask_page(
        request,
        project,
        ask=lambda sponsor: services.sponsor_ask_again(actor=request.user, project=project, sponsor=sponsor),
        asked=_("The sponsor is asked to accept the project."),
        suggestions=reverse("lab:sponsors_named"),
        heading=_("Ask another sponsor"),
        owner=project.organisation.name,
        crumbs="lab/projects/_breadcrumbs.html",
        project=project,
    )


@login_required
def gate_request(request, pk):
    project = _visible(request, pk)
    if not request.user.has_perm("lab.request_gate", project):
        if any(person.pk == request.user.pk for person in project.team.all()):
            return _refused(
                request,
                project,
                _(
                    "The sponsor cannot be asked now: a request already waits for a decision, or the project "
                    "is not sponsored or has stopped."
                ),
            )
        raise PermissionDenied
    next_stage = project.next_stage
    form = GateRequestForm(request.POST or None, next_stage_name=stage_name(next_stage) if next_stage else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.gate_request(
                actor=request.user,
                project=project,
                stop=form.cleaned_data["move"] == "stop",
                evidence=form.cleaned_data["evidence"],
                lessons=form.cleaned_data["lessons"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your request is sent to the sponsor, who decides."))
            return redirect(project)
    return render(request, "lab/projects/gate_request.html", {"project": project, "form": form})


@login_required
def gate_decide(request, pk):
    project = _visible(request, pk)
    if not request.user.has_perm("lab.decide_gate", project):
        if project.sponsor_id == request.user.pk:
            return _refused(request, project, _("No request waits for your decision on this project."))
        raise PermissionDenied
    pending = queries.pending_gate(project)
    form = GateDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            gate = services.gate_decide(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # Said as it turned out: a "go" on a request to stop stops the project.
            decided = GateDecision.STOP if gate.decision == GateDecision.GO and gate.asks_to_stop else gate.decision
            messages.success(
                request,
                {
                    GateDecision.GO: _("Your decision is recorded: go. The team is told."),
                    GateDecision.STOP: _("Your decision is recorded: the project stops. The team is told."),
                    GateDecision.REVISE: _("Your decision is recorded: the team revises its request."),
                }[decided],
            )
            return redirect(project)
    return render(request, "lab/projects/gate_decide.html", {"project": project, "pending": pending, "form": form})


@login_required
def sponsors_named(request):
    """Sponsors whose name or address holds what the lab team typed, a few at a time."""
    if not request.user.has_perm("lab.triage_problems"):
        raise PermissionDenied
    text = request.GET.get("q", "").strip().replace("\x00", "")[:200]
    found = sponsors_named_query(text, limit=SUGGESTIONS_SHOWN)
    return JsonResponse({"results": [person_suggestion(user) for user in found]})


@login_required
def team_named(request, pk):
    """Members of the problem's public body whose name or address holds what was typed."""
    problem = problem_queries.problem_for(request.user, pk)
    if problem is None:
        raise Http404
    if not request.user.has_perm("lab.triage_problems"):
        raise PermissionDenied
    text = request.GET.get("q", "").strip().replace("\x00", "")[:200]
    found = (
        Membership.objects.filter(organisation_id=problem.organisation_id, user__is_active=True)
        .filter(Q(user__name__icontains=text) | Q(user__email__icontains=text))
        .select_related("user")
        .order_by("user__name", "user__email")[:SUGGESTIONS_SHOWN]
        if len(text) >= 2
        else []
    )
    return JsonResponse({"results": [person_suggestion(membership.user) for membership in found]})
