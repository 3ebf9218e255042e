"""Joining an organisation: by asking its admins, or by accepting an admin's invitation."""

import re

from playwright.sync_api import expect

from ponte.organisations.models import Membership
from tests.factories import UserFactory

from .support import last_mail_to, links_in, path_of, sign_in


def test_person_asks_to_join_and_an_admin_approves(new_context, organisation, org_admin, citizen):
    person = new_context().new_page()
    sign_in(person, citizen.email)
    person.get_by_role("link", name="Find your organisation").click()
    person.get_by_role("link", name="Agency for Modernisation").click()

    expect(person.get_by_role("heading", name="Agency for Modernisation", level=1)).to_be_visible()
    person.get_by_label("Message to the organisation's admins").fill("I run the digital desk in Porto.")
    person.get_by_role("button", name="Ask to join").click()
    expect(person.get_by_role("status")).to_contain_text("Your request is sent")
    expect(person.get_by_role("heading", name="Your request to join")).to_be_visible()

    # The admin, in their own browser, sees the request and approves it.
    admin = new_context().new_page()
    sign_in(admin, org_admin.email)
    admin.get_by_role("link", name="Carla Citizen asks to join Agency for Modernisation").click()
    expect(admin.get_by_role("heading", name="Members of Agency for Modernisation", level=1)).to_be_visible()
    request = admin.get_by_role("listitem").filter(has=admin.get_by_role("heading", name="Carla Citizen"))
    expect(request).to_contain_text("I run the digital desk in Porto.")
    request.get_by_role("button", name="Approve Carla Citizen").click()
    expect(admin.get_by_role("status")).to_contain_text("Decision recorded.")
    expect(admin.get_by_role("table", name="Members")).to_contain_text("Carla Citizen")
    expect(admin.get_by_role("heading", name="Requests to join")).to_have_count(0)

    # The person now finds the organisation on their home page.
    person.get_by_role("link", name="Ponte").click()
    memberships = person.get_by_role("heading", name="Your organisations").locator("xpath=following-sibling::ul[1]")
    expect(memberships.get_by_role("link", name="Agency for Modernisation")).to_be_visible()
    expect(memberships).to_contain_text("Member")
    assert Membership.objects.filter(user=citizen, organisation=organisation, role="member").exists()


def test_admin_invites_by_email_and_the_invitee_accepts(new_context, organisation, org_admin):
    invitee = UserFactory(name="Ines Invited", email="ines@example.com")

    admin = new_context().new_page()
    sign_in(admin, org_admin.email)
    admin.get_by_role("link", name="Agency for Modernisation").click()
    admin.get_by_role("link", name="Members").click()
    admin.get_by_label("E-mail address").fill("ines@example.com")
    admin.get_by_role("radio", name="Organisation admin").check()
    admin.get_by_role("button", name="Send invitation").click()
    expect(admin.get_by_role("status")).to_contain_text("Invitation sent to ines@example.com.")
    expect(admin.get_by_role("heading", name="Open invitations")).to_be_visible()
    expect(admin.get_by_role("main")).to_contain_text("ines@example.com — Organisation admin")

    # The invitation e-mail links to the invitation page.
    message = last_mail_to("ines@example.com")
    invitation_links = [link for link in links_in(message) if "/organisations/invitations/" in link]
    assert invitation_links, message.body

    # The invitee signs in and finds it on their home page.
    person = new_context().new_page()
    sign_in(person, invitee.email)
    expect(person.get_by_role("heading", name="Invitations")).to_be_visible()
    person.get_by_role("link", name="Join Agency for Modernisation").click()
    expect(person).to_have_url(re.compile(re.escape(path_of(invitation_links[0])) + "$"))
    expect(person.get_by_role("heading", name="Invitation to join Agency for Modernisation")).to_be_visible()
    expect(person.get_by_role("main")).to_contain_text("Olga Admin invites you to join as organisation admin.")
    person.get_by_role("button", name="Accept").click()

    expect(person.get_by_role("status")).to_contain_text("Welcome to Agency for Modernisation.")
    expect(person.get_by_role("heading", name="Agency for Modernisation", level=1)).to_be_visible()
    expect(person.get_by_role("link", name="Members")).to_be_visible()
    person.get_by_role("link", name="Ponte").click()
    expect(person.get_by_role("heading", name="Invitations")).to_have_count(0)
    assert Membership.objects.filter(user=invitee, organisation=organisation, role="admin").exists()
