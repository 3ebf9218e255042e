"""Rounds: a programme manager opens a round, changes it while it is still to happen or
happening, and may cancel it with a reason the public reads. Every step is permission-checked,
transactional and audited; a round's phase is never written, it follows from its dates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ponte.core import audit, versions
from ponte.core import services as core_services
from ponte.core.services import clean_text, locked, require

from ..models import (
    CAPACITY_LIMIT,
    CHALLENGES_LIMIT,
    EXCHANGE_DAYS_LIMIT,
    HOLDING_STATUSES,
    REASON_LIMIT,
    ROUND_LIFECYCLE,
    TEXT_LIMIT,
    Pair,
    Round,
    RoundChallenge,
    start_of,
    working_days,
)
from . import scheduling

if TYPE_CHECKING:
    from ponte.accounts.models import User

FIELDS = (
    "title",
    "description",
    "applications_open_at",
    "applications_close_at",
    "exchange_starts",
    "exchange_ends",
    "exchange_days",
    "capacity_per_organisation",
)
TITLE_LIMIT = 200


def _whole(value, *, low: int, high: int, field: str, message: str, errors: dict) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        errors[field] = [message]
        return None
    return value


def _moment(value, *, field: str, message: str, errors: dict) -> datetime | None:
    if not isinstance(value, datetime) or timezone.is_naive(value):
        errors[field] = [message]
        return None
    return value


def _day(value, *, field: str, message: str, errors: dict) -> date | None:
    if not isinstance(value, date) or isinstance(value, datetime):
        errors[field] = [message]
        return None
    return value


def _challenges(challenges, errors: dict) -> list[tuple[str, str]]:
    """The round's challenges as (title, description), each with a title, none twice."""
    kept: list[tuple[str, str]] = []
    for challenge in challenges or ():
        title, description = (challenge.get("title", ""), challenge.get("description", ""))
        try:
            title = clean_text(
                title,
                limit=TITLE_LIMIT,
                field="challenges",
                required=_("Give each challenge a title, on the first line of its paragraph."),
            )
            description = clean_text(description, limit=TEXT_LIMIT, field="challenges")
        except ValidationError as error:
            errors.setdefault("challenges", []).extend(error.message_dict["challenges"])
            return kept
        if title.casefold() in {held.casefold() for held, _description in kept}:
            errors.setdefault("challenges", []).append(
                _("The challenge “%(title)s” is given twice: give each challenge once.") % {"title": title}
            )
            return kept
        kept.append((title, description))
    if len(kept) > CHALLENGES_LIMIT:
        errors.setdefault("challenges", []).append(
            _("Give at most %(limit)s challenges: mixed teams need the round's attention.")
            % {"limit": CHALLENGES_LIMIT}
        )
    return kept


def _checked(values: dict[str, Any], *, now: datetime, opening: bool) -> dict[str, Any]:
    """The round's fields as kept, or a ValidationError naming every field that is wrong."""
    unknown = set(values) - {*FIELDS, "challenges"}
    if unknown:
        raise ValueError(f"Not a field of a round: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    kept: dict[str, Any] = {}
    for name, limit, needed in (
        ("title", TITLE_LIMIT, _("Give the round a title.")),
        ("description", TEXT_LIMIT, _("Describe the round: who may apply and what a guest and a host do.")),
    ):
        try:
            kept[name] = clean_text(values.get(name, ""), limit=limit, field=name, required=needed)
        except ValidationError as error:
            errors.update(error.message_dict)
    opens = kept["applications_open_at"] = _moment(
        values.get("applications_open_at"),
        field="applications_open_at",
        message=_("Give the date and time applications open."),
        errors=errors,
    )
    closes = kept["applications_close_at"] = _moment(
        values.get("applications_close_at"),
        field="applications_close_at",
        message=_("Give the date and time applications close."),
        errors=errors,
    )
    starts = kept["exchange_starts"] = _day(
        values.get("exchange_starts"),
        field="exchange_starts",
        message=_("Give the first day of the exchange window."),
        errors=errors,
    )
    ends = kept["exchange_ends"] = _day(
        values.get("exchange_ends"),
        field="exchange_ends",
        message=_("Give the last day of the exchange window."),
        errors=errors,
    )
    length = kept["exchange_days"] = _whole(
        values.get("exchange_days"),
        low=1,
        high=EXCHANGE_DAYS_LIMIT,
        field="exchange_days",
        message=_("Give the length of an exchange in working days, from 1 to %(limit)s.")
        % {"limit": EXCHANGE_DAYS_LIMIT},
        errors=errors,
    )
    kept["capacity_per_organisation"] = _whole(
        values.get("capacity_per_organisation"),
        low=1,
        high=CAPACITY_LIMIT,
        field="capacity_per_organisation",
        message=_("Give how many guests one organisation may host, from 1 to %(limit)s.") % {"limit": CAPACITY_LIMIT},
        errors=errors,
    )
    if opens and closes and closes <= opens:
        errors.setdefault("applications_close_at", []).append(
            _("Applications must close after they open: give a later closing time.")
        )
    elif closes and opening and closes <= now:
        errors.setdefault("applications_close_at", []).append(
            _("Applications would already be closed: give a closing time in the future.")
        )
    if starts and ends and ends < starts:
        errors.setdefault("exchange_ends", []).append(
            _("The exchange window must end on or after its first day: give a later last day.")
        )
    elif starts and ends and length and working_days(starts, ends) < length:
        errors.setdefault("exchange_ends", []).append(
            ngettext(
                "The exchange window must hold at least one exchange of %(days)s working day: "
                "it holds %(held)s. Give a later last day.",
                "The exchange window must hold at least one exchange of %(days)s working days: "
                "it holds %(held)s. Give a later last day.",
                length,
            )
            % {"days": length, "held": working_days(starts, ends)}
        )
    elif ends and ends < timezone.localdate(now):
        errors.setdefault("exchange_ends", []).append(
            _("The exchange window would already be over: give a last day from today on.")
        )
    if closes and starts and closes > start_of(starts):
        errors.setdefault("exchange_starts", []).append(
            _("The exchanges must start after applications close (%(closes)s): give a later first day.")
            % {"closes": date_format(timezone.localtime(closes), "DATETIME_FORMAT")}
        )
    challenges = _challenges(values.get("challenges"), errors)
    if errors:
        raise ValidationError(errors)
    return {**kept, "challenges": challenges}


def _audited_challenges(challenges: Sequence[tuple[str, str]]) -> list[str]:
    return [title for title, _description in challenges]


def _write_challenges(round: Round, challenges: Sequence[tuple[str, str]]) -> None:
    round.challenges.all().delete()
    RoundChallenge.objects.bulk_create(
        RoundChallenge(round=round, title=title, description=description, position=position)
        for position, (title, description) in enumerate(challenges)
    )


@transaction.atomic
def round_open(*, actor: User, challenges: Sequence[dict] = (), **values) -> Round:
    """Open a round: it is public at once, and takes applications from its opening time."""
    require("exchange.open_round", actor=actor)
    cleaned = _checked({**values, "challenges": challenges}, now=timezone.now(), opening=True)
    challenges = cleaned.pop("challenges")
    round = Round.objects.create(opened_by=actor, **cleaned)
    _write_challenges(round, challenges)
    audit.record(
        actor=actor,
        verb="open",
        target=round,
        after={
            "title": round.title,
            "applications_open_at": round.applications_open_at.isoformat(),
            "exchange_starts": round.exchange_starts.isoformat(),
            "exchange_ends": round.exchange_ends.isoformat(),
            "challenges": _audited_challenges(challenges),
            "version": round.version,
        },
    )
    return round


@transaction.atomic
def round_update(
    *, actor: User, round: Round, seen_version: int | None, challenges: Sequence[dict] = (), **values
) -> list[str]:
    """Change a round that is not finished nor cancelled. Refused with versions.StaleEdit when
    someone saved it since the person's page was opened; returns the names of what changed."""
    round = locked(round)
    require("exchange.change_round", round, actor=actor)
    versions.check_seen(round, seen_version)
    cleaned = _checked({**values, "challenges": challenges}, now=timezone.now(), opening=False)
    challenges = cleaned.pop("challenges")
    _require_pairs_still_fit(round, cleaned)
    held = [(c.title, c.description) for c in round.challenges.order_by("position", "pk")]
    written = {}
    if held != list(challenges):
        written["challenges"] = (_audited_challenges(held), _audited_challenges(challenges))
    changed = any(getattr(round, name) != value for name, value in cleaned.items())
    if not changed and not written:
        return []
    names = core_services.update(round, {**cleaned, "version": round.version + 1}, actor=actor, written=written)
    if written:
        _write_challenges(round, challenges)
    return [name for name in names if name != "version"]


def _require_pairs_still_fit(round: Round, cleaned: dict) -> None:
    """Once people are paired, their exchanges stay as agreed: the length of an exchange no
    longer changes, and the window keeps every pair's days."""
    pairs = Pair.objects.filter(round=round, status__in=HOLDING_STATUSES)
    if not pairs.exists():
        return
    errors = {}
    if cleaned.get("exchange_days", round.exchange_days) != round.exchange_days:
        errors["exchange_days"] = [
            _("People are paired for exchanges of this length already: it can no longer change.")
        ]
    starts = cleaned.get("exchange_starts", round.exchange_starts)
    ends = cleaned.get("exchange_ends", round.exchange_ends)
    outside = _("Pairs are proposed or confirmed for days outside this window: keep the window around them.")
    if starts != round.exchange_starts and pairs.filter(slot_starts__lt=starts).exists():
        errors["exchange_starts"] = [outside]
    if ends != round.exchange_ends and pairs.filter(slot_ends__gt=ends).exists():
        errors["exchange_ends"] = [outside]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def round_cancel(*, actor: User, round: Round, reason: str) -> Round:
    """Cancel a round before it is finished, with a reason the public reads on the round's page."""
    round = locked(round)
    require("exchange.cancel_round", round, actor=actor)
    reason = clean_text(
        reason,
        limit=REASON_LIMIT,
        field="reason",
        required=_("Say why the round is cancelled: everyone who reads the round reads it."),
    )
    round.cancel_reason, round.cancelled_by = reason, actor
    ROUND_LIFECYCLE.apply(round, "cancel", actor=actor, reason=reason, update_fields=["cancel_reason", "cancelled_by"])
    # Its confirmed exchanges are called off with it, and their people told.
    scheduling.cancel_with_round(actor=actor, round=round, reason=reason)
    return round
