"""A round of the staff exchange from its opening to the survey after it, going by what the pages
say, each step by the person whose job it is: a programme manager opens the round; a public
servant and a company employee apply; each one's organisation admin approves; once
applications close the manager runs the matching and sends the proposal; both people accept;
the company's admin plans the public servant's visit; once the exchange is over the public
servant answers its survey. Only the clock is moved between the steps. Every page is checked
with axe-core."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from ponte.exchange.models import Pair, Round
from tests.conftest import give_two_factor
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

from .support import AccessibilityAudit

ROUND = "Partnership for change 2027"


def test_a_round_from_its_opening_to_the_survey_after_the_exchange(signed_in, screenshot_dir):
    audit = AccessibilityAudit(screenshot_dir, "exchange journey")
    manager = UserFactory(name="Paula Manager", is_programme_manager=True)
    give_two_factor(manager)
    agency = OrganisationFactory(kind="public_body", status="verified", name="Agency for Modernisation")
    studio = OrganisationFactory(kind="company", status="verified", name="Data Studio")
    servant = MembershipFactory(organisation=agency, role="member", user__name="Sofia Servant").user
    employee = MembershipFactory(organisation=studio, role="member", user__name="Carlos Company").user
    agency_admin = MembershipFactory(organisation=agency, role="admin", user__name="Alma Admin").user
    studio_admin = MembershipFactory(organisation=studio, role="admin", user__name="Ada Admin").user
    MembershipFactory(organisation=studio, role="member", user__name="Mia Mentor", user__email="mia@example.org")
    today = timezone.localdate()

    # The programme manager opens the round, taking applications from today.
    page = signed_in(manager)
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Exchange").click()
    page.get_by_role("link", name="Open a round").click()
    page.get_by_label("Title").fill(ROUND)
    page.get_by_label("Description").fill("Public servants and company employees swap jobs for a working week.")
    page.get_by_label("Applications open").fill(f"{today}T00:00")
    page.get_by_label("Applications close").fill(f"{today + timedelta(days=30)}T17:00")
    page.get_by_label("First day of the exchange window").fill(str(today + timedelta(days=60)))
    page.get_by_label("Last day of the exchange window").fill(str(today + timedelta(days=240)))
    page.get_by_label("Guests an organisation may host, at most").fill("2")
    page.get_by_role("button", name="Open the round").click()
    expect(page.get_by_role("status")).to_contain_text("The round is open")
    audit.check(page, "the round, opened")
    round = Round.objects.get(title=ROUND)

    # Each applies from the round's page.
    for person, offers, wants in (
        (servant, "public procurement", "open data"),
        (employee, "open data", "public procurement"),
    ):
        applying = signed_in(person)
        applying.goto("/exchange/")
        applying.get_by_role("link", name=ROUND).click()
        applying.get_by_role("link", name="Apply to this round").click()
        applying.get_by_label("Your role").fill("Analyst")
        applying.get_by_label("What you can offer as a host").fill(offers)
        applying.get_by_label("What you want to learn as a guest").fill(wants)
        applying.get_by_label("Languages you work in").fill("English")
        applying.get_by_label("Region where you work").fill("Ljubljana")
        applying.get_by_label("Free from (dates 1)").fill(str(round.exchange_starts))
        applying.get_by_label("Free until (dates 1)").fill(str(round.exchange_ends))
        applying.get_by_role("button", name="Send the application").click()
        expect(applying.get_by_role("status")).to_contain_text("Your application is sent.")
    audit.check(applying, "an application, waiting for approval")

    # Each one's organisation admin approves from the home page.
    for admin, applicant in ((agency_admin, "Sofia Servant"), (studio_admin, "Carlos Company")):
        approving = signed_in(admin)
        approving.goto("/")
        approving.get_by_role("link", name="Exchange applications waiting for your approval").click()
        approving.get_by_role("link", name=applicant).click()
        approving.get_by_role("button", name="Approve the application").click()
        expect(approving.get_by_role("status")).to_contain_text("The application is approved.")
    audit.check(approving, "an application, approved")

    # Applications close; the manager runs the matching and sends the proposal.
    now = timezone.now()
    Round.objects.filter(pk=round.pk).update(
        applications_open_at=now - timedelta(days=31), applications_close_at=now - timedelta(minutes=1)
    )
    page.goto(round.get_absolute_url())
    page.get_by_role("link", name="Matching").click()
    page.get_by_role("button", name="Run the matching").click()
    expect(page.get_by_role("status")).to_contain_text("The matching ran: 1 pair")
    expect(page.get_by_role("table")).to_contain_text("Sofia Servant wants to learn what Carlos Company offers")
    page.get_by_role("button", name="Send 1 proposal").click()
    expect(page.get_by_role("status")).to_contain_text("1 proposal is sent")
    audit.check(page, "matching, proposal sent")

    # Both people accept, from the figure on their home page.
    for person in (servant, employee):
        answering = signed_in(person)
        answering.goto("/")
        answering.get_by_role("link", name="Exchanges proposed to you, waiting for your answer").click()
        answering.get_by_role("link", name="Exchange of Sofia Servant and Carlos Company").click()
        answering.get_by_role("button", name="Accept the exchange").click()
    expect(answering.get_by_text("Both accepted: the exchange is confirmed.")).to_be_visible()
    audit.check(answering, "the exchange, confirmed")
    exchange_url = answering.url
    answering.goto("/")
    answering.get_by_role("link", name="Exchange applications", exact=True).click()
    expect(answering.get_by_role("heading", name="Your exchanges")).to_be_visible()
    audit.check(answering, "applications, with the confirmed exchange")

    # The company's admin plans the visit of the public servant it hosts.
    planning = signed_in(studio_admin)
    planning.goto(exchange_url)
    planning.get_by_role("link", name="Plan the visit of Sofia Servant").click()
    planning.get_by_label("Mentor's email address").fill("mia@example.org")
    planning.get_by_label("Programme").fill("Monday: the data team. Tuesday: user research.")
    planning.get_by_role("button", name="Save the plan").click()
    expect(planning.get_by_role("status")).to_contain_text("The plan is saved.")
    audit.check(planning, "the exchange, planned")

    # The exchange takes place; the week after, the public servant answers its survey.
    pair = Pair.objects.get(round=round)
    back = timedelta(days=(pair.slot_ends - today).days + 7)
    Round.objects.filter(pk=round.pk).update(
        applications_open_at=round.applications_open_at - back,
        applications_close_at=now - back,
        exchange_starts=round.exchange_starts - back,
        exchange_ends=round.exchange_ends - back,
    )
    Pair.objects.filter(pk=pair.pk).update(slot_starts=pair.slot_starts - back, slot_ends=pair.slot_ends - back)
    surveyed = signed_in(servant)
    surveyed.goto(pair.get_absolute_url())
    expect(surveyed.get_by_text("Monday: the data team.")).to_be_visible()
    surveyed.get_by_role("link", name="Answer the survey of your visit, with your learning report").click()
    surveyed.get_by_label("5 — very").check()
    surveyed.get_by_label("What went well").fill("The team's weekly demos.")
    surveyed.get_by_label("Your learning report").fill("Ship small, ask users early.")
    surveyed.get_by_role("button", name="Send the answers").click()
    expect(surveyed.get_by_role("status")).to_contain_text("Thank you: your answers are saved.")
    audit.check(surveyed, "the exchange, surveyed")
    audit.assert_clean()
