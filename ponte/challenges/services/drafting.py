"""Drafting: a public servant starts a challenge and saves it step by step. On a published
challenge, a later deadline or clarified text is an amendment (amendments.py) and a change
of substance is a revision that goes back to review."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ponte.core import audit
from ponte.core.notifications import notify
from ponte.core.services import locked, require

from ..models import (
    AMENDABLE,
    LIFECYCLE,
    SUBSTANCE,
    AmendmentKind,
    Challenge,
    Instrument,
    Status,
)
from ..queries import audiences
from .amendments import challenge_amend, check_deadline_move, record_amendment
from .content import (
    EDITABLE_FIELDS,
    check_budget,
    check_criteria,
    clean_fields,
    criteria_rows,
    recorded,
    save_changes,
)
from .following import notify_followers
from .review import notify_programme_managers

if TYPE_CHECKING:
    from ponte.accounts.models import User

# Drafting ------------------------------------------------------------------------------


@transaction.atomic
def challenge_create(*, actor: User, owner, title: str, **fields) -> Challenge:
    require("challenges.add_challenge", actor=actor)
    if owner.kind != "public_body" or owner.status != "verified" or not owner.memberships.filter(user=actor).exists():
        raise PermissionDenied("not a member of this public body")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    fields = clean_fields(fields)
    check_budget(fields.get("instrument", Instrument.LOW_VALUE), fields.get("budget_ceiling"))
    challenge = Challenge.objects.create(owner=owner, author=actor, title=title.strip(), **fields)
    audit.record(actor=actor, verb="create", target=challenge, after={"title": challenge.title})
    return challenge


@transaction.atomic
def challenge_draft_for(*, actor: User, author: User, owner, title: str, problem: str, affected: str, context: str):
    """A draft challenge started on another module's behalf (a lab problem sent to the
    marketplace, core.registry.DRAFT_CHALLENGE): drafted by `author`, a member of the verified
    public body `owner`, who completes it and sends it for review. `actor` started it."""
    if owner.kind != "public_body" or owner.status != "verified" or not owner.memberships.filter(user=author).exists():
        raise ValidationError(
            _("No draft challenge can be started: %(person)s is no longer a member of %(body)s, or it is not verified.")
            % {"person": author.name or author.email, "body": owner.name}
        )
    challenge = Challenge.objects.create(
        owner=owner, author=author, title=title.strip(), problem=problem, affected=affected, context=context
    )
    audit.record(actor=actor, verb="create", target=challenge, after={"title": challenge.title})
    return challenge


@transaction.atomic
def challenge_update(
    *, actor: User, challenge: Challenge, rationale: str = "", sectors=None, cpv_codes=None, criteria=None, **fields
) -> Challenge:
    """Save a draft (anything may still be missing). On a published challenge, a later deadline
    or a clarified text is an amendment (challenge_amend): it stays published. A change of
    budget, instrument or criteria, which alters who may bid or what is bought, is a revision:
    it goes back to review, and the companies that follow it or bid are told (a proposal
    already submitted is kept)."""
    challenge = locked(challenge)
    require("challenges.change_challenge", challenge, actor=actor)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    fields = clean_fields(fields)
    check_budget(fields.get("instrument", challenge.instrument), fields.get("budget_ceiling", challenge.budget_ceiling))
    if criteria is not None:
        check_criteria(criteria)
    changed = [name for name, value in fields.items() if getattr(challenge, name) != value]
    criteria_before = criteria_rows(challenge.criteria.all())
    criteria_changed = criteria is not None and criteria_rows(criteria) != criteria_before
    substance = [name for name in changed if name in SUBSTANCE] + (["criteria"] if criteria_changed else [])
    if challenge.status == Status.PUBLISHED and not substance:
        amended = {name: fields[name] for name in changed if name in AMENDABLE}
        if amended:
            challenge_amend(actor=actor, challenge=challenge, rationale=rationale, **amended)
            challenge.refresh_from_db()
        rest = {name: value for name, value in fields.items() if name not in AMENDABLE}
        return save_changes(challenge, rest, actor=actor, sectors=sectors, cpv_codes=cpv_codes)
    if challenge.status == Status.PUBLISHED and "deadline" in changed:
        check_deadline_move(challenge, fields["deadline"])
    changes = [
        {"field": name, "before": recorded(name, getattr(challenge, name)), "after": recorded(name, fields[name])}
        for name in changed
        if name in (*AMENDABLE, *SUBSTANCE)
    ]
    if criteria_changed:
        changes.append(
            {
                "field": "criteria",
                "before": [{"name": c["name"], "weight": c["weight"]} for c in criteria_before],
                "after": [{"name": c["name"], "weight": c["weight"]} for c in criteria_rows(criteria)],
            }
        )
    save_changes(
        challenge,
        fields,
        actor=actor,
        sectors=sectors,
        cpv_codes=cpv_codes,
        criteria=criteria if criteria_changed else None,
    )
    if challenge.was_published and changes:
        # The public reads a published challenge throughout its revision: the change is dated
        # and kept, so its open data keeps every release as it was published.
        record_amendment(
            actor=actor, challenge=challenge, kind=AmendmentKind.REVISION, changes=changes, rationale=rationale.strip()
        )
    if challenge.status == Status.PUBLISHED and substance:
        LIFECYCLE.apply(challenge, "revise", actor=actor, reason=rationale.strip() or ", ".join(substance))
        bidding = audiences.bidders(challenge)
        notify_followers(challenge, "challenges.revised", exclude=bidding)
        notify(
            bidding,
            "challenges.revised_proposal_kept",
            params={"challenge": challenge.title},
            url=challenge.get_absolute_url(),
        )
        notify_programme_managers(challenge)
    return challenge
