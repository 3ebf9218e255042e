"""The OCDS open data: valid against OCDS 1.1 (libcoveocds, offline), compiled with ocdsmerge,
sealed (nothing that is not public), paged, and with a constant number of queries."""

import json
import zipfile
from pathlib import Path

import ocdsmerge
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ponte.challenges.models import CpvCode, Criterion
from ponte.opendata import ocds
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
