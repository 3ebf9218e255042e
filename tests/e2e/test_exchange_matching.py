"""Matching a round, going by what the pages say: once applications are closed, the programme
manager opens the matching from the round's page, runs it, reads why the pair scores what it
does and who could not be paired, and sends the proposal; the public servant, reading
Portuguese, finds it from the home page's figure and accepts; the company employee tries to
decline without a reason (refused, nothing lost), then accepts, and the exchange is confirmed.
Every page is checked with axe-core."""

from playwright.sync_api import expect

from ponte.exchange.matrix import make_round
from ponte.exchange.models import Application, ApplicationStatus, Availability, RoundPhase, Side
from ponte.organisations.models import Organisation
from tests.conftest import give_two_factor
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

from .support import AccessibilityAudit, tr

PT = "pt-pt"


def _applicant(round, side, name, *, region="Ljubljana", **changes):
    kind = "public_body" if side == Side.PUBLIC else "company"
    organisation = OrganisationFactory(kind=kind, status="verified", name=f"{name}'s organisation")
    person = MembershipFactory(organisation=organisation, role="member", user__name=name, **changes).user
    application = Application.objects.create(
        round=round,
        applicant=person,
        organisation=organisation,
        side=side,
        job="Analyst",
        skills=["open data"] if side == Side.COMPANY else ["procurement"],
        interests=["open data"] if side == Side.PUBLIC else ["procurement"],
        languages=["Slovenian"],
        region=region,
        travels=False,
        status=ApplicationStatus.APPROVED,
    )
    Availability.objects.create(application=application, starts=round.exchange_starts, ends=round.exchange_ends)
    return person


def test_a_manager_matches_the_round_and_both_people_accept(signed_in, live_server, screenshot_dir):
    audit = AccessibilityAudit(screenshot_dir, "exchange matching")
    manager = UserFactory(name="Paula Manager", is_programme_manager=True)
    give_two_factor(manager)
    round = make_round(None, RoundPhase.MATCHING, opened_by=manager, title="Spring swap")
    servant = _applicant(round, Side.PUBLIC, "Sofia Servant", user__language=PT)
    employee = _applicant(round, Side.COMPANY, "Carlos Company")
    _applicant(round, Side.PUBLIC, "Marta Far", region="Maribor")

    page = signed_in(manager)
    page.goto("/exchange/")
    page.get_by_role("link", name="Spring swap").click()
    page.get_by_role("link", name="Matching").click()
    expect(page.get_by_text("The matching has not run yet.")).to_be_visible()
    audit.check(page, "matching, not run yet")
    page.get_by_role("button", name="Run the matching").click()
    expect(page.get_by_role("status")).to_contain_text("The matching ran: 1 pair")
    pairs = page.get_by_role("table")
    expect(pairs).to_contain_text("Sofia Servant wants to learn what Carlos Company offers: open data.")
    expect(pairs).to_contain_text("Not sent yet")
    audit.check(page, "matching, one pair proposed")
    page.get_by_role("link", name="1 person, and why").click()
    expect(page.get_by_role("table")).to_contain_text("Marta Far")
    expect(page.get_by_role("table")).to_contain_text("No possible partner")
    audit.check(page, "applicants not paired")
    page.get_by_role("link", name="Back to the matching").click()
    page.get_by_role("link", name="Lock or exclude the pair of Sofia Servant and Carlos Company").click()
    page.get_by_role("button", name="Lock the pair").click()
    expect(page.get_by_role("status")).to_contain_text("The pair is locked")
    page.get_by_role("link", name="Back to the matching").click()
    page.get_by_role("button", name="Send 1 proposal").click()
    expect(page.get_by_role("status")).to_contain_text("1 proposal is sent")

    # The public servant, in Portuguese, finds it from the home page and accepts.
    servant_page = signed_in(servant)
    servant_page.goto("/")
    servant_page.get_by_role("link", name=tr(PT, "Exchanges proposed to you, waiting for your answer")).click()
    audit.check(servant_page, "applications, with a proposal (pt)")
    servant_page.get_by_role(
        "link",
        name=tr(PT, "Exchange of %(public)s and %(company)s")
        % {
            "public": "Sofia Servant",
            "company": "Carlos Company",
        },
    ).click()
    expect(servant_page.get_by_text(tr(PT, "Do you accept this exchange?"))).to_be_visible()
    audit.check(servant_page, "the proposal (pt)")
    servant_page.get_by_role("button", name=tr(PT, "Accept the exchange")).click()
    expect(servant_page.get_by_role("status")).to_contain_text(
        tr(PT, "You accepted. The exchange is confirmed once the other person accepts too.")
    )

    # The company employee tries to decline without a reason, then accepts.
    employee_page = signed_in(employee)
    employee_page.goto("/exchange/applications/")
    employee_page.get_by_role("link", name="Exchange of Sofia Servant and Carlos Company").click()
    employee_page.get_by_role("link", name="Decline the exchange").click()
    employee_page.get_by_role("button", name="Decline the exchange").click()
    expect(employee_page.get_by_role("alert")).to_contain_text("Say why you decline this exchange")
    audit.check(employee_page, "decline, no reason")
    employee_page.get_by_role("link", name="Go back without changing anything").click()
    employee_page.get_by_role("button", name="Accept the exchange").click()
    expect(employee_page.get_by_role("status")).to_contain_text("the exchange is confirmed")
    expect(employee_page.get_by_text("Both accepted: the exchange is confirmed.")).to_be_visible()
    audit.check(employee_page, "the exchange, confirmed")

    # The company's admin plans the visit of the public servant it hosts.
    company = Organisation.objects.get(name="Carlos Company's organisation")
    admin = MembershipFactory(organisation=company, role="admin", user__name="Ada Admin").user
    MembershipFactory(organisation=company, role="member", user__name="Mia Mentor", user__email="mia@example.org")
    admin_page = signed_in(admin)
    admin_page.goto(employee_page.url)
    admin_page.get_by_role("link", name="Plan the visit of Sofia Servant").click()
    admin_page.get_by_label("Mentor's email address").fill("nobody@example.org")
    admin_page.get_by_label("Programme").fill("Monday: the data team. Tuesday: user research.")
    admin_page.get_by_role("button", name="Save the plan").click()
    expect(admin_page.get_by_role("alert")).to_contain_text("Nobody in Ponte has this address")
    expect(admin_page.get_by_label("Programme")).to_have_value("Monday: the data team. Tuesday: user research.")
    audit.check(admin_page, "plan the visit, unknown mentor")
    admin_page.get_by_label("Mentor's email address").fill("mia@example.org")
    admin_page.get_by_role("button", name="Save the plan").click()
    expect(admin_page.get_by_role("status")).to_contain_text("The plan is saved.")

    # The public servant reads the plan and takes a calendar address for their exchanges.
    servant_page.reload()
    expect(servant_page.get_by_text("Monday: the data team.")).to_be_visible()
    audit.check(servant_page, "the exchange, planned (pt)")
    servant_page.get_by_role("link", name=tr(PT, "Your calendar address, for every exchange")).click()
    servant_page.get_by_role("button", name=tr(PT, "Create your calendar address")).click()
    address = servant_page.get_by_label(tr(PT, "Calendar address")).input_value()
    assert address.startswith(live_server.url + "/exchange/calendar/") and address.endswith(".ics")
    audit.check(servant_page, "calendar address, shown once (pt)")
    feed = servant_page.request.get(address)
    assert feed.ok and "BEGIN:VEVENT" in feed.text() and "Carlos Company" in feed.text()
    audit.assert_clean()
