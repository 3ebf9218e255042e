"""Problem intake in the lab, going by what the pages say: a public servant finds the lab in
the menu and brings a problem (a missing answer is named and nothing typed is lost); the lab
team, reading Portuguese, finds the problems waiting for triage from its home page, declines
one with a reason, merges a duplicate through the accessible suggestions, and sends one to the
challenge marketplace; the public servant reads each outcome, and completes the draft
challenge started from the problem. Every page is checked with axe-core, in both languages."""

from playwright.sync_api import expect

from ponte.lab.models import Problem
from ponte.lab.services import problems as lab_services
from tests.conftest import give_two_factor
from tests.factories import UserFactory

from .support import AccessibilityAudit, tr

PT = "pt-pt"
TITLE = "Citizens give the same documents again at every counter"
ANSWERS = {
    "The problem": "People are asked for the same certificates by every service they visit.",
    "Who is affected": "About 400,000 people a year.",
    "What has been tried": "A once-only guideline in 2023.",
}


def _problem(member, organisation, title: str) -> Problem:
    return lab_services.problem_submit(
        actor=member,
        organisation=organisation,
        title=title,
        description="The problem",
        affected="People",
        evidence="Figures",
        tried="Nothing",
    )


def test_a_problem_goes_from_a_public_servant_to_the_lab_team_and_back(signed_in, organisation, member, screenshot_dir):
    audit = AccessibilityAudit(screenshot_dir, "lab problems")
    manager = UserFactory(name="Paula Manager", is_programme_manager=True, language=PT)
    give_two_factor(manager)
    kept = _problem(member, organisation, "Appointments at the citizen shops are booked out")
    duplicate = _problem(member, organisation, "People book several appointments and come to one")
    flooding = _problem(member, organisation, "Municipalities cannot tell which streets flood first")

    # The public servant finds the lab in the menu and brings a problem.
    servant = signed_in(member)
    servant.goto("/")
    servant.get_by_role("navigation", name="Main").get_by_role("link", name="Lab").click()
    expect(servant.get_by_role("heading", name="The experimentation lab", level=1)).to_be_visible()
    audit.check(servant, "lab home page")
    servant.get_by_role("link", name="Bring a problem to the lab").click()
    servant.get_by_label("Title").fill(TITLE)
    for label, text in ANSWERS.items():
        servant.get_by_label(label, exact=True).fill(text)
    servant.get_by_role("button", name="Send to the lab team").click()
    alert = servant.get_by_role("alert")
    expect(alert).to_contain_text("Give the evidence that the problem is real")
    expect(servant.get_by_label("Title")).to_have_value(TITLE)
    expect(servant.get_by_label("Who is affected", exact=True)).to_have_value(ANSWERS["Who is affected"])
    audit.check(servant, "bring a problem, with an answer missing")
    servant.get_by_label("Evidence", exact=True).fill("The 2025 survey: 61 % gave a document twice.")
    servant.get_by_role("button", name="Send to the lab team").click()
    expect(servant.get_by_role("status")).to_contain_text("The problem is sent to the lab team")
    expect(servant.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(servant.get_by_text("Waiting for triage")).to_be_visible()
    audit.check(servant, "the problem, waiting for triage")
    brought = Problem.objects.get(title=TITLE)

    # The lab team finds what waits for it from its home page, in Portuguese.
    team = signed_in(manager)
    team.goto("/")
    team.get_by_role("link", name=tr(PT, "Problems waiting for triage")).first.click()
    expect(team.get_by_role("heading", name=tr(PT, "Problems waiting for triage"), level=1)).to_be_visible()
    audit.check(team, "triage queue (pt)")

    # Declining needs a reason the submitter reads.
    team.get_by_role("link", name=TITLE).click()
    audit.check(team, "a problem, for the lab team (pt)")
    team.get_by_role("link", name=tr(PT, "Decline"), exact=True).click()
    team.get_by_role("button", name=tr(PT, "Decline the problem")).click()
    expect(team.get_by_role("alert")).to_contain_text(
        tr(PT, "Say why the problem is declined: its submitter reads it.")
    )
    audit.check(team, "decline without a reason (pt)")
    team.get_by_label(tr(PT, "Why the problem is declined")).fill("Já existe um projeto nacional sobre isto.")
    team.get_by_role("button", name=tr(PT, "Decline the problem")).click()
    expect(team.get_by_role("status")).to_contain_text(tr(PT, "The problem is declined. Its submitter is told why."))

    # A duplicate is merged, its target found by typing part of its title.
    team.goto(duplicate.get_absolute_url())
    team.get_by_role("link", name=tr(PT, "Merge with another problem")).click()
    field = team.get_by_role("combobox", name=tr(PT, "Merge with"))
    field.press_sequentially("booked out")
    option = team.get_by_role("option").filter(has_text=kept.reference)
    expect(option).to_be_visible()
    audit.check(team, "merge, with suggestions (pt)")
    field.press("ArrowDown")
    field.press("Enter")
    expect(field).to_have_value(f"{kept.reference} {kept.title}")
    team.get_by_role("button", name=tr(PT, "Merge the problems")).click()
    expect(team.get_by_role("heading", name=kept.title, level=1)).to_be_visible()
    expect(team.get_by_role("link", name=f"{duplicate.reference} {duplicate.title}")).to_be_visible()

    # Another goes to the marketplace as a draft challenge of its public body.
    team.goto(flooding.get_absolute_url())
    team.get_by_role("button", name=tr(PT, "Send to the challenge marketplace")).click()
    started = (
        "A draft challenge is started from the problem. Its submitter is told, completes it and sends it for review."
    )
    expect(team.get_by_role("status")).to_contain_text(tr(PT, started))
    audit.check(team, "a problem sent to the marketplace (pt)")

    # The public servant reads each outcome, and completes the draft challenge.
    servant.goto(brought.get_absolute_url())
    expect(servant.get_by_text("Já existe um projeto nacional sobre isto.")).to_be_visible()
    audit.check(servant, "a declined problem")
    servant.goto(duplicate.get_absolute_url())
    expect(servant.get_by_text(f"The lab merged this problem with {kept.reference}")).to_be_visible()
    servant.goto("/notifications/")
    servant.get_by_role("button", name=f"“{flooding.title}” became a draft challenge").click()
    expect(servant.get_by_role("heading", name=flooding.title, level=1)).to_be_visible()
    # Pre-filled in the submitter's language, not the lab team's.
    expect(servant.get_by_text("What has been tried: Nothing")).to_be_visible()
    trail = servant.get_by_role("region", name="Connected work")
    expect(trail).to_contain_text("Started from the lab problem")
    audit.check(servant, "the draft challenge started from the problem")
    trail.get_by_role("link", name=f"{flooding.reference} {flooding.title}").click()
    expect(servant.get_by_role("region", name="Connected work")).to_contain_text("Became the challenge")
    audit.check(servant, "the problem sent to the marketplace")
    audit.assert_clean()
