"""The leadership dashboard, going by what the pages say: a sponsor reading Slovenian opens the
dashboard from their home page, meets the decision waiting for them at its top, and answers it
(they accept to sponsor a lab project); the decision leaves the dashboard. They filter the
figures by an organisation that does not exist and by a period that ends before it starts:
both are pointed out, nothing typed is lost. A visitor reads the public page, which has no
dashboard-only figure. Every page is checked with axe-core."""

from decimal import Decimal

from django.utils import translation
from playwright.sync_api import expect

from ponte.lab.services import problems as lab_services
from ponte.lab.services import projects as project_services
from tests.conftest import give_two_factor
from tests.factories import UserFactory

from .support import AccessibilityAudit, tr

SL = "sl"
PROJECT = "Once-only certificates"


def one_decision_waits(language: str) -> str:
    with translation.override(language):
        return translation.ngettext(
            "%(counter)s decision waits for you as sponsor", "%(counter)s decisions wait for you as sponsor", 1
        ) % {"counter": 1}


def test_a_sponsor_decides_from_the_dashboard_and_reads_the_figures(
    signed_in, new_context, organisation, member, screenshot_dir
):
    audit = AccessibilityAudit(screenshot_dir, "leadership dashboard")
    manager = UserFactory(name="Paula Manager", is_programme_manager=True)
    sponsor = UserFactory(name="Tomaž Novak", is_sponsor=True, language=SL)
    give_two_factor(sponsor)
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
    project_services.project_start(
        actor=manager,
        problem=problem,
        title=PROJECT,
        summary="Counters see the certificates a citizen already holds.",
        facet="enhancement",
        budget=Decimal("15000"),
        targets="Half the visits to collect certificates.",
        sponsor=sponsor,
        team=[member],
    )

    # The sponsor opens the dashboard from their home page: the decision waits at its top.
    page = signed_in(sponsor, SL)
    page.goto("/")
    page.get_by_role("link", name=tr(SL, "Leadership dashboard")).first.click()
    waiting = page.get_by_role("region", name=one_decision_waits(SL))
    expect(waiting).to_contain_text(PROJECT)
    expect(waiting).to_contain_text(tr(SL, "Accept or decline sponsoring it"))
    audit.check(page, "the dashboard, a decision waiting (sl)")
    waiting.get_by_role("link", name=PROJECT).click()
    page.get_by_role("link", name=tr(SL, "Answer: sponsor this project?")).click()
    page.get_by_role("button", name=tr(SL, "Accept to sponsor it")).click()
    expect(page.get_by_role("status")).to_contain_text(
        tr(SL, "You sponsor the project. Its team can now ask you at each gate.")
    )
    page.goto("/insights/dashboard/")
    expect(page.get_by_role("region", name=one_decision_waits(SL))).to_have_count(0)
    expect(page.get_by_role("heading", name=tr(SL, "Lab projects started, by facet of innovation"))).to_be_visible()
    expect(
        page.get_by_role("heading", name=tr(SL, "Mean of the six core skills people assessed (1 to 5)"))
    ).to_be_visible()

    # Filters a person can get wrong: both mistakes are pointed out, what was typed stays.
    page.get_by_role("combobox", name=tr(SL, "Organisation")).fill("Ministry of Nowhere")
    page.get_by_label(tr(SL, "From the quarter")).select_option(index=0)
    page.get_by_label(tr(SL, "To the quarter")).select_option(index=4)
    page.get_by_role("button", name=tr(SL, "Show the figures")).click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Ministry of Nowhere")
    expect(alert).to_contain_text(tr(SL, "To the quarter"))
    expect(page.get_by_role("combobox", name=tr(SL, "Organisation"))).to_have_value("Ministry of Nowhere")
    audit.check(page, "the dashboard, filters wrong (sl)")

    # The list behind a figure, then everything the sponsor sponsors.
    page.get_by_role("combobox", name=tr(SL, "Organisation")).fill(organisation.slug)
    page.get_by_role("button", name=tr(SL, "Show the figures")).click()
    expect(page.get_by_role("alert")).to_have_count(0)
    page.goto("/insights/sponsored/")
    lab_projects = page.get_by_role("region", name=tr(SL, "Lab projects"))
    expect(lab_projects.get_by_text(tr(SL, "No decision is waiting for you."))).to_be_visible()
    expect(lab_projects.get_by_role("link", name=PROJECT)).to_be_visible()
    audit.check(page, "what you sponsor (sl)")

    # A visitor reads the public figures; the dashboard's own are not there.
    visitor = new_context().new_page()
    visitor.goto("/")
    visitor.get_by_role("navigation").get_by_role("link", name="State of innovation").first.click()
    expect(visitor.get_by_role("heading", name="Challenges published")).to_be_visible()
    expect(visitor.get_by_role("heading", name="Mean of the six core skills people assessed (1 to 5)")).to_have_count(0)
    audit.check(visitor, "the state of innovation")
    audit.assert_clean()
