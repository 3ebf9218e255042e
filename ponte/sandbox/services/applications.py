"""Preliminary applications: the members of a public body write one — alone, or coordinating a
network of bodies — as a draft, with each rule to waive; send it, complete, to the ministry
responsible for the rules and to the programme managers while its call is open; or withdraw
it. Every step is permission-checked, transactional, audited and told to whom it concerns."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ponte.core import audit, versions
from ponte.core.registry import registry
from ponte.core.services import clean_text, locked, require
from ponte.organisations.models import Kind, Status, Tier

from ..eli import clean_eli
from ..models import (
    APPLICATION_LIFECYCLE,
    ARTICLE_LIMIT,
    PARTNERS_LIMIT,
    REASON_LIMIT,
    REFERENCE_LIMIT,
    RULES_LIMIT,
    SEND_VERBS,
    TEXT_LIMIT,
    TITLE_LIMIT,
    Application,
    Call,
    CallPhase,
    Rule,
    latest_end,
)
from . import audience

if TYPE_CHECKING:
    from ponte.accounts.models import User
    from ponte.organisations.models import Organisation

TEXTS = (
    "barrier",
    "alternative",
    "objective",
    "baseline",
    "measurement",
    "affected",
    "safeguards",
    "evaluation_plan",
)
ATTESTATIONS = ("attests_lawful", "attests_no_advantage", "attests_legal_certainty")
FIELDS = (
    "title",
    "theme",
    "ministry",
    "partners",
    *TEXTS,
    "territory",
    "population",
    "starts",
    "ends",
    *ATTESTATIONS,
    "legal_statement",
    "lab_project",
)
# The kind of model a lab project is, for the links through core (core.links).
LAB_PROJECT = "lab.project"


def needed_messages() -> dict[str, str]:
    """What sending needs of each field, said as the applicant reads it when it is missing."""
    return {
        "ministry": _("Choose the ministry responsible for the rules to waive."),
        "barrier": _("Say how the rules stand in the way."),
        "alternative": _("Describe the new way of working you want to test."),
        "objective": _("Give the objective the experiment must reach, measurably."),
        "baseline": _("Give the baseline: where the objective's measure stands today."),
        "measurement": _("Say how the objective will be measured, and by whom."),
        "territory": _("Give the territory the experiment covers."),
        "population": _("Give how many people the experiment covers."),
        "affected": _("Say who is affected: citizens, businesses, staff."),
        "starts": _("Give the planned first day of the experiment."),
        "ends": _("Give the planned last day of the experiment."),
        "safeguards": _("Describe the safeguards that protect the people affected."),
        "evaluation_plan": _("Describe how the experiment will be evaluated."),
        "attests_lawful": _("Attest that the experiment breaches neither the constitution nor EU law."),
        "attests_no_advantage": _("Attest that the experiment gives no financial advantage at others' expense."),
        "attests_legal_certainty": _("Attest that the experiment keeps citizens' legal certainty."),
        "rules": _("Add at least one rule to waive."),
        "legal_statement": _(
            "Write the draft local statement of legal status: which rules apply to the people affected "
            "during the experiment."
        ),
    }


def _is_verified_body(organisation) -> bool:
    return organisation is not None and organisation.kind == Kind.PUBLIC_BODY and organisation.status == Status.VERIFIED


def check_dates(starts, ends, errors: dict) -> None:
    """The last day on or after the first, and within the deployment's maximum duration."""
    if starts is None or ends is None:
        return
    if ends < starts:
        errors.setdefault("ends", []).append(_("The last day must come on or after the first day."))
    elif ends > latest_end(starts):
        errors.setdefault("ends", []).append(
            ngettext(
                "An experiment runs %(years)s year at most: the last day can be %(latest)s at the latest.",
                "An experiment runs %(years)s years at most: the last day can be %(latest)s at the latest.",
                settings.PONTE_SANDBOX_MAX_YEARS,
            )
            % {
                "years": settings.PONTE_SANDBOX_MAX_YEARS,
                "latest": date_format(latest_end(starts), "DATE_FORMAT"),
            }
        )


def _dates(starts, ends, errors: dict, *, held: Application | None) -> None:
    """The planned dates: the last after the first, within the maximum duration, and the first
    not already past (unless it is what the application held)."""
    today = timezone.localdate()
    if starts is not None and starts < today and (held is None or held.starts != starts):
        errors.setdefault("starts", []).append(_("The planned first day has passed: give a later one."))
    check_dates(starts, ends, errors)


def population_too_small(population: int | None) -> str:
    minimum = settings.PONTE_SANDBOX_MIN_POPULATION
    if population is not None and minimum and population < minimum:
        return _("An experiment must cover at least %(minimum)s people: this one covers %(population)s.") % {
            "minimum": number_format(minimum, force_grouping=True),
            "population": number_format(population, force_grouping=True),
        }
    return ""


def _checked(application: Application, values: dict[str, Any]) -> dict[str, Any]:
    """The fields as kept, or a ValidationError naming every field that is wrong. A draft may
    leave any of them empty but its title; what it holds must be right."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(f"Not a field of an application: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    kept: dict[str, Any] = {}
    try:
        kept["title"] = clean_text(
            values.get("title", application.title),
            limit=TITLE_LIMIT,
            field="title",
            required=_("Give the application a title: the experiment in a few words."),
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    for name in (*TEXTS, "territory", "theme", "legal_statement"):
        if name in values:
            limit = TITLE_LIMIT if name in ("territory", "theme") else TEXT_LIMIT
            try:
                kept[name] = clean_text(values[name], limit=limit, field=name)
            except ValidationError as error:
                errors.update(error.message_dict)
    if kept.get("theme") and kept["theme"] not in application.call.themes:
        errors["theme"] = [_("Choose one of the call's priority themes, or none.")]
    if "ministry" in values:
        ministry = values["ministry"]
        if ministry is not None and not (_is_verified_body(ministry) and ministry.tier == Tier.MINISTRY):
            errors["ministry"] = [_("Choose the ministry responsible for the rules from the list.")]
        kept["ministry"] = ministry
    if "population" in values:
        population = values["population"]
        if population is not None and (
            isinstance(population, bool) or not isinstance(population, int) or population < 0
        ):
            errors["population"] = [_("Give the population covered as a whole number of people.")]
        elif too_small := population_too_small(population):
            errors["population"] = [too_small]
        kept["population"] = population
    for name in ("starts", "ends"):
        if name in values:
            value = values[name]
            if value is not None and (not isinstance(value, date) or hasattr(value, "hour")):
                errors[name] = [_("Give a date.")]
                value = None
            kept[name] = value
    _dates(kept.get("starts", application.starts), kept.get("ends", application.ends), errors, held=application)
    for name in ATTESTATIONS:
        if name in values:
            kept[name] = bool(values[name])
    if "lab_project" in values:
        kept["lab_project"] = values["lab_project"]
    if errors:
        raise ValidationError(errors)
    return kept


def _check_lab_project(actor, kept: dict) -> None:
    """A lab project is named only if the lab is there and the person may see it."""
    project = kept.get("lab_project")
    if project is None:
        return
    linked = registry.linked_models.get(LAB_PROJECT)
    valid = isinstance(project, int) and not isinstance(project, bool) and 0 < project < 2**63
    if linked is None or not valid or project not in linked.shown(actor, [project]):
        raise ValidationError({"lab_project": [_("Choose a lab project you can see, from the suggestions.")]})


def _partners(application: Application, partners) -> list[Organisation]:
    partners = list(dict.fromkeys(partners))
    if any(not _is_verified_body(body) for body in partners):
        raise ValidationError({"partners": [_("Only verified public bodies can join a network.")]})
    if any(body.pk == application.coordinator_id for body in partners):
        raise ValidationError(
            {"partners": [_("The applying body coordinates the network: do not name it among the other bodies.")]}
        )
    if len(partners) > PARTNERS_LIMIT:
        raise ValidationError({"partners": [_("Name at most %(limit)s other bodies.") % {"limit": PARTNERS_LIMIT}]})
    return partners


def _require_call_open(call: Call, field: str | None = None) -> None:
    if call.phase != CallPhase.OPEN:
        message = _("The call “%(call)s” is not open for applications: it is “%(phase)s”.") % {
            "call": call.title,
            "phase": call.get_phase_display(),
        }
        raise ValidationError({field: [message]} if field else message)


@transaction.atomic
def application_start(*, actor: User, call: Call, coordinator: Organisation, title: str) -> Application:
    """Start a draft for a verified public body one belongs to, in an open call."""
    require("sandbox.apply", call, actor=actor)
    if not _is_verified_body(coordinator) or not coordinator.memberships.filter(user=actor).exists():
        raise PermissionDenied("not a member of this public body")
    _require_call_open(call)
    application = Application(call=call, coordinator=coordinator, created_by=actor)
    kept = _checked(application, {"title": title})
    application.title = kept["title"]
    application.save()
    audit.record(
        actor=actor,
        verb="create",
        target=application,
        after={"title": application.title, "call": call.title, "coordinator": coordinator.name, "version": 1},
    )
    return application


@transaction.atomic
def application_update(
    *, actor: User, application: Application, seen_version: int | None, partners=None, **values
) -> list[str]:
    """Change a draft. Refused with versions.StaleEdit when someone saved it since the person's
    page was opened; returns the names of what changed."""
    application = locked(application)
    require("sandbox.change_application", application, actor=actor)
    kept = _checked(application, values)
    _check_lab_project(actor, kept)
    relations = {"partners": _partners(application, partners) if partners is not None else None}
    names = versions.update_seen(application, seen_version, kept, actor=actor, relations=relations)
    return [name for name in names if name != "version"]


def _rule_fields(values: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, list[str]] = {}
    kept: dict[str, str] = {}
    for name, limit, needed in (
        ("legal_reference", REFERENCE_LIMIT, _("Name the legal act the rule is in.")),
        ("article", ARTICLE_LIMIT, _("Give the article, section or paragraph of the rule.")),
        ("wording", TEXT_LIMIT, _("Quote what the rule says.")),
    ):
        try:
            kept[name] = clean_text(values.get(name, ""), limit=limit, field=name, required=needed)
        except ValidationError as error:
            errors.update(error.message_dict)
    try:
        kept["eli"] = clean_eli(values.get("eli", ""))
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return kept


def _audited_rule(rule: Rule) -> dict[str, str]:
    return {"rule": str(rule), "wording": rule.wording, "eli": rule.eli}


@transaction.atomic
def rule_add(*, actor: User, application: Application, **values) -> Rule:
    """Add a rule to waive to a draft."""
    application = locked(application)
    require("sandbox.change_application", application, actor=actor)
    kept = _rule_fields(values)
    count = application.rules.count()
    if count >= RULES_LIMIT:
        raise ValidationError(
            _("An application asks to waive %(limit)s rules at most: more is a reform, not an experiment.")
            % {"limit": RULES_LIMIT}
        )
    rule = Rule.objects.create(application=application, position=count, **kept)
    audit.record(actor=actor, verb="add_rule", target=application, after=_audited_rule(rule))
    return rule


@transaction.atomic
def rule_change(*, actor: User, rule: Rule, **values) -> list[str]:
    application = locked(rule.application)
    require("sandbox.change_application", application, actor=actor)
    kept = _rule_fields(values)
    changed = [name for name, value in kept.items() if getattr(rule, name) != value]
    if changed:
        before = _audited_rule(rule)
        Rule.objects.filter(pk=rule.pk).update(**kept)
        rule.refresh_from_db()
        audit.record(actor=actor, verb="change_rule", target=application, before=before, after=_audited_rule(rule))
    return changed


@transaction.atomic
def rule_remove(*, actor: User, rule: Rule) -> None:
    application = locked(rule.application)
    require("sandbox.change_application", application, actor=actor)
    audit.record(actor=actor, verb="remove_rule", target=application, before=_audited_rule(rule))
    rule.delete()


def missing_for_submission(application: Application) -> list[tuple[str, str]]:
    """What a draft still lacks before it can be sent: (field, message), in the form's order."""
    needed = needed_messages()
    missing = []
    for name in ("ministry", *TEXTS[:5], "territory", "population", "affected", "starts", "ends"):
        if getattr(application, name) in (None, ""):
            missing.append((name, needed[name]))
    for name in ("safeguards", "evaluation_plan", *ATTESTATIONS):
        if not getattr(application, name):
            missing.append((name, needed[name]))
    if not application.rules.exists():
        missing.append(("rules", needed["rules"]))
    if application.is_final_stage and not application.legal_statement:
        missing.append(("legal_statement", needed["legal_statement"]))
    return missing


# What each send tells those who decide.
SENT_KINDS = {
    "submit_preliminary": "sandbox.application_submitted",
    "resubmit": "sandbox.application_resubmitted",
    "submit_final": "sandbox.final_application_submitted",
}


@transaction.atomic
def application_submit(*, actor: User, application: Application) -> Application:
    """Send a complete application to the responsible ministry and the programme managers: a
    draft while its call is open, a preliminary application with the changes asked, or the
    final application with its draft local statement of legal status."""
    application = locked(application)
    require("sandbox.submit_application", application, actor=actor)
    verb = SEND_VERBS[application.status]
    if verb == "submit_preliminary":
        _require_call_open(Call.objects.get(pk=application.call_id))
    missing = missing_for_submission(application)
    errors: dict[str, list[str]] = {}
    for name, message in missing:
        errors.setdefault(name, []).append(message)
    if message := population_too_small(application.population):
        errors.setdefault("population", []).append(message)
    _dates(application.starts, application.ends, errors, held=None)
    if errors:
        raise ValidationError(errors)
    fields = []
    if verb == "submit_preliminary":
        application.submitted_by = actor
        fields.append("submitted_by")
    APPLICATION_LIFECYCLE.apply(application, verb, actor=actor, update_fields=fields)
    audience.tell_deciders(application, SENT_KINDS[verb])
    return application


@transaction.atomic
def application_withdraw(*, actor: User, application: Application, reason: str) -> Application:
    """Withdraw an application before it is decided. Once sent, the ministry reads why."""
    application = locked(application)
    require("sandbox.withdraw_application", application, actor=actor)
    sent = application.submitted_at is not None
    reason = clean_text(
        reason,
        limit=REASON_LIMIT,
        field="reason",
        required=_("Say why the application is withdrawn: the ministry and the programme managers read it.")
        if sent
        else "",
    )
    application.withdraw_reason = reason
    APPLICATION_LIFECYCLE.apply(application, "withdraw", actor=actor, reason=reason, update_fields=["withdraw_reason"])
    if sent:
        audience.tell_deciders(application, "sandbox.application_withdrawn", reason=reason)
    return application
