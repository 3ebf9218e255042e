import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from ponte.accounts.models import User
from ponte.core.models import AuditEvent, Notification
from ponte.core.notifications import notify
from ponte.organisations.models import Membership
from tests.factories import PASSWORD, MembershipFactory


@pytest.mark.django_db
def test_a_person_erases_their_account_and_their_personal_data_goes(client, member, organisation, org_admin):
    notify([member], "organisations.removed", params={"organisation": organisation.name})
    email = member.email
    client.force_login(member)
    response = client.post(reverse("erase_account"), {"password": PASSWORD})
    assert response.status_code == 302
    member.refresh_from_db()
    assert not member.is_active
    assert member.email != email and member.name == "Erased account"
    assert not member.has_usable_password()
    assert not Membership.objects.filter(user=member).exists()
    assert not Notification.objects.filter(recipient=member).exists()
    assert not EmailAddress.objects.filter(email=email).exists()
    assert not User.objects.filter(email=email).exists()
    assert AuditEvent.objects.filter(verb="erase_account", target_id=str(member.pk)).exists()
    # Signed out, and the old password no longer works.
    assert client.get(reverse("account")).status_code == 302
    assert not client.login(email=email, password=PASSWORD)


@pytest.mark.django_db
def test_erasing_needs_the_password_and_keeps_the_account_when_it_is_wrong(client, member):
    client.force_login(member)
    response = client.post(reverse("erase_account"), {"password": "not-my-password"})
    assert response.status_code == 200
    assert "That is not your password." in response.content.decode()
    member.refresh_from_db()
    assert member.is_active


@pytest.mark.django_db
def test_the_only_admin_of_an_organisation_cannot_erase_their_account(client, org_admin, organisation):
    client.force_login(org_admin)
    response = client.post(reverse("erase_account"), {"password": PASSWORD})
    assert response.status_code == 200
    assert "You are the only admin of Agency for Modernisation" in response.content.decode()
    org_admin.refresh_from_db()
    assert org_admin.is_active
    MembershipFactory(organisation=organisation, role="admin")
    response = client.post(reverse("erase_account"), {"password": PASSWORD})
    assert response.status_code == 302
