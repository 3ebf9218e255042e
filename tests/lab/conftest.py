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
