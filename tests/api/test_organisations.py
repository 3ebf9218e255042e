"""Who sees which organisations through the API, and how the list pages."""

import pytest
from django.test import Client

from tests.api.utils import assert_problem, bearer
from tests.factories import CompanyFactory, MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture
def pending(db):
    return OrganisationFactory(name="Pending Office", slug="pending-office", status="pending", verified_at=None)


@pytest.fixture
def pending_member(pending):
    return MembershipFactory(organisation=pending, role="member", user__name="Pia Pending").user


@pytest.fixture
def as_person(token_for):
    """as_person(user) is a client that calls the API with that person's token."""

    def client_for(user):
        return Client(headers=bearer(token_for(user)))

    return client_for


def _slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["items"]]


class TestList:
    def test_anyone_sees_verified_organisations_but_not_pending_ones(self, organisation, pending):
        response = Client().get("/api/organisations/")

        assert _slugs(response) == ["agency-for-modernisation"]
        assert response.json()["count"] == 1
        item = response.json()["items"][0]
        assert item["name"] == "Agency for Modernisation"
        assert item["status"] == "verified"
        assert item["kind"] == "public_body"

    def test_a_person_who_is_not_a_member_does_not_see_a_pending_one(self, organisation, pending, as_person, citizen):
        assert _slugs(as_person(citizen).get("/api/organisations/")) == ["agency-for-modernisation"]

    def test_a_member_sees_their_pending_organisation(self, organisation, pending_member, as_person):
        response = as_person(pending_member).get("/api/organisations/")

        assert _slugs(response) == ["agency-for-modernisation", "pending-office"]
        assert response.json()["count"] == 2

    def test_a_member_sees_only_their_own_pending_organisation(self, pending_member, as_person):
        OrganisationFactory(slug="someone-elses", name="Someone Else's", status="pending", verified_at=None)

        assert _slugs(as_person(pending_member).get("/api/organisations/")) == ["pending-office"]

    def test_a_programme_manager_sees_pending_organisations(self, organisation, pending, as_person, programme_manager):
        assert _slugs(as_person(programme_manager).get("/api/organisations/")) == [
            "agency-for-modernisation",
            "pending-office",
        ]

    def test_filters(self, organisation, db):
        CompanyFactory(name="Civic Data Labs", slug="civic-data-labs", country="PT")

        assert _slugs(Client().get("/api/organisations/?kind=company")) == ["civic-data-labs"]
        assert _slugs(Client().get("/api/organisations/?kind=public_body")) == ["agency-for-modernisation"]
        assert _slugs(Client().get("/api/organisations/?country=PT")) == ["civic-data-labs"]
        assert _slugs(Client().get("/api/organisations/?q=civic")) == ["civic-data-labs"]
        assert _slugs(Client().get("/api/organisations/?q=nothing-like-it")) == []


class TestPagination:
    @pytest.fixture
    def seven(self, db):
        for letter in "GFEDCBA":
            OrganisationFactory(name=f"Agency {letter}", slug=f"agency-{letter.lower()}")
        OrganisationFactory(name="Agency Pending", slug="agency-pending", status="pending", verified_at=None)

    def test_pages_cover_the_list_without_gaps_or_repeats(self, seven):
        pages = [Client().get(f"/api/organisations/?limit=3&offset={offset}") for offset in (0, 3, 6)]

        assert [_slugs(page) for page in pages] == [
            ["agency-a", "agency-b", "agency-c"],
            ["agency-d", "agency-e", "agency-f"],
            ["agency-g"],
        ]
        assert {page.json()["count"] for page in pages} == {7}

    def test_past_the_end_is_empty_with_the_right_count(self, seven):
        response = Client().get("/api/organisations/?limit=3&offset=50")

        assert _slugs(response) == []
        assert response.json()["count"] == 7

    def test_the_default_page(self, seven):
        response = Client().get("/api/organisations/")

        assert len(response.json()["items"]) == 7
        assert response.json()["count"] == 7

    def test_count_follows_the_filters(self, seven):
        CompanyFactory(name="Company Z", slug="company-z")

        response = Client().get("/api/organisations/?kind=company&limit=1")

        assert _slugs(response) == ["company-z"]
        assert response.json()["count"] == 1


class TestDetail:
    def test_anyone_sees_a_verified_organisation(self, organisation):
        response = Client().get("/api/organisations/agency-for-modernisation")

        assert response.status_code == 200
        assert response.json()["slug"] == "agency-for-modernisation"
        assert response.json()["name"] == "Agency for Modernisation"

    def test_a_pending_organisation_is_not_found_by_others(self, pending, as_person, citizen, member):
        assert_problem(Client().get("/api/organisations/pending-office"), 404)
        assert_problem(as_person(citizen).get("/api/organisations/pending-office"), 404)
        # A member of another organisation is no different.
        assert_problem(as_person(member).get("/api/organisations/pending-office"), 404)

    def test_a_pending_organisation_is_seen_by_its_members_and_programme_managers(
        self, pending_member, as_person, programme_manager
    ):
        for person in (pending_member, programme_manager):
            response = as_person(person).get("/api/organisations/pending-office")
            assert response.status_code == 200
            assert response.json()["status"] == "pending"

    def test_the_parent_is_given_by_slug(self, organisation):
        OrganisationFactory(name="Child Office", slug="child-office", parent=organisation)

        assert Client().get("/api/organisations/child-office").json()["parent"] == "agency-for-modernisation"


class TestMembers:
    def test_members_and_roles_are_listed_to_a_member(self, org_admin, member, as_person):
        response = as_person(member).get("/api/organisations/agency-for-modernisation/members")

        assert response.status_code == 200
        assert sorted((m["name"], m["role"]) for m in response.json()) == [
            ("Manuel Member", "member"),
            ("Olga Admin", "admin"),
        ]

    def test_a_programme_manager_sees_the_members(self, member, as_person, programme_manager):
        response = as_person(programme_manager).get("/api/organisations/agency-for-modernisation/members")

        assert [m["name"] for m in response.json()] == ["Manuel Member"]

    def test_members_are_not_found_by_non_members(self, member, as_person, citizen):
        other_member = MembershipFactory(user=UserFactory(), organisation=OrganisationFactory()).user

        for client in (Client(), as_person(citizen), as_person(other_member)):
            body = assert_problem(client.get("/api/organisations/agency-for-modernisation/members"), 404)
            assert "Manuel" not in str(body)

    def test_members_of_a_pending_organisation_are_seen_by_its_members(self, pending_member, as_person, citizen):
        assert_problem(Client().get("/api/organisations/pending-office/members"), 404)
        assert_problem(as_person(citizen).get("/api/organisations/pending-office/members"), 404)
        response = as_person(pending_member).get("/api/organisations/pending-office/members")
        assert [m["name"] for m in response.json()] == ["Pia Pending"]
