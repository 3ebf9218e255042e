"""The evaluation pages in the browser's terms: the board of a closed challenge (progress,
scores, ranking, the pending filter, the award gate and the programme manager's bulk
assignment), an evaluator's assignments with their declarations of conflict of interest,
one evaluation with its scoring form, and sending back or removing an assignment. Each
for every role concerned and each state of the challenge, with bad input answered on the
page, nothing typed lost, and the board's query count independent of its size."""

import re
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ponte.challenges.models import Evaluation, EvaluationStatus, Proposal, Score
from ponte.challenges.services import award as award_services
from ponte.challenges.services import evaluation as evaluation_services
from ponte.challenges.services import proposals as proposals_services
from ponte.challenges.services import review as review_services
from ponte.core.models import Notification
from ponte.core.roles import requires_two_factor
from tests.conftest import give_two_factor
from tests.factories import (
    ChallengeFactory,
    CompanyFactory,
    MembershipFactory,
    OrganisationFactory,
    PublishedChallengeFactory,
    UserFactory,
)

DEADLINE = timezone.make_aware(timezone.datetime(2031, 3, 14, 12, 0, 0))


# The world ------------------------------------------------------------------------------


def submit(challenge, company, price, approach="A single index of forms, by life event"):
    """A company's proposal, sent through the service before the deadline."""
    proposer = MembershipFactory(organisation=company).user
    return proposals_services.proposal_submit(
        actor=proposer,
        challenge=challenge,
        company=company,
        approach=approach,
        criteria_responses={c.pk: f"Our answer on {c.name.lower()}" for c in challenge.criteria.all()},
        team="Two developers and a designer",
        price=Decimal(price),
        timeline="Three months",
    )


@pytest.fixture
def world(db, programme_manager):
    """A published challenge of a public body, weighted 60/40, with proposals from two
    companies sent before its deadline, and the people around it."""
    with time_machine.travel(DEADLINE - timedelta(days=10), tick=False):
        owner = OrganisationFactory(name="Agency for Modernisation")
        author = MembershipFactory(organisation=owner, user__name="Ana Author").user
        challenge = PublishedChallengeFactory(
            owner=owner, author=author, deadline=DEADLINE, budget_ceiling=Decimal("40000")
        )
        alpha = CompanyFactory(name="Alpha Analytics")
        beta = CompanyFactory(name="Beta Bureau")
        first = submit(challenge, alpha, "12000", approach="Alpha's approach: a guided search")
        second = submit(challenge, beta, "15000", approach="Beta's approach: a chatbot")
    impact, feasibility = challenge.criteria.all()
    return SimpleNamespace(
        challenge=challenge,
        impact=impact,
        feasibility=feasibility,
        author=author,
        owner_admin=MembershipFactory(organisation=owner, role="admin", user__name="Olga Admin").user,
        owner_member=MembershipFactory(organisation=owner, user__name="Manuel Member").user,
        alpha=alpha,
        beta=beta,
        first=first,
        second=second,
        bidder=MembershipFactory(organisation=alpha, user__name="Petra Proposer").user,
        pm=programme_manager,
        eva=UserFactory(name="Eva Evaluator", is_evaluator=True),
        ivo=UserFactory(name="Ivo Inspector", is_evaluator=True),
        idle=UserFactory(name="Ida Idle", is_evaluator=True),
    )


@pytest.fixture
def before(world):
    """The day before the deadline: proposals are sealed."""
    with time_machine.travel(DEADLINE - timedelta(days=1), tick=False):
        yield world


@pytest.fixture
def closed(world):
    """A day after the deadline: the challenge is in evaluation."""
    with time_machine.travel(DEADLINE + timedelta(days=1), tick=False):
        yield world


@pytest.fixture
def login(client):
    def sign_in(user):
        client.logout()
        if user is None:
            return client
        if requires_two_factor(user):
            give_two_factor(user)
        client.force_login(user)
        return client

    return sign_in


def person(w, role):
    """The people of the role × page matrix; None is a visitor."""
    return {
        "visitor": None,
        "citizen": None if role != "citizen" else UserFactory(name="Carla Citizen"),
        "bidder": w.bidder,
        "owner_member": w.owner_member,
        "author": w.author,
        "owner_admin": w.owner_admin,
        "programme_manager": w.pm,
        "evaluator_assigned": w.eva,
        "evaluator_not_assigned": w.idle,
        "evaluator_recused": w.ivo,
    }[role]


def assign(w, proposals_, evaluators):
    return evaluation_services.evaluators_assign(
        actor=w.pm, challenge=w.challenge, proposals=proposals_, evaluators=evaluators
    )


def evaluation_of(proposal, evaluator) -> Evaluation:
    return Evaluation.objects.exclude(status=EvaluationStatus.REMOVED).get(proposal=proposal, evaluator=evaluator)


def clear(w, evaluator, proposal) -> Evaluation:
    found = evaluation_of(proposal, evaluator)
    evaluation_services.conflict_declare(actor=evaluator, evaluation=found, has_conflict=False)
    return evaluation_of(proposal, evaluator)


def recuse(w, evaluator, proposal) -> Evaluation:
    found = evaluation_of(proposal, evaluator)
    evaluation_services.conflict_declare(
        actor=evaluator, evaluation=found, has_conflict=True, note="I advised this company"
    )
    return evaluation_of(proposal, evaluator)


def complete(w, evaluator, proposal, impact=4, feasibility=3) -> Evaluation:
    """Clear (if needed) and submit: the first criterion scored `impact`, the second `feasibility`."""
    found = evaluation_of(proposal, evaluator)
    if found.status == EvaluationStatus.ASSIGNED:
        found = clear(w, evaluator, proposal)
    first, second = proposal.challenge.criteria.all()
    evaluation_services.evaluation_save(
        actor=evaluator,
        evaluation=found,
        scores={
            first.pk: (impact, f"{evaluator.name} on impact"),
            second.pk: (feasibility, f"{evaluator.name} on feasibility"),
        },
        complete=True,
    )
    return evaluation_of(proposal, evaluator)


def board(w, query=""):
    return f"/challenges/{w.challenge.pk}/evaluation/{query}"


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def errors_of(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def text_of(response) -> str:
    return response.content.decode()


def checked(page: str, name: str, value) -> bool:
    """Whether the page's checkbox or radio button `name` = `value` comes checked."""
    [tag] = re.findall(rf'<input[^>]*name="{name}" value="{value}"[^>]*>', page)
    return " checked" in tag


# The board: who may read it, and when ----------------------------------------------------


@pytest.mark.parametrize(
    "role, expected",
    [
        ("citizen", 403),
        ("bidder", 403),
        ("owner_member", 403),
        ("author", 403),
        ("owner_admin", 403),
        ("programme_manager", 403),
        ("evaluator_not_assigned", 403),
    ],
)
def test_before_the_deadline_nobody_reads_the_board(login, before, role, expected):
    response = login(person(before, role)).get(board(before))
    assert response.status_code == expected
    assert b"Alpha Analytics" not in response.content


def test_before_the_deadline_a_programme_manager_cannot_assign(login, before):
    response = login(before.pm).post(board(before), {"proposals": [before.first.pk], "evaluators": before.eva.email})
    assert response.status_code == 403
    assert not Evaluation.objects.exists()


def test_a_visitor_is_asked_to_sign_in(login, closed):
    response = login(None).get(board(closed))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_challenge_one_may_not_see_has_no_board(login, closed):
    draft = ChallengeFactory()
    assert login(UserFactory()).get(f"/challenges/{draft.pk}/evaluation/").status_code == 404
    assert login(closed.pm).get("/challenges/999999/evaluation/").status_code == 404


@pytest.mark.parametrize(
    "role, expected, can_assign",
    [
        ("citizen", 403, False),
        ("bidder", 403, False),
        ("owner_member", 403, False),
        ("author", 200, False),
        ("owner_admin", 200, False),
        ("programme_manager", 200, True),
        ("evaluator_assigned", 403, False),
        ("evaluator_not_assigned", 403, False),
    ],
)
def test_after_the_deadline_the_public_body_and_programme_managers_read_the_board(
    login, closed, role, expected, can_assign
):
    assign(closed, [closed.first], [closed.eva])
    response = login(person(closed, role)).get(board(closed))
    assert response.status_code == expected
    if expected == 200:
        assert "Alpha Analytics" in text_of(response) and "Beta Bureau" in text_of(response)
        assert ('name="evaluators"' in text_of(response)) is can_assign
        # Removing an assignment is for programme managers only.
        assert ("/unassign/" in text_of(response)) is can_assign


# The board: what it shows -----------------------------------------------------------------


def test_the_board_shows_progress_scores_rank_and_why_the_outcome_waits(login, closed):
    assign(closed, [closed.first, closed.second], [closed.eva])
    assign(closed, [closed.first], [closed.ivo])
    complete(closed, closed.eva, closed.first, impact=4, feasibility=3)  # 4 × 60% + 3 × 40% = 3.60
    complete(closed, closed.eva, closed.second, impact=5, feasibility=5)
    clear(closed, closed.ivo, closed.first)
    response = login(closed.author).get(board(closed))
    page = text_of(response)
    assert "1 of 2 evaluations done" in page
    assert "1 of 1 evaluation done" in page
    assert "3.60 out of 5" in page and "5.00 out of 5" in page
    # Best first: Beta ranks first, Alpha second.
    assert page.index("Beta Bureau") < page.index("Alpha Analytics")
    lines = response.context["lines"]
    assert [(line.row.proposal.company.name, line.row.rank) for line in lines] == [
        ("Beta Bureau", 1),
        ("Alpha Analytics", 2),
    ]
    assert "The outcome cannot be decided yet" in page
    assert "1 assigned evaluation is not complete yet." in page
    # The evaluators and their states, named on the board.
    assert "Ivo Inspector" in page and "Scoring" in page and "Completed" in page
    # The gate is closed: the owner has no way to the award page.
    assert f"/challenges/{closed.challenge.pk}/award/" not in page


def test_a_proposal_without_evaluator_says_so(login, closed):
    response = login(closed.pm).get(board(closed))
    assert text_of(response).count("No evaluator assigned") == 2
    assert "2 proposals have no completed evaluation." in text_of(response)


def test_the_pending_filter_keeps_proposals_with_evaluations_to_do(login, closed):
    assign(closed, [closed.first, closed.second], [closed.eva])
    complete(closed, closed.eva, closed.second)
    client = login(closed.pm)
    everything = client.get(board(closed))
    assert [line.row.proposal for line in everything.context["lines"]] == [closed.second, closed.first]
    pending = client.get(board(closed, "?pending=1"))
    assert [line.row.proposal for line in pending.context["lines"]] == [closed.first]
    assert 'name="pending" value="1" id="id_pending" checked' in text_of(pending)
    assert "Proposals with evaluations pending" in text_of(pending)
    # The assignment form offers the proposals shown, and every standing proposal at once.
    assert f'name="proposals" value="{closed.second.pk}"' not in text_of(pending)
    assert checked(text_of(pending), "proposals", closed.first.pk)
    assert "All 2 standing proposals, not only those on this page" in text_of(pending)
    complete(closed, closed.eva, closed.first)
    none_left = client.get(board(closed, "?pending=1"))
    assert none_left.context["lines"] == [] and "No proposal has evaluations pending." in text_of(none_left)


def test_once_every_evaluation_is_complete_the_drafter_is_offered_the_award_page(login, closed):
    assign(closed, [closed.first, closed.second], [closed.eva])
    complete(closed, closed.eva, closed.first)
    complete(closed, closed.eva, closed.second)
    award_url = f"/challenges/{closed.challenge.pk}/award/"
    for drafter in (closed.author, closed.owner_admin):
        page = text_of(login(drafter).get(board(closed)))
        assert "Every evaluation is complete" in page and award_url in page
    # A programme manager follows the evaluation but does not decide the outcome.
    page = text_of(login(closed.pm).get(board(closed)))
    assert "Every evaluation is complete" in page and award_url not in page


def test_after_the_outcome_the_board_is_final_and_takes_no_assignment(login, closed):
    assign(closed, [closed.first, closed.second], [closed.eva])
    complete(closed, closed.eva, closed.first)
    complete(closed, closed.eva, closed.second)
    award_services.challenge_award(
        actor=closed.author, challenge=closed.challenge, proposals=[closed.first], justification="Best value"
    )
    client = login(closed.pm)
    response = client.get(board(closed))
    assert response.status_code == 200
    page = text_of(response)
    assert "The outcome is decided" in page and "This evaluation is final." in page
    assert 'name="evaluators"' not in page and "/reopen/" not in page and "Deciding the outcome" not in page
    posted = client.post(board(closed), {"proposals": [closed.first.pk], "evaluators": closed.ivo.email})
    assert posted.status_code == 302
    assert "can no longer be assigned" in messages_of(posted)[0]
    assert not Evaluation.objects.filter(evaluator=closed.ivo).exists()


def test_a_cancelled_challenge_keeps_its_board_read_only(login, closed):
    assign(closed, [closed.first], [closed.eva])
    review_services.challenge_cancel(actor=closed.pm, challenge=closed.challenge, reason="The law changed")
    response = login(closed.pm).get(board(closed))
    assert response.status_code == 200
    page = text_of(response)
    assert "This challenge was cancelled" in page and "Eva Evaluator" in page
    assert 'name="evaluators"' not in page and "/unassign/" not in page and "Deciding the outcome" not in page


def test_the_proposal_list_leads_to_the_board(login, closed):
    page = text_of(login(closed.author).get(f"/challenges/{closed.challenge.pk}/proposals/"))
    assert board(closed) in page


# The board: assigning evaluators ----------------------------------------------------------


def test_the_form_offers_the_proposals_of_the_page_checked_and_finds_evaluators_by_name(login, closed):
    UserFactory(name="Retired Reviewer", is_evaluator=True, is_active=False)
    page = text_of(login(closed.pm).get(board(closed)))
    for proposal in (closed.first, closed.second):
        assert f'name="proposals" value="{proposal.pk}"' in page
    assert page.count('name="proposals"') == page.count('name="proposals" value') == 2
    assert checked(page, "proposals", closed.first.pk) and checked(page, "proposals", closed.second.pk)
    # Every proposal is on the page: there is no "every standing proposal" to offer.
    assert 'name="every_proposal"' not in page
    # The pool is never listed: the field finds evaluators as one types.
    [field] = re.findall(r'<input[^>]*name="evaluators"[^>]*>', page)
    assert 'data-suggestions="/challenges/evaluators/"' in field and "data-suggestions-list" in field
    assert closed.eva.name not in page and closed.idle.name not in page


def suggested(client, text):
    response = client.get("/challenges/evaluators/", {"q": text})
    assert response.status_code == 200
    return [(person["name"], person["value"]) for person in response.json()["results"]]


def test_evaluators_are_suggested_to_programme_managers_by_name_or_address(login, closed):
    UserFactory(name="Eve Retired", email="eve.retired@example.org", is_evaluator=True, is_active=False)
    UserFactory(name="Evan Not An Evaluator", email="evan@example.org")
    for k in range(12):
        UserFactory(name=f"Evaluator {k:02}", email=f"reviewer{k:02}@example.org", is_evaluator=True)
    client = login(closed.pm)
    assert suggested(client, "eva evaluator") == [(f"Eva Evaluator ({closed.eva.email})", closed.eva.email)]
    assert suggested(client, closed.ivo.email.upper()) == [(f"Ivo Inspector ({closed.ivo.email})", closed.ivo.email)]
    found = suggested(client, "ev")
    assert len(found) == 10 and [name for name, _ in found] == sorted(name for name, _ in found)
    assert not any("Retired" in name or "Not An Evaluator" in name for name, _ in found)
    assert suggested(client, "e") == [] and suggested(client, "\x00" * 300) == []


@pytest.mark.parametrize("role", ["author", "owner_admin", "evaluator_assigned", "bidder", "citizen"])
def test_only_programme_managers_are_suggested_evaluators(login, closed, role):
    assign(closed, [closed.first], [closed.eva])
    assert login(person(closed, role)).get("/challenges/evaluators/", {"q": "eva"}).status_code == 403
    assert login(None).get("/challenges/evaluators/", {"q": "eva"}).status_code == 302


def test_a_board_of_many_proposals_pages_them_and_assigns_on_a_page_or_to_every_proposal(login, closed):
    with time_machine.travel(DEADLINE - timedelta(days=2), tick=False):
        more = [submit(closed.challenge, CompanyFactory(name=f"Company {k:02}"), "1000") for k in range(30)]
    client = login(closed.pm)
    first_page = text_of(client.get(board(closed)))
    second_page = text_of(client.get(board(closed, "?page=2")))
    assert "(1 to 25 of 32)" in first_page and "(26 to 32 of 32)" in second_page
    assert first_page.count('name="proposals" value') == 25 and second_page.count('name="proposals" value') == 7
    assert "All 32 standing proposals, not only those on this page" in second_page
    # Those of the page shown.
    response = client.post(board(closed, "?page=2"), {"proposals": [more[-1].pk], "evaluators": closed.eva.email})
    assert response.status_code == 302 and response["Location"] == board(closed, "?page=2")
    assert list(Evaluation.objects.values_list("proposal_id", flat=True)) == [more[-1].pk]
    # Every standing proposal, the other pages' included.
    response = client.post(board(closed), {"every_proposal": "on", "evaluators": closed.ivo.email})
    assert response.status_code == 302
    assert Evaluation.objects.filter(evaluator=closed.ivo).count() == 32


def test_a_programme_manager_assigns_in_bulk_and_hears_what_happened(login, closed):
    # Ivo also works for Beta Bureau: he is never assigned its proposal.
    MembershipFactory(organisation=closed.beta, user=closed.ivo)
    client = login(closed.pm)
    response = client.post(
        board(closed),
        {"proposals": [closed.first.pk, closed.second.pk], "evaluators": f"{closed.eva.email}, {closed.ivo.email}"},
    )
    assert response.status_code == 302 and response["Location"] == board(closed)
    [message] = messages_of(response)
    assert "3 assignments made." in message
    assert "Ivo Inspector was not assigned to Beta Bureau: they belong to that company." in message
    assert set(Evaluation.objects.values_list("proposal_id", "evaluator_id")) == {
        (closed.first.pk, closed.eva.pk),
        (closed.second.pk, closed.eva.pk),
        (closed.first.pk, closed.ivo.pk),
    }
    again = client.post(board(closed), {"proposals": [closed.first.pk], "evaluators": closed.eva.email})
    message = messages_of(again)[-1]
    assert "0 assignments made." in message and "1 already existed and is kept." in message
    assert Evaluation.objects.count() == 3
    assert Notification.objects.filter(kind="challenges.evaluation_assigned", recipient=closed.eva).count() == 1


def test_no_proposal_chosen_is_explained_and_the_named_evaluators_stay_named(login, closed):
    response = login(closed.pm).post(board(closed), {"evaluators": f"{closed.ivo.email},"})
    assert response.status_code == 200
    assert errors_of(response, "proposals") == ["Choose at least one proposal."]
    page = text_of(response)
    assert "There is a problem" in page
    assert f'value="{closed.ivo.email},"' in page
    # Nothing was chosen, and nothing comes back checked.
    assert not checked(page, "proposals", closed.first.pk)
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize(
    "typed, expected",
    [
        (
            "nobody@example.org",
            "No active evaluator has the address nobody@example.org: check it, or find the evaluator by name.",
        ),
        (
            "abc, nobody@example.org",
            "No active evaluator has these addresses: abc, nobody@example.org. "
            "Check them, or find the evaluators by name.",
        ),
        ("not_an_evaluator", "No active evaluator has the address {}: check it, or find the evaluator by name."),
        ("inactive", "No active evaluator has the address {}: check it, or find the evaluator by name."),
        ("", "Name at least one evaluator."),
        (" , ;", "Name at least one evaluator."),
        (", ".join(f"person{k}@example.org" for k in range(51)), "Name at most 50 evaluators at a time."),
        ("x" * 5001, "Name at most 50 evaluators at a time."),
    ],
)
def test_an_evaluator_not_in_the_pool_is_refused_with_a_message_and_what_was_typed_is_kept(
    login, closed, typed, expected
):
    if typed in ("not_an_evaluator", "inactive"):
        someone = closed.author if typed == "not_an_evaluator" else UserFactory(is_evaluator=True, is_active=False)
        typed, expected = someone.email, expected.format(someone.email)
    response = login(closed.pm).post(board(closed), {"proposals": [closed.first.pk], "evaluators": typed})
    assert response.status_code == 200
    assert errors_of(response, "evaluators") == [expected]
    if typed.strip():
        assert f'value="{typed}"' in text_of(response)
    assert not Evaluation.objects.exists()


def test_addresses_are_read_whatever_their_case_and_separators(login, closed):
    response = login(closed.pm).post(
        board(closed),
        {"proposals": [closed.first.pk], "evaluators": f" {closed.eva.email.upper()};\n{closed.ivo.email} , "},
    )
    assert response.status_code == 302
    assert set(Evaluation.objects.values_list("evaluator_id", flat=True)) == {closed.eva.pk, closed.ivo.pk}


def test_a_proposal_of_another_challenge_or_withdrawn_is_refused(login, closed):
    with time_machine.travel(DEADLINE - timedelta(days=2), tick=False):
        elsewhere = PublishedChallengeFactory(deadline=DEADLINE)
        other = submit(elsewhere, CompanyFactory(), "1000")
        gamma = CompanyFactory(name="Gamma Group")
        withdrawn = submit(closed.challenge, gamma, "1000")
        proposals_services.proposal_withdraw(actor=withdrawn.submitted_by, proposal=withdrawn)
    client = login(closed.pm)
    for proposal in (other, withdrawn):
        response = client.post(board(closed), {"proposals": [proposal.pk], "evaluators": closed.eva.email})
        assert errors_of(response, "proposals") == ["Choose proposals from the list."]
    assert "Gamma Group" not in text_of(response)
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("role", ["author", "owner_admin", "evaluator_not_assigned", "bidder"])
def test_only_programme_managers_assign(login, closed, role):
    response = login(person(closed, role)).post(
        board(closed), {"proposals": [closed.first.pk], "evaluators": closed.eva.email}
    )
    assert response.status_code == 403
    assert not Evaluation.objects.exists()


# My evaluations -------------------------------------------------------------------------

MINE = "/challenges/evaluations/"


def test_my_evaluations_needs_signing_in_and_says_when_there_is_nothing(login, closed):
    assert login(None).get(MINE)["Location"].startswith("/accounts/login/")
    response = login(closed.idle).get(MINE)
    assert response.status_code == 200
    assert "No proposal is assigned to you." in text_of(response)


def test_an_evaluator_declares_for_every_company_of_a_challenge_at_once(login, closed):
    assign(closed, [closed.first, closed.second], [closed.eva])
    client = login(closed.eva)
    page = text_of(client.get(MINE))
    assert closed.challenge.title in page
    assert "I have no conflict of interest with Alpha Analytics" in page
    assert "I have a conflict of interest with Beta Bureau" in page
    assert "you will not see that proposal" in page
    # The proposal is not shown before the declaration.
    assert "Alpha&#x27;s approach" not in page and "Alpha's approach" not in page
    alpha, beta = evaluation_of(closed.first, closed.eva), evaluation_of(closed.second, closed.eva)
    response = client.post(
        MINE,
        {
            "challenge": closed.challenge.pk,
            f"conflict_{alpha.pk}": "no",
            f"conflict_{beta.pk}": "yes",
            f"note_{beta.pk}": "My brother runs Beta Bureau",
        },
    )
    assert response.status_code == 302
    [message] = messages_of(response)
    assert "You can now read and score 1 proposal." in message and "You are recused from 1 proposal" in message
    alpha.refresh_from_db()
    beta.refresh_from_db()
    assert alpha.status == EvaluationStatus.CLEARED
    assert beta.status == EvaluationStatus.RECUSED and beta.conflict_note == "My brother runs Beta Bureau"
    page = text_of(client.get(MINE))
    assert f"/challenges/evaluations/{alpha.pk}/" in page and "Score the proposal" in page
    assert "You declared a conflict of interest with this company" in page
    assert f"/challenges/evaluations/{beta.pk}/" not in page
    assert 'name="conflict_' not in page


@pytest.mark.parametrize(
    "answers, field, message",
    [
        ({"beta": "yes", "note": ""}, "note", "Say what links you to Beta Bureau."),
        ({"beta": "yes", "note": "Cousin\x00"}, "note", "Null characters are not allowed."),
        ({"beta": "", "note": ""}, "conflict", "Say whether you have a conflict of interest with Beta Bureau."),
        ({"beta": "perhaps", "note": ""}, "conflict", "Say whether you have a conflict of interest with Beta Bureau."),
        ({"beta": "yes", "note": "x" * 2001}, "note", "Write at most 2,000 characters."),
    ],
)
def test_a_declaration_in_error_is_shown_beside_its_company_and_nothing_is_recorded(
    login, closed, answers, field, message
):
    assign(closed, [closed.first, closed.second], [closed.eva])
    alpha, beta = evaluation_of(closed.first, closed.eva), evaluation_of(closed.second, closed.eva)
    response = login(closed.eva).post(
        MINE,
        {
            "challenge": closed.challenge.pk,
            f"conflict_{alpha.pk}": "no",
            f"conflict_{beta.pk}": answers["beta"],
            f"note_{beta.pk}": answers["note"],
        },
    )
    assert response.status_code == 200
    [group] = response.context["groups"]
    name = f"{field}_{beta.pk}"
    assert [str(e) for e in group.form.errors[name]] == [message]
    assert set(group.form.errors) == {name}
    page = text_of(response)
    assert "There is a problem" in page and f'href="#id_{name}' in page
    # Alpha's declaration was valid, yet nothing is kept until both are: it is still chosen.
    assert all(e.status == EvaluationStatus.ASSIGNED for e in Evaluation.objects.all())
    assert not Notification.objects.filter(kind="challenges.evaluator_recused").exists()
    assert checked(page, f"conflict_{alpha.pk}", "no")
    if answers["note"] and "\x00" not in answers["note"]:
        assert answers["note"] in page


def test_a_company_name_is_shown_as_text_everywhere_on_the_declaration(login, closed):
    closed.alpha.name = "Smith & <b>Sons</b>"
    closed.alpha.save(update_fields=["name"])
    assign(closed, [closed.first], [closed.eva])
    page = text_of(login(closed.eva).get(MINE))
    assert "<b>Sons</b>" not in page
    assert "I have no conflict of interest with Smith &amp; &lt;b&gt;Sons&lt;/b&gt;" in page
    assert "Only if you have a conflict of interest with Smith &amp; &lt;b&gt;Sons&lt;/b&gt;:" in page


def test_posting_for_a_challenge_without_declarations_changes_nothing(login, closed):
    assign(closed, [closed.first], [closed.eva])
    clear(closed, closed.eva, closed.first)
    client = login(closed.eva)
    for challenge in (closed.challenge.pk, "abc", ""):
        response = client.post(MINE, {"challenge": challenge, "conflict_1": "yes"})
        assert response.status_code == 302
        assert "nothing was changed" in messages_of(response)[0]
    assert evaluation_of(closed.first, closed.eva).status == EvaluationStatus.CLEARED


def test_once_the_challenge_is_cancelled_no_declaration_is_asked(login, closed):
    assign(closed, [closed.first, closed.second], [closed.eva])
    clear(closed, closed.eva, closed.first)
    review_services.challenge_cancel(actor=closed.pm, challenge=closed.challenge, reason="The law changed")
    client = login(closed.eva)
    page = text_of(client.get(MINE))
    assert 'name="conflict_' not in page and "no declaration is needed" in page
    assert "Score the proposal" not in page and "Read your evaluation" in page
    waiting = evaluation_of(closed.second, closed.eva)
    response = client.post(MINE, {"challenge": closed.challenge.pk, f"conflict_{waiting.pk}": "no"})
    assert response.status_code == 302 and "nothing was changed" in messages_of(response)[0]
    assert evaluation_of(closed.second, closed.eva).status == EvaluationStatus.ASSIGNED


# One evaluation: who may open it ----------------------------------------------------------


def detail(evaluation):
    return f"/challenges/evaluations/{evaluation.pk}/"


@pytest.mark.parametrize(
    "role, expected",
    [
        ("citizen", 404),
        ("bidder", 404),
        ("owner_member", 404),
        ("author", 200),
        ("owner_admin", 200),
        ("programme_manager", 200),
        ("evaluator_assigned", 200),
        ("evaluator_not_assigned", 404),
        ("evaluator_recused", 404),
    ],
)
def test_an_evaluation_opens_for_its_evaluator_and_those_entitled_to_the_proposals(login, closed, role, expected):
    assign(closed, [closed.first], [closed.eva, closed.ivo])
    mine = clear(closed, closed.eva, closed.first)
    recuse(closed, closed.ivo, closed.first)
    response = login(person(closed, role)).get(detail(mine))
    assert response.status_code == expected
    if expected == 200:
        page = text_of(response)
        # Only the evaluator reads the proposal here, with the form to score it.
        assert ("Alpha&#x27;s approach" in page) is (role == "evaluator_assigned")
        assert ('name="action" value="submit"' in page) is (role == "evaluator_assigned")
        if role != "evaluator_assigned":
            assert "Eva Evaluator" in page and "has not submitted this evaluation yet" in page


def test_a_visitor_is_sent_to_sign_in_and_an_unknown_evaluation_does_not_exist(login, closed):
    assign(closed, [closed.first], [closed.eva])
    found = evaluation_of(closed.first, closed.eva)
    assert login(None).get(detail(found))["Location"].startswith("/accounts/login/")
    assert login(closed.pm).get("/challenges/evaluations/999999/").status_code == 404


def test_before_declaring_the_evaluator_is_asked_to_declare_and_others_see_nothing(login, closed):
    assign(closed, [closed.first], [closed.eva])
    found = evaluation_of(closed.first, closed.eva)
    response = login(closed.eva).get(detail(found))
    page = text_of(response)
    assert "Declare first whether you have a conflict of interest with Alpha Analytics" in page
    assert "Alpha&#x27;s approach" not in page and 'name="action"' not in page
    assert login(closed.pm).get(detail(found)).status_code == 404


def test_a_recused_evaluator_reads_why_and_posting_scores_is_refused_clearly(login, closed):
    assign(closed, [closed.first], [closed.ivo])
    recused = recuse(closed, closed.ivo, closed.first)
    client = login(closed.ivo)
    page = text_of(client.get(detail(recused)))
    assert "You declared a conflict of interest with Alpha Analytics" in page
    assert "Alpha&#x27;s approach" not in page and "Our answer on" not in page and 'name="action"' not in page
    response = client.post(
        detail(recused),
        {"action": "submit", f"score_{closed.impact.pk}": "5", f"comment_{closed.impact.pk}": "Great"},
    )
    assert response.status_code == 302 and response["Location"] == detail(recused)
    assert messages_of(response) == [
        "You declared a conflict of interest with this company: you may not score its proposal."
    ]
    assert not Score.objects.exists()
    # A programme manager reads the conflict declared.
    assert "I advised this company" in text_of(login(closed.pm).get(detail(recused)))


def test_an_evaluator_whose_assignment_was_removed_reads_so_and_may_not_score(login, closed):
    assign(closed, [closed.first], [closed.eva])
    removed = clear(closed, closed.eva, closed.first)
    evaluation_services.evaluation_unassign(actor=closed.pm, evaluation=removed)
    client = login(closed.eva)
    page = text_of(client.get(detail(removed)))
    assert "This assignment was removed" in page
    assert "Alpha&#x27;s approach" not in page and 'name="action"' not in page
    response = client.post(
        detail(removed), {"action": "draft", f"score_{closed.impact.pk}": "3", f"comment_{closed.impact.pk}": "x"}
    )
    assert response.status_code == 302
    assert messages_of(response) == ["This assignment was removed: you no longer evaluate this proposal."]
    assert not Score.objects.exists()
    assert "No proposal is assigned to you." in text_of(client.get(MINE))


# One evaluation: scoring ------------------------------------------------------------------


@pytest.fixture
def scoring(closed):
    assign(closed, [closed.first], [closed.eva, closed.ivo])
    closed.mine = clear(closed, closed.eva, closed.first)
    return closed


def test_the_scoring_page_shows_the_proposal_and_a_fieldset_per_criterion(login, scoring):
    page = text_of(login(scoring.eva).get(detail(scoring.mine)))
    for text in ("Alpha&#x27;s approach", "Two developers and a designer", "Three months", "12,000.00"):
        assert text in page
    for criterion in (scoring.impact, scoring.feasibility):
        assert f"Our answer on {criterion.name.lower()}" in page
        assert f'name="score_{criterion.pk}"' in page and f'name="comment_{criterion.pk}"' in page
        assert f"Your score for “{criterion.name}”" in page
    assert "Weight: 60%" in page and "Weight: 40%" in page
    assert page.count("<legend") >= 2 and "0 — not addressed" in page and "5 — excellent" in page
    assert "Save draft" in page and "Submit evaluation" in page


def test_a_draft_keeps_what_was_typed_even_when_partial(login, scoring):
    client = login(scoring.eva)
    response = client.post(
        detail(scoring.mine),
        {
            "action": "draft",
            f"score_{scoring.impact.pk}": "4",
            f"comment_{scoring.impact.pk}": "Reaches people who never call",
            f"score_{scoring.feasibility.pk}": "",
            f"comment_{scoring.feasibility.pk}": "",
        },
    )
    assert response.status_code == 302 and response["Location"] == detail(scoring.mine)
    assert "Your draft is saved" in messages_of(response)[0]
    assert evaluation_of(scoring.first, scoring.eva).status == EvaluationStatus.CLEARED
    [saved] = Score.objects.all()
    assert (saved.criterion, saved.score, saved.comment) == (scoring.impact, 4, "Reaches people who never call")
    page = text_of(client.get(detail(scoring.mine)))
    assert checked(page, f"score_{scoring.impact.pk}", 4)
    assert "Reaches people who never call</textarea>" in page


def test_submitting_without_a_comment_is_explained_and_the_comments_typed_are_kept(login, scoring):
    response = login(scoring.eva).post(
        detail(scoring.mine),
        {
            "action": "submit",
            f"score_{scoring.impact.pk}": "4",
            f"comment_{scoring.impact.pk}": "Reaches people who never call",
            f"score_{scoring.feasibility.pk}": "3",
            f"comment_{scoring.feasibility.pk}": "  ",
        },
    )
    assert response.status_code == 200
    assert errors_of(response, f"comment_{scoring.feasibility.pk}") == [
        "Explain your score for “Feasibility and cost”."
    ]
    page = text_of(response)
    assert "There is a problem" in page
    assert "Reaches people who never call</textarea>" in page
    assert checked(page, f"score_{scoring.feasibility.pk}", 3)
    assert evaluation_of(scoring.first, scoring.eva).status == EvaluationStatus.CLEARED
    assert not Score.objects.exists()


@pytest.mark.parametrize("action", ["draft", "submit"])
@pytest.mark.parametrize("score", ["abc", "9", "-1", "4.5", "1e1"])
def test_a_score_off_the_scale_is_explained_and_nothing_typed_is_lost(login, scoring, action, score):
    response = login(scoring.eva).post(
        detail(scoring.mine),
        {
            "action": action,
            f"score_{scoring.impact.pk}": score,
            f"comment_{scoring.impact.pk}": "Reaches people who never call",
            f"score_{scoring.feasibility.pk}": "3",
            f"comment_{scoring.feasibility.pk}": "Cheap & proven",
        },
    )
    assert response.status_code == 200
    assert errors_of(response, f"score_{scoring.impact.pk}") == ["Choose a score from 0 to 5."]
    page = text_of(response)
    assert "Reaches people who never call</textarea>" in page and "Cheap &amp; proven</textarea>" in page
    assert f'href="#id_score_{scoring.impact.pk}_0"' in page
    assert not Score.objects.exists()


def test_submitting_completes_the_evaluation_and_it_becomes_read_only(login, scoring):
    client = login(scoring.eva)
    response = client.post(
        detail(scoring.mine),
        {
            "action": "submit",
            f"score_{scoring.impact.pk}": "4",
            f"comment_{scoring.impact.pk}": "Reaches people who never call",
            f"score_{scoring.feasibility.pk}": "3",
            f"comment_{scoring.feasibility.pk}": "Cheap and proven",
        },
    )
    assert response.status_code == 302 and response["Location"] == MINE
    assert "Your evaluation is submitted" in messages_of(response)[0]
    assert evaluation_of(scoring.first, scoring.eva).status == EvaluationStatus.COMPLETED
    page = text_of(client.get(detail(scoring.mine)))
    assert 'name="action"' not in page and "You submitted this evaluation" in page
    assert "Reaches people who never call" in page and "3.60 out of 5" in page
    # The proposal stays readable to its evaluator, answers included.
    assert "Alpha&#x27;s approach" in page and "Our answer on impact" in page
    again = client.post(
        detail(scoring.mine),
        {"action": "submit", f"score_{scoring.impact.pk}": "0", f"comment_{scoring.impact.pk}": "x"},
    )
    assert again.status_code == 302
    assert messages_of(again) == ["You have submitted this evaluation: it can no longer be changed."]
    assert Score.objects.get(criterion=scoring.impact).score == 4


def test_an_evaluator_never_sees_another_evaluators_scores(login, scoring):
    complete(scoring, scoring.eva, scoring.first, impact=2, feasibility=1)
    colleague = clear(scoring, scoring.ivo, scoring.first)
    client = login(scoring.ivo)
    assert client.get(detail(scoring.mine)).status_code == 404
    page = text_of(client.get(detail(colleague)))
    assert "Eva Evaluator on impact" not in page and "Eva Evaluator" not in page
    assert "1.60 out of 5" not in page
    # Nor on the board.
    assert client.get(board(scoring)).status_code == 403


def test_programme_managers_and_the_owner_read_a_completed_evaluation_with_its_evaluator(login, scoring):
    completed = complete(scoring, scoring.eva, scoring.first, impact=4, feasibility=3)
    for reader in (scoring.pm, scoring.author, scoring.owner_admin):
        page = text_of(login(reader).get(detail(completed)))
        assert "Eva Evaluator" in page and "Eva Evaluator on impact" in page and "3.60 out of 5" in page
        assert 'name="action"' not in page and "Alpha&#x27;s approach" not in page
        assert f"/challenges/proposals/{scoring.first.pk}/" in page
        assert ("/reopen/" in page) is (reader == scoring.pm)
    posted = login(scoring.author).post(detail(completed), {"action": "submit"})
    assert posted.status_code == 403


def test_after_the_outcome_a_draft_can_no_longer_be_changed(login, scoring):
    colleague = complete(scoring, scoring.ivo, scoring.first)
    # Eva's draft is removed so that the award gate opens; she still reads what she saved.
    evaluation_services.evaluation_save(
        actor=scoring.eva, evaluation=scoring.mine, scores={scoring.impact.pk: (2, "Thin")}
    )
    evaluation_services.evaluation_unassign(actor=scoring.pm, evaluation=scoring.mine)
    assign(scoring, [scoring.second], [scoring.ivo])
    complete(scoring, scoring.ivo, scoring.second)
    award_services.challenge_award(
        actor=scoring.author, challenge=scoring.challenge, proposals=[scoring.first], justification="Best value"
    )
    assert colleague.status == EvaluationStatus.COMPLETED
    cleared = Evaluation.objects.create(
        proposal=scoring.second, evaluator=scoring.eva, assigned_by=scoring.pm, status=EvaluationStatus.CLEARED
    )
    Score.objects.create(evaluation=cleared, criterion=scoring.impact, score=3, comment="Half done")
    client = login(scoring.eva)
    page = text_of(client.get(detail(cleared)))
    assert 'name="action"' not in page and "The evaluation of this challenge is over" in page
    assert "Half done" in page
    response = client.post(detail(cleared), {"action": "submit"})
    assert response.status_code == 302 and "can no longer be changed" in messages_of(response)[0]


# Sending back and removing ---------------------------------------------------------------


def reopen(evaluation):
    return f"/challenges/evaluations/{evaluation.pk}/reopen/"


def unassign(evaluation):
    return f"/challenges/evaluations/{evaluation.pk}/unassign/"


def test_a_programme_manager_sends_an_evaluation_back_with_a_reason(login, scoring):
    completed = complete(scoring, scoring.eva, scoring.first)
    client = login(scoring.pm)
    page = client.get(reopen(completed))
    assert page.status_code == 200 and "What should the evaluator look at again?" in text_of(page)
    assert evaluation_of(scoring.first, scoring.eva).status == EvaluationStatus.COMPLETED
    empty = client.post(reopen(completed), {"reason": "   "})
    assert empty.status_code == 200
    assert errors_of(empty, "reason") == ["Say what the evaluator should look at again."]
    response = client.post(reopen(completed), {"reason": "The feasibility score has no comment on cost"})
    assert response.status_code == 302 and response["Location"] == board(scoring)
    assert "sent back to Eva Evaluator" in messages_of(response)[0]
    assert evaluation_of(scoring.first, scoring.eva).status == EvaluationStatus.CLEARED
    assert Notification.objects.filter(kind="challenges.evaluation_reopened", recipient=scoring.eva).exists()
    # The evaluator reads why, and scores again with what was saved.
    page = text_of(login(scoring.eva).get(detail(completed)))
    assert "The feasibility score has no comment on cost" in page and 'name="action"' in page
    assert "Eva Evaluator on impact</textarea>" in page


@pytest.mark.parametrize("role, expected", [("author", 403), ("evaluator_assigned", 403), ("evaluator_recused", 404)])
def test_only_programme_managers_send_back(login, scoring, role, expected):
    completed = complete(scoring, scoring.eva, scoring.first)
    client = login(person(scoring, role))
    assert client.get(reopen(completed)).status_code == expected
    assert client.post(reopen(completed), {"reason": "Again"}).status_code == expected
    assert evaluation_of(scoring.first, scoring.eva).status == EvaluationStatus.COMPLETED


def test_an_evaluation_not_completed_is_not_sent_back(login, scoring):
    response = login(scoring.pm).post(reopen(scoring.mine), {"reason": "Again"})
    assert response.status_code == 302 and response["Location"] == board(scoring)
    assert "Only a completed evaluation can be sent back" in messages_of(response)[0]


def test_a_programme_manager_removes_an_assignment_after_confirming(login, scoring):
    waiting = evaluation_of(scoring.first, scoring.ivo)  # not declared yet: reached from the board
    client = login(scoring.pm)
    page = client.get(unassign(waiting))
    assert page.status_code == 200 and "Remove Ivo Inspector from the proposal of Alpha Analytics?" in text_of(page)
    assert evaluation_of(scoring.first, scoring.ivo).status == EvaluationStatus.ASSIGNED
    response = client.post(unassign(waiting))
    assert response.status_code == 302 and response["Location"] == board(scoring)
    assert "Ivo Inspector no longer evaluates the proposal of Alpha Analytics." in messages_of(response)[0]
    waiting.refresh_from_db()
    assert waiting.status == EvaluationStatus.REMOVED
    lines = client.get(board(scoring)).context["lines"]
    assert {line.row.proposal: [a.evaluation.evaluator for a in line.assignments] for line in lines} == {
        scoring.first: [scoring.eva],
        scoring.second: [],
    }


@pytest.mark.parametrize("role, expected", [("author", 403), ("owner_admin", 403), ("citizen", 404)])
def test_only_programme_managers_remove(login, scoring, role, expected):
    client = login(person(scoring, role))
    assert client.get(unassign(scoring.mine)).status_code == expected
    assert client.post(unassign(scoring.mine)).status_code == expected
    assert evaluation_of(scoring.first, scoring.eva).status == EvaluationStatus.CLEARED


def test_a_completed_evaluation_is_not_removed(login, scoring):
    completed = complete(scoring, scoring.eva, scoring.first)
    response = login(scoring.pm).post(unassign(completed))
    assert response.status_code == 302
    assert "Only an assignment not yet completed can be removed" in messages_of(response)[0]
    completed.refresh_from_db()
    assert completed.status == EvaluationStatus.COMPLETED


# The board's queries do not grow with its size --------------------------------------------


def queries_of(client, url):
    client.get(url)  # warm the per-process caches (content types, translations)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, [query["sql"] for query in captured.captured_queries]


def add_proposals(challenge, count):
    with time_machine.travel(DEADLINE - timedelta(days=2), tick=False):
        return [submit(challenge, CompanyFactory(), "1000") for _ in range(count)]


@pytest.mark.parametrize("reader", ["programme_manager", "author"])
def test_the_board_makes_as_many_queries_with_ten_proposals_as_with_one(login, world, reader):
    """With one proposal and two evaluators, then ten, each with two evaluators in every state."""
    Proposal.objects.filter(pk__in=[world.first.pk, world.second.pk]).update(status="withdrawn")
    [one] = add_proposals(world.challenge, 1)
    more = add_proposals(world.challenge, 9)
    Proposal.objects.filter(pk__in=[p.pk for p in more]).update(status="withdrawn")
    with time_machine.travel(DEADLINE + timedelta(days=1), tick=False):
        client = login(world.pm if reader == "programme_manager" else world.author)
        assign(world, [one], [world.eva, world.ivo])
        complete(world, world.eva, one)
        small_response, small = queries_of(client, board(world))
        Proposal.objects.filter(pk__in=[p.pk for p in more]).update(status="submitted")
        assign(world, more, [world.eva, world.ivo])
        for proposal in more[:3]:
            complete(world, world.eva, proposal)
            recuse(world, world.ivo, proposal)
        for proposal in more[3:6]:
            clear(world, world.eva, proposal)
        large_response, large = queries_of(client, board(world))
    assert len(small_response.context["lines"]) == 1 and len(large_response.context["lines"]) == 10
    assert sum(len(line.assignments) for line in large_response.context["lines"]) == 20
    assert len(small) == len(large), "\n".join(["queries with 1:", *small, "", "queries with 10:", *large])


def test_my_evaluations_makes_as_many_queries_with_ten_assignments_as_with_one(login, world):
    """Declarations waiting, cleared, completed and recused assignments over several challenges."""
    Proposal.objects.filter(pk=world.second.pk).update(status="withdrawn")
    with time_machine.travel(DEADLINE - timedelta(days=2), tick=False):
        others = [PublishedChallengeFactory(deadline=DEADLINE) for _ in range(2)]
        more = [submit(challenge, CompanyFactory(), "1000") for challenge in others for _ in range(4)]
        more.append(submit(world.challenge, CompanyFactory(), "1000"))
    with time_machine.travel(DEADLINE + timedelta(days=1), tick=False):
        client = login(world.eva)
        assign(world, [world.first], [world.eva])
        small_response, small = queries_of(client, MINE)
        for challenge in (*others, world.challenge):
            evaluation_services.evaluators_assign(
                actor=world.pm,
                challenge=challenge,
                proposals=[p for p in more if p.challenge_id == challenge.pk],
                evaluators=[world.eva],
            )
        complete(world, world.eva, more[0])
        clear(world, world.eva, more[1])
        recuse(world, world.eva, more[4])
        large_response, large = queries_of(client, MINE)
    assert len(small_response.context["groups"]) == 1 and len(large_response.context["groups"]) == 3
    # Ten assignments, three declared: seven companies, two radio buttons each.
    assert large_response.content.decode().count('name="conflict_') == 2 * 7
    assert len(small) == len(large), "\n".join(["queries with 1:", *small, "", "queries with 10:", *large])


# Kept between reads (core.pagecache), as in production ------------------------------------
#
# The board's ranking is kept for everyone who may read it and each reader's table for them
# alone, until the next write; invalidation happens when a write's transaction commits.


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("pages_kept")
def test_a_kept_board_shows_an_evaluation_completed_at_its_next_read(login, closed):
    assign(closed, [closed.first], [closed.eva])
    client = login(closed.pm)
    page = text_of(client.get(board(closed)))
    assert "0 of 1 evaluation done" in page and "Not scored yet" in page

    complete(closed, closed.eva, closed.first, impact=4, feasibility=3)

    page = text_of(client.get(board(closed)))
    assert "1 of 1 evaluation done" in page and "3.60 out of 5" in page


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("pages_kept")
def test_a_board_kept_for_one_reader_shows_another_only_what_they_may_do(login, closed):
    assign(closed, [closed.first], [closed.eva])
    assert "Remove" in text_of(login(closed.pm).get(board(closed)))
    # The challenge's author reads the same board, without the programme manager's links.
    page = text_of(login(closed.author).get(board(closed)))
    assert "Eva Evaluator" in page and "Remove" not in page


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("pages_kept")
def test_a_kept_board_says_the_outcome_can_be_decided_at_its_next_read(login, closed):
    assign(closed, [closed.first, closed.second], [closed.eva])
    client = login(closed.pm)
    page = text_of(client.get(board(closed)))
    assert "2 assigned evaluations are not complete yet." in page
    assert "2 proposals have no completed evaluation." in page

    complete(closed, closed.eva, closed.first)
    page = text_of(client.get(board(closed)))
    assert "1 assigned evaluation is not complete yet." in page and "1 proposal has no completed evaluation." in page

    complete(closed, closed.eva, closed.second)
    page = text_of(client.get(board(closed)))
    assert "The outcome cannot be decided yet" not in page
    assert "Every evaluation is complete: the public body can now award the challenge" in page


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("pages_kept")
def test_a_kept_assignment_form_still_answers_bad_input_with_what_was_typed(login, closed):
    client = login(closed.pm)
    assert "Assign evaluators" in text_of(client.get(board(closed)))  # its blank fields are kept

    response = client.post(board(closed), {"proposals": [closed.first.pk], "evaluators": "nobody@example.org"})
    assert response.status_code == 200
    assert errors_of(response, "evaluators") == [
        "No active evaluator has the address nobody@example.org: check it, or find the evaluator by name."
    ]
    assert 'value="nobody@example.org"' in response.content.decode()
    # What one person typed is theirs: the next reader is offered the blank fields.
    assert "nobody@example.org" not in client.get(board(closed)).content.decode()
