"""A challenge's journey from draft to award, in five people's browsers: the author, the
organisation admin, a programme manager, a company member and an evaluator, with an
accessibility check on every page."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from ponte.challenges.models import Challenge, Status
from tests.conftest import give_two_factor
from tests.factories import CompanyFactory, MembershipFactory, UserFactory

from .support import AccessibilityAudit, log_in_as

TITLE = "Families cannot tell which benefits they may claim"


def test_draft_review_publication_evaluation_and_award(
    new_context, live_server, organisation, member, org_admin, programme_manager, screenshot_dir
):
    audit = AccessibilityAudit(screenshot_dir, "challenge journey")
    give_two_factor(programme_manager)
    company = CompanyFactory(name="Civic Data Labs")
    company_member = MembershipFactory(organisation=company, user__name="Carla Company").user
    evaluator = UserFactory(name="Eva Evaluator", is_evaluator=True)
    give_two_factor(evaluator)

    def person(user):
        context = new_context()
        log_in_as(context, user, live_server.url)
        return context.new_page()

    author, admin, manager = person(member), person(org_admin), person(programme_manager)

    # The author drafts the challenge in short steps.
    author.goto("/challenges/mine/")
    audit.check(author, "my challenges, empty")
    author.get_by_role("main").get_by_role("link", name="Post a challenge").click()
    audit.check(author, "post a challenge")
    author.get_by_label("Title").fill(TITLE)
    author.get_by_role("button", name="Create the draft").click()

    expect(author.get_by_role("heading", name="The problem", level=1)).to_be_visible()
    audit.check(author, "step: the problem")
    author.get_by_label("Summary").fill("Families miss benefits because the rules are spread over many sites.")
    author.get_by_label(re.compile(r"^The problem")).fill("Nobody sees the whole picture of what a family may claim.")
    author.get_by_label("Who is affected").fill("Families with young children and the social workers who help them.")
    author.get_by_label("Desired outcomes").fill("More families claim what they are entitled to.")
    author.get_by_role("button", name="Save and continue").click()

    expect(author.get_by_role("heading", name="Sectors, codes and languages", level=1)).to_be_visible()
    author.get_by_label("CPV codes").fill("72000000-5, 12345678-9")
    author.get_by_role("checkbox", name="Social services").check()
    author.get_by_role("button", name="Save and continue").click()
    expect(author.get_by_role("alert")).to_contain_text("These are not CPV codes: 12345678-9")
    audit.check(author, "step: classification, with an error")
    expect(author.get_by_role("checkbox", name="Social services")).to_be_checked()
    author.get_by_label("CPV codes").fill("72000000-5")
    author.get_by_role("button", name="Save and continue").click()

    expect(author.get_by_role("heading", name="Budget and deadline", level=1)).to_be_visible()
    audit.check(author, "step: budget and deadline")
    author.get_by_role("radio", name=re.compile("Low-value contract")).check()
    author.get_by_label("Budget ceiling (EUR, excluding VAT)").fill("25000")
    deadline = timezone.localdate() + timedelta(days=45)
    author.get_by_label("Deadline for proposals: date").fill(deadline.isoformat())
    author.get_by_label("Deadline for proposals: time").fill("17:00")
    author.get_by_role("button", name="Save and continue").click()

    expect(author.get_by_role("heading", name="Evaluation criteria", level=1)).to_be_visible()
    first, second = author.get_by_role("group", name="Criterion 1"), author.get_by_role("group", name="Criterion 2")
    first.get_by_label("Criterion").fill("Reach among families")
    first.get_by_label("Weight (%)").fill("60")
    second.get_by_label("Criterion").fill("Cost to run")
    second.get_by_label("Weight (%)").fill("40")
    expect(author.locator("#weights-total")).to_have_text("They now add up to 100.")
    audit.check(author, "step: criteria")
    author.get_by_role("button", name="Save and continue").click()

    expect(author.get_by_role("heading", name="Documents", level=1)).to_be_visible()
    author.get_by_label("Add documents").set_input_files(
        files=[{"name": "Benefits by region.csv", "mimeType": "text/csv", "buffer": b"region,benefits\nLisbon,41\n"}]
    )
    author.get_by_role("button", name="Add the documents").click()
    expect(author.get_by_role("status")).to_contain_text("1 document added.")
    expect(author.get_by_role("link", name="Benefits by region.csv")).to_be_visible()
    audit.check(author, "step: documents")
    author.get_by_role("link", name="Check the whole challenge").first.click()

    expect(author.get_by_role("heading", name="Check the challenge", level=1)).to_be_visible()
    expect(author.get_by_text("Still missing")).to_have_count(0)
    audit.check(author, "check the challenge")
    author.get_by_role("button", name="Send for approval").click()
    expect(author.get_by_role("status")).to_contain_text("sent to your organisation's admins")
    challenge = Challenge.objects.get(title=TITLE)
    assert challenge.status == Status.AWAITING_ORGANISATION

    def organisation_approves(round_):
        admin.goto("/challenges/mine/")
        audit.check(admin, f"my challenges, to approve ({round_})")
        admin.get_by_role("link", name=TITLE).first.click()
        audit.check(admin, f"challenge page, organisation admin ({round_})")
        admin.get_by_role("button", name="Approve for publication review").click()
        expect(admin.get_by_role("status")).to_contain_text("waits for a programme manager's review")

    organisation_approves("first")

    # The programme manager asks for a change.
    manager.goto("/challenges/review/")
    audit.check(manager, "review queue")
    manager.get_by_role("link", name=TITLE).click()
    audit.check(manager, "challenge page, programme manager")
    manager.get_by_label("What needs to change?").fill("Say which regions the challenge covers.")
    manager.get_by_role("button", name="Request changes").click()
    expect(manager.get_by_role("status")).to_contain_text("returned to its author")

    # The author sees why, fixes it and sends it again.
    author.goto(challenge.get_absolute_url())
    expect(author.get_by_role("main")).to_contain_text("Say which regions the challenge covers.")
    audit.check(author, "challenge page, changes requested")
    author.get_by_role("link", name="Edit the challenge").click()
    author.get_by_label("Context").fill("The challenge covers the whole country, starting in Lisbon and Porto.")
    author.get_by_role("button", name="Save draft").click()
    expect(author.get_by_role("status")).to_contain_text("Draft saved.")
    author.get_by_role("link", name="Check and send").click()
    author.get_by_role("button", name="Send for approval").click()
    expect(author.get_by_role("status")).to_contain_text("sent to your organisation's admins")

    organisation_approves("second")

    # The programme manager approves and publishes.
    manager.goto("/challenges/review/")
    manager.get_by_role("link", name=TITLE).click()
    manager.get_by_role("button", name="Approve", exact=True).click()
    expect(manager.get_by_role("status")).to_contain_text("approved for publication")
    audit.check(manager, "challenge page, approved")
    manager.get_by_role("button", name="Publish").click()
    expect(manager.get_by_role("status")).to_contain_text("The challenge is published.")
    challenge.refresh_from_db()
    assert challenge.status == Status.PUBLISHED

    # Anyone now finds it on the public list.
    visitor = new_context().new_page()
    visitor.goto("/challenges/")
    expect(visitor.get_by_role("link", name=TITLE)).to_be_visible()
    audit.check(visitor, "public list")
    visitor.get_by_role("link", name=TITLE).click()
    with visitor.expect_download() as download:
        visitor.get_by_role("link", name="Benefits by region.csv").click()
    assert download.value.suggested_filename == "Benefits by region.csv"

    # A company member answers it with a proposal.
    bidder = person(company_member)
    bidder.goto(challenge.get_absolute_url())
    bidder.get_by_role("link", name="Submit a proposal").click()
    audit.check(bidder, "proposal form")
    bidder.get_by_label("Your approach").fill("One page per life event that lists every benefit a family may claim.")
    bidder.get_by_label("Reach among families").fill("Social workers share the page with every family they see.")
    bidder.get_by_label("Cost to run").fill("Built on the existing benefits register; no new system to run.")
    bidder.get_by_label("Team").fill("A designer, two developers and a social worker.")
    bidder.get_by_label("Price (EUR, excluding VAT)").fill("22500")
    bidder.get_by_label("Timeline").fill("Discovery in month one, pilot in Lisbon in months two and three.")
    bidder.get_by_role("button", name="Submit the proposal").click()
    expect(bidder.get_by_role("status")).to_contain_text("Your proposal is submitted")
    audit.check(bidder, "proposal, submitted")

    # The deadline passes (time is data: the challenge is now closed and in evaluation).
    Challenge.objects.filter(pk=challenge.pk).update(deadline=timezone.now() - timedelta(minutes=1))

    # The programme manager assigns the evaluator.
    manager.goto(challenge.get_absolute_url())
    manager.get_by_role("link", name="Evaluation board").click()
    expect(manager.get_by_role("heading", name="Evaluation of the proposals", level=1)).to_be_visible()
    audit.check(manager, "evaluation board, nobody assigned")
    manager.get_by_role("combobox", name="Evaluators").press_sequentially("Eva")
    manager.get_by_role("option", name=re.compile("Eva Evaluator")).click()
    manager.get_by_role("button", name="Assign the evaluators").click()
    expect(manager.get_by_role("status")).to_contain_text("1 assignment made.")
    expect(manager.get_by_role("main")).to_contain_text("0 of 1 evaluation done")
    audit.check(manager, "evaluation board, assigned")

    # The evaluator declares no conflict of interest, then scores every criterion.
    scorer = person(evaluator)
    scorer.goto("/challenges/evaluations/")
    audit.check(scorer, "my evaluations, to declare")
    scorer.get_by_role("radio", name="I have no conflict of interest with Civic Data Labs").check()
    scorer.get_by_role("button", name="Send your declarations").click()
    scorer.get_by_role("link", name=re.compile("Score the proposal")).click()
    expect(scorer.get_by_role("main")).to_contain_text("Social workers share the page with every family they see.")
    audit.check(scorer, "scoring form")
    scorer.get_by_role("group", name="Your score for “Reach among families”").get_by_label("4 — good").check()
    scorer.get_by_label("Your comment on “Reach among families”").fill("Reaches families through people they trust.")
    scorer.get_by_role("group", name="Your score for “Cost to run”").get_by_label("3 — adequate").check()
    scorer.get_by_role("button", name="Submit evaluation").click()
    expect(scorer.get_by_role("alert")).to_contain_text("Explain your score for “Cost to run”.")
    audit.check(scorer, "scoring form, with an error")
    expect(scorer.get_by_label("Your comment on “Reach among families”")).to_have_value(
        "Reaches families through people they trust."
    )
    scorer.get_by_label("Your comment on “Cost to run”").fill("Cheap to run, but the register needs cleaning first.")
    scorer.get_by_role("button", name="Submit evaluation").click()
    expect(scorer.get_by_role("status")).to_contain_text("Your evaluation is submitted.")

    # The author awards the proposal, now that every evaluation is complete.
    author.goto(challenge.get_absolute_url())
    author.get_by_role("link", name="Decide the outcome").click()
    expect(author.get_by_role("heading", name="Award the challenge", level=1)).to_be_visible()
    audit.check(author, "award form")
    author.get_by_role("checkbox", name="Civic Data Labs").check()
    author.get_by_label("Justification").fill("The only proposal, well scored on reach (3.60 out of 5) and in budget.")
    author.get_by_role("button", name="Award", exact=True).click()
    expect(author.get_by_role("status")).to_contain_text("The challenge is awarded to Civic Data Labs.")
    audit.check(author, "challenge page, awarded")
    challenge.refresh_from_db()
    assert challenge.status == Status.AWARDED

    # The company reads its feedback; everyone reads the award.
    bidder.goto(challenge.proposals.get().get_absolute_url())
    expect(bidder.get_by_role("heading", name="Feedback")).to_be_visible()
    expect(bidder.get_by_role("main")).to_contain_text("Weighted total: 3.60 out of 5")
    expect(bidder.get_by_role("main")).to_contain_text("Cheap to run, but the register needs cleaning first.")
    expect(bidder.get_by_role("main")).not_to_contain_text("Eva Evaluator")
    audit.check(bidder, "proposal with feedback")
    visitor.goto(challenge.get_absolute_url())
    expect(visitor.get_by_role("main")).to_contain_text("Civic Data Labs")
    audit.check(visitor, "public challenge page, awarded")
    audit.assert_clean()
