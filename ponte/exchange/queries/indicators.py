"""The staff exchange's figures on the leadership dashboard (core.indicators): the people whose
application their organisation approved, public servants and company employees, added up
since the first round. Counts only: who took part stays with the exchange."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ponte.core.indicators import Indicator

from ..models import Application, ApplicationStatus, Side

SECTION = _("Staff exchange")


def participants() -> QuerySet[Application]:
    return Application.objects.filter(status=ApplicationStatus.APPROVED)


INDICATORS = [
    Indicator(
        key="exchange.participants",
        section=SECTION,
        label=_("Exchange participants, by side, since the first round"),
        rows=participants,
        dated_by="decided_at",
        organisation="organisation",
        split_by="side",
        split_labels=lambda: dict(Side.choices),
        cumulative=True,
    ),
]
