"""Open data: the public challenges as CSV, and the public state every reader is shown."""

from __future__ import annotations

import csv

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import queries
from .models import Challenge, Status

COLUMNS = [
    "id",
    "title",
    "organisation",
    "instrument",
    "budget_ceiling",
    "currency",
    "deadline",
    "status",
    "sectors",
    "cpv_codes",
    "published_at",
    "url",
]

CURRENCY = "EUR"

# The state a reader is shown. "closed" is derived from the deadline, never stored; a
# published challenge whose revision is being reviewed stays public, "under review".
STATE_LABELS = {
    "open": _("Open"),
    "closed": _("Closed"),
    "cancelled": _("Cancelled"),
    "under review": _("Under review"),
}


def public_state(challenge: Challenge, now=None) -> str:
    """open, closed, cancelled or under review for a challenge that was published; for one
    that never was, its status (draft, awaiting_review…)."""
    if challenge.status == Status.CANCELLED:
        return "cancelled"
    if challenge.status == Status.PUBLISHED:
        now = now or timezone.now()
        return "open" if challenge.deadline is not None and now < challenge.deadline else "closed"
    if challenge.published_at is not None:
        return "under review"
    return challenge.status


class _Echo:
    def write(self, value):
        return value


def _rows(request):
    challenges = (
        queries.public_challenges().select_related("owner").prefetch_related("sectors", "cpv_codes").order_by("pk")
    )
    now = timezone.now()
    yield COLUMNS
    for c in challenges.iterator(chunk_size=1000):
        yield [
            c.pk,
            c.title,
            c.owner.name,
            c.instrument,
            f"{c.budget_ceiling:.2f}" if c.budget_ceiling is not None else "",
            CURRENCY,
            c.deadline.isoformat() if c.deadline else "",
            public_state(c, now),
            ";".join(sorted(s.code for s in c.sectors.all())),
            ";".join(sorted(code.code for code in c.cpv_codes.all())),
            c.published_at.isoformat() if c.published_at else "",
            request.build_absolute_uri(c.get_absolute_url()),
        ]


def challenges_csv(request):
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in _rows(request)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="ponte-challenges.csv"'
    return response
