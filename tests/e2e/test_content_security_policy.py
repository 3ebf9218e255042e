"""Ponte's pages work in the browser under their Content-Security-Policy: the browser tests
catch anything it blocks (conftest.py fails a test at teardown on any violation), htmx's
in-place refreshes and the Django admin's scripts run without being blocked, and the
accessibility audit reports every axe violation, best practices and minor ones included."""

import re

from django.conf import settings
from django.utils.csp import build_policy
from playwright.sync_api import expect

from tests.conftest import give_two_factor
from tests.factories import OrganisationFactory, PublishedChallengeFactory, UserFactory

from .support import AccessibilityAudit, log_in_as

BLOCKED_PAGE = """<!DOCTYPE html>
<html lang="en"><head><title>Probe</title></head>
<body><main><h1>Probe</h1>
<p style="color: red">A style attribute.</p>
<script>document.title = "ran";</script>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="A data image">
</main></body></html>"""


def test_what_the_policy_blocks_is_reported_with_its_page(page, csp_violations):
    policy = build_policy(settings.SECURE_CSP)
    page.route(
        "**/csp-probe/",
        lambda route: route.fulfill(
            body=BLOCKED_PAGE, content_type="text/html", headers={"Content-Security-Policy": policy}
        ),
    )
    page.goto("/csp-probe/")
    expect(page).to_have_title("Probe")  # the inline script did not run
    page.evaluate("0")  # deliver the reports still on their way
    reported = "\n".join(csp_violations)
    for directive in ("script-src", "style-src", "img-src"):
        assert re.search(rf"/csp-probe/: {directive}(-elem|-attr)? blocked", reported), reported
    assert "console: " in reported
    # Seen: the test's own teardown need not fail for it.
    csp_violations.clear()


def test_htmx_refreshes_a_list_in_place_under_the_policy(page):
    OrganisationFactory(name="Agency for Modernisation", slug="agency-for-modernisation")
    OrganisationFactory(name="Agency for Roads", slug="agency-for-roads")
    page.goto("/organisations/")
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_label("Name contains").fill("roads")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"/organisations/\?.*roads"))
    expect(page.get_by_role("link", name="Agency for Modernisation")).to_have_count(0)
    expect(page.get_by_role("link", name="Agency for Roads")).to_be_visible()
    # htmx did the refresh: the page was not loaded again.
    assert page.evaluate("window.stillTheSamePage") is True


def test_the_django_admin_works_under_the_policy(new_context, live_server, csp_violations):
    admin = UserFactory(name="Pat Admin", is_staff=True, is_superuser=True)
    give_two_factor(admin)
    agency = OrganisationFactory(name="Agency for Modernisation", slug="agency-for-modernisation")
    challenge = PublishedChallengeFactory(owner=agency, title="Citizens cannot find the right form")
    context = new_context()
    log_in_as(context, admin, live_server.url)
    page = context.new_page()

    page.goto("/admin/")
    # The sidebar's filter (nav_sidebar.js) hides the models that do not match.
    page.goto("/admin/organisations/organisation/")
    expect(page.get_by_role("link", name="Agency for Modernisation")).to_be_visible()
    page.locator("#nav-filter").fill("organis")
    expect(page.locator("#nav-sidebar").get_by_role("link", name="Join requests")).to_be_hidden()
    # Selecting every row counts them (actions.js).
    page.locator("#action-toggle").check()
    expect(page.locator(".action-counter")).to_contain_text("1 of 1 selected")

    page.goto(f"/admin/organisations/organisation/{agency.pk}/change/")
    expect(page.get_by_role("button", name="Save", exact=True)).to_be_visible()
    page.goto(f"/admin/challenges/challenge/{challenge.pk}/change/")
    expect(page.get_by_role("heading", name=challenge.title)).to_be_visible()
    page.goto(f"/admin/accounts/user/{admin.pk}/change/")
    # The date and time shortcuts (DateTimeShortcuts.js, calendar.js) open their calendar.
    page.locator("#calendarlink0").click()
    expect(page.locator("#calendarbox0")).to_be_visible()
    page.goto("/admin/accounts/user/add/")
    expect(page.locator("#content h1")).to_be_visible()
    page.evaluate("0")
    assert not csp_violations


def test_the_audit_reports_best_practice_violations_of_any_impact(page, screenshot_dir):
    # Text outside every landmark: axe's best-practice rule "region", of moderate impact.
    page.route(
        "**/axe-probe/",
        lambda route: route.fulfill(
            body='<!DOCTYPE html><html lang="en"><head><title>Probe</title></head>'
            "<body><p>Outside every landmark.</p><main><h1>Probe</h1></main></body></html>",
            content_type="text/html",
        ),
    )
    page.goto("/axe-probe/")
    audit = AccessibilityAudit(screenshot_dir, "probe")
    problems = audit.check(page, "probe")
    assert any(": region (moderate)" in problem for problem in problems), problems
