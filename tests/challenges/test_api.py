"""The challenges API: who sees which challenge, filters, pagination and problems."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from ponte.accounts.services import api_token_create
from ponte.organisations.models import SectorTag
from tests.api.utils import assert_problem, bearer
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
