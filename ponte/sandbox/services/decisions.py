"""The ministry's decision on a final application: approve it — with conditions, a legal basis
(an order number), a first and a last day within the maximum duration, and a sponsor — which
grants the exemption; or reject it, at any step after it was sent, with reasons the applicants
read. Only the responsible ministry decides; every decision is audited and told."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ponte.core import links, sponsorship
from ponte.core.registry import registry
from ponte.core.services import clean_text, locked, require

from ..models import (
    APPLICATION_LIFECYCLE,
    LEGAL_BASIS_LIMIT,
    REASON_LIMIT,
    REPORT_EVERY_MONTHS_DEFAULT,
    TEXT_LIMIT,
    Application,
    Exemption,
)
from . import audience
from .applications import check_dates
from .sponsorship import EVERY_EXEMPTION_HAS_ONE, tell_sponsor

# The link from an exemption to the lab project that runs its experiment (contributions.py).
EXEMPTION_FOR_PROJECT = "sandbox.exemption_for_project"

if TYPE_CHECKING:
    from ponte.accounts.models import User


def _day(value, field: str, message: str, errors: dict) -> date | None:
    if not isinstance(value, date) or hasattr(value, "hour"):
        errors[field] = [message]
        return None
    return value


@transaction.atomic
def application_approve(
    *,
    actor: User,
    application: Application,
    conditions: str,
    legal_basis: str,
    starts,
    ends,
    sponsor,
    report_every_months: int = REPORT_EVERY_MONTHS_DEFAULT,
) -> Exemption:
    application = locked(application)
    require("sandbox.approve_application", application, actor=actor)
    errors: dict[str, list[str]] = {}
    kept = {}
    for name, value, limit, needed in (
        ("conditions", conditions, TEXT_LIMIT, _("Give the conditions of the exemption, or say there are none.")),
        (
            "legal_basis",
            legal_basis,
            LEGAL_BASIS_LIMIT,
            _("Give the legal basis of the decision: the order or decree number."),
        ),
    ):
        try:
            kept[name] = clean_text(value, limit=limit, field=name, required=needed)
        except ValidationError as error:
            errors.update(error.message_dict)
    starts = _day(starts, "starts", _("Give the first day of the exemption."), errors)
    ends = _day(ends, "ends", _("Give the last day of the exemption."), errors)
    if starts is not None and starts < timezone.localdate():
        errors.setdefault("starts", []).append(_("The first day has passed: give today or a later day."))
    check_dates(starts, ends, errors)
    if (
        isinstance(report_every_months, bool)
        or not isinstance(report_every_months, int)
        or not 1 <= report_every_months <= 12
    ):
        errors["report_every_months"] = [_("Give how often progress reports are due, from every 1 to every 12 months.")]
    try:
        sponsorship.check_sponsor(sponsor, EVERY_EXEMPTION_HAS_ONE)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    exemption = Exemption(
        application=application,
        starts=starts,
        ends=ends,
        sponsor=sponsor,
        sponsorship_asked_at=timezone.now(),
        decided_by=actor,
        report_every_months=report_every_months,
        **kept,
    )
    exemption.next_report_due = exemption.first_due_after(None)
    exemption.save()
    application.decided_by = actor
    APPLICATION_LIFECYCLE.apply(
        application,
        "approve",
        actor=actor,
        reason=f"{kept['legal_basis']}: {kept['conditions']}",
        update_fields=["decided_by"],
    )
    if application.lab_project is not None and EXEMPTION_FOR_PROJECT in registry.link_kinds:
        # The project's trail shows the exemption it runs under (core.links).
        links.connect_to(kind=EXEMPTION_FOR_PROJECT, source=exemption, target_id=application.lab_project, actor=actor)
    audience.tell_applicants(application, "sandbox.application_approved", legal_basis=kept["legal_basis"])
    tell_sponsor(exemption)
    return exemption


@transaction.atomic
def application_reject(*, actor: User, application: Application, reason: str) -> Application:
    application = locked(application)
    require("sandbox.reject_application", application, actor=actor)
    reason = clean_text(
        reason,
        limit=REASON_LIMIT,
        field="reason",
        required=_("Give the reasons for the rejection: the applicants read them."),
    )
    application.reject_reason, application.decided_by = reason, actor
    APPLICATION_LIFECYCLE.apply(
        application, "reject", actor=actor, reason=reason, update_fields=["reject_reason", "decided_by"]
    )
    audience.tell_applicants(application, "sandbox.application_rejected", reason=reason)
    return application
