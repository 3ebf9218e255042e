"""Signing in with a second factor, as programme managers, sponsors and platform admins must."""

import re

from playwright.sync_api import expect

from tests.conftest import give_two_factor
from tests.factories import PASSWORD, OrganisationFactory

from .support import totp_code, wrong_totp_code


def test_programme_manager_signs_in_with_password_then_authenticator_code(page, programme_manager):
    secret = give_two_factor(programme_manager)
    OrganisationFactory(name="Agency Awaiting Checks", slug="agency-awaiting-checks", status="pending")

    page.goto("/")
    page.get_by_role("banner").get_by_role("link", name="Sign in").click()
    page.get_by_label("Email", exact=True).fill(programme_manager.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()

    # The password alone is not enough.
    expect(page.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    # A wrong code is refused, visibly, and the person stays on the code page.
    page.get_by_label("Code", exact=True).fill(wrong_totp_code(secret))
    page.get_by_role("button", name="Sign In", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.get_by_text("Incorrect code.").first).to_be_visible()
    expect(page.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()

    page.get_by_label("Code", exact=True).fill(totp_code(secret))
    page.get_by_role("button", name="Sign In", exact=True).click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Welcome, Paula", level=1)).to_be_visible()
    to_verify = page.get_by_role("link", name="Organisations to verify")
    expect(to_verify).to_be_visible()
    expect(page.get_by_role("listitem").filter(has=to_verify)).to_contain_text("1")
    to_verify.click()
    expect(page.get_by_role("heading", name="Organisations to verify", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Agency Awaiting Checks")).to_be_visible()


def test_programme_manager_without_two_factor_must_set_it_up_first(page, programme_manager):
    page.goto("/accounts/login/")
    page.get_by_label("Email", exact=True).fill(programme_manager.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()

    # Ponte sends them to activate an authenticator app, whatever page they ask for;
    # allauth first asks them to confirm their password, as before any two-factor change.
    expect(page.get_by_role("heading", name="Confirm Access")).to_be_visible()
    page.goto("/organisations/verification/")
    expect(page.get_by_role("heading", name="Confirm Access")).to_be_visible()
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Activate Authenticator App")).to_be_visible()

    # They add the secret to their app and type the code it shows.
    secret = page.get_by_label("Authenticator secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()

    page.goto("/organisations/verification/")
    expect(page.get_by_role("heading", name="Organisations to verify", level=1)).to_be_visible()
