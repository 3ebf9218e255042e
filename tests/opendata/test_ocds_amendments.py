"""Amendments in the OCDS open data: every earlier release is kept as it was published (same id,
same date, same tender period), and each amendment adds a `tenderAmendment` release whose
`tender.amendments` names it, with the releases before and after it."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ponte.challenges.services import amendments as amendments_services
from ponte.challenges.services import drafting as drafting_services
from ponte.challenges.services import review as review_services
from ponte.opendata import ocds
from tests.factories import MembershipFactory, OrganisationFactory, PublishedChallengeFactory
from tests.opendata.test_ocds import _offline_standard, assert_valid, review  # noqa: F401  (fixture)

LISBON = ZoneInfo("Europe/Lisbon")
PUBLISHED = datetime(2026, 11, 20, 9, 0, tzinfo=LISBON)
TODAY = datetime(2026, 12, 3, 10, 0, tzinfo=LISBON)
DEADLINE = datetime(2026, 12, 19, 17, 0, tzinfo=LISBON)
LATER = datetime(2027, 1, 9, 17, 0, tzinfo=LISBON)
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
RELEASES = "/open-data/ocds/releases.json"


def record_url(challenge):
    return f"/open-data/ocds/records/{ocds.ocid_for(challenge)}.json"


@pytest.fixture
def now():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def challenge(db, now):
    agency = OrganisationFactory(name="Agência para a Modernização Administrativa", slug="ama", country="PT")
    author = MembershipFactory(organisation=agency).user
    return PublishedChallengeFactory(
        owner=agency,
        author=author,
        title="Forms nobody finds",
        summary="People lose hours.",
        published_at=PUBLISHED,
        deadline=DEADLINE,
    )


def releases_of(client, challenge):
    return client.get(record_url(challenge)).json()["records"][0]["releases"]


def test_a_moved_deadline_keeps_the_tender_release_and_adds_an_amendment_release(client, challenge, tmp_path):
    [before] = releases_of(client, challenge)
    drafting_services.challenge_update(
        actor=challenge.author, challenge=challenge, deadline=LATER, rationale="More time to gather data."
    )
    package = client.get(record_url(challenge)).json()
    tender_release, amendment_release = package["records"][0]["releases"]
    # The tender release is the one published before, unchanged: same id, date and period.
    assert tender_release == before
    assert tender_release["tender"]["tenderPeriod"] == {
        "startDate": "2026-11-20T09:00:00Z",
        "endDate": "2026-12-19T17:00:00Z",
    }
    assert amendment_release["tag"] == ["tenderAmendment"]
    assert amendment_release["date"] == "2026-12-03T10:00:00Z"
    assert amendment_release["id"] != tender_release["id"]
    assert amendment_release["tender"]["status"] == "active"
    assert amendment_release["tender"]["tenderPeriod"] == {
        "startDate": "2026-11-20T09:00:00Z",
        "endDate": "2027-01-09T17:00:00Z",
    }
    assert amendment_release["tender"]["amendments"] == [
        {
            "id": "1",
            "date": "2026-12-03T10:00:00Z",
            "rationale": "More time to gather data.",
            "description": "deadline moved to 9 January 2027, 17:00 (Lisbon time)",
            "amendsReleaseID": tender_release["id"],
            "releaseID": amendment_release["id"],
        }
    ]
    assert_valid(review(tmp_path, package, "record.json"))
    compiled = package["records"][0]["compiledRelease"]
    assert compiled["tender"]["tenderPeriod"]["startDate"] == "2026-11-20T09:00:00Z"
    assert compiled["tender"]["tenderPeriod"]["endDate"] == "2027-01-09T17:00:00Z"
    assert [a["id"] for a in compiled["tender"]["amendments"]] == ["1"]


def test_each_amendment_release_lists_the_amendments_so_far_in_a_chain(client, challenge, now, tmp_path):
    drafting_services.challenge_update(
        actor=challenge.author, challenge=challenge, deadline=LATER, rationale="More time."
    )
    now.shift(timedelta(days=2))
    drafting_services.challenge_update(
        actor=challenge.author, challenge=challenge, summary="People lose hours and give up.", rationale="Clearer."
    )
    tender_release, first, second = releases_of(client, challenge)
    assert tender_release["tender"]["description"].startswith("People lose hours.")
    assert first["tender"]["description"].startswith("People lose hours.")  # as the first amendment left it
    assert second["tender"]["description"].startswith("People lose hours and give up.")
    assert [a["id"] for a in first["tender"]["amendments"]] == ["1"]
    amendments = second["tender"]["amendments"]
    assert [(a["id"], a["amendsReleaseID"], a["releaseID"]) for a in amendments] == [
        ("1", tender_release["id"], first["id"]),
        ("2", first["id"], second["id"]),
    ]
    assert amendments[1]["description"] == "summary clarified"
    assert_valid(review(tmp_path, client.get(RELEASES).json(), "releases.json"))


def test_a_document_added_by_amendment_is_not_in_the_releases_before_it(client, challenge):
    upload = SimpleUploadedFile("Queue data.pdf", PDF, content_type="application/pdf")
    amendments_services.challenge_add_documents(
        actor=challenge.author, challenge=challenge, files=[upload], rationale="Companies asked for it."
    )
    tender_release, amendment_release = releases_of(client, challenge)

    def bidding(release):
        return [d for d in release["tender"]["documents"] if d["documentType"] == "biddingDocuments"]

    assert bidding(tender_release) == []
    [document] = bidding(amendment_release)
    assert document["title"] == "Queue data.pdf"
    assert document["datePublished"] == "2026-12-03T10:00:00Z"


def test_a_revision_keeps_the_budget_the_tender_was_published_with(client, challenge, programme_manager, now):
    drafting_services.challenge_update(actor=challenge.author, challenge=challenge, budget_ceiling=Decimal("25000"))
    now.shift(timedelta(days=1))
    review_services.challenge_approve(actor=programme_manager, challenge=challenge)
    review_services.challenge_publish(actor=programme_manager, challenge=challenge)
    tender_release, revision = releases_of(client, challenge)
    assert tender_release["date"] == "2026-11-20T09:00:00Z"
    assert tender_release["tender"]["value"]["amount"] == 20000
    assert revision["tag"] == ["tenderAmendment"]
    assert revision["tender"]["value"]["amount"] == 25000
    assert revision["tender"]["amendments"][0]["description"] == "budget ceiling changed to EUR 25,000 excluding VAT"


def test_the_feed_lists_the_amendment_releases_by_date(client, challenge, now):
    drafting_services.challenge_update(
        actor=challenge.author, challenge=challenge, deadline=LATER, rationale="More time."
    )
    releases = client.get(RELEASES).json()["releases"]
    assert [r["tag"] for r in releases] == [["tender"], ["tenderAmendment"]]
    since = ocds.iso(PUBLISHED + timedelta(seconds=1))
    later = client.get(RELEASES, {"since": since}).json()["releases"]
    assert [r["tag"] for r in later] == [["tenderAmendment"]]


def test_the_number_of_queries_does_not_grow_with_the_amendments(client, challenge, now):
    def count(url):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    drafting_services.challenge_update(
        actor=challenge.author, challenge=challenge, deadline=LATER, rationale="More time."
    )
    one = {url: count(url) for url in (RELEASES, record_url(challenge), "/open-data/ocds/records.json")}
    for day in range(1, 6):
        now.shift(timedelta(hours=1))
        drafting_services.challenge_update(
            actor=challenge.author, challenge=challenge, deadline=LATER + timedelta(days=day), rationale="More."
        )
    other = PublishedChallengeFactory(owner=challenge.owner, author=challenge.author)
    drafting_services.challenge_update(
        actor=challenge.author, challenge=other, deadline=other.deadline + timedelta(days=1), rationale="More."
    )
    many = {url: count(url) for url in one}
    assert many == one
