"""An application to a round, going by what the pages say: a public servant applies from the
round's page (dates outside the exchange window are refused, nothing typed is lost); their
organisation's admin, reading French, finds it from the home page's figure and approves it; the
applicant reads the decision. Every page is checked with axe-core."""

from datetime import timedelta

from playwright.sync_api import expect

from ponte.exchange.matrix import make_round
from ponte.exchange.models import RoundPhase
from tests.factories import MembershipFactory, UserFactory

from .support import AccessibilityAudit, tr

FR = "fr"


def test_a_public_servant_applies_and_their_organisation_admin_approves(
    signed_in, organisation, member, screenshot_dir
):
    audit = AccessibilityAudit(screenshot_dir, "exchange applications")
    admin = MembershipFactory(organisation=organisation, role="admin", user__name="Odile Admin", user__language=FR).user
    round = make_round(
        None, RoundPhase.APPLICATIONS_OPEN, opened_by=UserFactory(is_programme_manager=True), title="Spring swap"
    )
    starts = round.exchange_starts

    page = signed_in(member)
    page.goto("/exchange/")
    page.get_by_role("link", name="Spring swap").click()
    page.get_by_role("link", name="Apply to this round").click()
    page.get_by_label("Your role").fill("Procurement officer")
    page.get_by_label("What you can offer as a host").fill("public procurement, plain language")
    page.get_by_label("What you want to learn as a guest").fill("agile delivery, cloud hosting")
    page.get_by_label("Digital government").check()
    page.get_by_label("Languages you work in").fill("English, French")
    page.get_by_label("Region where you work").fill("Brussels")
    page.get_by_label("I am willing to spend the exchange outside my region").check()
    page.get_by_label("Free from (dates 1)").fill(str(starts - timedelta(days=10)))
    page.get_by_label("Free until (dates 1)").fill(str(starts + timedelta(days=10)))
    page.get_by_role("button", name="Send the application").click()
    expect(page.get_by_role("alert")).to_contain_text("Give dates inside the round's exchange window")
    expect(page.get_by_label("Your role")).to_have_value("Procurement officer")
    audit.check(page, "apply, with dates outside the window")
    page.get_by_label("Free from (dates 1)").fill(str(starts + timedelta(days=7)))
    page.get_by_role("button", name="Send the application").click()
    expect(page.get_by_role("status")).to_contain_text("Your application is sent.")
    expect(page.get_by_text("Waiting for approval")).to_be_visible()
    audit.check(page, "the application, waiting")

    # The organisation admin, in French, finds it from the home page and approves it.
    admin_page = signed_in(admin)
    admin_page.goto("/")
    admin_page.get_by_role("link", name=tr(FR, "Exchange applications waiting for your approval")).click()
    audit.check(admin_page, "applications waiting (fr)")
    admin_page.get_by_role("link", name="Manuel Member").click()
    expect(admin_page.get_by_text("public procurement, plain language")).to_be_visible()
    audit.check(admin_page, "the application, to decide (fr)")
    admin_page.get_by_role("button", name=tr(FR, "Approve the application")).click()
    expect(admin_page.get_by_role("status")).to_contain_text(
        tr(FR, "The application is approved. The applicant is told.")
    )

    page.reload()
    expect(page.get_by_text("Approved", exact=True)).to_be_visible()
    audit.check(page, "the application, approved")
    audit.assert_clean()
