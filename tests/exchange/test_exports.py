"""The exchange's open data: every round with its figures, and the organisations its completed
exchanges connected, as CSV anyone may download from the open-data page. Organisations and
numbers only: no person's name is in them."""

import csv
import io

import pytest
from django.test import Client

from ponte.exchange.models import FeedbackRole, Pair, PairStatus, RoundPhase
from ponte.organisations.models import Organisation
from tests.reading import Page

from .test_after import answer, exchanged

pytestmark = pytest.mark.django_db


def rows(url: str) -> list[dict]:
    response = Client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.fixture
def finished(round_in, programme_manager):
    """A round with two completed exchanges (one surveyed) and a third one cancelled."""
    round = round_in(RoundPhase.MATCHING, title="Partnership for change 2026")
    first, second, third = exchanged(round, programme_manager, count=3)
    answer(first, first.public.applicant, FeedbackRole.GUEST, "public", satisfaction=5)
    answer(first, first.company.applicant, FeedbackRole.GUEST, "company", satisfaction=4)
    Pair.objects.filter(pk=third.pk).update(status=PairStatus.CANCELLED)
    return round, [first, second]


def test_each_round_is_a_row_with_its_figures(finished, round_in):
    round, _done = finished
    upcoming = round_in(RoundPhase.UPCOMING, title="Partnership for change 2028")

    by_id = {row["id"]: row for row in rows("/exchange/rounds.csv")}

    row = by_id[str(round.pk)]
    assert row["title"] == "Partnership for change 2026"
    assert (row["exchanges_completed"], row["exchanges_cancelled"], row["people_exchanged"]) == ("2", "1", "4")
    assert (row["public_bodies"], row["companies"], row["public_servants"], row["company_employees"]) == (
        "3",
        "3",
        "3",
        "3",
    )
    assert (row["survey_answers"], row["mean_satisfaction"]) == ("2", "4.50")
    assert row["exchange_starts"] == round.exchange_starts.isoformat()
    assert row["url"] == f"http://testserver{round.get_absolute_url()}"
    later = by_id[str(upcoming.pk)]
    assert (later["phase"], later["exchanges_completed"], later["mean_satisfaction"]) == ("upcoming", "0", "")


def test_the_network_lists_the_organisations_each_completed_exchange_connected_and_no_person(finished):
    round, done = finished

    found = rows("/exchange/network.csv")

    assert sorted((row["public_body"], row["company"]) for row in found) == sorted(
        (pair.public.organisation.slug, pair.company.organisation.slug) for pair in done
    )
    assert {row["round_id"] for row in found} == {str(round.pk)}
    assert {row["exchanges"] for row in found} == {"1"}
    text = "".join(str(value) for row in found for value in row.values())
    for pair in Pair.objects.filter(round=round).select_related("public__applicant", "company__applicant"):
        assert pair.public.applicant.name not in text and pair.company.applicant.name not in text


def test_a_name_that_a_spreadsheet_would_run_is_written_as_text(finished):
    _round, done = finished
    Organisation.objects.filter(pk=done[0].public.organisation_id).update(name="=HYPERLINK(1)")

    names = [row["public_body_name"] for row in rows("/exchange/network.csv")]

    assert "'=HYPERLINK(1)" in names and "=HYPERLINK(1)" not in names


def test_the_open_data_page_and_the_statistics_lead_to_both_files(finished):
    round, _done = finished
    open_data = Page(Client().get("/open-data/"))
    assert open_data.link(
        "Exchange rounds (CSV): every round of the staff exchange, with who took part and how it went"
    ) == ("/exchange/rounds.csv")
    assert open_data.link(
        "Exchange network (CSV): the public bodies and companies each round's exchanges connected"
    ) == ("/exchange/network.csv")
    statistics = Page(Client().get(f"/exchange/rounds/{round.pk}/statistics/"))
    assert statistics.link("every round's network (CSV)") == "/exchange/network.csv"
