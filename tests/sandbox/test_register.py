"""The public register: every exemption granted — and nothing else — as pages, an Atom feed, CSV
and the API; its phase follows the clock at the first and last day, even on a kept page; filters
never fail; and the pages' query counts do not grow with the data."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import OrganisationFactory, UserFactory
from tests.reading import Page

from .conftest import granted

pytestmark = pytest.mark.django_db


@pytest.fixture
def sponsor(db):
    return UserFactory(name="Sofia Sponsor", is_sponsor=True)


def test_only_what_was_granted_is_in_the_register(client, call, organisation, ministry, sponsor, sent, draft):
    exemption = granted(call, organisation, ministry, sponsor)
    page = Page(client.get("/sandbox/register/"))
    assert exemption.application.title in page.text()
    assert sent.title not in page.text()
    assert "1 exemption" in page.text()
    detail = Page(client.get(f"/sandbox/register/{exemption.pk}/"))
    assert "Order 4512/2025" in detail.text() and "Article 41 does not apply." in detail.text()
    assert "Decree-Law 220/2006, Art. 0" in detail.text()
    csv = b"".join(client.get("/sandbox/register.csv").streaming_content).decode()
    assert csv.splitlines()[1].startswith(f"{exemption.reference},Fewer follow-up meetings,active,")
    assert sent.title not in csv
    feed = client.get("/sandbox/register/feed/").content.decode()
    assert "Fewer follow-up meetings" in feed and sent.title not in feed
    api = client.get("/api/sandbox/exemptions").json()
    assert [item["reference"] for item in api["items"]] == [exemption.reference]
    assert client.get(f"/api/sandbox/exemptions/{exemption.pk}").json()["legal_basis"] == "Order 4512/2025"
    assert client.get("/sandbox/register/999999/").status_code == 404


def test_the_filters(client, call, organisation, ministry, sponsor):
    other = OrganisationFactory(name="Ministry of Labour", slug="ministry-of-labour", tier="ministry")
    active = granted(call, organisation, ministry, sponsor, title="Active one", starts=-10)
    expired = granted(call, organisation, other, sponsor, title="Expired one", starts=-900, days=300)
    upcoming = granted(call, organisation, ministry, sponsor, title="Upcoming one", starts=40)

    def titles(query):
        return {row.application.title for row in client.get(f"/sandbox/register/{query}").context["page"]}

    assert titles("?phase=active") == {active.application.title}
    assert titles("?phase=expired") == {expired.application.title}
    assert titles("?ministry=ministry-of-labour") == {expired.application.title}
    assert titles(f"?year={upcoming.starts.year}&phase=upcoming") == {upcoming.application.title}
    page = Page(client.get("/sandbox/register/"))
    assert "Ministry of Labour" in page.text()
    for nonsense in ("?phase=x", "?year=abc", "?year=99999", "?ministry=%00", "?page=-1"):
        assert client.get(f"/sandbox/register/{nonsense}").status_code == 200
    assert client.get("/api/sandbox/exemptions?year=abc").status_code == 422
    assert client.get("/api/sandbox/exemptions?ministry=%00").status_code == 422
    assert client.get("/api/sandbox/exemptions?phase=expired").json()["count"] == 1


def test_the_phase_follows_the_clock_at_the_first_and_last_day_even_when_kept(
    client, pages_kept, call, organisation, ministry, sponsor
):
    exemption = granted(call, organisation, ministry, sponsor, starts=2, days=10)
    address = f"/sandbox/register/{exemption.pk}/"

    def phase_on(day):
        moment = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time())) + timedelta(hours=1)
        with time_machine.travel(moment, tick=False):
            text = Page(client.get(address)).text()
            api = client.get(f"/api/sandbox/exemptions/{exemption.pk}").json()["phase"]
        return text, api

    text, api = phase_on(exemption.starts - timedelta(days=1))
    assert "Not started yet" in text and api == "upcoming"
    text, api = phase_on(exemption.starts)
    assert "Active" in text and api == "active"
    text, api = phase_on(exemption.ends)
    assert "Active" in text and api == "active"
    text, api = phase_on(exemption.ends + timedelta(days=1))
    assert "Expired" in text and api == "expired"


def _queries(client, address):
    client.get(address)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def test_the_register_makes_as_many_queries_with_12_exemptions_as_with_2(client, call, ministry, sponsor):
    for number in range(2):
        granted(call, OrganisationFactory(), ministry, sponsor, title=f"E {number}", rules=2)
    few = _queries(client, "/sandbox/register/?phase=active")
    for number in range(10):
        granted(call, OrganisationFactory(), OrganisationFactory(tier="ministry"), sponsor, title=f"F {number}")
    many = _queries(client, "/sandbox/register/?phase=active")
    assert len(few) == len(many), "\n".join(["with 2:", *few, "", "with 12:", *many])
    assert len(_queries(client, "/api/sandbox/exemptions")) == len(_queries(client, "/api/sandbox/exemptions?limit=2"))


def test_an_exemption_page_makes_as_many_queries_with_5_rules_and_bodies_as_with_1(
    client, call, organisation, ministry, sponsor
):
    one = granted(call, organisation, ministry, sponsor, rules=1)
    five = granted(call, organisation, ministry, sponsor, rules=5)
    for _ in range(4):
        five.application.partners.add(OrganisationFactory())
    assert len(_queries(client, f"/sandbox/register/{one.pk}/")) == len(
        _queries(client, f"/sandbox/register/{five.pk}/")
    )
