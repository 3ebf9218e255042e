"""Experiments: a project's team writes each as a card with its plan; starting it
pre-registers the plan (frozen, timestamped, audited); a later change to the plan is a
deviation, kept with its date and reason; results, uploaded or summarised, are analysed
against the frozen plan; the team records the conclusion and what was learned."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ponte.core import audit, versions
from ponte.core.notifications import notify
from ponte.core.services import clean_text, locked, require

from .. import analysis, statistics
from ..models import (
    EXPERIMENT_LIFECYCLE,
    EXPERIMENT_NEEDED,
    PLAN_FIELDS,
    TEXT_LIMIT,
    Conclusion,
    Deviation,
    Experiment,
    ExperimentDesign,
    MetricKind,
    Project,
)

if TYPE_CHECKING:
    from ponte.accounts.models import User

MAX_BUDGET = Decimal("9999999999.99")
TEXTS = {
    "title": 200,
    "summary": TEXT_LIMIT,
    "problem": TEXT_LIMIT,
    "solution": TEXT_LIMIT,
    "tested": TEXT_LIMIT,
    "learning": TEXT_LIMIT,
    "implementers": TEXT_LIMIT,
    "resources": TEXT_LIMIT,
    "hypothesis": TEXT_LIMIT,
    "metric_name": 200,
    "control_name": 60,
    "treatment_name": 60,
    "analysis_plan": TEXT_LIMIT,
}
# Each number's bounds, inclusive; None leaves a side open.
BOUNDS = {
    "budget": (0, MAX_BUDGET),
    "treatment_share": (1, 99),
    "alpha": (0.001, 0.2),
    "power": (0.5, 0.99),
    "planned_per_group": (2, 10_000_000),
    "duration_weeks": (1, 260),
    "metric_sd": (None, None),
    "baseline": (None, None),
    "min_effect": (None, None),
}
CHOICES = {"metric_kind": MetricKind.values, "design": ExperimentDesign.values}
CARD_ANSWERS = (*TEXTS, *BOUNDS, *CHOICES)
ALWAYS_SET = ("treatment_share", "alpha", "power")


def _needed(name: str) -> str:
    return str(EXPERIMENT_NEEDED[name])


def check_card(values: dict[str, Any], *, complete: bool) -> dict[str, Any]:
    """The card and plan as kept, or ValidationError naming each fault beside its field. A draft
    may leave answers for later (`complete=False`); starting needs every one."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}

    def refuse(name: str, message: str | None = None) -> None:
        errors.setdefault(name, []).append(message or _needed(name))

    for name, limit in TEXTS.items():
        if name not in values:
            continue
        required = _needed(name) if name == "title" or (complete and name in EXPERIMENT_NEEDED) else ""
        try:
            cleaned[name] = clean_text(values[name], limit=limit, field=name, required=required)
        except ValidationError as error:
            errors.update(error.message_dict)
    for name, (low, high) in BOUNDS.items():
        if name not in values:
            continue
        value = values[name]
        cleaned[name] = value
        if value is None:
            # A split, a significance level and a power always have a value (the defaults).
            if name in ALWAYS_SET:
                refuse(name)
            continue
        if not math.isfinite(value) or (low is not None and value < low) or (high is not None and value > high):
            refuse(name)
    for name, allowed in CHOICES.items():
        if name in values:
            cleaned[name] = values[name] or ""
            if cleaned[name] and cleaned[name] not in allowed:
                refuse(name)
    kind = cleaned.get("metric_kind")
    baseline, effect, sd = cleaned.get("baseline"), cleaned.get("min_effect"), cleaned.get("metric_sd")
    if kind == MetricKind.PROPORTION and baseline is not None and not 0 <= baseline <= 100:
        refuse("baseline")
    if effect == 0:
        refuse("min_effect")
    if kind == MetricKind.PROPORTION and baseline is not None and effect and not 0 <= baseline + effect <= 100:
        refuse("min_effect", _("The baseline plus the effect must stay between 0 and 100 %."))
    if sd is not None and sd <= 0:
        refuse("metric_sd")
    if cleaned.get("control_name") and cleaned.get("control_name") == cleaned.get("treatment_name"):
        refuse("treatment_name")
    if complete:
        for name in EXPERIMENT_NEEDED:
            if name in errors or name in TEXTS:
                continue
            if name == "metric_sd" and kind != MetricKind.MEAN:
                continue
            if cleaned.get(name) in (None, ""):
                refuse(name)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _plan(experiment: Experiment) -> dict[str, Any]:
    return {name: getattr(experiment, name) for name in PLAN_FIELDS}


def _shown(value) -> str:
    return "" if value is None else str(value)


@transaction.atomic
def experiment_create(*, actor: User, project: Project, **values) -> Experiment:
    project = locked(project)
    require("lab.add_experiment", project, actor=actor)
    cleaned = check_card({"title": "", **values}, complete=False)
    experiment = Experiment.objects.create(project=project, created_by=actor, **cleaned)
    audit.record(actor=actor, verb="create", target=experiment, after={"title": experiment.title, "version": 1})
    return experiment


@transaction.atomic
def experiment_update(
    *, actor: User, experiment: Experiment, seen_version: int | None, reason: str = "", **values
) -> list[str]:
    """Save the card. Once the experiment runs, a change to its plan needs a reason and is kept
    as a deviation; the frozen registration stays as it was. Refused with versions.StaleEdit
    when someone saved since the person's page was opened."""
    experiment = locked(experiment)
    require("lab.change_experiment", experiment, actor=actor)
    versions.check_seen(experiment, seen_version)
    cleaned = check_card(values, complete=experiment.status != "draft")
    deviating = [
        name
        for name in PLAN_FIELDS
        if name in cleaned and experiment.status != "draft" and getattr(experiment, name) != cleaned[name]
    ]
    if deviating:
        reason = clean_text(
            reason,
            limit=4000,
            field="reason",
            required=_("Say why the plan changes after it was registered: the change is shown as a deviation."),
        )
        for name in deviating:
            Deviation.objects.create(
                experiment=experiment,
                field=name,
                before=_shown(getattr(experiment, name)),
                after=_shown(cleaned[name]),
                reason=reason,
                made_by=actor,
            )
    return versions.update_seen(experiment, seen_version, cleaned, actor=actor)


@transaction.atomic
def experiment_start(*, actor: User, experiment: Experiment) -> Experiment:
    """Pre-register the plan: check the card is whole, freeze the plan with the sample it
    needs, and start."""
    experiment = locked(experiment)
    require("lab.start_experiment", experiment, actor=actor)
    check_card({name: getattr(experiment, name) for name in CARD_ANSWERS}, complete=True)
    registration = _plan(experiment)
    registration["sample_needed"] = analysis.sample_needed(registration)
    experiment.registration = registration
    EXPERIMENT_LIFECYCLE.apply(
        experiment, "start", actor=actor, reason=_("Plan pre-registered"), update_fields=["registration"]
    )
    audit.record(actor=actor, verb="pre_register", target=experiment, after=registration)
    return experiment


def _keep_results(actor: User, experiment: Experiment, results: dict, source: dict) -> Experiment:
    experiment.results = {**results, **source}
    experiment.results_at = timezone.now()
    experiment.save(update_fields=["results", "results_at"])
    primary = results["metrics"][0]
    audit.record(
        actor=actor,
        verb="record_results",
        target=experiment,
        after={**source, "difference": primary["difference"], "p": primary["p"]},
    )
    if results["srm"] and results["srm"]["broken"]:
        notify(
            experiment.project.team.all(),
            "lab.split_broken",
            params={"experiment": experiment.title},
            url=experiment.get_absolute_url(),
        )
    return experiment


@transaction.atomic
def results_from_file(*, actor: User, experiment: Experiment, name: str, data: bytes) -> Experiment:
    """Analyse a results file (one row per unit) against the frozen plan; a file with any
    fault is refused whole, its first fault named with its line, and nothing kept."""
    experiment = locked(experiment)
    require("lab.record_results", experiment, actor=actor)
    try:
        columns, rows = analysis.read_results(data, experiment.registration)
    except analysis.ResultsFileError as error:
        raise ValidationError({"file": [error.message]}) from None
    results = analysis.analyse_file(columns, experiment.registration)
    return _keep_results(actor, experiment, results, {"source": "file", "file_name": name[:200], "rows": rows})


@transaction.atomic
def results_from_summaries(
    *, actor: User, experiment: Experiment, control: dict[str, Any], treatment: dict[str, Any]
) -> Experiment:
    """Analyse each group's summary of the primary metric: its size and either its count of
    successes (a proportion) or its mean and standard deviation."""
    experiment = locked(experiment)
    require("lab.record_results", experiment, actor=actor)
    plan = experiment.registration
    groups = {}
    errors: dict[str, list[str]] = {}
    for prefix, values in (("control", control), ("treatment", treatment)):
        n = values.get("n")
        if n is None or n < 2:
            errors[f"{prefix}_n"] = [_("Give the number of units in the group, at least 2.")]
            continue
        if plan["metric_kind"] == MetricKind.PROPORTION:
            successes = values.get("successes")
            if successes is None or not 0 <= successes <= n:
                errors[f"{prefix}_successes"] = [
                    _("Give how many of the group's units succeeded, from 0 to the group's size.")
                ]
                continue
            groups[prefix] = statistics.GroupSummary.of_proportion(successes, n)
        else:
            mean, sd = values.get("mean"), values.get("sd")
            if mean is None:
                errors[f"{prefix}_mean"] = [_("Give the group's mean.")]
            if sd is None or sd < 0:
                errors[f"{prefix}_sd"] = [_("Give the group's standard deviation, zero or more.")]
            if mean is not None and sd is not None and sd >= 0:
                groups[prefix] = statistics.GroupSummary(n=n, value=mean, sd=sd)
    if errors:
        raise ValidationError(errors)
    results = analysis.analyse_summaries(groups["control"], groups["treatment"], plan)
    return _keep_results(actor, experiment, results, {"source": "summaries", "rows": None, "file_name": ""})


@transaction.atomic
def experiment_conclude(*, actor: User, experiment: Experiment, conclusion: str, learned: str) -> Experiment:
    experiment = locked(experiment)
    require("lab.conclude_experiment", experiment, actor=actor)
    errors = {}
    if conclusion not in Conclusion.values:
        errors["conclusion"] = [_("Choose the conclusion: supported, not supported or inconclusive.")]
    try:
        learned = clean_text(
            learned, limit=TEXT_LIMIT, field="learned", required=_("Write what was learned: others build on it.")
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    experiment.conclusion, experiment.learned = conclusion, learned
    EXPERIMENT_LIFECYCLE.apply(
        experiment, "conclude", actor=actor, reason=learned, update_fields=["conclusion", "learned"]
    )
    notify(
        [experiment.project.sponsor],
        "lab.experiment_concluded",
        params={"experiment": experiment.title, "conclusion": experiment.get_conclusion_display()},
        url=experiment.get_absolute_url(),
    )
    return experiment
