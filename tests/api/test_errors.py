"""Every error the API gives is a JSON problem (RFC 9457) a program can act on."""

import pytest
from django.test import Client

from ponte.core.models import AuditEvent
from tests.api.utils import assert_problem, bearer


@pytest.fixture
def writer(citizen, token_for):
    return bearer(token_for(citizen, "write"))


def test_401_when_credentials_are_needed(db):
    response = Client().get("/api/me/")

    body = assert_problem(response, 401)
    assert body["detail"]
    assert response["WWW-Authenticate"] == "Bearer"


def test_403_for_a_read_only_token_writing(citizen, token_for):
    response = Client().patch(
        "/api/me/", {"name": "X"}, content_type="application/json", headers=bearer(token_for(citizen))
    )

    assert_problem(response, 403)


@pytest.mark.parametrize(
    "path",
    [
        "/api/organisations/no-such-organisation",
        "/api/organisations/no-such-organisation/members",
        "/api/organisations/nul%00byte",
        "/api/organisations/nul%00byte/members",
    ],
)
def test_404_for_an_unknown_organisation(db, path):
    assert_problem(Client().get(path), 404)


@pytest.mark.parametrize(
    ("payload", "location"),
    [
        ({"name": 5}, "name"),
        ({"name": ["Carla"]}, "name"),
        ({"language": 3}, "language"),
        ({"language": "de"}, "language"),
        ({"language": "EN"}, "language"),
        ({"language": "pt"}, "language"),
        ({"name": "x" * 151}, "name"),
        ({"name": ""}, "name"),
    ],
)
def test_422_for_an_invalid_body_and_nothing_changes(citizen, writer, payload, location):
    response = Client().patch("/api/me/", payload, content_type="application/json", headers=writer)

    body = assert_problem(response, 422)
    assert body["detail"]
    assert [error["location"].split(".")[-1] for error in body["errors"]] == [location]
    assert all(error["message"] for error in body["errors"])
    citizen.refresh_from_db()
    assert (citizen.name, citizen.language) == ("Carla Citizen", "en")
    assert not AuditEvent.objects.filter(verb="update_profile").exists()


@pytest.mark.parametrize("raw_body", ["[]", '[{"name": "Carla"}]', '"Carla"', "42", "null", ""])
def test_422_for_a_body_that_is_not_an_object(citizen, writer, raw_body):
    response = Client().patch("/api/me/", raw_body, content_type="application/json", headers=writer)

    assert_problem(response, 422)
    citizen.refresh_from_db()
    assert citizen.name == "Carla Citizen"


def test_400_for_a_body_that_is_not_json(citizen, writer):
    response = Client().patch("/api/me/", "{name: 'Carla'", content_type="application/json", headers=writer)

    assert_problem(response, 400)


def test_the_longest_valid_name_is_accepted(citizen, writer):
    response = Client().patch("/api/me/", {"name": "x" * 150}, content_type="application/json", headers=writer)

    assert response.status_code == 200
    citizen.refresh_from_db()
    assert citizen.name == "x" * 150


@pytest.mark.parametrize(
    ("query", "location"),
    [
        ("kind=nonsense", "kind"),
        ("country=XX", "country"),
        ("sector=space", "sector"),
        ("limit=-1", "limit"),
        ("limit=0", "limit"),
        ("limit=ten", "limit"),
        ("limit=1001", "limit"),
        ("limit=99999999999999999999999", "limit"),
        ("offset=-1", "offset"),
        ("offset=99999999999999999999", "offset"),
        ("q=" + "x" * 201, "q"),
        ("q=nul%00byte", "q"),
    ],
)
def test_422_for_an_invalid_query(db, query, location):
    response = Client().get(f"/api/organisations/?{query}")

    body = assert_problem(response, 422)
    assert [error["location"] for error in body["errors"]] == [f"query.{location}"]


class TestThrottling:
    def test_429_when_an_anonymous_caller_goes_too_fast(self, db, settings):
        settings.PONTE_API_RATE_ANON = "3/m"
        client = Client()

        for _ in range(3):
            assert client.get("/api/organisations/").status_code == 200
        response = client.get("/api/organisations/")

        assert_problem(response, 429)
        assert int(response["Retry-After"]) > 0

    def test_the_visitor_limit_is_per_address(self, db, settings):
        settings.PONTE_API_RATE_ANON = "1/m"

        assert Client(REMOTE_ADDR="192.0.2.1").get("/api/organisations/").status_code == 200
        assert_problem(Client(REMOTE_ADDR="192.0.2.1").get("/api/organisations/"), 429)
        assert Client(REMOTE_ADDR="192.0.2.2").get("/api/organisations/").status_code == 200

    def test_a_person_with_a_token_has_their_own_limit(self, citizen, token_for, settings):
        settings.PONTE_API_RATE_ANON = "1/m"
        settings.PONTE_API_RATE_AUTH = "2/m"
        raw = token_for(citizen)
        client = Client()

        assert client.get("/api/organisations/").status_code == 200
        assert_problem(client.get("/api/organisations/"), 429)
        # The anonymous limit is spent, but the person has their own.
        assert client.get("/api/me/", headers=bearer(raw)).status_code == 200
        assert client.get("/api/organisations/", headers=bearer(raw)).status_code == 200
        assert_problem(client.get("/api/me/", headers=bearer(raw)), 429)

    def test_the_person_limit_follows_the_person_across_tokens(self, citizen, token_for, settings):
        settings.PONTE_API_RATE_AUTH = "2/m"
        first, second = token_for(citizen), token_for(citizen)

        assert Client().get("/api/me/", headers=bearer(first)).status_code == 200
        assert Client().get("/api/me/", headers=bearer(second)).status_code == 200
        assert_problem(Client().get("/api/me/", headers=bearer(first)), 429)
