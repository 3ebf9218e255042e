"""Scheduling a confirmed exchange: each host organisation's admin names a mentor and writes a
programme for their guest; either of the two people or a programme manager moves its days or
cancels it, and both people are told. A person's exchanges reach their calendar through a
private address they can replace or stop. Every step is permission-checked, transactional and
audited."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ponte.accounts.models import hash_token
from ponte.core import audit, versions
from ponte.core.notifications import notify
from ponte.core.services import clean_text, require
from ponte.organisations.models import Membership
from ponte.organisations.queries import roles_of

from ..days import working_day_after
from ..models import PAIR_LIFECYCLE, REASON_LIMIT, TEXT_LIMIT, CalendarFeed, Pair, PairStatus
from ..queries.matching import PAIR_RELATED

if TYPE_CHECKING:
    from ponte.accounts.models import User

from ..queries.matching import SIDES


def _fresh(pair: Pair) -> Pair:
    """The pair with what its rules read, its row locked until the transaction ends."""
    return Pair.objects.select_for_update(of=("self",)).select_related(*PAIR_RELATED).get(pk=pair.pk)


@transaction.atomic
def visit_plan(
    *, actor: User, pair: Pair, side: str, mentor: User | None, programme: str, seen_version: int | None
) -> list[str]:
    """Name the mentor and write the programme of the guest the organisation of `side` hosts.
    Refused with versions.StaleEdit when someone saved a plan of the pair since the page was
    opened. Returns the names of what changed; the guest is told when something did."""
    pair = _fresh(pair)
    require("exchange.plan_visit", pair, actor=actor)
    if side not in SIDES or roles_of(actor).get(getattr(pair, side).organisation_id) != "admin":
        raise PermissionDenied("not an admin of the host organisation")
    host = getattr(pair, side)
    errors = {}
    if mentor is None:
        errors[f"{side}_mentor"] = [_("Name the guest's mentor: a member of your organisation there that week.")]
    elif (
        mentor.pk == host.applicant_id
        or not mentor.is_active
        or not Membership.objects.filter(user=mentor, organisation_id=host.organisation_id).exists()
    ):
        errors[f"{side}_mentor"] = [
            _("Choose as mentor a member of %(organisation)s who is there that week (not the person away on exchange).")
            % {"organisation": host.organisation.name}
        ]
    try:
        programme = clean_text(
            programme,
            limit=TEXT_LIMIT,
            field=f"{side}_programme",
            required=_("Write the guest's programme: what they do and whom they meet each day."),
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    changed = versions.update_seen(
        pair, seen_version, {f"{side}_mentor": mentor, f"{side}_programme": programme}, actor=actor, verb="plan_visit"
    )
    changed = [name for name in changed if name != "version"]
    if not changed:
        return []
    guest = pair.company if side == "public" else pair.public
    notify(
        [guest.applicant],
        "exchange.visit_planned",
        params={"organisation": host.organisation.name, "round": pair.round.title},
        url=pair.get_absolute_url(),
    )
    return changed


@transaction.atomic
def pair_reschedule(*, actor: User, pair: Pair, starts: date) -> Pair:
    """Move a confirmed exchange to days starting on `starts`, a working day after today inside
    the round's window, on which neither person has another exchange. Both people are told."""
    pair = _fresh(pair)
    require("exchange.reschedule_pair", pair, actor=actor)
    round = pair.round
    if not isinstance(starts, date):
        raise ValidationError({"starts": [_("Give the first day of the exchange.")]})
    ends = working_day_after(starts, round.exchange_days - 1)
    window = {
        "starts": date_format(round.exchange_starts, "DATE_FORMAT"),
        "ends": date_format(round.exchange_ends, "DATE_FORMAT"),
    }
    if starts.weekday() >= 5:
        raise ValidationError({"starts": [_("Start the exchange on a working day, Monday to Friday.")]})
    if starts <= timezone.localdate():
        raise ValidationError({"starts": [_("Give a first day after today.")]})
    if starts < round.exchange_starts or ends > round.exchange_ends:
        raise ValidationError(
            {
                "starts": [
                    _(
                        "The exchange's %(days)s working days must lie inside the round's window, from %(starts)s "
                        "to %(ends)s."
                    )
                    % {**window, "days": round.exchange_days}
                ]
            }
        )
    people = [pair.public.applicant_id, pair.company.applicant_id]
    overlapping = (
        Pair.objects.filter(status=PairStatus.CONFIRMED, slot_starts__lte=ends, slot_ends__gte=starts)
        .filter(Q(public__applicant__in=people) | Q(company__applicant__in=people))
        .exclude(pk=pair.pk)
    )
    if overlapping.exists():
        raise ValidationError(
            {"starts": [_("One of you has another exchange on these days: choose days free for both.")]}
        )
    if (starts, ends) == (pair.slot_starts, pair.slot_ends):
        return pair
    before = {"starts": pair.slot_starts.isoformat(), "ends": pair.slot_ends.isoformat()}
    pair.slot_starts, pair.slot_ends, pair.sequence = starts, ends, pair.sequence + 1
    pair.reminded_at = None  # reminded again before the new days
    pair.save(update_fields=["slot_starts", "slot_ends", "sequence", "reminded_at"])
    audit.record(
        actor=actor,
        verb="reschedule_pair",
        target=pair,
        before=before,
        after={"starts": starts.isoformat(), "ends": ends.isoformat()},
    )
    notify(
        [pair.public.applicant, pair.company.applicant],
        "exchange.pair_rescheduled",
        params={"round": round.title, "starts": starts.isoformat(), "ends": ends.isoformat()},
        url=pair.get_absolute_url(),
    )
    return pair


@transaction.atomic
def pair_cancel(*, actor: User, pair: Pair, reason: str) -> Pair:
    """Call off a confirmed exchange until it is over, with a reason both people read: its people
    and their organisations' places are free again, and it is never proposed again."""
    pair = _fresh(pair)
    require("exchange.cancel_pair", pair, actor=actor)
    reason = clean_text(
        reason,
        limit=REASON_LIMIT,
        field="reason",
        required=_("Say why the exchange is cancelled: both people read it."),
    )
    pair.reason, pair.decided_by, pair.sequence = reason, actor, pair.sequence + 1
    PAIR_LIFECYCLE.apply(pair, "cancel", actor=actor, reason=reason, update_fields=["reason", "decided_by", "sequence"])
    notify(
        [pair.public.applicant, pair.company.applicant, pair.round.opened_by],
        "exchange.pair_cancelled",
        params={"round": pair.round.title, "reason": reason},
        url=pair.get_absolute_url(),
    )
    return pair


@transaction.atomic
def calendar_feed_start(*, actor: User) -> str:
    """A new private calendar address for `actor`, replacing any earlier one (which stops
    working at once). Returns its secret, shown to them once."""
    secret = secrets.token_urlsafe(32)
    replaced = CalendarFeed.objects.filter(person=actor).delete()[0] > 0
    feed = CalendarFeed.objects.create(person=actor, key_hash=hash_token(secret))
    audit.record(actor=actor, verb="replace_calendar_feed" if replaced else "start_calendar_feed", target=feed)
    return secret


@transaction.atomic
def calendar_feed_stop(*, actor: User) -> bool:
    """Stop `actor`'s private calendar address: it answers nothing any more."""
    feed = CalendarFeed.objects.filter(person=actor).first()
    if feed is None:
        return False
    audit.record(actor=actor, verb="stop_calendar_feed", target=feed)
    feed.delete()
    return True


def cancel_with_round(*, actor: User, round, reason: str) -> int:
    """The round is cancelled: so are its confirmed exchanges, each told to its people with the
    round's reason. Called inside round_cancel's transaction. Returns how many."""
    pairs = list(
        Pair.objects.select_for_update(of=("self",))
        .filter(round=round, status=PairStatus.CONFIRMED)
        .select_related(*PAIR_RELATED)
        .order_by("pk")
    )
    for pair in pairs:
        pair.reason, pair.decided_by, pair.sequence = reason, actor, pair.sequence + 1
        PAIR_LIFECYCLE.apply(
            pair, "cancel", actor=actor, reason=reason, update_fields=["reason", "decided_by", "sequence"]
        )
        notify(
            [pair.public.applicant, pair.company.applicant],
            "exchange.pair_cancelled",
            params={"round": round.title, "reason": reason},
            url=pair.get_absolute_url(),
        )
    return len(pairs)


# Reminders ---------------------------------------------------------------------------------

# Calendar days before its first day that an exchange is reminded: one starting on a Monday is
# reminded on the Friday before.
REMIND_DAYS_BEFORE = 3


def _people_and_mentors(pair: Pair) -> list:
    return [pair.public.applicant, pair.company.applicant, pair.public_mentor, pair.company_mentor]


def _send_once(pairs, field: str, kind: str, params, now) -> int:
    """Notify the people and mentors of each pair of `pairs` whose `field` is still empty, and
    set it, once each even when two workers send at the same time."""
    sent = 0
    for pair in pairs.select_related(*PAIR_RELATED, "public_mentor", "company_mentor").order_by("pk"):
        with transaction.atomic():
            if not Pair.objects.filter(pk=pair.pk, **{f"{field}__isnull": True}).update(**{field: now}):
                continue  # another worker sent it meanwhile
            notify(_people_and_mentors(pair), kind, params=params(pair), url=pair.get_absolute_url())
            sent += 1
    return sent


def send_exchange_reminders(now=None) -> tuple[int, int]:
    """Remind the two people and the mentors of each confirmed exchange that starts within
    REMIND_DAYS_BEFORE days, and ask them to answer its survey once it is over; each once.
    Returns how many exchanges were reminded and how many asked for their survey."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    confirmed = Pair.objects.filter(status=PairStatus.CONFIRMED)
    reminded = _send_once(
        confirmed.filter(
            reminded_at__isnull=True,
            slot_starts__gt=today,
            slot_starts__lte=today + timedelta(days=REMIND_DAYS_BEFORE),
        ),
        "reminded_at",
        "exchange.exchange_coming",
        lambda pair: {"round": pair.round.title, "starts": pair.slot_starts.isoformat()},
        now,
    )
    asked = _send_once(
        # Not the exchanges of long ago: a survey is asked within a month of the last day.
        confirmed.filter(survey_asked_at__isnull=True, slot_ends__lt=today, slot_ends__gte=today - timedelta(days=30)),
        "survey_asked_at",
        "exchange.survey_asked",
        lambda pair: {"round": pair.round.title},
        now,
    )
    return reminded, asked
