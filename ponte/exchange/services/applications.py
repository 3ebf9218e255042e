"""Applications: a public servant or a company employee applies to a round while it takes
applications; their organisation's admin approves or declines the application (with a reason
the applicant reads); an organisation admin states how many guests the organisation can host.
Every step is permission-checked, transactional, audited and told to whom it concerns."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from itertools import pairwise
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ponte.core import audit
from ponte.core.notifications import notify
from ponte.core.services import clean_text, locked, require
from ponte.reference.models import Sector

from ..models import (
    APPLICATION_LIFECYCLE,
    AVAILABILITY_LIMIT,
    REASON_LIMIT,
    TEXT_LIMIT,
    TOPICS_LIMIT,
    Application,
    Availability,
    Hosting,
    Round,
    RoundPhase,
    Side,
)

if TYPE_CHECKING:
    from ponte.accounts.models import User
    from ponte.organisations.models import Organisation

SIDES = {"public_body": Side.PUBLIC, "company": Side.COMPANY}
TOPIC_LIMIT = 60


def _topics(values, *, field: str, needed: str, errors: dict) -> list[str]:
    """Words or short phrases, each once whatever its case, in the order given."""
    kept: list[str] = []
    for value in values or ():
        topic = " ".join(value.split()) if isinstance(value, str) else ""
        if "\x00" in topic:
            errors[field] = [_("The text contains characters that are not allowed.")]
            return kept
        if len(topic) > TOPIC_LIMIT:
            errors[field] = [_("Keep each one short: at most %(max)s characters.") % {"max": TOPIC_LIMIT}]
            return kept
        if topic and topic.casefold() not in {held.casefold() for held in kept}:
            kept.append(topic)
    if not kept and needed:
        errors[field] = [needed]
    elif len(kept) > TOPICS_LIMIT:
        errors[field] = [_("Give at most %(limit)s, the ones that matter most.") % {"limit": TOPICS_LIMIT}]
    return kept


def _availability(ranges, round: Round, errors: dict) -> list[tuple[date, date]]:
    """The ranges of days the applicant is free, each inside the exchange window, none overlapping."""
    kept = []
    window = {
        "starts": date_format(round.exchange_starts, "DATE_FORMAT"),
        "ends": date_format(round.exchange_ends, "DATE_FORMAT"),
    }
    for starts, ends in ranges or ():
        if not isinstance(starts, date) or not isinstance(ends, date):
            errors["availability"] = [_("Give each range of dates with its first and its last day.")]
            return []
        if ends < starts:
            errors["availability"] = [
                _("A range of dates ends before it starts (%(starts)s to %(ends)s): give its days in order.")
                % {"starts": date_format(starts, "DATE_FORMAT"), "ends": date_format(ends, "DATE_FORMAT")}
            ]
            return []
        if starts < round.exchange_starts or ends > round.exchange_ends:
            errors["availability"] = [
                _("Give dates inside the round's exchange window, from %(starts)s to %(ends)s.") % window
            ]
            return []
        kept.append((starts, ends))
    if not kept:
        errors["availability"] = [
            _("Say when you are free for an exchange: at least one range of dates from %(starts)s to %(ends)s.")
            % window
        ]
        return []
    if len(kept) > AVAILABILITY_LIMIT:
        errors["availability"] = [_("Give at most %(limit)s ranges of dates.") % {"limit": AVAILABILITY_LIMIT}]
        return []
    kept.sort()
    for (_first_starts, first_ends), (second_starts, _second_ends) in pairwise(kept):
        if second_starts <= first_ends:
            errors["availability"] = [
                _("Two of your ranges of dates overlap (up to %(ends)s): give each day once.")
                % {"ends": date_format(first_ends, "DATE_FORMAT")}
            ]
            return []
    return kept


def _require_taking_applications(round: Round) -> None:
    """An application outside the window is told when the window is, not refused in silence."""
    phase = round.phase
    if phase == RoundPhase.APPLICATIONS_OPEN:
        return
    when = date_format(timezone.localtime(round.applications_open_at), "DATETIME_FORMAT")
    if phase == RoundPhase.UPCOMING:
        message = _("This round takes applications from %(when)s: apply then.") % {"when": when}
    elif phase == RoundPhase.CANCELLED:
        message = _("This round is cancelled: it takes no application.")
    else:
        message = _("Applications to this round closed on %(when)s: it takes no more.") % {
            "when": date_format(timezone.localtime(round.applications_close_at), "DATETIME_FORMAT")
        }
    raise ValidationError(message, code="closed")


@transaction.atomic
def application_submit(
    *,
    actor: User,
    round: Round,
    organisation: Organisation,
    job: str,
    skills: Iterable[str],
    interests: Iterable[str],
    sectors_wanted: Iterable[str] = (),
    languages: Iterable[str],
    region: str,
    travels: bool,
    accessibility_needs: str = "",
    availability: Sequence[tuple[date, date]],
) -> Application:
    """Apply to a round taking applications, on behalf of a verified public body or company one
    belongs to; once a round. The organisation's admins are told, to approve or decline it."""
    round = Round.objects.select_for_update().get(pk=round.pk)
    _require_taking_applications(round)
    require("exchange.apply", round, actor=actor)
    if (
        organisation.kind not in SIDES
        or organisation.status != "verified"
        or not organisation.memberships.filter(user=actor).exists()
    ):
        raise PermissionDenied("not a member of this organisation")
    if Application.objects.filter(round=round, applicant=actor).exists():
        raise ValidationError(_("You have already applied to this round: your application is on its way."))
    errors: dict[str, list[str]] = {}
    kept = {}
    typed = {"job": job, "region": region, "accessibility_needs": accessibility_needs}
    for name, limit, needed in (
        ("job", 200, _("Say what your role is at your organisation.")),
        ("region", 100, _("Say in which region you work.")),
        ("accessibility_needs", TEXT_LIMIT, ""),
    ):
        try:
            kept[name] = clean_text(typed[name], limit=limit, field=name, required=needed)
        except ValidationError as error:
            errors.update(error.message_dict)
    kept["skills"] = _topics(
        skills, field="skills", needed=_("Say at least one thing you can offer as a host."), errors=errors
    )
    kept["interests"] = _topics(
        interests, field="interests", needed=_("Say at least one thing you want to learn as a guest."), errors=errors
    )
    kept["languages"] = _topics(
        languages, field="languages", needed=_("Give at least one language you work in."), errors=errors
    )
    sectors = list(dict.fromkeys(sectors_wanted or ()))
    if any(sector not in Sector.values for sector in sectors):
        errors["sectors_wanted"] = [_("Choose the sectors from the list.")]
    ranges = _availability(availability, round, errors)
    if not isinstance(travels, bool):
        errors["travels"] = [_("Say whether you are willing to travel.")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                round=round,
                applicant=actor,
                organisation=organisation,
                side=SIDES[organisation.kind],
                sectors_wanted=sectors,
                travels=travels,
                **kept,
            )
    except IntegrityError:  # the same person applying twice at once
        raise ValidationError(_("You have already applied to this round: your application is on its way.")) from None
    Availability.objects.bulk_create(
        Availability(application=application, starts=starts, ends=ends) for starts, ends in ranges
    )
    audit.record(
        actor=actor,
        verb="apply",
        target=application,
        after={
            "round": round.title,
            "organisation": organisation.name,
            "availability": [f"{starts.isoformat()}/{ends.isoformat()}" for starts, ends in ranges],
        },
    )
    admins = [m.user for m in organisation.memberships.filter(role="admin").select_related("user")]
    notify(
        admins,
        "exchange.application_submitted",
        params={"person": actor.name or actor.email, "round": round.title},
        url=application.get_absolute_url(),
    )
    return application


@transaction.atomic
def application_approve(*, actor: User, application: Application) -> Application:
    application = locked(application)
    require("exchange.decide_application", application, actor=actor)
    application.decided_by = actor
    APPLICATION_LIFECYCLE.apply(application, "approve", actor=actor, update_fields=["decided_by"])
    _tell_applicant(application, "exchange.application_approved")
    return application


@transaction.atomic
def application_decline(*, actor: User, application: Application, reason: str) -> Application:
    application = locked(application)
    require("exchange.decide_application", application, actor=actor)
    reason = clean_text(
        reason,
        limit=REASON_LIMIT,
        field="reason",
        required=_("Say why the application is declined: the applicant reads it."),
    )
    application.decline_reason, application.decided_by = reason, actor
    APPLICATION_LIFECYCLE.apply(
        application, "decline", actor=actor, reason=reason, update_fields=["decline_reason", "decided_by"]
    )
    _tell_applicant(application, "exchange.application_declined", reason=reason)
    return application


@transaction.atomic
def hosting_state(*, actor: User, round: Round, organisation: Organisation, guests: int) -> Hosting:
    """State how many guests an organisation one administers can host in the round: from none
    to the round's limit per organisation."""
    round = Round.objects.select_for_update().get(pk=round.pk)
    require("exchange.state_hosting", round, actor=actor)
    if (
        organisation.kind not in SIDES
        or organisation.status != "verified"
        or not organisation.memberships.filter(user=actor, role="admin").exists()
    ):
        raise PermissionDenied("not an admin of this organisation")
    if isinstance(guests, bool) or not isinstance(guests, int) or not 0 <= guests <= round.capacity_per_organisation:
        raise ValidationError(
            {
                "guests": [
                    _("Give how many guests you can host, from 0 to %(limit)s (the round's limit).")
                    % {"limit": round.capacity_per_organisation}
                ]
            }
        )
    hosting = Hosting.objects.select_for_update().filter(round=round, organisation=organisation).first()
    before = hosting.guests if hosting else None
    if hosting is None:
        hosting = Hosting.objects.create(round=round, organisation=organisation, guests=guests, stated_by=actor)
    elif before != guests:
        hosting.guests, hosting.stated_by = guests, actor
        hosting.save(update_fields=["guests", "stated_by", "stated_at"])
    if before != guests:
        audit.record(
            actor=actor, verb="state_hosting", target=hosting, before={"guests": before}, after={"guests": guests}
        )
    return hosting


def _tell_applicant(application: Application, kind: str, **params) -> None:
    notify(
        [application.applicant],
        kind,
        params={"round": application.round.title, **params},
        url=reverse("exchange:application", kwargs={"pk": application.pk}),
    )
