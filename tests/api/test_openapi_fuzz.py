"""Property-based tests of the whole API against its own OpenAPI description.

Schemathesis reads /api/openapi.json from the WSGI application and sends every
operation generated requests, valid and invalid. Whatever it sends, the API must not
fail with a server error, and every answer — status code, content type, headers and
body — must be one the schema declares.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import positive_data_acceptance

from ponte.accounts.services import api_token_create
from ponte.wsgi import application
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)

# Slugs of the organisations the tests create, so that the generated requests reach
# real organisations as well as unknown ones.
KNOWN_SLUGS = ["open-agency", "pending-lab", "other-pending-lab"]


@schema.hook
def before_generate_path_parameters(context, strategy):
    if "{slug}" not in context.operation.path:
        return strategy
    return st.one_of(st.fixed_dictionaries({"slug": st.sampled_from(KNOWN_SLUGS)}), strategy)


FUZZ = settings(
    max_examples=30,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def world(db, settings):
    """A small world: a verified and two pending organisations, and a member of one of them.

    Throttling is tested elsewhere; here it would answer most requests with 429."""
    settings.PONTE_API_RATE_ANON = settings.PONTE_API_RATE_AUTH = "100000/m"
    OrganisationFactory(slug="open-agency", name="Open Agency")
    pending = OrganisationFactory(slug="pending-lab", name="Pending Lab", status="pending", verified_at=None)
    OrganisationFactory(slug="other-pending-lab", name="Other Pending Lab", status="pending", verified_at=None)
    person = UserFactory(name="Fuzz Member")
    MembershipFactory(user=person, organisation=pending, role="admin")
    return person


@pytest.fixture
def _app_keeps_the_test_connection():
    """The WSGI application closes "old" database connections around each request; inside
    a test transaction that would end the transaction. Django's test client disconnects
    the same handler for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Operations that refuse, with 400 and the field at fault, input its schema cannot tell apart
# from good input: the figures' period that ends before it starts, or a quarter not come yet.
# Every other check still holds for them (no server error, every answer as declared).
CHECKED_BEYOND_THE_SCHEMA = {("GET", "/api/insights/figures")}


def call_and_validate(case, **kwargs):
    checked = (case.method.upper(), case.path) in CHECKED_BEYOND_THE_SCHEMA
    return case.call_and_validate(excluded_checks=[positive_data_acceptance] if checked else None, **kwargs)


@pytest.mark.usefixtures("_app_keeps_the_test_connection", "world")
@schema.parametrize()
@FUZZ
def test_api_conforms_to_its_schema_for_anonymous_callers(case):
    call_and_validate(case)


@pytest.fixture
def write_token(world):
    _token, raw = api_token_create(user=world, name="fuzz", scope="write")
    return raw


@pytest.mark.usefixtures("_app_keeps_the_test_connection", "world")
@schema.parametrize()
@FUZZ
def test_api_conforms_to_its_schema_with_a_write_token(case, write_token):
    call_and_validate(case, headers={"Authorization": f"Bearer {write_token}"})


def test_the_schema_and_its_documentation_are_served(client, db):
    document = client.get("/api/openapi.json").json()
    operations = {
        (method, path): operation for path, item in document["paths"].items() for method, operation in item.items()
    }

    me, update_me = operations["get", "/api/me/"], operations["patch", "/api/me/"]
    public = [operations["get", path] for path in ("/api/organisations/", "/api/organisations/{slug}")]
    # Credentials are optional where anyone may call, and required elsewhere.
    assert all({} in operation["security"] for operation in public)
    assert {} not in me["security"] and {} not in update_me["security"]
    assert {"400", "401", "403", "422", "429"} <= set(update_me["responses"])
    for operation in operations.values():
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                assert set(response["content"]) == {"application/problem+json"}, (operation["operationId"], status)
    assert client.get("/api/docs").status_code == 200
