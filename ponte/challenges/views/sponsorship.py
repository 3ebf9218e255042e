"""A challenge's sponsor: its public body asks one, who accepts or declines."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from ponte.accounts.queries import person_suggestion
from ponte.accounts.queries import sponsors_named as sponsors_named_query
from ponte.core import sponsorship

from .. import rules as challenge_rules
from ..queries import public as public_queries
from ..services import sponsorship as services

SUGGESTIONS_SHOWN = 10
CRUMBS = "challenges/award/_breadcrumbs.html"


def _overtaken(request, challenge, message):
    """The request changed between the page and the click (answered, another sponsor asked, the
    challenge decided): the challenge's page says so."""
    messages.error(request, message)
    return redirect(challenge)


@login_required
def ask_sponsor(request, pk):
    challenge = public_queries.challenge_or_404(request.user, pk)
    if not request.user.has_perm("challenges.ask_sponsor", challenge):
        if challenge_rules.is_drafter(request.user, challenge):
            return _overtaken(
                request,
                challenge,
                _("No sponsor can be asked now: the sponsorship is “%(state)s” and the challenge “%(status)s”.")
                % {"state": challenge.get_sponsorship_display(), "status": challenge.get_status_display()},
            )
        raise PermissionDenied
    return sponsorship.ask_page(
        request,
        challenge,
        ask=lambda sponsor: services.challenge_ask_sponsor(actor=request.user, challenge=challenge, sponsor=sponsor),
        asked=_("The sponsor is asked to back the challenge. You are told of their answer."),
        suggestions=reverse("challenges:sponsors_named", args=[pk]),
        heading=_("Ask a sponsor") if challenge.sponsor_id is None else _("Ask another sponsor"),
        intro=_(
            "A sponsor backs the challenge in your administration: they are told of it, read it, drafts "
            "included, and follow it on their page of everything they sponsor."
        ),
        owner=challenge.owner.name,
        crumbs=CRUMBS,
        challenge=challenge,
    )


@login_required
def sponsorship_answer(request, pk):
    challenge = public_queries.challenge_or_404(request.user, pk)
    if not request.user.has_perm("challenges.answer_sponsorship", challenge):
        if challenge.sponsor_id == request.user.pk and request.user.is_sponsor:
            return _overtaken(
                request,
                challenge,
                _(
                    "This request is no longer waiting for you: the sponsorship is “%(state)s” and the "
                    "challenge “%(status)s”."
                )
                % {"state": challenge.get_sponsorship_display(), "status": challenge.get_status_display()},
            )
        raise PermissionDenied
    return sponsorship.answer_page(
        request,
        challenge,
        answer=lambda accept, note: services.challenge_sponsorship_answer(
            actor=request.user, challenge=challenge, accept=accept, note=note
        ),
        accepted=_("You sponsor the challenge. Its public body is told."),
        declined=_("You declined to sponsor the challenge. Its public body is told why."),
        note_label=_("Note for the public body"),
        heading=_("Sponsor the challenge?"),
        intro=_(
            "%(organisation)s asks you to sponsor “%(challenge)s”: to back it in your administration and "
            "follow it to its outcome."
        )
        % {"organisation": challenge.owner.name, "challenge": challenge.title},
        owner=challenge.owner.name,
        crumbs=CRUMBS,
        challenge=challenge,
    )


@login_required
def sponsors_named(request, pk):
    """Sponsors whose name or address holds what the challenge's drafter typed, a few at a time."""
    challenge = public_queries.challenge_or_404(request.user, pk)
    if not challenge_rules.is_drafter(request.user, challenge):
        raise PermissionDenied
    text = request.GET.get("q", "").strip().replace("\x00", "")[:200]
    return JsonResponse(
        {"results": [person_suggestion(user) for user in sponsors_named_query(text, limit=SUGGESTIONS_SHOWN)]}
    )
