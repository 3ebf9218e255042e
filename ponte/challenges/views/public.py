"""The public marketplace: the challenge list with its filters, a challenge's page, the feed
and the CSV exports."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ponte.core import attachments, links
from ponte.core.amounts import parse_amount
from ponte.core.pagecache import kept_part, public_page
from ponte.core.paging import paginate
from ponte.core.registry import registry
from ponte.core.roles import is_staff_role
from ponte.organisations.models import Organisation
from ponte.organisations.queries import verified_companies_of
from ponte.reference.models import Sector

from .. import exports
from .. import rules as challenge_rules
from ..models import Award, Challenge, Instrument, Interest, Status
from ..queries import amendments as amendments_queries
from ..queries import phases as phases_queries
from ..queries import public as public_queries

STATES = {
    "open": gettext_lazy("Open"),
    "closed": gettext_lazy("Closed"),
    "awarded": gettext_lazy("Awarded"),
    "not_awarded": gettext_lazy("Closed without award"),
    "cancelled": gettext_lazy("Cancelled"),
}
CPV_PATTERN = re.compile(r"^\d{2,8}(-\d)?$")
SLUG_PATTERN = re.compile(r"^[-a-zA-Z0-9_]{1,220}$")
MAX_BUDGET = Decimal("9999999999.99")
MAX_QUERY = 200


def parse_filters(data) -> tuple[dict, dict, list[str]]:
    """What was typed (to show it again), what to filter on, and why a value was ignored."""
    typed = {
        key: data.get(key, "").strip().replace("\x00", "")[:MAX_QUERY]
        for key in ("q", "sector", "cpv", "instrument", "organisation", "status", "budget_max", "deadline_before")
    }
    use: dict = {"q": typed["q"]}
    problems: list[str] = []
    if typed["sector"] in Sector.values:
        use["sector"] = typed["sector"]
    elif typed["sector"]:
        problems.append(_("The sector is not one of the list; it is ignored."))
    if CPV_PATTERN.match(typed["cpv"]):
        use["cpv"] = typed["cpv"]
    elif typed["cpv"]:
        problems.append(
            _("A CPV code has 2 to 8 digits, such as 72000000 or 72000000-5; “%(cpv)s” is ignored.") % typed
        )
    if typed["instrument"] in Instrument.values:
        use["instrument"] = typed["instrument"]
    elif typed["instrument"]:
        problems.append(_("The instrument is not one of the list; it is ignored."))
    if typed["organisation"]:
        # A body's page links here with its slug; a person types part of a name.
        name = SLUG_PATTERN.match(typed["organisation"]) and public_queries.public_body_named(typed["organisation"])
        if name:
            use["organisation"], typed["organisation"] = typed["organisation"], name
        else:
            use["owner_name"] = typed["organisation"]
    if typed["status"] in STATES:
        use["state"] = typed["status"]
    elif typed["status"]:
        problems.append(_("The status is not one of the list; it is ignored."))
    if typed["budget_max"]:
        budget = parse_amount(typed["budget_max"])
        if budget is None or not budget.is_finite() or budget < 0 or budget > MAX_BUDGET:
            problems.append(_("The maximum budget must be an amount in euros, such as 30000; it is ignored."))
        else:
            use["budget_max"] = budget
    if typed["deadline_before"]:
        try:
            day = date.fromisoformat(typed["deadline_before"])
        except ValueError:
            problems.append(_("Give the date as YYYY-MM-DD, such as 2026-06-30; it is ignored."))
        else:
            use["deadline_before"] = timezone.make_aware(datetime.combine(day, time.max))
    return typed, use, problems


@public_page
def challenge_list(request):
    typed, use, problems = parse_filters(request.GET)

    def results() -> str:
        now = timezone.now()
        challenges = public_queries.challenge_list(request.user, now=now, **use)
        page = paginate(request, public_queries.in_public_order(challenges, now))
        public_queries.annotate_public_state(page.object_list, now)
        return render_to_string("challenges/list.html#results", {"page": page, "problems": problems}, request)

    # The results are the same for everyone: a person signed in reads them as kept for
    # visitors, around their own page.
    context = {"results": kept_part(request, "challenge-results", results), "filters": typed}
    if request.headers.get("HX-Request"):
        # htmx asks for the results alone when a filter changes; everyone else gets the page.
        return HttpResponse(context["results"])
    context.update(
        sectors=Sector.choices,
        instruments=Instrument.choices,
        states=list(STATES.items()),
        can_post=request.user.has_perm("challenges.add_challenge"),
    )
    return render(request, "challenges/list.html", context)


@public_page
def public_bodies(request):
    """The public bodies whose name holds what a person typed: the suggestions of the list's
    public-body filter, a few at a time."""
    text = request.GET.get("q", "").strip().replace("\x00", "")[:MAX_QUERY]
    bodies = public_queries.public_bodies_named(text)
    return JsonResponse({"results": [{"slug": slug, "name": name} for slug, name in bodies]})


@public_page
def challenge_detail(request, pk, slug):
    challenge = public_queries.challenge_detail(request.user, pk)
    if challenge is None:
        raise Http404
    if slug != challenge.slug:
        return redirect(challenge, permanent=True)
    now = timezone.now()
    public_queries.annotate_public_state([challenge], now)
    names = dict(settings.LANGUAGES)
    context = {
        "challenge": challenge,
        "languages": [names.get(code, code) for code in challenge.languages],
        "documents": attachments.attachments_of(challenge),
        "amendments": amendments_queries.amendments_of(challenge) if challenge.was_published else [],
        # What other modules connect to the challenge (a lab problem it started from), as far
        # as the viewer may see it.
        "trail": links.trail(challenge, request.user),
    }
    if request.user.is_authenticated:
        context["offered_links"] = registry.object_links_for(challenge, request.user)
        context["companies"] = list(verified_companies_of(request.user))
        context["interest"] = (
            Interest.objects.filter(challenge=challenge, user=request.user).select_related("company").first()
            if context["companies"]
            else None
        )
        context["can_follow"] = bool(context["companies"]) and request.user.has_perm(
            "challenges.express_interest", challenge
        )
        context["follow_companies"] = (
            phases_queries.invited_among(challenge, context["companies"]) if context["can_follow"] else []
        )
    context.update(_outcome(request.user, challenge))
    context["sponsorship"] = _sponsorship(request.user, challenge)
    context.update(_phases(request.user, challenge, context.get("companies", []), now))
    # Its times read in its public body's time, which the page names beside the deadline.
    with timezone.override(challenge.time_zone):
        return render(request, "challenges/detail.html", context)


def _phases(user, challenge, companies, now) -> dict:
    """The series a phase belongs to, as far as the viewer may see it (a next phase in
    preparation stays inside its public body), and who may submit to a later phase. A few
    queries whatever the number of phases: the series is read at once, and the rule reads
    the person's roles from the user object."""
    found = {"phases": [], "invited_names": None}
    if user.is_authenticated:
        found["can_add_next_phase"] = user.has_perm("challenges.add_next_phase", challenge)
    # Only a challenge awarded, named as a phase or following another can be part of a series.
    if not (challenge.phase_name or challenge.first_phase_id or challenge.status == Status.AWARDED):
        return found
    series = phases_queries.phases_of(challenge)
    if len(series) < 2 and not challenge.phase_name:
        return found
    phases = [
        phase for phase in series if phase.pk == challenge.pk or user.has_perm("challenges.view_challenge", phase)
    ]
    public_queries.annotate_public_state(phases, now)
    # A phase still in preparation comes last, after every phase already public: numbering the
    # visible ones numbers the series without revealing the draft.
    for number, phase in enumerate(phases, start=1):
        phase.number = number
        # "Phase 2 · Prototype"; a first phase the service named "Phase 1" is not named twice.
        phase.label = _("Phase %(number)s") % {"number": number}
        if phase.phase_name and phase.phase_name.casefold() != phase.label.casefold():
            phase.label = f"{phase.label} · {phase.phase_name}"
        if phase.pk == challenge.pk:
            challenge.number, challenge.label = number, phase.label
    found["phases"] = phases
    invited = phases_queries.invited_companies(challenge)
    if invited is not None:
        previous = next((phase for phase in phases if phase.pk == challenge.previous_phase_id), None)
        found["previous_name"] = previous.phase_name if previous is not None else ""
        found["invited_names"] = list(
            Organisation.objects.filter(pk__in=invited).order_by("name").values_list("name", flat=True)
        )
        # A company member none of whose companies was invited is told so by the proposals panel.
        challenge.not_invited = (
            bool(companies) and challenge.public_state == "open" and not any(c.pk in invited for c in companies)
        )
    return found


def _sponsorship(user, challenge) -> dict | None:
    """Who sponsors the challenge and what the reader may do about it, for its public body,
    the sponsor and programme managers; None for everyone else."""
    if not user.is_authenticated or not (
        challenge_rules.is_owner_member(user, challenge) or challenge.sponsor_id == user.pk or is_staff_role(user)
    ):
        return None
    return {
        "ask": user.has_perm("challenges.ask_sponsor", challenge),
        "answer": user.has_perm("challenges.answer_sponsorship", challenge),
    }


def _outcome(user, challenge) -> dict:
    """The public outcome (awards with their signed contracts, in one query) and the owner's
    next steps: the evaluation board, deciding the outcome, recording contracts."""
    found = {"awards": []}
    if challenge.status == Status.AWARDED:
        found["awards"] = list(
            Award.objects.filter(challenge=challenge)
            .select_related("supplier", "contract")
            .order_by("awarded_at", "pk")
        )
    if user.is_authenticated:
        found["can_view_evaluations"] = user.has_perm("challenges.view_evaluations", challenge)
        # A drafter may open the outcome page as soon as the evaluation starts: it says what is missing.
        found["can_decide"] = challenge_rules.is_drafter(user, challenge) and challenge_rules.is_in_evaluation(
            user, challenge
        )
        found["can_record_contract"] = bool(found["awards"]) and user.has_perm("challenges.record_contract", challenge)
    return found


class ChallengeFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Open challenges on Ponte")
    subtitle = gettext_lazy("Problems that public bodies ask companies to solve, open for proposals.")
    link = reverse_lazy("challenges:list")

    def items(self):
        return Challenge.objects.open().select_related("owner").order_by("-published_at", "-pk")[:50]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_absolute_url()

    def item_author_name(self, item):
        return item.owner.name

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at


export_csv = exports.challenges_csv
export_awards_csv = exports.awards_csv
