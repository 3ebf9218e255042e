"""Evaluation: after the deadline a programme manager assigns evaluators; each declares any
conflict of interest before reading a proposal, scores every criterion with a comment and
completes; the ranking is the weighted average of completed evaluations, and the award step
stays closed until every assigned evaluation is complete.

The helpers at the top build the world the outcome tests (test_award.py) share."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ponte.challenges.models import Challenge, Evaluation, Score
from ponte.challenges.queries import evaluation as evaluation_queries
from ponte.challenges.queries import proposals as proposals_queries
from ponte.challenges.services import evaluation as evaluation_services
from ponte.challenges.services import proposals as proposals_services
from ponte.core.models import AuditEvent, Notification
from tests.factories import CompanyFactory, MembershipFactory, PublishedChallengeFactory, UserFactory

DEADLINE = timezone.make_aware(timezone.datetime(2031, 3, 14, 12, 0, 0))
AFTER = DEADLINE + timedelta(days=1)
# What an evaluator writes: it must never reach the audit trail.
COMMENT = "Strong user research, thin on the hand-over"


# The world -----------------------------------------------------------------------------


def submit(challenge, company, price="15000", when=DEADLINE - timedelta(days=1)):
    """A member of `company` submits its proposal before the deadline."""
    proposer = company.memberships.order_by("pk").first()
    proposer = proposer.user if proposer else MembershipFactory(organisation=company).user
    with time_machine.travel(when, tick=False):
        return proposals_services.proposal_submit(
            actor=proposer,
            challenge=challenge,
            company=company,
            approach=f"The approach of {company.name}",
            criteria_responses={c.pk: f"How {company.name} meets it" for c in challenge.criteria.all()},
            team="Two developers and a designer",
            price=Decimal(price),
            timeline="Three months",
        )


def criteria(challenge):
    """The challenge's criteria in order: "Impact on the people affected" (60) and
    "Feasibility and cost" (40), as the factory makes them."""
    return list(challenge.criteria.order_by("position"))


def assign(manager, challenge, proposal_list, evaluators):
    return evaluation_services.evaluators_assign(
        actor=manager, challenge=challenge, proposals=proposal_list, evaluators=evaluators
    )


def evaluation_of(proposal, evaluator) -> Evaluation:
    return Evaluation.objects.exclude(status="removed").get(proposal=proposal, evaluator=evaluator)


def clear(evaluation) -> Evaluation:
    return evaluation_services.conflict_declare(actor=evaluation.evaluator, evaluation=evaluation, has_conflict=False)


def recuse(evaluation, note="I advised this company last year.") -> Evaluation:
    return evaluation_services.conflict_declare(
        actor=evaluation.evaluator, evaluation=evaluation, has_conflict=True, note=note
    )


def scores_for(challenge, values, comment=COMMENT) -> dict:
    return {c.pk: (value, comment) for c, value in zip(criteria(challenge), values, strict=True)}


def complete(evaluation, values, comment=COMMENT) -> Evaluation:
    """Declare no conflict (if not yet) and complete with a score per criterion, in order."""
    evaluation = Evaluation.objects.get(pk=evaluation.pk)
    if evaluation.status == "assigned":
        evaluation = clear(evaluation)
    challenge = evaluation.proposal.challenge
    return evaluation_services.evaluation_save(
        actor=evaluation.evaluator, evaluation=evaluation, scores=scores_for(challenge, values, comment), complete=True
    )


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


@pytest.fixture
def challenge(db):
    with time_machine.travel(DEADLINE - timedelta(days=10), tick=False):
        return PublishedChallengeFactory(title="Forms nobody finds", budget_ceiling=20000, deadline=DEADLINE)


@pytest.fixture
def civic(db):
    return CompanyFactory(name="Civic Data Labs")


@pytest.fixture
def lisbon(db):
    return CompanyFactory(name="Lisbon Health Analytics")


@pytest.fixture
def proposal_a(challenge, civic):
    return submit(challenge, civic, "12000")


@pytest.fixture
def proposal_b(challenge, lisbon):
    return submit(challenge, lisbon, "8000")


@pytest.fixture
def manager(db):
    return UserFactory(name="Paula Manager", is_programme_manager=True)


@pytest.fixture
def evaluator(db):
    return UserFactory(name="Eva First", is_evaluator=True)


@pytest.fixture
def evaluator2(db):
    return UserFactory(name="Ed Second", is_evaluator=True)


@pytest.fixture
def owner_admin(challenge):
    return MembershipFactory(organisation=challenge.owner, role="admin").user


@pytest.fixture
def after(proposal_a, proposal_b):
    """The clock after the deadline, once both proposals are in."""
    with time_machine.travel(AFTER, tick=False) as traveller:
        yield traveller


@pytest.fixture
def assigned(after, manager, challenge, proposal_a, proposal_b, evaluator, evaluator2):
    """Both evaluators assigned to both proposals."""
    return assign(manager, challenge, [proposal_a, proposal_b], [evaluator, evaluator2])


def kinds_to(kind):
    return set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


# Assignment ----------------------------------------------------------------------------


def test_before_the_deadline_no_one_assigns_evaluators_the_proposals_are_sealed(
    challenge, proposal_a, manager, evaluator
):
    with time_machine.travel(DEADLINE - timedelta(seconds=1), tick=False), pytest.raises(PermissionDenied):
        assign(manager, challenge, [proposal_a], [evaluator])
    assert not Evaluation.objects.exists()
    assert not Notification.objects.filter(kind="challenges.evaluation_assigned").exists()


@pytest.mark.parametrize("who", ["author", "owner_admin", "evaluator", "platform_admin", "bidder", "citizen"])
def test_only_a_programme_manager_assigns(after, challenge, proposal_a, evaluator, owner_admin, who):
    person = {
        "author": challenge.author,
        "owner_admin": owner_admin,
        "evaluator": evaluator,
        "platform_admin": UserFactory(is_staff=True, is_superuser=True),
        "bidder": proposal_a.submitted_by,
        "citizen": UserFactory(),
    }[who]
    with pytest.raises(PermissionDenied):
        assign(person, challenge, [proposal_a], [evaluator])
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("status", ["awarded", "not_awarded", "cancelled"])
def test_no_assignment_once_the_outcome_is_decided_or_the_challenge_cancelled(
    after, challenge, proposal_a, manager, evaluator, status
):
    Challenge.objects.filter(pk=challenge.pk).update(status=status)
    with pytest.raises(PermissionDenied):
        assign(manager, fresh(challenge), [proposal_a], [evaluator])
    assert not Evaluation.objects.exists()


def test_bulk_assignment_creates_an_evaluation_for_every_pair_and_tells_each_evaluator_once(
    after, challenge, proposal_a, proposal_b, manager, evaluator, evaluator2
):
    result = assign(manager, challenge, [proposal_a, proposal_b], [evaluator.pk, evaluator2.pk])
    assert len(result.created) == 4 and result.already == 0 and result.members == []
    pairs = set(Evaluation.objects.values_list("proposal_id", "evaluator_id", "status", "assigned_by_id"))
    assert pairs == {
        (p.pk, e.pk, "assigned", manager.pk) for p in (proposal_a, proposal_b) for e in (evaluator, evaluator2)
    }
    told = Notification.objects.filter(kind="challenges.evaluation_assigned")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted([evaluator.pk, evaluator2.pk])
    # The audit trail names ids, not the companies.
    events = AuditEvent.objects.filter(verb="assign_evaluator")
    assert events.count() == 4
    assert all("Civic" not in str(e.after) and "Lisbon" not in str(e.after) for e in events)


def test_assigning_again_keeps_the_evaluations_there_are_and_adds_the_missing_ones(
    after, challenge, proposal_a, proposal_b, manager, evaluator, evaluator2
):
    assign(manager, challenge, [proposal_a, proposal_b], [evaluator])
    started = clear(evaluation_of(proposal_a, evaluator))
    result = assign(manager, challenge, [proposal_a, proposal_b], [evaluator, evaluator2])
    assert result.already == 2 and len(result.created) == 2
    assert {e.evaluator_id for e in result.created} == {evaluator2.pk}
    # The first evaluator's work is untouched, and they are not told a second time.
    assert evaluation_of(proposal_a, evaluator).pk == started.pk
    assert evaluation_of(proposal_a, evaluator).status == "cleared"
    assert Evaluation.objects.count() == 4
    assert Notification.objects.filter(kind="challenges.evaluation_assigned", recipient=evaluator).count() == 1


def test_an_evaluator_who_works_for_the_proposing_company_is_not_assigned_to_it(
    after, challenge, proposal_a, proposal_b, civic, manager, evaluator
):
    MembershipFactory(organisation=civic, user=evaluator)
    result = assign(manager, challenge, [proposal_a, proposal_b], [evaluator])
    assert [(person.pk, company.pk) for person, company in result.members] == [(evaluator.pk, civic.pk)]
    assert list(Evaluation.objects.values_list("proposal_id", flat=True)) == [proposal_b.pk]


def _withdrawn_proposal(challenge):
    company = CompanyFactory(name="Formlab")
    proposal = submit(challenge, company, when=DEADLINE - timedelta(days=2))
    with time_machine.travel(DEADLINE - timedelta(days=1), tick=False):
        return proposals_services.proposal_withdraw(actor=proposal.submitted_by, proposal=proposal)


def _other_challenges_proposal(challenge):
    with time_machine.travel(DEADLINE - timedelta(days=10), tick=False):
        other = PublishedChallengeFactory(owner=challenge.owner, deadline=DEADLINE)
    return submit(other, CompanyFactory())


@pytest.mark.parametrize(
    ("field", "proposals_of", "evaluators_of", "message"),
    [
        ("proposals", lambda w: [], lambda w: [w["evaluator"]], "Choose at least one proposal."),
        ("proposals", lambda w: [987654], lambda w: [w["evaluator"]], "Choose proposals from the list."),
        (
            "proposals",
            lambda w: [_other_challenges_proposal(w["challenge"])],
            lambda w: [w["evaluator"]],
            "Choose proposals from the list.",
        ),
        (
            "proposals",
            lambda w: [w["a"], _withdrawn_proposal(w["challenge"])],
            lambda w: [w["evaluator"]],
            "Choose proposals from the list.",
        ),
        ("evaluators", lambda w: [w["a"]], lambda w: [], "Choose at least one evaluator."),
        ("evaluators", lambda w: [w["a"]], lambda w: [987654], "Choose evaluators from the list."),
        ("evaluators", lambda w: [w["a"]], lambda w: [UserFactory()], "Choose evaluators from the list."),
        (
            "evaluators",
            lambda w: [w["a"]],
            lambda w: [w["evaluator"], UserFactory(is_evaluator=True, is_active=False)],
            "Choose evaluators from the list.",
        ),
        (
            "evaluators",
            lambda w: [w["a"]],
            lambda w: [UserFactory(is_programme_manager=True)],
            "Choose evaluators from the list.",
        ),
    ],
    ids=[
        "no-proposal",
        "unknown-proposal",
        "another-challenges-proposal",
        "withdrawn-proposal",
        "no-evaluator",
        "unknown-evaluator",
        "citizen-not-evaluator",
        "inactive-evaluator",
        "manager-not-evaluator",
    ],
)
def test_choices_that_are_not_on_the_lists_are_refused_with_a_message(
    challenge, proposal_a, proposal_b, manager, evaluator, field, proposals_of, evaluators_of, message
):
    world = {"challenge": challenge, "a": proposal_a, "evaluator": evaluator}
    chosen_proposals, chosen_evaluators = proposals_of(world), evaluators_of(world)
    with time_machine.travel(AFTER, tick=False), pytest.raises(ValidationError) as caught:
        assign(manager, challenge, chosen_proposals, chosen_evaluators)
    assert caught.value.message_dict == {field: [message]}
    assert not Evaluation.objects.exists()


def test_every_problem_with_the_choice_is_reported_at_once(after, challenge, manager):
    with pytest.raises(ValidationError) as caught:
        assign(manager, challenge, [], [])
    assert set(caught.value.message_dict) == {"proposals", "evaluators"}


# Conflict of interest ------------------------------------------------------------------


def test_only_the_assigned_evaluator_declares(assigned, proposal_a, evaluator, evaluator2, manager):
    evaluation = evaluation_of(proposal_a, evaluator)
    for someone in (evaluator2, manager, proposal_a.submitted_by):
        with pytest.raises(PermissionDenied):
            evaluation_services.conflict_declare(actor=someone, evaluation=evaluation, has_conflict=False)
    assert fresh(evaluation).status == "assigned"


@pytest.mark.parametrize("first", [True, False], ids=["after-a-conflict", "after-no-conflict"])
def test_a_declaration_is_made_once(assigned, proposal_a, evaluator, first):
    evaluation = evaluation_of(proposal_a, evaluator)
    if first:
        recuse(evaluation)
    else:
        clear(evaluation)
    decided = fresh(evaluation).status
    for has_conflict in (True, False):
        with pytest.raises(PermissionDenied):
            evaluation_services.conflict_declare(
                actor=evaluator, evaluation=evaluation, has_conflict=has_conflict, note="x"
            )
    assert fresh(evaluation).status == decided == ("recused" if first else "cleared")


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("", "Describe the conflict of interest."),
        ("   \n ", "Describe the conflict of interest."),
        (None, "Describe the conflict of interest."),
        ("My brother\x00 works there", "The text contains characters that are not allowed."),
        ("x" * 2001, "Write at most 2,000 characters."),
    ],
    ids=["empty", "blank", "none", "nul", "too-long"],
)
def test_a_conflict_needs_a_note(assigned, proposal_a, evaluator, note, message):
    evaluation = evaluation_of(proposal_a, evaluator)
    with pytest.raises(ValidationError) as caught:
        evaluation_services.conflict_declare(actor=evaluator, evaluation=evaluation, has_conflict=True, note=note)
    assert caught.value.message_dict == {"note": [message]}
    assert fresh(evaluation).status == "assigned"


@pytest.mark.parametrize("answer", [None, "yes", "no", ""])
def test_the_evaluator_must_say_yes_or_no(assigned, proposal_a, evaluator, answer):
    evaluation = evaluation_of(proposal_a, evaluator)
    with pytest.raises(ValidationError) as caught:
        evaluation_services.conflict_declare(actor=evaluator, evaluation=evaluation, has_conflict=answer, note="note")
    assert "conflict" in caught.value.message_dict
    assert fresh(evaluation).status == "assigned"


def test_a_conflict_recuses_the_evaluator_and_programme_managers_hear_of_it(assigned, proposal_a, evaluator, manager):
    other_manager = UserFactory(is_programme_manager=True)
    UserFactory(is_programme_manager=True, is_active=False)
    evaluation = recuse(evaluation_of(proposal_a, evaluator), note="  I advised this company last year.  ")
    evaluation = fresh(evaluation)
    assert evaluation.status == "recused" and evaluation.declared_at == AFTER
    assert evaluation.conflict_note == "I advised this company last year."
    assert kinds_to("challenges.evaluator_recused") == {manager.pk, other_manager.pk}
    event = AuditEvent.objects.get(verb="declare_conflict")
    assert event.after == {"status": "recused"} and event.reason == "I advised this company last year."


def test_a_recused_evaluator_never_reads_the_proposal_nor_scores_it(
    assigned, challenge, proposal_a, proposal_b, evaluator
):
    recuse(evaluation_of(proposal_a, evaluator))
    clear(evaluation_of(proposal_b, evaluator))
    evaluator = fresh(evaluator)
    assert list(proposals_queries.proposals_visible_to(evaluator, challenge)) == [proposal_b]
    assert not evaluator.has_perm("challenges.view_proposal", fresh(proposal_a))
    assert evaluator.has_perm("challenges.view_proposal", fresh(proposal_b))
    with pytest.raises(ValidationError, match="You declared a conflict of interest with this company"):
        evaluation_services.evaluation_save(
            actor=evaluator, evaluation=evaluation_of(proposal_a, evaluator), scores=scores_for(challenge, (5, 5))
        )
    assert not Score.objects.exists()


def test_a_cleared_evaluator_reads_the_proposal_only_after_the_deadline(
    challenge, proposal_a, proposal_b, evaluator, manager
):
    # Even an evaluation that somehow exists before the deadline opens nothing: the seal is
    # the clock's.
    Evaluation.objects.create(proposal=proposal_a, evaluator=evaluator, assigned_by=manager, status="cleared")
    with time_machine.travel(DEADLINE - timedelta(seconds=1), tick=False):
        assert not proposals_queries.proposals_visible_to(evaluator, challenge).exists()
        assert not evaluator.has_perm("challenges.view_proposal", proposal_a)
    with time_machine.travel(DEADLINE, tick=False):
        assert list(proposals_queries.proposals_visible_to(evaluator, challenge)) == [proposal_a]
        assert evaluator.has_perm("challenges.view_proposal", proposal_a)
        # Only the proposal they are assigned to.
        assert not evaluator.has_perm("challenges.view_proposal", proposal_b)
        # Not the list the public body reads, nor the board.
        assert not evaluator.has_perm("challenges.view_proposals", challenge)
        assert not evaluator.has_perm("challenges.view_evaluations", challenge)


@pytest.mark.parametrize("state", ["assigned", "recused", "removed"])
def test_an_evaluator_who_is_not_cleared_reads_nothing_after_the_deadline(
    after, challenge, proposal_a, evaluator, manager, state
):
    Evaluation.objects.create(proposal=proposal_a, evaluator=evaluator, assigned_by=manager, status=state)
    assert not proposals_queries.proposals_visible_to(evaluator, challenge).exists()
    assert not evaluator.has_perm("challenges.view_proposal", proposal_a)


# Scoring -------------------------------------------------------------------------------


@pytest.fixture
def scoring(assigned, proposal_a, evaluator):
    """The first evaluator, cleared, about to score proposal A."""
    return clear(evaluation_of(proposal_a, evaluator))


def test_a_draft_keeps_partial_scores_and_comments(scoring, challenge, evaluator):
    impact, feasibility = criteria(challenge)
    evaluation_services.evaluation_save(
        actor=evaluator, evaluation=scoring, scores={impact.pk: ("4", ""), feasibility.pk: (None, "Pricing unclear")}
    )
    saved = evaluation_queries.scores_of(scoring)
    assert (saved[impact.pk].score, saved[impact.pk].comment) == (4, "")
    assert (saved[feasibility.pk].score, saved[feasibility.pk].comment) == (None, "Pricing unclear")
    assert fresh(scoring).status == "cleared"
    # Emptying a criterion removes what was saved for it; the other stays.
    evaluation_services.evaluation_save(
        actor=evaluator, evaluation=scoring, scores={impact.pk: ("", ""), feasibility.pk: (None, "Pricing unclear")}
    )
    assert set(evaluation_queries.scores_of(scoring)) == {feasibility.pk}


@pytest.mark.parametrize("bad", ["abc", 9, -1, 6, True, False, "3.5", 2.5, "٣x", [3]], ids=repr)
def test_a_score_off_the_scale_is_refused_and_nothing_is_saved(scoring, challenge, evaluator, bad):
    impact, feasibility = criteria(challenge)
    evaluation_services.evaluation_save(actor=evaluator, evaluation=scoring, scores={impact.pk: (2, "first thoughts")})
    with pytest.raises(ValidationError) as caught:
        evaluation_services.evaluation_save(
            actor=evaluator, evaluation=scoring, scores={impact.pk: (bad, "changed"), feasibility.pk: (3, "ok")}
        )
    assert caught.value.message_dict == {f"score_{impact.pk}": ["Choose a score from 0 to 5."]}
    saved = evaluation_queries.scores_of(scoring)
    assert set(saved) == {impact.pk} and (saved[impact.pk].score, saved[impact.pk].comment) == (2, "first thoughts")


@pytest.mark.parametrize("value", [0, 5, "0", " 5 "])
def test_both_ends_of_the_scale_are_scores(scoring, challenge, evaluator, value):
    impact, feasibility = criteria(challenge)
    evaluation_services.evaluation_save(
        actor=evaluator,
        evaluation=scoring,
        scores={impact.pk: (value, "a"), feasibility.pk: (value, "b")},
        complete=True,
    )
    assert set(Score.objects.values_list("score", flat=True)) == {int(str(value))}


@pytest.mark.parametrize(
    ("comment", "message"),
    [
        ("x" * 5001, "Write at most 5,000 characters."),
        ("Good\x00 work", "The text contains characters that are not allowed."),
    ],
    ids=["too-long", "nul"],
)
def test_a_comment_too_long_or_with_a_nul_is_refused(scoring, challenge, evaluator, comment, message):
    impact, _feasibility = criteria(challenge)
    with pytest.raises(ValidationError) as caught:
        evaluation_services.evaluation_save(actor=evaluator, evaluation=scoring, scores={impact.pk: (3, comment)})
    assert caught.value.message_dict == {f"comment_{impact.pk}": [message]}
    assert not Score.objects.exists()


def test_the_longest_comment_allowed_is_kept_whole(scoring, challenge, evaluator):
    impact, _feasibility = criteria(challenge)
    evaluation_services.evaluation_save(actor=evaluator, evaluation=scoring, scores={impact.pk: (3, "é" * 5000)})
    assert Score.objects.get().comment == "é" * 5000


def test_completing_needs_a_score_and_a_comment_for_every_criterion(scoring, challenge, evaluator):
    impact, feasibility = criteria(challenge)
    with pytest.raises(ValidationError) as caught:
        evaluation_services.evaluation_save(
            actor=evaluator,
            evaluation=scoring,
            scores={impact.pk: (4, "  "), feasibility.pk: (None, "Pricing unclear")},
            complete=True,
        )
    assert caught.value.message_dict == {
        f"comment_{impact.pk}": ["Explain your score for “Impact on the people affected”."],
        f"score_{feasibility.pk}": ["Score the criterion “Feasibility and cost”."],
    }
    assert fresh(scoring).status == "cleared" and fresh(scoring).completed_at is None
    with pytest.raises(ValidationError) as caught:
        evaluation_services.evaluation_save(actor=evaluator, evaluation=scoring, scores={}, complete=True)
    assert len(caught.value.message_dict) == 4


def test_a_completed_evaluation_is_frozen(scoring, challenge, evaluator):
    complete(scoring, (4, 3))
    completed = fresh(scoring)
    assert completed.status == "completed" and completed.completed_at == AFTER
    with pytest.raises(PermissionDenied):
        evaluation_services.evaluation_save(actor=evaluator, evaluation=completed, scores=scores_for(challenge, (1, 1)))
    assert sorted(Score.objects.values_list("score", flat=True)) == [3, 4]


def test_only_the_cleared_evaluator_scores_their_evaluation(
    assigned, challenge, proposal_a, evaluator, evaluator2, manager
):
    evaluation = evaluation_of(proposal_a, evaluator)
    # Not before declaring: the declaration comes first.
    with pytest.raises(PermissionDenied):
        evaluation_services.evaluation_save(
            actor=evaluator, evaluation=evaluation, scores=scores_for(challenge, (4, 4))
        )
    clear(evaluation)
    for someone in (evaluator2, manager, challenge.author):
        with pytest.raises(PermissionDenied):
            evaluation_services.evaluation_save(
                actor=someone, evaluation=evaluation, scores=scores_for(challenge, (4, 4))
            )
    assert not Score.objects.exists()


@pytest.mark.parametrize("status", ["awarded", "not_awarded", "cancelled"])
def test_no_scoring_once_the_outcome_is_decided(scoring, challenge, evaluator, status):
    Challenge.objects.filter(pk=challenge.pk).update(status=status)
    with pytest.raises(PermissionDenied):
        evaluation_services.evaluation_save(actor=evaluator, evaluation=scoring, scores=scores_for(challenge, (4, 4)))
    assert not Score.objects.exists()


# Reopening and removing ----------------------------------------------------------------


def test_a_programme_manager_reopens_a_completed_evaluation_with_a_reason(scoring, challenge, evaluator, manager):
    complete(scoring, (4, 3))
    for reason in ("", "   ", None, "x\x00"):
        with pytest.raises(ValidationError) as caught:
            evaluation_services.evaluation_reopen(actor=manager, evaluation=scoring, reason=reason)
        assert "reason" in caught.value.message_dict
    assert fresh(scoring).status == "completed"
    for someone in (evaluator, challenge.author):
        with pytest.raises(PermissionDenied):
            evaluation_services.evaluation_reopen(actor=someone, evaluation=scoring, reason="Look again")

    evaluation_services.evaluation_reopen(
        actor=manager, evaluation=scoring, reason="The feasibility comment is empty of facts."
    )

    reopened = fresh(scoring)
    assert reopened.status == "cleared" and reopened.reopened_at == AFTER
    # The scores are kept for the evaluator to revise, and they are told why.
    assert sorted(Score.objects.values_list("score", flat=True)) == [3, 4]
    told = Notification.objects.get(kind="challenges.evaluation_reopened")
    assert told.recipient_id == evaluator.pk
    assert told.params["reason"] == "The feasibility comment is empty of facts."
    complete(reopened, (4, 2))
    assert fresh(scoring).status == "completed"
    assert sorted(Score.objects.values_list("score", flat=True)) == [2, 4]


def test_the_reopen_reason_is_kept_on_the_evaluation_and_filled_for_those_reopened_before(scoring, manager):
    from importlib import import_module

    from django.apps import apps

    complete(scoring, (4, 3))
    evaluation_services.evaluation_reopen(actor=manager, evaluation=scoring, reason="Say more about the cost.")
    assert fresh(scoring).reopen_reason == "Say more about the cost."
    # An evaluation reopened before the reason was a field has it only in the audit trail:
    # the migration that adds the field copies it from there.
    Evaluation.objects.filter(pk=scoring.pk).update(reopen_reason="")
    migration = import_module("ponte.challenges.migrations.0010_evaluation_reopen_reason")
    migration.from_audit_trail(apps, None)
    assert fresh(scoring).reopen_reason == "Say more about the cost."


def test_only_a_completed_evaluation_is_reopened(scoring, manager):
    with pytest.raises(PermissionDenied):
        evaluation_services.evaluation_reopen(actor=manager, evaluation=scoring, reason="Look again")
    assert fresh(scoring).status == "cleared"


def test_a_programme_manager_removes_an_assignment_not_yet_completed(
    assigned, challenge, proposal_a, proposal_b, evaluator, evaluator2, manager
):
    waiting = evaluation_of(proposal_a, evaluator)
    scoring = clear(evaluation_of(proposal_b, evaluator))
    done = complete(evaluation_of(proposal_a, evaluator2), (3, 3))
    recused = recuse(evaluation_of(proposal_b, evaluator2))
    for someone in (evaluator, challenge.author):
        with pytest.raises(PermissionDenied):
            evaluation_services.evaluation_unassign(actor=someone, evaluation=waiting)
    for evaluation in (done, recused):
        with pytest.raises(PermissionDenied):
            evaluation_services.evaluation_unassign(actor=manager, evaluation=evaluation)

    evaluation_services.evaluation_unassign(actor=manager, evaluation=waiting)
    evaluation_services.evaluation_unassign(actor=manager, evaluation=scoring)

    assert fresh(waiting).status == fresh(scoring).status == "removed"
    assert fresh(done).status == "completed" and fresh(recused).status == "recused"
    # The evaluator no longer reads the proposal they were scoring…
    assert not proposals_queries.proposals_visible_to(fresh(evaluator), challenge).exists()
    # …and may be assigned again, afresh.
    result = assign(manager, challenge, [proposal_b], [evaluator])
    assert len(result.created) == 1 and result.created[0].status == "assigned"


# The board: progress, score and rank ---------------------------------------------------


def _row(board, proposal):
    return next(row for row in board if row.proposal.pk == proposal.pk)


def test_progress_counts_leave_out_recused_and_removed_evaluations(
    after, challenge, proposal_a, proposal_b, manager, evaluator, evaluator2
):
    third, fourth = UserFactory(is_evaluator=True), UserFactory(is_evaluator=True)
    assign(manager, challenge, [proposal_a], [evaluator, evaluator2, third, fourth])
    assign(manager, challenge, [proposal_b], [evaluator])
    complete(evaluation_of(proposal_a, evaluator), (4, 4))
    recuse(evaluation_of(proposal_a, evaluator2))
    evaluation_services.evaluation_unassign(actor=manager, evaluation=evaluation_of(proposal_a, third))
    complete(evaluation_of(proposal_b, evaluator), (3, 3))

    board = evaluation_queries.with_assignments(evaluation_queries.evaluation_board(challenge))
    a, b = _row(board, proposal_a), _row(board, proposal_b)
    # A: one completed, the fourth evaluator still to do it: "1 of 2".
    assert (a.done, a.expected, a.pending) == (1, 2, 1)
    assert (b.done, b.expected, b.pending) == (1, 1, 0)
    # The recused evaluation is shown (with its state), the removed one is not.
    assert sorted(e.status for e in a.evaluations) == ["assigned", "completed", "recused"]
    assert [row.proposal for row in evaluation_queries.evaluation_board(challenge, pending_only=True)] == [proposal_a]


def test_the_rank_is_the_weighted_average_of_completed_evaluations_and_ties_share_it(
    after, challenge, proposal_a, proposal_b, manager, evaluator, evaluator2
):
    proposal_c = submit(challenge, CompanyFactory(name="Aachen Civic Tech"))
    proposal_d = submit(challenge, CompanyFactory(name="Bruges Digital"))
    proposal_e = submit(challenge, CompanyFactory(name="Zagreb Forms"))
    assign(manager, challenge, [proposal_a, proposal_b, proposal_c, proposal_d, proposal_e], [evaluator, evaluator2])
    # Weights 60/40. A: 5×0.6+3×0.4 = 4.20 and 4×0.6+4×0.4 = 4.00 → 4.10.
    complete(evaluation_of(proposal_a, evaluator), (5, 3))
    complete(evaluation_of(proposal_a, evaluator2), (4, 4))
    # B: 3.80 and 3.20 → 3.50.  C: 3.00 and 4.00 → 3.50, a tie with B.
    complete(evaluation_of(proposal_b, evaluator), (3, 5))
    complete(evaluation_of(proposal_b, evaluator2), (4, 2))
    complete(evaluation_of(proposal_c, evaluator), (3, 3))
    complete(evaluation_of(proposal_c, evaluator2), (4, 4))
    # D: 1×0.6+2×0.4 = 1.40, and a draft that does not count yet.
    complete(evaluation_of(proposal_d, evaluator), (1, 2))
    draft = clear(evaluation_of(proposal_d, evaluator2))
    evaluation_services.evaluation_save(actor=evaluator2, evaluation=draft, scores=scores_for(challenge, (5, 5)))
    # E: nothing completed.

    board = evaluation_queries.evaluation_board(challenge)

    assert [(row.proposal.pk, row.score, row.rank) for row in board] == [
        (proposal_a.pk, Decimal("4.10"), 1),
        # Tied on 3.50: the same rank, in the companies' alphabetical order.
        (proposal_c.pk, Decimal("3.50"), 2),
        (proposal_b.pk, Decimal("3.50"), 2),
        (proposal_d.pk, Decimal("1.40"), 4),
        (proposal_e.pk, None, None),
    ]


def test_weighted_total_uses_the_weights():
    from types import SimpleNamespace

    heavy, light = SimpleNamespace(pk=1, weight=70), SimpleNamespace(pk=2, weight=30)
    assert evaluation_queries.weighted_total({1: 5, 2: 0}, [heavy, light]) == Decimal("3.50")
    assert evaluation_queries.weighted_total({1: 0, 2: 5}, [heavy, light]) == Decimal("1.50")
    assert evaluation_queries.weighted_total({1: 3, 2: 4}, [heavy, light]) == Decimal("3.30")


def test_the_board_takes_the_same_number_of_queries_whatever_the_number_of_proposals(
    after, challenge, proposal_a, proposal_b, manager, evaluator, evaluator2
):
    assign(manager, challenge, [proposal_a], [evaluator])
    complete(evaluation_of(proposal_a, evaluator), (4, 4))
    with CaptureQueriesContext(connection) as small:
        evaluation_queries.evaluation_board(challenge)
    more = [submit(challenge, CompanyFactory()) for _ in range(3)]
    assign(manager, challenge, [proposal_b, *more], [evaluator, evaluator2])
    for proposal in more:
        complete(evaluation_of(proposal, evaluator), (3, 2))
    with CaptureQueriesContext(connection) as large:
        board = evaluation_queries.evaluation_board(challenge)
    assert len(board) == 5
    assert len(large) == len(small)


# The award gate ------------------------------------------------------------------------


def test_the_award_gate_opens_only_when_every_proposal_is_evaluated_and_nothing_is_pending(
    after, challenge, proposal_a, proposal_b, manager, evaluator, evaluator2
):
    author = challenge.author
    assert evaluation_queries.award_gate(challenge) == ["2 proposals have no completed evaluation."]
    assert not author.has_perm("challenges.award_challenge", challenge)

    assign(manager, challenge, [proposal_a, proposal_b], [evaluator])
    assert evaluation_queries.award_gate(challenge) == [
        "2 assigned evaluations are not complete yet.",
        "2 proposals have no completed evaluation.",
    ]
    complete(evaluation_of(proposal_a, evaluator), (4, 4))
    clear(evaluation_of(proposal_b, evaluator))  # scoring, still pending
    assert evaluation_queries.award_gate(challenge) == [
        "1 assigned evaluation is not complete yet.",
        "1 proposal has no completed evaluation.",
    ]
    # A recusal leaves B without any evaluation that can complete: still closed.
    assign(manager, challenge, [proposal_b], [evaluator2])
    evaluation_services.evaluation_unassign(actor=manager, evaluation=evaluation_of(proposal_b, evaluator))
    recuse(evaluation_of(proposal_b, evaluator2))
    assert evaluation_queries.award_gate(challenge) == ["1 proposal has no completed evaluation."]
    assert not author.has_perm("challenges.award_challenge", challenge)

    third = UserFactory(is_evaluator=True)
    assign(manager, challenge, [proposal_b], [third])
    assert evaluation_queries.award_gate(challenge) == [
        "1 assigned evaluation is not complete yet.",
        "1 proposal has no completed evaluation.",
    ]
    complete(evaluation_of(proposal_b, third), (2, 2))
    assert evaluation_queries.award_gate(challenge) == []
    assert author.has_perm("challenges.award_challenge", challenge)
    assert author.has_perm("challenges.close_without_award", challenge)
    # A pending evaluation of an evaluated proposal closes it again.
    assign(manager, challenge, [proposal_a], [evaluator2])
    assert evaluation_queries.award_gate(challenge) == ["1 assigned evaluation is not complete yet."]
    assert not author.has_perm("challenges.award_challenge", challenge)


def test_a_withdrawn_proposal_does_not_hold_the_gate(challenge, proposal_a, manager, evaluator):
    _withdrawn_proposal(challenge)
    with time_machine.travel(AFTER, tick=False):
        assign(manager, challenge, [proposal_a], [evaluator])
        complete(evaluation_of(proposal_a, evaluator), (3, 3))
        assert evaluation_queries.award_gate(challenge) == []


def test_the_public_body_hears_once_when_the_last_evaluation_is_complete(
    assigned, challenge, proposal_a, proposal_b, evaluator, evaluator2, owner_admin, manager
):
    MembershipFactory(organisation=challenge.owner, role="member")  # a colleague: not told
    complete(evaluation_of(proposal_a, evaluator), (4, 4))
    complete(evaluation_of(proposal_a, evaluator2), (4, 4))
    complete(evaluation_of(proposal_b, evaluator), (4, 4))
    assert not Notification.objects.filter(kind="challenges.evaluations_complete").exists()
    complete(evaluation_of(proposal_b, evaluator2), (4, 4))
    told = Notification.objects.filter(kind="challenges.evaluations_complete")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted([challenge.author.pk, owner_admin.pk])
    assert told.first().url == f"/challenges/{challenge.pk}/evaluation/"


def test_removing_the_last_pending_assignment_opens_the_gate_and_says_so(
    assigned, challenge, proposal_a, proposal_b, evaluator, evaluator2, manager
):
    complete(evaluation_of(proposal_a, evaluator), (4, 4))
    complete(evaluation_of(proposal_a, evaluator2), (4, 4))
    complete(evaluation_of(proposal_b, evaluator), (4, 4))
    evaluation_services.evaluation_unassign(actor=manager, evaluation=evaluation_of(proposal_b, evaluator2))
    assert evaluation_queries.award_gate(challenge) == []
    assert kinds_to("challenges.evaluations_complete") == {challenge.author.pk}


# The audit trail -----------------------------------------------------------------------


def test_every_step_is_audited_without_a_score_or_a_comment(
    assigned, challenge, proposal_a, proposal_b, evaluator, evaluator2, manager
):
    first = complete(evaluation_of(proposal_a, evaluator), (5, 3))
    evaluation_services.evaluation_reopen(actor=manager, evaluation=first, reason="Say more about the cost.")
    impact, feasibility = criteria(challenge)
    evaluation_services.evaluation_save(
        actor=evaluator,
        evaluation=first,
        scores={impact.pk: (5, COMMENT), feasibility.pk: (2, COMMENT)},
        complete=True,
    )
    recuse(evaluation_of(proposal_a, evaluator2))
    evaluation_services.evaluation_unassign(actor=manager, evaluation=evaluation_of(proposal_b, evaluator2))

    verbs = list(AuditEvent.objects.filter(target_type__model="evaluation").values_list("verb", flat=True))
    for verb in ("assign_evaluator", "declare_no_conflict", "save_scores", "complete", "reopen", "declare_conflict"):
        assert verb in verbs
    assert "unassign" in verbs
    saved = AuditEvent.objects.filter(verb="save_scores").order_by("pk")
    assert [e.after for e in saved] == [
        {"criteria": sorted([impact.pk, feasibility.pk])},
        {"criteria": [feasibility.pk]},  # only what changed, and not to what
    ]
    for event in AuditEvent.objects.all():
        text = f"{event.target_label} {event.before} {event.after} {event.reason}"
        assert COMMENT not in text and "score" not in str(event.after).lower(), (event.verb, text)
