"""The outcome pages: the public body awards proposals or closes the challenge without award
and records the signed contract; the challenge page shows the outcome to everyone; a bidder
reads its feedback on its proposal once, and only once, the outcome is decided."""

from contextlib import ExitStack
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ponte.challenges.models import Award, Challenge, Contract, Evaluation, Proposal
from ponte.challenges.services import award as award_services
from ponte.challenges.services import evaluation as evaluation_services
from ponte.challenges.services import proposals as proposals_services
from ponte.challenges.services import review as review_services
from ponte.core.models import Notification
from ponte.core.roles import requires_two_factor
from tests.conftest import give_two_factor
from tests.factories import CompanyFactory, MembershipFactory, PublishedChallengeFactory, UserFactory

DEADLINE = timezone.make_aware(timezone.datetime(2031, 3, 14, 12, 0, 0))
AFTER = DEADLINE + timedelta(days=2)
TODAY = timezone.localdate(AFTER)

ROLES = [
    "visitor",
    "company_member",
    "bidder",
    "owner_member",
    "author",
    "owner_admin",
    "programme_manager",
    "evaluator",
]
DRAFTERS = {"author", "owner_admin"}
STAGES = ["before", "gate_closed", "gate_open", "awarded", "not_awarded", "cancelled"]

# What the evaluators write: (impact, feasibility) per evaluator and company. The weights are 60/40.
SCORES = {
    "Civic Data Labs": [
        ((4, "Reaches the people who need it most"), (3, "Tight for the price")),
        ((5, "Clear plan"), (4, "Sound team")),
    ],
    "Formlab": [((2, "Vague about the users"), (3, "Cheap and quick")), ((3, "Some reach"), (2, "Unclear hosting"))],
}
JUSTIFICATION = "Civic Data Labs ranked first on impact and stays within the budget."
REASON = "No proposal reached the people affected; we will rethink the problem with them."


def _content(challenge, price):
    return {
        "approach": "A life-event index of forms",
        "criteria_responses": {c.pk: f"We meet {c.name}" for c in challenge.criteria.all()},
        "team": "Two developers and a designer",
        "price": Decimal(price),
        "timeline": "Three months",
    }


def score_all(evaluators, assigned, challenge):
    """Each evaluator declares no conflict and completes their evaluations with SCORES."""
    first, second = challenge.criteria.all()
    for number, evaluator in enumerate(evaluators):
        for found in assigned:
            if found.evaluator_id != evaluator.pk:
                continue
            impact, feasibility = SCORES[found.proposal.company.name][number]
            evaluation_services.conflict_declare(actor=evaluator, evaluation=found, has_conflict=False)
            evaluation_services.evaluation_save(
                actor=evaluator, evaluation=found, scores={first.pk: impact, second.pk: feasibility}, complete=True
            )


def build(stage: str, stack: ExitStack) -> SimpleNamespace:
    """A challenge with two bidders, walked to `stage`, the clock left where the stage is."""
    clock = stack.enter_context(time_machine.travel(DEADLINE - timedelta(days=10), tick=False))
    challenge = PublishedChallengeFactory(title="Forms nobody finds", budget_ceiling=20000, deadline=DEADLINE)
    civic, formlab = CompanyFactory(name="Civic Data Labs"), CompanyFactory(name="Formlab")
    people = {
        "author": challenge.author,
        "owner_member": MembershipFactory(organisation=challenge.owner, user__name="Otto Colleague").user,
        "owner_admin": MembershipFactory(organisation=challenge.owner, role="admin", user__name="Ada Admin").user,
        "bidder": MembershipFactory(organisation=civic, user__name="Petra Proposer").user,
        "other_bidder": MembershipFactory(organisation=formlab, user__name="Fred Formlab").user,
        "company_member": MembershipFactory(organisation=CompanyFactory(name="Bystander Lda")).user,
        "programme_manager": UserFactory(name="Paula Manager", is_programme_manager=True),
        "evaluator": UserFactory(name="Eva Evaluator", is_evaluator=True),
        "second_evaluator": UserFactory(name="Sam Scorer", is_evaluator=True),
        "visitor": None,
    }
    clock.move_to(DEADLINE - timedelta(days=1))
    ours = proposals_services.proposal_submit(
        actor=people["bidder"], challenge=challenge, company=civic, **_content(challenge, "18500")
    )
    theirs = proposals_services.proposal_submit(
        actor=people["other_bidder"], challenge=challenge, company=formlab, **_content(challenge, "9000")
    )
    world = SimpleNamespace(challenge=challenge, people=people, ours=ours, theirs=theirs, clock=clock, stage=stage)
    if stage == "before":
        return world
    clock.move_to(AFTER)
    evaluators = [people["evaluator"], people["second_evaluator"]]
    evaluation_services.evaluators_assign(
        actor=people["programme_manager"], challenge=challenge, proposals=[ours, theirs], evaluators=evaluators
    )
    assigned = list(Evaluation.objects.filter(proposal__challenge=challenge).select_related("proposal__company"))
    if stage == "cancelled":
        review_services.challenge_cancel(actor=people["owner_admin"], challenge=challenge, reason="The law changed.")
    elif stage == "gate_closed":
        score_all(evaluators[:1], assigned, challenge)
    else:
        score_all(evaluators, assigned, challenge)
        if stage == "awarded":
            award_services.challenge_award(
                actor=people["author"], challenge=challenge, proposals=[ours], justification=JUSTIFICATION
            )
        elif stage == "not_awarded":
            award_services.challenge_close_without_award(actor=people["author"], challenge=challenge, reason=REASON)
    challenge.refresh_from_db()
    return world


@pytest.fixture
def world(db):
    with ExitStack() as stack:
        yield lambda stage: build(stage, stack)


def sign_in(client, user):
    if user is None:
        client.logout()
        return client
    if requires_two_factor(user):
        give_two_factor(user)
    client.force_login(user)
    return client


def text_of(response):
    return response.content.decode()


# The award and close pages: role × stage ---------------------------------------------


def expected_outcome_page(role, stage):
    """What each person meets on the award and close-without-award pages."""
    if role == "visitor":
        return "sign in"
    if role not in DRAFTERS:
        return 403
    return {
        "before": "back: not yet",
        "gate_closed": "reasons",
        "gate_open": "form",
        "awarded": "back: decided",
        "not_awarded": "back: decided",
        "cancelled": "back: cancelled",
    }[stage]


@pytest.mark.parametrize("page", ["award", "close_without_award"])
@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("role", ROLES)
def test_who_meets_what_on_the_outcome_pages(client, world, page, stage, role):
    w = world(stage)
    url = f"/challenges/{w.challenge.pk}/{'award' if page == 'award' else 'close-without-award'}/"
    sign_in(client, w.people[role])
    response = client.get(url, follow=False)
    expected = expected_outcome_page(role, stage)
    if expected == "sign in":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    elif expected == 403:
        assert response.status_code == 403
    elif expected.startswith("back"):
        assert response.status_code == 302 and response["Location"] == w.challenge.get_absolute_url()
        shown = text_of(client.get(response["Location"]))
        message = {
            "back: not yet": "The outcome is decided after the deadline for proposals",
            "back: decided": "The outcome of this challenge is already decided.",
            "back: cancelled": "This cannot be done while the challenge is “Cancelled”.",
        }[expected]
        assert message in shown
    elif expected == "reasons":
        shown = text_of(response)
        assert response.status_code == 200
        assert "The outcome cannot be decided yet" in shown
        assert "2 assigned evaluations are not complete yet." in shown
        assert 'name="justification"' not in shown and 'name="reason"' not in shown
        assert f"/challenges/{w.challenge.pk}/evaluation/" in shown
    else:
        shown = text_of(response)
        assert response.status_code == 200
        if page == "award":
            assert shown.count('type="checkbox" name="proposals"') == 2
            assert "Award</button>" in shown and 'name="justification"' in shown
            assert "EUR 20,000 excluding VAT" in shown
            # Ranked: Civic Data Labs (4.10) before Formlab (2.50).
            assert shown.index("Civic Data Labs") < shown.index("Formlab")
            assert "4.10 out of 5" in shown and "2.50 out of 5" in shown
            assert f"/challenges/{w.challenge.pk}/close-without-award/" in shown
        else:
            assert 'name="reason"' in shown and "Close without award</button>" in shown
    assert not Award.objects.exists() or stage == "awarded"


def test_a_post_by_someone_who_may_not_decide_changes_nothing(client, world):
    w = world("gate_open")
    for role in ("owner_member", "programme_manager", "bidder", "evaluator"):
        sign_in(client, w.people[role])
        url = f"/challenges/{w.challenge.pk}/award/"
        assert client.post(url, {"proposals": [w.ours.pk], "justification": "Me"}).status_code == 403
        url = f"/challenges/{w.challenge.pk}/close-without-award/"
        assert client.post(url, {"reason": "Me"}).status_code == 403
    w.challenge.refresh_from_db()
    assert w.challenge.status == "published" and not Award.objects.exists()


def test_an_unknown_challenge_is_not_found(client, world):
    w = world("gate_open")
    sign_in(client, w.people["author"])
    assert client.get("/challenges/999999/award/").status_code == 404
    assert client.get("/challenges/999999/close-without-award/").status_code == 404
    assert client.get("/challenges/awards/999999/contract/").status_code == 404


# Awarding: bad input keeps what was typed ---------------------------------------------


def post_award(client, w, **data):
    return client.post(f"/challenges/{w.challenge.pk}/award/", data)


def checked(shown, proposal):
    """Whether the proposal's checkbox comes back ticked."""
    for tag in shown.split("<input")[1:]:
        tag = tag.split(">")[0]
        if 'name="proposals"' in tag and f'value="{proposal.pk}"' in tag:
            return " checked" in tag
    raise AssertionError(f"no checkbox for proposal {proposal.pk}")


def test_over_the_budget_the_choice_and_the_justification_come_back(client, world):
    w = world("gate_open")
    sign_in(client, w.people["author"])
    response = post_award(client, w, proposals=[w.ours.pk, w.theirs.pk], justification="Both, to compare them.")
    shown = text_of(response)
    assert response.status_code == 200
    assert "There is a problem" in shown
    assert "cost EUR 27,500 in total, above the budget ceiling of EUR 20,000" in shown
    assert checked(shown, w.ours) and checked(shown, w.theirs)
    assert "Both, to compare them." in shown
    w.challenge.refresh_from_db()
    assert w.challenge.status == "published" and not Award.objects.exists()


def test_nothing_chosen_and_no_justification_are_both_named(client, world):
    w = world("gate_open")
    sign_in(client, w.people["owner_admin"])
    shown = text_of(post_award(client, w, justification="   "))
    assert "Choose at least one proposal to award." in shown
    assert "Explain why these proposals are awarded." in shown
    assert 'href="#id_proposals_0"' in shown and 'href="#id_justification"' in shown
    assert not checked(shown, w.ours) and not checked(shown, w.theirs)
    assert not Award.objects.exists()


def test_a_justification_missing_keeps_the_choice(client, world):
    w = world("gate_open")
    sign_in(client, w.people["author"])
    shown = text_of(post_award(client, w, proposals=[w.theirs.pk], justification=""))
    assert "Explain why these proposals are awarded." in shown
    assert checked(shown, w.theirs) and not checked(shown, w.ours)
    assert not Award.objects.exists()


@pytest.mark.parametrize("value", ["999999", "abc", "", "1\x00"])
def test_a_proposal_not_on_the_list_is_refused_without_a_crash(client, world, value):
    w = world("gate_open")
    sign_in(client, w.people["author"])
    response = post_award(client, w, proposals=[value], justification="Typed reasons")
    assert response.status_code == 200
    shown = text_of(response)
    assert "Choose proposals from the list." in shown or "Choose at least one proposal to award." in shown
    assert "Typed reasons" in shown
    assert not Award.objects.exists()


def test_a_justification_with_a_null_character_is_refused_clearly(client, world):
    w = world("gate_open")
    sign_in(client, w.people["author"])
    response = post_award(client, w, proposals=[w.ours.pk], justification="Good\x00one")
    assert response.status_code == 200 and "There is a problem" in text_of(response)
    assert not Award.objects.exists()


def test_checking_the_total_decides_nothing(client, world):
    w = world("gate_open")
    sign_in(client, w.people["author"])
    over = text_of(post_award(client, w, proposals=[w.ours.pk, w.theirs.pk], justification="Draft", check="1"))
    assert "cost EUR 27,500.00 in total, above the budget ceiling of EUR 20,000" in over
    assert checked(over, w.ours) and checked(over, w.theirs) and "Draft" in over
    within = text_of(post_award(client, w, proposals=[w.ours.pk], justification="Draft", check="1"))
    assert "cost EUR 18,500.00 in total: within the budget ceiling." in within
    none = text_of(post_award(client, w, justification="Draft", check="1"))
    assert "Choose at least one proposal to award." in none
    w.challenge.refresh_from_db()
    assert w.challenge.status == "published" and not Award.objects.exists()


def test_the_author_awards_and_everyone_reads_the_outcome(client, world):
    w = world("gate_open")
    sign_in(client, w.people["author"])
    response = post_award(client, w, proposals=[w.ours.pk], justification=JUSTIFICATION)
    assert response.status_code == 302
    assert response["Location"] == w.challenge.get_absolute_url() + "#outcome"
    shown = text_of(client.get(response["Location"]))
    assert "The challenge is awarded to Civic Data Labs. Every bidder is told the outcome." in shown
    [made] = Award.objects.all()
    assert made.proposal == w.ours and made.value == Decimal("18500")
    w.challenge.refresh_from_db()
    assert w.challenge.status == "awarded" and w.challenge.outcome_justification == JUSTIFICATION
    # Each bidder hears its own outcome; the page is no longer offered.
    kinds = dict(
        Notification.objects.filter(
            kind__in=["challenges.proposal_awarded", "challenges.proposal_not_awarded"]
        ).values_list("recipient_id", "kind")
    )
    assert kinds == {
        w.people["bidder"].pk: "challenges.proposal_awarded",
        w.people["other_bidder"].pk: "challenges.proposal_not_awarded",
    }
    again = client.get(f"/challenges/{w.challenge.pk}/award/")
    assert again.status_code == 302


def test_an_evaluation_sent_back_before_the_click_shows_the_gate_and_the_typed_text(client, world):
    w = world("gate_open")
    sign_in(client, w.people["author"])
    assert client.get(f"/challenges/{w.challenge.pk}/award/").status_code == 200
    completed = w.ours.evaluations.first()
    evaluation_services.evaluation_reopen(
        actor=w.people["programme_manager"], evaluation=completed, reason="Look again"
    )
    response = post_award(client, w, proposals=[w.ours.pk], justification="My careful reasons")
    shown = text_of(response)
    assert response.status_code == 200
    assert "1 assigned evaluation is not complete yet." in shown and "My careful reasons" in shown
    assert not Award.objects.exists()


# Closing without award ---------------------------------------------------------------


def test_closing_without_award_needs_a_reason_and_then_is_public(client, world):
    w = world("gate_open")
    sign_in(client, w.people["owner_admin"])
    url = f"/challenges/{w.challenge.pk}/close-without-award/"
    refused = client.post(url, {"reason": "   "})
    shown = text_of(refused)
    assert refused.status_code == 200
    assert "There is a problem" in shown and "Explain why no proposal is awarded." in shown
    w.challenge.refresh_from_db()
    assert w.challenge.status == "published"
    done = client.post(url, {"reason": REASON})
    assert done.status_code == 302 and done["Location"] == w.challenge.get_absolute_url() + "#outcome"
    w.challenge.refresh_from_db()
    assert w.challenge.status == "not_awarded" and w.challenge.outcome_justification == REASON
    client.logout()
    public = text_of(client.get(w.challenge.get_absolute_url()))
    assert "Closed without award" in public and REASON in public
    assert "Closed without award on 16 March 2031." in public


# Cancelling after the deadline ---------------------------------------------------------


def test_the_owner_admin_cancels_in_evaluation_and_every_bidder_hears_of_it(client, world):
    w = world("gate_closed")
    sign_in(client, w.people["owner_admin"])
    page = text_of(client.get(w.challenge.get_absolute_url()))
    assert f"/challenges/{w.challenge.pk}/cancel/" in page
    response = client.post(f"/challenges/{w.challenge.pk}/cancel/", {"reason": "The law changed."})
    assert response.status_code == 302
    w.challenge.refresh_from_db()
    assert w.challenge.status == "cancelled"
    told = set(Notification.objects.filter(kind="challenges.cancelled").values_list("recipient_id", flat=True))
    assert {w.people["bidder"].pk, w.people["other_bidder"].pk} <= told
    assert w.people["company_member"].pk not in told
    # Cancelled, the outcome is no longer decided, and no feedback is given.
    sign_in(client, w.people["author"])
    assert client.get(f"/challenges/{w.challenge.pk}/award/").status_code == 302
    assert 'id="feedback"' not in text_of(proposal_page(client, w, "bidder"))


# The signed contract -----------------------------------------------------------------


def contract_url(w):
    return f"/challenges/awards/{Award.objects.get().pk}/contract/"


def contract_data(**overrides):
    data = {
        "title": "Pilot of the life-event form index",
        "value": "18000",
        "date_signed": TODAY.isoformat(),
        "period_start": (TODAY + timedelta(days=14)).isoformat(),
        "period_end": (TODAY + timedelta(days=120)).isoformat(),
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ROLES)
def test_who_may_record_the_contract(client, world, role):
    w = world("awarded")
    sign_in(client, w.people[role])
    response = client.get(contract_url(w))
    if role == "visitor":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    elif role in DRAFTERS:
        shown = text_of(response)
        assert response.status_code == 200
        assert 'value="Forms nobody finds"' in shown and 'value="18500.00"' in shown  # prefilled
        assert shown.count('type="date"') == 3
    else:
        assert response.status_code == 403
        assert client.post(contract_url(w), contract_data()).status_code == 403
    assert not Contract.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"date_signed": (TODAY + timedelta(days=1)).isoformat()}, "date_signed", "cannot be in the future"),
        ({"date_signed": (TODAY - timedelta(days=5)).isoformat()}, "date_signed", "signed before the award"),
        (
            {"period_start": "2031-06-01", "period_end": "2031-05-01"},
            "period_end",
            "The contract cannot end before it starts.",
        ),
        ({"value": "20000.01"}, "value", "budget ceiling of EUR 20,000"),
        ({"value": "abc"}, "value", "Give the value in euros excluding VAT"),
        ({"value": "-5"}, "value", "Give the value in euros excluding VAT"),
        ({"date_signed": "31/02/2031"}, "date_signed", "Give a date such as 2027-03-31."),
        ({"title": ""}, "title", "Give the contract a title."),
        ({"period_end": ""}, "period_end", "Give the date the contract ends."),
    ],
)
def test_a_wrong_contract_is_refused_beside_its_field_and_nothing_is_lost(client, world, overrides, field, message):
    w = world("awarded")
    sign_in(client, w.people["author"])
    data = contract_data(**overrides)
    response = client.post(contract_url(w), data)
    shown = text_of(response)
    assert response.status_code == 200
    assert "There is a problem" in shown and message in shown
    assert f'href="#id_{field}"' in shown
    for name, value in data.items():
        if value:
            assert f'value="{value}"' in shown, name
    assert not Contract.objects.exists()


def test_the_contract_is_recorded_once_and_shown_to_everyone(client, world):
    w = world("awarded")
    sign_in(client, w.people["owner_admin"])
    response = client.post(contract_url(w), contract_data())
    assert response.status_code == 302 and response["Location"].endswith("#outcome")
    contract = Contract.objects.get()
    assert contract.value == Decimal("18000") and contract.date_signed == TODAY
    assert contract.recorded_by == w.people["owner_admin"]
    again = client.get(contract_url(w))
    assert again.status_code == 302
    assert "already recorded" in text_of(client.get(again["Location"]))
    client.logout()
    public = text_of(client.get(w.challenge.get_absolute_url()))
    assert "Pilot of the life-event form index" in public
    assert "EUR 18,000.00 excluding VAT, signed on 16 March 2031" in public
    assert "From 30 March 2031 to 14 July 2031" in public
    assert "Record the signed contract" not in public


# The challenge page ------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_everyone_reads_the_public_outcome_of_an_awarded_challenge(client, world, role):
    w = world("awarded")
    sign_in(client, w.people[role])
    shown = text_of(client.get(w.challenge.get_absolute_url()))
    assert 'id="outcome"' in shown
    assert '<span class="tag tag--green">Awarded</span>' in shown
    assert "Awarded on 16 March 2031." in shown
    assert "Civic Data Labs" in shown and "18,500.00" in shown
    assert JUSTIFICATION in shown and "Not recorded yet" in shown
    assert ("Record the signed contract" in shown) == (role in DRAFTERS)
    # A proposal not awarded is not named in the outcome, nor its price.
    assert "9,000" not in shown


def links_on_the_page(client, w, role):
    sign_in(client, w.people[role])
    shown = text_of(client.get(w.challenge.get_absolute_url()))
    return {
        "board": f"/challenges/{w.challenge.pk}/evaluation/" in shown,
        "decide": f"/challenges/{w.challenge.pk}/award/" in shown,
        "cancel": f"/challenges/{w.challenge.pk}/cancel/" in shown,
    }


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("role", ROLES)
def test_the_challenge_page_links_to_the_board_the_decision_and_cancelling(client, world, role, stage):
    w = world(stage)
    links = links_on_the_page(client, w, role)
    after = stage != "before"
    in_evaluation = stage in ("gate_closed", "gate_open")
    assert links["board"] == (after and role in ("author", "owner_admin", "programme_manager"))
    assert links["decide"] == (in_evaluation and role in DRAFTERS)
    assert links["cancel"] == (
        stage in ("before", "gate_closed", "gate_open") and role in ("owner_admin", "programme_manager")
    )


def test_the_state_of_a_challenge_closed_without_award_is_named(client, world):
    w = world("not_awarded")
    shown = text_of(client.get(w.challenge.get_absolute_url()))
    assert '<span class="tag tag--grey">Closed without award</span>' in shown
    assert "Why no proposal is awarded" in shown and REASON in shown
    assert "Civic Data Labs" not in shown  # no supplier, and bidders stay unnamed on the page


def test_my_challenges_lists_the_published_ones_with_their_state(client, world):
    w = world("awarded")
    sign_in(client, w.people["owner_member"])
    shown = text_of(client.get("/challenges/mine/"))
    assert "Published challenges of your public bodies" in shown
    assert w.challenge.title in shown and '<span class="tag tag--green">Awarded</span>' in shown
    sign_in(client, w.people["bidder"])
    assert w.challenge.title not in text_of(client.get("/challenges/mine/"))


def test_my_challenges_names_a_challenge_closed_without_award(client, world):
    w = world("not_awarded")
    sign_in(client, w.people["author"])
    shown = text_of(client.get("/challenges/mine/"))
    assert '<span class="tag tag--grey">Closed without award</span>' in shown


# Feedback on the proposal page -------------------------------------------------------


def proposal_page(client, w, role, proposal=None):
    sign_in(client, w.people[role])
    return client.get((proposal or w.ours).get_absolute_url())


@pytest.mark.parametrize("stage", ["before", "gate_closed", "gate_open", "cancelled"])
def test_before_the_outcome_the_bidder_reads_no_score_nor_comment(client, world, stage):
    w = world(stage)
    response = proposal_page(client, w, "bidder")
    shown = text_of(response)
    assert response.status_code == 200
    assert 'id="feedback"' not in shown and "Feedback" not in shown
    for pairs in SCORES["Civic Data Labs"]:
        for _score, comment in pairs:
            assert comment not in shown
    assert "out of 5" not in shown and "Evaluator 1" not in shown


def test_the_awarded_bidder_reads_its_feedback(client, world):
    w = world("awarded")
    shown = text_of(proposal_page(client, w, "bidder"))
    assert 'id="feedback"' in shown
    assert "Your company&#x27;s proposal is awarded." in shown or "Your company's proposal is awarded." in shown
    assert JUSTIFICATION in shown
    assert "Weighted total: 4.10 out of 5" in shown
    assert "4.50" in shown and "3.50" in shown  # the mean per criterion
    assert "Evaluator 1: 4 — Reaches the people who need it most" in shown
    assert "Evaluator 2: 5 — Clear plan" in shown
    assert "Evaluator 1: 3 — Tight for the price" in shown
    assert "Eva Evaluator" not in shown and "Sam Scorer" not in shown
    # Not the other company's feedback.
    assert "Vague about the users" not in shown


def test_the_bidder_not_awarded_reads_its_own_feedback_only(client, world):
    w = world("awarded")
    shown = text_of(proposal_page(client, w, "other_bidder", w.theirs))
    assert "Not awarded" in shown and "not awarded." in shown
    assert "Weighted total: 2.50 out of 5" in shown
    assert "Evaluator 1: 2 — Vague about the users" in shown
    assert "Reaches the people who need it most" not in shown
    assert proposal_page(client, w, "other_bidder", w.ours).status_code == 404


def test_after_closing_without_award_every_bidder_reads_the_reason(client, world):
    w = world("not_awarded")
    for role, proposal in (("bidder", w.ours), ("other_bidder", w.theirs)):
        shown = text_of(proposal_page(client, w, role, proposal))
        assert "The challenge was closed without award." in shown and REASON in shown
        assert "Weighted total:" in shown


@pytest.mark.parametrize("role", ["author", "owner_admin", "programme_manager"])
def test_the_public_body_and_programme_managers_get_no_feedback_block(client, world, role):
    w = world("awarded")
    response = proposal_page(client, w, role)
    shown = text_of(response)
    assert response.status_code == 200 and "A life-event index of forms" in shown
    assert 'id="feedback"' not in shown and "Evaluator 1:" not in shown


# Query counts ------------------------------------------------------------------------


def awarded_to(n: int) -> Challenge:
    """A challenge awarded to n companies, each with a signed contract, written straight to
    the database: the services' rules are tested elsewhere, here only the page's reads."""
    challenge = PublishedChallengeFactory(
        budget_ceiling=None,
        deadline=timezone.now() - timedelta(days=10),
        status="awarded",
        awarded_at=timezone.now(),
        outcome_justification="The best ones.",
    )
    for _ in range(n):
        company = CompanyFactory()
        proposal = Proposal.objects.create(
            challenge=challenge,
            company=company,
            submitted_by=MembershipFactory(organisation=company).user,
            approach="A",
            team="T",
            price=Decimal("1000"),
            timeline="Soon",
        )
        made = Award.objects.create(challenge=challenge, proposal=proposal, supplier=company, value=Decimal("1000"))
        Contract.objects.create(
            award=made,
            title="Pilot",
            value=Decimal("1000"),
            date_signed=timezone.localdate(),
            period_start=timezone.localdate(),
            period_end=timezone.localdate() + timedelta(days=90),
            recorded_by=challenge.author,
        )
    return challenge


def queries_of(client, url):
    client.get(url)  # warm the per-process caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response, [query["sql"] for query in captured.captured_queries]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["visitor", "author", "bidder"])
def test_the_challenge_page_does_not_grow_with_the_awards(client, who):
    small_one, large_one = awarded_to(1), awarded_to(10)

    def person(challenge):
        if who == "author":
            return challenge.author
        if who == "bidder":
            return MembershipFactory(organisation=challenge.awards.first().supplier).user
        return None

    sign_in(client, person(small_one))
    _response, small = queries_of(client, small_one.get_absolute_url())
    sign_in(client, person(large_one))
    response, large = queries_of(client, large_one.get_absolute_url())
    assert text_of(response).count("Pilot") == 10
    assert len(small) == len(large), "\n".join(["with 1:", *small, "", "with 10:", *large])
