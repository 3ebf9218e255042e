"""Who may do what to a challenge: a role predicate AND a state predicate."""

import rules

from ponte.accounts.roles import is_authenticated, is_programme_manager, is_staff_role
from ponte.organisations.queries import roles_of, verified_companies_of

from .models import EDITABLE, Status


def _role_in_owner(user, challenge):
    return roles_of(user).get(challenge.owner_id) if challenge is not None else None


@rules.predicate
def is_author(user, challenge) -> bool:
    return challenge is not None and is_authenticated(user) and challenge.author_id == user.pk


@rules.predicate
def is_owner_member(user, challenge) -> bool:
    return _role_in_owner(user, challenge) is not None


@rules.predicate
def is_owner_admin(user, challenge) -> bool:
    return _role_in_owner(user, challenge) == "admin"


@rules.predicate
def is_company_member(user) -> bool:
    return bool(roles_of(user)) and verified_companies_of(user).exists()


@rules.predicate
def is_public_servant(user) -> bool:
    from ponte.organisations.models import Organisation

    bodies = list(roles_of(user))
    return bool(bodies) and Organisation.objects.filter(pk__in=bodies, kind="public_body", status="verified").exists()


def _in(*states):
    @rules.predicate(name=f"is_{'_or_'.join(states)}")
    def predicate(user, challenge) -> bool:
        return challenge is not None and challenge.status in states

    return predicate


is_editable = _in(*EDITABLE)
is_awaiting_organisation = _in(Status.AWAITING_ORGANISATION)
is_awaiting_review = _in(Status.AWAITING_REVIEW)
is_approved = _in(Status.APPROVED)
is_cancellable = _in(
    Status.DRAFT,
    Status.AWAITING_ORGANISATION,
    Status.AWAITING_REVIEW,
    Status.CHANGES_REQUESTED,
    Status.APPROVED,
    Status.PUBLISHED,
)
was_public = rules.predicate(lambda user, challenge: challenge is not None and challenge.published_at is not None)


@rules.predicate
def is_open(user, challenge) -> bool:
    return challenge is not None and challenge.is_open


# An author who has left the public body no longer drafts for it.
is_drafter = (is_author & is_owner_member) | is_owner_admin

rules.add_perm("challenges.add_challenge", is_public_servant)


# Drafts stay inside the public body until it sends them for review. Once published, a
# challenge stays public: a revision under review or a cancellation is part of the record.
@rules.predicate
def is_inside_the_body(user, challenge) -> bool:
    """Not yet sent to programme managers: a draft, one awaiting the organisation, or one the
    organisation returned to its author before approving it."""
    return challenge is not None and (
        challenge.status in (Status.DRAFT, Status.AWAITING_ORGANISATION)
        or (challenge.status == Status.CHANGES_REQUESTED and challenge.organisation_approved_at is None)
    )


@rules.predicate
def is_owner_verified(user, challenge) -> bool:
    return challenge is not None and challenge.owner.status == "verified"


rules.add_perm("challenges.view_challenge", was_public | is_owner_member | (is_staff_role & ~is_inside_the_body))
# Once the deadline has passed, companies have answered the terms as published: they are
# frozen (equal treatment of tenderers), so a closed challenge is no longer edited.
rules.add_perm("challenges.change_challenge", is_drafter & (is_editable | is_open))
rules.add_perm("challenges.submit_challenge", is_drafter & is_editable & is_owner_verified)
rules.add_perm("challenges.approve_for_organisation", is_owner_admin & is_awaiting_organisation)
rules.add_perm(
    "challenges.return_to_author",
    (is_owner_admin & is_awaiting_organisation) | (is_programme_manager & is_awaiting_review),
)
rules.add_perm("challenges.approve_challenge", is_programme_manager & is_awaiting_review)
rules.add_perm("challenges.publish_challenge", is_programme_manager & is_approved)
rules.add_perm("challenges.cancel_challenge", (is_owner_admin | is_programme_manager) & is_cancellable)
rules.add_perm("challenges.express_interest", is_company_member & is_open)


# Clarification questions. Companies ask until questions close (a configurable time before
# the deadline); the owner answers in public or declines with a reason.
@rules.predicate
def is_taking_questions(user, challenge) -> bool:
    from .models import questions_are_open

    return questions_are_open(challenge)


is_published = _in(Status.PUBLISHED)

rules.add_perm("challenges.ask_question", is_company_member & is_taking_questions)
rules.add_perm("challenges.answer_question", is_drafter & is_published)
rules.add_perm("challenges.view_pending_questions", (is_owner_member | is_programme_manager) & was_public)


# Proposals -----------------------------------------------------------------------------
# A proposal is sealed until the deadline: before it, only the submitting company's
# members read it. The same seal is applied to querysets by
# ponte.challenges.proposals.proposals_visible_to(), which every page, the API and the
# Django admin use.


def _challenge_of(obj):
    return getattr(obj, "challenge", obj)


@rules.predicate
def is_proposing_company_member(user, proposal) -> bool:
    return proposal is not None and proposal.company_id in roles_of(user)


@rules.predicate
def is_proposal_open(user, proposal) -> bool:
    """The proposal still counts and its challenge is open: it may be changed or withdrawn."""
    return proposal is not None and proposal.status == "submitted" and proposal.challenge.is_open


@rules.predicate
def is_past_deadline(user, obj) -> bool:
    """The deadline of a challenge that was published has passed (by the server clock)."""
    from django.utils import timezone

    challenge = _challenge_of(obj)
    return (
        challenge is not None
        and challenge.published_at is not None
        and challenge.deadline is not None
        and challenge.deadline <= timezone.now()
    )


@rules.predicate
def is_entitled_to_proposals(user, obj) -> bool:
    """Who reads the proposals once the deadline has passed: the challenge's author and its
    public body's admins, and programme managers. Evaluators assigned to the challenge come
    with the evaluation step (see proposals.evaluator_scope)."""
    challenge = _challenge_of(obj)
    return challenge is not None and (
        is_author(user, challenge) or is_owner_admin(user, challenge) or is_programme_manager(user)
    )


@rules.predicate
def is_standing(user, proposal) -> bool:
    """Submitted and not withdrawn: what the public body reads after the deadline."""
    return proposal is not None and proposal.status == "submitted"


@rules.predicate
def is_challenge_owner_or_manager(user, challenge) -> bool:
    return challenge is not None and (is_owner_member(user, challenge) or is_programme_manager(user))


rules.add_perm("challenges.submit_proposal", is_company_member & is_open)
rules.add_perm(
    "challenges.view_proposal",
    is_proposing_company_member | (is_standing & is_past_deadline & is_entitled_to_proposals),
)
rules.add_perm("challenges.change_proposal", is_proposing_company_member & is_proposal_open)
rules.add_perm("challenges.withdraw_proposal", is_proposing_company_member & is_proposal_open)
rules.add_perm("challenges.view_proposals", is_past_deadline & is_entitled_to_proposals)
# Before the deadline only the total is known, and only to the public body and programme managers.
rules.add_perm("challenges.view_proposal_count", is_challenge_owner_or_manager & was_public)
