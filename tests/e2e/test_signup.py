"""A visitor creates an account, confirms their e-mail address from the e-mail, and is in."""

import re

from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from ponte.accounts.models import User

from .support import last_mail_to, links_in, path_of


def test_visitor_signs_up_and_confirms_their_email_address(page):
    page.goto("/")
    page.get_by_role("banner").get_by_role("link", name="Create an account").click()

    expect(page.get_by_role("heading", name="Sign Up", level=1)).to_be_visible()
    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("Email", exact=True).fill("ada@example.com")
    page.get_by_label("Password", exact=True).fill("analytical-engine-1843")
    page.get_by_label("Password (again)").fill("analytical-engine-1843")
    page.get_by_role("button", name="Sign Up").click()

    # Verification is mandatory: Ponte says so and signs nobody in yet.
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    # The e-mail carries a link (Ponte does not use verification codes); open it.
    message = last_mail_to("ada@example.com")
    confirm_links = [link for link in links_in(message) if "/accounts/confirm-email/" in link]
    assert len(confirm_links) == 1, message.body
    page.goto(path_of(confirm_links[0]))

    expect(page.get_by_role("heading", name="Confirm Email Address")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("ada@example.com")
    page.get_by_role("button", name="Confirm").click()

    # Confirming signs the person in and takes them home.
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Welcome, Ada", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("heading", name="Your organisations")).to_be_visible()

    user = User.objects.get(email="ada@example.com")
    assert user.name == "Ada Lovelace"
    assert user.language == "en"
    assert EmailAddress.objects.get(user=user, email="ada@example.com").verified
