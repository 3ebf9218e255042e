"""The OCDS open data: valid against OCDS 1.1 (libcoveocds, offline), compiled with ocdsmerge,
sealed (nothing that is not public), paged, and with a constant number of queries."""

import json
import zipfile
from datetime import datetime, time, timedelta
from pathlib import Path

import ocdsmerge
import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ponte.challenges.models import Criterion
from ponte.opendata import ocds
from ponte.reference.models import CpvCode
from tests.challenges import outcomes
from tests.challenges.phases import worlds as phases
from tests.factories import ChallengeFactory, OrganisationFactory, PublishedChallengeFactory

STANDARD_ZIP = Path(__file__).resolve().parent.parent / "data" / "ocds" / "standard-1__1__5.zip"
RELEASES = "/open-data/ocds/releases.json"
RECORDS = "/open-data/ocds/records.json"


def record_url(ocid):
    return f"/open-data/ocds/records/{ocid}.json"


@pytest.fixture
def world(db):
    """Demo-like data: an open call with CPV codes and weighted criteria, a closed one, a
    cancelled one, one whose revision is under review, and challenges never published."""
    body = OrganisationFactory(name="Agência para a Modernização Administrativa", slug="ama", country="PT")
    cpv = [
        CpvCode.objects.get_or_create(code="72000000-5", defaults={"label": "IT services"})[0],
        CpvCode.objects.get_or_create(code="79311000-7", defaults={"label": "Survey services"})[0],
    ]
    now = timezone.now()
    open_call = PublishedChallengeFactory(owner=body, title="Forms nobody finds", budget_ceiling="29999.50")
    open_call.cpv_codes.set(cpv)
    closed = PublishedChallengeFactory(
        owner=body,
        title="Queues at the registry",
        published_at=now - timezone.timedelta(days=40),
        deadline=now - timezone.timedelta(days=5),
        instrument="prize",
    )
    cancelled = PublishedChallengeFactory(
        owner=body,
        title="Paper permits",
        status="cancelled",
        cancelled_at=now - timezone.timedelta(hours=2),
        cancellation_reason="The law changed; the problem is gone.",
        instrument="pre_commercial",
        budget_ceiling=None,
    )
    under_revision = PublishedChallengeFactory(owner=body, title="Late benefit payments", status="awaiting_review")
    draft = ChallengeFactory(owner=body, title="SECRET-DRAFT-TITLE", problem="SECRET-DRAFT-PROBLEM")
    in_review = ChallengeFactory(
        owner=body, title="SECRET-REVIEW-TITLE", summary="SECRET-REVIEW-SUMMARY", status="awaiting_review"
    )
    Criterion.objects.create(challenge=in_review, name="SECRET-REVIEW-CRITERION", weight=100)
    cancelled_unpublished = ChallengeFactory(owner=body, title="SECRET-NEVER-PUBLISHED", status="cancelled")
    return {
        "open": open_call,
        "closed": closed,
        "cancelled": cancelled,
        "under_revision": under_revision,
        "hidden": [draft, in_review, cancelled_unpublished],
    }


class _StandardFromZip:
    """Stands in for `requests` in jsonref: libcoveocds 0.17 dereferences the record package
    schema's `versionedRelease` $ref by its address even with a `standard_zip`. This serves
    the standard's files from the ZIP and refuses every other address: the tests stay offline."""

    BASE = "https://standard.open-contracting.org/schema/1__1__5/"

    class _Response:
        def __init__(self, data):
            self.data = data

        def raise_for_status(self):
            pass

        def json(self, **kwargs):
            return json.loads(self.data, **kwargs)

    def get(self, uri, *args, **kwargs):
        if not uri.startswith(self.BASE):
            raise AssertionError(f"the OCDS review tried to reach {uri}")
        with zipfile.ZipFile(STANDARD_ZIP) as standard:
            return self._Response(standard.read(f"standard-1__1__5/schema/{uri.removeprefix(self.BASE)}"))


@pytest.fixture(autouse=True)
def _offline_standard(monkeypatch):
    import jsonref

    monkeypatch.setattr(jsonref, "requests", _StandardFromZip())


def review(tmp_path, package, name):
    """Run the OCDS Data Review Tool's library on a package, offline, with the standard's ZIP."""
    from libcoveocds.api import ocds_json_output
    from libcoveocds.config import LibCoveOCDSConfig

    path = tmp_path / name
    path.write_text(json.dumps(package), encoding="utf-8")
    output_dir = tmp_path / f"{name}-review"
    output_dir.mkdir()
    config = LibCoveOCDSConfig({"standard_zip": STANDARD_ZIP.as_uri(), "context": "api"})
    return ocds_json_output(
        str(output_dir), str(path), schema_version="1.1", convert=False, lib_cove_ocds_config=config
    )


def assert_valid(result):
    assert result["validation_errors"] == []
    assert result["additional_closed_codelist_values"] == {}


def test_the_release_package_is_valid_ocds(client, world, tmp_path):
    response = client.get(RELEASES)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    package = response.json()
    assert package["version"] == "1.1"
    assert {"uri", "publishedDate", "publisher", "license", "publicationPolicy"} <= set(package)
    assert_valid(review(tmp_path, package, "releases.json"))


def test_each_record_package_is_valid_ocds(client, world, tmp_path):
    for key in ("open", "closed", "cancelled", "under_revision"):
        ocid = ocds.ocid_for(world[key])
        response = client.get(record_url(ocid))
        assert response.status_code == 200, key
        package = response.json()
        assert package["records"][0]["ocid"] == ocid
        assert_valid(review(tmp_path, package, f"record-{key}.json"))
    response = client.get(RECORDS)
    assert response.status_code == 200
    assert_valid(review(tmp_path, response.json(), "records.json"))


def test_a_published_challenge_is_a_tender_release(client, world, settings):
    settings.PONTE_OCDS_PREFIX = "ocds-abc123"
    challenge = world["open"]
    releases = {r["ocid"]: r for r in client.get(RELEASES).json()["releases"]}
    release = releases[f"ocds-abc123-{challenge.pk}"]
    assert release["tag"] == ["tender"]
    assert release["initiationType"] == "tender"
    assert release["id"].startswith(f"ocds-abc123-{challenge.pk}-tender-")
    (buyer,) = release["parties"]
    assert buyer["roles"] == ["buyer"]
    assert buyer["name"] == "Agência para a Modernização Administrativa"
    assert buyer["address"] == {"countryName": "Portugal"}
    assert release["buyer"] == {"id": buyer["id"], "name": buyer["name"]}
    tender = release["tender"]
    assert tender["status"] == "active"
    assert tender["value"] == {"amount": 29999.5, "currency": "EUR"}
    assert tender["procurementMethod"] == "open"
    assert tender["procurementMethodDetails"] == "Low-value contract"
    assert tender["mainProcurementCategory"] == "services"
    assert tender["submissionMethod"] == ["electronicSubmission"]
    assert tender["awardCriteria"] == "ratedCriteria"
    assert tender["awardCriteriaDetails"] == "Impact on the people affected: 60%; Feasibility and cost: 40%"
    assert tender["tenderPeriod"]["endDate"] == ocds.iso(challenge.deadline)
    assert challenge.summary in tender["description"] and challenge.problem in tender["description"]
    assert [item["classification"] for item in tender["items"]] == [
        {"scheme": "CPV", "id": code.digits, "description": code.label}
        for code in CpvCode.objects.filter(code__in=["72000000-5", "79311000-7"]).order_by("code")
    ]
    # A closed call without an award stays active; the instrument is named.
    closed = releases[f"ocds-abc123-{world['closed'].pk}"]
    assert closed["tender"]["status"] == "active"
    assert closed["tender"]["procurementMethodDetails"] == "Prize"


def test_labels_are_in_the_data_language_whatever_the_reader_s(client, world):
    client.cookies["django_language"] = "fr"
    release = next(
        r
        for r in client.get(RELEASES, HTTP_ACCEPT_LANGUAGE="fr").json()["releases"]
        if r["tender"]["title"] == "Forms nobody finds"
    )
    assert release["tender"]["procurementMethodDetails"] == "Low-value contract"


def test_the_record_compiles_with_ocdsmerge(client, world):
    challenge = world["cancelled"]
    package = client.get(record_url(ocds.ocid_for(challenge))).json()
    (record,) = package["records"]
    assert [r["tag"] for r in record["releases"]] == [["tender"], ["tenderCancellation"]]
    compiled = record["compiledRelease"]
    assert compiled == ocdsmerge.Merger(schema=str(ocds.RELEASE_SCHEMA)).create_compiled_release(record["releases"])
    assert compiled["tag"] == ["compiled"]
    assert compiled["ocid"] == ocds.ocid_for(challenge)
    assert compiled["tender"]["status"] == "cancelled"
    assert "value" not in compiled["tender"]
    assert any(d["documentType"] == "cancellationDetails" for d in compiled["tender"]["documents"])


def test_nothing_that_is_not_public_leaks(client, world):
    served = client.get(RELEASES).content.decode() + client.get(RECORDS).content.decode()
    assert "SECRET-" not in served
    for hidden in world["hidden"]:
        assert ocds.ocid_for(hidden) not in served
        response = client.get(record_url(ocds.ocid_for(hidden)))
        assert response.status_code == 404
        assert response.json()["status"] == 404
    ocids = {r["ocid"] for r in client.get(RELEASES).json()["releases"]}
    public = {ocds.ocid_for(world[key]) for key in ("open", "closed", "cancelled", "under_revision")}
    assert ocids == public
    # No personal or internal field: not the author, not the review's reasons.
    for key in ("open", "under_revision"):
        text = client.get(record_url(ocds.ocid_for(world[key]))).content.decode()
        assert world[key].author.email not in text
        assert world[key].author.name not in text


@pytest.mark.parametrize(
    "ocid", ["ocds-ponte0-0", "ocds-ponte0-007", "ocds-other0-1", "ocds-ponte0-99999999999999999999", "x"]
)
def test_an_ocid_that_is_not_ours_is_not_found(client, db, ocid):
    assert client.get(record_url(ocid)).status_code == 404


def test_releases_are_paged_by_date(client, world, monkeypatch):
    monkeypatch.setattr(ocds, "PAGE_SIZE", 2)
    seen, url, pages = [], RELEASES, 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        package = response.json()
        seen += [(r["date"], r["id"]) for r in package["releases"]]
        url = package.get("links", {}).get("next", "")
        assert not url or url.startswith("http://testserver/open-data/ocds/releases.json?since=")
        pages += 1
    assert pages == 3
    assert seen == sorted(seen)
    assert len(seen) == len(set(seen)) == 5  # four tender releases and one cancellation


def test_a_page_never_splits_one_moment(client, db, monkeypatch):
    monkeypatch.setattr(ocds, "PAGE_SIZE", 2)
    moment = timezone.now() - timezone.timedelta(days=1)
    same = [PublishedChallengeFactory(published_at=moment, criteria=False) for _ in range(3)]
    later = PublishedChallengeFactory(published_at=moment + timezone.timedelta(seconds=1), criteria=False)
    first = client.get(RELEASES).json()
    assert {r["ocid"] for r in first["releases"]} == {ocds.ocid_for(c) for c in same}
    second = client.get(first["links"]["next"]).json()
    assert [r["ocid"] for r in second["releases"]] == [ocds.ocid_for(later)]
    assert "links" not in second


def test_since_filters_and_records_page_by_ocid(client, world, monkeypatch):
    since = ocds.iso(world["open"].published_at - timezone.timedelta(seconds=1))
    dates = [r["date"] for r in client.get(RELEASES, {"since": since}).json()["releases"]]
    assert dates and all(d > since for d in dates)
    assert client.get(RELEASES, {"since": "2999-01-01"}).json()["releases"] == []
    monkeypatch.setattr(ocds, "PAGE_SIZE", 3)
    first = client.get(RECORDS).json()
    assert len(first["records"]) == 3
    second = client.get(first["links"]["next"]).json()
    assert len(second["records"]) == 1 and "links" not in second


@pytest.mark.parametrize(
    "query",
    [
        {"since": "yesterday"},
        {"since": "2026-02-30"},
        {"since": "2026-13-01T00:00:00Z"},
        {"since": "0001-01-01T00:00:00+14:00"},
        {"since": "9999-12-31T23:59:59-14:00"},
        {"since": "2026-01-01\x00"},
        {"since": "1" * 500},
        {"since": ["2026-01-01", "2026-01-02"]},
        {"page": "2"},
    ],
)
def test_bad_query_parameters_get_a_400_in_json(client, db, query):
    response = client.get(RELEASES, query)
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400 and body["errors"]


@pytest.mark.parametrize(
    "query",
    [{"after": "12"}, {"after": "ocds-ponte0-x"}, {"after": "ocds-ponte0-99999999999999999999"}, {"limit": "5"}],
)
def test_bad_record_query_parameters_get_a_400(client, db, query):
    response = client.get(RECORDS, query)
    assert response.status_code == 400
    assert response.json()["status"] == 400


def test_a_naive_since_is_read_as_utc(client, world):
    assert client.get(RELEASES, {"since": "2020-01-01T00:00:00"}).status_code == 200


def _queries(client, url):
    client.get(url)  # warm the per-process caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def _add(owner, k):
    codes = [CpvCode.objects.get_or_create(code=f"7200000{i}-5", defaults={"label": f"Code {i}"})[0] for i in range(3)]
    for _ in range(k):
        challenge = PublishedChallengeFactory(owner=owner)
        challenge.cpv_codes.set(codes)
        cancelled = PublishedChallengeFactory(
            owner=owner, status="cancelled", cancelled_at=timezone.now(), cancellation_reason="No longer needed."
        )
        cancelled.cpv_codes.set(codes)


@pytest.mark.parametrize("url", [RELEASES, RECORDS])
def test_the_number_of_queries_does_not_grow_with_the_challenges(client, db, url):
    owner = OrganisationFactory()
    _add(owner, 1)
    small = _queries(client, url)
    _add(owner, 30)
    large = _queries(client, url)
    assert len(small) == len(large), "\n".join([*small, "", *large])


def test_the_open_data_page_lists_the_ocds_downloads(client, db):
    page = client.get("/open-data/").content.decode()
    assert RELEASES in page and RECORDS in page


def test_the_zip_and_schema_ship_with_the_repository():
    assert STANDARD_ZIP.is_file()
    assert ocds.RELEASE_SCHEMA.is_file()
    assert (ocds.RELEASE_SCHEMA.parent / "LICENSE").is_file()


# The outcome: award, contract and unsuccessful releases ----------------------------------


@pytest.fixture
def decided(db):
    """An awarded challenge (two awards, one contract signed), one closed without award, and
    one whose proposals are evaluated but whose outcome is not decided yet."""
    body = OrganisationFactory(name="Instituto dos Registos", country="PT")
    return {
        "awarded": outcomes.awarded(owner=body, winners=2, title="Forms nobody finds"),
        "unsuccessful": outcomes.closed_without_award(owner=body, title="Queues at the registry"),
        "pending": outcomes.in_evaluation(owner=body, title="Paper permits"),
    }


def all_releases(client):
    releases, url = [], RELEASES
    while url:
        package = client.get(url).json()
        releases += package["releases"]
        url = package.get("links", {}).get("next", "")
    return releases


def releases_of(client, challenge):
    return [r for r in all_releases(client) if r["ocid"] == ocds.ocid_for(challenge)]


def test_packages_with_award_contract_and_unsuccessful_releases_are_valid_ocds(client, world, decided, tmp_path):
    package = client.get(RELEASES).json()
    tags = {tag for release in package["releases"] for tag in release["tag"]}
    assert {"tender", "tenderCancellation", "award", "contract", "tenderUpdate"} <= tags
    assert_valid(review(tmp_path, package, "releases.json"))
    for key in ("awarded", "unsuccessful", "pending"):
        response = client.get(record_url(ocds.ocid_for(decided[key].challenge)))
        assert response.status_code == 200, key
        assert_valid(review(tmp_path, response.json(), f"record-{key}.json"))
    assert_valid(review(tmp_path, client.get(RECORDS).json(), "records.json"))


def test_an_awarded_challenge_is_an_award_release(client, decided):
    outcome = decided["awarded"]
    challenge = outcome.challenge
    (release,) = [r for r in releases_of(client, challenge) if r["tag"] == ["award"]]
    assert release["date"] == ocds.iso(challenge.awarded_at)
    assert release["id"].startswith(f"{ocds.ocid_for(challenge)}-award-")
    assert release["tender"]["status"] == "complete"
    assert release["tender"]["id"] == f"{ocds.ocid_for(challenge)}-tender"
    first, second = outcome.awards
    assert release["awards"] == [
        {
            "id": f"{ocds.ocid_for(challenge)}-award-{first.pk}",
            "title": "Forms nobody finds — Civic Data Labs",
            "description": "The best value for the people affected.",
            "status": "active",
            "date": ocds.iso(first.awarded_at),
            "value": {"amount": 18000, "currency": "EUR"},
            "suppliers": [{"id": f"ponte-org-{first.supplier_id}", "name": "Civic Data Labs"}],
        },
        {
            "id": f"{ocds.ocid_for(challenge)}-award-{second.pk}",
            "title": "Forms nobody finds — Big Consulting",
            "description": "The best value for the people affected.",
            "status": "active",
            "date": ocds.iso(second.awarded_at),
            "value": {"amount": 1500, "currency": "EUR"},
            "suppliers": [{"id": f"ponte-org-{second.supplier_id}", "name": "Big Consulting"}],
        },
    ]
    parties = {p["id"]: p for p in release["parties"]}
    civic, big = parties[f"ponte-org-{first.supplier_id}"], parties[f"ponte-org-{second.supplier_id}"]
    assert civic["roles"] == big["roles"] == ["tenderer", "supplier"]
    assert civic["details"] == {"scale": "sme"} and big["details"] == {"scale": "large"}
    assert civic["identifier"]["id"] == first.supplier.registration_number
    assert civic["address"] == {"countryName": "Portugal"}
    assert parties[f"ponte-org-{challenge.owner_id}"]["roles"] == ["buyer"]
    assert release["buyer"] == {"id": f"ponte-org-{challenge.owner_id}", "name": challenge.owner.name}


def test_a_supplier_party_carries_the_contact_its_profile_publishes(client, decided, tmp_path):
    outcome = decided["awarded"]
    supplier = outcome.awards[0].supplier
    supplier.city, supplier.contact_email, supplier.website = "Gent", "hello@civic.example", "https://civic.example"
    supplier.save()
    (release,) = [r for r in releases_of(client, outcome.challenge) if r["tag"] == ["award"]]
    party = next(p for p in release["parties"] if p["id"] == f"ponte-org-{supplier.pk}")
    assert party["address"] == {"countryName": "Portugal", "locality": "Gent"}
    assert party["contactPoint"] == {"email": "hello@civic.example", "url": "https://civic.example"}
    buyer = next(p for p in release["parties"] if p["roles"] == ["buyer"])
    assert "contactPoint" not in buyer  # the public body published no contact
    assert_valid(review(tmp_path, client.get(RELEASES).json(), "releases.json"))


def test_a_signed_contract_is_a_contract_release(client, decided):
    outcome = decided["awarded"]
    challenge, (contract,) = outcome.challenge, outcome.contracts
    (release,) = [r for r in releases_of(client, challenge) if r["tag"] == ["contract"]]
    # Dated when it was published on Ponte, so that a reader paging with `since` finds it.
    assert release["date"] == ocds.iso(contract.recorded_at)
    assert release["initiationType"] == "tender"
    assert "parties" not in release and "awards" not in release and "tender" not in release
    signed, start, end = contract.date_signed, contract.period_start, contract.period_end
    assert release["contracts"] == [
        {
            "id": f"{ocds.ocid_for(challenge)}-contract-{contract.pk}",
            "awardID": f"{ocds.ocid_for(challenge)}-award-{outcome.awards[0].pk}",
            "title": "Pilot of the form finder",
            "status": "active",
            "value": {"amount": 17500.25, "currency": "EUR"},
            "dateSigned": timezone.make_aware(datetime.combine(signed, time.min)).isoformat(),
            "period": {
                "startDate": timezone.make_aware(datetime.combine(start, time.min)).isoformat(),
                "endDate": timezone.make_aware(datetime.combine(end, time(23, 59, 59))).isoformat(),
            },
        }
    ]
    assert release["contracts"][0]["dateSigned"].startswith(signed.isoformat())


def test_a_challenge_closed_without_award_is_an_unsuccessful_tender_update(client, decided):
    outcome = decided["unsuccessful"]
    challenge = outcome.challenge
    releases = releases_of(client, challenge)
    assert [r["tag"] for r in releases] == [["tender"], ["tenderUpdate"]]
    update = releases[1]
    assert update["date"] == ocds.iso(challenge.closed_at)
    assert update["tender"]["status"] == "unsuccessful"
    assert "awards" not in update
    (details,) = [d for d in update["tender"]["documents"] if d["documentType"] == "unsuccessfulDetails"]
    assert details["description"] == "No proposal met the minimum standard."
    assert {p["name"]: p["roles"] for p in update["parties"]} == {
        challenge.owner.name: ["buyer"],
        "Near Miss Ltd": ["tenderer"],
        "Also Ran BV": ["tenderer"],
    }


def test_tenderers_are_public_only_once_the_outcome_is_decided(client, decided):
    pending = decided["pending"]
    served = client.get(RELEASES).content.decode() + client.get(RECORDS).content.decode()
    served += client.get(record_url(ocds.ocid_for(pending.challenge))).content.decode()
    assert "Waiting Co" not in served
    for release in releases_of(client, pending.challenge):
        assert release["tag"] == ["tender"] and release["tender"]["status"] == "active"
        assert "tenderers" not in release["tender"] and "numberOfTenderers" not in release["tender"]
        assert [p["roles"] for p in release["parties"]] == [["buyer"]]
    # Decided: the companies whose proposal stood at the deadline; the one that withdrew never counts.
    for key, names in (
        ("awarded", ["Big Consulting", "Civic Data Labs", "Loser Analytics"]),
        ("unsuccessful", ["Also Ran BV", "Near Miss Ltd"]),
    ):
        challenge = decided[key].challenge
        (tender,) = [r["tender"] for r in releases_of(client, challenge) if r["tag"] != ["tender"] and "tender" in r]
        assert tender["numberOfTenderers"] == len(names)
        assert [t["name"] for t in tender["tenderers"]] == names
        assert decided[key].withdrawn.company.name not in client.get(RELEASES).content.decode()
        first = releases_of(client, challenge)[0]
        assert first["tag"] == ["tender"] and "tenderers" not in first["tender"]


def test_nothing_sealed_reaches_the_open_data(client, decided):
    served = "".join(
        client.get(url).content.decode()
        for url in [
            RELEASES,
            RECORDS,
            *(record_url(ocds.ocid_for(outcome.challenge)) for outcome in decided.values()),
        ]
    )
    # No proposal content, no evaluator's comment or name, no losing price, no withdrawn bidder.
    assert "SEALED-" not in served
    assert "Eve Evaluator" not in served
    assert "9000.5" not in served  # Loser Analytics' price
    assert '"amount": 5000' not in served and '"amount": 7000' not in served  # the unsuccessful bids
    assert "Withdrawn Works" not in served and "Gave Up SA" not in served
    for bad_key in ('"score', '"evaluat', '"approach"', '"team"', '"timeline"', '"price"'):
        assert bad_key not in served.lower()


def test_the_record_of_an_awarded_challenge_compiles_with_ocdsmerge(client, decided):
    challenge = decided["awarded"].challenge
    (record,) = client.get(record_url(ocds.ocid_for(challenge))).json()["records"]
    assert [r["tag"] for r in record["releases"]] == [["tender"], ["award"], ["contract"]]
    compiled = record["compiledRelease"]
    assert compiled == ocdsmerge.Merger(schema=str(ocds.RELEASE_SCHEMA)).create_compiled_release(record["releases"])
    assert compiled["tender"]["status"] == "complete"
    assert compiled["tender"]["numberOfTenderers"] == 3
    assert [a["value"]["amount"] for a in compiled["awards"]] == [18000, 1500]
    (contract,) = compiled["contracts"]
    assert contract["awardID"] == compiled["awards"][0]["id"]
    roles = {p["name"]: p["roles"] for p in compiled["parties"]}
    assert roles["Civic Data Labs"] == ["tenderer", "supplier"] and roles["Loser Analytics"] == ["tenderer"]
    # Before the outcome, the record is the tender alone.
    (pending,) = client.get(record_url(ocds.ocid_for(decided["pending"].challenge))).json()["records"]
    assert [r["tag"] for r in pending["releases"]] == [["tender"]]
    assert pending["compiledRelease"]["tender"]["status"] == "active"


def test_the_outcome_releases_are_paged_by_date_with_the_others(client, world, decided, monkeypatch):
    monkeypatch.setattr(ocds, "PAGE_SIZE", 2)
    seen, url, pages = [], RELEASES, 0
    while url:
        package = client.get(url).json()
        seen += [(r["date"], r["id"], r["tag"][0]) for r in package["releases"]]
        url = package.get("links", {}).get("next", "")
        pages += 1
    assert seen == sorted(seen, key=lambda s: s[0])
    assert len({s[1] for s in seen}) == len(seen) == 11  # 7 tenders, a cancellation, 2 outcomes, a contract
    assert [s[2] for s in seen].count("tender") == 7
    assert sorted(s[2] for s in seen if s[2] != "tender") == ["award", "contract", "tenderCancellation", "tenderUpdate"]
    assert pages == 6


def test_a_contract_recorded_after_a_reader_s_last_visit_is_in_their_next_page(client, db):
    outcome = outcomes.awarded(contract=False)
    last_visit = client.get(RELEASES).json()["releases"][-1]["date"]
    assert client.get(RELEASES, {"since": last_visit}).json()["releases"] == []
    # Signed last week, recorded on Ponte now: new to every reader.
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        outcomes.sign(outcome.awards[0], title="Pilot", value="15000", signed=timezone.localdate())
    (release,) = client.get(RELEASES, {"since": last_visit}).json()["releases"]
    assert release["tag"] == ["contract"] and release["date"] > last_visit


def test_a_page_never_splits_one_moment_whatever_the_kind_of_release(client, db, monkeypatch):
    monkeypatch.setattr(ocds, "PAGE_SIZE", 2)
    moment = timezone.now().replace(microsecond=0) - timedelta(days=1)
    with time_machine.travel(moment, tick=False):
        awarded = outcomes.awarded()  # its award and contract releases are dated `moment`
        published = PublishedChallengeFactory(published_at=moment, criteria=False)
    assert awarded.challenge.awarded_at == awarded.contracts[0].recorded_at == published.published_at == moment
    first = client.get(RELEASES).json()
    assert [r["tag"] for r in first["releases"]] == [["tender"]]  # the awarded one's, 40 days earlier
    second = client.get(first["links"]["next"]).json()
    assert sorted(r["tag"][0] for r in second["releases"]) == ["award", "contract", "tender"]
    assert {r["date"] for r in second["releases"]} == {ocds.iso(moment)}
    last = client.get(second["links"]["next"]).json()
    assert last["releases"] == [] and "links" not in last


def test_the_number_of_queries_does_not_grow_with_the_outcomes(client, db):
    owner = OrganisationFactory()

    def decide(k):
        for _ in range(k):
            outcome = outcomes.awarded(owner=owner, winners=2)
            outcomes.sign(outcome.awards[1], title="Second pilot", value="1500")
            outcomes.closed_without_award(owner=owner)

    decide(1)
    small = {url: _queries(client, url) for url in (RELEASES, RECORDS)}
    decide(4)
    for url in (RELEASES, RECORDS):
        large = _queries(client, url)
        assert len(small[url]) == len(large), "\n".join([*small[url], "", *large])


# Phases: each phase is a contracting process, linked to the one before ------------------------


@pytest.fixture
def phased(db):
    """Solution design (awarded to two), Prototype (awarded to one, its contract signed) and
    Test, published and open to the prototype's supplier."""
    series = phases.three_phases(owner=OrganisationFactory(name="Ministry of Public Administration", country="SI"))
    prototype = series.phases[1]
    outcomes.sign(prototype.awards.get(), title="Prototype in two municipalities", value="40000")
    series.phases[2] = phases.publish(series.phases[2], budget="150000")
    return series


def related(previous):
    ocid = ocds.ocid_for(previous)
    return [
        {
            "id": "1",
            "relationship": ["prior"],
            "title": f"{previous.phase_name} — {previous.title}",
            "scheme": "ocid",
            "identifier": ocid,
            # Releases name the site at its own address, whatever host a reader asked.
            "uri": f"{settings.PONTE_BASE_URL}{record_url(ocid)}",
        }
    ]


def test_a_series_of_phases_is_valid_ocds(client, phased, decided, tmp_path):
    package = client.get(RELEASES).json()
    assert any("relatedProcesses" in release for release in package["releases"])
    result = review(tmp_path, package, "releases.json")
    assert_valid(result)
    # `prior` and `ocid` are codes of the (open) relatedProcess and relatedProcessScheme codelists.
    assert not [key for key in result.get("additional_open_codelist_values", {}) if "relatedProcess" in key]
    for phase in phased.phases:
        response = client.get(record_url(ocds.ocid_for(phase)))
        assert response.status_code == 200, phase.phase_name
        assert_valid(review(tmp_path, response.json(), f"record-{phase.pk}.json"))
    assert_valid(review(tmp_path, client.get(RECORDS).json(), "records.json"))


def test_every_release_of_a_later_phase_links_the_phase_before(client, phased):
    design, prototype, test = phased.phases
    releases = all_releases(client)

    def of(phase):
        return [r for r in releases if r["ocid"] == ocds.ocid_for(phase)]

    assert [r["tag"] for r in of(prototype)] == [["tender"], ["award"], ["contract"]]
    for release in of(prototype):
        assert release["relatedProcesses"] == related(design), release["tag"]
    (tender,) = of(test)
    assert tender["relatedProcesses"] == related(prototype)
    assert tender["relatedProcesses"][0]["title"] == f"Prototype — {design.title}"
    # The first phase follows from nothing.
    assert [r["tag"] for r in of(design)] == [["tender"], ["award"]]
    assert not any("relatedProcesses" in r for r in of(design))
    # Each phase's tender is named after its phase: they share the problem's title.
    assert [of(phase)[0]["tender"]["title"] for phase in phased.phases] == [
        f"Solution design — {design.title}",
        f"Prototype — {design.title}",
        f"Test — {design.title}",
    ]
    assert of(test)[0]["tender"]["documents"][0]["title"] == f"Test — {design.title}"
    # The link leads to the record of the phase before.
    linked = client.get(tender["relatedProcesses"][0]["uri"].removeprefix(settings.PONTE_BASE_URL))
    assert linked.status_code == 200
    assert linked.json()["records"][0]["ocid"] == ocds.ocid_for(prototype)


def test_the_record_of_the_second_phase_links_the_first(client, phased):
    design, prototype, _test = phased.phases
    (record,) = client.get(record_url(ocds.ocid_for(prototype))).json()["records"]
    compiled = record["compiledRelease"]
    assert compiled == ocdsmerge.Merger(schema=str(ocds.RELEASE_SCHEMA)).create_compiled_release(record["releases"])
    assert compiled["relatedProcesses"] == related(design)
    assert compiled["tender"]["status"] == "complete"
    # Its own budget and criteria, and its supplier: the one of the two invited that won.
    assert compiled["tender"]["value"] == {"amount": 90000, "currency": "EUR"}
    assert compiled["tender"]["awardCriteriaDetails"] == "Quality of the prototype: 70%; Cost of the test phase: 30%"
    assert [a["suppliers"][0]["name"] for a in compiled["awards"]] == ["Civic Data Labs"]
    assert [t["name"] for t in compiled["tender"]["tenderers"]] == ["Big Consulting", "Civic Data Labs"]
    (first,) = client.get(record_url(ocds.ocid_for(design))).json()["records"]
    assert "relatedProcesses" not in first["compiledRelease"]


def test_a_next_phase_in_preparation_is_not_published(client, db):
    series = phases.awarded_first_phase()
    draft = phases.next_phase(series, "Prototype", published=False)
    served = client.get(RELEASES).content.decode() + client.get(RECORDS).content.decode()
    assert ocds.ocid_for(draft) not in served and "relatedProcesses" not in served
    assert client.get(record_url(ocds.ocid_for(draft))).status_code == 404
    # Its first phase, now named, is public as before.
    (release,) = [r for r in all_releases(client) if r["tag"] == ["tender"]]
    assert release["tender"]["title"] == f"Phase 1 — {series.first.title}"


def test_the_number_of_queries_does_not_grow_with_the_phases(client, db):
    def add(k):
        for _ in range(k):
            series = phases.three_phases()
            outcomes.sign(series.phases[1].awards.get(), title="Prototype", value="40000")
            phases.publish(series.phases[2])

    add(1)
    small = {url: _queries(client, url) for url in (RELEASES, RECORDS)}
    add(2)
    for url in (RELEASES, RECORDS):
        large = _queries(client, url)
        assert len(small[url]) == len(large), "\n".join([*small[url], "", *large])


def test_a_release_page_reads_the_same_few_queries_whatever_kinds_of_release_it_holds(client, db):
    owner = OrganisationFactory()
    PublishedChallengeFactory(owner=owner)
    only_a_tender = _queries(client, RELEASES)
    outcomes.awarded(owner=owner, winners=2)
    outcomes.closed_without_award(owner=owner)
    _add(owner, 1)
    every_kind = _queries(client, RELEASES)
    tags = {release["tag"][0] for release in client.get(RELEASES).json()["releases"]}
    assert tags == {"tender", "award", "contract", "tenderUpdate", "tenderCancellation"}
    assert len(only_a_tender) == len(every_kind) <= 10, "\n".join([*only_a_tender, "", *every_kind])
