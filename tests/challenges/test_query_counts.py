"""The challenge pages and the API make as many database queries with 30 challenges as with
one, each challenge with its sectors, CPV codes and criteria."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ponte.challenges.models import Criterion
from ponte.reference.models import CpvCode, Sector, SectorTag
from tests.factories import (
    ChallengeFactory,
    CompanyFactory,
    MembershipFactory,
    OrganisationFactory,
    PublishedChallengeFactory,
)

SMALL, LARGE = 1, 30


def queries_of(client, url):
    client.get(url)  # warm the per-process caches (content types, translations)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, [query["sql"] for query in captured.captured_queries]


def assert_same_count(small, large):
    assert len(small) == len(large), "\n".join(["queries with 1:", *small, "", f"queries with {LARGE}:", *large])


def add_challenges(k, owner, n):
    """k more public challenges, each with n sectors (at most 13), n CPV codes and n criteria."""
    tags = list(SectorTag.objects.filter(code__in=Sector.values[: min(n, len(Sector.values))]))
    codes = list(CpvCode.objects.order_by("code")[:n])
    made = []
    for _ in range(k):
        challenge = PublishedChallengeFactory(owner=owner, criteria=False)
        challenge.sectors.set(tags)
        challenge.cpv_codes.set(codes)
        Criterion.objects.bulk_create(
            Criterion(challenge=challenge, name=f"Criterion {i}", weight=1, position=i) for i in range(n)
        )
        made.append(challenge)
    return made


@pytest.fixture
def owner(db):
    return OrganisationFactory(name="Health Agency", slug="health-agency")


@pytest.fixture
def company_member(db):
    return MembershipFactory(organisation=CompanyFactory()).user


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("url", ["/challenges/", "/challenges/?status=open&sector=health", "/api/challenges/"])
def test_lists_do_not_grow_with_the_challenges(client, owner, company_member, signed_in, url):
    if signed_in:
        client.force_login(company_member)
    add_challenges(SMALL, owner, SMALL)
    _response, small = queries_of(client, url)
    add_challenges(LARGE - SMALL, owner, LARGE)
    response, large = queries_of(client, url)
    if url.startswith("/api/"):
        assert response.json()["count"] == LARGE
    else:
        assert len(response.context["page"].object_list) == 25
    assert_same_count(small, large)


def test_a_page_of_the_list_is_read_in_order_from_an_index_not_sorted_from_every_challenge(client, owner):
    if connection.vendor != "sqlite":
        pytest.skip("reads SQLite's query plan")
    add_challenges(LARGE, owner, 1)
    for challenge in add_challenges(LARGE, owner, 1):
        challenge.deadline = timezone.now() - timedelta(days=challenge.pk)
        challenge.save(update_fields=["deadline"])
    # The second page ends the open challenges and starts the closed ones: both parts are read.
    _response, queries = queries_of(client, "/challenges/?page=2")
    pages = [sql for sql in queries if sql.startswith('SELECT "challenges_challenge"."id"') and " LIMIT " in sql]
    assert len(pages) == 2, queries
    for page in pages:
        with connection.cursor() as cursor:
            plan = [row[3] for row in cursor.execute(f"EXPLAIN QUERY PLAN {page}").fetchall()]
        assert "USING INDEX" in plan[0] and "challenges_challenge" in plan[0], plan
        assert not any("TEMP B-TREE FOR ORDER BY" in step for step in plan), plan


def suggested(client, text):
    response = client.get("/challenges/public-bodies/", {"q": text})
    assert response.status_code == 200
    return [(body["slug"], body["name"]) for body in response.json()["results"]]


def test_the_public_body_filter_never_lists_every_body_it_suggests_them_by_name(client, owner):
    add_challenges(1, owner, 1)
    add_challenges(1, OrganisationFactory(name="Archive Office", slug="archive-office"), 1)
    closed = OrganisationFactory(name="Closed Registry Office", slug="closed-registry")
    PublishedChallengeFactory(owner=closed, deadline=timezone.now() - timedelta(days=1))
    ChallengeFactory(owner=OrganisationFactory(name="Office Still Drafting", slug="office-still-drafting"))
    for k in range(12):
        add_challenges(1, OrganisationFactory(name=f"Regional Office {k:02}", slug=f"regional-office-{k}"), 1)
    page = client.get("/challenges/").content.decode()
    assert 'value="archive-office"' not in page and 'value="regional-office-0"' not in page
    # A body that published, whatever became of its challenges, by name, ten at most.
    assert suggested(client, "office")[:3] == [
        ("archive-office", "Archive Office"),
        ("closed-registry", "Closed Registry Office"),
        ("regional-office-0", "Regional Office 00"),
    ]
    assert len(suggested(client, "office")) == 10
    assert suggested(client, "drafting") == [] and suggested(client, "o") == []
    # Their query count does not grow with the bodies found.
    _response, few = queries_of(client, "/challenges/public-bodies/?q=archive")
    _response, many = queries_of(client, "/challenges/public-bodies/?q=office")
    assert_same_count(few, many)


def test_the_list_filters_by_a_body_from_its_page_or_by_part_of_its_name(client, owner):
    add_challenges(1, owner, 1)
    closed = OrganisationFactory(name="Closed Registry", slug="closed-registry")
    PublishedChallengeFactory(owner=closed, deadline=timezone.now() - timedelta(days=1))
    ChallengeFactory(owner=OrganisationFactory(name="Body Still Drafting", slug="body-still-drafting"))
    # From the body's page: its slug, shown as its name.
    response = client.get("/challenges/?organisation=closed-registry")
    assert [c.owner for c in response.context["page"].object_list] == [closed]
    assert response.context["filters"]["organisation"] == "Closed Registry"
    # Typed: part of a name, in any case.
    response = client.get("/challenges/?organisation=registry")
    assert [c.owner for c in response.context["page"].object_list] == [closed]
    assert not client.get("/challenges/?organisation=body-still-drafting").context["page"].object_list


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("api", [False, True])
def test_the_detail_does_not_grow_with_its_sectors_codes_and_criteria(client, owner, company_member, signed_in, api):
    if signed_in:
        client.force_login(company_member)

    def url(challenge):
        return f"/api/challenges/{challenge.pk}" if api else challenge.get_absolute_url()

    [small_one] = add_challenges(1, owner, SMALL)
    _response, small = queries_of(client, url(small_one))
    add_challenges(LARGE - 2, owner, SMALL)
    [large_one] = add_challenges(1, owner, LARGE)
    response, large = queries_of(client, url(large_one))
    if api:
        assert len(response.json()["criteria"]) == LARGE
    else:
        assert response.content.decode().count('<th scope="row">') == LARGE
    assert_same_count(small, large)
