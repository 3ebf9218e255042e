"""The lab API: problems are not public. A caller with a personal token reads the problems
they may see — their own, their public bodies', every one for programme managers — and any
other answers 404, exactly like one that does not exist."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ponte.lab.services import experiments as experiment_services
from ponte.lab.services import problems as services
from ponte.lab.services import projects as project_services
from tests.api.utils import assert_problem, bearer
from tests.conftest import give_two_factor
from tests.factories import CompanyFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = "/api/lab/problems"


def brought(member, body, title="Queues at the registry"):
    return services.problem_submit(
        actor=member,
        organisation=body,
        title=title,
        description="People wait three hours.",
        affected="Citizens",
        evidence="Complaints",
        tried="More staff",
    )


@pytest.fixture
def body():
    return OrganisationFactory()


@pytest.fixture
def member(body):
    return MembershipFactory(organisation=body).user


@pytest.fixture
def by_token(token_for):
    return lambda user: Client(headers=bearer(token_for(user)))


def test_a_visitor_reads_no_problem():
    assert_problem(Client().get(LIST), 401)


def test_each_caller_reads_the_problems_they_may_see(body, member, by_token):
    colleague = MembershipFactory(organisation=body).user
    other_body_member = MembershipFactory(organisation=OrganisationFactory()).user
    company_member = MembershipFactory(organisation=CompanyFactory()).user
    manager = UserFactory(is_programme_manager=True)
    give_two_factor(manager)
    problem = brought(member, body)
    elsewhere = brought(other_body_member, other_body_member.memberships.get().organisation, "Elsewhere")

    def ids(user):
        response = by_token(user).get(LIST)
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["items"]]

    assert ids(member) == [problem.pk]
    assert ids(colleague) == [problem.pk]
    assert ids(company_member) == []
    assert ids(manager) == [elsewhere.pk, problem.pk]
    assert_problem(by_token(company_member).get(f"{LIST}/{problem.pk}"), 404)
    detail = by_token(member).get(f"{LIST}/{problem.pk}").json()
    assert detail["reference"] == f"P-{problem.pk}"
    assert detail["status"] == "submitted"
    assert detail["evidence"] == "Complaints"
    assert detail["organisation"] == body.slug


def test_the_list_filters_by_status_and_refuses_an_unknown_one(body, member, by_token):
    manager = UserFactory(is_programme_manager=True)
    declined = brought(member, body, "Declined one")
    services.problem_decline(actor=manager, problem=declined, reason="Not for the lab.")
    waiting = brought(member, body, "Waiting one")
    client = by_token(member)
    assert [p["id"] for p in client.get(LIST, {"status": "declined"}).json()["items"]] == [declined.pk]
    assert [p["id"] for p in client.get(LIST, {"status": "submitted"}).json()["items"]] == [waiting.pk]
    assert_problem(client.get(LIST, {"status": "lost"}), 422)
    assert_problem(client.get(f"{LIST}/0"), 422)
    assert_problem(client.get(f"{LIST}/{2**63}"), 422)


def test_the_list_makes_as_many_queries_for_many_problems_as_for_few(body, member, by_token):
    client = by_token(member)
    brought(member, body, "First")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured)

    queries()  # the first call also notes when the token was last used
    few = queries()
    for number in range(8):
        brought(member, body, f"Problem {number}")
    assert queries() == few


PROJECTS = "/api/lab/projects"


def _project_of(member, body, title):
    """A project of `body` started by the lab team from an accepted problem, `member` on its team."""
    manager = UserFactory(is_programme_manager=True)
    sponsor = UserFactory(is_sponsor=True)
    problem = brought(member, body, title)
    services.problem_accept(actor=manager, problem=problem)
    return project_services.project_start(
        actor=manager,
        problem=problem,
        title=title,
        summary="What the project does.",
        facet="adaptive",
        budget=Decimal("15000"),
        targets="Half the waiting time.",
        sponsor=sponsor,
        team=[member],
    )


def test_a_visitor_reads_no_project():
    assert_problem(Client().get(PROJECTS), 401)


def test_each_caller_reads_the_projects_they_may_see_with_their_experiments(body, member, by_token):
    project = _project_of(member, body, "Shorter queues")
    other_member = MembershipFactory(organisation=OrganisationFactory()).user
    elsewhere = _project_of(other_member, other_member.memberships.get().organisation, "Elsewhere")
    experiment_services.experiment_create(actor=member, project=project, title="A reminder by text message")

    response = by_token(member).get(PROJECTS)
    assert response.status_code == 200, response.content
    assert [item["id"] for item in response.json()["items"]] == [project.pk]
    assert_problem(by_token(member).get(f"{PROJECTS}/{elsewhere.pk}"), 404)
    detail = by_token(member).get(f"{PROJECTS}/{project.pk}").json()
    assert detail["stage"] == "investigate"
    assert detail["organisation"] == body.slug
    assert [e["title"] for e in detail["experiments"]] == ["A reminder by text message"]
    assert detail["experiments"][0]["status"] == "draft"
    assert detail["experiments"][0]["registration"] == {}


def test_a_project_reads_in_as_many_queries_with_many_experiments_as_with_one(body, member, by_token):
    project = _project_of(member, body, "Shorter queues")
    client = by_token(member)
    client.get(PROJECTS)  # the token's first use is recorded once

    def queries_for(count):
        while project.experiments.count() < count:
            experiment_services.experiment_create(actor=member, project=project, title="An experiment")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{PROJECTS}/{project.pk}").status_code == 200
        return len(captured)

    assert queries_for(1) == queries_for(5)


def test_the_project_list_filters_by_stage_and_refuses_an_unknown_facet(body, member, by_token):
    _project_of(member, body, "Shorter queues")
    client = by_token(member)
    assert client.get(f"{PROJECTS}?stage=investigate").json()["count"] == 1
    assert client.get(f"{PROJECTS}?stage=scale").json()["count"] == 0
    assert_problem(client.get(f"{PROJECTS}?facet=nonsense"), 422)
