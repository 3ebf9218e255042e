"""Every page of the marketplace a company, a public body and a programme manager meet
after publication — questions, proposals, alerts, the solution catalogue and its
screening — checked with axe-core for serious or critical violations."""

from django.utils import timezone
from playwright.sync_api import expect

from ponte.challenges.services import questions as questions_services
from tests.conftest import give_two_factor
from tests.factories import CompanyFactory, MembershipFactory, PublishedChallengeFactory, SolutionFactory, UserFactory

from .support import AccessibilityAudit, log_in_as


def test_marketplace_pages_are_accessible(new_context, live_server, screenshot_dir):
    audit = AccessibilityAudit(screenshot_dir, "marketplace")
    challenge = PublishedChallengeFactory(title="Citizens wait too long at public counters")
    company = CompanyFactory(name="Queue Analytics")
    member = MembershipFactory(organisation=company).user
    owner_admin = MembershipFactory(organisation=challenge.owner, role="admin").user
    manager = UserFactory(is_programme_manager=True)
    give_two_factor(manager)
    asked = questions_services.question_ask(
        actor=member, challenge=challenge, company=company, text="May we use the logs?"
    )
    questions_services.question_answer(actor=challenge.author, question=asked, answer="Yes, anonymised.")
    questions_services.question_ask(
        actor=member, challenge=challenge, company=company, text="Is a one-site pilot enough?"
    )
    SolutionFactory(company=company, title="Queue insight", status="published", published_at=timezone.now())
    waiting = SolutionFactory(company=company, title="Letter checker", status="submitted", submitted_at=timezone.now())

    def person(user):
        context = new_context()
        if user is not None:
            log_in_as(context, user, live_server.url)
        return context.new_page()

    visitor = person(None)
    visitor.goto(challenge.get_absolute_url())
    expect(visitor.get_by_role("heading", name="Questions and answers")).to_be_visible()
    audit.check(visitor, "challenge with questions and answers, visitor")
    visitor.goto("/solutions/")
    audit.check(visitor, "solution catalogue")
    visitor.get_by_role("link", name="Queue insight").click()
    audit.check(visitor, "solution page")

    company_page = person(member)
    company_page.goto(challenge.get_absolute_url())
    audit.check(company_page, "challenge, company member")
    company_page.goto(f"/challenges/{challenge.pk}/proposals/new/")
    audit.check(company_page, "proposal form")
    company_page.get_by_role("button", name="Submit the proposal").click()
    expect(company_page.get_by_role("alert")).to_be_visible()
    audit.check(company_page, "proposal form with errors")
    company_page.goto("/challenges/alerts/")
    audit.check(company_page, "alerts")
    company_page.goto("/solutions/mine/")
    audit.check(company_page, "our solutions")
    company_page.goto("/solutions/new/")
    audit.check(company_page, "new solution")

    owner = person(owner_admin)
    owner.goto(challenge.get_absolute_url())
    expect(owner.get_by_text("Is a one-site pilot enough?")).to_be_visible()
    audit.check(owner, "challenge, owner with a question waiting")

    screener = person(manager)
    screener.goto("/solutions/screening/")
    audit.check(screener, "solutions to screen")
    screener.goto(f"/solutions/{waiting.pk}/")
    audit.check(screener, "solution waiting for screening")

    audit.assert_clean()
