"""Sponsorship: a senior person with the sponsor role is asked to back a piece of work (a lab
project, a challenge, an exemption) and accepts or declines, saying why. Each module keeps the
sponsor and the state of the request on its own rows (the fields `sponsor`, `sponsorship`,
`sponsorship_asked_at`, `sponsorship_answered_at` and `sponsorship_note`) and says who may ask
and who is told; the states, the moves between them, the check of the person asked and the
forms are said here once, so that every module's sponsorship reads and behaves the same."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import rules
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from .forms import PersonField, add_service_errors, mark_needed_later, textarea
from .roles import is_sponsor
from .services import clean_text
from .statemachine import Lifecycle, Transition

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

NOTE_LIMIT = 4000
NOT_A_SPONSOR = _("Name a person who has the sponsor role on this platform.")


class Sponsorship(models.TextChoices):
    NOT_ASKED = "none", _("No sponsor asked")
    ASKED = "asked", _("Waiting for the sponsor's answer")
    ACCEPTED = "accepted", _("Accepted by the sponsor")
    DECLINED = "declined", _("Declined by the sponsor")


LIFECYCLE = Lifecycle(
    states=Sponsorship,
    field="sponsorship",
    transitions=[
        Transition(
            "accept_sponsorship", (Sponsorship.ASKED,), Sponsorship.ACCEPTED, timestamp="sponsorship_answered_at"
        ),
        Transition(
            "decline_sponsorship", (Sponsorship.ASKED,), Sponsorship.DECLINED, timestamp="sponsorship_answered_at"
        ),
        # A first sponsor is asked, or another after one declined (or the same, once convinced).
        Transition(
            "ask_sponsor",
            (Sponsorship.NOT_ASKED, Sponsorship.DECLINED),
            Sponsorship.ASKED,
            timestamp="sponsorship_asked_at",
        ),
    ],
)

# The states in which the sponsor asked stands by the work: asked and not declined, or accepted.
BACKING = (Sponsorship.ASKED, Sponsorship.ACCEPTED)

may_be_answered = LIFECYCLE.allows("accept_sponsorship")
may_ask_a_sponsor = LIFECYCLE.allows("ask_sponsor")


@rules.predicate
def is_its_sponsor(user, work) -> bool:
    """The person asked to sponsor this work (or who sponsors it), while they hold the role."""
    return work is not None and is_sponsor(user) and work.sponsor_id == user.pk


@rules.predicate
def is_asked_or_backing(user, work) -> bool:
    """The sponsor asked to back this work, or backing it: not one who declined."""
    return is_its_sponsor(user, work) and work.sponsorship in BACKING


def check_sponsor(person, message=NOT_A_SPONSOR) -> None:
    """Only an active person with the sponsor role can be asked; `message` beside the field."""
    if person is None or not person.is_active or not getattr(person, "is_sponsor", False):
        raise ValidationError({"sponsor": [str(message)]})


def ask(work: models.Model, *, actor: AbstractBaseUser, sponsor, message=NOT_A_SPONSOR) -> models.Model:
    """Ask `sponsor` to back `work` (a row locked by the caller, whose permission it checked):
    a first sponsor, or another after one declined. The audit names who was asked instead of whom."""
    check_sponsor(sponsor, message)
    before = work.sponsor.email if work.sponsor_id else ""
    work.sponsor, work.sponsorship_note, work.sponsorship_answered_at = sponsor, "", None
    return LIFECYCLE.apply(
        work,
        "ask_sponsor",
        actor=actor,
        reason=f"{before} → {sponsor.email}" if before else sponsor.email,
        update_fields=["sponsor", "sponsorship_note", "sponsorship_answered_at"],
    )


def answer(work: models.Model, *, actor: AbstractBaseUser, accept: bool, note: str, why_needed) -> models.Model:
    """The sponsor accepts, or declines saying why (`why_needed` when they did not): on a row
    locked by the caller, whose permission it checked."""
    work.sponsorship_note = clean_text(note, limit=NOTE_LIMIT, field="note", required="" if accept else why_needed)
    verb = "accept_sponsorship" if accept else "decline_sponsorship"
    return LIFECYCLE.apply(work, verb, actor=actor, reason=work.sponsorship_note, update_fields=["sponsorship_note"])


class AnswerForm(forms.Form):
    """The sponsor's answer: the button pressed says which; a note, needed to decline."""

    note = forms.CharField(
        label=_("Note for those who asked"),
        required=False,
        max_length=NOTE_LIMIT,
        widget=textarea(3),
        help_text=_("Needed to decline: say why."),
    )

    def __init__(self, *args, note_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if note_label:
            self.fields["note"].label = note_label
        mark_needed_later(self, ["note"])

    @property
    def accepts(self) -> bool:
        return self.data.get("answer") == "accept"


class SponsorForm(forms.Form):
    """The person asked to sponsor, found by typing part of a name."""

    sponsor = PersonField(
        label=_("Sponsor"),
        unknown=_("Nobody on Ponte has this address: name a person with the sponsor role."),
        help_text=_("The e-mail address of a person with the sponsor role: type part of a name to find them."),
        error_messages={"required": NOT_A_SPONSOR},
    )

    def __init__(self, *args, suggestions: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sponsor"].widget.attrs["data-suggestions"] = suggestions


def answer_page(request, work, *, answer: Callable[[bool, str], Any], accepted, declined, note_label, **page):
    """The sponsor's answer: `answer(accept, note)` is the module's service (the view checked
    the permission); `accepted` or `declined` is said after it, back on the work's page."""
    form = AnswerForm(request.POST or None, note_label=note_label)
    if request.method == "POST" and form.is_valid():
        try:
            answer(form.accepts, form.cleaned_data["note"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, accepted if form.accepts else declined)
            return redirect(work)
    return render_page(request, work, page="answer", form=form, **page)


def ask_page(request, work, *, ask: Callable[[Any], Any], asked, suggestions: str, **page):
    """Asking a sponsor: `ask(sponsor)` is the module's service (the view checked the
    permission); `asked` is said after it, back on the work's page."""
    form = SponsorForm(request.POST or None, suggestions=suggestions)
    if request.method == "POST" and form.is_valid():
        try:
            ask(form.cleaned_data["sponsor"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, asked)
            return redirect(work)
    return render_page(request, work, page="ask", form=form, **page)


def render_page(request, work, *, page: str, form, heading, owner: str, crumbs: str, intro="", **context):
    """The page asking a sponsor (`page` "ask") or answering (`page` "answer") for `work`, under
    the module's breadcrumbs (`crumbs`, a template reading `context`); after a decline, the
    page asking again says who declined and why."""
    declined = work.sponsorship == Sponsorship.DECLINED and work.sponsor_id is not None
    return render(
        request,
        f"core/sponsorship/{page}.html",
        {
            "form": form,
            "heading": heading,
            "intro": intro,
            "owner": owner,
            "crumbs": crumbs,
            "work_title": str(getattr(work, "title", work)),
            "work_url": work.get_absolute_url(),
            "declined_by": (work.sponsor.name or work.sponsor.email) if declined else "",
            "declined_note": work.sponsorship_note if declined else "",
            **context,
        },
    )
