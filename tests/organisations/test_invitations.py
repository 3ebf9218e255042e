"""An organisation's admins invite people by e-mail; only the addressee can answer."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from ponte.core.models import AuditEvent, Notification
from ponte.organisations.models import Invitation, Membership
from tests.factories import InvitationFactory, MembershipFactory, OrganisationFactory, UserFactory

from .support import messages_of


def members_url(organisation):
    return f"/organisations/{organisation.slug}/members/"


def invitation_url(invitation):
    return f"/organisations/invitations/{invitation.token}/"


# Sending -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_admin_invites_someone_new_by_email(login, org_admin, organisation, django_capture_on_commit_callbacks):
    client = login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            members_url(organisation), {"email": " New.Person@Example.com ", "role": "admin"}, follow=True
        )

    assert "Invitation sent to New.Person@Example.com." in messages_of(response)
    invitation = Invitation.objects.get(organisation=organisation)
    assert (invitation.email, invitation.role, invitation.status) == ("new.person@example.com", "admin", "pending")
    assert invitation.invited_by == org_admin
    assert invitation.expires_at > timezone.now() + timedelta(days=13)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.com"]
    assert invitation.token in mail.outbox[0].body
    assert "Agency for Modernisation" in mail.outbox[0].subject
    assert AuditEvent.objects.filter(verb="invite", target_id=str(organisation.pk)).exists()
    # The admin sees the open invitation, with a way to revoke it.
    page = client.get(members_url(organisation)).content.decode()
    assert "new.person@example.com" in page
    assert f"/invitations/{invitation.pk}/revoke/" in page


@pytest.mark.django_db
def test_someone_with_an_account_is_notified_on_ponte(login, org_admin, organisation, citizen):
    login(org_admin).post(members_url(organisation), {"email": citizen.email, "role": "member"})
    notification = Notification.objects.get(recipient=citizen, kind="organisations.invitation")
    assert notification.message == "Olga Admin invited you to join Agency for Modernisation"
    assert notification.url == invitation_url(Invitation.objects.get())
    # Their home page lists it.
    home = login(citizen).get("/").content.decode()
    assert "Join Agency for Modernisation" in home


@pytest.mark.django_db
def test_a_second_open_invitation_to_the_same_address_is_refused(login, org_admin, organisation):
    InvitationFactory(organisation=organisation, email="twice@example.com")
    response = login(org_admin).post(members_url(organisation), {"email": "TWICE@example.com", "role": "member"})
    assert response.status_code == 200
    form = response.context["invite_form"]
    assert form.errors["email"] == ["This person already has an open invitation."]
    assert form["email"].value() == "TWICE@example.com"
    assert Invitation.objects.filter(organisation=organisation).count() == 1


@pytest.mark.django_db
def test_an_expired_invitation_does_not_block_a_new_one(login, org_admin, organisation):
    InvitationFactory(
        organisation=organisation, email="late@example.com", expires_at=timezone.now() - timedelta(days=1)
    )
    response = login(org_admin).post(members_url(organisation), {"email": "late@example.com", "role": "member"})
    assert response.status_code == 302
    assert Invitation.objects.filter(organisation=organisation, email="late@example.com").count() == 2


@pytest.mark.django_db
def test_inviting_an_existing_member_is_refused(login, org_admin, organisation, member):
    response = login(org_admin).post(members_url(organisation), {"email": member.email.upper(), "role": "member"})
    assert response.status_code == 200
    assert response.context["invite_form"].errors["email"] == [
        "This person is already a member of Agency for Modernisation."
    ]
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_a_member_who_is_not_admin_cannot_invite(login, member, organisation):
    response = login(member).post(members_url(organisation), {"email": "friend@example.com", "role": "admin"})
    assert response.status_code == 403
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_the_admin_of_a_suspended_organisation_cannot_invite(login):
    suspended = OrganisationFactory(status="suspended")
    admin = MembershipFactory(organisation=suspended, role="admin").user
    client = login(admin)
    page = client.get(members_url(suspended))
    assert page.status_code == 200
    assert page.context["can_manage"] is False
    assert "Send invitation" not in page.content.decode()
    assert client.post(members_url(suspended), {"email": "x@example.com", "role": "member"}).status_code == 403
    assert not Invitation.objects.exists()


# Answering ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_addressee_accepts_and_becomes_a_member_with_the_offered_role(login, organisation, org_admin):
    invitee = UserFactory(email="joana@example.com")
    invitation = InvitationFactory(
        organisation=organisation, email="Joana@Example.com", role="admin", invited_by=org_admin
    )

    client = login(invitee)
    assert client.get(invitation_url(invitation)).status_code == 200
    response = client.post(invitation_url(invitation), {"answer": "accept"}, follow=True)

    assert response.redirect_chain[-1][0] == organisation.get_absolute_url()
    assert "Welcome to Agency for Modernisation." in messages_of(response)
    assert Membership.objects.get(user=invitee, organisation=organisation).role == "admin"
    invitation.refresh_from_db()
    assert invitation.status == "accepted"
    assert invitation.decided_at is not None
    assert Notification.objects.filter(recipient=org_admin, kind="organisations.invitation_accepted").exists()


@pytest.mark.django_db
def test_the_addressee_may_decline(login, organisation):
    invitee = UserFactory()
    invitation = InvitationFactory(organisation=organisation, email=invitee.email)
    response = login(invitee).post(invitation_url(invitation), {"answer": "decline"}, follow=True)
    assert "Invitation declined." in messages_of(response)
    invitation.refresh_from_db()
    assert invitation.status == "declined"
    assert not Membership.objects.filter(user=invitee).exists()


@pytest.mark.django_db
def test_another_persons_invitation_answers_not_found(login, organisation, citizen):
    invitation = InvitationFactory(organisation=organisation, email="someone.else@example.com")
    client = login(citizen)
    assert client.get(invitation_url(invitation)).status_code == 404
    assert client.post(invitation_url(invitation), {"answer": "accept"}).status_code == 404
    # Exactly like an invitation that does not exist.
    assert client.get("/organisations/invitations/no-such-token/").status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == "pending"
    assert not Membership.objects.filter(user=citizen).exists()


@pytest.mark.django_db
def test_a_visitor_is_asked_to_sign_in_with_the_invited_address(client, organisation):
    invitation = InvitationFactory(organisation=organisation, email="guest@example.com")
    response = client.get(invitation_url(invitation))
    assert response.status_code == 200
    page = response.content.decode()
    assert "This invitation is for guest@example.com." in page
    assert "/accounts/login/?next=" in page


@pytest.mark.django_db
def test_an_expired_invitation_is_refused_with_a_clear_message(login, organisation):
    invitee = UserFactory()
    invitation = InvitationFactory(
        organisation=organisation, email=invitee.email, expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = login(invitee).post(invitation_url(invitation), {"answer": "accept"}, follow=True)
    assert response.status_code == 200
    assert "This invitation has expired. Ask the organisation's admin for a new one." in messages_of(response)
    assert not Membership.objects.filter(user=invitee).exists()
    invitation.refresh_from_db()
    assert invitation.status == "pending"


@pytest.mark.django_db
def test_an_answer_that_is_neither_accept_nor_decline_changes_nothing(login, organisation):
    invitee = UserFactory()
    invitation = InvitationFactory(organisation=organisation, email=invitee.email)
    client = login(invitee)
    for data in ({}, {"answer": "maybe"}):
        response = client.post(invitation_url(invitation), data, follow=True)
        assert response.status_code == 200
        assert "Choose whether to accept or decline the invitation." in messages_of(response)
    invitation.refresh_from_db()
    assert invitation.status == "pending"


# Revoking ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_admin_revokes_an_invitation_and_it_can_no_longer_be_accepted(login, org_admin, organisation):
    invitee = UserFactory()
    invitation = InvitationFactory(organisation=organisation, email=invitee.email)

    response = login(org_admin).post(
        f"/organisations/{organisation.slug}/invitations/{invitation.pk}/revoke/", follow=True
    )
    assert "Invitation revoked." in messages_of(response)
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    assert AuditEvent.objects.filter(verb="revoke", target_id=str(invitation.pk)).exists()

    client = login(invitee)
    assert "This invitation is revoked." in client.get(invitation_url(invitation)).content.decode()
    response = client.post(invitation_url(invitation), {"answer": "accept"}, follow=True)
    assert "This cannot be done while it is Revoked." in messages_of(response)
    assert not Membership.objects.filter(user=invitee).exists()


@pytest.mark.django_db
def test_a_member_who_is_not_admin_cannot_revoke(login, member, organisation):
    invitation = InvitationFactory(organisation=organisation)
    response = login(member).post(f"/organisations/{organisation.slug}/invitations/{invitation.pk}/revoke/")
    assert response.status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == "pending"
