"""The exchange API: rounds are public, each with its phase; a round that does not exist
answers 404 as problem details."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ponte.exchange.models import RoundPhase
from ponte.exchange.services import rounds as services

pytestmark = pytest.mark.django_db

API = "/api/exchange/rounds"


def test_the_api_lists_every_round_to_anyone_newest_first_with_its_phase(round_in):
    finished = round_in(RoundPhase.FINISHED, title="Last year")
    current = round_in(RoundPhase.APPLICATIONS_OPEN, title="This year")
    upcoming = round_in(RoundPhase.UPCOMING, title="Next year")
    response = Client().get(API)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 3
    assert [(item["id"], item["phase"]) for item in body["items"]] == [
        (upcoming.pk, "upcoming"),
        (current.pk, "applications_open"),
        (finished.pk, "finished"),
    ]
    item = body["items"][1]
    assert item["url"] == f"http://testserver{current.get_absolute_url()}"
    assert item["exchange_starts"] == current.exchange_starts.isoformat()
    assert (item["exchange_days"], item["capacity_per_organisation"]) == (5, 3)


def test_the_api_gives_a_round_with_its_challenges_and_why_it_was_cancelled(programme_manager, opened):
    services.round_cancel(actor=programme_manager, round=opened, reason="No more budget.")
    response = Client().get(f"{API}/{opened.pk}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["phase"] == "cancelled" and body["cancel_reason"] == "No more budget."
    assert [(c["title"], c["description"]) for c in body["challenges"]] == [
        ("Once-only certificates", "Stop asking for what is already held."),
        ("Plain-language letters", ""),
    ]
    first = body["challenges"][0]
    assert first["url"] == f"http://testserver/exchange/challenges/{first['id']}/"
    assert (first["change_meter"], first["change_meter_updated_at"], first["team_size"]) == (None, None, 0)
    assert body["description"] == opened.description


@pytest.mark.parametrize("pk", ["999999", "0", "-1", "abc", str(2**63)])
def test_a_round_that_does_not_exist_is_an_error_not_a_crash(db, pk):
    response = Client().get(f"{API}/{pk}")
    assert response.status_code in (404, 422)
    assert response["Content-Type"].startswith("application/problem+json")


def test_the_list_makes_as_many_queries_with_10_rounds_as_with_2(round_in):
    client = Client()
    for n in range(2):
        round_in(RoundPhase.UPCOMING, title=f"Round {n}")
    client.get(API)
    with CaptureQueriesContext(connection) as few:
        client.get(API)
    for n in range(2, 10):
        round_in(RoundPhase.FINISHED, title=f"Round {n}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(API).json()["count"] == 10
    assert len(few) == len(many)
