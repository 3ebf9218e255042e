"""Whatever arrives in a query string or a form, the organisation pages answer with a page
(never a server error), and a refused form shows again with what was typed."""

import pytest

from ponte.organisations.models import Invitation, JoinRequest, Membership, Organisation
from tests.factories import CompanyFactory, JoinRequestFactory, MembershipFactory, OrganisationFactory

from .support import messages_of


@pytest.fixture
def many_organisations(db):
    return [OrganisationFactory(name=f"Body {n:02d}") for n in range(30)]


# The list and its filters ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["abc", "-1", "0", "1.5", "99999", "", "%00", "1e3"])
def test_any_page_number_gives_a_page(client, many_organisations, page):
    response = client.get("/organisations/", {"page": page})
    assert response.status_code == 200
    assert response.context["page"].number in (1, 2)


@pytest.mark.django_db
def test_a_page_beyond_the_last_gives_the_last(client, many_organisations):
    response = client.get("/organisations/", {"page": "7"})
    assert response.context["page"].number == 2


@pytest.mark.django_db
def test_unknown_filter_values_are_ignored_and_the_search_text_is_kept(client):
    OrganisationFactory(name="Agency for Roads")
    CompanyFactory(name="Roadworks Ltd")
    response = client.get("/organisations/", {"kind": "alien", "country": "ZZ", "sector": "space", "q": "road"})
    assert response.status_code == 200
    assert response.context["filters"] == {"kind": "", "country": "", "sector": "", "q": "road"}
    page = response.content.decode()
    assert 'value="road"' in page
    assert "Agency for Roads" in page
    assert "Roadworks Ltd" in page


@pytest.mark.django_db
def test_known_filters_filter(client):
    OrganisationFactory(name="Agency for Roads", country="PT")
    CompanyFactory(name="Roadworks Ltd", country="BE")
    response = client.get("/organisations/", {"kind": "company", "country": "BE", "q": "ROAD"})
    names = [o.name for o in response.context["page"].object_list]
    assert names == ["Roadworks Ltd"]
    assert 'value="company" selected' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["\x00", "road\x00works", "%", "_", "'; DROP TABLE x; --", "ä" * 500])
def test_any_search_text_gives_a_page(client, text):
    CompanyFactory(name="Roadworks Ltd")
    response = client.get("/organisations/", {"q": text})
    assert response.status_code == 200
    # The API may refuse such text (422), but never fails on it.
    assert client.get("/api/organisations/", {"q": text[:200]}).status_code in (200, 422)


@pytest.mark.django_db
def test_the_verification_queue_takes_any_page_number(login, programme_manager, pending_organisation):
    response = login(programme_manager).get("/organisations/verification/", {"page": "last"})
    assert response.status_code == 200
    assert pending_organisation.name in response.content.decode()


# Registering and editing ------------------------------------------------------------------


@pytest.mark.django_db
def test_an_empty_registration_form_shows_what_is_missing(login, citizen):
    # What a browser sends for the untouched form.
    blank = dict.fromkeys(["name", "country", "description", "website", "tier", "level_of_government"], "")
    response = login(citizen).post("/organisations/new/", blank | {"registration_number": ""})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"kind", "name", "country"} <= set(errors)
    assert "There is a problem" in response.content.decode()
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_nonsense_choices_are_refused_and_the_typed_text_kept(login, citizen):
    response = login(citizen).post(
        "/organisations/new/",
        {
            "kind": "alien",
            "name": "Ministry of Silly Walks",
            "country": "ZZ",
            "tier": "emperor",
            "parent": "not-a-number",
            "sectors": ["space"],
            "website": "not a website",
            "description": "We walk.",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"kind", "country", "tier", "parent", "sectors", "website"} <= set(errors)
    page = response.content.decode()
    assert 'value="Ministry of Silly Walks"' in page
    assert "We walk." in page
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_a_parent_that_does_not_exist_or_is_not_offered_is_refused(login, citizen, pending_organisation):
    for parent in ("999999", str(pending_organisation.pk)):
        response = login(citizen).post(
            "/organisations/new/",
            {"kind": "public_body", "name": "Unit", "country": "BE", "tier": "unit", "level_of_government": "local"}
            | {"parent": parent},
        )
        assert response.status_code == 200
        assert "parent" in response.context["form"].errors
    assert not Organisation.objects.filter(name="Unit").exists()


@pytest.mark.django_db
def test_a_null_character_in_a_field_is_refused_not_a_crash(login, citizen):
    response = login(citizen).post(
        "/organisations/new/", {"kind": "company", "name": "Bad\x00Name", "country": "BE", "registration_number": "1"}
    )
    assert response.status_code == 200
    assert "name" in response.context["form"].errors


@pytest.mark.django_db
def test_an_empty_edit_form_shows_what_is_missing_and_changes_nothing(login, org_admin, organisation):
    response = login(org_admin).post(f"/organisations/{organisation.slug}/edit/", {"description": "Kept text"})
    assert response.status_code == 200
    assert {"name", "country"} <= set(response.context["form"].errors)
    assert "Kept text" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.name == "Agency for Modernisation"


# Members, invitations, requests -----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [({}, "email"), ({"email": "not-an-address", "role": "member"}, "email"), ({"email": "a@b.example"}, "role")],
)
def test_a_bad_invitation_form_is_shown_again_with_what_was_typed(login, org_admin, organisation, data, field):
    response = login(org_admin).post(f"/organisations/{organisation.slug}/members/", data | {"role": "owner"})
    assert response.status_code == 200
    form = response.context["invite_form"]
    assert field in form.errors
    if "email" in data:
        assert form["email"].value() == data["email"]
        assert f'value="{data["email"]}"' in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("data", [{}, {"decision": "maybe"}])
def test_a_decision_that_is_neither_approve_nor_refuse_changes_nothing(login, org_admin, organisation, data):
    request = JoinRequestFactory(organisation=organisation)
    response = login(org_admin).post(f"/organisations/{organisation.slug}/join/{request.pk}/decide/", data, follow=True)
    assert response.status_code == 200
    assert "Choose approve or refuse." in messages_of(response)
    request.refresh_from_db()
    assert request.status == "pending"


@pytest.mark.django_db
def test_an_unknown_role_changes_nothing(login, org_admin, organisation, member):
    membership = Membership.objects.get(user=member)
    response = login(org_admin).post(
        f"/organisations/{organisation.slug}/members/{membership.pk}/role/", {"role": "owner"}, follow=True
    )
    assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.role == "member"


@pytest.mark.django_db
def test_a_membership_of_another_organisation_is_not_found_here(login, org_admin, organisation):
    elsewhere = MembershipFactory(organisation=OrganisationFactory())
    base = f"/organisations/{organisation.slug}/members/{elsewhere.pk}"
    client = login(org_admin)
    assert client.post(f"{base}/role/", {"role": "admin"}).status_code == 404
    assert client.get(f"{base}/remove/").status_code == 404
    assert client.post(f"/organisations/{organisation.slug}/members/999999/role/", {"role": "admin"}).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.role == "member"


@pytest.mark.django_db
def test_a_too_long_request_message_is_refused_with_a_message(login, citizen, organisation):
    response = login(citizen).post(f"/organisations/{organisation.slug}/join/", {"message": "x" * 2001}, follow=True)
    assert response.status_code == 200
    assert any("2000" in message for message in messages_of(response))
    assert not JoinRequest.objects.exists()


@pytest.mark.django_db
def test_a_too_long_removal_reason_is_shown_again(login, org_admin, organisation, member):
    membership = Membership.objects.get(user=member)
    reason = "because " * 300
    response = login(org_admin).post(
        f"/organisations/{organisation.slug}/members/{membership.pk}/remove/", {"reason": reason}
    )
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert response.context["form"]["reason"].value() == reason
    assert Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.django_db
def test_an_upload_without_a_file_says_so(login, org_admin, organisation):
    response = login(org_admin).post(f"/organisations/{organisation.slug}/documents/", {}, follow=True)
    assert response.status_code == 200
    assert "Choose a file to upload." in messages_of(response)


@pytest.mark.django_db
def test_a_made_up_invitation_token_is_not_found(login, citizen):
    client = login(citizen)
    assert client.get("/organisations/invitations/" + "x" * 500 + "/").status_code == 404
    assert client.post("/organisations/invitations/nope/", {"answer": "accept"}).status_code == 404
