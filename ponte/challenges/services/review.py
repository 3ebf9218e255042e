"""Review and publication: the author sends, the organisation's admin approves for the body,
a programme manager returns, approves and publishes; a challenge may be cancelled with a
reason. Publication tells the people whose alerts match."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ponte.core.notifications import notify
from ponte.core.services import locked, require

from ..models import (
    LIFECYCLE,
    Challenge,
)
from ..queries import audiences
from ..queries.phases import invited_companies
from .content import deadline_too_soon, missing_for_submission
from .following import notify_followers

if TYPE_CHECKING:
    from ponte.accounts.models import User

# Review --------------------------------------------------------------------------------


@transaction.atomic
def challenge_submit(*, actor: User, challenge: Challenge) -> Challenge:
    challenge = locked(challenge)
    require("challenges.submit_challenge", challenge, actor=actor)
    missing = missing_for_submission(challenge)
    if missing:
        raise ValidationError({field: [message] for field, message in missing})
    LIFECYCLE.apply(challenge, "submit", actor=actor)
    from ponte.organisations.queries import admins_of

    notify(
        admins_of(challenge.owner),
        "challenges.to_approve",
        params={"challenge": challenge.title, "person": str(actor)},
        url=challenge.get_absolute_url(),
    )
    return challenge


@transaction.atomic
def challenge_approve_for_organisation(*, actor: User, challenge: Challenge) -> Challenge:
    challenge = locked(challenge)
    require("challenges.approve_for_organisation", challenge, actor=actor)
    LIFECYCLE.apply(challenge, "approve_for_organisation", actor=actor)
    notify_programme_managers(challenge)
    return challenge


@transaction.atomic
def challenge_return_to_author(*, actor: User, challenge: Challenge, reason: str) -> Challenge:
    challenge = locked(challenge)
    require("challenges.return_to_author", challenge, actor=actor)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say what needs to change.")]})
    challenge.changes_requested_reason = reason.strip()
    LIFECYCLE.apply(
        challenge, "return_to_author", actor=actor, reason=reason.strip(), update_fields=["changes_requested_reason"]
    )
    notify(
        [challenge.author],
        "challenges.changes_requested",
        params={"challenge": challenge.title, "reason": challenge.changes_requested_reason},
        url=challenge.get_absolute_url(),
    )
    return challenge


@transaction.atomic
def challenge_approve(*, actor: User, challenge: Challenge, reason: str = "") -> Challenge:
    challenge = locked(challenge)
    require("challenges.approve_challenge", challenge, actor=actor)
    missing = missing_for_submission(challenge) if not challenge.was_published else []
    if missing:
        raise ValidationError({field: [message] for field, message in missing})
    challenge.changes_requested_reason = ""
    LIFECYCLE.apply(challenge, "approve", actor=actor, reason=reason, update_fields=["changes_requested_reason"])
    notify(
        [challenge.author],
        "challenges.approved",
        params={"challenge": challenge.title},
        url=challenge.get_absolute_url(),
    )
    return challenge


@transaction.atomic
def challenge_publish(*, actor: User, challenge: Challenge) -> Challenge:
    challenge = locked(challenge)
    require("challenges.publish_challenge", challenge, actor=actor)
    if challenge.deadline is None or challenge.deadline <= timezone.now():
        raise ValidationError({"deadline": [_("The deadline has passed: set a new one before publishing.")]})
    first_published = challenge.published_at
    first_time = first_published is None
    # The tender period runs from the first publication: a revision republished keeps it.
    too_soon = deadline_too_soon(challenge, challenge.deadline, start=first_published or timezone.now())
    if too_soon is not None:
        raise ValidationError({"deadline": [too_soon]})
    LIFECYCLE.apply(challenge, "publish", actor=actor)
    if not first_time:
        # Its open data and its page date it from its first publication, as companies read it.
        challenge.published_at = first_published
        challenge.save(update_fields=["published_at"])
    invited = invited_companies(challenge)
    if first_time and invited is not None:
        # A later phase is for the suppliers invited to it: they hear of it, alerts do not.
        from ponte.accounts.models import User

        notify(
            User.objects.filter(memberships__organisation_id__in=invited, is_active=True).distinct(),
            "challenges.invited_to_phase",
            params={"challenge": challenge.title, "phase": challenge.phase_name},
            url=challenge.get_absolute_url(),
        )
    elif first_time:
        notify(
            audiences.subscribers_matching(challenge),
            "challenges.new_match",
            params={"challenge": challenge.title},
            url=challenge.get_absolute_url(),
        )
    else:
        notify_followers(challenge, "challenges.revised")
    notify(
        [challenge.author],
        "challenges.published",
        params={"challenge": challenge.title},
        url=challenge.get_absolute_url(),
    )
    return challenge


@transaction.atomic
def challenge_cancel(*, actor: User, challenge: Challenge, reason: str) -> Challenge:
    challenge = locked(challenge)
    require("challenges.cancel_challenge", challenge, actor=actor)
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for cancelling.")]})
    challenge.cancellation_reason = reason.strip()
    LIFECYCLE.apply(challenge, "cancel", actor=actor, reason=reason.strip(), update_fields=["cancellation_reason"])
    notify_followers(challenge, "challenges.cancelled")
    return challenge


def notify_programme_managers(challenge: Challenge) -> None:
    from ponte.accounts.queries import programme_managers

    notify(
        programme_managers(),
        "challenges.to_review",
        params={"challenge": challenge.title, "organisation": challenge.owner.name},
        url=reverse("challenges:review_queue"),
    )
