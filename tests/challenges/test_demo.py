"""The demo challenges: one at every stage of the lifecycle, reached through the services —
evaluation and outcome included — and a second run adds nothing."""

import io

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.db import transaction

from ponte.challenges.models import (
    Award,
    Challenge,
    Contract,
    Criterion,
    Evaluation,
    Interest,
    Proposal,
    Score,
    Status,
    Subscription,
)
from ponte.challenges.queries.evaluation import award_gate, evaluation_board, feedback_for
from ponte.core.models import AuditEvent, Notification
from ponte.dev.demo import challenges as demo
from ponte.dev.demo import organisations as organisations_demo
from ponte.dev.demo import people as accounts_demo


def build():
    accounts_demo.build()
    organisations_demo.build()
    demo.build()


def counts():
    models = (Challenge, Interest, AuditEvent, Criterion, Proposal, Evaluation, Score, Award, Contract, Notification)
    return tuple(model.objects.count() for model in models)


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """The demo, built once for this module's tests (it takes seconds), in a transaction rolled
    back when they end."""
    with django_db_blocker.unblock(), transaction.atomic():
        build()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def world(demo_world, db):
    """Each test reads the demo in its own savepoint: what one test changes, the next never sees."""


def test_the_demo_has_a_challenge_at_every_stage_and_a_second_run_adds_nothing(world):
    before = counts()
    build()
    assert counts() == before

    challenges = list(Challenge.objects.all())
    assert {c.status for c in challenges} == set(Status.values)
    # Two calls open to every company, and the second phase of a series open to three.
    assert sum(c.is_open for c in challenges) == 3
    # Closed: one waiting for evaluators, one being evaluated, one waiting for its outcome.
    assert sum(c.is_closed for c in challenges) == 3
    cancelled = Challenge.objects.get(status=Status.CANCELLED)
    assert cancelled.published_at is not None and cancelled.cancellation_reason
    assert Challenge.objects.get(status=Status.CHANGES_REQUESTED).changes_requested_reason
    for challenge in challenges:
        assert sum(challenge.criteria.values_list("weight", flat=True)) == 100
        assert challenge.sectors.exists() and challenge.cpv_codes.exists()
        if challenge.instrument == "low_value":
            assert challenge.budget_ceiling <= 30000
    assert Interest.objects.filter(challenge__status=Status.PUBLISHED).exists()
    assert Subscription.objects.filter(user__email="company@example.org").exists()


def _challenge(title_start):
    return Challenge.objects.get(title__startswith=title_start)


def _row(board, company_slug):
    return next(row for row in board if row.proposal.company.slug == company_slug)


def test_a_challenge_in_evaluation_shows_work_in_every_state(world):
    challenge = _challenge("Patients in rural areas miss hospital appointments")
    assert challenge.is_closed
    board = evaluation_board(challenge)
    civic = _row(board, "civic-data-labs")
    assert (civic.done, civic.expected) == (1, 2)
    # One proposal is fully evaluated, so the pending filter leaves it out.
    assert len(board) == 3 and len(evaluation_board(challenge, pending_only=True)) == 2
    assert award_gate(challenge)
    mine = {
        e.proposal.company.slug: e.status
        for e in Evaluation.objects.filter(proposal__challenge=challenge, evaluator__email="evaluator@example.org")
    }
    # evaluator@ has a company to declare, a proposal to score (a draft), and one done.
    assert mine == {
        "civic-data-labs": "assigned",
        "lisbon-health-analytics": "cleared",
        "ljubljana-mobility": "completed",
    }
    draft = Evaluation.objects.get(evaluator__email="evaluator@example.org", status="cleared")
    assert draft.scores.exists() and draft.scores.filter(score__isnull=True).exists()
    recused = Evaluation.objects.get(proposal__challenge=challenge, status="recused")
    assert recused.evaluator.email == "evaluator2@example.org" and recused.conflict_note
    assert Notification.objects.filter(kind="challenges.evaluator_recused", recipient__email="manager@example.org")


def test_a_challenge_waits_for_its_owner_to_decide_and_one_for_evaluators(world):
    waiting = _challenge("Public forms ask again for data")
    assert waiting.is_closed and award_gate(waiting) == []
    assert waiting.author.email == "servant@example.org"
    assert waiting.author.has_perm("challenges.award_challenge", waiting)
    prices = sorted(waiting.proposals.values_list("price", flat=True))
    # Together they exceed the ceiling: the owner must choose.
    assert sum(prices) > waiting.budget_ceiling >= max(prices)
    told = set(
        Notification.objects.filter(
            kind="challenges.evaluations_complete", url__contains=f"/{waiting.pk}/"
        ).values_list("recipient__email", flat=True)
    )
    assert told == {"servant@example.org", "orgadmin@example.org"}

    unassigned = _challenge("Public servants spend days answering")
    assert unassigned.is_closed and unassigned.proposals.count() == 2
    assert not Evaluation.objects.filter(proposal__challenge=unassigned).exists()


def test_an_awarded_challenge_has_feedback_for_every_bidder_and_a_signed_contract(world):
    challenge = _challenge("Older residents of small municipalities cannot reach")
    assert challenge.status == Status.AWARDED
    award = Award.objects.get(challenge=challenge)
    assert award.supplier.slug == "ljubljana-mobility" and challenge.outcome_justification
    assert challenge.awarded_at == award.awarded_at < Contract.objects.get(award=award).recorded_at
    contract = award.contract
    assert award.awarded_at.date() <= contract.date_signed <= contract.period_start < contract.period_end
    assert contract.value <= challenge.budget_ceiling
    assert not Evaluation.objects.filter(proposal__challenge=challenge).exclude(status="completed").exists()
    for proposal in challenge.proposals.all():
        feedback = feedback_for(proposal)
        assert feedback.awarded == (proposal.pk == award.proposal_id)
        assert feedback.total is not None and all(c.comments for c in feedback.criteria)
    assert Notification.objects.filter(kind="challenges.proposal_awarded", recipient__email="admin@example.org")
    assert Notification.objects.filter(kind="challenges.proposal_not_awarded", recipient__email="company@example.org")


def test_a_challenge_closed_without_award_gives_its_reason(world):
    challenge = Challenge.objects.get(status=Status.NOT_AWARDED)
    assert challenge.outcome_justification and challenge.closed_at is not None
    assert not Award.objects.filter(challenge=challenge).exists()
    bidders = set(challenge.proposals.values_list("company__slug", flat=True))
    assert bidders == {"nordgrid-energy", "civic-data-labs"}


def test_every_staff_demo_account_has_a_second_factor_and_demo_codes_lists_the_evaluators(world):
    from ponte.accounts.models import User
    from ponte.core.roles import requires_two_factor

    for user in User.objects.filter(email__endswith="@example.org"):
        has = Authenticator.objects.filter(user=user, type="totp").exists()
        assert has == requires_two_factor(user), user.email
    out = io.StringIO()
    call_command("demo_codes", stdout=out)
    listed = out.getvalue()
    for email in ("evaluator@example.org", "evaluator2@example.org", "manager@example.org"):
        assert email in listed
    assert "company@example.org" not in listed
    assert User.objects.get(email="evaluator2@example.org").is_evaluator


# Phases: a pre-commercial procurement in several phases -----------------------------------

FLOODS = "Residents of small municipalities get no warning before flash floods"


def test_a_pre_commercial_procurement_in_phases_invites_the_suppliers_of_the_first(world):
    from ponte.accounts.models import User
    from ponte.challenges.queries import phases as phases_queries
    from ponte.challenges.queries.proposals import companies_of

    design, prototype = phases_queries.phases_of(Challenge.objects.filter(title=FLOODS).order_by("pk").first())
    assert (design.phase_name, prototype.phase_name) == ("Solution design", "Prototype")
    assert design.owner.slug == prototype.owner.slug == "ministry-of-public-administration-si"
    assert design.instrument == prototype.instrument == "pre_commercial"
    assert (prototype.previous_phase, prototype.first_phase) == (design, design)
    # The solution design: evaluated by both evaluators, three of four suppliers awarded within
    # the budget, the reason public and feedback for each, the one left out included.
    assert design.status == Status.AWARDED and design.outcome_justification
    assert award_gate(design) == []
    awarded = set(design.awards.values_list("supplier__slug", flat=True))
    assert awarded == {"civic-data-labs", "ljubljana-mobility", "lisbon-health-analytics"}
    assert sum(design.awards.values_list("value", flat=True)) <= design.budget_ceiling
    assert set(design.proposals.values_list("company__slug", flat=True)) == awarded | {"nordgrid-energy"}
    evaluators = Evaluation.objects.filter(proposal__challenge=design, status="completed")
    assert set(evaluators.values_list("evaluator__email", flat=True)) == set(demo.data()["evaluators"])
    assert evaluators.count() == 8
    for proposal in design.proposals.all():
        feedback = feedback_for(proposal)
        assert feedback.awarded == (proposal.company.slug in awarded)
        assert all(c.comments for c in feedback.criteria)
    # The prototype: published and open, with its own budget, deadline and criteria.
    assert prototype.is_open and prototype.published_at > design.awarded_at
    assert prototype.budget_ceiling > design.budget_ceiling
    assert [c.name for c in prototype.criteria.all()] != [c.name for c in design.criteria.all()]
    assert sum(prototype.criteria.values_list("weight", flat=True)) == 100
    assert set(prototype.sectors.all()) == set(design.sectors.all())
    assert set(prototype.cpv_codes.all()) == set(design.cpv_codes.all())
    assert prototype.problem == design.problem and prototype.context != design.context
    assert AuditEvent.objects.filter(verb="create_next_phase", target_id=str(prototype.pk)).exists()
    # Only the three suppliers of the solution design may answer it.
    assert phases_queries.invited_companies(prototype) == set(design.awards.values_list("supplier_id", flat=True))
    company = User.objects.get(email="company@example.org")
    assert company.has_perm("challenges.submit_proposal", prototype)
    assert [c.slug for c in companies_of(company, prototype)] == ["civic-data-labs"]
    assert Interest.objects.filter(challenge=prototype, user=company).exists()
    admin = User.objects.get(email="admin@example.org")
    assert sorted(c.slug for c in companies_of(admin, prototype)) == ["lisbon-health-analytics", "ljubljana-mobility"]
    assert "nordgrid-energy" in {c.slug for c in companies_of(admin, design)}
    # The third phase, the test, is left for the ministry to prepare.
    assert not Challenge.objects.filter(previous_phase=prototype).exists()
    assert not prototype.proposals.exists()
