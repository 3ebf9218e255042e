"""Personal API tokens: created on the account page, shown once, stored as a hash,
accepted until revoked, and never mistaken for an anonymous caller."""

import hashlib
import re

import pytest
from django.test import Client

from ponte.accounts.models import ApiToken
from ponte.core.models import AuditEvent
from tests.api.utils import assert_problem, bearer
from tests.factories import UserFactory


def _token_on_page(response) -> str:
    match = re.search(r'id="new-token">([^<]+)<', response.content.decode())
    assert match, "the new token is not shown"
    return match.group(1).strip()


@pytest.fixture
def signed_in(client, citizen):
    client.force_login(citizen)
    return client


def test_the_account_page_shows_a_new_token_once_and_stores_only_its_hash(signed_in, citizen):
    response = signed_in.post("/me/api-tokens/", {"name": "Data dashboard", "scope": "read"})

    assert response.status_code == 200
    raw = _token_on_page(response)
    assert raw.startswith("ponte_")
    token = ApiToken.objects.get(user=citizen)
    assert token.name == "Data dashboard"
    assert token.scope == "read"
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    for field, value in stored.items():
        assert raw not in str(value), f"the raw token is stored in {field}"
    assert raw.startswith(token.key_prefix) and len(token.key_prefix) < len(raw)
    # Shown once: the page does not show it again.
    page = signed_in.get("/me/api-tokens/")
    assert page.status_code == 200
    assert raw not in page.content.decode()
    assert token.key_prefix in page.content.decode()


def test_each_token_is_different(signed_in, citizen):
    first = _token_on_page(signed_in.post("/me/api-tokens/", {"name": "one", "scope": "read"}))
    second = _token_on_page(signed_in.post("/me/api-tokens/", {"name": "two", "scope": "read"}))

    assert first != second
    assert ApiToken.objects.filter(user=citizen).count() == 2


def test_a_token_from_the_account_page_authenticates_the_api(signed_in, citizen):
    raw = _token_on_page(signed_in.post("/me/api-tokens/", {"name": "script", "scope": "read"}))

    response = Client().get("/api/me/", headers=bearer(raw))

    assert response.status_code == 200
    assert response.json()["email"] == citizen.email
    assert response.json()["name"] == "Carla Citizen"
    assert ApiToken.objects.get(user=citizen).last_used_at is not None


def test_a_revoked_token_is_refused(signed_in, citizen):
    raw = _token_on_page(signed_in.post("/me/api-tokens/", {"name": "script", "scope": "write"}))
    token = ApiToken.objects.get(user=citizen)
    assert Client().get("/api/me/", headers=bearer(raw)).status_code == 200

    response = signed_in.post(f"/me/api-tokens/{token.pk}/revoke/")

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(verb="revoke_api_token", actor=citizen).exists()
    refused = Client().get("/api/me/", headers=bearer(raw))
    assert_problem(refused, 401)
    assert refused["WWW-Authenticate"] == "Bearer"
    # Not even public data: a refused token is never treated as "no token".
    assert_problem(Client().get("/api/organisations/", headers=bearer(raw)), 401)


def test_revoking_needs_a_post(signed_in, citizen, token_for):
    token_for(citizen)
    token = ApiToken.objects.get(user=citizen)

    assert signed_in.get(f"/me/api-tokens/{token.pk}/revoke/").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_another_persons_token_cannot_be_revoked(signed_in, token_for):
    other = UserFactory()
    raw = token_for(other)
    token = ApiToken.objects.get(user=other)

    response = signed_in.post(f"/me/api-tokens/{token.pk}/revoke/")

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert Client().get("/api/me/", headers=bearer(raw)).json()["email"] == other.email


def test_the_account_page_lists_only_ones_own_tokens(signed_in, token_for):
    token_for(UserFactory(), name="somebody else's")

    assert "somebody else" not in signed_in.get("/me/api-tokens/").content.decode()


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer garbage",
        "Bearer ponte_",
        "Bearer ponte_" + "x" * 43,
        "Bearer ponte_" + "x" * 200,
        "Bearer ",
        "Basic Y2FybGFAZXhhbXBsZS5jb206cGFzc3dvcmQ=",
        "garbage",
    ],
)
@pytest.mark.parametrize("path", ["/api/me/", "/api/organisations/", "/api/organisations/agency-for-modernisation"])
def test_a_wrong_token_is_refused_even_where_no_token_is_needed(db, organisation, path, authorization):
    response = Client().get(path, headers={"Authorization": authorization})

    assert_problem(response, 401)


def test_a_token_with_one_character_changed_is_refused(citizen, token_for):
    raw = token_for(citizen)
    tampered = raw[:-1] + ("A" if raw[-1] != "A" else "B")

    assert_problem(Client().get("/api/me/", headers=bearer(tampered)), 401)


def test_a_wrong_token_is_refused_when_writing_too(citizen, csrf_client):
    """Not a CSRF failure (403), and nothing changes."""
    response = csrf_client.patch(
        "/api/me/", {"name": "Mallory"}, content_type="application/json", headers=bearer("ponte_not-a-real-token")
    )

    assert_problem(response, 401)
    citizen.refresh_from_db()
    assert citizen.name == "Carla Citizen"


def test_the_token_of_an_inactive_person_is_refused(citizen, token_for):
    raw = token_for(citizen)
    assert Client().get("/api/me/", headers=bearer(raw)).status_code == 200
    citizen.is_active = False
    citizen.save(update_fields=["is_active"])

    assert_problem(Client().get("/api/me/", headers=bearer(raw)), 401)
    assert_problem(Client().get("/api/organisations/", headers=bearer(raw)), 401)


def test_a_token_speaks_for_its_owner_not_for_the_session(client, citizen, token_for):
    """A browser signed in as one person that sends another person's token is that other person."""
    other = UserFactory(name="Olivia Other")
    client.force_login(citizen)

    response = client.get("/api/me/", headers=bearer(token_for(other)))

    assert response.json()["email"] == other.email


class TestScopes:
    def test_a_read_only_token_reads(self, citizen, token_for):
        response = Client().get("/api/me/", headers=bearer(token_for(citizen, "read")))

        assert response.status_code == 200
        assert response.json()["name"] == "Carla Citizen"

    def test_a_read_only_token_cannot_write(self, citizen, token_for):
        raw = token_for(citizen, "read")

        response = Client().patch(
            "/api/me/", {"name": "Changed", "language": "fr"}, content_type="application/json", headers=bearer(raw)
        )

        assert_problem(response, 403)
        citizen.refresh_from_db()
        assert (citizen.name, citizen.language) == ("Carla Citizen", "en")
        assert not AuditEvent.objects.filter(verb="update_profile").exists()

    def test_a_write_token_writes_and_the_change_is_audited(self, citizen, token_for):
        raw = token_for(citizen, "write")

        response = Client().patch(
            "/api/me/",
            {"name": "Carla Cidadã", "language": "pt-pt"},
            content_type="application/json",
            headers=bearer(raw),
        )

        assert response.status_code == 200
        assert response.json()["name"] == "Carla Cidadã"
        assert response.json()["language"] == "pt-pt"
        citizen.refresh_from_db()
        assert (citizen.name, citizen.language) == ("Carla Cidadã", "pt-pt")
        event = AuditEvent.objects.get(verb="update_profile")
        assert event.actor == citizen
        assert event.target_id == str(citizen.pk)
        assert event.before == {"name": "Carla Citizen", "language": "en"}
        assert event.after == {"name": "Carla Cidadã", "language": "pt-pt"}
        # What was written is what the API reads back.
        assert Client().get("/api/me/", headers=bearer(raw)).json()["name"] == "Carla Cidadã"

    def test_a_partial_update_keeps_the_rest(self, citizen, token_for):
        raw = token_for(citizen, "write")

        response = Client().patch("/api/me/", {"language": "sl"}, content_type="application/json", headers=bearer(raw))

        assert response.status_code == 200
        citizen.refresh_from_db()
        assert (citizen.name, citizen.language) == ("Carla Citizen", "sl")
