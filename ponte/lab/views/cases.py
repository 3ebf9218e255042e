"""Case studies: the public library at /cases/ and each published case, with the frozen
plans and anonymous results of its project's experiments; writing a case, sending it for
review, and the programme manager's review."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ponte.core import versions
from ponte.core.forms import add_service_errors
from ponte.core.pagecache import public_page
from ponte.core.paging import paginate
from ponte.organisations.models import LevelOfGovernment

from .. import exports, presentation
from ..forms.cases import CaseForm, ReviewForm
from ..models import CaseStudy, InnovationStage
from ..queries import cases as queries
from ..queries import projects as project_queries
from ..rules import writes_for_its_project
from ..services import cases as services


def library_filters(params) -> dict:
    """The library's filters as chosen; a value that is not one of the choices is ignored."""
    year = params.get("year", "")
    tag = " ".join(params.get("tag", "").split()).lower()[:60].replace("\x00", "")
    return {
        "level": params.get("level", "") if params.get("level") in LevelOfGovernment.values else "",
        "stage": params.get("stage", "") if params.get("stage") in InnovationStage.values else "",
        "year": int(year) if re.fullmatch(r"[0-9]{4}", year) else None,
        "tag": tag,
        "q": params.get("q", "").strip().replace("\x00", "")[:200],
    }


@public_page
def library(request):
    filters = library_filters(request.GET)
    page = paginate(request, queries.library(**filters, user=request.user))
    context = {
        "page": page,
        "filters": filters,
        "levels": LevelOfGovernment.choices,
        "stages": InnovationStage.choices,
        "years": queries.library_years(),
        "tags": queries.library_tags(filters["tag"]),
        "filtered": any(filters.values()),
    }
    return render(request, "lab/cases/library.html", context)


def library_csv(request):
    return exports.cases_csv(request, library_filters(request.GET))


def _visible(request, pk) -> CaseStudy:
    case = queries.case_for(request.user, pk)
    if case is None:
        raise Http404
    return case


@public_page
def case_detail(request, pk):
    case = _visible(request, pk)
    user = request.user
    experiments = [
        {
            "experiment": experiment,
            "plan": presentation.plan_rows(experiment.registration),
            "deviations": presentation.deviation_rows(experiment.deviations.all()),
            "results": presentation.results_view(experiment),
        }
        for experiment in case.project.experiments.all()
    ]
    context = {
        "case": case,
        "tags": list(case.tags.all()),
        "experiments": experiments,
        "can": {
            "change": user.has_perm("lab.change_case", case),
            "submit": user.has_perm("lab.submit_case", case),
            "review": user.has_perm("lab.review_case", case),
        },
    }
    return render(request, "lab/cases/detail.html", context)


@login_required
@require_POST
def case_start(request, pk):
    project = project_queries.project_for(request.user, pk)
    if project is None:
        raise Http404
    if not request.user.has_perm("lab.add_case", project):
        if hasattr(project, "case"):
            return redirect(project.case)
        raise PermissionDenied
    case = services.case_start(actor=request.user, project=project)
    messages.success(request, _("A draft case is started from the project. Complete it and send it for review."))
    return redirect("cases:edit", pk=case.pk)


def _refused(request, case, perm: str, message: str):
    if request.user.has_perm(perm, case):
        return None
    if writes_for_its_project(request.user, case):
        messages.error(request, message)
        return redirect(case)
    raise PermissionDenied


@login_required
def case_edit(request, pk):
    case = _visible(request, pk)
    refused = _refused(
        request, case, "lab.change_case", _("The case is with its reviewer or published: it is not changed.")
    )
    if refused:
        return refused
    initial = {name: getattr(case, name) for name in CaseForm.base_fields if name != "tags"}
    initial["tags"] = ", ".join(tag.name for tag in case.tags.all())
    form = CaseForm(request.POST or None, initial=initial)
    changes = []
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.case_update(actor=request.user, case=case, seen_version=form.cleaned_data["version"], **values)
        except versions.StaleEdit as stale:
            changes = versions.refuse_stale(
                form,
                stale,
                _(
                    "Someone saved this case after you opened it: your changes are not saved yet. "
                    "Compare with what changed, below, and save again."
                ),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The case is saved."))
            return redirect(case)
    return render(request, "lab/cases/form.html", {"case": case, "form": form, "changes": changes})


@login_required
@require_POST
def case_submit(request, pk):
    case = _visible(request, pk)
    refused = _refused(request, case, "lab.submit_case", _("The case is already with its reviewer or published."))
    if refused:
        return refused
    try:
        services.case_submit(actor=request.user, case=case)
    except ValidationError as error:
        for field_messages in error.message_dict.values():
            for message in field_messages:
                messages.error(request, message)
        return redirect("cases:edit", pk=case.pk)
    messages.success(request, _("The case is sent to a programme manager for review."))
    return redirect(case)


@login_required
def case_review(request, pk):
    case = _visible(request, pk)
    if not request.user.has_perm("lab.review_case", case):
        if request.user.has_perm("lab.triage_problems"):
            messages.error(request, _("The case does not wait for a review."))
            return redirect(case)
        raise PermissionDenied
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "publish":
                services.case_publish(actor=request.user, case=case)
            else:
                services.case_return(actor=request.user, case=case, note=form.cleaned_data["note"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            published = form.cleaned_data["decision"] == "publish"
            messages.success(
                request,
                _("The case is published in the case library.")
                if published
                else _("The case is returned to its writer with your note."),
            )
            return redirect(case)
    return render(request, "lab/cases/review.html", {"case": case, "form": form})


@login_required
def review_queue(request):
    """The cases waiting for a programme manager's review, oldest first."""
    if not request.user.has_perm("lab.triage_problems"):
        raise PermissionDenied
    page = paginate(request, queries.waiting_for_review().order_by("submitted_at", "pk"))
    return render(request, "lab/cases/review_queue.html", {"page": page})
