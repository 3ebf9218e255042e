"""A lab project through its gates, going by what the pages say: the lab team starts a project
from an accepted problem, finding its sponsor and team by typing part of a name; the sponsor,
reading Slovenian, accepts from the home page's figure; the team asks at the gate, the
sponsor lets it move on, then the team asks to stop and must give the lessons learned; the
portfolio shows it stopped. Every page is checked with axe-core."""

from playwright.sync_api import expect

from ponte.lab.services import problems as lab_services
from tests.conftest import give_two_factor
from tests.factories import UserFactory

from .support import AccessibilityAudit, tr

SL = "sl"
PROJECT = "Once-only certificates"


def test_a_project_moves_through_its_gates_and_stops_with_its_lessons(signed_in, organisation, member, screenshot_dir):
    audit = AccessibilityAudit(screenshot_dir, "lab projects")
    manager = UserFactory(name="Paula Manager", is_programme_manager=True)
    sponsor = UserFactory(name="Tomaž Novak", email="tomaz@example.org", is_sponsor=True, language=SL)
    for person in (manager, sponsor):
        give_two_factor(person)
    problem = lab_services.problem_submit(
        actor=member,
        organisation=organisation,
        title="Citizens give the same documents again at every counter",
        description="Asked for the same certificates by every service.",
        affected="People",
        evidence="Survey",
        tried="A guideline",
    )
    lab_services.problem_accept(actor=manager, problem=problem)

    # The lab team starts the project, finding the sponsor and the team by name.
    team_page = signed_in(manager)
    team_page.goto(problem.get_absolute_url())
    team_page.get_by_role("link", name="Start a project").click()
    expect(team_page.get_by_label("Title")).to_have_value(problem.title)
    team_page.get_by_label("Title").fill(PROJECT)
    team_page.get_by_label("Adaptive").check()
    team_page.get_by_label("Budget (EUR)").fill("-5")
    team_page.get_by_label("Targets").fill("Half as many documents asked again.")
    sponsor_field = team_page.get_by_role("combobox", name="Sponsor")
    sponsor_field.press_sequentially("Toma")
    expect(team_page.get_by_role("option", name="Tomaž Novak (tomaz@example.org)")).to_be_visible()
    audit.check(team_page, "start a project, sponsor suggested")
    sponsor_field.press("ArrowDown")
    sponsor_field.press("Enter")
    expect(sponsor_field).to_have_value("tomaz@example.org")
    team_page.get_by_role("button", name="Start the project").click()
    expect(team_page.get_by_role("alert")).to_contain_text("Give the budget in euros, zero or more.")
    expect(team_page.get_by_label("Title")).to_have_value(PROJECT)
    audit.check(team_page, "start a project, with an error")
    team_page.get_by_label("Budget (EUR)").fill("18000")
    team_page.get_by_role("button", name="Start the project").click()
    expect(team_page.get_by_role("heading", name=PROJECT, level=1)).to_be_visible()
    expect(team_page.get_by_text("is asked to sponsor the project")).to_be_visible()
    audit.check(team_page, "the project, waiting for its sponsor")

    # The sponsor, in Slovenian, finds the request from the home page and accepts.
    sponsor_page = signed_in(sponsor)
    sponsor_page.goto("/")
    sponsor_page.get_by_role("link", name=tr(SL, "Projects asking you to sponsor them")).click()
    sponsor_page.get_by_role("link", name=PROJECT).click()
    sponsor_page.get_by_role("link", name=tr(SL, "Answer: sponsor this project?")).click()
    audit.check(sponsor_page, "sponsorship (sl)")
    sponsor_page.get_by_role("button", name=tr(SL, "Accept to sponsor it")).click()
    expect(sponsor_page.get_by_role("status")).to_contain_text(
        tr(SL, "You sponsor the project. Its team can now ask you at each gate.")
    )

    # The team asks to move on, with evidence.
    team = signed_in(member)
    team.goto(sponsor_page.url)
    team.get_by_role("link", name="Ask the sponsor to decide").click()
    team.get_by_label("Move on to the next stage: Co-create").check()
    team.get_by_role("button", name="Send to the sponsor").click()
    expect(team.get_by_role("alert")).to_contain_text("Give the evidence the sponsor decides on.")
    audit.check(team, "gate request with an error")
    team.get_by_label("Evidence").fill("Interviews with 32 people and 12 counter staff.")
    team.get_by_role("button", name="Send to the sponsor").click()
    expect(team.get_by_role("heading", name="Waiting for the sponsor's decision")).to_be_visible()

    # The sponsor decides: a rationale is needed; go moves the project on.
    sponsor_page.reload()
    sponsor_page.get_by_role("link", name=tr(SL, "Decide at the gate")).click()
    expect(sponsor_page.get_by_text("Interviews with 32 people and 12 counter staff.")).to_be_visible()
    sponsor_page.get_by_label(tr(SL, "Go"), exact=True).check()
    sponsor_page.get_by_role("button", name=tr(SL, "Record the decision")).click()
    expect(sponsor_page.get_by_role("alert")).to_contain_text(
        tr(SL, "Give the rationale of your decision: the team reads it.")
    )
    audit.check(sponsor_page, "gate decision with an error (sl)")
    sponsor_page.get_by_label(tr(SL, "Rationale")).fill("Dobri dokazi.")
    sponsor_page.get_by_role("button", name=tr(SL, "Record the decision")).click()
    expect(sponsor_page.get_by_role("status")).to_contain_text(
        tr(SL, "Your decision is recorded: go. The team is told.")
    )

    # The team asks to stop: the lessons learned are needed.
    team.reload()
    expect(team.get_by_text("Current, since")).to_be_visible()
    team.get_by_role("link", name="Ask the sponsor to decide").click()
    team.get_by_label("Stop the project").check()
    team.get_by_label("Evidence").fill("The software suppliers will solve it next year.")
    team.get_by_role("button", name="Send to the sponsor").click()
    expect(team.get_by_role("alert")).to_contain_text("Write the lessons learned: a project never stops without them.")
    expect(team.get_by_label("Evidence")).to_have_value("The software suppliers will solve it next year.")
    team.get_by_label("Lessons learned").fill("Ask the market before building.")
    team.get_by_role("button", name="Send to the sponsor").click()

    sponsor_page.reload()
    sponsor_page.get_by_role("link", name=tr(SL, "Decide at the gate")).click()
    sponsor_page.get_by_label(tr(SL, "Go"), exact=True).check()
    sponsor_page.get_by_label(tr(SL, "Rationale")).fill("Strinjam se.")
    sponsor_page.get_by_role("button", name=tr(SL, "Record the decision")).click()

    # Stopped, with its lessons, in the portfolio.
    team.reload()
    expect(team.get_by_text("Ask the market before building.").first).to_be_visible()
    audit.check(team, "the stopped project")
    team_page.goto("/lab/projects/")
    audit.check(team_page, "portfolio")
    row = team_page.get_by_role("row").filter(has_text=PROJECT)
    expect(row).to_contain_text("Stopped at: Co-create")
    audit.assert_clean()
