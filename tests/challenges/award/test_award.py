"""The outcome: once every evaluation is complete the public body awards proposals within
the budget ceiling, with a justification, or closes the challenge without award; every
bidder is told and reads anonymised feedback; the signed contract is recorded; and a
cancellation after the deadline reaches the bidders too."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from ponte.challenges.models import Award, Contract, Interest
from ponte.challenges.queries.evaluation import feedback_for
from ponte.challenges.services import award as award_services
from ponte.challenges.services import review as review_services
from ponte.core.models import AuditEvent, Notification
from ponte.organisations.models import Membership
from tests.challenges.evaluation.test_evaluation import (
    AFTER,
    COMMENT,
    DEADLINE,
    assign,
    complete,
    evaluation_of,
    fresh,
    recuse,
    submit,
)
from tests.factories import CompanyFactory, MembershipFactory, PublishedChallengeFactory, UserFactory

JUSTIFICATION = "Civic Data Labs and Lisbon Health Analytics ranked first and second, within the budget."
OUTCOME_KINDS = ("challenges.proposal_awarded", "challenges.proposal_not_awarded")


@pytest.fixture
def world(db):
    """A challenge with a ceiling of EUR 20,000 and three standing proposals — A (12,000),
    B (8,000) and C (8,000.01) — and one withdrawn, two evaluators assigned to each standing
    one; the clock a day after the deadline. Nothing evaluated yet."""
    with time_machine.travel(DEADLINE - timedelta(days=10), tick=False):
        challenge = PublishedChallengeFactory(title="Forms nobody finds", budget_ceiling=20000, deadline=DEADLINE)
    companies = {
        "a": CompanyFactory(name="Civic Data Labs"),
        "b": CompanyFactory(name="Lisbon Health Analytics"),
        "c": CompanyFactory(name="Formlab Service Design Studio"),
        "withdrawn": CompanyFactory(name="NordGrid Energy Systems"),
    }
    proposals = {
        "a": submit(challenge, companies["a"], "12000"),
        "b": submit(challenge, companies["b"], "8000"),
        "c": submit(challenge, companies["c"], "8000.01"),
        "withdrawn": submit(challenge, companies["withdrawn"], "5000"),
    }
    from ponte.challenges.services.proposals import proposal_withdraw

    with time_machine.travel(DEADLINE - timedelta(hours=1), tick=False):
        proposal_withdraw(actor=proposals["withdrawn"].submitted_by, proposal=proposals["withdrawn"])
    people = {
        "manager": UserFactory(is_programme_manager=True),
        "evaluator": UserFactory(name="Eva First", is_evaluator=True),
        "evaluator2": UserFactory(name="Ed Second", is_evaluator=True),
        "owner_admin": MembershipFactory(organisation=challenge.owner, role="admin").user,
        "colleague": MembershipFactory(organisation=challenge.owner, role="member").user,
        "a_colleague": MembershipFactory(organisation=companies["a"]).user,
        "a_gone": MembershipFactory(organisation=companies["a"], user__is_active=False).user,
    }
    with time_machine.travel(AFTER, tick=False) as traveller:
        assign(
            people["manager"],
            challenge,
            [proposals[k] for k in ("a", "b", "c")],
            [people["evaluator"], people["evaluator2"]],
        )
        yield {"challenge": challenge, "companies": companies, "proposals": proposals, "traveller": traveller, **people}


@pytest.fixture
def evaluated(world):
    """Every evaluation complete. A: (5, 3) → 4.20 and (4, 4) → 4.00; B: 3.00 twice; C: 2.00 twice."""
    p, e1, e2 = world["proposals"], world["evaluator"], world["evaluator2"]
    complete(evaluation_of(p["a"], e1), (5, 3), comment="A1: " + COMMENT)
    complete(evaluation_of(p["a"], e2), (4, 4), comment="A2: the pilot plan is realistic")
    for key, values in (("b", (3, 3)), ("c", (2, 2))):
        complete(evaluation_of(p[key], e1), values)
        complete(evaluation_of(p[key], e2), values)
    return world


def award(world, keys=("a",), actor=None, justification=JUSTIFICATION):
    return award_services.challenge_award(
        actor=actor or world["challenge"].author,
        challenge=world["challenge"],
        proposals=[world["proposals"][k] for k in keys],
        justification=justification,
    )


def close(world, actor=None, reason="No proposal met the minimum on impact."):
    return award_services.challenge_close_without_award(
        actor=actor or world["challenge"].author, challenge=world["challenge"], reason=reason
    )


def state_of(world):
    """What a refused decision must leave as it was."""
    challenge = fresh(world["challenge"])
    return (
        challenge.status,
        challenge.awarded_at,
        challenge.closed_at,
        challenge.outcome_justification,
        Award.objects.count(),
        AuditEvent.objects.filter(target_type__model="challenge", target_id=str(challenge.pk)).count(),
        Notification.objects.filter(kind__in=OUTCOME_KINDS).count(),
    )


# Awarding ------------------------------------------------------------------------------


def test_the_drafter_awards_up_to_exactly_the_budget_ceiling(evaluated):
    awards = award(evaluated, keys=("a", "b"))  # 12,000 + 8,000 = 20,000: the ceiling itself

    challenge = fresh(evaluated["challenge"])
    assert challenge.status == "awarded" and challenge.awarded_at == AFTER
    assert challenge.outcome_justification == JUSTIFICATION
    assert challenge.is_decided
    rows = {(a.proposal_id, a.supplier_id, a.value, a.awarded_at) for a in Award.objects.all()}
    assert rows == {
        (evaluated["proposals"]["a"].pk, evaluated["companies"]["a"].pk, Decimal("12000.00"), AFTER),
        (evaluated["proposals"]["b"].pk, evaluated["companies"]["b"].pk, Decimal("8000.00"), AFTER),
    }
    assert {a.pk for a in awards} == set(Award.objects.values_list("pk", flat=True))
    decision = AuditEvent.objects.get(verb="award")
    assert decision.reason == JUSTIFICATION and decision.after == {"status": "awarded"}
    assert AuditEvent.objects.filter(verb="award_proposal").count() == 2


def test_one_cent_over_the_ceiling_is_refused_and_the_message_says_by_how_much(evaluated):
    before = state_of(evaluated)
    with pytest.raises(ValidationError) as caught:
        award(evaluated, keys=("a", "c"))  # 12,000 + 8,000.01
    [message] = caught.value.message_dict["proposals"]
    assert "20,000" in message and "budget ceiling" in message
    assert state_of(evaluated) == before


def test_the_owner_admin_may_award_too(evaluated):
    award(evaluated, actor=evaluated["owner_admin"])
    assert fresh(evaluated["challenge"]).status == "awarded"


@pytest.mark.parametrize(
    "who", ["colleague", "author_who_left", "manager", "evaluator", "platform_admin", "bidder", "citizen"]
)
@pytest.mark.parametrize("decision", ["award", "close"])
def test_only_the_drafter_decides_the_outcome(evaluated, who, decision):
    if who == "author_who_left":
        author = evaluated["challenge"].author
        Membership.objects.filter(user=author, organisation=evaluated["challenge"].owner).delete()
        person = fresh(author)
    else:
        person = {
            "platform_admin": UserFactory(is_staff=True, is_superuser=True),
            "bidder": evaluated["proposals"]["a"].submitted_by,
            "citizen": UserFactory(),
        }.get(who) or evaluated[who]
    before = state_of(evaluated)
    with pytest.raises(PermissionDenied):
        award(evaluated, actor=person) if decision == "award" else close(evaluated, actor=person)
    assert state_of(evaluated) == before


@pytest.mark.parametrize("decision", ["award", "close"])
def test_while_an_evaluation_is_pending_the_drafter_hears_why_and_nothing_is_decided(world, decision):
    p, e1, e2 = world["proposals"], world["evaluator"], world["evaluator2"]
    for key in ("a", "b", "c"):
        complete(evaluation_of(p[key], e1), (3, 3))
    complete(evaluation_of(p["a"], e2), (3, 3))
    complete(evaluation_of(p["b"], e2), (3, 3))
    before = state_of(world)
    with pytest.raises(ValidationError) as caught:
        award(world) if decision == "award" else close(world)
    assert caught.value.code == "award_gate_closed"
    assert "1 assigned evaluation is not complete yet." in caught.value.message
    # Someone who may not decide learns nothing about the progress.
    with pytest.raises(PermissionDenied):
        award(world, actor=world["manager"]) if decision == "award" else close(world, actor=world["manager"])
    assert state_of(world) == before


@pytest.mark.parametrize(
    ("justification", "message"),
    [
        ("", "Explain why these proposals are awarded."),
        ("  \n ", "Explain why these proposals are awarded."),
        (None, "Explain why these proposals are awarded."),
        ("Best\x00 value", None),
        ("x" * 10_001, "Write at most 10"),
    ],
    ids=["empty", "blank", "none", "nul", "too-long"],
)
def test_an_award_needs_a_justification(evaluated, justification, message):
    before = state_of(evaluated)
    with pytest.raises(ValidationError) as caught:
        award(evaluated, justification=justification)
    [said] = caught.value.message_dict["justification"]
    assert list(caught.value.message_dict) == ["justification"]
    assert message is None or said.startswith(message)
    assert state_of(evaluated) == before


def test_the_longest_justification_is_kept_whole(evaluated):
    award(evaluated, justification="é" * 10_000)
    assert fresh(evaluated["challenge"]).outcome_justification == "é" * 10_000


def _another_challenges_proposal(world):
    with time_machine.travel(DEADLINE - timedelta(days=10), tick=False):
        other = PublishedChallengeFactory(owner=world["challenge"].owner, deadline=DEADLINE)
    return submit(other, CompanyFactory())


@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        (lambda w: [], "Choose at least one proposal to award."),
        (lambda w: [w["proposals"]["withdrawn"]], "Choose proposals from the list."),
        (lambda w: [w["proposals"]["a"], _another_challenges_proposal(w)], "Choose proposals from the list."),
        (lambda w: [987654], "Choose proposals from the list."),
    ],
    ids=["none", "withdrawn", "another-challenge", "unknown"],
)
def test_only_standing_proposals_of_this_challenge_are_awarded(evaluated, chosen, message):
    proposals = chosen(evaluated)
    before = state_of(evaluated)
    with pytest.raises(ValidationError) as caught:
        award_services.challenge_award(
            actor=evaluated["challenge"].author,
            challenge=evaluated["challenge"],
            proposals=proposals,
            justification=JUSTIFICATION,
        )
    assert caught.value.message_dict == {"proposals": [message]}
    assert state_of(evaluated) == before


def test_every_problem_is_reported_at_once(evaluated):
    with pytest.raises(ValidationError) as caught:
        award(evaluated, keys=("a", "c"), justification="")
    assert set(caught.value.message_dict) == {"proposals", "justification"}


# Illegal moves -------------------------------------------------------------------------


def _to(world, state):
    """Bring the evaluated challenge to `state` through the services."""
    challenge = world["challenge"]
    if state == "awarded":
        award(world)
    elif state == "not_awarded":
        close(world)
    elif state == "cancelled":
        review_services.challenge_cancel(actor=world["manager"], challenge=challenge, reason="The need is gone.")


@pytest.mark.parametrize("state", ["awarded", "not_awarded", "cancelled"])
@pytest.mark.parametrize("decision", ["award", "close"])
def test_a_decided_or_cancelled_challenge_is_not_decided_again(evaluated, state, decision):
    _to(evaluated, state)
    before = state_of(evaluated)
    with pytest.raises(PermissionDenied):
        award(evaluated, keys=("b",)) if decision == "award" else close(evaluated)
    assert state_of(evaluated) == before


@pytest.mark.parametrize("decision", ["award", "close"])
def test_nothing_is_decided_before_the_deadline(db, decision):
    with time_machine.travel(DEADLINE - timedelta(days=10), tick=False):
        challenge = PublishedChallengeFactory(budget_ceiling=20000, deadline=DEADLINE)
    proposal = submit(challenge, CompanyFactory())
    with time_machine.travel(DEADLINE - timedelta(seconds=1), tick=False), pytest.raises(PermissionDenied):
        if decision == "award":
            award_services.challenge_award(
                actor=challenge.author, challenge=challenge, proposals=[proposal], justification="Early"
            )
        else:
            award_services.challenge_close_without_award(actor=challenge.author, challenge=challenge, reason="Early")
    assert fresh(challenge).status == "published" and not Award.objects.exists()


def test_after_the_outcome_it_can_no_longer_be_cancelled(evaluated):
    award(evaluated)
    with pytest.raises(PermissionDenied):
        review_services.challenge_cancel(
            actor=evaluated["manager"], challenge=evaluated["challenge"], reason="Changed our mind."
        )
    assert fresh(evaluated["challenge"]).status == "awarded"


# Who is told ---------------------------------------------------------------------------


def _members(company):
    return set(Membership.objects.filter(organisation=company, user__is_active=True).values_list("user_id", flat=True))


def test_every_bidder_hears_its_own_outcome_and_no_one_else_hears_anything(evaluated):
    companies = evaluated["companies"]
    following = CompanyFactory(name="Ljubljana Mobility Solutions")
    follower = MembershipFactory(organisation=following).user
    Interest.objects.create(challenge=evaluated["challenge"], user=follower, company=following)
    already = set(Notification.objects.values_list("pk", flat=True))

    award(evaluated, keys=("a",))

    new = Notification.objects.exclude(pk__in=already)
    by_kind = {kind: set(new.filter(kind=kind).values_list("recipient_id", flat=True)) for kind in OUTCOME_KINDS}
    assert by_kind["challenges.proposal_awarded"] == _members(companies["a"])
    assert by_kind["challenges.proposal_not_awarded"] == _members(companies["b"]) | _members(companies["c"])
    assert len(_members(companies["a"])) == 2  # the proposer and a colleague; not the inactive member
    # Nobody else — the withdrawn company, the evaluators, the public body, a follower — and
    # nothing else.
    assert new.count() == sum(len(ids) for ids in by_kind.values())
    assert set(new.values_list("kind", flat=True)) <= set(OUTCOME_KINDS)
    # Each is sent to the company's own proposal, where the feedback is.
    for notification in new:
        proposal = next(p for p in evaluated["proposals"].values() if notification.recipient_id in _members(p.company))
        assert notification.url == f"/challenges/proposals/{proposal.pk}/"


def test_closing_without_award_tells_every_bidder_and_keeps_the_reason(evaluated):
    already = set(Notification.objects.values_list("pk", flat=True))
    close(evaluated, reason="  No proposal met the minimum on impact.  ")

    challenge = fresh(evaluated["challenge"])
    assert challenge.status == "not_awarded" and challenge.closed_at == AFTER
    assert challenge.outcome_justification == "No proposal met the minimum on impact."
    assert not Award.objects.exists()
    new = Notification.objects.exclude(pk__in=already)
    companies = evaluated["companies"]
    assert set(new.values_list("kind", flat=True)) == {"challenges.proposal_not_awarded"}
    assert set(new.values_list("recipient_id", flat=True)) == (
        _members(companies["a"]) | _members(companies["b"]) | _members(companies["c"])
    )
    assert AuditEvent.objects.get(verb="close_without_award").reason == "No proposal met the minimum on impact."


@pytest.mark.parametrize("reason", ["", "   ", None, "x" * 10_001])
def test_closing_without_award_needs_a_reason(evaluated, reason):
    before = state_of(evaluated)
    with pytest.raises(ValidationError) as caught:
        close(evaluated, reason=reason)
    assert list(caught.value.message_dict) == ["justification"]
    assert state_of(evaluated) == before


def test_a_cancellation_after_the_deadline_reaches_every_bidder(world):
    already = set(Notification.objects.values_list("pk", flat=True))
    review_services.challenge_cancel(
        actor=world["manager"], challenge=world["challenge"], reason="The service is being merged into another."
    )
    assert fresh(world["challenge"]).status == "cancelled"
    new = Notification.objects.exclude(pk__in=already).filter(kind="challenges.cancelled")
    companies = world["companies"]
    assert set(new.values_list("recipient_id", flat=True)) == (
        _members(companies["a"]) | _members(companies["b"]) | _members(companies["c"])
    )
    assert all(n.params["reason"] == "The service is being merged into another." for n in new)


# Feedback ------------------------------------------------------------------------------


def test_feedback_gives_the_outcome_the_mean_per_criterion_and_anonymous_comments(evaluated):
    # A recusal and a reopened evaluation left as a draft add nothing to the feedback.
    extra = UserFactory(name="Xavier Recused", is_evaluator=True)
    assign(evaluated["manager"], evaluated["challenge"], [evaluated["proposals"]["a"]], [extra])
    recuse(evaluation_of(evaluated["proposals"]["a"], extra))
    award(evaluated, keys=("a",))

    feedback = feedback_for(fresh(evaluated["proposals"]["a"]))

    assert feedback.awarded is True and feedback.justification == JUSTIFICATION
    # (4.20 + 4.00) / 2
    assert feedback.total == Decimal("4.10")
    impact, feasibility = feedback.criteria
    assert (impact.criterion, impact.weight, impact.score) == ("Impact on the people affected", 60, Decimal("4.50"))
    assert (feasibility.criterion, feasibility.weight, feasibility.score) == (
        "Feasibility and cost",
        40,
        Decimal("3.50"),
    )
    assert impact.comments == [
        ("Evaluator 1", 5, "A1: " + COMMENT),
        ("Evaluator 2", 4, "A2: the pilot plan is realistic"),
    ]
    # No evaluator's name anywhere in it.
    for name in ("Eva First", "Ed Second", "Xavier Recused"):
        assert name not in repr(feedback)

    other = feedback_for(fresh(evaluated["proposals"]["c"]))
    assert other.awarded is False and other.total == Decimal("2.00")
    assert other.justification == JUSTIFICATION


def test_only_the_bidding_company_reads_its_feedback_and_only_once_decided(evaluated):
    proposal_a = evaluated["proposals"]["a"]
    colleague = evaluated["a_colleague"]
    assert not colleague.has_perm("challenges.view_feedback", fresh(proposal_a))
    award(evaluated)
    assert colleague.has_perm("challenges.view_feedback", fresh(proposal_a))
    for someone in (
        evaluated["proposals"]["b"].submitted_by,
        evaluated["challenge"].author,
        evaluated["evaluator"],
        evaluated["manager"],
    ):
        assert not someone.has_perm("challenges.view_feedback", fresh(proposal_a))
    withdrawn = evaluated["proposals"]["withdrawn"]
    assert not withdrawn.submitted_by.has_perm("challenges.view_feedback", fresh(withdrawn))


def test_closing_without_award_opens_the_feedback_too(evaluated):
    close(evaluated)
    proposal = fresh(evaluated["proposals"]["b"])
    assert proposal.submitted_by.has_perm("challenges.view_feedback", proposal)
    feedback = feedback_for(proposal)
    assert feedback.awarded is False and feedback.total == Decimal("3.00")


# The contract --------------------------------------------------------------------------

SIGNED = (AFTER + timedelta(days=10)).date()


def contract(world, **overrides):
    fields = {
        "title": "Pilot: one life-event index of forms in two offices",
        "value": "12000",
        "date_signed": SIGNED.isoformat(),
        "period_start": (SIGNED + timedelta(days=5)).isoformat(),
        "period_end": (SIGNED + timedelta(days=95)).isoformat(),
    }
    fields.update(overrides)
    actor = fields.pop("actor", world["challenge"].author)
    chosen = fields.pop("award", None) or Award.objects.order_by("pk").first()
    return award_services.contract_record(actor=actor, award=chosen, **fields)


@pytest.fixture
def awarded(evaluated):
    award(evaluated, keys=("a",))
    evaluated["traveller"].move_to(AFTER + timedelta(days=20))
    return evaluated


def test_the_drafter_records_the_signed_contract(awarded):
    recorded = contract(awarded, value="11,500.50")
    assert (recorded.title, recorded.value, recorded.date_signed) == (
        "Pilot: one life-event index of forms in two offices",
        Decimal("11500.50"),
        SIGNED,
    )
    assert recorded.recorded_by == awarded["challenge"].author
    assert Contract.objects.get().award.proposal == awarded["proposals"]["a"]
    event = AuditEvent.objects.get(verb="record_contract")
    assert event.after == {"award": Award.objects.get().pk, "value": "11500.50", "date_signed": SIGNED.isoformat()}


def test_a_contract_is_recorded_once(awarded):
    contract(awarded)
    with pytest.raises(ValidationError) as caught:
        contract(awarded, title="Another")
    assert caught.value.code == "already_recorded"
    assert Contract.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"date_signed": (AFTER + timedelta(days=21)).date().isoformat()}, "date_signed"),  # tomorrow
        ({"date_signed": (AFTER - timedelta(days=1)).date().isoformat()}, "date_signed"),  # before the award
        ({"date_signed": "31/03/2031"}, "date_signed"),
        ({"date_signed": ""}, "date_signed"),
        ({"period_start": None}, "period_start"),
        ({"period_end": "2031-02-30"}, "period_end"),
        ({"period_end": (SIGNED + timedelta(days=4)).isoformat()}, "period_end"),  # ends before it starts
        ({"value": "20000.01"}, "value"),  # over the ceiling
        ({"value": "abc"}, "value"),
        ({"value": "0"}, "value"),
        ({"value": "-5"}, "value"),
        ({"value": "1.001"}, "value"),
        ({"value": "NaN"}, "value"),
        ({"value": None}, "value"),
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "Pilot\x00"}, "title"),
    ],
    ids=[
        "signed-in-the-future",
        "signed-before-the-award",
        "date-not-iso",
        "date-empty",
        "start-missing",
        "no-such-day",
        "end-before-start",
        "over-the-ceiling",
        "value-not-a-number",
        "value-zero",
        "value-negative",
        "value-fraction-of-a-cent",
        "value-nan",
        "value-missing",
        "title-blank",
        "title-too-long",
        "title-nul",
    ],
)
def test_a_contract_that_does_not_hold_together_is_refused(awarded, overrides, field):
    with pytest.raises(ValidationError) as caught:
        contract(awarded, **overrides)
    assert list(caught.value.message_dict) == [field]
    assert not Contract.objects.exists()


def test_the_edges_of_the_contract_dates_are_allowed(awarded):
    today = (AFTER + timedelta(days=20)).date()
    recorded = contract(
        awarded, value="20000", date_signed=today, period_start=today.isoformat(), period_end=today.isoformat()
    )
    assert recorded.date_signed == today and recorded.value == Decimal("20000")


@pytest.mark.parametrize("who", ["manager", "evaluator", "colleague", "bidder"])
def test_only_the_drafter_records_the_contract(awarded, who):
    person = awarded["proposals"]["a"].submitted_by if who == "bidder" else awarded[who]
    with pytest.raises(PermissionDenied):
        contract(awarded, actor=person)
    assert not Contract.objects.exists()


def test_no_contract_for_a_challenge_not_awarded(evaluated):
    # An award row on a challenge still in evaluation (as a bad import might leave) opens nothing.
    Award.objects.create(
        challenge=evaluated["challenge"],
        proposal=evaluated["proposals"]["a"],
        supplier=evaluated["companies"]["a"],
        value=Decimal("12000"),
        awarded_at=AFTER,
    )
    with pytest.raises(PermissionDenied):
        contract(evaluated, date_signed=AFTER.date().isoformat())
    assert not Contract.objects.exists()


# The audit trail -----------------------------------------------------------------------


def test_each_decision_is_audited_without_a_score_in_its_text(evaluated):
    award(evaluated, keys=("a", "b"))
    evaluated["traveller"].move_to(AFTER + timedelta(days=20))
    contract(evaluated)
    verbs = list(AuditEvent.objects.filter(target_type__model="challenge").values_list("verb", flat=True))
    for verb in ("award_proposal", "award", "record_contract"):
        assert verb in verbs
    supplied = AuditEvent.objects.filter(verb="award_proposal")
    assert {e.after["supplier"] for e in supplied} == {"Civic Data Labs", "Lisbon Health Analytics"}
    for event in AuditEvent.objects.all():
        text = f"{event.target_label} {event.before} {event.after} {event.reason}"
        # The weighted totals (4.10, 3.00) and the comments stay on the board.
        assert "4.10" not in text and COMMENT not in text, (event.verb, text)
        assert "score" not in str(event.after).lower()
