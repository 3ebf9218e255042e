"""The challenges API: who sees which challenge, filters, pagination and problems."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ponte.accounts.services import api_token_create
from ponte.reference.models import SectorTag
from tests.api.utils import assert_problem, bearer
from tests.challenges import outcomes
from tests.factories import (
    ChallengeFactory,
    CompanyFactory,
    MembershipFactory,
    OrganisationFactory,
    PublishedChallengeFactory,
    UserFactory,
)

LIST = "/api/challenges/"


@pytest.fixture
def as_person(db):
    """as_person(user) is a client that calls the API with that person's read token."""

    def client_for(user):
        _token, raw = api_token_create(user=user, name="script", scope="read")
        return Client(headers=bearer(raw))

    return client_for


@pytest.fixture
def world(db):
    body = OrganisationFactory(name="Health Agency", slug="health-agency")
    now = timezone.now()
    open_one = PublishedChallengeFactory(
        title="Forms nobody finds", owner=body, budget_ceiling=20000, deadline=now + timedelta(days=10)
    )
    open_one.sectors.set([SectorTag.objects.get(code="health")])
    open_one.cpv_codes.set(["72000000-5"])
    closed = PublishedChallengeFactory(title="Paper archives", deadline=now - timedelta(days=1), budget_ceiling=5000)
    draft = ChallengeFactory(title="Secret draft", owner=body)
    in_review = ChallengeFactory(title="In review", owner=body, status="awaiting_review")
    return {"body": body, "open": open_one, "closed": closed, "draft": draft, "in_review": in_review}


def titles(response):
    assert response.status_code == 200, response.content
    return {item["title"] for item in response.json()["items"]}


def test_anyone_lists_the_published_challenges_with_their_facts(world):
    response = Client().get(LIST)
    assert titles(response) == {"Forms nobody finds", "Paper archives"}
    item = next(i for i in response.json()["items"] if i["title"] == "Forms nobody finds")
    assert item["id"] == world["open"].pk
    assert item["organisation"] == "health-agency" and item["organisation_name"] == "Health Agency"
    assert (item["budget_ceiling"], item["currency"], item["status"]) == ("20000.00", "EUR", "open")
    assert item["sectors"] == ["health"]
    assert item["cpv_codes"] == [
        {"code": "72000000-5", "label": "IT services: consulting, software development, Internet and support"}
    ]
    assert item["url"] == f"http://testserver{world['open'].get_absolute_url()}"
    closed = next(i for i in response.json()["items"] if i["title"] == "Paper archives")
    assert closed["status"] == "closed"


@pytest.mark.parametrize("role", ["citizen", "owner_member", "programme_manager", "company_member"])
def test_drafts_are_never_listed(world, as_person, role):
    person = {
        "citizen": lambda: UserFactory(),
        "owner_member": lambda: MembershipFactory(organisation=world["body"]).user,
        "programme_manager": lambda: UserFactory(is_programme_manager=True),
        "company_member": lambda: MembershipFactory(organisation=CompanyFactory()).user,
    }[role]()
    assert titles(as_person(person).get(LIST)) == {"Forms nobody finds", "Paper archives"}


@pytest.mark.parametrize(
    ("role", "draft", "in_review"),
    [
        ("visitor", 404, 404),
        ("citizen", 404, 404),
        ("other_body_member", 404, 404),
        ("company_member", 404, 404),
        ("owner_member", 200, 200),
        ("programme_manager", 404, 200),
    ],
)
def test_detail_visibility_per_role(world, as_person, role, draft, in_review):
    makers = {
        "citizen": lambda: UserFactory(),
        "other_body_member": lambda: MembershipFactory(organisation=OrganisationFactory(), role="admin").user,
        "company_member": lambda: MembershipFactory(organisation=CompanyFactory()).user,
        "owner_member": lambda: MembershipFactory(organisation=world["body"]).user,
        "programme_manager": lambda: UserFactory(is_programme_manager=True),
    }
    client = Client() if role == "visitor" else as_person(makers[role]())
    assert client.get(f"{LIST}{world['open'].pk}").status_code == 200
    assert client.get(f"{LIST}{world['draft'].pk}").status_code == draft
    assert client.get(f"{LIST}{world['in_review'].pk}").status_code == in_review


def test_the_detail_has_the_problem_statement_and_criteria(world):
    body = Client().get(f"{LIST}{world['open'].pk}").json()
    assert body["title"] == "Forms nobody finds"
    assert body["problem"].startswith("Forms are spread")
    assert body["affected"] and body["desired_outcomes"]
    assert body["criteria"] == [
        {"name": "Impact on the people affected", "description": "", "weight": 60},
        {"name": "Feasibility and cost", "description": "", "weight": 40},
    ]


def test_an_unknown_or_invisible_id_is_a_404_problem(world):
    assert_problem(Client().get(f"{LIST}999999"), 404)
    assert_problem(Client().get(f"{LIST}{world['draft'].pk}"), 404)
    assert_problem(Client().get(f"{LIST}0"), 422)
    assert_problem(Client().get(f"{LIST}{2**64}"), 422)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "open"}, {"Forms nobody finds"}),
        ({"status": "closed"}, {"Paper archives"}),
        ({"status": "cancelled"}, set()),
        ({"sector": "health"}, {"Forms nobody finds"}),
        ({"cpv": "72"}, {"Forms nobody finds"}),
        ({"instrument": "pre_commercial"}, set()),
        ({"organisation": "health-agency"}, {"Forms nobody finds"}),
        ({"budget_max": "10000"}, {"Paper archives"}),
        ({"q": "ARCHIVES"}, {"Paper archives"}),
        ({"deadline_before": (timezone.localdate() + timedelta(days=2)).isoformat()}, {"Paper archives"}),
        ({"status": "open", "sector": "health", "budget_max": "20000"}, {"Forms nobody finds"}),
    ],
)
def test_filters(world, query, expected):
    assert titles(Client().get(LIST, query)) == expected


@pytest.mark.parametrize(
    "query",
    [
        {"status": "forever"},
        {"sector": "space"},
        {"cpv": "banana"},
        {"budget_max": "-1"},
        {"budget_max": "lots"},
        {"deadline_before": "0"},
        {"deadline_before": "2026-02-30"},
        {"q": "x" * 201},
        {"limit": "0"},
    ],
)
def test_bad_filters_are_a_422_problem(world, query):
    body = assert_problem(Client().get(LIST, query), 422)
    assert body["errors"]


def test_the_list_pages(db):
    for n in range(7):
        PublishedChallengeFactory(title=f"Challenge {n}", criteria=False)
    first = Client().get(LIST, {"limit": 5}).json()
    second = Client().get(LIST, {"limit": 5, "offset": 5}).json()
    assert first["count"] == second["count"] == 7
    assert len(first["items"]) == 5 and len(second["items"]) == 2
    assert {i["id"] for i in first["items"]}.isdisjoint({i["id"] for i in second["items"]})


# The outcome ------------------------------------------------------------------------------


@pytest.fixture
def decided(db):
    """An awarded challenge (two awards, the first with its contract), one closed without
    award, and one still in evaluation."""
    return {
        "awarded": outcomes.awarded(winners=2, title="Forms nobody finds"),
        "unsuccessful": outcomes.closed_without_award(title="Paper archives"),
        "pending": outcomes.in_evaluation(title="Queues at the registry"),
    }


def same_moment(text, moment):
    """The API writes date-times to the millisecond."""
    return abs(parse_datetime(text) - moment) < timedelta(milliseconds=1)


def test_a_decided_challenge_gives_its_status_and_outcome(decided):
    outcome = decided["awarded"]
    challenge, first, (contract,) = outcome.challenge, outcome.awards[0], outcome.contracts
    body = Client().get(f"{LIST}{challenge.pk}").json()
    assert body["status"] == "awarded"
    assert body["outcome"]["status"] == "awarded"
    assert same_moment(body["outcome"]["decided_at"], challenge.awarded_at)
    assert body["outcome"]["justification"] == "The best value for the people affected."
    civic, big = body["outcome"]["awards"]
    assert civic["id"] == first.pk
    assert civic["supplier"] == {
        "id": first.supplier_id,
        "slug": first.supplier.slug,
        "name": "Civic Data Labs",
        "sme": True,
    }
    assert (civic["value"], civic["currency"]) == ("18000.00", "EUR")
    assert civic["contract"] == {
        "title": "Pilot of the form finder",
        "value": "17500.25",
        "currency": "EUR",
        "date_signed": contract.date_signed.isoformat(),
        "period_start": contract.period_start.isoformat(),
        "period_end": contract.period_end.isoformat(),
    }
    assert big["supplier"]["name"] == "Big Consulting" and big["supplier"]["sme"] is False
    assert (big["value"], big["contract"]) == ("1500.00", None)
    # The list says the same.
    listed = {item["title"]: item for item in Client().get(LIST).json()["items"]}
    assert listed["Forms nobody finds"]["outcome"] == body["outcome"]


def test_a_challenge_closed_without_award_gives_the_reason_and_no_award(decided):
    challenge = decided["unsuccessful"].challenge
    body = Client().get(f"{LIST}{challenge.pk}").json()
    assert body["status"] == "not_awarded"
    assert same_moment(body["outcome"].pop("decided_at"), challenge.closed_at)
    assert body["outcome"] == {
        "status": "not_awarded",
        "justification": "No proposal met the minimum standard.",
        "awards": [],
    }


def test_before_the_outcome_there_is_none(decided):
    body = Client().get(f"{LIST}{decided['pending'].challenge.pk}").json()
    assert (body["status"], body["outcome"]) == ("closed", None)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("awarded", {"Forms nobody finds"}),
        ("not_awarded", {"Paper archives"}),
        ("closed", {"Queues at the registry"}),  # past the deadline and not decided
        ("open", set()),
    ],
)
def test_the_status_filter_knows_the_outcome(decided, status, expected):
    assert titles(Client().get(LIST, {"status": status})) == expected


def test_the_public_outcome_leaks_nothing_sealed(decided):
    served = Client().get(LIST).content.decode() + "".join(
        Client().get(f"{LIST}{o.challenge.pk}").content.decode() for o in decided.values()
    )
    assert "SEALED-" not in served and "Eve Evaluator" not in served
    assert "Loser Analytics" not in served and "9000.50" not in served  # a losing bid
    assert "Near Miss" not in served and "5000.00" not in served


def proposals_of(client, challenge):
    response = client.get(f"{LIST}{challenge.pk}/proposals/")
    assert response.status_code == 200, response.content
    return {item["company_name"]: item for item in response.json()}


def test_a_bidder_reads_its_own_outcome_and_feedback(decided, as_person):
    outcome = decided["awarded"]
    winner, loser = outcome.bids[0], outcome.bids[2]
    (mine,) = proposals_of(as_person(winner.member), outcome.challenge).values()
    assert mine["outcome"] == "awarded"
    feedback = mine["feedback"]
    assert feedback["awarded"] is True
    assert feedback["justification"] == "The best value for the people affected."
    assert feedback["total"] == "5.00"
    impact, feasibility = feedback["criteria"]
    assert (impact["criterion"], impact["weight"], impact["score"]) == ("Impact on the people affected", 60, "5.00")
    assert impact["comments"] == [
        {
            "evaluator": "Evaluator 1",
            "score": 5,
            "comment": "SEALED-COMMENT on Civic Data Labs: Impact on the people affected",
        }
    ]
    assert feasibility["criterion"] == "Feasibility and cost"
    # The same through the proposal's own address.
    one = as_person(winner.member).get(f"{LIST}{outcome.challenge.pk}/proposals/{winner.proposal.pk}").json()
    assert one["feedback"] == feedback and one["outcome"] == "awarded"
    # A company that lost reads its own, and nothing of the winner's.
    response = as_person(loser.member).get(f"{LIST}{outcome.challenge.pk}/proposals/")
    (theirs,) = response.json()
    assert theirs["company_name"] == "Loser Analytics"
    assert theirs["outcome"] == "not_awarded" and theirs["feedback"]["awarded"] is False
    assert theirs["feedback"]["total"] == "2.00"
    assert "Civic Data Labs" not in response.content.decode()
    unsuccessful = decided["unsuccessful"]
    (near_miss,) = proposals_of(as_person(unsuccessful.bids[0].member), unsuccessful.challenge).values()
    assert near_miss["outcome"] == "not_awarded"
    assert near_miss["feedback"]["justification"] == "No proposal met the minimum standard."


def test_no_feedback_for_others_before_the_outcome_or_for_a_withdrawn_proposal(decided, as_person):
    outcome = decided["awarded"]
    # Programme managers and the public body read every proposal after the deadline: not the feedback.
    for reader in (UserFactory(is_programme_manager=True), outcome.challenge.author):
        read = proposals_of(as_person(reader), outcome.challenge)
        assert set(read) == {"Civic Data Labs", "Big Consulting", "Loser Analytics"}
        assert all(item["outcome"] is None and item["feedback"] is None for item in read.values())
    # A withdrawn proposal was not evaluated: its company reads it, without an outcome.
    (withdrawn,) = proposals_of(as_person(outcome.withdrawn.member), outcome.challenge).values()
    assert withdrawn["status"] == "withdrawn" and withdrawn["feedback"] is None and withdrawn["outcome"] is None
    # Before the outcome, the bidder reads its proposal without feedback, though it is scored.
    pending = decided["pending"]
    (waiting,) = proposals_of(as_person(pending.bids[0].member), pending.challenge).values()
    assert waiting["outcome"] is None and waiting["feedback"] is None
    # Someone else reads nothing.
    assert proposals_of(as_person(MembershipFactory(organisation=CompanyFactory()).user), outcome.challenge) == {}
    assert proposals_of(Client(), outcome.challenge) == {}


def test_the_list_with_outcomes_does_not_grow_with_them(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        Client().get(LIST)
        with CaptureQueriesContext(connection) as captured:
            assert Client().get(LIST).status_code == 200
        return len(captured.captured_queries)

    outcomes.awarded(winners=2)
    small = count()
    for _ in range(3):
        outcomes.awarded(winners=2)
        outcomes.closed_without_award()
    assert count() == small


# Phases ------------------------------------------------------------------------------------


@pytest.fixture
def series(db):
    """Solution design and Prototype awarded, Test published and open: a series of three."""
    from tests.challenges.phases import worlds as phases

    series = phases.three_phases()
    series.phases[2] = phases.publish(series.phases[2])
    return series


def phase_fields(item):
    return item["phase_name"], item["previous_phase"], item["first_phase"]


def test_the_list_and_the_detail_say_which_phase_a_challenge_is(series):
    design, prototype, test = series.phases
    single = PublishedChallengeFactory(title="One phase only")
    listed = {item["id"]: item for item in Client().get(LIST).json()["items"]}
    expected = {
        design.pk: ("Solution design", None, None),
        prototype.pk: ("Prototype", design.pk, design.pk),
        test.pk: ("Test", prototype.pk, design.pk),
        single.pk: ("", None, None),
    }
    assert {pk: phase_fields(item) for pk, item in listed.items()} == expected
    for pk, fields in expected.items():
        assert phase_fields(Client().get(f"{LIST}{pk}").json()) == fields
    assert listed[test.pk]["status"] == "open" and listed[prototype.pk]["status"] == "awarded"


def test_a_next_phase_in_preparation_is_read_only_by_its_public_body(db, as_person):
    from tests.challenges.phases import worlds as phases

    series = phases.awarded_first_phase()
    draft = phases.next_phase(series, "Prototype", published=False)
    assert_problem(Client().get(f"{LIST}{draft.pk}"), 404)
    assert_problem(as_person(series.invited[0].member).get(f"{LIST}{draft.pk}"), 404)
    assert draft.pk not in {item["id"] for item in Client().get(LIST).json()["items"]}
    body = as_person(series.author).get(f"{LIST}{draft.pk}").json()
    assert phase_fields(body) == ("Prototype", series.first.pk, series.first.pk)
    assert body["status"] == "draft" and body["budget_ceiling"] is None and body["deadline"] is None
    # Its first phase is named now.
    assert phase_fields(Client().get(f"{LIST}{series.first.pk}").json()) == ("Phase 1", None, None)


def test_through_the_api_only_an_invited_company_submits_to_a_later_phase(series):
    from ponte.challenges.models import Proposal

    test = series.phases[2]
    url = f"{LIST}{test.pk}/proposals/"

    def writer(user):
        _token, raw = api_token_create(user=user, name="script", scope="write")
        return Client(headers=bearer(raw))

    def payload(**overrides):
        return {
            "approach": "Test the prototype in two municipalities",
            "criteria": [{"criterion_id": c.pk, "response": "Yes"} for c in test.criteria.all()],
            "team": "Team",
            "price": "85000",
            "timeline": "Six months",
            **overrides,
        }

    # Only Civic Data Labs' prototype was awarded: Big Consulting, invited to the prototype, is not
    # invited to the test.
    civic, big = series.invited
    refused = writer(big.member).post(url, payload(), content_type="application/json")
    assert refused.status_code in (400, 403), refused.content
    # Someone in both companies may submit, for the invited one only, and is told why.
    both = MembershipFactory(organisation=big.company).user
    MembershipFactory(organisation=civic.company, user=both)
    response = writer(both).post(url, payload(company=big.company.slug), content_type="application/json")
    body = assert_problem(response, 400)
    assert "Only the suppliers invited after the previous phase" in body["detail"]
    assert not Proposal.objects.filter(challenge=test).exists()
    response = writer(civic.member).post(url, payload(), content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["company"] == civic.company.slug


def test_the_list_with_phases_does_not_grow_with_them(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.challenges.phases import worlds as phases

    def count():
        Client().get(LIST)
        with CaptureQueriesContext(connection) as captured:
            assert Client().get(LIST).status_code == 200
        return len(captured.captured_queries)

    phases.three_phases()
    small = count()
    for _ in range(2):
        phases.publish(phases.three_phases().phases[2])
    assert count() == small
