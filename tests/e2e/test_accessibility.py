"""axe-core finds no serious or critical violation on any page, in English and in French,
for each role that sees it. Every page is also kept as a full-page screenshot (the paths
are printed, and listed at the end of the run)."""

import re

import pytest
from django.test import RequestFactory
from django.utils import translation
from playwright.sync_api import expect

from ponte.core.views import server_error
from ponte.organisations import services as organisations
from tests.conftest import give_two_factor
from tests.factories import (
    PASSWORD,
    CompanyFactory,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

from .support import AccessibilityAudit, last_mail_to, links_in, log_in_as, path_of, sign_in, totp_code, tr
from .support import wrong_totp_code as wrong_code

LANGUAGES = ["en", "fr"]
BROWSER_LOCALE = {"en": "en-GB", "fr": "fr-FR"}


def _audit(screenshot_dir, language: str, role: str) -> AccessibilityAudit:
    folder = screenshot_dir / f"{language}-{role.replace(' ', '-')}"
    folder.mkdir()
    return AccessibilityAudit(folder, f"{language} {role}")


def _main_heading(page, text: str):
    expect(page.get_by_role("heading", name=text, level=1)).to_be_visible()


def _ci(text: str) -> re.Pattern:
    return re.compile(f"^{re.escape(text)}", re.IGNORECASE)


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_visitors_see(new_context, screenshot_dir, settings, language):
    def t(message):
        return tr(language, message)

    agency = OrganisationFactory(
        name="Agency for Modernisation",
        slug="agency-for-modernisation",
        description="Runs the digital public services of the state.",
        website="https://ama.example.pt",
    )
    olga = MembershipFactory(organisation=agency, role="admin", user__name="Olga Admin", user__email="olga@example.com")
    invitation = InvitationFactory(organisation=agency, invited_by=olga.user, email="newcomer@example.com")
    audit = _audit(screenshot_dir, language, "visitor")
    page = new_context(locale=BROWSER_LOCALE[language]).new_page()

    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    audit.check(page, "home (visitor)")

    page.goto("/accounts/login/")
    audit.check(page, "sign in")
    page.get_by_role("button", name=t("Sign In"), exact=True).click()
    expect(page.get_by_role("alert")).to_be_visible()
    audit.check(page, "sign in, with errors")

    page.goto("/accounts/signup/")
    audit.check(page, "sign up")
    page.get_by_label(t("Full name")).fill("Ada Lovelace")
    page.get_by_label(t("Email"), exact=True).fill("ada@example.com")
    page.get_by_label(t("Password"), exact=True).fill("short")
    page.get_by_label(t("Password (again)")).fill("different")
    page.get_by_role("button", name=t("Sign Up")).click()
    expect(page.get_by_role("alert")).to_be_visible()
    audit.check(page, "sign up, with errors")
    page.get_by_label(t("Password"), exact=True).fill("analytical-engine-1843")
    page.get_by_label(t("Password (again)")).fill("analytical-engine-1843")
    page.get_by_role("button", name=t("Sign Up")).click()
    _main_heading(page, t("Verify Your Email Address"))
    audit.check(page, "e-mail verification sent")

    confirm = next(link for link in links_in(last_mail_to("ada@example.com")) if "/confirm-email/" in link)
    page.goto(path_of(confirm))
    _main_heading(page, t("Confirm Email Address"))
    audit.check(page, "confirm e-mail address")

    page.goto("/accounts/password/reset/")
    audit.check(page, "password reset")
    page.get_by_role("button", name=t("Reset My Password")).click()
    expect(page.get_by_role("alert")).to_be_visible()
    audit.check(page, "password reset, with errors")
    page.get_by_label(t("Email"), exact=True).fill("olga@example.com")
    page.get_by_role("button", name=t("Reset My Password")).click()
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/done/$"))
    audit.check(page, "password reset e-mail sent")
    reset = next(link for link in links_in(last_mail_to("olga@example.com")) if "/password/reset/key/" in link)
    page.goto(path_of(reset))
    _main_heading(page, t("Change Password"))
    audit.check(page, "choose a new password (link from the e-mail)")
    page.get_by_label(t("New Password"), exact=True).fill("a-new-password-for-olga")
    page.get_by_label(t("New Password (again)"), exact=True).fill("a-new-password-for-olga")
    page.get_by_role("button", name=t("Change Password")).click()
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/key/done/$"))
    audit.check(page, "password changed")

    page.goto("/organisations/")
    audit.check(page, "organisation list (visitor)")
    # The filters refresh the results in place (htmx).
    page.get_by_label(t("Name contains")).fill("roads")
    page.get_by_role("button", name=t("Apply filters")).click()
    expect(page.get_by_text(t("No organisation matches these filters."))).to_be_visible()
    audit.check(page, "organisation list, filtered to nothing")
    page.get_by_label(t("Name contains")).fill("")
    page.get_by_role("button", name=t("Apply filters")).click()
    # Wait for the results to be swapped in before following one of them.
    expect(page.get_by_text(t("No organisation matches these filters."))).to_be_hidden()
    # Leaving the search box sent the filters too (on change): let both answers land,
    # or the later one's history entry can cancel the click below.
    expect(page.locator(".htmx-request")).to_have_count(0)
    page.get_by_role("link", name="Agency for Modernisation").click()
    _main_heading(page, "Agency for Modernisation")
    audit.check(page, "organisation detail (visitor)")

    page.goto("/search/")
    page.get_by_label(t("Search Ponte")).fill("modernisation")
    page.get_by_role("button", name=t("Search"), exact=True).click()
    expect(page.get_by_role("main").get_by_role("link", name="Agency for Modernisation")).to_be_visible()
    audit.check(page, "search with results")
    page.get_by_label(t("Search Ponte")).fill("xylophone")
    page.get_by_role("button", name=t("Search"), exact=True).click()
    expect(page.get_by_text(t("Nothing matches your search. Try fewer or other words."))).to_be_visible()
    audit.check(page, "search without results")

    page.goto("/open-data/")
    audit.check(page, "open data")

    page.goto(f"/organisations/invitations/{invitation.token}/")
    audit.check(page, "invitation (visitor)")

    response = page.goto("/no-such-page/")
    assert response.status == 404
    audit.check(page, "page not found (404)")

    # A request too large to read: the bad request (400) page.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    page.goto("/accounts/login/")
    page.get_by_label(t("Password"), exact=True).fill("x" * 4000)
    page.get_by_role("button", name=t("Sign In"), exact=True).click()
    _main_heading(page, t("Something in the request was wrong"))
    audit.check(page, "bad request (400)")

    # The server error (500) page, as Ponte's handler renders it, shown in the browser
    # (answered with 200, so that the check that no page failed does not count it).
    with translation.override(language):
        error_page = server_error(RequestFactory().get("/")).content
    page.route("**/server-error-page/", lambda route: route.fulfill(body=error_page, content_type="text/html"))
    page.goto("/server-error-page/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    audit.check(page, "server error (500)")

    # A form sent without its CSRF cookie (cookies blocked, or expired).
    page.goto("/accounts/login/")
    page.context.clear_cookies()
    page.get_by_label(t("Email"), exact=True).fill("olga@example.com")
    page.get_by_role("button", name=t("Sign In"), exact=True).click()
    _main_heading(page, t("Your form expired"))
    audit.check(page, "form expired (CSRF failure)")

    audit.assert_clean()


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_members_and_organisation_admins_see(new_context, live_server, screenshot_dir, language):
    def t(message):
        return tr(language, message)

    olga = UserFactory(name="Olga Admin", email="olga@example.com", language=language)
    agency = OrganisationFactory(
        name="Agency for Modernisation",
        slug="agency-for-modernisation",
        description="Runs the digital public services of the state.",
        website="https://ama.example.pt",
    )
    MembershipFactory(organisation=agency, user=olga, role="admin")
    MembershipFactory(organisation=agency, role="member", user__name="Manuel Member")
    labs = CompanyFactory(name="Civic Data Labs", slug="civic-data-labs")
    MembershipFactory(organisation=labs, user=olga, role="member")
    MembershipFactory(organisation=labs, role="admin", user__name="Sofie Peeters")
    ministry = OrganisationFactory(name="Ministry of Health", slug="ministry-of-health", tier="ministry")
    rui = MembershipFactory(organisation=ministry, role="admin", user__name="Rui Almeida").user
    OrganisationFactory(name="Agency for Roads", slug="agency-for-roads")
    organisations.invitation_create(actor=rui, organisation=ministry, email=olga.email)
    organisations.invitation_create(actor=olga, organisation=agency, email="someone@example.com")
    carla = UserFactory(name="Carla Citizen")
    organisations.join_request_create(actor=carla, organisation=agency, message="I run the digital desk in Porto.")

    audit = _audit(screenshot_dir, language, "member")
    context = new_context(locale=BROWSER_LOCALE[language])
    log_in_as(context, olga, live_server.url)
    page = context.new_page()

    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    _main_heading(page, t("Welcome, %(name)s") % {"name": "Olga"})
    audit.check(page, "home (signed in)")

    page.goto("/organisations/")
    audit.check(page, "organisation list (signed in)")
    page.goto("/organisations/agency-for-modernisation/")
    audit.check(page, "organisation detail (its admin)")
    page.goto("/organisations/agency-for-roads/")
    expect(page.get_by_role("button", name=t("Ask to join"))).to_be_visible()
    audit.check(page, "organisation detail (ask to join)")

    page.goto("/organisations/new/")
    audit.check(page, "register an organisation")
    page.get_by_role("button", name=t("Register"), exact=True).click()
    expect(page.get_by_role("alert")).to_be_focused()
    audit.check(page, "register an organisation, with errors")

    page.goto("/organisations/agency-for-modernisation/edit/")
    audit.check(page, "edit an organisation")
    page.get_by_label(t("Name"), exact=True).fill("")
    page.get_by_role("button", name=t("Save changes")).click()
    expect(page.get_by_role("alert")).to_be_focused()
    audit.check(page, "edit an organisation, with errors")

    page.goto("/organisations/agency-for-modernisation/members/")
    expect(page.get_by_role("heading", name=t("Requests to join"))).to_be_visible()
    expect(page.get_by_role("heading", name=t("Open invitations"))).to_be_visible()
    audit.check(page, "members, requests and invitations")
    page.get_by_role("link", name=re.compile("Manuel Member")).click()
    audit.check(page, "remove a member")
    page.goto("/organisations/civic-data-labs/leave/")
    audit.check(page, "leave an organisation")

    page.goto("/")
    page.get_by_role("link", name=t("Join %(organisation)s") % {"organisation": "Ministry of Health"}).click()
    expect(page.get_by_role("button", name=t("Accept"))).to_be_visible()
    audit.check(page, "invitation (the invitee)")

    page.goto("/notifications/")
    expect(page.get_by_role("button", name=re.compile("Carla Citizen"))).to_be_visible()
    audit.check(page, "notifications")

    page.goto("/me/")
    audit.check(page, "your account")
    page.get_by_role("textbox", name=_ci(t("full name"))).fill("")
    page.get_by_role("button", name=t("Save"), exact=True).click()
    expect(page.get_by_role("alert")).to_be_focused()
    audit.check(page, "your account, with errors")
    page.goto("/me/notifications/")
    audit.check(page, "notification preferences")
    page.goto("/me/api-tokens/")
    audit.check(page, "API tokens")
    page.get_by_role("button", name=t("Create token")).click()
    expect(page.get_by_role("alert")).to_be_focused()
    audit.check(page, "API tokens, with errors")
    page.get_by_role("textbox", name=_ci(t("name"))).fill("Data dashboard")
    page.get_by_role("button", name=t("Create token")).click()
    expect(page.get_by_role("heading", name=t("Your new token"))).to_be_visible()
    audit.check(page, "API tokens, after creating one")

    page.goto("/accounts/email/")
    audit.check(page, "e-mail addresses")
    page.goto("/accounts/password/change/")
    audit.check(page, "change password")
    page.goto("/accounts/2fa/")
    audit.check(page, "two-factor authentication overview")

    response = page.goto("/organisations/verification/")
    assert response.status == 403
    audit.check(page, "forbidden (403)")

    page.goto("/me/")
    page.get_by_role("link", name=t("Erase your account")).click()
    audit.check(page, "erase your account")
    page.get_by_role("button", name=t("Erase my account")).click()
    expect(page.get_by_role("alert")).to_be_focused()
    audit.check(page, "erase your account, with errors")

    page.goto("/accounts/logout/")
    audit.check(page, "sign out")

    audit.assert_clean()


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_programme_managers_see(new_context, screenshot_dir, language):
    def t(message):
        return tr(language, message)

    newcomer = UserFactory(name="Nora Newmanager", is_programme_manager=True, language=language)
    paula = UserFactory(name="Paula Manager", is_programme_manager=True, language=language)
    secret = give_two_factor(paula)
    founder = UserFactory(name="Fiona Founder")
    organisations.organisation_create(
        actor=founder,
        kind="company",
        name="Start-up Awaiting Checks",
        country="PT",
        registration_number="PT500000001",
        is_sme=True,
        sectors=["digital"],
    )
    audit = _audit(screenshot_dir, language, "programme manager")

    # A new programme manager must first turn on two-factor authentication.
    page = new_context(locale=BROWSER_LOCALE[language]).new_page()
    sign_in(page, newcomer.email, language=language, then=None)
    _main_heading(page, t("Confirm Access"))
    audit.check(page, "confirm access (before setting up two-factor)")
    page.get_by_label(t("Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t("Confirm"), exact=True).click()
    _main_heading(page, t("Activate Authenticator App"))
    audit.check(page, "activate authenticator app")
    new_secret = page.get_by_label(t("Authenticator secret")).input_value()
    page.get_by_label(t("Authenticator code")).fill(wrong_code(new_secret))
    page.get_by_role("button", name=t("Activate")).click()
    expect(page.get_by_role("alert")).to_be_visible()
    audit.check(page, "activate authenticator app, with errors")
    page.get_by_label(t("Authenticator code")).fill(totp_code(new_secret))
    page.get_by_role("button", name=t("Activate")).click()
    expect(page).not_to_have_url(re.compile(r"/totp/activate/"))
    audit.check(page, "recovery codes (after activating the authenticator app)")
    page.goto("/accounts/2fa/")
    audit.check(page, "two-factor authentication overview (on)")
    page.goto("/accounts/2fa/recovery-codes/generate/")
    audit.check(page, "generate new recovery codes")
    page.goto("/accounts/2fa/totp/deactivate/")
    audit.check(page, "deactivate authenticator app")

    # A programme manager with two-factor authentication signs in.
    page = new_context(locale=BROWSER_LOCALE[language]).new_page()
    page.goto("/accounts/login/")
    page.get_by_label(t("Email"), exact=True).fill(paula.email)
    page.get_by_label(t("Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t("Sign In"), exact=True).click()
    _main_heading(page, t("Two-Factor Authentication"))
    audit.check(page, "two-factor code")
    page.get_by_label(t("Code"), exact=True).fill(wrong_code(secret))
    page.get_by_role("button", name=t("Sign In"), exact=True).click()
    expect(page.get_by_role("alert")).to_be_visible()
    audit.check(page, "two-factor code, with errors")
    page.get_by_label(t("Code"), exact=True).fill(totp_code(secret))
    page.get_by_role("button", name=t("Sign In"), exact=True).click()
    _main_heading(page, t("Welcome, %(name)s") % {"name": "Paula"})
    expect(page.locator("html")).to_have_attribute("lang", language)
    audit.check(page, "home (programme manager)")

    page.get_by_role("link", name=t("Organisations to verify")).click()
    audit.check(page, "organisations to verify")
    page.get_by_role("link", name="Start-up Awaiting Checks").click()
    expect(page.get_by_role("button", name=t("Verify this organisation"))).to_be_visible()
    audit.check(page, "organisation awaiting verification (programme manager)")
    page.get_by_role("link", name=t("History of this organisation")).click()
    audit.check(page, "audit trail of one organisation")
    page.goto("/audit/")
    audit.check(page, "audit trail")
    page.goto("/notifications/")
    audit.check(page, "notifications (programme manager)")

    audit.assert_clean()


@pytest.mark.parametrize("language", LANGUAGES)
def test_api_documentation(new_context, screenshot_dir, language):
    audit = _audit(screenshot_dir, language, "API docs")
    page = new_context(locale=BROWSER_LOCALE[language]).new_page()
    page.goto("/api/docs")
    expect(page.get_by_role("heading", level=1, name=re.compile("Ponte API"))).to_be_visible()
    expect(page.get_by_role("link", name="GET /api/organisations/", exact=True)).to_be_visible()
    audit.check(page, "API documentation")
    audit.assert_clean()
