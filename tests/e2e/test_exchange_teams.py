"""A mixed team's Change Meter, going by what the pages say: an approved applicant finds a
challenge from the round's page, joins its team and posts an update (a percent out of range is
refused and nothing typed is lost); a visitor reads the meter. Every page is checked with
axe-core."""

from playwright.sync_api import expect

from ponte.exchange.matrix import make_round
from ponte.exchange.models import Application, ApplicationStatus, Availability, RoundChallenge, RoundPhase, Side
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

from .support import AccessibilityAudit, log_in_as


def test_a_participant_joins_a_team_and_updates_its_change_meter(new_context, live_server, screenshot_dir):
    audit = AccessibilityAudit(screenshot_dir, "exchange teams")
    round = make_round(None, RoundPhase.MATCHING, opened_by=UserFactory(is_programme_manager=True), title="Spring swap")
    RoundChallenge.objects.create(round=round, title="Once-only certificates", description="Ask once.")
    organisation = OrganisationFactory(kind="public_body", status="verified")
    person = MembershipFactory(organisation=organisation, role="member", user__name="Tina Team").user
    application = Application.objects.create(
        round=round,
        applicant=person,
        organisation=organisation,
        side=Side.PUBLIC,
        job="Analyst",
        skills=["open data"],
        interests=["procurement"],
        languages=["English"],
        region="Centre",
        status=ApplicationStatus.APPROVED,
    )
    Availability.objects.create(application=application, starts=round.exchange_starts, ends=round.exchange_ends)

    context = new_context()
    log_in_as(context, person, live_server.url)
    page = context.new_page()
    page.goto("/exchange/")
    page.get_by_role("link", name="Spring swap").click()
    expect(page.get_by_text("Change Meter: no update yet.")).to_be_visible()
    page.get_by_role("link", name="Once-only certificates").click()
    page.get_by_role("button", name="Join the team").click()
    expect(page.get_by_role("status")).to_contain_text("You are in the team.")
    expect(page.get_by_role("listitem").filter(has_text="Tina Team")).to_be_visible()
    audit.check(page, "challenge, in its team")
    page.get_by_role("link", name="Post an update").click()
    page.get_by_label("Implemented (percent)").fill("150")
    page.get_by_label("What changed").fill("The civil registry answers by data exchange.")
    page.get_by_label("Evidence", exact=True).fill("Signed agreement.")
    page.get_by_role("button", name="Post the update").click()
    expect(page.get_by_role("alert")).to_contain_text("from 0 to 100 percent")
    expect(page.get_by_label("What changed")).to_have_value("The civil registry answers by data exchange.")
    audit.check(page, "update, percent out of range")
    page.get_by_label("Implemented (percent)").fill("25")
    page.get_by_role("button", name="Post the update").click()
    expect(page.get_by_role("status")).to_contain_text("The Change Meter is updated.")
    expect(page.get_by_text("Change Meter: 25% implemented")).to_be_visible()

    visitor = new_context().new_page()
    visitor.goto(round.get_absolute_url())
    expect(visitor.get_by_text("Change Meter: 25% implemented")).to_be_visible()
    visitor.get_by_role("link", name="Once-only certificates").click()
    expect(visitor.get_by_text("The civil registry answers by data exchange.")).to_be_visible()
    expect(visitor.get_by_text("Tina Team")).to_have_count(0)
    audit.check(visitor, "challenge, as a visitor")
    audit.assert_clean()
