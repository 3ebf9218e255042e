"""A round of the staff exchange, going by what the pages say: a programme manager finds the
exchange in the menu, opens a round (a capacity out of range is refused and nothing typed is
lost), and a visitor reads it from the exchange's home page. Every page is checked with axe-core."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import give_two_factor
from tests.factories import UserFactory

from .support import AccessibilityAudit, log_in_as

ROUND = "Partnership for change 2027"


def test_a_programme_manager_opens_a_round_and_a_visitor_reads_it(new_context, live_server, screenshot_dir):
    audit = AccessibilityAudit(screenshot_dir, "exchange rounds")
    manager = UserFactory(name="Paula Manager", is_programme_manager=True)
    give_two_factor(manager)
    today = timezone.localdate()

    context = new_context()
    log_in_as(context, manager, live_server.url)
    page = context.new_page()
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Exchange").click()
    expect(page.get_by_role("heading", name="Staff exchange", level=1)).to_be_visible()
    expect(page.get_by_text("No round yet.")).to_be_visible()
    audit.check(page, "exchange home, no round yet")
    page.get_by_role("link", name="Open a round").click()
    expect(page.get_by_label("Length of an exchange (working days)")).to_have_value("5")
    page.get_by_label("Title").fill(ROUND)
    page.get_by_label("Description").fill("Public servants and company employees swap jobs for a working week.")
    page.get_by_label("Applications open").fill(f"{today + timedelta(days=1)}T09:00")
    page.get_by_label("Applications close").fill(f"{today + timedelta(days=30)}T17:00")
    page.get_by_label("First day of the exchange window").fill(str(today + timedelta(days=60)))
    page.get_by_label("Last day of the exchange window").fill(str(today + timedelta(days=240)))
    page.get_by_label("Guests an organisation may host, at most").fill("0")
    page.get_by_label("Challenges for mixed teams").fill(
        "Once-only certificates\nServices stop asking for what is already held.\n\nFaster business permits"
    )
    page.get_by_role("button", name="Open the round").click()
    expect(page.get_by_role("alert")).to_contain_text("Give how many guests one organisation may host, from 1 to 100.")
    expect(page.get_by_label("Title")).to_have_value(ROUND)
    audit.check(page, "open a round, with an error")
    page.get_by_label("Guests an organisation may host, at most").fill("4")
    page.get_by_role("button", name="Open the round").click()
    expect(page.get_by_role("heading", name=ROUND, level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("The round is open")
    expect(page.get_by_role("heading", name="Faster business permits")).to_be_visible()
    audit.check(page, "the round, as its programme manager reads it")
    page.get_by_role("link", name="Edit the round").click()
    expect(page.get_by_label("Title")).to_have_value(ROUND)
    audit.check(page, "edit the round")

    # A visitor finds the round on the exchange's home page, with its phase.
    visitor = new_context().new_page()
    visitor.goto("/exchange/")
    expect(visitor.get_by_role("listitem").filter(has_text=ROUND)).to_contain_text("Upcoming")
    audit.check(visitor, "exchange home, as a visitor reads it")
    visitor.get_by_role("link", name=ROUND).click()
    expect(visitor.get_by_role("heading", name="Challenges for mixed teams")).to_be_visible()
    expect(visitor.get_by_text("Services stop asking for what is already held.")).to_be_visible()
    expect(visitor.get_by_role("link", name="Edit the round")).to_have_count(0)
    audit.check(visitor, "the round, as a visitor reads it")
    audit.assert_clean()
