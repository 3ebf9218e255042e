"""The public register of exemptions: every rule waived, for whom, where, from when to when,
under which conditions — as a list with filters, a page per exemption, an Atom feed and CSV."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy

from ponte.core import links
from ponte.core.csvexport import csv_response
from ponte.core.pagecache import public_page
from ponte.core.paging import paginate

from ..models import Exemption, ExemptionPhase
from ..queries import register as queries


def _year(text: str) -> int | None:
    return int(text) if text.isdigit() and 1900 <= int(text) <= 2999 else None


@public_page
def register(request):
    """Every exemption granted, newest first, filtered by phase, ministry and year."""
    phase = request.GET.get("phase", "")
    ministries = queries.ministries_with_exemptions()
    # Only a ministry of the list filters: anything else a client sends is ignored.
    ministry = request.GET.get("ministry", "")
    ministry = ministry if ministry in {slug for slug, _name in ministries} else ""
    year = _year(request.GET.get("year", ""))
    exemptions = queries.filtered(queries.exemptions_listed(), phase=phase, ministry=ministry, year=year)
    context = {
        "page": paginate(request, exemptions),
        "filters": {"phase": phase if phase in ExemptionPhase.values else "", "ministry": ministry, "year": year},
        "phases": ExemptionPhase.choices,
        "ministries": ministries,
        "years": queries.years_with_exemptions(),
        "outcomes": queries.outcome_shares(),
    }
    return render(request, "sandbox/register/list.html", context)


@public_page
def exemption_detail(request, pk):
    exemption = queries.exemption_for(pk)
    if exemption is None:
        raise Http404
    application = exemption.application
    context = {
        "exemption": exemption,
        "application": application,
        "rules": list(application.rules.all()),
        "partners": list(application.partners.all()),
        "reports": list(exemption.reports.all()),
        "trail": links.trail(exemption, request.user),
        "can_answer_sponsorship": request.user.has_perm("sandbox.answer_sponsorship", exemption),
    }
    return render(request, "sandbox/register/detail.html", context)


class RegisterFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Exemptions granted on Ponte")
    subtitle = gettext_lazy("Rules waived for a time, so that public bodies can test a better way of working.")
    link = reverse_lazy("sandbox:register")

    def items(self):
        return Exemption.objects.select_related("application__coordinator").order_by("-created_at", "-pk")[:50]

    def item_title(self, item):
        return item.application.title

    def item_description(self, item):
        return item.application.alternative

    def item_link(self, item):
        return item.get_absolute_url()

    def item_author_name(self, item):
        return item.application.coordinator.name

    def item_pubdate(self, item):
        return item.created_at


COLUMNS = [
    "reference",
    "title",
    "phase",
    "outcome",
    "starts",
    "ends",
    "applying_body",
    "network",
    "ministry",
    "rules",
    "legal_basis",
    "conditions",
    "territory",
    "population",
    "objective",
    "baseline",
    "url",
]


def _rows(request):
    yield COLUMNS
    exemptions = (
        queries.exemptions_listed(timezone.localdate())
        .prefetch_related("application__rules", "application__partners")
        .order_by("starts", "pk")
    )
    for exemption in exemptions.iterator(chunk_size=500):
        application = exemption.application
        yield [
            exemption.reference,
            application.title,
            exemption.phase_now,
            exemption.outcome,
            exemption.starts.isoformat(),
            exemption.ends.isoformat(),
            application.coordinator.slug,
            " ".join(body.slug for body in application.partners.all()),
            application.ministry.slug,
            " | ".join(f"{rule.legal_reference}, {rule.article}" for rule in application.rules.all()),
            exemption.legal_basis,
            exemption.conditions,
            application.territory,
            application.population,
            application.objective,
            application.baseline,
            request.build_absolute_uri(exemption.get_absolute_url()),
        ]


@public_page
def register_csv(request):
    return csv_response(_rows(request), "ponte-sandbox-register.csv")
