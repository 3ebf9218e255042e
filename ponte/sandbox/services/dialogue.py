"""The dialogue on a sent application: its applicants, the responsible ministry and the
programme managers write and reply to each other, with files; the ministry or a programme
manager asks for changes, and the ministry invites the final application — each request a
message of the conversation, told to the other side. Permission-checked, transactional,
audited."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ponte.core import attachments, audit
from ponte.core.roles import is_programme_manager
from ponte.core.services import clean_text, locked, require
from ponte.organisations.queries import roles_of

from ..models import APPLICATION_LIFECYCLE, MESSAGE_LIMIT, Application, ApplicationStatus, Message, Side
from . import audience

if TYPE_CHECKING:
    from ponte.accounts.models import User

# Files one message carries, at most.
FILES_LIMIT = 5


def side_of(user, application: Application) -> str:
    """On whose behalf a person writes about an application."""
    bodies = roles_of(user)
    if application.coordinator_id in bodies or any(body.pk in bodies for body in application.partners.all()):
        return Side.APPLICANTS
    if application.ministry_id in bodies:
        return Side.MINISTRY
    if is_programme_manager(user):
        return Side.PROGRAMME
    raise ValueError("not a party to this application")


def _write(
    *, actor: User, application: Application, body: str, reply_to: Message | None, action: str, files: Sequence
) -> Message:
    if reply_to is not None and reply_to.application_id != application.pk:
        raise ValidationError({"reply_to": [_("Reply to a message of this application.")]})
    if len(files) > FILES_LIMIT:
        raise ValidationError({"files": [_("Attach at most %(limit)s files to a message.") % {"limit": FILES_LIMIT}]})
    for uploaded in files:
        attachments.validate_upload(uploaded)
    message = Message.objects.create(
        application=application,
        author=actor,
        side=side_of(actor, application),
        body=body,
        reply_to=reply_to,
        action=action,
    )
    for uploaded in files:
        attachments.attach(uploaded, target=message, actor=actor)
    audit.record(
        actor=actor,
        verb="write_message",
        target=application,
        after={
            "message": message.pk,
            "reply_to": reply_to.pk if reply_to else None,
            "with": action,
            "files": len(files),
        },
    )
    return message


def _tell_the_other_side(message: Message, kind: str, **params) -> None:
    application = message.application
    if message.side == Side.APPLICANTS:
        audience.tell_deciders(application, kind, **params)
    else:
        audience.tell_applicants(application, kind, **params)


@transaction.atomic
def message_write(
    *, actor: User, application: Application, body: str, reply_to: Message | None = None, files: Sequence = ()
) -> Message:
    """Write to the other parties of a sent application, or reply to one of its messages."""
    application = locked(application)
    require("sandbox.write_message", application, actor=actor)
    body = clean_text(body, limit=MESSAGE_LIMIT, field="body", required=_("Write your message."))
    message = _write(actor=actor, application=application, body=body, reply_to=reply_to, action="", files=files)
    _tell_the_other_side(message, "sandbox.message_written", person=actor.name or actor.email)
    return message


@transaction.atomic
def changes_ask(*, actor: User, application: Application, body: str, files: Sequence = ()) -> Message:
    """Ask the applicants to change their application: it is theirs to write again, and sent
    again, on the same step (preliminary or final)."""
    application = locked(application)
    require("sandbox.ask_changes", application, actor=actor)
    body = clean_text(
        body, limit=MESSAGE_LIMIT, field="body", required=_("Say what the applicants should change, and why.")
    )
    verb = "ask_changes" if application.status == ApplicationStatus.PRELIMINARY else "ask_final_changes"
    message = _write(actor=actor, application=application, body=body, reply_to=None, action=verb, files=files)
    APPLICATION_LIFECYCLE.apply(application, verb, actor=actor, reason=body)
    audience.tell_applicants(application, "sandbox.changes_asked")
    return message


@transaction.atomic
def final_invite(*, actor: User, application: Application, body: str = "", files: Sequence = ()) -> Message | None:
    """The ministry invites the final application, with the draft local statement of legal
    status; a message may say what the final application should hold."""
    application = locked(application)
    require("sandbox.invite_final", application, actor=actor)
    body = clean_text(body, limit=MESSAGE_LIMIT, field="body")
    message = None
    if body or files:
        message = _write(
            actor=actor, application=application, body=body, reply_to=None, action="invite_final", files=files
        )
    APPLICATION_LIFECYCLE.apply(application, "invite_final", actor=actor, reason=body)
    audience.tell_applicants(application, "sandbox.final_invited")
    return message
