"""What the outcome of a challenge makes public on the marketplace: the awards CSV, the
states in the challenges CSV, the public list's status filter, and a decided challenge
staying public everywhere a published one was (list, detail, search, open-data page)."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.challenges import outcomes
from tests.factories import OrganisationFactory, PublishedChallengeFactory

LIST = "/challenges/"
AWARDS_CSV = "/challenges/awards.csv"
CHALLENGES_CSV = "/challenges/export.csv"


@pytest.fixture
def decided(db):
    """An awarded challenge (two awards, the first with its contract), one closed without
    award, one still in evaluation and one open."""
    body = OrganisationFactory(name="Health Agency", slug="health-agency")
    return {
        "awarded": outcomes.awarded(owner=body, winners=2, title="Forms nobody finds"),
        "unsuccessful": outcomes.closed_without_award(owner=body, title="Paper archives"),
        "pending": outcomes.in_evaluation(owner=body, title="Queues at the registry"),
        "open": PublishedChallengeFactory(owner=body, title="Letters nobody understands"),
    }


def rows_of(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def titles(response):
    return {c.title for c in response.context["page"].object_list}


# The awards CSV ----------------------------------------------------------------------------


def test_the_awards_csv_has_one_row_per_award(client, decided):
    outcome = decided["awarded"]
    first, second = outcome.awards
    (contract,) = outcome.contracts
    response = client.get(AWARDS_CSV)
    assert 'filename="ponte-awards.csv"' in response["Content-Disposition"]
    rows = rows_of(response)
    assert list(rows[0]) == [
        "award_id",
        "challenge_id",
        "challenge_title",
        "public_body",
        "supplier",
        "supplier_registration_number",
        "supplier_sme",
        "value",
        "currency",
        "awarded_at",
        "contract_title",
        "contract_date_signed",
        "contract_value",
        "challenge_url",
    ]
    assert [row["award_id"] for row in rows] == [str(first.pk), str(second.pk)]
    civic, big = rows
    assert civic == {
        "award_id": str(first.pk),
        "challenge_id": str(outcome.challenge.pk),
        "challenge_title": "Forms nobody finds",
        "public_body": "Health Agency",
        "supplier": "Civic Data Labs",
        "supplier_registration_number": first.supplier.registration_number,
        "supplier_sme": "true",
        "value": "18000.00",
        "currency": "EUR",
        "awarded_at": first.awarded_at.isoformat(),
        "contract_title": "Pilot of the form finder",
        "contract_date_signed": contract.date_signed.isoformat(),
        "contract_value": "17500.25",
        "challenge_url": f"http://testserver{outcome.challenge.get_absolute_url()}",
    }
    assert (big["supplier"], big["supplier_sme"], big["value"]) == ("Big Consulting", "false", "1500.00")
    assert (big["contract_title"], big["contract_date_signed"], big["contract_value"]) == ("", "", "")


def test_the_awards_csv_has_nothing_of_the_proposals_that_lost(client, decided):
    text = b"".join(client.get(AWARDS_CSV).streaming_content).decode()
    for sealed in ("SEALED-", "Loser Analytics", "9000.50", "Near Miss Ltd", "Waiting Co", "Withdrawn Works"):
        assert sealed not in text
    assert "Paper archives" not in text and "Queues at the registry" not in text


def test_the_awards_csv_does_not_grow_in_queries_with_the_awards(client, db):
    def count():
        with CaptureQueriesContext(connection) as captured:
            rows_of(client.get(AWARDS_CSV))
        return len(captured.captured_queries)

    outcomes.awarded(winners=2)
    small = count()
    for _ in range(3):
        outcomes.awarded(winners=2)
    assert count() == small


def test_the_open_data_page_offers_the_awards_csv(client, db):
    page = client.get("/open-data/").content.decode()
    assert AWARDS_CSV in page and CHALLENGES_CSV in page
    assert AWARDS_CSV in client.get(LIST).content.decode()


# The challenges CSV and the public list -----------------------------------------------------


def test_the_challenges_csv_gives_the_outcome_as_the_status(client, decided):
    states = {row["title"]: row["status"] for row in rows_of(client.get(CHALLENGES_CSV))}
    assert states == {
        "Forms nobody finds": "awarded",
        "Paper archives": "not_awarded",
        "Queues at the registry": "closed",
        "Letters nobody understands": "open",
    }


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("", {"Forms nobody finds", "Paper archives", "Queues at the registry", "Letters nobody understands"}),
        ("open", {"Letters nobody understands"}),
        # Closed: the deadline has passed and the outcome is not decided yet.
        ("closed", {"Queues at the registry"}),
        ("awarded", {"Forms nobody finds"}),
        ("not_awarded", {"Paper archives"}),
        ("cancelled", set()),
    ],
)
def test_the_status_filter_knows_the_outcome(client, decided, status, expected):
    response = client.get(LIST, {"status": status})
    assert response.status_code == 200
    assert titles(response) == expected
    assert response.context["problems"] == []


def test_the_status_filter_offers_the_outcomes_and_the_list_shows_them(client, decided):
    html = client.get(LIST, {"status": "not_awarded"}).content.decode()
    assert '<option value="awarded">Awarded</option>' in html
    assert '<option value="not_awarded" selected>Closed without award</option>' in html
    html = client.get(LIST).content.decode()
    assert "Closed without award" in html.split('id="results"')[1]
    assert "Awarded" in html.split('id="results"')[1]


def test_a_decided_challenge_stays_public(client, decided):
    for key in ("awarded", "unsuccessful"):
        challenge = decided[key].challenge
        assert client.get(challenge.get_absolute_url()).status_code == 200
        search = client.get("/search/", {"q": challenge.title}).content.decode()
        assert challenge.get_absolute_url() in search
        assert client.get(f"/api/challenges/{challenge.pk}").status_code == 200
    bodies = client.get("/challenges/public-bodies/", {"q": "health"}).json()["results"]
    assert bodies == [{"slug": "health-agency", "name": "Health Agency"}]
