"""Sessions as iCalendar (RFC 5545), for a person's calendar application: each session one event
with its place or online link, and a reminder the day before. Its UID stays the same for the life
of the session and its SEQUENCE follows the session's version, so a calendar that imported it
replaces what it holds when the session moves; a cancelled session stays, marked cancelled."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

import icalendar
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Session


def calendar_of(sessions: Iterable[Session], *, host: str, url_of, shows_link=lambda session: True) -> bytes:
    """`shows_link(session)`: whether the reader may have its online link (those enrolled, its
    trainer, the programme managers), as on the session's page."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Ponte//Learning//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Learning sessions"))
    for session in sessions:
        calendar.add_component(_event(session, host=host, url=url_of(session), link_shown=shows_link(session)))
    return calendar.to_ical()


def _event(session: Session, *, host: str, url: str, link_shown: bool = True) -> icalendar.Event:
    link = session.online_link if link_shown else ""
    event = icalendar.Event()
    event.add("uid", f"learning-session-{session.pk}@{host}")
    event.add("dtstamp", timezone.now())
    event.add("sequence", session.version)
    event.add("status", "CANCELLED" if session.cancelled_at else "CONFIRMED")
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", session.course.title)
    event.add("location", session.place or link or _("Online"))
    lines = [session.course.summary]
    if link:
        lines.append(_("Online: %(link)s") % {"link": link})
    if session.cancelled_at and session.cancel_reason:
        lines.append(_("Cancelled: %(reason)s") % {"reason": session.cancel_reason})
    lines.append(url)
    event.add("description", "\n\n".join(lines))
    event.add("url", url)
    if not session.cancelled_at:
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", _("Your learning session starts tomorrow."))
        alarm.add("trigger", -timedelta(days=1))  # a day before the start
        event.add_component(alarm)
    return event
