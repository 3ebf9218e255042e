"""An exemption while it runs and after: the applicants send a progress report for each due
date; the ministry may revoke it with a reason; once it is over, the applicants evaluate it
against its baseline, and the ministry records its outcome — the rule changed permanently, the
exemption extended, or expired. Permission-checked, transactional, audited and told."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ponte.core import audit
from ponte.core.services import clean_text, locked, require

from ..models import (
    REASON_LIMIT,
    TEXT_LIMIT,
    Exemption,
    Outcome,
    ProgressReport,
    latest_end,
)
from . import audience

if TYPE_CHECKING:
    from ponte.accounts.models import User

MEASURE_LIMIT = 300


@transaction.atomic
def report_send(*, actor: User, exemption: Exemption, progress: str, measure: str) -> ProgressReport:
    """The progress report for the first due date without one; the next due date follows."""
    exemption = locked(exemption)
    require("sandbox.report_progress", exemption, actor=actor)
    errors: dict[str, list[str]] = {}
    kept = {}
    for name, value, limit, needed in (
        ("progress", progress, TEXT_LIMIT, _("Say how the experiment is going, against its objective.")),
        ("measure", measure, MEASURE_LIMIT, _("Give where the objective's measure stands now.")),
    ):
        try:
            kept[name] = clean_text(value, limit=limit, field=name, required=needed)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    due = exemption.next_report_due
    report = ProgressReport.objects.create(exemption=exemption, due_on=due, submitted_by=actor, **kept)
    exemption.next_report_due = exemption.first_due_after(due)
    exemption.save(update_fields=["next_report_due"])
    audit.record(
        actor=actor,
        verb="report_progress",
        target=exemption.application,
        after={"due_on": due.isoformat(), "measure": report.measure},
    )
    audience.tell_deciders(exemption.application, "sandbox.report_sent", due=date_format(due, "DATE_FORMAT"))
    return report


@transaction.atomic
def exemption_revoke(*, actor: User, exemption: Exemption, reason: str) -> Exemption:
    """End an exemption before its last day, with a reason the public reads in the register."""
    exemption = locked(exemption)
    require("sandbox.revoke_exemption", exemption, actor=actor)
    reason = clean_text(
        reason,
        limit=REASON_LIMIT,
        field="reason",
        required=_("Say why the exemption is revoked: the public reads it in the register."),
    )
    now = timezone.now()
    exemption.revoked_at, exemption.revoked_by, exemption.revoke_reason = now, actor, reason
    exemption.outcome, exemption.outcome_at = Outcome.REVOKED, now
    # No report is due of an exemption that no longer runs.
    exemption.next_report_due = None
    exemption.save(
        update_fields=["revoked_at", "revoked_by", "revoke_reason", "outcome", "outcome_at", "next_report_due"]
    )
    audit.record(actor=actor, verb="revoke", target=exemption.application, before={"phase": "active"}, reason=reason)
    audience.tell_applicants(exemption.application, "sandbox.exemption_revoked", reason=reason)
    return exemption


@transaction.atomic
def evaluation_write(*, actor: User, exemption: Exemption, evaluation: str, result: str, lessons: str) -> Exemption:
    """The applicants' final evaluation, once the exemption is over: what it achieved against
    its baseline, and what others can learn from it."""
    exemption = locked(exemption)
    require("sandbox.evaluate_exemption", exemption, actor=actor)
    errors: dict[str, list[str]] = {}
    kept = {}
    for name, value, limit, needed in (
        ("evaluation", evaluation, TEXT_LIMIT, _("Evaluate the experiment: how it went, and for whom.")),
        ("result", result, TEXT_LIMIT, _("Give the result against the baseline.")),
        ("lessons", lessons, TEXT_LIMIT, _("Write the lessons others can learn from it.")),
    ):
        try:
            kept[name] = clean_text(value, limit=limit, field=name, required=needed)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    before = {name: getattr(exemption, name) for name in kept}
    for name, value in kept.items():
        setattr(exemption, name, value)
    exemption.evaluated_at = timezone.now()
    exemption.save(update_fields=[*kept, "evaluated_at"])
    audit.record(actor=actor, verb="evaluate", target=exemption.application, before=before, after=kept)
    audience.tell_deciders(exemption.application, "sandbox.exemption_evaluated")
    return exemption


@transaction.atomic
def outcome_record(
    *, actor: User, exemption: Exemption, outcome: str, note: str, extended_until: date | None = None
) -> Exemption:
    """The ministry records what came of an exemption that is over: the rule changed, the
    exemption extended (to a new last day, within the maximum duration), or expired."""
    exemption = locked(exemption)
    require("sandbox.record_outcome", exemption, actor=actor)
    errors: dict[str, list[str]] = {}
    if outcome not in (Outcome.RULE_CHANGED, Outcome.EXTENDED, Outcome.EXPIRED):
        errors["outcome"] = [_("Choose what came of the experiment.")]
    try:
        note = clean_text(note, limit=TEXT_LIMIT, field="note", required=_("Say what came of it, and why."))
    except ValidationError as error:
        errors.update(error.message_dict)
    fields = ["outcome", "outcome_note", "outcome_at"]
    if outcome == Outcome.EXTENDED:
        latest = latest_end(exemption.starts)
        if not isinstance(extended_until, date) or extended_until <= max(exemption.ends, timezone.localdate()):
            errors["extended_until"] = [_("Give the new last day: after today and after the last day.")]
        elif extended_until > latest:
            errors["extended_until"] = [
                _("An exemption runs until %(latest)s at the latest, counted from its first day.")
                % {"latest": date_format(latest, "DATE_FORMAT")}
            ]
        else:
            exemption.ends = extended_until
            exemption.next_report_due = exemption.first_due_after(
                exemption.reports.order_by("-due_on").values_list("due_on", flat=True).first()
            )
            fields += ["ends", "next_report_due"]
    elif outcome in (Outcome.RULE_CHANGED, Outcome.EXPIRED):
        # Settled: the reports still missing are asked for no more.
        exemption.next_report_due = None
        fields.append("next_report_due")
    if errors:
        raise ValidationError(errors)
    before = {"outcome": exemption.outcome}
    exemption.outcome, exemption.outcome_note, exemption.outcome_at = outcome, note, timezone.now()
    exemption.save(update_fields=fields)
    after = {"outcome": outcome, **({"ends": exemption.ends.isoformat()} if outcome == Outcome.EXTENDED else {})}
    audit.record(
        actor=actor, verb="record_outcome", target=exemption.application, before=before, after=after, reason=note
    )
    audience.tell_applicants(exemption.application, "sandbox.outcome_recorded")
    return exemption
