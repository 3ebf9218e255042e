import pytest

from ponte.core.roles import requires_two_factor
from tests.conftest import give_two_factor
from tests.factories import MembershipFactory, OrganisationFactory


@pytest.fixture
def login(client):
    """Sign a person in on the test client. Staff roles get their second factor first,
    as they must to use the web, unless `two_factor=False`."""

    def sign_in(user, *, two_factor=True):
        if two_factor and requires_two_factor(user):
            give_two_factor(user)
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def pending_organisation(db):
    return OrganisationFactory(
        name="Ministry in Waiting", slug="ministry-in-waiting", status="pending", verified_at=None, tier="ministry"
    )


@pytest.fixture
def pending_admin(pending_organisation):
    return MembershipFactory(organisation=pending_organisation, role="admin", user__name="Petra Pending").user
