"""The lab's front door and problem intake: a public servant brings a problem; the lab team
triages it. Views stay thin: parse a form, call a service or a read, render. A refusal is
shown beside the field it concerns, and nothing typed is lost."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ponte.core import links
from ponte.core.forms import ReasonForm, add_service_errors
from ponte.core.pagecache import kept_part
from ponte.core.paging import paginate
from ponte.core.registry import DRAFT_CHALLENGE, registry
from ponte.organisations.models import Organisation

from ..forms.problems import MergeForm, ProblemForm
from ..models import ProblemStatus
from ..queries import problems as queries
from ..services import problems as services


def lab_home(request):
    """What the lab is, and where each person starts: bringing a problem, following the
    problems brought, triaging them."""
    context = {
        "can_add": request.user.has_perm("lab.add_problem"),
        "can_triage": request.user.has_perm("lab.triage_problems"),
        "sign_in_url": f"{reverse('account_login')}?next={reverse('lab:home')}",
        "library_url": reverse("cases:library"),
    }
    return render(request, "lab/home.html", context)


def _visible(request, pk):
    problem = queries.problem_for(request.user, pk)
    if problem is None:
        raise Http404
    return problem


def _may_triage(request) -> None:
    if not request.user.has_perm("lab.triage_problems"):
        raise PermissionDenied


def _already_triaged(request, problem):
    """A lab team member acting on a problem a colleague triaged meanwhile is told so."""
    problem.refresh_from_db()
    messages.error(
        request,
        _("This problem was already triaged: it is now “%(state)s”.") % {"state": problem.get_status_display()},
    )
    return redirect(problem)


@login_required
def problem_list(request):
    status = request.GET.get("status", "")
    problems = queries.problems_visible_to(request.user)
    if status in ProblemStatus.values:
        problems = problems.filter(status=status)
    else:
        status = ""
    context = {
        "page": paginate(request, problems),
        "status": status,
        "statuses": ProblemStatus.choices,
        "can_add": request.user.has_perm("lab.add_problem"),
        "can_triage": request.user.has_perm("lab.triage_problems"),
    }
    return render(request, "lab/problems/list.html", context)


@login_required
def problem_create(request):
    if not request.user.has_perm("lab.add_problem"):
        raise PermissionDenied
    bodies = Organisation.objects.filter(
        memberships__user=request.user, kind="public_body", status="verified"
    ).order_by("name")
    form = ProblemForm(request.POST or None, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        try:
            problem = services.problem_submit(
                actor=request.user, organisation=form.cleaned_data["organisation"], **form.service_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The problem is sent to the lab team. You will be told what they decide."))
            return redirect(problem)
    return render(request, "lab/problems/form.html", {"form": form})


@login_required
def problem_detail(request, pk):
    problem = _visible(request, pk)
    user = request.user
    can = {
        "accept": user.has_perm("lab.accept_problem", problem),
        "merge": user.has_perm("lab.merge_problem", problem),
        "decline": user.has_perm("lab.decline_problem", problem),
        # Offered only where this platform has a marketplace to send it to.
        "send": user.has_perm("lab.send_problem_to_marketplace", problem)
        and registry.handoff(DRAFT_CHALLENGE) is not None,
        "start_project": user.has_perm("lab.add_project", problem),
    }
    project = getattr(problem, "project", None)
    context = {
        "problem": problem,
        "can": can,
        "trail": links.trail(problem, user),
        "project": project if project is not None and user.has_perm("lab.view_project", project) else None,
        "merged": list(problem.merged.all().only("pk", "title")) if user.has_perm("lab.triage_problems") else [],
    }
    return render(request, "lab/problems/detail.html", context)


@login_required
def triage(request):
    _may_triage(request)

    def queue() -> str:
        page = paginate(request, queries.triage_queue())
        return render_to_string("lab/problems/triage.html#queue", {"page": page}, request)

    # The queue reads the same for the whole lab team: made once and kept until the next change.
    return render(request, "lab/problems/triage.html", {"queue": kept_part(request, "lab-triage", queue)})


@login_required
@require_POST
def problem_accept(request, pk):
    # A problem one may not see does not exist for them (404), whatever they may do elsewhere.
    problem = _visible(request, pk)
    _may_triage(request)
    try:
        services.problem_accept(actor=request.user, problem=problem)
    except PermissionDenied:
        return _already_triaged(request, problem)
    messages.success(request, _("The problem is accepted into the lab's portfolio. Its submitter is told."))
    return redirect(problem)


@login_required
@require_POST
def problem_send_to_marketplace(request, pk):
    # A problem one may not see does not exist for them (404), whatever they may do elsewhere.
    problem = _visible(request, pk)
    _may_triage(request)
    try:
        services.problem_send_to_marketplace(actor=request.user, problem=problem)
    except PermissionDenied:
        return _already_triaged(request, problem)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(problem)
    messages.success(
        request,
        _(
            "A draft challenge is started from the problem. Its submitter is told, completes it and sends it "
            "for review."
        ),
    )
    return redirect(problem)


@login_required
def problem_decline(request, pk):
    # A problem one may not see does not exist for them (404), whatever they may do elsewhere.
    problem = _visible(request, pk)
    _may_triage(request)
    form = ReasonForm(
        request.POST or None,
        label=_("Why the problem is declined"),
        help_text=_("The submitter reads it: say what would make the lab take it, or where to take it instead."),
        required_message=_("Say why the problem is declined: its submitter reads it."),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.problem_decline(actor=request.user, problem=problem, reason=form.cleaned_data["reason"])
        except PermissionDenied:
            return _already_triaged(request, problem)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The problem is declined. Its submitter is told why."))
            return redirect("lab:triage")
    return render(request, "lab/problems/decline.html", {"problem": problem, "form": form})


@login_required
def problem_merge(request, pk):
    # A problem one may not see does not exist for them (404), whatever they may do elsewhere.
    problem = _visible(request, pk)
    _may_triage(request)
    form = MergeForm(request.POST or None, suggestions_url=reverse("lab:merge_candidates", args=[problem.pk]))
    if request.method == "POST" and form.is_valid():
        into = queries.merge_target(form.cleaned_data["into"])
        try:
            services.problem_merge(actor=request.user, problem=problem, into=into, reason=form.cleaned_data["reason"])
        except PermissionDenied:
            return _already_triaged(request, problem)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The problem is merged with %(reference)s. Its submitter is told.") % {"reference": into.reference},
            )
            return redirect(into)
    return render(request, "lab/problems/merge.html", {"problem": problem, "form": form})


@login_required
def merge_candidates(request, pk):
    """The problems whose reference or title holds what the lab team typed: the suggestions of
    the merge field, a few at a time."""
    _visible(request, pk)
    _may_triage(request)
    text = request.GET.get("q", "").strip().replace("\x00", "")[:200]
    found = queries.merge_candidates(text, leaving=pk) if len(text) >= 2 else []
    return JsonResponse(
        {
            "results": [
                {"name": f"{p.reference} {p.title} ({p.organisation.name})", "value": f"{p.reference} {p.title}"}
                for p in found
            ]
        }
    )
