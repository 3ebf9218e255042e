"""Experiments: the team writes the card, starts the experiment (pre-registering its plan),
brings its results and concludes; whoever reads the project reads its experiments."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from ponte.core import versions
from ponte.core.forms import add_service_errors
from ponte.core.pagecache import kept_part

from .. import analysis, presentation
from ..forms.experiments import ConclusionForm, ExperimentForm, ResultsFileForm, SummariesForm
from ..models import PLAN_FIELDS, Experiment, ExperimentStatus
from ..queries import experiments as queries
from ..services import experiments as services
from .projects import project_for_work


def _visible(request, pk) -> Experiment:
    experiment = queries.experiment_for(request.user, pk)
    if experiment is None:
        raise Http404
    return experiment


def _allowed(request, perm: str, experiment: Experiment, overtaken: str):
    """Refuse one who may never do this; tell the team when the experiment's state overtook them."""
    if request.user.has_perm(perm, experiment):
        return None
    if any(person.pk == request.user.pk for person in experiment.project.team.all()):
        messages.error(request, overtaken)
        return redirect(experiment)
    raise PermissionDenied


@login_required
def experiment_create(request, pk):
    project = project_for_work(request, pk, "lab.add_experiment")
    defaults = {name: Experiment._meta.get_field(name).default for name in ("control_name", "treatment_name")}
    form = ExperimentForm(
        request.POST or None, initial={**defaults, "treatment_share": 50, "alpha": 0.05, "power": 0.8}
    )
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "reason")}
        try:
            experiment = services.experiment_create(actor=request.user, project=project, **values)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The experiment's card is saved. Start it once its plan is complete."))
            return redirect(experiment)
    return render(request, "lab/experiments/form.html", {"project": project, "form": form, "experiment": None})


@login_required
def experiment_detail(request, pk):
    experiment = _visible(request, pk)
    user = request.user

    def record() -> str:
        # Once registered, the sample is judged against the frozen plan, as the results are.
        plan = experiment.registration or {name: getattr(experiment, name) for name in PLAN_FIELDS}
        context = {
            "experiment": experiment,
            "planned": plan.get("planned_per_group"),
            "needed": analysis.sample_needed(plan),
            "under_powered": analysis.is_under_powered(plan),
            "registration": presentation.plan_rows(experiment.registration) if experiment.registration else [],
            "deviations": presentation.deviation_rows(queries.deviations_of(experiment)),
            "results": presentation.results_view(experiment),
        }
        return render_to_string("lab/experiments/detail.html#record", context, request)

    context = {
        "experiment": experiment,
        "project": experiment.project,
        # The conclusion, results, card and plan read the same for everyone who may read the
        # experiment: made once and kept until the next change.
        "record": kept_part(request, "lab-experiment", record),
        "can": {
            "change": user.has_perm("lab.change_experiment", experiment),
            "start": user.has_perm("lab.start_experiment", experiment),
            "results": user.has_perm("lab.record_results", experiment),
            "conclude": user.has_perm("lab.conclude_experiment", experiment),
        },
    }
    return render(request, "lab/experiments/detail.html", context)


@login_required
def experiment_edit(request, pk):
    experiment = _visible(request, pk)
    refused = _allowed(request, "lab.change_experiment", experiment, _("A concluded experiment is not changed."))
    if refused:
        return refused
    running = experiment.status == ExperimentStatus.RUNNING
    initial = {name: getattr(experiment, name) for name in ExperimentForm.base_fields if hasattr(experiment, name)}
    form = ExperimentForm(request.POST or None, initial=initial, running=running)
    changes = []
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "reason")}
        try:
            services.experiment_update(
                actor=request.user,
                experiment=experiment,
                seen_version=form.cleaned_data["version"],
                reason=form.cleaned_data.get("reason", ""),
                **values,
            )
        except versions.StaleEdit as stale:
            changes = versions.refuse_stale(
                form,
                stale,
                _(
                    "Someone saved this experiment after you opened it: your changes are not saved yet. "
                    "Compare with what changed, below, and save again."
                ),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The experiment is saved."))
            return redirect(experiment)
    context = {"project": experiment.project, "form": form, "experiment": experiment, "changes": changes}
    return render(request, "lab/experiments/form.html", context)


@login_required
def experiment_start(request, pk):
    experiment = _visible(request, pk)
    refused = _allowed(request, "lab.start_experiment", experiment, _("The experiment has already started."))
    if refused:
        return refused
    errors = []
    if request.method == "POST":
        try:
            services.experiment_start(actor=request.user, experiment=experiment)
        except ValidationError as error:
            errors = [message for messages_ in error.message_dict.values() for message in messages_]
        else:
            messages.success(request, _("The experiment has started. Its plan is pre-registered: frozen and dated."))
            return redirect(experiment)
    plan = {name: getattr(experiment, name) for name in PLAN_FIELDS}
    context = {
        "experiment": experiment,
        "project": experiment.project,
        "rows": presentation.plan_rows(plan),
        "needed": analysis.sample_needed(plan),
        "under_powered": analysis.is_under_powered(plan),
        "errors": errors,
    }
    return render(request, "lab/experiments/start.html", context)


@login_required
def experiment_results(request, pk):
    experiment = _visible(request, pk)
    refused = _allowed(request, "lab.record_results", experiment, _("Results are recorded while the experiment runs."))
    if refused:
        return refused
    plan = experiment.registration
    uploading = request.method == "POST" and request.POST.get("form") == "file"
    file_form = ResultsFileForm(request.POST if uploading else None, request.FILES if uploading else None)
    summaries = SummariesForm(request.POST if request.method == "POST" and not uploading else None, plan=plan)
    form = file_form if uploading else summaries
    if request.method == "POST" and form.is_valid():
        try:
            if uploading:
                uploaded = form.cleaned_data["file"]
                services.results_from_file(
                    actor=request.user, experiment=experiment, name=uploaded.name, data=uploaded.read()
                )
            else:
                services.results_from_summaries(
                    actor=request.user,
                    experiment=experiment,
                    control=form.group("control"),
                    treatment=form.group("treatment"),
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The results are analysed against the pre-registered plan."))
            return redirect(experiment)
    context = {"experiment": experiment, "project": experiment.project, "file_form": file_form, "summaries": summaries}
    return render(request, "lab/experiments/results.html", context)


@login_required
def results_template(request, pk):
    """A results file to fill in, its columns named after the plan."""
    experiment = _visible(request, pk)
    plan = experiment.registration or {name: getattr(experiment, name) for name in PLAN_FIELDS}
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{experiment.reference}-results.csv"'
    writer = csv.writer(response)
    writer.writerow(["group", plan.get("metric_name") or _("metric")])
    writer.writerow([plan["control_name"], ""])
    writer.writerow([plan["treatment_name"], ""])
    return response


@login_required
def experiment_conclude(request, pk):
    experiment = _visible(request, pk)
    refused = _allowed(
        request,
        "lab.conclude_experiment",
        experiment,
        _("An experiment is concluded once, after its results are recorded."),
    )
    if refused:
        return refused
    form = ConclusionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.experiment_conclude(actor=request.user, experiment=experiment, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The conclusion is recorded. The sponsor is told."))
            return redirect(experiment)
    context = {
        "experiment": experiment,
        "project": experiment.project,
        "form": form,
        "results": presentation.results_view(experiment),
    }
    return render(request, "lab/experiments/conclude.html", context)
