"""Programme managers verify, suspend and reinstate organisations; every move is audited
and the organisation's admins hear about it."""

import pytest

from ponte.core.models import AuditEvent, Notification
from ponte.organisations.models import Organisation
from tests.factories import MembershipFactory, OrganisationFactory

from .support import messages_of


def url(organisation, verb):
    return f"/organisations/{organisation.slug}/{verb}/"


def audit_of(organisation, verb):
    return AuditEvent.objects.filter(verb=verb, target_id=str(organisation.pk), target_type__model="organisation")


@pytest.mark.django_db
def test_a_programme_manager_verifies_a_pending_organisation(
    login, programme_manager, pending_organisation, pending_admin
):
    response = login(programme_manager).post(url(pending_organisation, "verify"), {"reason": ""}, follow=True)

    assert response.status_code == 200
    assert "Done." in messages_of(response)
    pending_organisation.refresh_from_db()
    assert pending_organisation.status == "verified"
    assert pending_organisation.verified_at is not None
    event = audit_of(pending_organisation, "verify").get()
    assert event.actor == programme_manager
    assert (event.before, event.after) == ({"status": "pending"}, {"status": "verified"})
    notification = Notification.objects.get(recipient=pending_admin)
    assert notification.message == "Ministry in Waiting is verified and visible to everyone"


@pytest.mark.django_db
def test_a_verified_organisation_becomes_visible_to_everyone(client, programme_manager, pending_organisation, login):
    assert client.get(pending_organisation.get_absolute_url()).status_code == 404
    login(programme_manager).post(url(pending_organisation, "verify"))
    client.logout()
    assert client.get(pending_organisation.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_suspending_needs_a_reason(login, programme_manager, organisation, org_admin):
    response = login(programme_manager).post(url(organisation, "suspend"), {"reason": "   "}, follow=True)

    assert response.status_code == 200
    assert "Give the reason for suspending this organisation." in messages_of(response)
    organisation.refresh_from_db()
    assert organisation.status == "verified"
    assert not audit_of(organisation, "suspend").exists()
    assert not Notification.objects.filter(recipient=org_admin).exists()


@pytest.mark.django_db
def test_a_programme_manager_suspends_with_a_reason_and_the_admins_are_told_why(
    login, programme_manager, organisation, org_admin
):
    login(programme_manager).post(url(organisation, "suspend"), {"reason": "Registration number withdrawn"})

    organisation.refresh_from_db()
    assert organisation.status == "suspended"
    assert organisation.suspended_at is not None
    event = audit_of(organisation, "suspend").get()
    assert event.reason == "Registration number withdrawn"
    assert (event.before, event.after) == ({"status": "verified"}, {"status": "suspended"})
    message = Notification.objects.get(recipient=org_admin).message
    assert message == "Agency for Modernisation was suspended: Registration number withdrawn"


@pytest.mark.django_db
def test_a_programme_manager_reinstates_a_suspended_organisation(login, programme_manager, org_admin):
    organisation = OrganisationFactory(status="suspended")
    MembershipFactory(organisation=organisation, user=org_admin, role="admin")

    login(programme_manager).post(url(organisation, "reinstate"), {"reason": "Resolved"})

    organisation.refresh_from_db()
    assert organisation.status == "verified"
    assert audit_of(organisation, "reinstate").get().reason == "Resolved"


@pytest.mark.django_db
def test_the_whole_lifecycle_leaves_one_audit_row_per_move(login, programme_manager, pending_organisation):
    client = login(programme_manager)
    client.post(url(pending_organisation, "verify"))
    client.post(url(pending_organisation, "suspend"), {"reason": "Fraud report"})
    client.post(url(pending_organisation, "reinstate"))
    verbs = list(
        AuditEvent.objects.filter(target_id=str(pending_organisation.pk), target_type__model="organisation")
        .order_by("created_at", "id")
        .values_list("verb", flat=True)
    )
    assert verbs == ["verify", "suspend", "reinstate"]
    response = client.get(f"/audit/?type=organisations.organisation&id={pending_organisation.pk}")
    assert response.status_code == 200
    assert "Fraud report" in response.content.decode()


@pytest.mark.django_db
def test_nobody_verifies_an_organisation_twice(login, programme_manager, organisation):
    response = login(programme_manager).post(url(organisation, "verify"))
    assert response.status_code == 403
    assert not audit_of(organisation, "verify").exists()


@pytest.mark.django_db
def test_an_organisation_admin_cannot_verify_their_own_organisation(login, pending_organisation, pending_admin):
    response = login(pending_admin).post(url(pending_organisation, "verify"))
    assert response.status_code == 403
    assert Organisation.objects.get(pk=pending_organisation.pk).status == "pending"


@pytest.mark.django_db
def test_a_platform_admin_gets_what_the_rules_give_and_no_more(
    login, platform_admin, pending_organisation, organisation
):
    """A superuser is not above the rules: verifying is the programme managers' decision."""
    client = login(platform_admin)
    assert client.post(url(pending_organisation, "verify")).status_code == 403
    assert Organisation.objects.get(pk=pending_organisation.pk).status == "pending"

    page = client.get(organisation.get_absolute_url()).content.decode()
    assert "Verify this organisation" not in page
    assert "Suspend this organisation" not in page
    # What the rules do give a platform admin still works.
    assert "Edit details" in page


@pytest.mark.django_db
def test_the_page_offers_a_programme_manager_only_the_move_the_state_allows(
    login, programme_manager, organisation, pending_organisation
):
    client = login(programme_manager)
    pending = client.get(pending_organisation.get_absolute_url()).content.decode()
    assert "Verify this organisation" in pending
    assert "Suspend this organisation" not in pending
    verified = client.get(organisation.get_absolute_url()).content.decode()
    assert "Suspend this organisation" in verified
    assert "Verify this organisation" not in verified


@pytest.mark.django_db
def test_an_unknown_move_is_not_found(login, programme_manager, organisation):
    assert login(programme_manager).post(url(organisation, "delete")).status_code == 404


@pytest.mark.django_db
def test_a_move_needs_a_post(login, programme_manager, pending_organisation):
    assert login(programme_manager).get(url(pending_organisation, "verify")).status_code == 405
    assert Organisation.objects.get(pk=pending_organisation.pk).status == "pending"


@pytest.mark.django_db
def test_only_programme_managers_see_the_verification_queue(login, org_admin):
    assert login(org_admin).get("/organisations/verification/").status_code == 403


@pytest.mark.django_db
def test_a_platform_admin_still_runs_the_django_admin(login, platform_admin):
    suspended = OrganisationFactory(status="suspended", name="Suspended Body")
    client = login(platform_admin)
    listing = client.get("/admin/organisations/organisation/")
    assert listing.status_code == 200
    assert "Suspended Body" in listing.content.decode()
    change = client.get(f"/admin/organisations/organisation/{suspended.pk}/change/")
    assert change.status_code == 200
    assert 'name="_save"' in change.content.decode()
    assert client.get("/admin/organisations/organisation/add/").status_code == 200
    assert client.get(f"/admin/organisations/organisation/{suspended.pk}/delete/").status_code == 200
