"""The marketplace's figures on the leadership dashboard (core.indicators): challenges published,
proposals received, the share from SMEs, and the value awarded. Proposals are counted only once
their challenge's deadline has passed: until then they are sealed, even as a number."""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ponte.core.indicators import SUM, Indicator

from ..models import Award, Challenge, Proposal, ProposalStatus

SECTION = _("Challenge marketplace")


def published() -> QuerySet[Challenge]:
    return Challenge.objects.was_published()


def proposals() -> QuerySet[Proposal]:
    """Proposals sent to challenges whose deadline has passed (never withdrawn ones)."""
    return Proposal.objects.filter(challenge__deadline__lte=timezone.now()).exclude(status=ProposalStatus.WITHDRAWN)


def proposals_from_smes() -> QuerySet[Proposal]:
    return proposals().filter(company__is_sme=True)


def awards() -> QuerySet[Award]:
    return Award.objects.select_related("challenge", "supplier")


INDICATORS = [
    Indicator(
        key="challenges.published",
        section=SECTION,
        label=_("Challenges published"),
        rows=lambda: published().only("pk", "title"),
        dated_by="published_at",
        organisation="owner",
        describe=lambda challenge: (challenge.title, challenge.get_absolute_url()),
    ),
    Indicator(
        key="challenges.proposals",
        section=SECTION,
        label=_("Proposals received (once the deadline has passed)"),
        rows=proposals,
        dated_by="submitted_at",
        organisation="challenge__owner",
    ),
    Indicator(
        key="challenges.proposals_from_smes",
        section=SECTION,
        label=_("Share of proposals from small and medium-sized enterprises (%)"),
        rows=proposals_from_smes,
        dated_by="submitted_at",
        organisation="challenge__owner",
        share_of="challenges.proposals",
        decimals=1,
    ),
    Indicator(
        key="challenges.awarded_value",
        section=SECTION,
        label=_("Value awarded (EUR, excluding VAT)"),
        rows=awards,
        dated_by="awarded_at",
        organisation="challenge__owner",
        measure=SUM,
        measured="value",
        unit="EUR",
        describe=lambda award: (f"{award.challenge.title} — {award.supplier.name}", award.challenge.get_absolute_url()),
    ),
]
