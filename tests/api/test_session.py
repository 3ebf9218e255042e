"""The browser's own session works with the API; writing needs the CSRF token, and staff
without a second factor are stopped."""

import pytest

from ponte.core.models import AuditEvent
from tests.api.utils import assert_problem, bearer
from tests.conftest import give_two_factor
from tests.factories import UserFactory


@pytest.fixture
def signed_in(csrf_client, citizen):
    csrf_client.force_login(citizen)
    return csrf_client


def _csrf_token(client) -> str:
    client.get("/me/api-tokens/")  # any page with a form sets the CSRF cookie
    return client.cookies["csrftoken"].value


def test_a_signed_in_session_reads_the_api(signed_in, citizen):
    response = signed_in.get("/api/me/")

    assert response.status_code == 200
    assert response.json()["email"] == citizen.email


def test_without_a_session_or_token_the_api_asks_for_credentials(csrf_client, db):
    assert_problem(csrf_client.get("/api/me/"), 401)


def test_writing_with_a_session_but_without_the_csrf_token_is_refused(signed_in, citizen):
    response = signed_in.patch("/api/me/", {"name": "Forged"}, content_type="application/json")

    assert_problem(response, 403)
    citizen.refresh_from_db()
    assert citizen.name == "Carla Citizen"
    assert not AuditEvent.objects.filter(verb="update_profile").exists()


def test_writing_with_a_session_and_a_wrong_csrf_token_is_refused(signed_in, citizen):
    _csrf_token(signed_in)

    response = signed_in.patch(
        "/api/me/", {"name": "Forged"}, content_type="application/json", headers={"X-CSRFToken": "x" * 32}
    )

    assert_problem(response, 403)
    citizen.refresh_from_db()
    assert citizen.name == "Carla Citizen"


def test_writing_with_a_session_and_the_csrf_token_works(signed_in, citizen):
    token = _csrf_token(signed_in)

    response = signed_in.patch(
        "/api/me/", {"name": "Carla Updated"}, content_type="application/json", headers={"X-CSRFToken": token}
    )

    assert response.status_code == 200
    assert response.json()["name"] == "Carla Updated"
    citizen.refresh_from_db()
    assert citizen.name == "Carla Updated"
    assert AuditEvent.objects.filter(verb="update_profile", actor=citizen).exists()


def test_writing_without_a_session_asks_for_credentials_not_a_csrf_token(csrf_client, db):
    assert_problem(csrf_client.patch("/api/me/", {"name": "Nobody"}, content_type="application/json"), 401)


def test_a_write_token_needs_no_csrf_token(csrf_client, citizen, token_for):
    response = csrf_client.patch(
        "/api/me/", {"name": "Via Token"}, content_type="application/json", headers=bearer(token_for(citizen, "write"))
    )

    assert response.status_code == 200
    citizen.refresh_from_db()
    assert citizen.name == "Via Token"


@pytest.fixture
def sponsor(db):
    return UserFactory(name="Sam Sponsor", is_sponsor=True)


STAFF = [
    ("programme_manager", "programme_manager"),
    ("sponsor", "sponsor"),
    ("platform_admin", "platform_admin"),
]


@pytest.mark.parametrize(("person", "role"), STAFF)
@pytest.mark.parametrize("path", ["/api/me/", "/api/organisations/"])
def test_staff_without_a_second_factor_are_stopped(request, csrf_client, person, role, path):
    user = request.getfixturevalue(person)
    csrf_client.force_login(user)

    body = assert_problem(csrf_client.get(path), 403)

    assert "two-factor" in body["title"].lower()


@pytest.mark.parametrize(("person", "role"), STAFF)
def test_staff_with_a_second_factor_use_the_api(request, csrf_client, person, role):
    user = request.getfixturevalue(person)
    give_two_factor(user)
    csrf_client.force_login(user)

    response = csrf_client.get("/api/me/")

    assert response.status_code == 200
    assert role in response.json()["roles"]


def test_people_without_a_staff_role_need_no_second_factor(signed_in):
    response = signed_in.get("/api/me/")

    assert response.status_code == 200
    assert response.json()["roles"] == []
