"""After an exchange, going by what the pages say: the public servant finds the survey of their
visit on the exchange's page, answers it (a missing satisfaction is refused, nothing typed is
lost), and a visitor reads the round's statistics and its network of organisations. Every page
is checked with axe-core."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from ponte.exchange.matrix import make_round
from ponte.exchange.models import Application, ApplicationStatus, Availability, Pair, RoundPhase, Side
from ponte.exchange.services import matching as matching_services
from tests.conftest import give_two_factor
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

from .support import AccessibilityAudit, log_in_as


def _applicant(round, side, name):
    kind = "public_body" if side == Side.PUBLIC else "company"
    organisation = OrganisationFactory(kind=kind, status="verified", name=f"{name}'s organisation")
    person = MembershipFactory(organisation=organisation, role="member", user__name=name).user
    application = Application.objects.create(
        round=round,
        applicant=person,
        organisation=organisation,
        side=side,
        job="Analyst",
        skills=["open data"],
        interests=["open data"],
        languages=["English"],
        region="Centre",
        status=ApplicationStatus.APPROVED,
    )
    Availability.objects.create(application=application, starts=round.exchange_starts, ends=round.exchange_ends)
    return person


def test_a_guest_answers_the_survey_and_a_visitor_reads_the_network(new_context, live_server, screenshot_dir):
    audit = AccessibilityAudit(screenshot_dir, "exchange after")
    manager = UserFactory(is_programme_manager=True)
    give_two_factor(manager)
    round = make_round(None, RoundPhase.MATCHING, opened_by=manager, title="Spring swap")
    servant = _applicant(round, Side.PUBLIC, "Sofia Servant")
    employee = _applicant(round, Side.COMPANY, "Carlos Company")
    matching_services.matching_run(actor=manager, round=round)
    matching_services.proposals_send(actor=manager, round=round)
    pair = Pair.objects.get(round=round)
    for person in (servant, employee):
        matching_services.pair_accept(actor=person, pair=pair)
    today = timezone.localdate()
    Pair.objects.filter(pk=pair.pk).update(slot_starts=today - timedelta(days=9), slot_ends=today - timedelta(days=3))

    context = new_context()
    log_in_as(context, servant, live_server.url)
    page = context.new_page()
    page.goto(pair.get_absolute_url())
    page.get_by_role("link", name="Answer the survey of your visit, with your learning report").click()
    page.get_by_label("What went well").fill("The team's weekly demos.")
    page.get_by_label("Your learning report").fill("Ship small, ask users early.")
    page.get_by_role("button", name="Send the answers").click()
    expect(page.get_by_role("alert")).to_contain_text("Say how satisfied you are")
    expect(page.get_by_label("Your learning report")).to_have_value("Ship small, ask users early.")
    audit.check(page, "survey, no satisfaction")
    page.get_by_label("5 — very").check()
    page.get_by_role("button", name="Send the answers").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you: your answers are saved.")
    page.get_by_role("link", name="Record a follow-up collaboration").click()
    page.get_by_label("The collaboration").fill("A joint pilot of open data for permits.")
    page.get_by_role("button", name="Record the collaboration").click()
    expect(page.get_by_text("A joint pilot of open data for permits.")).to_be_visible()
    audit.check(page, "the exchange, after")

    visitor = new_context().new_page()
    visitor.goto(round.get_absolute_url())
    visitor.get_by_role("link", name="Statistics and network of the round").click()
    expect(visitor.get_by_text("5.0 out of 5, from 1 answer")).to_be_visible()
    expect(visitor.get_by_role("img", name="Network of organisations connected by exchanges")).to_be_visible()
    expect(visitor.get_by_role("table")).to_contain_text("Sofia Servant's organisation")
    audit.check(visitor, "statistics and network")
    audit.assert_clean()
