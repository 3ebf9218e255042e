"""Who may do what to a challenge: a role predicate AND a state predicate."""

import rules

from ponte.core.roles import is_authenticated, is_programme_manager, is_staff_role
from ponte.core.sponsorship import is_asked_or_backing, is_its_sponsor, may_ask_a_sponsor, may_be_answered
from ponte.organisations.queries import roles_of, verified_companies_of
from ponte.organisations.rules import is_company_member, is_public_servant

from .models import EDITABLE, EVALUATION_LIFECYCLE, LIFECYCLE, Status


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


def _in(*states):
    @rules.predicate(name=f"is_{'_or_'.join(states)}")
    def predicate(user, challenge) -> bool:
        return challenge is not None and challenge.status in states

    return predicate


is_editable = _in(*EDITABLE)
is_awaiting_organisation = _in(Status.AWAITING_ORGANISATION)
is_awaiting_review = _in(Status.AWAITING_REVIEW)
# From which states a decision may be taken is the lifecycle's to say (models.LIFECYCLE);
# the permissions below add who takes it.
may_be_submitted = LIFECYCLE.allows("submit")
may_be_approved_for_organisation = LIFECYCLE.allows("approve_for_organisation")
may_be_approved = LIFECYCLE.allows("approve")
may_be_published = LIFECYCLE.allows("publish")
may_be_cancelled = LIFECYCLE.allows("cancel")
was_public = rules.predicate(lambda user, challenge: challenge is not None and challenge.was_published)


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


# The sponsor asked to back a challenge reads it, a draft too, until they decline.
rules.add_perm(
    "challenges.view_challenge",
    was_public | is_owner_member | is_asked_or_backing | (is_staff_role & ~is_inside_the_body),
)
# Once the deadline has passed, companies have answered the terms as published: they are
# frozen (equal treatment of tenderers), so a closed challenge is no longer edited.
rules.add_perm("challenges.change_challenge", is_drafter & (is_editable | is_open))
rules.add_perm("challenges.submit_challenge", is_drafter & may_be_submitted & is_owner_verified)
rules.add_perm("challenges.approve_for_organisation", is_owner_admin & may_be_approved_for_organisation)
# The lifecycle lets a challenge be returned from both states; who returns it depends on which.
rules.add_perm(
    "challenges.return_to_author",
    (is_owner_admin & is_awaiting_organisation) | (is_programme_manager & is_awaiting_review),
)
rules.add_perm("challenges.approve_challenge", is_programme_manager & may_be_approved)
rules.add_perm("challenges.publish_challenge", is_programme_manager & may_be_published)
# A published challenge may be cancelled until its outcome is decided, after the deadline too.
rules.add_perm("challenges.cancel_challenge", (is_owner_admin | is_programme_manager) & may_be_cancelled)


# Clarification questions. Companies ask until questions close (a configurable time before
# the deadline); the owner answers in public or declines with a reason.
@rules.predicate
def is_taking_questions(user, challenge) -> bool:
    from .models import questions_are_open

    return questions_are_open(challenge)


is_published = _in(Status.PUBLISHED)


@rules.predicate
def is_invited(user, challenge) -> bool:
    """A first phase is open to every company; a later phase only to the suppliers awarded in
    the phase before (the invitation), among the person's verified companies."""
    from .queries.phases import invited_companies

    invited = invited_companies(challenge)
    return invited is None or bool(invited & set(verified_companies_of(user).values_list("pk", flat=True)))


# Following a challenge (hearing of its changes and answers) is for the companies that may
# answer it: on a later phase, only the invited ones.
rules.add_perm("challenges.express_interest", is_company_member & is_open & is_invited)
rules.add_perm("challenges.ask_question", is_company_member & is_taking_questions & is_invited)
rules.add_perm("challenges.answer_question", is_drafter & is_published)
rules.add_perm("challenges.view_pending_questions", (is_owner_member | is_programme_manager) & was_public)


# Proposals -----------------------------------------------------------------------------
# A proposal is sealed until the deadline: before it, only the submitting company's
# members read it. The same seal is applied to querysets by
# ponte.challenges.queries.proposals.proposals_visible_to(), which every page, the API and the
# Django admin use.


def _challenge_of(obj):
    """The challenge of a challenge, a proposal, an evaluation or an award."""
    obj = getattr(obj, "proposal", obj)
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
    challenge = _challenge_of(obj)
    return challenge is not None and challenge.is_past_deadline


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


@rules.predicate
def is_cleared_evaluator(user, proposal) -> bool:
    """An evaluator assigned to this proposal who declared no conflict of interest with the
    company. The same scope is applied to querysets by queries.proposals.evaluator_scope()."""
    from .models import Evaluation, EvaluationStatus

    return (
        proposal is not None
        and is_authenticated(user)
        and Evaluation.objects.filter(
            proposal=proposal,
            evaluator=user,
            status__in=(EvaluationStatus.CLEARED, EvaluationStatus.COMPLETED),
        ).exists()
    )


rules.add_perm("challenges.submit_proposal", is_company_member & is_open & is_invited)
rules.add_perm(
    "challenges.view_proposal",
    is_proposing_company_member | (is_standing & is_past_deadline & (is_entitled_to_proposals | is_cleared_evaluator)),
)
rules.add_perm("challenges.change_proposal", is_proposing_company_member & is_proposal_open)
rules.add_perm("challenges.withdraw_proposal", is_proposing_company_member & is_proposal_open)
rules.add_perm("challenges.view_proposals", is_past_deadline & is_entitled_to_proposals)
# Before the deadline only the total is known, and only to the public body and programme managers.
rules.add_perm("challenges.view_proposal_count", is_challenge_owner_or_manager & was_public)


# Evaluation ----------------------------------------------------------------------------
# After the deadline a programme manager assigns evaluators to proposals. An evaluator
# declares any conflict of interest with each company before reading its proposal; a
# conflict recuses them. The ranking is read by those entitled to the proposals.


@rules.predicate
def is_in_evaluation(user, obj) -> bool:
    """Published, past its deadline, and no outcome yet (time is data: no status flips)."""
    challenge = _challenge_of(obj)
    return challenge is not None and challenge.is_closed


@rules.predicate
def is_own_evaluation(user, evaluation) -> bool:
    return evaluation is not None and is_authenticated(user) and evaluation.evaluator_id == user.pk


# An evaluation's states, as its lifecycle (models.EVALUATION_LIFECYCLE) defines them by
# what may be done next.
is_awaiting_declaration = EVALUATION_LIFECYCLE.allows("declare_conflict")  # or declare none
is_being_scored = EVALUATION_LIFECYCLE.allows("complete")
is_completed_evaluation = EVALUATION_LIFECYCLE.allows("reopen")
is_pending_evaluation = EVALUATION_LIFECYCLE.allows("unassign")


@rules.predicate
def is_award_gate_open(user, challenge) -> bool:
    """Every standing proposal has a completed evaluation and none is still pending."""
    from .queries.evaluation import award_gate

    return challenge is not None and not award_gate(challenge)


@rules.predicate
def is_decided(user, obj) -> bool:
    """The outcome of the challenge (of a challenge or of a proposal) is decided."""
    challenge = _challenge_of(obj)
    return challenge is not None and challenge.is_decided


is_awarded = _in(Status.AWARDED)

rules.add_perm("challenges.assign_evaluators", is_programme_manager & is_in_evaluation)
rules.add_perm("challenges.view_evaluations", is_entitled_to_proposals & is_past_deadline & was_public)
rules.add_perm("challenges.declare_conflict", is_own_evaluation & is_awaiting_declaration & is_in_evaluation)
rules.add_perm("challenges.score_proposal", is_own_evaluation & is_being_scored & is_in_evaluation)
rules.add_perm(
    "challenges.view_evaluation",
    is_own_evaluation | (is_entitled_to_proposals & ~is_awaiting_declaration),
)
rules.add_perm("challenges.reopen_evaluation", is_programme_manager & is_completed_evaluation & is_in_evaluation)
rules.add_perm("challenges.unassign_evaluator", is_programme_manager & is_pending_evaluation & is_in_evaluation)


# Award ---------------------------------------------------------------------------------
# The public body decides the outcome once every evaluation is complete: award one or more
# proposals within the budget, or close without award. Bidders then read their feedback.
@rules.predicate
def has_standing_proposals(user, challenge) -> bool:
    return challenge is not None and challenge.proposals.filter(status="submitted").exists()


# With no proposal standing there is nothing to award: the challenge can only close without award.
rules.add_perm(
    "challenges.award_challenge", is_drafter & is_in_evaluation & has_standing_proposals & is_award_gate_open
)
rules.add_perm("challenges.close_without_award", is_drafter & is_in_evaluation & is_award_gate_open)
rules.add_perm("challenges.record_contract", is_drafter & is_awarded)
rules.add_perm("challenges.view_feedback", is_proposing_company_member & is_standing & is_decided)


# Matchmaking (matching.py) -------------------------------------------------------------
# The public body and programme managers see the solutions and companies that may answer a
# challenge they can see; the members of a verified company see open challenges for it.
rules.add_perm(
    "challenges.view_matches",
    is_owner_member | (is_programme_manager & (was_public | ~is_inside_the_body)),
)
rules.add_perm("challenges.view_recommended_challenges", is_company_member)


# Phases --------------------------------------------------------------------------------
# Awarding a phase invites its suppliers to the next one, which its drafter then prepares.


@rules.predicate
def has_no_next_phase(user, challenge) -> bool:
    from .models import Challenge

    return (
        challenge is not None
        and not Challenge.objects.filter(previous_phase=challenge).exclude(status=Status.CANCELLED).exists()
    )


rules.add_perm("challenges.add_next_phase", is_drafter & is_awarded & has_no_next_phase)


# Documents attached to a challenge ------------------------------------------------------
# The drafter adds or removes them while the challenge is a draft or returned for changes;
# who may download them is whoever may see the challenge (registered in contributions.py).
rules.add_perm("challenges.change_documents", is_drafter & is_editable)


# Sponsorship: until its outcome is decided, the public body asks a sponsor to back the challenge
# (another after one declined) and the sponsor accepts or declines.
is_undecided = ~_in(Status.AWARDED, Status.NOT_AWARDED, Status.CANCELLED)
rules.add_perm("challenges.ask_sponsor", is_drafter & is_undecided & may_ask_a_sponsor)
rules.add_perm("challenges.answer_sponsorship", is_its_sponsor & is_undecided & may_be_answered)
