"""The pages of a challenge in phases (solution design → prototype → test): the series on each
phase's page, as far as the viewer may see it; who may submit to a later phase; preparing the
next phase from an awarded one; naming phases while drafting; the phase on the lists.

Every phase is walked through the real services: companies bid before the deadline, an
evaluator scores them after it, the public body awards, prepares the next phase, and its
organisation admin and a programme manager approve and publish it."""

from contextlib import ExitStack
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ponte.challenges.models import Challenge, Proposal, Status
from ponte.challenges.queries import questions as questions_queries
from ponte.challenges.services import award as award_services
from ponte.challenges.services import drafting as drafting_services
from ponte.challenges.services import phases as phases_services
from ponte.challenges.services import proposals as proposals_services
from ponte.challenges.services import questions as questions_services
from ponte.challenges.services import review as review_services
from ponte.core.roles import requires_two_factor
from ponte.reference.models import SectorTag
from tests.challenges.outcomes import evaluate
from tests.conftest import give_two_factor
from tests.factories import CompanyFactory, MembershipFactory, PublishedChallengeFactory, UserFactory

START = timezone.make_aware(timezone.datetime(2031, 1, 10, 9, 0, 0))
TITLE = "Discharge letters patients cannot follow"
ROLES = ["visitor", "invited", "not_invited", "drafter", "owner_member", "programme_manager"]
STATES = ["awarded", "next_draft", "next_open"]


def _content(challenge, price):
    return {
        "approach": "A plain-language letter checker",
        "criteria_responses": {c.pk: f"We meet {c.name}" for c in challenge.criteria.all()},
        "team": "A designer and two developers",
        "price": Decimal(price),
        "timeline": "Three months",
    }


def _bid(clock, challenge, people, companies, names, price="8000"):
    """The named companies bid two days before the deadline; the clock then passes it."""
    clock.move_to(challenge.deadline - timedelta(days=2))
    bids = []
    for name in names:
        proposal = proposals_services.proposal_submit(
            actor=people[name], challenge=challenge, company=companies[name], **_content(challenge, price)
        )
        bids.append(SimpleNamespace(proposal=proposal))
    clock.move_to(challenge.deadline + timedelta(days=1))
    evaluate(challenge, bids)
    return [b.proposal for b in bids]


def _publish(phase, people):
    """The next phase gets its own budget and deadline, then goes through approval and review."""
    drafting_services.challenge_update(
        actor=people["drafter"],
        challenge=phase,
        budget_ceiling=Decimal("19000"),
        deadline=timezone.now() + timedelta(days=30),
    )
    review_services.challenge_submit(actor=people["drafter"], challenge=phase)
    review_services.challenge_approve_for_organisation(actor=people["owner_admin"], challenge=phase)
    review_services.challenge_approve(actor=people["programme_manager"], challenge=phase)
    review_services.challenge_publish(actor=people["programme_manager"], challenge=phase)
    phase.refresh_from_db()
    return phase


def build(state: str, stack: ExitStack, *, phases: int = 2, first_name: str = "Solution design"):
    """A first phase awarded to Civic Data Labs and Formlab (Loser Analytics bid and lost), and,
    by `state`, no next phase yet, the next phase ("Prototype") as a draft, or published and
    open. With `phases=3`, the prototype is awarded to Civic Data Labs and a "Test" phase opens."""
    clock = stack.enter_context(time_machine.travel(START, tick=False))
    first = PublishedChallengeFactory(title=TITLE, phase_name=first_name, deadline=START + timedelta(days=20))
    first.sectors.set([SectorTag.objects.get(code="health")])
    companies = {
        "civic": CompanyFactory(name="Civic Data Labs"),
        "formlab": CompanyFactory(name="Formlab"),
        "loser": CompanyFactory(name="Loser Analytics"),
    }
    people = {
        "visitor": None,
        "drafter": first.author,
        "owner_member": MembershipFactory(organisation=first.owner, user__name="Otto Colleague").user,
        "owner_admin": MembershipFactory(organisation=first.owner, role="admin", user__name="Ada Admin").user,
        "programme_manager": UserFactory(name="Paula Manager", is_programme_manager=True),
        **{key: MembershipFactory(organisation=company).user for key, company in companies.items()},
    }
    people["invited"], people["not_invited"] = people["civic"], people["loser"]
    won = _bid(clock, first, people, companies, ["civic", "formlab", "loser"])
    award_services.challenge_award(
        actor=people["drafter"], challenge=first, proposals=won[:2], justification="Best designs."
    )
    series = [Challenge.objects.get(pk=first.pk)]
    if state != "awarded":
        series.append(
            phases_services.phase_create_next(actor=people["drafter"], challenge=series[0], phase_name="Prototype")
        )
    if state == "next_open":
        _publish(series[1], people)
        if phases == 3:
            won = _bid(clock, series[1], people, companies, ["civic"], price="15000")
            award_services.challenge_award(
                actor=people["drafter"], challenge=series[1], proposals=won, justification="A prototype that works."
            )
            nxt = phases_services.phase_create_next(actor=people["drafter"], challenge=series[1], phase_name="Test")
            series.append(_publish(nxt, people))
    for phase in series:
        phase.refresh_from_db()
    return SimpleNamespace(series=series, people=people, companies=companies, clock=clock)


@pytest.fixture
def world(db):
    with ExitStack() as stack:
        yield lambda state, **kwargs: build(state, stack, **kwargs)


def sign_in(client, user):
    client.logout()
    if user is not None:
        if requires_two_factor(user):
            give_two_factor(user)
        client.force_login(user)
    return client


def page(client, challenge):
    response = client.get(challenge.get_absolute_url())
    return response.status_code, response.content.decode()


# The first phase's page: the series and the next step --------------------------------


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_the_first_phase_shows_the_series_the_viewer_may_see(client, world, role, state):
    w = world(state)
    first = w.series[0]
    sign_in(client, w.people[role])
    status, shown = page(client, first)
    assert status == 200
    assert 'id="phases-title"' in shown and "Phase 1 · Solution design" in shown
    # A next phase in preparation stays inside its public body.
    sees_next = state == "next_open" or (state == "next_draft" and role in ("drafter", "owner_member"))
    if sees_next:
        second = w.series[1]
        assert "This is phase 1 of 2." in shown
        assert f'href="{second.get_absolute_url()}"' in shown and "Phase 2 · Prototype" in shown
        assert ("Draft" in shown.split('id="phases-title"')[1].split("</section>")[0]) == (state == "next_draft")
    else:
        assert "Phase 2" not in shown and "of 2." not in shown
    if len(w.series) > 1:
        assert f"/challenges/{w.series[1].pk}-" not in shown or sees_next
    # Only the drafter of an awarded phase without a next one may prepare it.
    can_prepare = role == "drafter" and state == "awarded"
    assert (f'action="/challenges/{first.pk}/next-phase/"' in shown) == can_prepare
    assert ("Prepare the next phase" in shown) == can_prepare


def test_a_challenge_in_one_phase_shows_no_phases(client, world):
    w = world("awarded", first_name="")
    sign_in(client, w.people["visitor"])
    _status, shown = page(client, w.series[0])
    assert 'id="phases-title"' not in shown
    sign_in(client, w.people["drafter"])
    _status, shown = page(client, w.series[0])
    # An awarded challenge may still become the first phase of a series.
    assert 'id="phases-title"' not in shown and f'action="/challenges/{w.series[0].pk}/next-phase/"' in shown


# The next phase's page: who may see it, and who may submit -------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_a_next_phase_in_preparation_is_seen_only_inside_the_public_body(client, world, role):
    w = world("next_draft")
    second = w.series[1]
    sign_in(client, w.people[role])
    status, shown = page(client, second)
    if role in ("drafter", "owner_member"):
        assert status == 200
        assert "This is phase 2 of 2." in shown and "Phase 2 · Prototype" in shown
        assert "Only the suppliers invited after “Solution design” may submit proposals: Civic Data Labs, Formlab." in (
            shown
        )
    else:
        assert status == 404
        assert "Prototype" not in shown


@pytest.mark.parametrize("role", ROLES)
def test_an_open_next_phase_says_who_may_submit(client, world, role):
    w = world("next_open")
    first, second = w.series
    sign_in(client, w.people[role])
    status, shown = page(client, second)
    assert status == 200
    assert "This is phase 2 of 2." in shown
    assert f'href="{first.get_absolute_url()}"' in shown and "Phase 1 · Solution design" in shown
    assert "Only the suppliers invited after “Solution design” may submit proposals: Civic Data Labs, Formlab." in shown
    submit_link = f'href="/challenges/{second.pk}/proposals/new/"'
    refusal = "none of your companies was invited: you cannot submit a proposal."
    assert (submit_link in shown) == (role == "invited")
    assert (refusal in shown) == (role == "not_invited")
    # The first phase was open to everyone: no one is told there that they were not invited.
    _status, shown = page(client, first)
    assert refusal not in shown and "Only the suppliers invited after" not in shown


def test_a_company_not_invited_cannot_reach_the_proposal_form(client, world):
    w = world("next_open")
    second = w.series[1]
    url = f"/challenges/{second.pk}/proposals/new/"
    sign_in(client, w.people["not_invited"])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == second.get_absolute_url()
    shown = client.get(response["Location"]).content.decode()
    assert "Only the suppliers invited after the previous phase may submit proposals to this phase" in shown
    response = client.post(url, {"company": w.companies["loser"].pk, "approach": "Let us in", "price": "1000"})
    assert response.status_code == 302 and response["Location"] == second.get_absolute_url()
    assert not Proposal.objects.filter(challenge=second).exists()


def test_an_invited_company_submits_to_the_next_phase(client, world):
    w = world("next_open")
    second = w.series[1]
    url = f"/challenges/{second.pk}/proposals/new/"
    sign_in(client, w.people["invited"])
    response = client.get(url)
    shown = response.content.decode()
    assert response.status_code == 200
    # Its one invited company submits: the form does not ask which.
    assert f'name="company" value="{w.companies["civic"].pk}"' in shown and "Loser Analytics" not in shown
    data = {
        "company": w.companies["civic"].pk,
        "approach": "A working prototype of the letter checker",
        "team": "The same team as in the solution design",
        "price": "15000",
        "timeline": "Four months",
        **{f"criterion_{c.pk}": f"We meet {c.name}" for c in second.criteria.all()},
    }
    response = client.post(url, data)
    proposal = Proposal.objects.get(challenge=second)
    assert response.status_code == 302 and response["Location"] == f"/challenges/proposals/{proposal.pk}/"
    assert proposal.company == w.companies["civic"]


def test_a_member_of_an_invited_and_a_not_invited_company_proposes_for_the_invited_one(client, world):
    w = world("next_open")
    second = w.series[1]
    both = w.people["invited"]
    MembershipFactory(organisation=w.companies["loser"], user=both)
    sign_in(client, both)
    _status, shown = page(client, second)
    assert f'href="/challenges/{second.pk}/proposals/new/"' in shown and "none of your companies" not in shown
    shown = client.get(f"/challenges/{second.pk}/proposals/new/").content.decode()
    assert f'name="company" value="{w.companies["civic"].pk}"' in shown and "Loser Analytics" not in shown


def test_only_invited_companies_ask_questions_on_a_later_phase(client, world):
    w = world("next_open")
    second = w.series[1]
    sign_in(client, w.people["not_invited"])
    refused = client.post(f"/challenges/{second.pk}/questions/ask/", {"text": "May we join this phase?"})
    assert "Only the suppliers invited after the previous phase may ask questions on this phase." in (
        refused.content.decode()
    )
    assert "May we join this phase?" in refused.content.decode()  # nothing typed is lost
    assert not second.questions.exists()
    # Someone in an invited and a not-invited company cannot ask for the one not invited.
    both = w.people["invited"]
    MembershipFactory(organisation=w.companies["loser"], user=both)
    with pytest.raises(ValidationError) as caught:
        questions_services.question_ask(actor=both, challenge=second, company=w.companies["loser"], text="Why not us?")
    assert caught.value.message_dict["text"] == [questions_queries.not_invited_message()]
    questions_services.question_ask(actor=both, challenge=second, company=w.companies["civic"], text="Which data?")
    assert list(second.questions.values_list("company__name", flat=True)) == ["Civic Data Labs"]


# Preparing the next phase ------------------------------------------------------------------


def next_phase_url(challenge):
    return f"/challenges/{challenge.pk}/next-phase/"


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_the_next_phase_form(client, world, role):
    w = world("awarded")
    first = w.series[0]
    sign_in(client, w.people[role])
    response = client.get(next_phase_url(first))
    if role == "visitor":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    elif role == "drafter":
        shown = response.content.decode()
        assert response.status_code == 200
        assert "This challenge is awarded to 2 suppliers: Civic Data Labs, Formlab." in shown
        assert 'name="phase_name"' in shown and 'maxlength="100"' in shown
    else:
        assert response.status_code == 403
        assert client.post(next_phase_url(first), {"phase_name": "Prototype"}).status_code == 403
    assert not Challenge.objects.filter(previous_phase=first).exists()


def test_the_next_phase_is_prepared_and_its_author_sent_to_its_first_step(client, world):
    w = world("awarded")
    first = w.series[0]
    sign_in(client, w.people["drafter"])
    response = client.post(next_phase_url(first), {"phase_name": "  Prototype  "})
    phase = Challenge.objects.get(previous_phase=first)
    assert response.status_code == 302 and response["Location"] == f"/challenges/{phase.pk}/edit/problem/"
    assert (phase.status, phase.phase_name, phase.first_phase_id, phase.title) == (
        Status.DRAFT,
        "Prototype",
        first.pk,
        TITLE,
    )
    assert phase.budget_ceiling is None and phase.deadline is None
    shown = client.get(response["Location"]).content.decode()
    assert "The next phase “Prototype” is saved as a draft." in shown
    assert "copied from “Solution design”: set its own budget, deadline and criteria" in shown
    assert "This is a later phase: only the suppliers awarded in “Solution design” may submit proposals to it." in shown
    assert 'value="Prototype"' in shown  # the phase field of the first step
    # Once prepared, the form is gone and a second try leads to the phase already prepared.
    _status, shown = page(client, first)
    assert next_phase_url(first) not in shown
    response = client.get(next_phase_url(first))
    assert response.status_code == 302 and response["Location"] == phase.get_absolute_url()
    response = client.post(next_phase_url(first), {"phase_name": "Another"}, follow=True)
    assert "The next phase of this challenge is already prepared: here it is." in response.content.decode()
    assert Challenge.objects.filter(previous_phase=first).count() == 1


def test_an_unnamed_challenge_becomes_phase_1(client, world):
    w = world("awarded", first_name="")
    first = w.series[0]
    sign_in(client, w.people["drafter"])
    shown = client.get(next_phase_url(first)).content.decode()
    assert "This challenge becomes the first phase of the series, named “Phase 1”." in shown
    response = client.post(next_phase_url(first), {"phase_name": "Prototype"}, follow=True)
    assert "copied from “Phase 1”" in response.content.decode()
    first.refresh_from_db()
    assert first.phase_name == "Phase 1"
    _status, shown = page(client, first)
    assert "Phase 1 · Phase 1" not in shown and "Phase 1</a>" in shown and "Phase 2 · Prototype" in shown


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Name the next phase, such as “Prototype”."),
        ("   ", "Name the next phase, such as “Prototype”."),
        ("P" * 101, "Name the phase in at most 100 characters (you wrote 101)."),
        ("Proto\x00type", "Null characters are not allowed."),
    ],
)
def test_a_bad_name_is_explained_and_kept(client, world, typed, message):
    w = world("awarded")
    first = w.series[0]
    sign_in(client, w.people["drafter"])
    response = client.post(next_phase_url(first), {"phase_name": typed})
    shown = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in shown and message in shown
    assert 'href="#id_phase_name"' in shown
    if typed.strip() and "\x00" not in typed:
        assert f'value="{typed}"' in shown
    assert not Challenge.objects.filter(previous_phase=first).exists()


def test_a_drafter_is_told_why_the_next_phase_cannot_be_prepared_yet(client, db):
    challenge = PublishedChallengeFactory(phase_name="Solution design")
    sign_in(client, challenge.author)
    response = client.get(next_phase_url(challenge), follow=True)
    assert response.redirect_chain == [(challenge.get_absolute_url(), 302)]
    assert "The next phase is prepared once this challenge is awarded" in response.content.decode()


def test_an_unknown_or_invisible_challenge_is_not_found(client, world):
    w = world("next_draft")
    sign_in(client, w.people["invited"])
    assert client.get(next_phase_url(w.series[1])).status_code == 404
    assert client.get("/challenges/999999/next-phase/").status_code == 404


# Naming phases while drafting; the phase on the lists ------------------------------------


def test_the_author_names_the_phase_in_the_first_step(client, world):
    w = world("next_draft")
    second = w.series[1]
    sign_in(client, w.people["drafter"])
    url = f"/challenges/{second.pk}/edit/problem/"
    shown = client.get(url).content.decode()
    assert '<label class="label" for="id_phase_name">Phase <span class="optional">(optional)</span></label>' in shown
    typed = {"title": TITLE, "phase_name": "X" * 101, "summary": "Letters people can follow"}
    shown = client.post(url, typed).content.decode()
    assert "Name the phase in at most 100 characters (you wrote 101)." in shown and f'value="{"X" * 101}"' in shown
    assert "Letters people can follow" in shown
    response = client.post(url, {**typed, "phase_name": "Prototype and field test", "save": "1"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.phase_name == "Prototype and field test" and second.summary == "Letters people can follow"
    shown = client.get(f"/challenges/{second.pk}/check/").content.decode()
    assert "<dt>Phase</dt><dd>Prototype and field test</dd>" in shown
    shown = client.get("/challenges/mine/").content.decode()
    assert "(phase: Prototype and field test)" in shown and "(phase: Solution design)" in shown


def test_a_challenge_in_one_phase_keeps_no_phase_name(client, organisation, member):
    from tests.factories import ChallengeFactory

    draft = ChallengeFactory(owner=organisation, author=member, title="Forms nobody finds")
    sign_in(client, member)
    response = client.post(f"/challenges/{draft.pk}/edit/problem/", {"title": "Forms nobody finds", "save": "1"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.phase_name == ""
    shown = client.get(f"/challenges/{draft.pk}/check/").content.decode()
    assert "<dt>Phase</dt><dd>Not given</dd>" in shown


def test_the_public_list_shows_the_phase_of_each_entry(client, world):
    w = world("next_open")
    shown = client.get("/challenges/").content.decode()
    assert "Phase: Solution design" in shown
    assert "Phase: Prototype · only the suppliers invited after the previous phase may submit" in shown
    assert shown.count("only the suppliers invited after the previous phase may submit") == 1
    assert shown.count(f"{TITLE}</a>") == 2 and w.series[1].get_absolute_url() in shown


# Query counts --------------------------------------------------------------------------


def queries_of(client, url):
    client.get(url)  # warm the per-process caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("role", ROLES)
def test_the_phase_pages_do_not_grow_with_the_series(client, db, role):
    """The first phase of a series of one and of a series of three, and the last phase of a series of
    two and of three, cost the same number of queries."""
    counts = {}
    for phases in (1, 3):
        with ExitStack() as stack:
            w = build("awarded" if phases == 1 else "next_open", stack, phases=phases)
            sign_in(client, w.people[role])
            counts[phases, "first"] = queries_of(client, w.series[0].get_absolute_url())
            counts[phases, "list"] = queries_of(client, "/challenges/")
            if phases == 3:
                counts[3, "last"] = queries_of(client, w.series[-1].get_absolute_url())
    with ExitStack() as stack:
        w = build("next_open", stack, phases=2)
        sign_in(client, w.people[role])
        counts[2, "last"] = queries_of(client, w.series[-1].get_absolute_url())
    for small, large in [((1, "first"), (3, "first")), ((2, "last"), (3, "last")), ((1, "list"), (3, "list"))]:
        # The list of the series of three starts with its open phase and goes on with the
        # closed ones: it reads both parts of the public order, one read more (see
        # core.paging.FirstThenRest), and not one more per challenge.
        spans_both = 1 if small[1] == "list" else 0
        assert len(counts[small]) + spans_both == len(counts[large]), "\n".join(
            [f"{small}:", *counts[small], "", f"{large}:", *counts[large]]
        )
