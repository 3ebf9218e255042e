"""The evaluation of a closed challenge in the browser: a programme manager assigns
evaluators, an evaluator declares conflicts of interest and scores a proposal, the
programme manager sends an evaluation back and removes an assignment, and the public
body reads the board. Every page, with and without errors, is checked with axe-core."""

import re
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from ponte.challenges.models import Challenge, Evaluation
from ponte.challenges.services import proposals as proposals_services
from tests.conftest import give_two_factor
from tests.factories import CompanyFactory, MembershipFactory, PublishedChallengeFactory, UserFactory

from .support import AccessibilityAudit


def _submit(challenge, name, price):
    company = CompanyFactory(name=name)
    proposer = MembershipFactory(organisation=company).user
    return proposals_services.proposal_submit(
        actor=proposer,
        challenge=challenge,
        company=company,
        approach=f"{name} would index every form by life event.",
        criteria_responses={c.pk: f"{name} on {c.name.lower()}" for c in challenge.criteria.all()},
        team="Two developers and a designer",
        price=Decimal(price),
        timeline="Three months",
    )


def test_evaluation_pages_are_accessible(signed_in, screenshot_dir):
    audit = AccessibilityAudit(screenshot_dir, "evaluation")
    challenge = PublishedChallengeFactory(title="Citizens cannot find the right form", budget_ceiling=40000)
    first = _submit(challenge, "Alpha Analytics", "12000")
    _submit(challenge, "Beta Bureau", "15000")
    # The deadline passes: the challenge is in evaluation.
    Challenge.objects.filter(pk=challenge.pk).update(deadline=timezone.now() - timedelta(hours=1))
    manager = UserFactory(name="Paula Manager", is_programme_manager=True)
    evaluator = UserFactory(name="Eva Evaluator", is_evaluator=True)
    inspector = UserFactory(name="Ivo Inspector", is_evaluator=True)
    for person in (manager, evaluator):
        give_two_factor(person)

    board_url = f"/challenges/{challenge.pk}/evaluation/"
    pm = signed_in(manager)
    pm.goto(board_url)
    expect(pm.get_by_role("heading", name="Evaluation of the proposals")).to_be_visible()
    audit.check(pm, "board before assignment")
    pm.get_by_label("Alpha Analytics").uncheck()
    pm.get_by_label("Beta Bureau").uncheck()
    # Evaluators are found by name as one types, and taken with the keyboard or a click.
    evaluators = pm.get_by_role("combobox", name="Evaluators")
    evaluators.press_sequentially("eva ev")
    expect(pm.get_by_role("option", name=f"Eva Evaluator ({evaluator.email})")).to_be_visible()
    audit.check(pm, "evaluator suggestions")
    evaluators.press("ArrowDown")
    evaluators.press("Enter")
    expect(evaluators).to_have_value(f"{evaluator.email}, ")
    pm.get_by_role("button", name="Assign the evaluators").click()
    expect(pm.get_by_role("alert")).to_contain_text("Choose at least one proposal.")
    expect(pm.get_by_role("combobox", name="Evaluators")).to_have_value(f"{evaluator.email}, ")
    audit.check(pm, "assignment with an error")
    pm.get_by_label("Alpha Analytics").check()
    pm.get_by_label("Beta Bureau").check()
    evaluators = pm.get_by_role("combobox", name="Evaluators")
    evaluators.press("End")
    evaluators.press_sequentially("inspector")
    pm.get_by_role("option", name=re.compile("Ivo Inspector")).click()
    expect(evaluators).to_have_value(f"{evaluator.email}, {inspector.email}, ")
    pm.get_by_role("button", name="Assign the evaluators").click()
    expect(pm.get_by_text("4 assignments made.")).to_be_visible()
    audit.check(pm, "board after assignment")

    scorer = signed_in(evaluator)
    scorer.goto("/challenges/evaluations/")
    audit.check(scorer, "my evaluations, declarations waiting")
    scorer.get_by_label("I have a conflict of interest with Beta Bureau").check()
    scorer.get_by_role("button", name="Send your declarations").click()
    expect(scorer.get_by_role("alert")).to_contain_text("Say whether you have a conflict of interest with Alpha")
    audit.check(scorer, "declarations with errors")
    scorer.get_by_label("I have no conflict of interest with Alpha Analytics").check()
    scorer.get_by_label("Describe the conflict").last.fill("I advised Beta Bureau last year.")
    scorer.get_by_role("button", name="Send your declarations").click()
    expect(scorer.get_by_text("Your declarations are recorded.")).to_be_visible()
    audit.check(scorer, "my evaluations after declaring")

    scorer.get_by_role("link", name="Score the proposal of Alpha Analytics").click()
    expect(scorer.get_by_text("Alpha Analytics would index every form by life event.")).to_be_visible()
    audit.check(scorer, "scoring form")
    criteria = list(challenge.criteria.all())
    scorer.get_by_role("group", name=f"Your score for “{criteria[0].name}”").get_by_label("4 — good").check()
    scorer.get_by_label(f"Your comment on “{criteria[0].name}”").fill("Reaches people who never call.")
    scorer.get_by_role("button", name="Submit evaluation").click()
    expect(scorer.get_by_role("alert")).to_be_visible()
    expect(scorer.get_by_label(f"Your comment on “{criteria[0].name}”")).to_have_value("Reaches people who never call.")
    audit.check(scorer, "scoring form with errors")
    scorer.get_by_role("group", name=f"Your score for “{criteria[1].name}”").get_by_label("3 — adequate").check()
    scorer.get_by_label(f"Your comment on “{criteria[1].name}”").fill("Cheap and proven.")
    scorer.get_by_role("button", name="Submit evaluation").click()
    expect(scorer.get_by_text("Your evaluation is submitted.")).to_be_visible()
    completed = Evaluation.objects.get(proposal=first, evaluator=evaluator)
    scorer.goto(f"/challenges/evaluations/{completed.pk}/")
    audit.check(scorer, "submitted evaluation, its evaluator")
    scorer.goto(f"/challenges/evaluations/{Evaluation.objects.get(evaluator=evaluator, status='recused').pk}/")
    expect(scorer.get_by_text("you are recused from this proposal")).to_be_visible()
    audit.check(scorer, "recused evaluation")

    pm.goto(board_url)
    expect(pm.get_by_text("1 of 2 evaluations done")).to_be_visible()
    audit.check(pm, "board during scoring")
    pm.goto(f"/challenges/evaluations/{completed.pk}/")
    audit.check(pm, "submitted evaluation, programme manager")
    pm.goto(f"/challenges/evaluations/{completed.pk}/reopen/")
    pm.get_by_role("button", name="Send it back").click()
    expect(pm.get_by_role("alert")).to_be_visible()
    audit.check(pm, "send back with an error")
    pm.get_by_label("What should the evaluator look at again?").fill("Say more about the cost.")
    pm.get_by_role("button", name="Send it back").click()
    expect(pm.get_by_text("The evaluation is sent back to Eva Evaluator")).to_be_visible()
    waiting = Evaluation.objects.filter(status="assigned").first()
    pm.goto(f"/challenges/evaluations/{waiting.pk}/unassign/")
    audit.check(pm, "remove an assignment")
    pm.get_by_role("button", name="Remove the assignment").click()
    expect(pm.get_by_text("no longer evaluates the proposal")).to_be_visible()

    owner = signed_in(challenge.author)
    owner.goto(board_url)
    audit.check(owner, "board, the challenge's author")

    audit.assert_clean()
