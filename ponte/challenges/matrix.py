"""The role matrix's challenges, proposals and evaluations (docs/roles.md): one builder per
state, used by the matrix and by the tests, and what each challenge permission means."""

from datetime import timedelta

from django.utils import timezone

from ponte.core.rolematrix import Case, Subject, World
from ponte.organisations import matrix as organisations_matrix

from .models import Award, Challenge, Evaluation, Proposal, Status


def make_challenge(
    world: World,
    status: str,
    *,
    closed: bool = False,
    was_published: bool = False,
    organisation_approved: bool = False,
    **fields,
) -> Challenge:
    """A challenge of the World's verified public body, in `status`: the public servant is
    its author, the organisation admin the body's sole admin. A published challenge is open
    (deadline ahead) unless `closed`; `was_published` marks one published before. `fields`
    are set as given (the phase of a series, for instance)."""
    now = timezone.now()
    published = status == Status.PUBLISHED or was_published
    return Challenge.objects.create(
        owner=organisations_matrix.public_body(world),
        author=world.people["public_servant"],
        title=f"Roles matrix challenge {status} {world.token}",
        status=status,
        deadline=now - timedelta(days=1) if closed else now + timedelta(days=30),
        published_at=now - timedelta(days=30) if published else None,
        organisation_approved_at=now - timedelta(days=40) if organisation_approved or published else None,
        **fields,
    )


def make_proposal(
    world: World,
    *,
    closed: bool = False,
    withdrawn: bool = False,
    challenge_status: str = "published",
    evaluation: str | None = None,
    awarded: bool = False,
    company=None,
    **fields,
):
    """A proposal of the World's company (whose member is the company member), or of `company`,
    to a challenge of the World's public body, published and open unless `closed` (a challenge
    decided or in evaluation is closed). With `evaluation`, the evaluator is assigned to it and
    their evaluation is in that state; `awarded` makes the award. `fields` go to the challenge."""
    if company is None:
        company = organisations_matrix.company(world)
    challenge = make_challenge(world, challenge_status, closed=closed, was_published=True, **fields)
    proposal = Proposal.objects.create(
        challenge=challenge,
        company=company,
        submitted_by=company.memberships.order_by("pk").first().user,
        approach="Roles matrix approach",
        team="Roles matrix team",
        price=1000,
        timeline="Roles matrix timeline",
        status="withdrawn" if withdrawn else "submitted",
    )
    if evaluation is not None:
        Evaluation.objects.create(
            proposal=proposal,
            evaluator=world.people["evaluator"],
            assigned_by=world.people["programme_manager"],
            status=evaluation,
        )
    if awarded:
        Award.objects.create(challenge=challenge, proposal=proposal, supplier=company, value=proposal.price)
    return proposal


def evaluated_challenge(world: World, *, evaluation: str, status: str = "published"):
    """A challenge past its deadline with one proposal (of the company member's company) that
    the evaluator is assigned to, their evaluation in state `evaluation`. "awarded" awards it."""
    return make_proposal(
        world, closed=True, challenge_status=status, evaluation=evaluation, awarded=status == "awarded"
    ).challenge


def make_evaluation(world: World, status: str, *, challenge_status: str = "published"):
    """The evaluator's evaluation, in `status`, of the company member's company's proposal to a
    challenge in evaluation (or decided: `challenge_status`)."""
    proposal = make_proposal(
        world,
        closed=True,
        challenge_status=challenge_status,
        evaluation=status,
        awarded=challenge_status == "awarded",
    )
    return proposal.evaluations.get()


def next_phase(world: World, status: str, *, invited: bool = True):
    """The next phase, in `status`, of a challenge (its first phase) awarded after evaluation to
    the company member's company, which is so invited to the next phase, or, unless `invited`,
    to another company."""
    previous = make_proposal(
        world,
        closed=True,
        challenge_status="awarded",
        evaluation="completed",
        awarded=True,
        company=None if invited else organisations_matrix.other_company(world),
        phase_name="Solution design",
    ).challenge
    return make_challenge(world, status, phase_name="Prototype", previous_phase=previous, first_phase=previous)


def awarded_with_next_phase(world: World):
    """An awarded challenge whose drafter has already prepared the next phase."""
    return next_phase(world, "draft").previous_phase


def sponsored_challenge(world: World, status: str, sponsorship: str) -> Challenge:
    """A challenge of the World's public body, in `status`, whose sponsorship is in `sponsorship`:
    the World's sponsor was asked unless none was."""
    asked = sponsorship != "none"
    return make_challenge(
        world,
        status,
        was_published=status in ("awarded", "cancelled"),
        sponsor=world.people["sponsor"] if asked else None,
        sponsorship=sponsorship,
        sponsorship_asked_at=timezone.now() if asked else None,
    )


SPONSORSHIP_STATES = {
    "draft, no sponsor asked": ("draft", "none"),
    "draft, the sponsor asked": ("draft", "asked"),
    "published, open, the sponsor asked": ("published", "asked"),
    "published, open, the sponsor accepted": ("published", "accepted"),
    "published, open, the sponsor declined": ("published", "declined"),
    "awarded, the sponsor asked": ("awarded", "asked"),
    "cancelled, the sponsor asked": ("cancelled", "asked"),
}

SUBJECTS = (
    Subject(
        key="challenge_sponsorship",
        label="challenge's sponsorship (the sponsor asked by the challenge's public body)",
        states=tuple(
            (state, lambda world, state=state: sponsored_challenge(world, *SPONSORSHIP_STATES[state]))
            for state in SPONSORSHIP_STATES
        ),
    ),
    Subject(
        key="challenge",
        label="challenge",
        states=(
            ("draft", lambda world: make_challenge(world, "draft")),
            ("awaiting the organisation", lambda world: make_challenge(world, "awaiting_organisation")),
            ("awaiting review", lambda world: make_challenge(world, "awaiting_review")),
            ("returned by the organisation", lambda world: make_challenge(world, "changes_requested")),
            (
                "changes requested in review",
                lambda world: make_challenge(world, "changes_requested", organisation_approved=True),
            ),
            ("approved", lambda world: make_challenge(world, "approved")),
            ("published, open", lambda world: make_challenge(world, "published")),
            ("published, closed (deadline passed)", lambda world: make_challenge(world, "published", closed=True)),
            (
                "in evaluation, an evaluation pending (award gate closed)",
                lambda world: evaluated_challenge(world, evaluation="cleared"),
            ),
            (
                "in evaluation, every evaluation complete (award gate open)",
                lambda world: evaluated_challenge(world, evaluation="completed"),
            ),
            ("awarded", lambda world: evaluated_challenge(world, evaluation="completed", status="awarded")),
            (
                "closed without award",
                lambda world: evaluated_challenge(world, evaluation="completed", status="not_awarded"),
            ),
            ("cancelled after publication", lambda world: make_challenge(world, "cancelled", was_published=True)),
            # Phases: each phase of a series is a challenge; the award of one invites its
            # suppliers to the next, which its drafter prepares.
            ("awarded, its next phase prepared", awarded_with_next_phase),
            ("next phase, draft", lambda world: next_phase(world, "draft")),
            (
                "next phase, open, the company member's company invited",
                lambda world: next_phase(world, "published"),
            ),
            (
                "next phase, open, the company member's company not invited",
                lambda world: next_phase(world, "published", invited=False),
            ),
        ),
    ),
    Subject(
        key="proposal",
        label="proposal (of the company member's company)",
        states=(
            ("submitted, challenge open", lambda world: make_proposal(world)),
            ("withdrawn, challenge open", lambda world: make_proposal(world, withdrawn=True)),
            ("submitted, challenge closed (deadline passed)", lambda world: make_proposal(world, closed=True)),
            (
                "submitted, challenge closed, the evaluator cleared to score it",
                lambda world: make_proposal(world, closed=True, evaluation="cleared"),
            ),
            (
                "submitted, challenge closed, the evaluator recused",
                lambda world: make_proposal(world, closed=True, evaluation="recused"),
            ),
            (
                "submitted, challenge awarded to it",
                lambda world: make_proposal(
                    world, closed=True, challenge_status="awarded", evaluation="completed", awarded=True
                ),
            ),
            (
                "submitted, challenge closed without award",
                lambda world: make_proposal(world, closed=True, challenge_status="not_awarded", evaluation="completed"),
            ),
            (
                "withdrawn, challenge awarded",
                lambda world: make_proposal(world, closed=True, challenge_status="awarded", withdrawn=True),
            ),
        ),
    ),
    Subject(
        key="evaluation",
        label="evaluation (the evaluator's, of the company member's company's proposal)",
        states=(
            ("assigned, conflict of interest not declared", lambda world: make_evaluation(world, "assigned")),
            ("cleared (no conflict), scoring", lambda world: make_evaluation(world, "cleared")),
            ("recused (conflict of interest)", lambda world: make_evaluation(world, "recused")),
            ("completed", lambda world: make_evaluation(world, "completed")),
            ("assignment removed", lambda world: make_evaluation(world, "removed")),
            (
                "completed, challenge awarded",
                lambda world: make_evaluation(world, "completed", challenge_status="awarded"),
            ),
        ),
    ),
)

CASES = {
    "challenges.add_challenge": Case("Start a challenge for a verified public body one belongs to."),
    "challenges.view_challenge": Case("See the challenge's page and its API record.", "challenge"),
    "challenges.change_challenge": Case(
        "Edit the challenge (once published, a change of substance sends it back to review).", "challenge"
    ),
    "challenges.submit_challenge": Case("Send the draft to the organisation for approval.", "challenge"),
    "challenges.change_documents": Case(
        "Add or remove the documents published with the challenge (terms of reference, data), while drafting.",
        "challenge",
    ),
    "challenges.approve_for_organisation": Case(
        "Approve the challenge on behalf of the public body and send it for review.", "challenge"
    ),
    "challenges.return_to_author": Case("Return the challenge to its author for changes (with a reason).", "challenge"),
    "challenges.approve_challenge": Case("Approve the challenge for publication after review.", "challenge"),
    "challenges.publish_challenge": Case("Publish the approved challenge.", "challenge"),
    "challenges.cancel_challenge": Case("Cancel the challenge (with a reason).", "challenge"),
    "challenges.express_interest": Case(
        "Follow the challenge on behalf of one's company (a later phase, a company invited to it).", "challenge"
    ),
    "challenges.submit_proposal": Case(
        "Submit a proposal to the challenge on behalf of one's company (to a later phase, a company invited after "
        "the phase before).",
        "challenge",
    ),
    "challenges.view_proposal": Case(
        "Read the proposal (sealed until the deadline: only the submitting company before it).", "proposal"
    ),
    "challenges.change_proposal": Case("Edit the proposal before the deadline.", "proposal"),
    "challenges.withdraw_proposal": Case("Withdraw the proposal before the deadline.", "proposal"),
    "challenges.view_proposals": Case("List the challenge's proposals (only after the deadline).", "challenge"),
    "challenges.view_proposal_count": Case(
        "See the total number of proposals (never per company) before the deadline.", "challenge"
    ),
    "challenges.ask_question": Case(
        "Ask a clarification question on behalf of one's company (until questions close before the deadline; on a "
        "later phase, a company invited after the phase before).",
        "challenge",
    ),
    "challenges.answer_question": Case(
        "Answer a clarification question in public, or decline it with a reason.", "challenge"
    ),
    "challenges.view_pending_questions": Case(
        "See every question still waiting for an answer (companies see their own).", "challenge"
    ),
    "challenges.assign_evaluators": Case(
        "Assign evaluators to the proposals, after the deadline and until the outcome is decided.", "challenge"
    ),
    "challenges.view_evaluations": Case(
        "Read the evaluation board: each proposal's progress, score and rank (after the deadline).", "challenge"
    ),
    "challenges.declare_conflict": Case(
        "Declare whether one has a conflict of interest with the proposing company (a conflict recuses).",
        "evaluation",
    ),
    "challenges.score_proposal": Case(
        "Score each criterion with a comment, save a draft and complete the evaluation.", "evaluation"
    ),
    "challenges.view_evaluation": Case("Read the evaluation: its state, scores and comments.", "evaluation"),
    "challenges.reopen_evaluation": Case(
        "Send a completed evaluation back to its evaluator (with a reason), before the outcome.", "evaluation"
    ),
    "challenges.unassign_evaluator": Case("Withdraw an assignment not yet completed.", "evaluation"),
    "challenges.award_challenge": Case(
        "Award proposals within the budget ceiling, with a justification, once every evaluation is complete "
        "(at once when no proposal came).",
        "challenge",
    ),
    "challenges.close_without_award": Case(
        "Close the challenge without award, with a reason, once every evaluation is complete.", "challenge"
    ),
    "challenges.record_contract": Case("Record the contract signed after the award.", "challenge"),
    "challenges.view_feedback": Case(
        "Read the feedback on the proposal (outcome, scores, anonymous comments) once the outcome is decided.",
        "proposal",
    ),
    "challenges.view_matches": Case(
        "See the published solutions and companies recommended for the challenge.", "challenge"
    ),
    "challenges.view_recommended_challenges": Case("See the open challenges recommended for one's company."),
    "challenges.add_next_phase": Case(
        "Prepare the next phase of the awarded challenge (its suppliers are invited to it), once.", "challenge"
    ),
    "challenges.ask_sponsor": Case(
        "Ask a sponsor to back the challenge (another after one declined), until its outcome is decided.",
        "challenge_sponsorship",
    ),
    "challenges.answer_sponsorship": Case(
        "Accept to sponsor the challenge, or decline with a reason, until its outcome is decided.",
        "challenge_sponsorship",
    ),
}
