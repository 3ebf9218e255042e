"""Enrolments: a signed-in person enrols in an upcoming session — enrolled at once while places
are free, on the waiting list once it is full — or, when the session asks for it, sends the
request to an admin of their organisation, who approves or refuses it. A person cancels their
own enrolment until the session starts; the first waiting then takes the place."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ponte.core import audit, notifications
from ponte.core.services import clean_text, locked
from ponte.organisations.queries import administered_by, admins_of, memberships_of

from ..models import (
    ACTIVE_STATUSES,
    ENROLMENT_LIFECYCLE,
    REASON_LIMIT,
    Enrolment,
    EnrolmentStatus,
    Session,
    SessionPhase,
)
from .places import fill_places

if TYPE_CHECKING:
    from ponte.accounts.models import User
    from ponte.organisations.models import Organisation

ALREADY = {
    EnrolmentStatus.ENROLLED: gettext_lazy("You are already enrolled in this session."),
    EnrolmentStatus.WAITING: gettext_lazy("You are already on this session's waiting list."),
    EnrolmentStatus.REQUESTED: gettext_lazy(
        "You have already asked to enrol in this session: your manager has not answered yet."
    ),
}


def _refuse_closed(session: Session) -> None:
    """Why a session takes no enrolment, in the person's words."""
    phase = session.phase
    if phase == SessionPhase.CANCELLED:
        raise ValidationError(_("This session is cancelled: choose another session of the course."))
    if phase != SessionPhase.UPCOMING:
        raise ValidationError(_("This session has already begun: choose a later session of the course."))


def _approving_organisation(actor: User, organisation: Organisation | None) -> Organisation:
    """The organisation whose admins approve: the one named, which must be the person's own, or
    the person's only one."""
    own = {membership.organisation_id: membership.organisation for membership in memberships_of(actor)}
    if organisation is not None:
        if organisation.pk not in own:
            raise ValidationError({"organisation": [_("Choose one of your own organisations.")]})
        return own[organisation.pk]
    if not own:
        raise ValidationError(
            _(
                "This session asks for your manager's approval, and you belong to no organisation on Ponte: "
                "join your organisation first, so that its admins can approve."
            )
        )
    if len(own) > 1:
        raise ValidationError({"organisation": [_("Choose the organisation whose admin approves your enrolment.")]})
    return next(iter(own.values()))


@transaction.atomic
def enrol(*, actor: User, session: Session, organisation: Organisation | None = None) -> Enrolment:
    """Enrol `actor`, put them on the waiting list, or send their request to their manager."""
    if not actor.is_authenticated:
        raise PermissionDenied("learning.enrol")
    # Locked first, so that enrolments and cancellations in one session are served one at a time.
    session = Session.objects.select_for_update().get(pk=session.pk)
    _refuse_closed(session)
    held = session.enrolments.filter(person=actor, status__in=ACTIVE_STATUSES).first()
    if held is not None:
        raise ValidationError(ALREADY[held.status])
    now = timezone.now()
    approver = _approving_organisation(actor, organisation) if session.needs_approval else None
    # An admin's own enrolment asks no one: they are their organisation's manager.
    if approver is not None and approver.pk in administered_by(actor):
        approver = None
    if approver is not None:
        enrolment = Enrolment.objects.create(
            session=session, person=actor, organisation=approver, status=EnrolmentStatus.REQUESTED, requested_at=now
        )
        audit.record(actor=actor, verb="enrol", target=enrolment, after={"status": enrolment.status})
        notifications.notify(
            admins_of(approver),
            "learning.enrolment_requested",
            params={"person": actor.name, "session": str(session)},
            url=reverse("learning:approvals"),
        )
        return enrolment
    # The person joins the queue; the one rule of places (fill_places) enrols them at once if a
    # place is free and no one waits before them.
    enrolment = Enrolment.objects.create(
        session=session, person=actor, status=EnrolmentStatus.WAITING, requested_at=now, queued_at=now
    )
    audit.record(actor=actor, verb="enrol", target=enrolment, after={"status": enrolment.status})
    fill_places(session, actor=actor)
    enrolment.refresh_from_db(fields=["status", "enrolled_at"])
    return enrolment


def _locked_pair(enrolment: Enrolment) -> tuple[Session, Enrolment]:
    """The session's row, then the enrolment's: always in this order, so two people never wait
    on each other."""
    session = Session.objects.select_for_update().get(pk=enrolment.session_id)
    enrolment = locked(enrolment)
    enrolment.session = session
    return session, enrolment


@transaction.atomic
def enrolment_cancel(*, actor: User, enrolment: Enrolment) -> Enrolment:
    """The person leaves the session or its waiting list, or takes back their request."""
    session, enrolment = _locked_pair(enrolment)
    if not actor.has_perm("learning.cancel_enrolment", enrolment):
        if enrolment.person_id == actor.pk and enrolment.status in ACTIVE_STATUSES:
            raise ValidationError(_("The session has begun: your enrolment can no longer be cancelled."))
        raise PermissionDenied("learning.cancel_enrolment")
    ENROLMENT_LIFECYCLE.apply(enrolment, "cancel", actor=actor)
    fill_places(session, actor=actor)
    return enrolment


@transaction.atomic
def enrolment_approve(*, actor: User, enrolment: Enrolment) -> Enrolment:
    """Approve a request: the person is enrolled if a place is free, else joins the waiting list."""
    session, enrolment = _locked_pair(enrolment)
    if not actor.has_perm("learning.decide_enrolment", enrolment):
        raise PermissionDenied("learning.decide_enrolment")
    enrolment.decided_by, enrolment.queued_at = actor, timezone.now()
    ENROLMENT_LIFECYCLE.apply(enrolment, "approve", actor=actor, update_fields=["decided_by", "queued_at"])
    promoted = fill_places(session, actor=actor)
    enrolment.refresh_from_db(fields=["status", "enrolled_at"])
    if enrolment.person not in promoted:
        notifications.notify(
            [enrolment.person],
            "learning.enrolment_waiting",
            params={"session": str(session)},
            url=session.get_absolute_url(),
        )
    return enrolment


@transaction.atomic
def enrolment_refuse(*, actor: User, enrolment: Enrolment, reason: str) -> Enrolment:
    session, enrolment = _locked_pair(enrolment)
    if not actor.has_perm("learning.decide_enrolment", enrolment):
        raise PermissionDenied("learning.decide_enrolment")
    enrolment.refuse_reason = clean_text(
        reason, limit=REASON_LIMIT, field="reason", required=_("Say why: the person reads it.")
    )
    enrolment.decided_by = actor
    ENROLMENT_LIFECYCLE.apply(
        enrolment, "refuse", actor=actor, reason=enrolment.refuse_reason, update_fields=["decided_by", "refuse_reason"]
    )
    notifications.notify(
        [enrolment.person],
        "learning.enrolment_refused",
        params={"session": str(session), "reason": enrolment.refuse_reason},
        url=session.get_absolute_url(),
    )
    return enrolment
