"""Sessions: a programme manager schedules a session of a course in the catalogue, with its
trainer; changes it while it is upcoming (a session with more places enrols the first waiting at
once; fewer places than people enrolled is refused) and may cancel it, which tells everyone
enrolled or waiting. The trainer records attendance once it has begun."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ponte.core import audit, notifications, versions
from ponte.core import services as core_services
from ponte.core.services import clean_text, locked, require

from ..models import (
    ACTIVE_STATUSES,
    ENROLMENT_LIFECYCLE,
    MAX_CAPACITY,
    PLACE_LIMIT,
    REASON_LIMIT,
    Course,
    EnrolmentStatus,
    Session,
)
from .certificates import follow_attendance
from .places import fill_places

if TYPE_CHECKING:
    from ponte.accounts.models import User

FIELDS = ("starts_at", "ends_at", "place", "online_link", "capacity", "trainer", "needs_approval")
MAX_DAYS = 31


def _checked(values: dict[str, Any], *, now: datetime) -> dict[str, Any]:
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(f"Not a field of a session: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    kept: dict[str, Any] = {"needs_approval": bool(values.get("needs_approval"))}
    starts, ends = values.get("starts_at"), values.get("ends_at")
    for name, value, message in (
        ("starts_at", starts, _("Give the date and time the session starts.")),
        ("ends_at", ends, _("Give the date and time the session ends.")),
    ):
        if not isinstance(value, datetime) or timezone.is_naive(value):
            errors[name] = [message]
    if not errors:
        if ends <= starts:
            errors["ends_at"] = [_("The session must end after it starts.")]
        elif (ends - starts).days >= MAX_DAYS:
            errors["ends_at"] = [
                _("A session lasts at most %(days)s days: schedule a longer course as several.") % {"days": MAX_DAYS}
            ]
        if starts <= now:
            errors["starts_at"] = [_("The start would already be past: give a later one.")]
    kept["starts_at"], kept["ends_at"] = starts, ends
    try:
        kept["place"] = clean_text(values.get("place", ""), limit=PLACE_LIMIT, field="place")
    except ValidationError as error:
        errors.update(error.message_dict)
        kept["place"] = ""
    link = (values.get("online_link") or "").strip()
    if link:
        try:
            URLValidator(schemes=["https", "http"])(link)
        except ValidationError:
            errors["online_link"] = [_("Give the online link as a full address, starting with https://.")]
    kept["online_link"] = link
    if not kept["place"] and not link and "place" not in errors:
        errors["place"] = [_("Give the place, the online link, or both.")]
    capacity = values.get("capacity")
    if not isinstance(capacity, int) or isinstance(capacity, bool) or not 1 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = [_("Give the number of places, from 1 to %(max)s.") % {"max": MAX_CAPACITY}]
    kept["capacity"] = capacity
    trainer = values.get("trainer")
    if trainer is None or not getattr(trainer, "is_active", False):
        errors["trainer"] = [_("Name the trainer: a person with an account on Ponte.")]
    kept["trainer"] = trainer
    if errors:
        raise ValidationError(errors)
    return kept


def _audited(session: Session) -> dict:
    return {
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "place": session.place,
        "online_link": session.online_link,
        "capacity": session.capacity,
        "trainer": str(session.trainer),
        "needs_approval": session.needs_approval,
        "version": session.version,
    }


@transaction.atomic
def session_schedule(*, actor: User, course: Course, **values) -> Session:
    course = locked(course)
    require("learning.schedule_session", course, actor=actor)
    session = Session.objects.create(course=course, created_by=actor, **_checked(values, now=timezone.now()))
    audit.record(actor=actor, verb="schedule", target=session, after=_audited(session))
    notifications.notify(
        [session.trainer], "learning.trainer_named", params={"session": str(session)}, url=session.get_absolute_url()
    )
    return session


@transaction.atomic
def session_update(*, actor: User, session: Session, seen_version: int | None, **values) -> list[str]:
    """Change an upcoming session; refused with versions.StaleEdit when someone saved it since
    the person's page was opened. More places enrol the first waiting; fewer than the people
    enrolled is refused. Those enrolled are told when it moves."""
    session = locked(session)
    require("learning.change_session", session, actor=actor)
    versions.check_seen(session, seen_version)
    cleaned = _checked(values, now=timezone.now())
    enrolled = session.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
    if cleaned["capacity"] < enrolled:
        raise ValidationError(
            {
                "capacity": [
                    _("%(count)s people are enrolled already: give at least as many places.") % {"count": enrolled}
                ]
            }
        )
    moved = (
        session.starts_at != cleaned["starts_at"]
        or session.place != cleaned["place"]
        or session.online_link != cleaned["online_link"]
    )
    if not any(getattr(session, name) != value for name, value in cleaned.items()):
        return []
    trainer_before = session.trainer_id
    changed = core_services.update(session, {**cleaned, "version": session.version + 1}, actor=actor)
    if session.trainer_id != trainer_before:
        notifications.notify(
            [session.trainer],
            "learning.trainer_named",
            params={"session": str(session)},
            url=session.get_absolute_url(),
        )
    promoted = fill_places(session, actor=actor)
    if moved:
        people = [e.person for e in session.enrolments.filter(status__in=ACTIVE_STATUSES).select_related("person")]
        notifications.notify(
            [person for person in people if person not in promoted],
            "learning.session_changed",
            params={"session": str(session)},
            url=session.get_absolute_url(),
        )
    return [name for name in changed if name != "version"]


@transaction.atomic
def session_cancel(*, actor: User, session: Session, reason: str) -> Session:
    """Cancel an upcoming session with a reason: every enrolment in it ends, and its people are told."""
    session = locked(session)
    require("learning.cancel_session", session, actor=actor)
    reason = clean_text(
        reason,
        limit=REASON_LIMIT,
        field="reason",
        required=_("Say why the session is cancelled: the people enrolled read it."),
    )
    session.cancelled_at, session.cancel_reason = timezone.now(), reason
    session.version += 1
    session.save(update_fields=["cancelled_at", "cancel_reason", "version"])
    audit.record(
        actor=actor,
        verb="cancel",
        target=session,
        before={"cancelled": False},
        after={"cancelled": True, "version": session.version},
        reason=reason,
    )
    people = []
    active = session.enrolments.select_for_update(of=("self",)).filter(status__in=ACTIVE_STATUSES)
    for enrolment in active.select_related("person"):
        ENROLMENT_LIFECYCLE.apply(enrolment, "cancel", actor=actor, reason=reason)
        people.append(enrolment.person)
    notifications.notify(
        people,
        "learning.session_cancelled",
        params={"session": str(session), "reason": reason},
        url=session.get_absolute_url(),
    )
    return session


@transaction.atomic
def attendance_record(*, actor: User, session: Session, present: set[int]) -> int:
    """Record who of those enrolled came (their enrolments' ids in `present`) and who did not.
    Corrections are allowed; each change is audited. Returns how many changed."""
    session = locked(session)
    require("learning.record_attendance", session, actor=actor)
    changed = 0
    now = timezone.now()
    enrolled = session.enrolments.select_for_update(of=("self",)).select_related("person")
    for enrolment in enrolled.filter(status=EnrolmentStatus.ENROLLED):
        came = enrolment.pk in present
        if enrolment.attended is came:
            continue
        before = enrolment.attended
        enrolment.attended, enrolment.attendance_recorded_at = came, now
        enrolment.save(update_fields=["attended", "attendance_recorded_at"])
        enrolment.session = session
        follow_attendance(enrolment, came=came, actor=actor)
        audit.record(
            actor=actor,
            verb="record_attendance",
            target=enrolment,
            before={"attended": before},
            after={"attended": came},
        )
        changed += 1
    return changed
