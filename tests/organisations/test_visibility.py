"""What outsiders may not see answers 404, exactly as if it did not exist: a pending or
suspended organisation's page, members page and API records give nothing away."""

import pytest

from tests.factories import MembershipFactory, OrganisationFactory

ROLES = [
    "visitor",
    "citizen",
    "public_servant",
    "org_admin",
    "company_member",
    "evaluator",
    "programme_manager",
    "sponsor",
    "moderator",
    "platform_admin",
]
# Who sees the organisation's page, by its state (the rule organisations.view_organisation).
SEES = {
    "pending": {"public_servant", "org_admin", "programme_manager", "platform_admin"},
    "verified": set(ROLES),
    "suspended": {"public_servant", "org_admin", "programme_manager", "platform_admin"},
}


def sign_in(client, login, user):
    if user.is_authenticated:
        login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["pending", "verified", "suspended"])
@pytest.mark.parametrize("role", ROLES)
def test_the_page_and_api_record_answer_404_to_whoever_may_not_see_them(client, login, person_in_role, role, state):
    organisation = OrganisationFactory(status=state, slug="the-body")
    client = sign_in(client, login, person_in_role(role, organisation))
    expected = 200 if role in SEES[state] else 404

    assert client.get("/organisations/the-body/").status_code == expected
    api = client.get("/api/organisations/the-body")
    assert api.status_code == expected
    if expected == 404:
        assert api["Content-Type"] == "application/problem+json"
    else:
        assert api.json()["slug"] == "the-body"
    listed = [o["slug"] for o in client.get("/api/organisations/").json()["items"]]
    assert ("the-body" in listed) is (expected == 200)
    assert ("/organisations/the-body/" in client.get("/organisations/").content.decode()) is (expected == 200)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["citizen", "company_member", "evaluator", "sponsor", "moderator"])
def test_every_page_of_a_pending_organisation_answers_404_to_a_signed_in_outsider(
    client, login, person_in_role, role, pending_organisation, pending_admin
):
    MembershipFactory(organisation=pending_organisation, user__name="Hidden Member")
    login(person_in_role(role))
    base = f"/organisations/{pending_organisation.slug}"
    for path in (f"{base}/", f"{base}/members/", f"{base}/edit/", f"{base}/leave/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Hidden Member" not in response.content.decode()
    for path in (f"{base}/join/", f"{base}/verify/", f"{base}/documents/"):
        assert client.post(path).status_code == 404, path
    api = client.get(f"/api/organisations/{pending_organisation.slug}/members")
    assert api.status_code == 404
    assert "Hidden Member" not in api.content.decode()


@pytest.mark.django_db
def test_a_visitor_is_sent_to_sign_in_from_any_members_page_existing_or_not(client, pending_organisation):
    real = client.get(f"/organisations/{pending_organisation.slug}/members/")
    made_up = client.get("/organisations/no-such-body/members/")
    assert real.status_code == made_up.status_code == 302
    assert real["Location"].split("?")[0] == made_up["Location"].split("?")[0] == "/accounts/login/"
    api = client.get(f"/api/organisations/{pending_organisation.slug}/members")
    assert api.status_code == 404
    assert api.json() == client.get("/api/organisations/no-such-body/members").json()


@pytest.mark.django_db
def test_a_pending_organisation_answers_exactly_like_one_that_does_not_exist(client, pending_organisation):
    hidden = client.get(f"/api/organisations/{pending_organisation.slug}")
    missing = client.get("/api/organisations/no-such-body")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    page = client.get(f"/organisations/{pending_organisation.slug}/")
    assert page.status_code == 404
    assert pending_organisation.name not in page.content.decode()


@pytest.mark.django_db
def test_members_and_programme_managers_see_a_pending_organisations_members(
    login, client, pending_organisation, pending_admin, programme_manager
):
    for viewer in (pending_admin, programme_manager):
        login(viewer)
        response = client.get(f"/organisations/{pending_organisation.slug}/members/")
        assert response.status_code == 200
        assert "Petra Pending" in response.content.decode()
        api = client.get(f"/api/organisations/{pending_organisation.slug}/members")
        assert api.json() == [{"name": "Petra Pending", "role": "admin"}]


@pytest.mark.django_db
def test_the_members_of_a_verified_organisation_are_for_its_members(login, client, organisation, member, citizen):
    login(citizen)
    # The organisation is public, its member list is not.
    assert client.get(f"/organisations/{organisation.slug}/").status_code == 200
    assert client.get(f"/organisations/{organisation.slug}/members/").status_code == 403
    assert client.get(f"/api/organisations/{organisation.slug}/members").status_code == 404
    page = client.get(f"/organisations/{organisation.slug}/").content.decode()
    assert f"/organisations/{organisation.slug}/members/" not in page
