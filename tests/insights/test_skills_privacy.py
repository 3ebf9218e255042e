"""The mean of the core skills people assessed is never read from fewer than five people: not on
the public page, the public CSV or the API at all; on the dashboard and in its exports only for
groups of at least five people, whoever asks and however the filters are set."""

import pytest

from tests.insights import builders as b
from tests.insights.conftest import PERIOD
from tests.insights.test_views import SKILLS, csv_rows, xlsx_rows
from tests.reading import Page

HIDDEN = f"{SKILLS}: hidden, as fewer than five people are counted."


def assessed(organisation, count: int, quarter: str = "2025-Q2", score: str = "4.00") -> list:
    """`count` new members of the organisation, each having assessed their skills in the quarter."""
    people = [b.member_of(organisation) for _ in range(count)]
    for number, person in enumerate(people):
        b.assessment(person, b.at(quarter, day=number), score)
    return people


def skills_card(client, **filters) -> str:
    page = Page(client.get("/insights/dashboard/", {**PERIOD, **filters}))
    assert page.response.status_code == 200
    return page.text(page.part(SKILLS))


def skills_rows(rows) -> list:
    return [row for row in rows if row[1] == SKILLS]


@pytest.fixture
def manager(login, programme_manager):
    return login(programme_manager)


def test_four_people_who_assessed_their_skills_are_never_read(manager, ministry, agency):
    first, second, *_rest = assessed(ministry, 4, score="2.00")
    b.assessment(first, b.at("2025-Q3"), "5.00")  # the same person again: still four people
    b.member_of(agency)  # a member of the agency who never assessed
    from tests.factories import MembershipFactory

    MembershipFactory(user=second, organisation=agency)  # of both: counted once

    card = skills_card(manager, organisation="ministry-of-reform")
    assert card == f"{SKILLS} {HIDDEN}"  # no total, quarter, table or chart
    card = skills_card(manager)  # nobody else assessed: the whole platform is these four
    assert card == f"{SKILLS} {HIDDEN}"


@pytest.mark.parametrize("path", ["/insights/figures.csv", "/insights/figures.xlsx"])
def test_the_exports_leave_out_the_skills_of_four_people(manager, ministry, path):
    assessed(ministry, 4)
    read = csv_rows if path.endswith("csv") else xlsx_rows

    assert skills_rows(read(manager.get(path, {**PERIOD, "organisation": "ministry-of-reform"}))) == []
    assert skills_rows(read(manager.get(path, PERIOD))) == []


def test_five_people_are_read_on_the_dashboard_and_in_its_exports(manager, ministry):
    assessed(ministry, 3, score="4.00")
    assessed(ministry, 2, score="3.00")

    card = skills_card(manager, organisation="ministry-of-reform")
    assert f"{SKILLS}: 3.6 from 2025-Q1 to 2025-Q4; 3.6 in 2025-Q2" in card
    asked = {**PERIOD, "organisation": "ministry-of-reform"}
    from_csv = skills_rows(csv_rows(manager.get("/insights/figures.csv", asked)))
    from_xlsx = skills_rows(xlsx_rows(manager.get("/insights/figures.xlsx", asked)))
    assert [row[2:5] for row in from_csv] == [
        ["2025-Q1", "", ""],
        ["2025-Q2", "", "3.6"],
        ["2025-Q3", "", ""],
        ["2025-Q4", "", ""],
        ["2025-Q1 – 2025-Q4", "", "3.6"],
    ]
    assert [row[4] for row in from_xlsx] == [None, 3.6, None, None, 3.6]


def test_a_quarter_of_fewer_than_five_people_is_hidden_even_when_the_period_has_enough(manager, ministry):
    assessed(ministry, 3, quarter="2025-Q2", score="4.00")
    assessed(ministry, 2, quarter="2025-Q3", score="2.00")

    card = skills_card(manager)
    assert f"{SKILLS}: 3.2 from 2025-Q1 to 2025-Q4; no quarter is shown alone" in card
    assert "none from" not in card
    rows = skills_rows(csv_rows(manager.get("/insights/figures.csv", PERIOD)))
    assert [row[4] for row in rows] == ["", "", "", "", "3.2"]  # three, then two people: hidden


def test_the_platform_reads_five_people_while_an_organisation_of_four_stays_hidden(manager, ministry, other_body):
    assessed(ministry, 4)
    assessed(other_body, 1)

    assert f"{SKILLS}: 4.0 from" in skills_card(manager)
    assert skills_card(manager, organisation="ministry-of-reform") == f"{SKILLS} {HIDDEN}"
    assert skills_card(manager, organisation="coastal-authority") == f"{SKILLS} {HIDDEN}"


def test_an_agencys_people_are_read_with_their_ministry_and_not_alone(manager, ministry, agency):
    assessed(ministry, 3)
    assessed(agency, 2)

    assert f"{SKILLS}: 4.0 from" in skills_card(manager, organisation="ministry-of-reform")
    assert skills_card(manager, organisation="reform-agency") == f"{SKILLS} {HIDDEN}"


def test_the_skills_mean_is_never_public_however_many_people_assessed(client, login, programme_manager, ministry):
    assessed(ministry, 8)

    page = Page(login(programme_manager).get("/insights/", PERIOD))
    assert SKILLS not in page.text()
    login(None)  # a visitor
    assert SKILLS not in Page(client.get("/insights/", PERIOD)).text()
    assert skills_rows(csv_rows(client.get("/insights/figures.csv", PERIOD))) == []
    assert skills_rows(xlsx_rows(client.get("/insights/figures.xlsx", PERIOD))) == []
    body = client.get("/api/insights/figures", PERIOD).json()
    assert "learning.core_skills" not in {figure["key"] for figure in body["figures"]}
    assert SKILLS not in {figure["label"] for figure in body["figures"]}


def test_the_skills_mean_has_no_list_of_the_people_behind_it(manager, ministry):
    assessed(ministry, 8)

    assert manager.get("/insights/dashboard/figures/learning.core_skills/").status_code == 404


def test_the_sentence_of_a_period_with_a_hidden_quarter_gives_the_whole_periods_mean(manager, ministry):
    assessed(ministry, 5, quarter="2025-Q2", score="4.00")
    assessed(ministry, 2, quarter="2025-Q3", score="2.00")

    card = skills_card(manager)
    # (5 × 4 + 2 × 2) / 7 over the period; 2025-Q3, of two people, is not shown alone.
    assert f"{SKILLS}: 3.4 from 2025-Q1 to 2025-Q4; 4.0 in 2025-Q2 and 4.0 in 2025-Q2" in card
    rows = skills_rows(csv_rows(manager.get("/insights/figures.csv", PERIOD)))
    assert [row[4] for row in rows] == ["", "4.0", "", "", "3.43"]


@pytest.mark.usefixtures("pages_kept")
def test_figures_kept_for_the_dashboard_never_reach_the_public_or_another_organisation(
    client, login, programme_manager, ministry, other_body
):
    assessed(ministry, 5)
    assessed(other_body, 2)

    manager = login(programme_manager)
    assert f"{SKILLS}: 4.0 from" in skills_card(manager, organisation="ministry-of-reform")
    assert f"{SKILLS}: 4.0 from" in skills_card(manager)
    # Kept as they are, the figures of one organisation are not another's.
    assert skills_card(manager, organisation="coastal-authority") == f"{SKILLS} {HIDDEN}"

    login(None)  # a visitor, after the figures were kept
    assert SKILLS not in Page(client.get("/insights/", PERIOD)).text()
    assert skills_rows(csv_rows(client.get("/insights/figures.csv", PERIOD))) == []
    assert "learning.core_skills" not in {
        figure["key"] for figure in client.get("/api/insights/figures", PERIOD).json()["figures"]
    }
