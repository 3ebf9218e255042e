"""A public servant, going by what the pages say: from the home page they find "Post a
challenge" in the menu, start a draft, read on each step and in the draft's task list what
sending needs, and reach the questions waiting for their answer from the home page — with an
accessibility check on every page."""

from playwright.sync_api import expect

from ponte.challenges.services import questions as questions_services
from tests.factories import CompanyFactory, MembershipFactory, PublishedChallengeFactory

from .support import AccessibilityAudit, log_in_as

TITLE = "Families cannot tell which benefits they may claim"
QUEUES, FORMS = "Queues at the front desk", "Citizens cannot find the right form"
ON_QUEUES = "Must the booking service work offline in rural offices?"
ON_FORMS = "Which languages must the forms be in?"


def test_a_public_servant_posts_a_challenge_and_answers_questions_from_the_home_page(
    new_context, live_server, organisation, member, screenshot_dir
):
    audit = AccessibilityAudit(screenshot_dir, "public servant")
    company = CompanyFactory(name="Civic Data Labs")
    asker = MembershipFactory(organisation=company).user
    for title, text in ((QUEUES, ON_QUEUES), (FORMS, ON_FORMS)):
        challenge = PublishedChallengeFactory(owner=organisation, author=member, title=title)
        questions_services.question_ask(actor=asker, challenge=challenge, company=company, text=text)

    context = new_context()
    log_in_as(context, member, live_server.url)
    page = context.new_page()

    # From the home page, the menu offers to post a challenge.
    page.goto("/")
    audit.check(page, "home page")
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="My challenges")).to_be_visible()
    menu.get_by_role("link", name="Post a challenge").click()
    expect(page.get_by_role("heading", name="Post a challenge", level=1)).to_be_visible()
    audit.check(page, "post a challenge")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_role("button", name="Create the draft").click()

    # The first step says what sending needs, and does not call any of it optional.
    expect(page.get_by_role("heading", name="The problem", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Needed before you send")).to_be_visible()
    for needed in ("Summary", "The problem", "Who is affected", "Desired outcomes"):
        expect(page.get_by_label(needed, exact=True)).to_be_visible()
        expect(page.get_by_role("listitem").filter(has_text=f"{needed} To do")).to_be_visible()
    for optional in ("Context", "Constraints", "Out of scope"):
        expect(page.get_by_label(f"{optional} (optional)", exact=True)).to_be_visible()
    audit.check(page, "step: the problem, new draft")

    # A draft is saved without what sending needs.
    page.get_by_label("Summary", exact=True).fill(
        "Families miss benefits because the rules are spread over many sites."
    )
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("Draft saved.")
    expect(page.get_by_role("listitem").filter(has_text="Summary Done")).to_be_visible()

    # The budget step names its own needs.
    page.get_by_role("link", name="Budget and deadline").click()
    expect(page.get_by_role("heading", name="Budget and deadline", level=1)).to_be_visible()
    expect(page.get_by_label("Budget ceiling (EUR, excluding VAT)", exact=True)).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Deadline for proposals To do")).to_be_visible()
    audit.check(page, "step: budget and deadline")

    # The task list gives each part's status and what sending needs from it.
    page.get_by_role("link", name="All parts and what sending needs").click()
    expect(page.get_by_role("heading", name="Parts of the challenge", level=1)).to_be_visible()
    parts = page.get_by_role("main").get_by_role("listitem")
    problem = parts.filter(has=page.get_by_role("link", name="The problem"))
    expect(problem).to_contain_text("In progress")
    expect(problem).to_contain_text("Needed to send: Summary, The problem, Who is affected, Desired outcomes")
    expect(parts.filter(has=page.get_by_role("link", name="Evaluation criteria"))).to_contain_text("Not started")
    expect(parts.filter(has=page.get_by_role("link", name="Documents"))).to_contain_text("Optional")
    expect(parts.filter(has_text="Check and send")).to_contain_text("Cannot start yet")
    audit.check(page, "parts of the challenge")

    # The home page leads to the waiting questions, with their challenges.
    page.goto("/")
    page.get_by_role("link", name="Questions waiting for your answer").click()
    expect(page.get_by_role("heading", name="Questions waiting for your answer", level=1)).to_be_visible()
    queues = page.get_by_role("region", name=QUEUES)
    expect(queues).to_contain_text(ON_QUEUES)
    expect(page.get_by_role("region", name=FORMS)).to_contain_text(ON_FORMS)
    audit.check(page, "questions waiting, two challenges")
    queues.get_by_role("link", name="Answer or decline").click()
    expect(page.get_by_role("heading", name="Answer a question", level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(ON_QUEUES)
    audit.check(page, "answer a question")
    page.get_by_label("Answer", exact=True).fill("No: every office has a connection.")
    page.get_by_role("button", name="Publish the answer").click()
    expect(page.get_by_role("status")).to_contain_text("Your answer is published.")

    # With questions on one challenge left, the link opens that challenge where they are answered.
    page.goto("/")
    page.get_by_role("link", name="Questions waiting for your answer").click()
    expect(page.get_by_role("heading", name=FORMS, level=1)).to_be_visible()
    waiting = page.get_by_role("heading", name="1 question waiting for an answer")
    expect(waiting).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(ON_FORMS)
    expect(page.get_by_role("button", name="Publish the answer")).to_be_visible()
    audit.check(page, "challenge page, question waiting")
    audit.assert_clean()
