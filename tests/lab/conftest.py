"""What the lab's tests share: the answers a public servant gives, a problem brought by a
member of a verified public body, and a way to put a problem in each state through the
services, as the lab team does."""

import pytest

from ponte.core.roles import requires_two_factor
from ponte.lab.models import ProblemStatus
from ponte.lab.services import problems as services
from tests.conftest import give_two_factor

ANSWERS = {
    "title": "Parents queue for hours to enrol a child in school",
    "description": "Every spring, parents queue at the town hall because enrolment opens on one morning.",
    "affected": "About 4,000 families a year, and the front-office staff.",
    "evidence": "Queues of three hours in 2024; 212 complaints to the ombudsman.",
    "tried": "An extra counter in 2023: the queue moved outside.",
}


def submit(actor, organisation, **changes):
    """A problem brought through the service, with the answers above unless changed."""
    return services.problem_submit(actor=actor, organisation=organisation, **{**ANSWERS, **changes})


@pytest.fixture
def problem(organisation, member):
    """A problem the member of the verified public body brought, waiting for triage."""
    return submit(member, organisation)


@pytest.fixture
def put_in(programme_manager, organisation, member):
    """Moves a submitted problem to a state through the service that decides it."""

    def move(problem, status):
        if status == ProblemStatus.ACCEPTED:
            services.problem_accept(actor=programme_manager, problem=problem)
        elif status == ProblemStatus.DECLINED:
            services.problem_decline(actor=programme_manager, problem=problem, reason="Out of the lab's scope.")
        elif status == ProblemStatus.MERGED:
            into = submit(member, organisation, title="The same queue, seen from the school")
            services.problem_merge(actor=programme_manager, problem=problem, into=into)
        elif status == ProblemStatus.SENT_TO_MARKETPLACE:
            services.problem_send_to_marketplace(actor=programme_manager, problem=problem)
        problem.refresh_from_db()
        assert problem.status == status
        return problem

    return move


@pytest.fixture
def login(client):
    """Sign a person in on the test client (None: sign out). Staff roles get their second
    factor first, as they must to use the web."""

    def sign_in(user):
        client.logout()
        if user is None:
            return client
        if requires_two_factor(user) and not user.authenticator_set.exists():
            give_two_factor(user)
        client.force_login(user)
        return client

    return sign_in


# Projects ---------------------------------------------------------------------------------------
#
# What the lab team answers to start a project (its sponsor and team are named by each test),
# a sponsor, and projects started, sponsored and moved through their gates by the services.

PROJECT_ANSWERS = {
    "title": "Enrolment slots booked online",
    "summary": "Parents book a time slot online instead of queuing at the town hall.",
    "facet": "enhancement",
    "budget": "15000.00",
    "targets": "No queue longer than 15 minutes at the 2026 enrolment.",
    "partners": "The regional school office.",
}


def start(actor, problem, **changes):
    """A project started through the service with the answers above unless changed; the
    budget is a Decimal, as the form gives it."""
    from decimal import Decimal

    from ponte.lab.services import projects as project_services

    answers = {**PROJECT_ANSWERS, **changes}
    if isinstance(answers["budget"], str):
        answers["budget"] = Decimal(answers["budget"])
    return project_services.project_start(actor=actor, problem=problem, **answers)


@pytest.fixture
def sponsor(db):
    from tests.factories import UserFactory

    return UserFactory(name="Sofia Sponsor", email="sofia.sponsor@example.com", is_sponsor=True)


@pytest.fixture
def accepted(problem, put_in):
    """The member's problem, accepted into the lab's portfolio: a project may start from it."""
    return put_in(problem, ProblemStatus.ACCEPTED)


@pytest.fixture
def project(accepted, programme_manager, sponsor, member):
    """A project started from the member's accepted problem, the member its team, the sponsor
    asked to sponsor it."""
    return start(programme_manager, accepted, sponsor=sponsor, team=[member])


@pytest.fixture
def sponsored(project, sponsor):
    """The project above, its sponsor having accepted: its team may ask at the gates."""
    from ponte.lab.services import projects as project_services

    project_services.sponsorship_answer(actor=sponsor, project=project, accept=True)
    project.refresh_from_db()
    return project


def ask(actor, project, *, stop=False, evidence="Waiting times fell by half in the pilot.", lessons=""):
    """A gate request through the service."""
    from ponte.lab.services import projects as project_services

    return project_services.gate_request(actor=actor, project=project, stop=stop, evidence=evidence, lessons=lessons)


def decide(actor, project, decision, *, rationale="The evidence holds.", lessons=""):
    """The sponsor's decision on the pending request, through the service; the project is read again."""
    from ponte.lab.services import projects as project_services

    gate = project_services.gate_decide(
        actor=actor, project=project, decision=decision, rationale=rationale, lessons=lessons
    )
    project.refresh_from_db()
    return gate


def advance(project, member, sponsor, times=1):
    """Move a sponsored project on `times` stages: the team asks, the sponsor says go."""
    for _ in range(times):
        ask(member, project)
        decide(sponsor, project, "go")
    return project
