"""Reminders of the exemptions, sent by `send_sandbox_reminders` once a day: a progress report
due soon (to the applicants), a report overdue (to the programme managers and the ministry), and
an exemption ending soon (to both sides). Each is sent once per exemption, kind and date: the
database's constraint holds it even when two run at once or one runs again after a restart."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from ..models import Exemption, ExemptionPhase, Reminder, ReminderKind
from . import audience

REPORT_REMINDER_DAYS = 14
ENDING_REMINDER_DAYS = 30


def _once(exemption: Exemption, kind: str, due_on: date) -> bool:
    """Record the reminder; False when it was already sent."""
    try:
        with transaction.atomic():
            Reminder.objects.create(exemption=exemption, kind=kind, due_on=due_on)
    except IntegrityError:
        return False
    return True


def send_sandbox_reminders(today: date | None = None) -> dict[str, int]:
    """Send what is due today; returns how many of each kind were sent."""
    today = today or timezone.localdate()
    running = (
        Exemption.objects.with_phase(today)
        .filter(phase_now__in=(ExemptionPhase.ACTIVE, ExemptionPhase.EXPIRED))
        .select_related("application__coordinator")
    )
    sent = dict.fromkeys(ReminderKind.values, 0)
    for exemption in running.filter(
        next_report_due__gte=today, next_report_due__lte=today + timedelta(days=REPORT_REMINDER_DAYS)
    ):
        if _once(exemption, ReminderKind.REPORT_DUE, exemption.next_report_due):
            audience.tell_applicants(
                exemption.application, "sandbox.report_due", due=date_format(exemption.next_report_due, "DATE_FORMAT")
            )
            sent[ReminderKind.REPORT_DUE] += 1
    for exemption in running.filter(next_report_due__lt=today):
        if _once(exemption, ReminderKind.REPORT_OVERDUE, exemption.next_report_due):
            audience.tell_deciders(
                exemption.application,
                "sandbox.report_overdue",
                due=date_format(exemption.next_report_due, "DATE_FORMAT"),
            )
            sent[ReminderKind.REPORT_OVERDUE] += 1
    ending = running.filter(phase_now=ExemptionPhase.ACTIVE, ends__lte=today + timedelta(days=ENDING_REMINDER_DAYS))
    for exemption in ending:
        if _once(exemption, ReminderKind.ENDING, exemption.ends):
            params = {"ends": date_format(exemption.ends, "DATE_FORMAT")}
            audience.tell_applicants(exemption.application, "sandbox.exemption_ending", **params)
            audience.tell_deciders(exemption.application, "sandbox.exemption_ending", **params)
            sent[ReminderKind.ENDING] += 1
    return sent
