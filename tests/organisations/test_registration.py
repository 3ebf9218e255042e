"""Registering an organisation, and the rules of the public-body hierarchy."""

import pytest
from django.core.exceptions import ValidationError

from ponte.core.models import AuditEvent, Notification
from ponte.organisations import services
from ponte.organisations.models import Membership, Organisation
from tests.factories import CompanyFactory, OrganisationFactory, UserFactory

from .support import messages_of

CREATE_URL = "/organisations/new/"


def public_body(**overrides):
    data = {
        "kind": "public_body",
        "name": "Digital Services Agency",
        "country": "PT",
        "tier": "agency",
        "level_of_government": "national",
        "description": "We build the state's online services.",
    }
    data.update(overrides)
    return data


def company(**overrides):
    data = {
        "kind": "company",
        "name": "Open Civic Software",
        "country": "BE",
        "registration_number": "BE0123456789",
        "is_sme": "on",
        "sectors": ["digital", "health"],
    }
    data.update(overrides)
    return data


# Registering -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_registering_makes_the_creator_its_admin_and_leaves_it_pending(login, citizen):
    client = login(citizen)
    response = client.post(CREATE_URL, public_body(), follow=True)

    organisation = Organisation.objects.get(name="Digital Services Agency")
    assert response.redirect_chain[-1][0] == organisation.get_absolute_url()
    assert organisation.status == "pending"
    assert organisation.verified_at is None
    assert Membership.objects.get(organisation=organisation).user == citizen
    assert Membership.objects.get(organisation=organisation).role == "admin"
    assert "Digital Services Agency is registered. A programme manager will verify it." in messages_of(response)
    # The creator sees their organisation while it waits, and may manage it.
    assert response.status_code == 200
    assert "Awaiting verification" in response.content.decode()
    assert citizen.has_perm("organisations.manage_members", organisation)
    assert AuditEvent.objects.filter(verb="create", target_id=str(organisation.pk), actor=citizen).exists()


@pytest.mark.django_db
def test_registering_notifies_every_active_programme_manager(login, citizen):
    first = UserFactory(is_programme_manager=True)
    second = UserFactory(is_programme_manager=True)
    retired = UserFactory(is_programme_manager=True, is_active=False)
    bystander = UserFactory()

    login(citizen).post(CREATE_URL, company())

    notified = Notification.objects.filter(kind="organisations.to_verify")
    assert {n.recipient for n in notified} == {first, second}
    assert not Notification.objects.filter(recipient__in=[retired, bystander, citizen]).exists()
    notification = notified.get(recipient=first)
    assert notification.message == "Open Civic Software registered and awaits verification"
    assert notification.url == Organisation.objects.get(name="Open Civic Software").get_absolute_url()


@pytest.mark.django_db
def test_a_registered_company_keeps_its_sectors_and_size(login, citizen):
    login(citizen).post(CREATE_URL, company())
    organisation = Organisation.objects.get(name="Open Civic Software")
    assert organisation.kind == "company"
    assert organisation.is_sme is True
    assert sorted(s.code for s in organisation.sectors.all()) == ["digital", "health"]


@pytest.mark.django_db
def test_a_new_organisation_waits_in_the_programme_managers_queue(login, citizen, programme_manager):
    services.organisation_create(actor=citizen, **{k: v for k, v in company().items() if k != "is_sme"})
    response = login(programme_manager).get("/organisations/verification/")
    assert response.status_code == 200
    assert "Open Civic Software" in response.content.decode()


@pytest.mark.django_db
def test_a_visitor_is_sent_to_sign_in_before_registering(client):
    response = client.get(CREATE_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# Duplicate registration numbers -------------------------------------------------------------


@pytest.mark.django_db
def test_a_registration_number_already_on_ponte_in_that_country_is_refused_and_the_form_keeps_what_was_typed(
    login, citizen
):
    CompanyFactory(name="First Registered", country="BE", registration_number="BE0123456789")

    response = login(citizen).post(
        CREATE_URL, company(name="Second Attempt", registration_number=" be0123456789 ", description="Our pitch")
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "An organisation with this registration number is already on Ponte. Ask its admin to invite you." in page
    form = response.context["form"]
    assert "registration_number" in form.errors
    # What was typed is still there, to correct rather than retype.
    assert 'value="Second Attempt"' in page
    assert form["name"].value() == "Second Attempt"
    assert form["sectors"].value() == ["digital", "health"]
    assert not Organisation.objects.filter(name="Second Attempt").exists()


@pytest.mark.django_db
def test_the_same_registration_number_in_another_country_is_accepted(login, citizen):
    CompanyFactory(country="BE", registration_number="12345")
    response = login(citizen).post(CREATE_URL, company(country="NL", registration_number="12345"))
    assert response.status_code == 302
    assert Organisation.objects.filter(country="NL", registration_number="12345").exists()


@pytest.mark.django_db
def test_a_company_needs_a_registration_number(login, citizen):
    response = login(citizen).post(CREATE_URL, company(registration_number=""))
    assert response.status_code == 200
    assert response.context["form"].errors["registration_number"] == ["Enter the company's registration number."]
    assert not Organisation.objects.exists()


# The public-body hierarchy ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_ministry_cannot_be_part_of_an_agency(login, citizen):
    agency = OrganisationFactory(name="Tax Agency", tier="agency")
    response = login(citizen).post(
        CREATE_URL, public_body(name="Ministry of Finance", tier="ministry", parent=agency.pk)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["parent"]
    assert len(errors) == 1
    assert errors[0] == "A body of tier “Ministry” cannot be part of a body of tier “Agency”."
    assert response.context["form"]["name"].value() == "Ministry of Finance"
    assert not Organisation.objects.filter(name="Ministry of Finance").exists()


@pytest.mark.django_db
def test_a_unit_can_be_part_of_an_agency(login, citizen):
    agency = OrganisationFactory(name="Tax Agency", tier="agency")
    response = login(citizen).post(CREATE_URL, public_body(name="Data Unit", tier="unit", parent=agency.pk))
    assert response.status_code == 302
    assert Organisation.objects.get(name="Data Unit").parent == agency


@pytest.mark.django_db
def test_a_public_body_must_say_its_level_of_government(login, citizen):
    response = login(citizen).post(CREATE_URL, public_body(level_of_government=""))
    assert response.status_code == 200
    assert response.context["form"].errors["level_of_government"] == ["Choose the level of government."]
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_a_public_body_must_say_its_tier(login, citizen):
    response = login(citizen).post(CREATE_URL, public_body(tier=""))
    assert response.status_code == 200
    assert response.context["form"].errors["tier"] == [
        "Say where this body sits: government, ministry, agency or unit."
    ]
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_a_company_cannot_have_a_parent(login, citizen):
    ministry = OrganisationFactory(tier="ministry")
    response = login(citizen).post(CREATE_URL, company(parent=ministry.pk))
    assert response.status_code == 200
    assert response.context["form"].errors["parent"] == ["Companies are not part of a public body."]
    assert not Organisation.objects.filter(kind="company").exists()


@pytest.mark.django_db
def test_a_public_body_cannot_be_part_of_a_company(citizen):
    firm = CompanyFactory()
    with pytest.raises(ValidationError) as refused:
        services.organisation_create(
            actor=citizen, kind="public_body", name="Odd Unit", country="BE", tier="unit", parent=firm
        )
    assert refused.value.message_dict["parent"] == ["A public body can only be part of another public body."]


@pytest.mark.django_db
def test_editing_cannot_make_a_body_part_of_its_own_descendant(login):
    # A legacy body with no tier sits under the agency; tiers alone would not stop the loop.
    agency = OrganisationFactory(name="Roads Agency", slug="roads-agency", tier="agency")
    legacy = OrganisationFactory(name="Old Office", tier="", parent=agency)
    admin = UserFactory()
    Membership.objects.create(user=admin, organisation=agency, role="admin")

    response = login(admin).post(
        "/organisations/roads-agency/edit/",
        {"name": "Roads Agency (renamed)", "country": "BE", "tier": "agency", "level_of_government": "national"}
        | {"parent": legacy.pk},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["parent"] == ["A body cannot be part of itself."]
    assert response.context["form"]["name"].value() == "Roads Agency (renamed)"
    agency.refresh_from_db()
    assert agency.parent is None
    assert agency.name == "Roads Agency"


@pytest.mark.django_db
def test_a_body_cannot_be_its_own_parent(org_admin, organisation):
    with pytest.raises(ValidationError) as refused:
        services.organisation_update(actor=org_admin, organisation=organisation, parent=organisation)
    assert "A body cannot be part of itself." in refused.value.message_dict["parent"]
    organisation.refresh_from_db()
    assert organisation.parent is None


@pytest.mark.django_db
def test_an_admin_can_edit_the_details(login, org_admin, organisation):
    ministry = OrganisationFactory(name="Ministry of the Interior", tier="ministry")
    response = login(org_admin).post(
        f"/organisations/{organisation.slug}/edit/",
        {
            "name": "Agency for Administrative Modernisation",
            "country": "PT",
            "tier": "agency",
            "level_of_government": "national",
            "parent": ministry.pk,
            "sectors": ["digital"],
        },
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Agency for Administrative Modernisation"
    assert organisation.parent == ministry
    assert [s.code for s in organisation.sectors.all()] == ["digital"]
    assert AuditEvent.objects.filter(verb="update", target_id=str(organisation.pk)).exists()


@pytest.mark.django_db
def test_a_member_who_is_not_admin_edits_the_profile_but_not_who_the_organisation_is(login, member, organisation):
    name = organisation.name
    client = login(member)
    response = client.get(f"/organisations/{organisation.slug}/edit/")
    assert response.status_code == 200
    assert "name" not in response.context["form"].fields
    client.post(
        f"/organisations/{organisation.slug}/edit/",
        {"name": "Renamed by a member", "description": "We modernise public services.", "city": "Lisboa"},
    )
    organisation.refresh_from_db()
    assert (organisation.name, organisation.description, organisation.city) == (
        name,
        "We modernise public services.",
        "Lisboa",
    )
