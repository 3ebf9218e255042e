"""The regulatory sandbox's figures on the leadership dashboard (core.indicators): exemptions
granted, those running now, and the outcomes recorded. The register is public, and so are they."""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ponte.core.indicators import Indicator

from ..models import Exemption, Outcome

SECTION = _("Regulatory sandbox")


def exemptions() -> QuerySet[Exemption]:
    return Exemption.objects.select_related("application")


def running_now() -> QuerySet[Exemption]:
    today = timezone.localdate()
    return exemptions().filter(revoked_at__isnull=True, starts__lte=today, ends__gte=today)


def outcomes() -> QuerySet[Exemption]:
    return exemptions().exclude(outcome="")


def _exemption(exemption: Exemption) -> tuple[str, str]:
    return f"{exemption.reference} {exemption.application.title}", exemption.get_absolute_url()


INDICATORS = [
    Indicator(
        key="sandbox.exemptions_granted",
        section=SECTION,
        label=_("Exemptions granted"),
        rows=exemptions,
        dated_by="created_at",
        organisation="application__coordinator",
        describe=_exemption,
    ),
    Indicator(
        key="sandbox.exemptions_running",
        section=SECTION,
        label=_("Exemptions running today"),
        rows=running_now,
        dated_by=None,
        organisation="application__coordinator",
        describe=_exemption,
    ),
    Indicator(
        key="sandbox.outcomes",
        section=SECTION,
        label=_("Outcomes of exemptions, by outcome"),
        rows=outcomes,
        dated_by="outcome_at",
        organisation="application__coordinator",
        split_by="outcome",
        split_labels=lambda: dict(Outcome.choices),
        describe=_exemption,
    ),
]
