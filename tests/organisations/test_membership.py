"""Requests to join, leaving, roles and removal; an organisation always keeps an admin."""

import pytest

from ponte.core.models import AuditEvent, Notification
from ponte.organisations.models import JoinRequest, Membership
from tests.factories import JoinRequestFactory, MembershipFactory, OrganisationFactory, UserFactory

from .support import messages_of

ONLY_ADMIN = "An organisation keeps at least one admin. Make someone else an admin first."


def members_url(organisation):
    return f"/organisations/{organisation.slug}/members/"


# Requests to join --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_person_asks_to_join_and_the_admins_are_told(login, citizen, organisation, org_admin):
    client = login(citizen)
    response = client.post(
        f"/organisations/{organisation.slug}/join/", {"message": "  I run the data team.  "}, follow=True
    )

    assert "Your request is sent. The organisation's admins will answer." in messages_of(response)
    request = JoinRequest.objects.get(organisation=organisation, user=citizen)
    assert (request.status, request.message) == ("pending", "I run the data team.")
    notification = Notification.objects.get(recipient=org_admin, kind="organisations.join_request")
    assert notification.message == "Carla Citizen asks to join Agency for Modernisation"
    assert AuditEvent.objects.filter(verb="request_to_join", actor=citizen).exists()
    # The page now shows the open request and offers to withdraw it, not to ask again.
    page = response.content.decode()
    assert "Your request to join" in page
    assert "Withdraw my request" in page
    assert "Ask to join" not in page
    # The admin finds it on their home page and on the members page.
    admin_client = login(org_admin)
    assert "Carla Citizen asks to join Agency for Modernisation" in admin_client.get("/").content.decode()
    assert "I run the data team." in admin_client.get(members_url(organisation)).content.decode()


@pytest.mark.django_db
def test_asking_twice_is_refused(login, citizen, organisation):
    JoinRequestFactory(organisation=organisation, user=citizen)
    response = login(citizen).post(f"/organisations/{organisation.slug}/join/", follow=True)
    assert "You have already asked to join; its admins will answer." in messages_of(response)
    assert JoinRequest.objects.filter(organisation=organisation, user=citizen).count() == 1


@pytest.mark.django_db
def test_a_member_cannot_ask_to_join(login, member, organisation):
    response = login(member).post(f"/organisations/{organisation.slug}/join/", follow=True)
    assert "You are already a member of Agency for Modernisation." in messages_of(response)
    assert not JoinRequest.objects.exists()


@pytest.mark.django_db
def test_nobody_can_ask_to_join_a_suspended_organisation_even_its_member(login, citizen):
    suspended = OrganisationFactory(status="suspended")
    # An outsider does not even see it.
    assert login(citizen).post(f"/organisations/{suspended.slug}/join/").status_code == 404
    assert not JoinRequest.objects.exists()


@pytest.mark.django_db
def test_an_admin_approves_a_request_and_the_person_becomes_a_member(login, org_admin, organisation, citizen):
    request = JoinRequestFactory(organisation=organisation, user=citizen)
    response = login(org_admin).post(
        f"/organisations/{organisation.slug}/join/{request.pk}/decide/", {"decision": "approve"}, follow=True
    )

    assert "Decision recorded." in messages_of(response)
    assert Membership.objects.get(organisation=organisation, user=citizen).role == "member"
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("approved", org_admin)
    assert Notification.objects.filter(recipient=citizen, kind="organisations.join_decision").exists()
    assert AuditEvent.objects.filter(verb="add_member", target_id=str(organisation.pk)).exists()
    assert "Carla Citizen" in response.content.decode()


@pytest.mark.django_db
def test_refusing_a_request_needs_a_reason(login, org_admin, organisation, citizen):
    request = JoinRequestFactory(organisation=organisation, user=citizen)
    client = login(org_admin)
    decide = f"/organisations/{organisation.slug}/join/{request.pk}/decide/"

    response = client.post(decide, {"decision": "refuse", "reason": " "}, follow=True)
    assert "Tell the person why their request is refused." in messages_of(response)
    request.refresh_from_db()
    assert request.status == "pending"

    client.post(decide, {"decision": "refuse", "reason": "We only take staff of the agency."})
    request.refresh_from_db()
    assert request.status == "refused"
    assert not Membership.objects.filter(user=citizen).exists()
    assert AuditEvent.objects.get(verb="refuse").reason == "We only take staff of the agency."
    notification = Notification.objects.get(recipient=citizen, kind="organisations.join_decision")
    assert notification.params["reason"] == "We only take staff of the agency."


@pytest.mark.django_db
def test_only_an_admin_decides(login, member, organisation, citizen):
    request = JoinRequestFactory(organisation=organisation, user=citizen)
    response = login(member).post(
        f"/organisations/{organisation.slug}/join/{request.pk}/decide/", {"decision": "approve"}
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(user=citizen).exists()


@pytest.mark.django_db
def test_a_person_withdraws_their_request(login, citizen, organisation):
    request = JoinRequestFactory(organisation=organisation, user=citizen)
    response = login(citizen).post(f"/organisations/{organisation.slug}/join/{request.pk}/withdraw/", follow=True)
    assert "Your request is withdrawn." in messages_of(response)
    request.refresh_from_db()
    assert request.status == "withdrawn"
    # Then they may ask again.
    assert citizen.has_perm("organisations.request_to_join", organisation)


@pytest.mark.django_db
def test_nobody_withdraws_someone_elses_request(login, citizen, organisation):
    request = JoinRequestFactory(organisation=organisation)
    response = login(citizen).post(f"/organisations/{organisation.slug}/join/{request.pk}/withdraw/")
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == "pending"


# Leaving -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_member_leaves(login, member, organisation):
    client = login(member)
    assert "Leave this organisation" in client.get(organisation.get_absolute_url()).content.decode()
    response = client.post(f"/organisations/{organisation.slug}/leave/", follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "You have left Agency for Modernisation." in messages_of(response)
    assert not Membership.objects.filter(user=member, organisation=organisation).exists()
    assert AuditEvent.objects.filter(verb="leave", actor=member).exists()


@pytest.mark.django_db
def test_the_only_admin_cannot_leave(login, org_admin, organisation, member):
    client = login(org_admin)
    assert "Leave this organisation" not in client.get(organisation.get_absolute_url()).content.decode()
    response = client.post(f"/organisations/{organisation.slug}/leave/", follow=True)
    assert (
        "You are the only admin of Agency for Modernisation. Make another member an admin before you leave."
        in messages_of(response)
    )
    assert Membership.objects.get(user=org_admin, organisation=organisation).role == "admin"


@pytest.mark.django_db
def test_one_of_two_admins_may_leave(login, org_admin, organisation):
    MembershipFactory(organisation=organisation, role="admin")
    login(org_admin).post(f"/organisations/{organisation.slug}/leave/")
    assert not Membership.objects.filter(user=org_admin).exists()
    assert Membership.objects.filter(organisation=organisation, role="admin").count() == 1


@pytest.mark.django_db
def test_someone_who_is_not_a_member_cannot_leave(login, citizen, organisation):
    response = login(citizen).post(f"/organisations/{organisation.slug}/leave/", follow=True)
    assert "You are not a member of Agency for Modernisation." in messages_of(response)


# Roles and removal ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_only_admin_cannot_be_demoted(login, org_admin, organisation):
    membership = Membership.objects.get(user=org_admin)
    response = login(org_admin).post(
        f"/organisations/{organisation.slug}/members/{membership.pk}/role/", {"role": "member"}, follow=True
    )
    assert ONLY_ADMIN in messages_of(response)
    membership.refresh_from_db()
    assert membership.role == "admin"


@pytest.mark.django_db
def test_an_admin_hands_over_then_steps_down(login, org_admin, organisation, member):
    client = login(org_admin)
    promoted = Membership.objects.get(user=member)
    client.post(f"/organisations/{organisation.slug}/members/{promoted.pk}/role/", {"role": "admin"})
    promoted.refresh_from_db()
    assert promoted.role == "admin"
    own = Membership.objects.get(user=org_admin)
    response = client.post(
        f"/organisations/{organisation.slug}/members/{own.pk}/role/", {"role": "member"}, follow=True
    )
    assert "Role changed." in messages_of(response)
    own.refresh_from_db()
    assert own.role == "member"
    event = AuditEvent.objects.filter(verb="change_role").order_by("-id").first()
    assert (event.before["role"], event.after["role"]) == ("admin", "member")


@pytest.mark.django_db
def test_the_only_admin_cannot_be_removed(login, org_admin, organisation):
    membership = Membership.objects.get(user=org_admin)
    response = login(org_admin).post(
        f"/organisations/{organisation.slug}/members/{membership.pk}/remove/", {"reason": "Tidying up"}
    )
    assert response.status_code == 200
    assert ONLY_ADMIN in response.content.decode()
    assert response.context["form"]["reason"].value() == "Tidying up"
    assert Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.django_db
def test_an_admin_removes_a_member_who_is_told(login, org_admin, organisation, member):
    membership = Membership.objects.get(user=member)
    url = f"/organisations/{organisation.slug}/members/{membership.pk}/remove/"
    client = login(org_admin)
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "Left the agency"}, follow=True)
    assert "Manuel Member is no longer a member." in messages_of(response)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert Notification.objects.filter(recipient=member, kind="organisations.removed").exists()
    assert AuditEvent.objects.get(verb="remove_member").reason == "Left the agency"


@pytest.mark.django_db
def test_a_member_cannot_change_roles_or_remove_anyone(login, member, org_admin, organisation):
    admin_membership = Membership.objects.get(user=org_admin)
    own = Membership.objects.get(user=member)
    client = login(member)
    url = f"/organisations/{organisation.slug}/members/{own.pk}/role/"
    assert client.post(url, {"role": "admin"}).status_code == 403
    assert client.get(f"/organisations/{organisation.slug}/members/{admin_membership.pk}/remove/").status_code == 403
    own.refresh_from_db()
    assert own.role == "member"


@pytest.mark.django_db
def test_the_admin_of_a_suspended_organisation_cannot_manage_members(login):
    suspended = OrganisationFactory(status="suspended")
    admin = MembershipFactory(organisation=suspended, role="admin").user
    other = MembershipFactory(organisation=suspended, role="member")
    request = JoinRequestFactory(organisation=suspended, user=UserFactory())
    client = login(admin)
    base = f"/organisations/{suspended.slug}"
    assert client.post(f"{base}/members/{other.pk}/role/", {"role": "admin"}).status_code == 403
    assert client.post(f"{base}/members/{other.pk}/remove/", {"reason": "x"}).status_code == 403
    assert client.post(f"{base}/join/{request.pk}/decide/", {"decision": "approve"}).status_code == 403
    other.refresh_from_db()
    assert other.role == "member"
    request.refresh_from_db()
    assert request.status == "pending"
