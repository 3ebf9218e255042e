"""The public "state of innovation" page and the leadership dashboard, read as people read them:
who may open which, what the filters say when they are wrong, the lists behind the figures, the
exports, and the number of queries whatever the data."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from ponte.core.indicators import Indicator
from ponte.core.registry import registry
from tests.factories import CompanyFactory, UserFactory
from tests.insights import builders as b
from tests.insights.conftest import END, PERIOD, START
from tests.reading import Page

SKILLS = "Mean of the six core skills people assessed (1 to 5)"
PUBLISHED = "Challenges published"
HEADER = ["Programme", "Figure", "Quarter", "Part", "Value", "Unit"]
WHOLE = f"{START} – {END}"


def figure_headings(page: Page) -> list[str]:
    return [heading for heading in page.headings(page.main) if heading in [*public_labels(), SKILLS]]


def public_labels() -> list[str]:
    return [str(indicator.label) for indicator in registry.indicators.values() if indicator.public]


def field_value(page: Page, name: str):
    [field] = page.main.xpath(".//*[@name=$name]", name=name)
    if field.tag == "select":
        chosen = field.xpath(".//option[@selected]")
        return chosen[0].get("value") if chosen else None
    return field.get("value")


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def xlsx_rows(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def total_of(rows, label, quarter=WHOLE):
    found = [row[4] for row in rows if row[1] == label and row[2] == quarter and row[3] in ("", None)]
    assert len(found) == 1, f"{len(found)} totals of {label!r} for {quarter}"
    return found[0]


# Who may read what ----------------------------------------------------------------------------


def test_a_visitor_reads_the_public_page_with_the_public_figures_only(client, world):
    page = Page(client.get("/insights/", PERIOD))

    assert page.response.status_code == 200
    assert figure_headings(page) == public_labels()
    assert SKILLS not in page.text()
    assert not page.links("Open the leadership dashboard")
    assert not page.links("Download these figures (spreadsheet, XLSX)")
    assert page.link("Download these figures (CSV)") == f"/insights/figures.csv?organisation=&start={START}&end={END}"


def test_the_public_page_shows_the_figures_counted(client, world):
    page = Page(client.get("/insights/", {**PERIOD, "organisation": "ministry-of-reform"}))

    card = page.part(PUBLISHED)
    assert "2 from 2025-Q1 to 2025-Q4" in page.text(card)
    assert "Ministry of Reform and its parts" in page.text()


def test_a_programme_manager_on_the_public_page_still_meets_no_dashboard_figure(login, programme_manager, world):
    page = Page(login(programme_manager).get("/insights/", PERIOD))

    assert SKILLS not in page.text()
    assert page.link("Open the leadership dashboard") == f"/insights/dashboard/?organisation=&start={START}&end={END}"


def test_a_visitor_is_sent_to_sign_in_for_the_dashboard_and_its_lists(client, db):
    for path in ("/insights/dashboard/", "/insights/dashboard/figures/challenges.published/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/?next=")


@pytest.mark.parametrize("role", ["citizen", "public_servant", "org_admin", "company_member", "evaluator", "moderator"])
def test_people_who_are_not_sponsors_or_programme_managers_are_refused_the_dashboard(login, person_in_role, role):
    client = login(person_in_role(role))

    assert client.get("/insights/dashboard/").status_code == 403
    assert client.get("/insights/dashboard/figures/challenges.published/").status_code == 403
    assert client.get("/insights/").status_code == 200


@pytest.mark.parametrize("role", ["sponsor", "programme_manager"])
def test_sponsors_and_programme_managers_read_every_figure_on_the_dashboard(login, person_in_role, role, world):
    page = Page(login(person_in_role(role)).get("/insights/dashboard/", PERIOD))

    assert page.response.status_code == 200
    labels = [str(indicator.label) for indicator in registry.indicators.values()]
    assert [heading for heading in page.headings(page.main) if heading in labels] == labels
    assert SKILLS in labels
    assert page.link("Download these figures (spreadsheet, XLSX)") == (
        f"/insights/figures.xlsx?organisation=&start={START}&end={END}"
    )
    # Only the figures with a list link to it.
    assert page.link(f"The list behind “{PUBLISHED}”") == (
        f"/insights/dashboard/figures/challenges.published/?organisation=&start={START}&end={END}"
    )
    assert not page.links("The list behind “Proposals received (once the deadline has passed)”")


def test_the_dashboard_shows_each_figures_total_quarters_and_parts(login, programme_manager, world):
    page = Page(login(programme_manager).get("/insights/dashboard/", PERIOD))

    published = page.text(page.part(PUBLISHED))
    assert (
        "Challenges published: 4 from 2025-Q1 to 2025-Q4; 0 in 2025-Q1 and 0 in 2025-Q4; the highest, 2, in 2025-Q2"
        in published
    )
    assert "2025-Q1 0 2025-Q2 2 2025-Q3 2 2025-Q4 0" in published  # its table by quarter
    value = page.text(page.part("Value awarded (EUR, excluding VAT)"))
    assert "Value awarded (EUR, excluding VAT): 25001 from 2025-Q1 to 2025-Q4" in value  # whole euros, half up
    stages = page.text(page.part("Lab projects under way now, by stage"))
    assert "3 today" in stages and "Investigate 2" in stages
    skills = page.text(page.part(SKILLS))
    assert "hidden, as fewer than five people are counted" in skills


def test_a_figure_not_counted_by_organisation_says_so_for_an_organisation(login, programme_manager, world):
    page = Page(login(programme_manager).get("/insights/dashboard/", {**PERIOD, "organisation": "ministry-of-reform"}))

    assert "Awards announced, by who or what won: not counted by organisation." in page.text()
    assert "Challenges published: 2 from" in page.text()


def test_a_figure_registered_by_a_module_reaches_the_dashboard_and_not_the_public_page(
    login, programme_manager, world, monkeypatch
):
    from ponte.challenges.models import Challenge

    monkeypatch.setattr(registry, "indicators", dict(registry.indicators))
    registry.add_indicator(
        Indicator(
            key="tests.prizes",
            section="Tests",
            label="Prizes offered",
            rows=lambda: Challenge.objects.exclude(published_at=None),
            dated_by="published_at",
            organisation="owner",
            public=False,
        )
    )

    dashboard = Page(login(programme_manager).get("/insights/dashboard/", PERIOD))
    assert "Prizes offered: 4 from" in dashboard.text(dashboard.part("Prizes offered"))
    assert "Prizes offered" not in Page(login(None).get("/insights/", PERIOD)).text()


# Filters a person can get wrong -------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/insights/", "/insights/dashboard/"])
def test_an_unknown_organisation_and_an_inverted_period_are_both_told_and_what_was_typed_stays(
    login, programme_manager, world, path
):
    typed = {"organisation": "Ministry of Nowhere", "start": "2026-Q1", "end": "2025-Q2"}
    page = Page(login(programme_manager).get(path, typed))

    assert page.response.status_code == 200
    text = page.text()
    assert "No organisation is called “Ministry of Nowhere”" in text
    assert "The period ends before it starts: choose an end after 2026-Q1." in text
    assert field_value(page, "organisation") == "Ministry of Nowhere"
    # Every organisation is shown, over the default period.
    assert "Every organisation" in text
    assert PUBLISHED in page.headings(page.main)


def test_a_quarter_that_is_no_quarter_is_told_and_the_default_stands_in(login, programme_manager, world):
    from ponte.core.indicators import default_period, quarter_name

    page = Page(login(programme_manager).get("/insights/dashboard/", {"start": "next spring", "end": END}))

    assert page.response.status_code == 200
    assert "“next spring” is not a quarter of this platform" in page.text()
    first = quarter_name(default_period().first)
    assert field_value(page, "start") == first
    assert f"From {first} to {END}" in page.text()


def test_the_quarters_asked_are_shown_chosen_in_the_filter(login, programme_manager, world):
    page = Page(login(programme_manager).get("/insights/dashboard/", {"start": "2025-Q2", "end": "2025-Q3"}))

    assert (field_value(page, "start"), field_value(page, "end")) == ("2025-Q2", "2025-Q3")


def test_a_period_long_ago_is_shown_chosen_in_the_filter_too(login, programme_manager, db):
    page = Page(login(programme_manager).get("/insights/dashboard/", {"start": "2010-Q1", "end": "2012-Q4"}))

    assert "From 2010-Q1 to 2012-Q4" in page.text()
    assert (field_value(page, "start"), field_value(page, "end")) == ("2010-Q1", "2012-Q4")


@pytest.mark.parametrize(
    "query",
    [
        {"organisation": "x" * 5000},
        {"organisation": "nul\x00byte"},
        {"organisation": "Ministério da Reforma ☃"},
        {"start": "\x00", "end": "2025-Q1\x00"},
        {"start": "２０２５-Q1", "end": "ß" * 300},
        {"organisation": ["a", "b"], "start": ["2025-Q1", "2025-Q2"]},
        {"page": "-1", "organisation": " "},
    ],
)
@pytest.mark.parametrize(
    "path", ["/insights/", "/insights/dashboard/", "/insights/dashboard/figures/challenges.published/"]
)
def test_garbage_in_the_filters_never_breaks_a_page(login, programme_manager, world, query, path):
    response = login(programme_manager).get(path, query)

    assert response.status_code == 200


def test_a_nul_byte_in_the_organisation_is_dropped_and_the_organisation_told_unknown(login, programme_manager, world):
    page = Page(login(programme_manager).get("/insights/dashboard/", {"organisation": "nul\x00body"}))

    assert "No organisation is called “nulbody”" in page.text()
    assert field_value(page, "organisation") == "nulbody"


@pytest.mark.parametrize("path", ["/insights/figures.csv", "/insights/figures.xlsx"])
def test_garbage_in_the_filters_never_breaks_an_export(client, world, path):
    response = client.get(path, {"organisation": "nul\x00byte", "start": "x" * 400, "end": "☃"})

    assert response.status_code == 200


# The list behind a figure ----------------------------------------------------------------------


def titles(page: Page) -> list[str]:
    """The rows listed, as read, in order."""
    return [item for listed in page.main.xpath(".//ul[@class='results']") for item in page.items(listed)]


def test_the_list_behind_a_figure_holds_the_rows_it_counts_for_the_filters_the_latest_first(
    login, programme_manager, world
):
    client = login(programme_manager)
    path = "/insights/dashboard/figures/challenges.published/"

    everyone = Page(client.get(path, PERIOD))
    # The latest first; of two published at the same moment, the later made first.
    assert titles(everyone) == ["Still open challenge", "Agency challenge", "Other challenge", "Ministry challenge"]
    assert "4 rows" in everyone.text()

    ministry = Page(client.get(path, {**PERIOD, "organisation": "ministry-of-reform"}))
    assert titles(ministry) == ["Agency challenge", "Ministry challenge"]
    assert "Ministry of Reform and its parts" in ministry.text()
    assert ministry.link("Agency challenge").startswith("/challenges/")

    earlier = Page(client.get(path, {"start": "2024-Q1", "end": "2024-Q4", "organisation": "reform-agency"}))
    assert titles(earlier) == ["Earlier agency challenge"]


def test_the_list_behind_a_snapshot_ignores_the_period(login, programme_manager, world):
    page = Page(login(programme_manager).get("/insights/dashboard/figures/lab.projects_by_stage/", PERIOD))

    assert sorted(titles(page)) == ["Agency project", "Ministry project", "Old project"]


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (
            "lab.experiments_concluded",
            ["Ministry project: Experiment supported", "Stopped project: Experiment not_supported"],
        ),
        ("sandbox.exemptions_running", ["Ministry exemption", "Older exemption"]),
        ("lab.lessons_recorded", ["Stopped project"]),
    ],
)
def test_the_lists_behind_the_other_programmes_figures(login, programme_manager, world, key, expected):
    page = Page(login(programme_manager).get(f"/insights/dashboard/figures/{key}/", PERIOD))

    shown = titles(page)
    assert len(shown) == len(expected)
    for words in expected:
        assert any(words in title for title in shown), (words, shown)


def test_the_list_behind_a_figure_not_counted_by_organisation_is_empty_for_an_organisation(
    login, programme_manager, world
):
    client = login(programme_manager)
    path = "/insights/dashboard/figures/recognition.awards/"

    assert len(titles(Page(client.get(path, PERIOD)))) == 3
    page = Page(client.get(path, {**PERIOD, "organisation": "ministry-of-reform"}))
    assert titles(page) == [] and "Nothing is counted for these filters." in page.text()


def test_the_list_behind_a_figure_for_an_unknown_organisation_is_empty_and_says_why(login, programme_manager, world):
    page = Page(
        login(programme_manager).get("/insights/dashboard/figures/challenges.published/", {"organisation": "nowhere"})
    )

    assert page.response.status_code == 200
    assert titles(page) == []
    assert "No organisation is called “nowhere”" in page.text()


@pytest.mark.parametrize("key", ["no.such.figure", "challenges.proposals", "learning.core_skills", "recognition.kudos"])
def test_a_figure_unknown_or_without_a_list_has_no_list(login, programme_manager, key):
    assert login(programme_manager).get(f"/insights/dashboard/figures/{key}/").status_code == 404


def test_the_list_behind_a_figure_makes_as_many_queries_with_many_rows_as_with_few(login, programme_manager, ministry):
    client = login(programme_manager)
    call, sponsor = b.sandbox_call(programme_manager), UserFactory(is_sponsor=True)
    makers = {
        "challenges.published": lambda: b.challenge(ministry, "2025-Q2"),
        "lab.experiments_concluded": lambda: b.experiment(b.lab_project(ministry, "2025-Q2"), "2025-Q3"),
        "sandbox.exemptions_granted": lambda: b.exemption(call, ministry, ministry, sponsor, "2025-Q2"),
        "recognition.awards": lambda: b.winner(b.programme(programme_manager, "2025-Q3").categories.get(), "team"),
        "challenges.awarded_value": lambda: b.award(
            b.proposal(b.challenge(ministry, "2025-Q1"), CompanyFactory(), "2025-Q1"), "10", "2025-Q2"
        ),
    }

    def queries(key):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/insights/dashboard/figures/{key}/", PERIOD).status_code == 200
        return len(captured)

    for key, make in makers.items():
        make()
        few = queries(key)
        for _number in range(6):
            make()
        assert queries(key) == few, key


# Exports ---------------------------------------------------------------------------------------


def test_the_csv_and_the_spreadsheet_hold_the_same_figures(login, programme_manager, world):
    client = login(programme_manager)
    asked = {**PERIOD, "organisation": "ministry-of-reform"}

    from_csv = csv_rows(client.get("/insights/figures.csv", asked))
    from_xlsx = xlsx_rows(client.get("/insights/figures.xlsx", asked))

    assert from_csv[0] == HEADER and from_xlsx[0] == HEADER
    assert len(from_csv) == len(from_xlsx) > 1

    def same(cell):
        return "" if cell is None else str(cell)

    for csv_row, xlsx_row in zip(from_csv[1:], from_xlsx[1:], strict=True):
        assert csv_row[:4] == [same(cell) for cell in xlsx_row[:4]]
        assert csv_row[5] == same(xlsx_row[5])
        assert (float(csv_row[4]) if csv_row[4] else None) == (float(xlsx_row[4]) if xlsx_row[4] is not None else None)

    assert total_of(from_xlsx, PUBLISHED) == 2
    assert total_of(from_xlsx, PUBLISHED, "2025-Q2") == 1
    assert total_of(from_xlsx, "Value awarded (EUR, excluding VAT)") == 17000.5
    assert total_of(from_csv, "Value awarded (EUR, excluding VAT)") == "17000.5"
    assert [row[5] for row in from_xlsx if row[1] == "Value awarded (EUR, excluding VAT)"] == ["EUR"] * 5
    # A figure not counted by organisation is left out.
    assert not [row for row in from_csv if row[1].startswith("Awards announced")]


def test_the_export_holds_each_quarter_part_and_total_of_a_figure(login, programme_manager, world):
    rows = csv_rows(login(programme_manager).get("/insights/figures.csv", PERIOD))

    facets = [row[2:5] for row in rows if row[1] == "Lab projects started, by facet of innovation"]
    assert facets == [
        ["2025-Q1", "", "0"],
        ["2025-Q2", "", "2"],
        ["2025-Q3", "", "2"],
        ["2025-Q4", "", "0"],
        [WHOLE, "Enhancement-oriented", "2"],
        [WHOLE, "Mission-oriented", "1"],
        [WHOLE, "Adaptive", "0"],
        [WHOLE, "Anticipatory", "1"],
        [WHOLE, "", "4"],
    ]
    running = [row[2:6] for row in rows if row[1] == "Exemptions running today"]
    assert running == [["today", "", "2", ""]]
    shares = [row for row in rows if row[1].startswith("Share of proposals")]
    assert {row[5] for row in shares} == {"%"}
    assert total_of(rows, shares[0][1]) == "50.0"


def test_a_visitors_csv_holds_the_public_figures_and_a_programme_managers_every_figure_shown(
    client, login, programme_manager, world
):
    ministry = world.ministry
    for number in range(5):
        b.assessment(b.member_of(ministry), b.at("2025-Q2", day=number), score="4.00")

    visitor = csv_rows(client.get("/insights/figures.csv", PERIOD))
    manager = csv_rows(login(programme_manager).get("/insights/figures.csv", PERIOD))

    assert {row[1] for row in visitor[1:]} == set(public_labels())
    assert {row[1] for row in manager[1:]} == set(public_labels()) | {SKILLS}
    assert total_of(manager, SKILLS) == "4.0"
    # Apart from the skills, the two hold the same rows.
    assert [row for row in manager if row[1] != SKILLS] == visitor


def test_a_visitor_may_not_read_the_dashboards_figures_through_the_spreadsheet(client, world):
    rows = xlsx_rows(client.get("/insights/figures.xlsx", PERIOD))

    assert {row[1] for row in rows[1:]} == set(public_labels())


# Queries -----------------------------------------------------------------------------------------


def dashboard_queries(client, query) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/insights/dashboard/", query).status_code == 200
    return len(captured)


@pytest.mark.parametrize("organisation", ["", "ministry-of-reform"])
def test_the_dashboard_makes_as_many_queries_with_25_challenges_and_projects_as_with_3(
    login, programme_manager, ministry, agency, organisation
):
    client = login(programme_manager)
    quarters = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2024-Q4"]
    call, sponsor = b.sandbox_call(programme_manager), UserFactory(is_sponsor=True)
    course = b.course(programme_manager)

    def add(number):
        owner = (ministry, agency)[number % 2]
        quarter = quarters[number % 5]
        made = b.challenge(owner, quarter)
        b.award(b.proposal(made, CompanyFactory(is_sme=number % 2 == 0), quarter), "1000", quarter)
        project = b.lab_project(owner, quarter, facet=("enhancement", "mission")[number % 2])
        b.experiment(project, quarter)
        b.exemption(call, owner, ministry, sponsor, quarter, title=f"Exemption {number}")
        b.certificate(course, b.member_of(owner), quarter)
        b.assessment(b.member_of(owner), b.at(quarter))
        b.kudos(quarter)

    for number in range(3):
        add(number)
    query = {**PERIOD, "organisation": organisation}
    few = dashboard_queries(client, query)
    for number in range(3, 25):
        add(number)

    assert dashboard_queries(client, query) == few


def test_the_public_page_makes_as_many_queries_with_more_rows(client, programme_manager, ministry):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/insights/", PERIOD).status_code == 200
        return len(captured)

    b.challenge(ministry, "2025-Q2")
    few = queries()
    for quarter in ("2025-Q1", "2025-Q3", "2025-Q4") * 4:
        b.lab_project(ministry, quarter)
        b.challenge(ministry, quarter)

    assert queries() == few


# Organisation suggestions ---------------------------------------------------------------------


def test_the_organisation_filter_suggests_organisations_by_name(client, world):
    found = client.get("/insights/organisations/", {"q": "reform"}).json()["results"]

    assert {result["value"] for result in found} == {"ministry-of-reform", "reform-agency"}
    assert {"value": "reform-agency", "name": "Reform Agency (reform-agency)"} in found
    assert client.get("/insights/organisations/", {"q": "r"}).json() == {"results": []}
    assert client.get("/insights/organisations/", {"q": "\x00re\x00form"}).status_code == 200
