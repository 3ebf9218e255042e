"""Exchanges as iCalendar (RFC 5545), for a person's calendar application.

An exchange is one event that repeats on each of its working days, from 09:00 to 17:00 on the
server's clock (settings.TIME_ZONE, with its VTIMEZONE so that any calendar places it right):
Monday to Friday only, so an exchange over a weekend skips it. It has a reminder the day before
it starts (once: at a fixed moment, not before each of its days). Its UID stays the same for the
life of the pair and its SEQUENCE grows with each change of days or status, so a subscribed
calendar replaces what it holds; a cancelled exchange stays in the calendar as cancelled."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Pair, PairStatus

DAY_STARTS, DAY_ENDS = time(9), time(17)
STATUSES = {PairStatus.CONFIRMED: "CONFIRMED", PairStatus.CANCELLED: "CANCELLED"}


def calendar_of(pairs: Iterable[Pair], *, person, host: str, url_of) -> bytes:
    """The exchanges as an iCalendar file, each told from `person`'s side (None: neither's).
    `host` names this site in the events' UIDs; `url_of(pair)` is a pair's page address."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Ponte//Staff exchange//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Staff exchanges"))
    zone = ZoneInfo(settings.TIME_ZONE)
    for pair in pairs:
        calendar.add_component(_event(pair, person=person, host=host, url=url_of(pair), zone=zone))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _event(pair: Pair, *, person, host: str, url: str, zone: ZoneInfo) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"exchange-pair-{pair.pk}@{host}")
    event.add("dtstamp", timezone.now())
    event.add("sequence", pair.sequence)
    event.add("status", STATUSES.get(pair.status, "TENTATIVE"))
    event.add("dtstart", datetime.combine(pair.slot_starts, DAY_STARTS, tzinfo=zone))
    event.add("dtend", datetime.combine(pair.slot_starts, DAY_ENDS, tzinfo=zone))
    working_days = pair.round.exchange_days
    event.add("rrule", {"freq": "daily", "byday": ["MO", "TU", "WE", "TH", "FR"], "count": working_days})
    # Where the person is a guest, and with whom: the other side's organisation.
    if person is not None and person.pk == pair.public.applicant_id:
        guest_at, mentor, programme = pair.company.organisation, pair.company_mentor, pair.company_programme
        other = pair.company.applicant
    elif person is not None and person.pk == pair.company.applicant_id:
        guest_at, mentor, programme = pair.public.organisation, pair.public_mentor, pair.public_programme
        other = pair.public.applicant
    else:
        guest_at, mentor, programme, other = None, None, "", None
    if guest_at is not None:
        event.add("summary", _("Staff exchange: guest at %(organisation)s") % {"organisation": guest_at.name})
        event.add("location", guest_at.name)
    else:
        event.add(
            "summary",
            _("Staff exchange: %(public)s and %(company)s")
            % {"public": pair.public.applicant.name, "company": pair.company.applicant.name},
        )
    lines = []
    if other is not None:
        lines.append(_("In exchange, %(person)s is a guest at your organisation.") % {"person": other.name})
    if mentor is not None:
        lines.append(_("Your mentor: %(person)s (%(email)s)") % {"person": mentor.name, "email": mentor.email})
    if programme:
        lines.append(programme)
    if pair.status == PairStatus.CANCELLED and pair.reason:
        lines.append(_("Cancelled: %(reason)s") % {"reason": pair.reason})
    lines.append(url)
    event.add("description", "\n\n".join(lines))
    event.add("url", url)
    if pair.status == PairStatus.CONFIRMED:
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", _("Your staff exchange starts tomorrow."))
        # At a fixed moment (in UTC, as RFC 5545 wants): once, not before each of its days. An
        # absolute trigger must say VALUE=DATE-TIME: without it, a TRIGGER is read as a duration.
        eve = datetime.combine(pair.slot_starts - timedelta(days=1), DAY_STARTS, tzinfo=zone)
        alarm.add("trigger", eve.astimezone(UTC), parameters={"VALUE": "DATE-TIME"})
        event.add_component(alarm)
    return event
