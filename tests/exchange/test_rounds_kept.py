"""The exchange's public pages are kept for visitors and never stale: an edit, a cancellation
or a round changing phase with the clock is on the very next request."""

from datetime import timedelta

import pytest
import time_machine

from ponte.exchange.services import rounds as services

from .conftest import answers

# Invalidation happens when a write's transaction commits: these tests commit.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("pages_kept")]


def read(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize("url", ["/exchange/", "round", "/api/exchange/rounds"])
def test_a_visitor_is_served_a_kept_page_and_an_edit_is_on_the_next_request(
    client, django_assert_num_queries, programme_manager, opened, url
):
    url = opened.get_absolute_url() if url == "round" else url
    assert opened.title in read(client, url)
    with django_assert_num_queries(0):
        read(client, url)
    services.round_update(actor=programme_manager, round=opened, seen_version=1, **answers(title="Spring round"))
    again = read(client, url)
    assert "Spring round" in again and opened.title not in again


def test_a_cancellation_is_on_the_next_request(client, programme_manager, opened):
    assert "Too few organisations" not in read(client, opened.get_absolute_url())
    services.round_cancel(actor=programme_manager, round=opened, reason="Too few organisations signed up.")
    assert "Too few organisations signed up." in read(client, opened.get_absolute_url())


def test_a_round_changing_phase_is_on_the_next_request(client, opened):
    assert "Upcoming" in read(client, "/exchange/")
    with time_machine.travel(opened.applications_open_at + timedelta(seconds=1), tick=False):
        page = read(client, "/exchange/")
        assert "Applications open" in page and "Upcoming" not in page
    with time_machine.travel(opened.applications_close_at + timedelta(seconds=1), tick=False):
        assert "Applications closed: matching" in read(client, opened.get_absolute_url())


def test_a_phase_change_sooner_than_a_page_is_kept_is_on_the_next_request(client, programme_manager):
    from django.utils import timezone

    from .conftest import open_round

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        opens = timezone.now() + timedelta(minutes=2)  # sooner than a page is kept
        round = open_round(programme_manager, applications_open_at=opens)
        assert "Upcoming" in read(client, round.get_absolute_url())
        traveller.move_to(opens - timedelta(seconds=1))
        assert "Upcoming" in read(client, round.get_absolute_url())
        traveller.move_to(opens + timedelta(seconds=1))
        assert "Applications open" in read(client, round.get_absolute_url())
