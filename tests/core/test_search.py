"""Search ranks what matches on SQLite and PostgreSQL alike, and never shows — nor counts —
what the viewer may not see."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from ponte.core import search
from ponte.core.models import SearchEntry, Visibility
from ponte.organisations import services
from ponte.organisations.models import Status
from tests.conftest import give_two_factor
from tests.factories import MembershipFactory, OrganisationFactory

ANONYMOUS = AnonymousUser()


def _titles(results):
    return [entry.title for entry in results.entries]


@pytest.fixture
def harbour(db):
    """Two public organisations about water: one says so in its name, one only in its description."""
    title_match = OrganisationFactory(name="Harbour Water Authority", description="Ports and quays.")
    body_match = OrganisationFactory(
        name="Civic Data Lab", description="We measure water quality, water use and waste water in cities."
    )
    return title_match, body_match


def test_a_title_match_outranks_a_body_only_match(harbour):
    results = search.search("water", user=ANONYMOUS)
    assert _titles(results) == ["Harbour Water Authority", "Civic Data Lab"]
    assert results.total == 2


def test_the_order_does_not_depend_on_creation_order(db):
    OrganisationFactory(name="Civic Data Lab", description="We measure water quality and waste water.")
    OrganisationFactory(name="Harbour Water Authority")
    assert _titles(search.search("water", user=ANONYMOUS)) == ["Harbour Water Authority", "Civic Data Lab"]


def test_a_word_prefix_matches(harbour):
    assert set(_titles(search.search("wat", user=ANONYMOUS))) == {"Harbour Water Authority", "Civic Data Lab"}


def test_every_word_must_match(harbour):
    assert _titles(search.search("harb wat", user=ANONYMOUS)) == ["Harbour Water Authority"]
    assert search.search("harbour cities", user=ANONYMOUS).total == 0


def test_search_ignores_case_and_matches_the_registration_number(db):
    OrganisationFactory(name="Civic Data Lab", registration_number="BE0123456789", kind="company", tier="")
    assert _titles(search.search("be0123456789", user=ANONYMOUS)) == ["Civic Data Lab"]
    assert _titles(search.search("CIVIC", user=ANONYMOUS)) == ["Civic Data Lab"]


@pytest.mark.parametrize("query", ["", "   ", "!!!", "?!.,;:-()[]{}", '"" **', "-- /* */"])
def test_a_query_of_punctuation_only_returns_nothing(harbour, query):
    results = search.search(query, user=ANONYMOUS)
    assert results.entries == []
    assert results.total == 0


def test_results_can_be_limited_to_one_kind(harbour):
    assert search.search("water", user=ANONYMOUS, kind="organisation").total == 2
    assert search.search("water", user=ANONYMOUS, kind="challenge").total == 0


def test_results_are_paged_with_the_full_count(db):
    for n in range(23):
        OrganisationFactory(name=f"Water Board {n:02d}")
    first = search.search("water", user=ANONYMOUS, limit=20)
    second = search.search("water", user=ANONYMOUS, limit=20, offset=20)
    assert (first.total, second.total) == (23, 23)
    assert len(first.entries) == 20
    assert len(second.entries) == 3
    assert not set(_titles(first)) & set(_titles(second))


# Who finds what -------------------------------------------------------------------------


@pytest.fixture
def pending(db):
    """A newly registered organisation, visible to its members and staff only, beside a public one."""
    OrganisationFactory(name="Ocean Cleanup Agency")
    organisation = OrganisationFactory(name="Ocean Robotics", status=Status.PENDING, verified_at=None)
    member = MembershipFactory(organisation=organisation, role="admin").user
    return organisation, member


def test_a_pending_organisation_is_indexed_for_its_members_only(pending):
    organisation, _member = pending
    entry = SearchEntry.objects.get(key=f"organisations.organisation:{organisation.pk}")
    assert entry.visibility == Visibility.MEMBERS
    assert entry.organisation_id == organisation.pk


def test_its_members_find_a_pending_organisation(pending):
    _organisation, member = pending
    results = search.search("ocean", user=member)
    assert set(_titles(results)) == {"Ocean Cleanup Agency", "Ocean Robotics"}
    assert results.total == 2


@pytest.mark.parametrize("staff", ["programme_manager", "platform_admin"])
def test_staff_find_a_pending_organisation(pending, staff, request):
    results = search.search("ocean", user=request.getfixturevalue(staff))
    assert results.total == 2
    assert "Ocean Robotics" in _titles(results)


@pytest.mark.parametrize("viewer", ["anonymous", "citizen", "member_elsewhere"])
def test_others_neither_find_nor_count_a_pending_organisation(pending, viewer, citizen):
    user = {
        "anonymous": ANONYMOUS,
        "citizen": citizen,
        "member_elsewhere": MembershipFactory(role="admin").user,
    }[viewer]
    results = search.search("ocean", user=user)
    assert _titles(results) == ["Ocean Cleanup Agency"]
    assert results.total == 1
    assert search.search("robotics", user=user).total == 0


def test_a_suspended_organisation_leaves_public_search(programme_manager):
    organisation = OrganisationFactory(name="Ocean Robotics")
    assert search.search("robotics", user=ANONYMOUS).total == 1

    services.organisation_suspend(actor=programme_manager, organisation=organisation, reason="Fraud")
    assert search.search("robotics", user=ANONYMOUS).total == 0

    services.organisation_reinstate(actor=programme_manager, organisation=organisation)
    assert search.search("robotics", user=ANONYMOUS).total == 1


def test_a_verified_organisation_becomes_findable_by_everyone(pending, programme_manager):
    organisation, _member = pending
    services.organisation_verify(actor=programme_manager, organisation=organisation)
    assert search.search("robotics", user=ANONYMOUS).total == 1


def test_the_search_page_counts_only_what_the_viewer_may_see(client, pending):
    response = client.get(reverse("search"), {"q": "ocean"})
    html = response.content.decode()
    assert response.context["results"].total == 1
    assert "1 result" in html
    assert "Ocean Cleanup Agency" in html
    assert "Ocean Robotics" not in html


def test_the_search_page_shows_a_member_their_pending_organisation(client, pending):
    _organisation, member = pending
    client.force_login(member)
    response = client.get(reverse("search"), {"q": "ocean"})
    assert response.context["results"].total == 2
    assert "Ocean Robotics" in response.content.decode()


def test_the_search_page_shows_staff_a_pending_organisation(client, pending, programme_manager):
    give_two_factor(programme_manager)
    client.force_login(programme_manager)
    response = client.get(reverse("search"), {"q": "robotics"})
    assert response.context["results"].total == 1
    assert "Ocean Robotics" in response.content.decode()


# Keeping the index in step --------------------------------------------------------------


def test_deleting_an_object_removes_it_from_the_index(harbour):
    title_match, _body_match = harbour
    key = f"organisations.organisation:{title_match.pk}"
    assert SearchEntry.objects.filter(key=key).exists()

    title_match.delete()

    assert not SearchEntry.objects.filter(key=key).exists()
    assert _titles(search.search("water", user=ANONYMOUS)) == ["Civic Data Lab"]
    assert search.search("harbour", user=ANONYMOUS).total == 0


def test_renaming_an_object_reindexes_it(harbour, org_admin):
    title_match, _body_match = harbour
    MembershipFactory(organisation=title_match, user=org_admin, role="admin")

    services.organisation_update(actor=org_admin, organisation=title_match, name="Port Authority")

    assert search.search("harbour", user=ANONYMOUS).total == 0
    assert _titles(search.search("port", user=ANONYMOUS)) == ["Port Authority"]


def test_rebuilding_the_index_restores_it(harbour, pending):
    SearchEntry.objects.all().delete()
    assert search.search("water", user=ANONYMOUS).total == 0

    assert search.rebuild_index() == 4

    assert search.search("water", user=ANONYMOUS).total == 2
    assert search.search("robotics", user=ANONYMOUS).total == 0  # still members-only


# The page with odd input ----------------------------------------------------------------


HARBOUR, LAB = "Harbour Water Authority", "Civic Data Lab"


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("water " * 2000, {HARBOUR, LAB}),
        ("harbour " + "x" * 5000, set()),
        ('"water', {HARBOUR, LAB}),
        ("water'", {HARBOUR, LAB}),
        ('"harbour" OR "1"="1', set()),
        ("' OR 1=1 --", set()),
        ("water'); DROP TABLE core_searchentry; --", set()),
        ("NEAR(water harbour)", set()),
        ("water:* | !harbour", {HARBOUR}),
        ("^water* -lab", {LAB}),
        ("%harbour%", {HARBOUR}),
        ("harbour\\", {HARBOUR}),
        ("harbour\x00", {HARBOUR}),
        ("💧 water", {HARBOUR, LAB}),
        ("wáter", None),  # SQLite folds accents, PostgreSQL's simple configuration does not
    ],
    ids=range(15),
)
def test_the_search_page_survives_odd_queries(client, harbour, query, found):
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    # The words count, every one of them; the punctuation is no syntax.
    if found is not None:
        assert {entry.title for entry in response.context["results"].entries} == found
    assert SearchEntry.objects.count() == 2


@pytest.mark.parametrize("query", ["!!!", "\"'()*:&|", "<script>alert(1)</script>"])
def test_the_search_page_answers_nothing_found_for_wordless_queries(client, harbour, query):
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "nonsense"},
        {"kind": "organisation'--"},
        {"page": "abc"},
        {"page": "0"},
        {"page": "-5"},
        {"page": "1.5"},
        {"page": "9" * 40},
        {"page": "99999"},
    ],
    ids=lambda params: repr(params),
)
def test_the_search_page_survives_odd_parameters(client, harbour, params):
    response = client.get(reverse("search"), {"q": "water", **params})
    assert response.status_code == 200
    assert response.context["results"].total == 2


def test_an_unknown_kind_searches_everything(client, harbour):
    response = client.get(reverse("search"), {"q": "water", "kind": "nonsense"})
    assert response.context["kind"] == ""
    assert "Harbour Water Authority" in response.content.decode()


def test_the_search_page_without_a_query_shows_the_form(client, db):
    response = client.get(reverse("search"))
    assert response.status_code == 200
    assert response.context["results"] is None


def test_a_signed_in_person_without_results_is_told_so(client, citizen, harbour):
    client.force_login(citizen)
    response = client.get(reverse("search"), {"q": "zeppelin"})
    assert response.status_code == 200
    assert "Nothing matches your search." in response.content.decode()
    assert response.context["results"].total == 0
