"""Reminders of sessions, sent by `send_learning_reminders` (every hour, or at least daily): a day
or two before a session starts, each person enrolled is told, with a link to its page and its
calendar file. Each enrolment is reminded once for each start: the conditional write below lets
one sender through even when two run at once, and a session moved to a new date is reminded again."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format

from ponte.core import notifications

from ..models import Enrolment, EnrolmentStatus

REMIND_BEFORE = timedelta(hours=48)


def send_learning_reminders(now: datetime | None = None) -> int:
    """Remind those enrolled in the sessions starting within REMIND_BEFORE; returns how many."""
    now = now or timezone.now()
    due = (
        Enrolment.objects.filter(
            status=EnrolmentStatus.ENROLLED,
            session__cancelled_at__isnull=True,
            session__starts_at__gt=now,
            session__starts_at__lte=now + REMIND_BEFORE,
        )
        .filter(Q(reminded_for__isnull=True) | ~Q(reminded_for=F("session__starts_at")))
        .select_related("session__course", "person")
    )
    sent = 0
    for enrolment in due:
        session = enrolment.session
        with transaction.atomic():
            claimed = (
                Enrolment.objects.filter(pk=enrolment.pk)
                .filter(Q(reminded_for__isnull=True) | ~Q(reminded_for=session.starts_at))
                .update(reminded_for=session.starts_at)
            )
            if not claimed:
                continue
            notifications.notify(
                [enrolment.person],
                "learning.session_soon",
                params={
                    "course": session.course.title,
                    "starts": date_format(timezone.localtime(session.starts_at), "DATETIME_FORMAT"),
                },
                url=session.get_absolute_url(),
            )
        sent += 1
    return sent
