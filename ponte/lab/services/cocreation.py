"""Co-creation with citizens. A person joins the lab's citizens' panel with explicit consent,
sees and exports what the lab holds about them, and may withdraw at any time: withdrawing
erases their personal data from the panel, the sessions and the feedback, while the
anonymous counts and ratings stay. A project's team holds sessions, invites panel members,
who sign up within the session's places, records who came, and asks for feedback on each
version of a prototype."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ponte.core import audit
from ponte.core.models import Notification
from ponte.core.notifications import notify
from ponte.core.services import clean_text, locked, require
from ponte.reference.models import Sector, SectorTag

from ..models import (
    PANEL_CONSENT_VERSION,
    TEXT_LIMIT,
    AgeBand,
    FeedbackAnswer,
    FeedbackResponse,
    Invitation,
    InvitationStatus,
    PanelMember,
    Project,
    Prototype,
    QuestionKind,
    Session,
    SessionKind,
)

if TYPE_CHECKING:
    from ponte.accounts.models import User

# The notifications a member receives as a panel member: erased when they leave.
PANEL_NOTIFICATIONS = ("lab.session_invited", "lab.session_reminder")
# What a panel member does is audited without who did it: the trail is never rewritten, and
# once they leave nothing in it may tie them to the panel, the sessions or the feedback.
ANONYMOUS = None
# Members invited at once: a session's invitations are for a room, not a mailing.
INVITE_LIMIT = 500
MAX_CAPACITY = 10_000
MAX_QUESTIONS = 10
REMIND_BEFORE = timedelta(hours=24)


def _panel_errors(topics, region, age_band, accessibility) -> tuple[dict, dict]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    chosen = list(dict.fromkeys(topics or []))
    if not chosen or any(topic not in Sector.values for topic in chosen):
        errors["topics"] = [_("Choose at least one topic you would like to work on.")]
    cleaned["topics"] = chosen
    for name, value, required, limit in (
        ("region", region, _("Say where you live: a region or a town."), 100),
        ("accessibility", accessibility, "", TEXT_LIMIT),
    ):
        try:
            cleaned[name] = clean_text(value, limit=limit, field=name, required=required)
        except ValidationError as error:
            errors.update(error.message_dict)
    if age_band not in AgeBand.values:
        errors["age_band"] = [_("Choose your age band, or that you prefer not to say.")]
    cleaned["age_band"] = age_band
    return cleaned, errors


@transaction.atomic
def panel_join(
    *, actor: User, topics: list[str], region: str, age_band: str, accessibility: str = "", consent: bool
) -> PanelMember:
    require("lab.join_panel", actor=actor)
    if PanelMember.objects.filter(person=actor).exists():
        raise ValidationError(_("You are already on the citizens' panel."))
    cleaned, errors = _panel_errors(topics, region, age_band, accessibility)
    if consent is not True:
        errors["consent"] = [_("To join the panel, give your consent: tick the box once you have read it.")]
    if errors:
        raise ValidationError(errors)
    topics = cleaned.pop("topics")
    member = PanelMember.objects.create(
        person=actor, consent_version=PANEL_CONSENT_VERSION, consented_at=timezone.now(), **cleaned
    )
    member.topics.set(SectorTag.objects.filter(code__in=topics))
    # The trail keeps that consent was given, and which wording: never what the member told.
    audit.record(actor=ANONYMOUS, verb="join_panel", target=member, after={"consent_version": PANEL_CONSENT_VERSION})
    return member


@transaction.atomic
def panel_update(*, actor: User, topics: list[str], region: str, age_band: str, accessibility: str = "") -> None:
    member = PanelMember.objects.select_for_update().filter(person=actor).first()
    if member is None:
        raise ValidationError(_("You are not on the citizens' panel."))
    cleaned, errors = _panel_errors(topics, region, age_band, accessibility)
    if errors:
        raise ValidationError(errors)
    topics = cleaned.pop("topics")
    changed = [name for name, value in cleaned.items() if getattr(member, name) != value]
    if set(member.topics.values_list("code", flat=True)) != set(topics):
        changed.append("topics")
    for name, value in cleaned.items():
        setattr(member, name, value)
    member.save()
    member.topics.set(SectorTag.objects.filter(code__in=topics))
    if changed:
        audit.record(actor=ANONYMOUS, verb="update_panel", target=member, after={"changed": sorted(changed)})


@transaction.atomic
def panel_withdraw(*, actor: User) -> None:
    """Leave the panel: the membership, its invitations' link to the person, the free answers
    they gave and the panel's notifications to them are erased. The sessions' counts and the
    ratings stay, belonging to no one."""
    member = PanelMember.objects.select_for_update().filter(person=actor).first()
    if member is None:
        return
    FeedbackAnswer.objects.filter(response__member=member).update(text="")
    Notification.objects.filter(recipient=actor, kind__in=PANEL_NOTIFICATIONS).delete()
    # A place in a session still to come is given back, so that someone else may take it.
    member.invitations.filter(status=InvitationStatus.SIGNED_UP, session__starts_at__gt=timezone.now()).update(
        status=InvitationStatus.CANCELLED, answered_at=timezone.now()
    )
    audit.record(actor=ANONYMOUS, verb="withdraw_from_panel", target=member)
    # Invitations and responses keep their rows, their member emptied (SET_NULL).
    member.delete()


def panel_export(user) -> dict[str, Any]:
    """Everything the lab holds about a panel member, as they may download it."""
    member = PanelMember.objects.filter(person=user).prefetch_related("topics").first()
    if member is None:
        return {}
    invitations = member.invitations.select_related("session", "session__project").order_by("session__starts_at")
    answers = FeedbackAnswer.objects.filter(response__member=member).select_related("question", "response__prototype")
    return {
        "panel_member": {
            "topics": sorted(tag.code for tag in member.topics.all()),
            "region": member.region,
            "age_band": member.age_band,
            "accessibility_needs": member.accessibility,
            "consent_version": member.consent_version,
            "consented_at": member.consented_at.isoformat(),
            "joined_at": member.joined_at.isoformat(),
        },
        "sessions": [
            {
                "session": invitation.session.title,
                "project": invitation.session.project.title,
                "starts_at": invitation.session.starts_at.isoformat(),
                "status": invitation.status,
                "attended": invitation.attended,
            }
            for invitation in invitations
        ],
        "feedback": [
            {
                "prototype": str(answer.response.prototype),
                "question": answer.question.text,
                "rating": answer.rating,
                "answer": answer.text,
                "submitted_at": answer.response.submitted_at.isoformat(),
            }
            for answer in answers
        ],
    }


# Sessions ---------------------------------------------------------------------------------


@transaction.atomic
def session_create(*, actor: User, project: Project, **values) -> Session:
    project = locked(project)
    require("lab.add_session", project, actor=actor)
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name, required, limit in (
        ("title", _("Give the session a title."), 200),
        ("description", _("Say what happens in the session, and what participants bring."), TEXT_LIMIT),
        ("place", _("Give the address, or how to join online."), 500),
        ("accessibility", "", TEXT_LIMIT),
    ):
        try:
            cleaned[name] = clean_text(values.get(name), limit=limit, field=name, required=required)
        except ValidationError as error:
            errors.update(error.message_dict)
    if values.get("kind") not in SessionKind.values:
        errors["kind"] = [_("Choose the kind of session from the list.")]
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if starts is None or starts <= timezone.now():
        errors["starts_at"] = [_("Give a start in the future.")]
    if ends is None or (starts is not None and ends <= starts):
        errors["ends_at"] = [_("Give an end after the start.")]
    capacity = values.get("capacity")
    if capacity is None or not 1 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = [_("Give the number of places, from 1 to 10,000.")]
    if errors:
        raise ValidationError(errors)
    session = Session.objects.create(
        project=project,
        kind=values["kind"],
        starts_at=starts,
        ends_at=ends,
        online=bool(values.get("online")),
        capacity=capacity,
        created_by=actor,
        **cleaned,
    )
    audit.record(actor=actor, verb="create", target=session, after={"title": session.title, "capacity": capacity})
    return session


def _when(session: Session) -> str:
    return date_format(timezone.localtime(session.starts_at), "DATETIME_FORMAT")


@transaction.atomic
def session_invite(*, actor: User, session: Session, topic: str, region: str = "", age_band: str = "") -> int:
    """Invite the panel members who chose `topic` (and live in `region`, and are of
    `age_band`, when given), not invited yet, at most INVITE_LIMIT at a time; their number."""
    session = locked(session)
    require("lab.manage_session", session, actor=actor)
    if topic not in Sector.values:
        raise ValidationError({"topic": [_("Choose the topic of the members to invite.")]})
    if age_band and age_band not in AgeBand.values:
        raise ValidationError({"age_band": [_("Choose an age band from the list.")]})
    region = clean_text(region, limit=100, field="region")
    members = PanelMember.objects.filter(topics__code=topic, person__is_active=True).exclude(
        invitations__session=session
    )
    if region:
        members = members.filter(region__iexact=region)
    if age_band:
        members = members.filter(age_band=age_band)
    chosen = list(members.select_related("person").order_by("pk")[:INVITE_LIMIT])
    Invitation.objects.bulk_create([Invitation(session=session, member=member) for member in chosen])
    audit.record(actor=actor, verb="invite", target=session, after={"invited": len(chosen), "topic": topic})
    notify(
        [member.person for member in chosen],
        "lab.session_invited",
        params={"session": session.title, "when": _when(session)},
        url=session.get_absolute_url(),
    )
    return len(chosen)


def _invitation_of(actor: User, session: Session) -> Invitation | None:
    return Invitation.objects.select_for_update().filter(session=session, member__person=actor).first()


@transaction.atomic
def session_sign_up(*, actor: User, session: Session) -> Invitation:
    """Take one of the session's places; refused, with a message, when none is left."""
    session = locked(session)
    require("lab.sign_up_session", session, actor=actor)
    taken = session.invitations.filter(status=InvitationStatus.SIGNED_UP).count()
    if taken >= session.capacity:
        raise ValidationError(
            ngettext(
                "The session is full: its only place is taken.",
                "The session is full: its %(places)s places are taken.",
                session.capacity,
            )
            % {"places": session.capacity}
        )
    invitation = _invitation_of(actor, session)
    invitation.status, invitation.answered_at = InvitationStatus.SIGNED_UP, timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    audit.record(actor=ANONYMOUS, verb="sign_up", target=session)
    return invitation


@transaction.atomic
def session_cancel(*, actor: User, session: Session) -> Invitation:
    session = locked(session)
    require("lab.cancel_sign_up", session, actor=actor)
    invitation = _invitation_of(actor, session)
    invitation.status, invitation.answered_at = InvitationStatus.CANCELLED, timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    audit.record(actor=ANONYMOUS, verb="cancel_sign_up", target=session)
    return invitation


@transaction.atomic
def attendance_record(*, actor: User, session: Session, present: set[int]) -> int:
    """Record who of those signed up came (`present`: their invitations' ids); the number who came."""
    session = locked(session)
    require("lab.record_attendance", session, actor=actor)
    signed_up = session.invitations.filter(status=InvitationStatus.SIGNED_UP)
    came = signed_up.filter(pk__in=present).update(attended=True)
    signed_up.exclude(pk__in=present).update(attended=False)
    audit.record(actor=actor, verb="record_attendance", target=session, after={"came": came})
    return came


def send_session_reminders(now=None) -> int:
    """Remind each person signed up to a session that starts within a day, once."""
    now = now or timezone.now()
    due = Invitation.objects.filter(
        status=InvitationStatus.SIGNED_UP,
        reminded_at__isnull=True,
        member__person__is_active=True,
        session__starts_at__gt=now,
        session__starts_at__lte=now + REMIND_BEFORE,
    ).select_related("session", "member__person")
    sent = 0
    for invitation in due:
        with transaction.atomic():
            claimed = Invitation.objects.filter(pk=invitation.pk, reminded_at__isnull=True).update(reminded_at=now)
            if not claimed:
                continue  # another worker reminded them meanwhile
            notify(
                [invitation.member.person],
                "lab.session_reminder",
                params={"session": invitation.session.title, "when": _when(invitation.session)},
                url=invitation.session.get_absolute_url(),
            )
            sent += 1
    return sent


# Prototypes and feedback -----------------------------------------------------------------


@transaction.atomic
def prototype_create(
    *, actor: User, project: Project, name: str, version: str, description: str, questions: list[tuple[str, str]]
) -> Prototype:
    project = locked(project)
    require("lab.add_prototype", project, actor=actor)
    errors: dict[str, list[str]] = {}
    cleaned = {}
    for field, value, required, limit in (
        ("name", name, _("Name the prototype."), 200),
        ("version", version, _("Give the version: for example v1, or paper sketch."), 40),
        ("description", description, _("Describe what participants try out."), TEXT_LIMIT),
    ):
        try:
            cleaned[field] = clean_text(value, limit=limit, field=field, required=required)
        except ValidationError as error:
            errors.update(error.message_dict)
    asked = [(text.strip(), kind) for text, kind in questions if text and text.strip()]
    if not asked:
        errors["questions"] = [_("Ask at least one question.")]
    elif len(asked) > MAX_QUESTIONS or any(len(t) > 300 or "\x00" in t for t, _k in asked):
        errors["questions"] = [_("Ask at most 10 questions, each in at most 300 characters.")]
    elif any(kind not in QuestionKind.values for _t, kind in asked):
        errors["questions"] = [_("Choose for each question whether it asks for a rating or a free answer.")]
    if not errors and project.prototypes.filter(name=cleaned["name"], version=cleaned["version"]).exists():
        errors["version"] = [_("This prototype already has this version: give the new version another name.")]
    if errors:
        raise ValidationError(errors)
    prototype = Prototype.objects.create(project=project, created_by=actor, **cleaned)
    prototype.questions.bulk_create(
        [
            prototype.questions.model(prototype=prototype, text=text, kind=kind, position=i)
            for i, (text, kind) in enumerate(asked)
        ]
    )
    audit.record(
        actor=actor, verb="create", target=prototype, after={"name": prototype.name, "version": prototype.version}
    )
    return prototype


@transaction.atomic
def feedback_give(*, actor: User, prototype: Prototype, answers: dict[int, Any]) -> FeedbackResponse:
    """A panel member's answers on a prototype version: each rating from 1 to 5, free answers
    optional. Once per member and version."""
    prototype = locked(prototype)
    require("lab.give_feedback", prototype, actor=actor)
    errors: dict[str, list[str]] = {}
    rows = []
    for question in prototype.questions.all():
        value = answers.get(question.pk)
        key = f"question_{question.pk}"
        if question.kind == QuestionKind.RATING:
            if not isinstance(value, int) or not 1 <= value <= 5:
                errors[key] = [_("Give a rating from 1 to 5.")]
                continue
            rows.append((question, value, ""))
        else:
            try:
                rows.append((question, None, clean_text(value, limit=TEXT_LIMIT, field=key)))
            except ValidationError as error:
                errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    member = PanelMember.objects.get(person=actor)
    response = FeedbackResponse.objects.create(prototype=prototype, member=member)
    FeedbackAnswer.objects.bulk_create(
        [FeedbackAnswer(response=response, question=q, rating=rating, text=text) for q, rating, text in rows]
    )
    audit.record(actor=ANONYMOUS, verb="give_feedback", target=prototype)
    return response
