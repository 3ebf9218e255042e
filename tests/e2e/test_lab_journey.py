"""A lab project from problem to case study, going by what the pages say: the team member,
in English, finds the project from the lab's pages, writes an experiment's card and plan,
sees the sample the plan needs, starts it (pre-registering the plan), uploads a results file
that is refused with its faulty line named, then a good one, reads the results and concludes;
the team asks the sponsor to stop the project, with its lessons, and the sponsor, reading
Portuguese, stops it from the home page's figure; the team writes the case study with every
OPSI field and sends it for review; a programme manager, in Portuguese, publishes it; a
visitor who is not signed in finds it in the case library and reads the experiment's
registered plan and results. Every page is checked with axe-core."""

import re

from playwright.sync_api import expect

from ponte.lab.services import problems as lab_services
from ponte.lab.services import projects as project_services
from tests.conftest import give_two_factor
from tests.factories import UserFactory

from .support import AccessibilityAudit, tr

PT = "pt-pt"
PROJECT = "Fewer missed appointments at the citizen shops"
EXPERIMENT = "A text message the day before the appointment"
METRIC = "Appointments attended"
CARD = {
    "Summary": "Half the people booked get a text message the day before; we compare who comes.",
    "The problem": "One appointment in three is missed, and the slot is lost for someone else.",
    "How the idea solves it": "A reminder the day before lets people come, or cancel and free the slot.",
    "What is tested in practice": "A text message sent by the booking system at 18:00 the day before.",
    "What we want to learn": "Whether a reminder raises attendance enough to send it to everyone.",
    "Who implements": "The lab team and the citizen shops of Lisbon and Porto.",
    "Hypothesis": "A reminder by text message the day before raises the share of appointments attended.",
    "Analysis plan": "Compare the share attended in each group with a two-proportion test, at the 5 % level.",
}
PLAN = {
    "Primary metric": METRIC,
    "Baseline": "60",
    "Minimum effect worth detecting": "10",
    "Units planned in the control group": "400",
    "Planned duration (weeks)": "13",
}
LESSONS = "A reminder is cheap and works; the booking system should send it, not the lab."
CASE_TEXTS = {
    "Objectives": "Fewer missed appointments at the citizen shops, measured by the booking system.",
    "Problem": "One appointment in three was missed, and the slot was lost for someone else.",
    "Innovation": "A text message reminding people of their appointment the day before, tested against none.",
    "Results or expected results": "Attendance rose from 60 % to 75 % in a randomised test of 800 appointments.",
    "Lessons learned": LESSONS,
}
TAG = "appointment reminders"


def _results_file(control: tuple[int, int], treatment: tuple[int, int]) -> bytes:
    """A results file of one row per appointment: its group, and 1 when it was attended.
    Each group is given as (attended, booked)."""
    rows = [f"group,{METRIC}"]
    for group, (attended, booked) in (("control", control), ("treatment", treatment)):
        rows += [f"{group},1"] * attended + [f"{group},0"] * (booked - attended)
    return ("\n".join(rows) + "\n").encode()


def test_a_problem_becomes_a_project_an_experiment_and_a_published_case_study(
    signed_in, new_context, organisation, member, screenshot_dir
):
    audit = AccessibilityAudit(screenshot_dir, "lab journey")
    manager = UserFactory(name="Paula Gestora", is_programme_manager=True, language=PT)
    sponsor = UserFactory(name="Sofia Patrocinadora", email="sofia@example.org", is_sponsor=True, language=PT)
    for person in (manager, sponsor):
        give_two_factor(person)
    # The problem's intake and the project's start have their own tests: here they are given.
    problem = lab_services.problem_submit(
        actor=member,
        organisation=organisation,
        title="People miss their appointments at the citizen shops",
        description="One appointment in three is missed, and the slot is lost for someone else.",
        affected="People booking an appointment, and those who wait for one.",
        evidence="The booking system's figures for 2025.",
        tried="Nothing yet.",
    )
    lab_services.problem_accept(actor=manager, problem=problem)
    project = project_services.project_start(
        actor=manager,
        problem=problem,
        title=PROJECT,
        summary="Test reminders before appointments, and keep what raises attendance.",
        facet="adaptive",
        budget=12000,
        targets="A quarter fewer missed appointments within a year.",
        sponsor=sponsor,
        team=[member],
    )
    project_services.sponsorship_answer(actor=sponsor, project=project, accept=True)

    # The team member finds the project from the lab's pages and writes an experiment.
    team = signed_in(member)
    team.goto("/")
    team.get_by_role("navigation", name="Main").get_by_role("link", name="Lab").click()
    audit.check(team, "lab home, for a team member")
    team.get_by_role("link", name="Lab projects").click()
    audit.check(team, "lab projects, for a team member")
    team.get_by_role("link", name=PROJECT).click()
    expect(team.get_by_role("heading", name=PROJECT, level=1)).to_be_visible()
    expect(team.get_by_text("No experiment yet.")).to_be_visible()
    audit.check(team, "the project, for its team")
    team.get_by_role("link", name="Write an experiment").click()
    expect(team.get_by_role("heading", name="New experiment", level=1)).to_be_visible()
    audit.check(team, "new experiment")
    team.get_by_label("Title", exact=True).fill(EXPERIMENT)
    for label, text in CARD.items():
        team.get_by_label(label, exact=True).fill(text)
    team.get_by_label("Budget (EUR)").fill("3500")
    team.get_by_label("A proportion: the share of units that do something").check()
    for label, text in PLAN.items():
        team.get_by_label(label, exact=True).fill(text)
    team.get_by_label("Randomised A/B test").check()
    expect(team.get_by_label("Control group", exact=True)).to_have_value("control")
    expect(team.get_by_label("Treatment group", exact=True)).to_have_value("treatment")
    team.get_by_role("button", name="Save the experiment").click()
    expect(team.get_by_role("status")).to_contain_text(
        "The experiment's card is saved. Start it once its plan is complete."
    )
    expect(team.get_by_role("heading", name=EXPERIMENT, level=1)).to_be_visible()
    expect(team.get_by_text("The control group needs 356 units to detect the minimum effect")).to_contain_text(
        "the plan has enough"
    )
    audit.check(team, "the experiment, being designed")

    # Starting it pre-registers the plan.
    team.get_by_role("link", name="Start the experiment").click()
    plan_to_register = team.get_by_role("table", name="The plan to register")
    expect(plan_to_register.get_by_role("row", name="Primary metric")).to_contain_text(METRIC)
    expect(plan_to_register.get_by_role("row", name="Minimum effect worth detecting")).to_contain_text(
        "+10.0 percentage points"
    )
    audit.check(team, "start the experiment")
    team.get_by_role("button", name="Start and pre-register the plan").click()
    expect(team.get_by_role("status")).to_contain_text(
        "The experiment has started. Its plan is pre-registered: frozen and dated."
    )
    expect(team.get_by_role("heading", name="Pre-registered plan", level=2)).to_be_visible()
    expect(team.get_by_role("table", name="The plan as registered")).to_contain_text("Randomised A/B test")
    audit.check(team, "the experiment, running")

    # A results file with a word where a number belongs is refused, its line named.
    team.get_by_role("link", name="Record the results").click()
    audit.check(team, "record the results")
    results_file = team.get_by_label("Results file (CSV)")
    results_file.set_input_files(
        {"name": "results.csv", "mimeType": "text/csv", "buffer": f"group,{METRIC}\ncontrol,1\ncontrol,yes\n".encode()}
    )
    team.get_by_role("button", name="Upload and analyse").click()
    expect(team.get_by_role("alert")).to_contain_text(f"Line 3: “yes” in column “{METRIC}” is not a number.")
    audit.check(team, "record the results, a faulty file")
    results_file.set_input_files(
        {"name": "results.csv", "mimeType": "text/csv", "buffer": _results_file((240, 400), (300, 400))}
    )
    team.get_by_role("button", name="Upload and analyse").click()
    expect(team.get_by_role("status")).to_contain_text("The results are analysed against the pre-registered plan.")
    expect(team.get_by_text("From the file results.csv (800 rows)")).to_be_visible()
    expect(team.get_by_text("The split matches the plan")).to_be_visible()
    sentence = team.get_by_text(f"“{METRIC}”: 75.0 % in “treatment” against 60.0 % in “control”")
    expect(sentence).to_contain_text("a difference of +15.0 percentage points")
    expect(sentence).to_contain_text("it is statistically significant")
    said = sentence.inner_text()
    figures = team.get_by_role("table", name=f"{METRIC}: the figures")
    expect(figures.get_by_role("row", name="control")).to_contain_text("60.0 %")
    expect(figures.get_by_role("row", name="treatment")).to_contain_text("75.0 %")
    expect(team.get_by_role("img", name=f"{METRIC} by group")).to_be_visible()
    audit.check(team, "the experiment's results")

    # The team concludes.
    team.get_by_role("link", name="Conclude the experiment").click()
    audit.check(team, "conclude the experiment")
    team.get_by_label("Hypothesis supported").check()
    team.get_by_label("What was learned").fill("The reminder raises attendance by 15 points: send it to everyone.")
    team.get_by_role("button", name="Record the conclusion").click()
    expect(team.get_by_role("status")).to_contain_text("The conclusion is recorded. The sponsor is told.")
    expect(team.get_by_role("heading", name="Conclusion: Hypothesis supported")).to_be_visible()
    audit.check(team, "the experiment, concluded")

    # The team asks the sponsor to stop: the booking system takes the reminders over.
    team.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=PROJECT).click()
    expect(team.get_by_role("link", name=EXPERIMENT)).to_be_visible()
    team.get_by_role("link", name="Ask the sponsor to decide").click()
    team.get_by_label("Stop the project").check()
    team.get_by_label("Evidence").fill("The experiment: attendance rose from 60 % to 75 % (p < 0.001).")
    team.get_by_label("Lessons learned").fill(LESSONS)
    audit.check(team, "ask the sponsor to stop")
    team.get_by_role("button", name="Send to the sponsor").click()
    expect(team.get_by_role("heading", name="Waiting for the sponsor's decision")).to_be_visible()
    expect(team.get_by_text("The team asks to stop the project.")).to_be_visible()

    # The sponsor, in Portuguese, finds the question from the home page and stops the project.
    chair = signed_in(sponsor)
    chair.goto("/")
    audit.check(chair, "home, a gate decision waiting (pt)")
    chair.get_by_role("link", name=tr(PT, "Gate decisions waiting for you")).click()
    audit.check(chair, "lab projects, for the sponsor (pt)")
    chair.get_by_role("link", name=PROJECT).click()
    expect(chair.get_by_role("heading", name=tr(PT, "Waiting for the sponsor's decision"))).to_be_visible()
    audit.check(chair, "the project, a gate waiting (pt)")
    chair.get_by_role("link", name=tr(PT, "Decide at the gate")).click()
    expect(chair.get_by_text(tr(PT, "To stop the project."))).to_be_visible()
    expect(chair.get_by_text(LESSONS)).to_be_visible()
    audit.check(chair, "decide at the gate (pt)")
    chair.get_by_label(tr(PT, "Stop"), exact=True).check()
    chair.get_by_label(tr(PT, "Rationale")).fill("Os lembretes passam para o sistema de marcações.")
    chair.get_by_role("button", name=tr(PT, "Record the decision")).click()
    expect(chair.get_by_role("status")).to_contain_text(
        tr(PT, "Your decision is recorded: the project stops. The team is told.")
    )
    expect(chair.get_by_text(tr(PT, "Stopped here"))).to_be_visible()
    audit.check(chair, "the stopped project (pt)")

    # The team member tells the project as a case study, with every OPSI field.
    team.reload()
    expect(team.get_by_text("Stopped here")).to_be_visible()
    audit.check(team, "the stopped project, a case to write")
    team.get_by_role("button", name="Write the case study").click()
    expect(team.get_by_role("status")).to_contain_text(
        "A draft case is started from the project. Complete it and send it for review."
    )
    expect(team.get_by_label("Title", exact=True)).to_have_value(PROJECT)
    expect(team.get_by_label("Organisation", exact=True)).to_have_value(organisation.name)
    audit.check(team, "edit the case")
    team.get_by_label("Level of government").select_option(label="National or federal")
    team.get_by_label("Sector").select_option(label="General public services")
    team.get_by_label("Year of launch").fill("2025")
    team.get_by_label("Development time").select_option(label="Less than a year")
    team.get_by_label("Innovation stage").select_option(label="Evaluation")
    team.get_by_label("Type of innovation").select_option(label="A new or improved service")
    team.get_by_label("Tags").fill(f"{TAG}, citizen shops, Text messages")
    for label, text in CASE_TEXTS.items():
        team.get_by_label(label, exact=True).fill(text)
    team.get_by_role("button", name="Save the case").click()
    expect(team.get_by_role("status")).to_contain_text("The case is saved.")
    expect(team.get_by_role("heading", name=PROJECT, level=1)).to_be_visible()
    expect(team.get_by_role("link", name="text messages")).to_be_visible()
    audit.check(team, "the case, being written")
    team.get_by_role("button", name="Send for review").click()
    expect(team.get_by_role("status")).to_contain_text("The case is sent to a programme manager for review.")
    expect(team.get_by_role("button", name="Send for review")).to_have_count(0)
    expect(team.get_by_text("Waiting for a programme manager's review")).to_be_visible()
    audit.check(team, "the case, sent for review")

    # A programme manager, in Portuguese, finds it from the home page and publishes it.
    lab_team = signed_in(manager)
    lab_team.goto("/")
    audit.check(lab_team, "home, a case waiting for review (pt)")
    lab_team.get_by_role("link", name=tr(PT, "Case studies waiting for your review")).click()
    expect(lab_team.get_by_role("heading", name=tr(PT, "Case studies waiting for review"), level=1)).to_be_visible()
    audit.check(lab_team, "case studies waiting for review (pt)")
    lab_team.get_by_role("link", name=PROJECT).click()
    audit.check(lab_team, "the case, waiting for review (pt)")
    lab_team.get_by_role("link", name=tr(PT, "Review the case")).click()
    audit.check(lab_team, "review the case (pt)")
    lab_team.get_by_label(tr(PT, "Publish the case")).check()
    lab_team.get_by_role("button", name=tr(PT, "Record the review")).click()
    expect(lab_team.get_by_role("status")).to_contain_text(tr(PT, "The case is published in the case library."))

    # A visitor, not signed in, finds the case in the library and reads the experiment.
    visitor = new_context().new_page()
    visitor.goto("/")
    visitor.get_by_role("navigation", name="Main").get_by_role("link", name="Case library").click()
    expect(visitor.get_by_role("heading", name="Case library", level=1)).to_be_visible()
    audit.check(visitor, "case library")
    visitor.get_by_label("Words in the case").fill("parking")
    visitor.get_by_role("button", name="Apply filters").click()
    expect(visitor.get_by_text("No case matches these filters.")).to_be_visible()
    audit.check(visitor, "case library, no case found")
    visitor.get_by_label("Words in the case").fill("text message reminder")
    visitor.get_by_label("Tag", exact=True).select_option(label=TAG)
    visitor.get_by_role("button", name="Apply filters").click()
    expect(visitor.get_by_role("heading", name="1 case", level=2)).to_be_visible()
    audit.check(visitor, "case library, words and a tag")
    # The tag's change sent the filters as well: let every answer land before following a link.
    expect(visitor.locator(".htmx-request")).to_have_count(0)
    visitor.get_by_role("link", name=PROJECT).click()
    expect(visitor.get_by_role("heading", name=PROJECT, level=1)).to_be_visible()
    expect(visitor.get_by_role("heading", name="Lessons learned")).to_be_visible()
    expect(visitor.get_by_text(LESSONS)).to_be_visible()
    experiment = visitor.get_by_role("region", name=EXPERIMENT)
    expect(experiment).to_contain_text(re.compile(r"Concluded · Hypothesis supported · plan registered on "))
    registered = experiment.get_by_role("table", name="The plan as registered")
    expect(registered.get_by_role("row", name="Hypothesis")).to_contain_text(CARD["Hypothesis"])
    expect(registered.get_by_role("row", name="Primary metric")).to_contain_text(METRIC)
    expect(registered.get_by_role("row", name="Units planned in the control group")).to_contain_text("400")
    expect(experiment.get_by_text(said)).to_be_visible()
    expect(experiment.get_by_role("table", name=f"{METRIC}: the figures")).to_be_visible()
    audit.check(visitor, "the published case")
    audit.assert_clean()
