"""The solution catalogue: public list and detail, the companies' own solutions, screening.

Views stay thin: parse a form, call a service, render. A service's refusal is shown on the
form, beside the field it concerns, and nothing typed is lost."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ponte.core.forms import ReasonForm, add_service_errors
from ponte.core.pagecache import public_page
from ponte.core.paging import paginate
from ponte.core.roles import is_programme_manager
from ponte.organisations.models import Organisation
from ponte.organisations.queries import verified_companies_of
from ponte.reference.models import Sector

from . import queries, services
from .forms import MediaForm, SolutionForm
from .models import MAX_MEDIA

MAX_QUERY = 200
SLUG_PATTERN = re.compile(r"^[-a-zA-Z0-9_]{1,220}$")
TRL_LEVELS = range(1, 10)


def parse_filters(data) -> tuple[dict, dict, list[str]]:
    """What was typed (to show it again), what to filter on, and why a value was ignored."""
    typed = {
        key: data.get(key, "").strip().replace("\x00", "")[:MAX_QUERY] for key in ("q", "sector", "trl_min", "company")
    }
    use: dict = {"q": typed["q"]}
    problems: list[str] = []
    if SLUG_PATTERN.match(typed["company"]):
        use["company"] = typed["company"]
    elif typed["company"]:
        problems.append(_("The company is not one of the list; it is ignored."))
    if typed["sector"] in Sector.values:
        use["sector"] = typed["sector"]
    elif typed["sector"]:
        problems.append(_("The sector is not one of the list; it is ignored."))
    if typed["trl_min"]:
        if typed["trl_min"].isdigit() and int(typed["trl_min"]) in TRL_LEVELS:
            use["trl_min"] = int(typed["trl_min"])
        else:
            problems.append(_("The technology readiness level is a number from 1 to 9; it is ignored."))
    return typed, use, problems


@public_page
def solution_list(request):
    typed, use, problems = parse_filters(request.GET)
    company = None
    if "company" in use:
        company = Organisation.objects.filter(slug=use["company"], kind="company", status="verified").first()
        if company is None:
            del use["company"]
            problems.append(_("The company is not one of the list; it is ignored."))
    page = paginate(request, queries.catalogue(**use))
    context = {
        "page": page,
        "company": company,
        "filters": typed,
        "problems": problems,
        "sectors": Sector.choices,
        "levels": [str(level) for level in TRL_LEVELS],
    }
    return render(request, "solutions/list.html", context)


def _visible(request, pk):
    solution = queries.solution_detail(request.user, pk)
    if solution is None:
        raise Http404
    return solution


@public_page
def solution_detail(request, pk):
    solution = _visible(request, pk)
    can = {
        verb: request.user.has_perm(f"solutions.{verb}_solution", solution)
        for verb in ("change", "submit", "publish", "return")
    }
    return render(request, "solutions/detail.html", {"solution": solution, "can": can, **_media_of(solution)})


def _media_of(solution) -> dict:
    """Pictures (shown as a gallery) and documents (listed), each in the order added."""
    media = list(solution.media.all())
    return {
        "media": media,
        "pictures": [item for item in media if item.is_image],
        "documents": [item for item in media if not item.is_image],
    }


@login_required
def my_solutions(request):
    page = paginate(request, queries.solutions_of(request.user))
    can_add = request.user.has_perm("solutions.add_solution")
    return render(request, "solutions/mine.html", {"page": page, "can_add": can_add})


@login_required
def solution_create(request):
    if not request.user.has_perm("solutions.add_solution"):
        raise PermissionDenied
    companies = verified_companies_of(request.user)
    form = SolutionForm(request.POST or None, companies=companies)
    if request.method == "POST" and form.is_valid():
        try:
            solution = services.solution_create(
                actor=request.user, company=form.cleaned_data["company"], **form.service_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The solution is saved as a draft. Send it for screening when it is ready."))
            return redirect(solution)
    return render(request, "solutions/form.html", {"form": form, "solution": None})


@login_required
def solution_edit(request, pk):
    solution = _visible(request, pk)
    if not request.user.has_perm("solutions.change_solution", solution):
        raise PermissionDenied
    form = SolutionForm(request.POST or None, initial=SolutionForm.initial_for(solution))
    if request.method == "POST" and form.is_valid():
        was_published = solution.status == "published"
        try:
            solution = services.solution_update(actor=request.user, solution=solution, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if was_published and solution.status != "published":
                messages.success(
                    request, _("The changes are saved. The solution is hidden until a programme manager screens it.")
                )
            else:
                messages.success(request, _("The changes are saved."))
            return redirect(solution)
    return render(request, "solutions/form.html", {"form": form, "solution": solution})


@login_required
def solution_media(request, pk):
    """The pictures and documents shown with a solution: listed to whoever sees it, added
    and removed by whoever may change it."""
    solution = _visible(request, pk)
    can_change = request.user.has_perm("solutions.change_solution", solution)
    form = MediaForm()
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if "remove" in request.POST:
            return _remove_media(request, solution)
        form = MediaForm(request.POST, request.FILES)
        if form.is_valid():
            was_published = solution.status == "published"
            try:
                services.media_add(
                    actor=request.user,
                    solution=solution,
                    uploaded=form.cleaned_data["file"],
                    description=form.cleaned_data["description"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("“%(name)s” is added.") % {"name": form.cleaned_data["description"]})
                if was_published:
                    messages.info(request, _("The solution is hidden until a programme manager screens it again."))
                return redirect("solutions:media", pk=solution.pk)
    context = {
        "solution": solution,
        **_media_of(solution),
        "form": form,
        "can_change": can_change,
        "max_media": MAX_MEDIA,
    }
    return render(request, "solutions/media.html", context)


def _remove_media(request, solution):
    media = next((m for m in solution.media.all() if str(m.pk) == request.POST["remove"]), None)
    if media is None:
        messages.info(request, _("That picture or document was already removed."))
    else:
        services.media_remove(actor=request.user, media=media)
        messages.success(request, _("“%(name)s” is removed.") % {"name": media.description})
    return redirect("solutions:media", pk=solution.pk)


@login_required
@require_POST
def solution_submit(request, pk):
    solution = _visible(request, pk)
    if not request.user.has_perm("solutions.submit_solution", solution):
        raise PermissionDenied
    try:
        services.solution_submit(actor=request.user, solution=solution)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("solutions:edit", pk=solution.pk)
    messages.success(request, _("The solution is sent for screening."))
    return redirect(solution)


@login_required
@require_POST
def solution_publish(request, pk):
    solution = _visible(request, pk)
    if not request.user.has_perm("solutions.publish_solution", solution):
        raise PermissionDenied
    services.solution_publish(actor=request.user, solution=solution)
    messages.success(request, _("The solution is published."))
    return redirect("solutions:screening")


@login_required
def solution_return(request, pk):
    solution = _visible(request, pk)
    if not request.user.has_perm("solutions.return_solution", solution):
        raise PermissionDenied
    form = ReasonForm(
        request.POST or None,
        label=_("What the company must change"),
        required_message=_("Say what the company must change."),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.solution_return(actor=request.user, solution=solution, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The solution is returned to the company."))
            return redirect("solutions:screening")
    return render(request, "solutions/return.html", {"form": form, "solution": solution})


@login_required
def screening(request):
    if not is_programme_manager(request.user):
        raise PermissionDenied
    return render(request, "solutions/screening.html", {"page": paginate(request, queries.to_screen())})
