"""The role matrix: who may do what, in which state, computed from the permission rules.

`build()` creates, inside a transaction it always rolls back (so it is safe on any
database, the production one included), one person per role and one object per
relevant state, then asks `user.has_perm(permission, object)` for every permission
that Ponte's apps register with django-rules. `render()` turns the answers into the
Markdown of docs/roles.md (`python -m ponte roles-matrix` writes it).

Because every cell is the rules' own answer, the document cannot drift from the code:
a test checks the committed file equals a fresh rendering. Each permission needs a
`Case` below saying what it is about; a permission without one makes `build()` fail,
so a new permission cannot slip into the code without a row in the matrix.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import rules
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone, translation
from django.utils.text import slugify

DOC_PATH = Path(settings.BASE_DIR) / "docs" / "roles.md"
COMMAND = "python -m ponte roles-matrix"
ALLOWED, REFUSED = "✓", "✗"


@dataclass(frozen=True)
class Role:
    key: str
    label: str
    who: str


ROLES: tuple[Role, ...] = (
    Role("visitor", "visitor", "not signed in"),
    Role("citizen", "citizen", "signed in, member of no organisation"),
    Role("public_servant", "public servant", "a member of the organisation concerned"),
    Role("org_admin", "organisation admin", "the sole admin of the organisation concerned"),
    Role("company_member", "company member", "a member of another organisation, a verified company"),
    Role("evaluator", "evaluator", "an evaluator of the innovation unit"),
    Role("programme_manager", "programme manager", "a programme manager of the innovation unit"),
    Role("sponsor", "sponsor", "a minister or senior leader"),
    Role("moderator", "moderator", "a moderator of public contributions"),
    Role("platform_admin", "platform admin", "runs the platform (staff and superuser, like the demo's admin)"),
)


class World:
    """The people of the matrix, one per role, and the organisations they belong to.
    Only ever created inside `build()`'s rolled-back transaction."""

    def __init__(self) -> None:
        from ponte.accounts.models import User
        from ponte.organisations.models import Kind, Membership, Organisation, Status
        from ponte.organisations.models import Role as MemberRole

        self.token = secrets.token_hex(6)
        flags = {
            "evaluator": {"is_evaluator": True},
            "programme_manager": {"is_programme_manager": True},
            "sponsor": {"is_sponsor": True},
            "moderator": {"is_moderator": True},
            "platform_admin": {"is_staff": True, "is_superuser": True},
        }
        self.people: dict[str, Any] = {"visitor": AnonymousUser()}
        for role in ROLES[1:]:
            self.people[role.key] = User.objects.create_user(
                email=f"{role.key}.{self.token}@roles-matrix.invalid", name=role.label, **flags.get(role.key, {})
            )
        company = Organisation.objects.create(
            kind=Kind.COMPANY,
            name=f"Roles matrix company {self.token}",
            slug=f"roles-matrix-company-{self.token}",
            country="BE",
            registration_number=f"RM-{self.token}",
            status=Status.VERIFIED,
        )
        Membership.objects.create(user=self.people["company_member"], organisation=company, role=MemberRole.MEMBER)

    def organisation(self, status: str, purpose: str = ""):
        """The organisation concerned, in `status`: a public body whose member is the public
        servant and whose sole admin is the organisation admin."""
        from ponte.organisations.models import Kind, Membership, Organisation
        from ponte.organisations.models import Role as MemberRole

        name = " ".join(filter(None, ["Roles matrix agency", purpose, status, self.token]))
        organisation = Organisation.objects.create(
            kind=Kind.PUBLIC_BODY,
            name=name,
            slug=slugify(name),
            country="BE",
            tier="agency",
            level_of_government="national",
            status=status,
        )
        Membership.objects.create(user=self.people["public_servant"], organisation=organisation, role=MemberRole.MEMBER)
        Membership.objects.create(user=self.people["org_admin"], organisation=organisation, role=MemberRole.ADMIN)
        return organisation

    def challenge(
        self,
        status: str,
        *,
        closed: bool = False,
        was_published: bool = False,
        organisation_approved: bool = False,
        **fields,
    ):
        """A challenge of the World's verified public body, in `status`: the public servant is
        its author, the organisation admin the body's sole admin. A published challenge is open
        (deadline ahead) unless `closed`; `was_published` marks one published before. `fields`
        are set as given (the phase of a series, for instance)."""
        from ponte.challenges.models import Challenge, Status

        if not hasattr(self, "_public_body"):
            self._public_body = self.organisation("verified", purpose="challenges")
        now = timezone.now()
        published = status == Status.PUBLISHED or was_published
        return Challenge.objects.create(
            owner=self._public_body,
            author=self.people["public_servant"],
            title=f"Roles matrix challenge {status} {self.token}",
            status=status,
            deadline=now - timedelta(days=1) if closed else now + timedelta(days=30),
            published_at=now - timedelta(days=30) if published else None,
            organisation_approved_at=now - timedelta(days=40) if organisation_approved or published else None,
            **fields,
        )

    def other_company(self):
        """A verified company the company member does not belong to, with a member of its own."""
        from ponte.accounts.models import User
        from ponte.organisations.models import Kind, Membership, Organisation, Status

        if not hasattr(self, "_other_company"):
            self._other_company = Organisation.objects.create(
                kind=Kind.COMPANY,
                name=f"Roles matrix other company {self.token}",
                slug=f"roles-matrix-other-company-{self.token}",
                country="BE",
                registration_number=f"RM-OTHER-{self.token}",
                status=Status.VERIFIED,
            )
            Membership.objects.create(
                user=User.objects.create_user(email=f"other-company.{self.token}@roles-matrix.invalid", name="other"),
                organisation=self._other_company,
            )
        return self._other_company


@dataclass(frozen=True)
class Subject:
    """What a permission is asked about, and the states it is shown in."""

    key: str
    label: str
    # (state label, how to make the object in that state)
    states: tuple[tuple[str, Callable[[World], Any]], ...]


def _proposal(
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
    from ponte.challenges.models import Award, Evaluation, Proposal
    from ponte.organisations.models import Organisation

    if company is None:
        company = Organisation.objects.get(slug=f"roles-matrix-company-{world.token}")
    challenge = world.challenge(challenge_status, closed=closed, was_published=True, **fields)
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


def _evaluated_challenge(world: World, *, evaluation: str, status: str = "published"):
    """A challenge past its deadline with one proposal (of the company member's company) that
    the evaluator is assigned to, their evaluation in state `evaluation`. "awarded" awards it."""
    return _proposal(
        world, closed=True, challenge_status=status, evaluation=evaluation, awarded=status == "awarded"
    ).challenge


def _evaluation(world: World, status: str, *, challenge_status: str = "published"):
    """The evaluator's evaluation, in `status`, of the company member's company's proposal to a
    challenge in evaluation (or decided: `challenge_status`)."""
    proposal = _proposal(
        world,
        closed=True,
        challenge_status=challenge_status,
        evaluation=status,
        awarded=challenge_status == "awarded",
    )
    return proposal.evaluations.get()


def _next_phase(world: World, status: str, *, invited: bool = True):
    """The next phase, in `status`, of a challenge (its first phase) awarded after evaluation to
    the company member's company, which is so invited to the next phase, or, unless `invited`,
    to another company."""
    previous = _proposal(
        world,
        closed=True,
        challenge_status="awarded",
        evaluation="completed",
        awarded=True,
        company=None if invited else world.other_company(),
        phase_name="Solution design",
    ).challenge
    return world.challenge(status, phase_name="Prototype", previous_phase=previous, first_phase=previous)


def _awarded_with_next_phase(world: World):
    """An awarded challenge whose drafter has already prepared the next phase."""
    return _next_phase(world, "draft").previous_phase


def _solution(world: World, status: str):
    """A solution of the World's company (whose member is the company member), in `status`."""
    from ponte.organisations.models import Organisation
    from ponte.solutions.models import Solution

    now = timezone.now()
    return Solution.objects.create(
        company=Organisation.objects.get(slug=f"roles-matrix-company-{world.token}"),
        title=f"Roles matrix solution {status} {world.token}",
        summary="Roles matrix summary",
        description="Roles matrix description",
        trl=5,
        status=status,
        submitted_at=None if status == "draft" else now,
        published_at=now if status == "published" else None,
    )


SUBJECTS: dict[str, Subject] = {
    "organisation": Subject(
        key="organisation",
        label="organisation",
        states=(
            ("pending", lambda world: world.organisation("pending")),
            ("verified", lambda world: world.organisation("verified")),
            ("suspended", lambda world: world.organisation("suspended")),
        ),
    ),
    "challenge": Subject(
        key="challenge",
        label="challenge",
        states=(
            ("draft", lambda world: world.challenge("draft")),
            ("awaiting the organisation", lambda world: world.challenge("awaiting_organisation")),
            ("awaiting review", lambda world: world.challenge("awaiting_review")),
            ("returned by the organisation", lambda world: world.challenge("changes_requested")),
            (
                "changes requested in review",
                lambda world: world.challenge("changes_requested", organisation_approved=True),
            ),
            ("approved", lambda world: world.challenge("approved")),
            ("published, open", lambda world: world.challenge("published")),
            ("published, closed (deadline passed)", lambda world: world.challenge("published", closed=True)),
            (
                "in evaluation, an evaluation pending (award gate closed)",
                lambda world: _evaluated_challenge(world, evaluation="cleared"),
            ),
            (
                "in evaluation, every evaluation complete (award gate open)",
                lambda world: _evaluated_challenge(world, evaluation="completed"),
            ),
            ("awarded", lambda world: _evaluated_challenge(world, evaluation="completed", status="awarded")),
            (
                "closed without award",
                lambda world: _evaluated_challenge(world, evaluation="completed", status="not_awarded"),
            ),
            ("cancelled after publication", lambda world: world.challenge("cancelled", was_published=True)),
            # Phases: each phase of a series is a challenge; the award of one invites its
            # suppliers to the next, which its drafter prepares.
            ("awarded, its next phase prepared", _awarded_with_next_phase),
            ("next phase, draft", lambda world: _next_phase(world, "draft")),
            (
                "next phase, open, the company member's company invited",
                lambda world: _next_phase(world, "published"),
            ),
            (
                "next phase, open, the company member's company not invited",
                lambda world: _next_phase(world, "published", invited=False),
            ),
        ),
    ),
    "proposal": Subject(
        key="proposal",
        label="proposal (of the company member's company)",
        states=(
            ("submitted, challenge open", lambda world: _proposal(world)),
            ("withdrawn, challenge open", lambda world: _proposal(world, withdrawn=True)),
            ("submitted, challenge closed (deadline passed)", lambda world: _proposal(world, closed=True)),
            (
                "submitted, challenge closed, the evaluator cleared to score it",
                lambda world: _proposal(world, closed=True, evaluation="cleared"),
            ),
            (
                "submitted, challenge closed, the evaluator recused",
                lambda world: _proposal(world, closed=True, evaluation="recused"),
            ),
            (
                "submitted, challenge awarded to it",
                lambda world: _proposal(
                    world, closed=True, challenge_status="awarded", evaluation="completed", awarded=True
                ),
            ),
            (
                "submitted, challenge closed without award",
                lambda world: _proposal(world, closed=True, challenge_status="not_awarded", evaluation="completed"),
            ),
            (
                "withdrawn, challenge awarded",
                lambda world: _proposal(world, closed=True, challenge_status="awarded", withdrawn=True),
            ),
        ),
    ),
    "evaluation": Subject(
        key="evaluation",
        label="evaluation (the evaluator's, of the company member's company's proposal)",
        states=(
            ("assigned, conflict of interest not declared", lambda world: _evaluation(world, "assigned")),
            ("cleared (no conflict), scoring", lambda world: _evaluation(world, "cleared")),
            ("recused (conflict of interest)", lambda world: _evaluation(world, "recused")),
            ("completed", lambda world: _evaluation(world, "completed")),
            ("assignment removed", lambda world: _evaluation(world, "removed")),
            (
                "completed, challenge awarded",
                lambda world: _evaluation(world, "completed", challenge_status="awarded"),
            ),
        ),
    ),
    "solution": Subject(
        key="solution",
        label="solution (of the company member's company)",
        states=(
            ("draft", lambda world: _solution(world, "draft")),
            ("submitted", lambda world: _solution(world, "submitted")),
            ("published", lambda world: _solution(world, "published")),
            ("returned", lambda world: _solution(world, "returned")),
        ),
    ),
}


@dataclass(frozen=True)
class Case:
    """What a permission means, and what it is about (a key of SUBJECTS), or None when it
    is checked without an object."""

    description: str
    subject: str | None = None


CASES: dict[str, Case] = {
    "solutions.add_solution": Case("Describe a solution on behalf of a verified company one belongs to."),
    "solutions.view_solution": Case("See the solution's page.", "solution"),
    "solutions.change_solution": Case(
        "Edit the solution (once published, a change sends it back to screening, hidden meanwhile).", "solution"
    ),
    "solutions.submit_solution": Case("Send the solution for screening.", "solution"),
    "solutions.publish_solution": Case("Publish the screened solution in the catalogue.", "solution"),
    "solutions.return_solution": Case("Return the solution to its company for changes (with a reason).", "solution"),
    "accounts.manage_own_account": Case("Change one's own name, language and password."),
    "accounts.manage_api_tokens": Case("Create and revoke one's own personal API tokens."),
    "core.view_audit_trail": Case("Read the audit trail of every decision and change."),
    "organisations.add_organisation": Case("Register a new organisation (its creator becomes its first admin)."),
    "organisations.view_organisation": Case("See the organisation's page and its API record.", "organisation"),
    "organisations.change_organisation": Case(
        "Edit who the organisation is (name, country, registration) and its profile.", "organisation"
    ),
    "organisations.change_profile": Case(
        "Edit the organisation's public profile (description, sectors, size, contact).", "organisation"
    ),
    "organisations.view_members": Case("See who the members are.", "organisation"),
    "organisations.manage_members": Case(
        "Invite people, answer requests to join, change roles, remove members.", "organisation"
    ),
    "organisations.request_to_join": Case("Ask to join the organisation.", "organisation"),
    "organisations.leave_organisation": Case("Leave the organisation.", "organisation"),
    "organisations.verify_organisation": Case("Verify a newly registered organisation.", "organisation"),
    "organisations.suspend_organisation": Case("Suspend a verified organisation (with a reason).", "organisation"),
    "organisations.reinstate_organisation": Case("Reinstate a suspended organisation.", "organisation"),
    "organisations.view_documents": Case("Read the organisation's private documents.", "organisation"),
    "organisations.add_document": Case("Upload a private document to the organisation.", "organisation"),
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
}

NO_OBJECT = "any"


def ponte_app_labels() -> set[str]:
    """The labels of Ponte's own apps (accounts, core, organisations, and any app added later)."""
    return {config.label for config in apps.get_app_configs() if config.name.startswith("ponte.")}


def ponte_permissions() -> list[str]:
    """Every permission registered with django-rules by one of Ponte's apps, sorted."""
    labels = ponte_app_labels()
    return sorted(name for name in rules.permissions.permissions if name.partition(".")[0] in labels)


def problems() -> list[str]:
    """What keeps the matrix from being complete: permissions without a case, cases without
    a permission, cases about an unknown subject."""
    registered = set(ponte_permissions())
    found = [
        f"{name} has no case in ponte/core/rolematrix.py CASES: say what it means and what it is about."
        for name in sorted(registered - set(CASES))
    ]
    found += [f"{name} has a case but is not registered with rules." for name in sorted(set(CASES) - registered)]
    found += [
        f"{name} is about an unknown subject {case.subject!r}."
        for name, case in sorted(CASES.items())
        if case.subject is not None and case.subject not in SUBJECTS
    ]
    return found


@dataclass(frozen=True)
class PermissionTable:
    permission: str
    description: str
    subject: Subject | None
    # (state label, {role key: allowed})
    rows: tuple[tuple[str, dict[str, bool]], ...]


def build(using: str = DEFAULT_DB_ALIAS) -> list[PermissionTable]:
    """Ask the rules, for every Ponte permission, every role and every state. Whatever is
    created to ask is rolled back."""
    found = problems()
    if found:
        raise ImproperlyConfigured("The role matrix is incomplete:\n" + "\n".join(found))
    tables = []
    with transaction.atomic(using=using):
        try:
            world = World()
            objects: dict[tuple[str, str], Any] = {}
            for subject in SUBJECTS.values():
                for state, make in subject.states:
                    objects[subject.key, state] = make(world)
            for name in ponte_permissions():
                case = CASES[name]
                subject = SUBJECTS[case.subject] if case.subject else None
                if subject is None:
                    states = [(NO_OBJECT, None)]
                else:
                    states = [(state, objects[subject.key, state]) for state, _make in subject.states]
                rows = tuple(
                    (state, {role.key: bool(world.people[role.key].has_perm(name, obj)) for role in ROLES})
                    for state, obj in states
                )
                tables.append(PermissionTable(name, case.description, subject, rows))
        finally:
            transaction.set_rollback(True, using=using)
    return tables


def _row(cells) -> str:
    return "| " + " | ".join(cells) + " |"


def render(tables: list[PermissionTable]) -> str:
    with translation.override("en"):
        lines = [
            "# Who may do what: the role matrix",
            "",
            f"This file is generated by `{COMMAND}` from the permission rules themselves (the",
            "`rules.add_perm` calls in each app's `rules.py`), and a test checks that it matches the",
            "code. Do not edit it by hand: change the rules, then run the command again.",
            "",
            "Each table answers `user.has_perm(permission, object)` for one person per role and,",
            "when the permission is about an object, for that object in each of its states.",
            f"{ALLOWED} allowed, {REFUSED} refused. A permission checked without an object has one row, “{NO_OBJECT}”.",
            "",
            "Evaluators, programme managers, sponsors and platform admins must also set up two-factor",
            "authentication before they can use the web interface; the tables show what the rules",
            "allow them once they have.",
            "",
            "## Roles",
            "",
            _row(["role", "who"]),
            _row(["---", "---"]),
            *(_row([role.label, role.who]) for role in ROLES),
            "",
        ]
        app_names = {config.label: str(config.verbose_name) for config in apps.get_app_configs()}
        current_app = None
        for table in tables:
            app_label = table.permission.partition(".")[0]
            if app_label != current_app:
                current_app = app_label
                lines += [f"## {app_names.get(app_label, app_label)}", ""]
            first = f"{table.subject.label} is" if table.subject else "state"
            lines += [
                f"### `{table.permission}`",
                "",
                table.description,
                "",
                _row([first, *(role.label for role in ROLES)]),
                _row(["---", *(":-:" for _role in ROLES)]),
            ]
            for state, answers in table.rows:
                lines.append(_row([state, *(ALLOWED if answers[role.key] else REFUSED for role in ROLES)]))
            lines.append("")
    return "\n".join(lines)


def render_fresh(using: str = DEFAULT_DB_ALIAS) -> str:
    return render(build(using=using))
