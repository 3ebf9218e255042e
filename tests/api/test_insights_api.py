"""GET /api/insights/figures: the public figures of every programme by quarter, for an
organisation (with its parts) and a period; what is wrong in the request is a 400 problem that
says where, and nothing a person can type makes it fail."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ponte.core.indicators import default_period, quarter_name
from ponte.core.registry import registry
from tests.api.utils import assert_problem
from tests.insights import builders as b
from tests.insights.conftest import (  # noqa: F401  (the world and what it is made of)
    END,
    PERIOD,
    START,
    agency,
    ministry,
    other_body,
    sponsor,
    world,
)

URL = "/api/insights/figures"


def the_ministry():
    from ponte.organisations.models import Organisation

    return Organisation.objects.get(slug="ministry-of-reform")


def by_key(body) -> dict:
    return {figure["key"]: figure for figure in body["figures"]}


def number(value):
    return None if value is None else Decimal(str(value))


@pytest.mark.usefixtures("world")
def test_the_figures_are_every_public_figure_by_quarter():
    response = Client().get(URL, PERIOD)

    assert response.status_code == 200
    body = response.json()
    assert (body["organisation"], body["start"], body["end"]) == (None, START, END)
    public = [key for key, indicator in registry.indicators.items() if indicator.public]
    assert [figure["key"] for figure in body["figures"]] == public
    assert "learning.core_skills" not in public
    published = by_key(body)["challenges.published"]
    assert set(published) == {"key", "programme", "label", "unit", "total", "quarters", "parts", "by_organisation"}
    assert (published["programme"], published["label"], published["unit"]) == (
        "Challenge marketplace",
        "Challenges published",
        "",
    )
    assert number(published["total"]) == 4
    assert [(q["quarter"], number(q["value"])) for q in published["quarters"]] == [
        ("2025-Q1", 0),
        ("2025-Q2", 2),
        ("2025-Q3", 2),
        ("2025-Q4", 0),
    ]
    assert published["parts"] == [] and published["by_organisation"] is True


@pytest.mark.usefixtures("world")
def test_the_figures_give_units_parts_and_snapshots():
    figures = by_key(Client().get(URL, PERIOD).json())

    awarded = figures["challenges.awarded_value"]
    assert awarded["unit"] == "EUR" and number(awarded["total"]) == Decimal("25000.50")
    share = figures["challenges.proposals_from_smes"]
    assert share["unit"] == "%" and number(share["total"]) == 50
    assert number(share["quarters"][0]["value"]) is None  # no proposals: no share
    stages = figures["lab.projects_by_stage"]
    assert stages["quarters"] == [] and number(stages["total"]) == 3
    assert {part["part"]: number(part["value"]) for part in stages["parts"]}["Investigate"] == 2
    exchange = figures["exchange.participants"]
    assert [number(q["value"]) for q in exchange["quarters"]] == [1, 2, 4, 4]  # since the first round
    assert sum(number(part["value"]) for part in exchange["parts"]) == number(exchange["total"]) == 4


@pytest.mark.usefixtures("world")
def test_the_figures_of_an_organisation_count_it_and_its_parts():
    body = Client().get(URL, {**PERIOD, "organisation": "ministry-of-reform"}).json()

    assert body["organisation"] == "ministry-of-reform"
    figures = by_key(body)
    assert number(figures["challenges.published"]["total"]) == 2
    assert number(figures["challenges.proposals"]["total"]) == 3
    assert number(figures["learning.completions"]["total"]) == 2
    assert number(figures["sandbox.exemptions_running"]["total"]) == 1
    awards = figures["recognition.awards"]
    assert awards["by_organisation"] is False
    assert (awards["total"], awards["quarters"], awards["parts"]) == (None, [], [])

    agency_alone = by_key(Client().get(URL, {**PERIOD, "organisation": "reform-agency"}).json())
    assert number(agency_alone["challenges.published"]["total"]) == 1


def test_the_default_period_is_the_last_eight_quarters(db):
    body = Client().get(URL).json()
    period = default_period()

    assert (body["start"], body["end"]) == (quarter_name(period.first), quarter_name(period.last))
    assert all(len(figure["quarters"]) in (0, 8) for figure in body["figures"])


@pytest.mark.usefixtures("ministry")
def test_the_skills_mean_is_not_in_the_api_however_many_people_assessed():
    body = the_ministry()
    for number_ in range(6):
        b.assessment(b.member_of(body), b.at("2025-Q2", day=number_))

    for query in (PERIOD, {**PERIOD, "organisation": "ministry-of-reform"}):
        assert "learning.core_skills" not in by_key(Client().get(URL, query).json())


@pytest.mark.usefixtures("world")
def test_a_programme_manager_reads_the_same_public_figures(client, programme_manager):
    from tests.conftest import give_two_factor

    give_two_factor(programme_manager)
    client.force_login(programme_manager)

    assert [figure["key"] for figure in client.get(URL, PERIOD).json()["figures"]] == [
        figure["key"] for figure in Client().get(URL, PERIOD).json()["figures"]
    ]


# Bad input -------------------------------------------------------------------------------------


def locations(body) -> set[str]:
    return {error["location"] for error in body["errors"]}


def test_an_unknown_organisation_is_a_400_located_at_organisation(db):
    body = assert_problem(Client().get(URL, {"organisation": "ministry-of-nowhere"}), 400)

    assert locations(body) == {"organisation"}
    assert "ministry-of-nowhere" in body["errors"][0]["message"]


def test_an_inverted_period_is_a_400_located_at_end(db):
    body = assert_problem(Client().get(URL, {"start": "2025-Q3", "end": "2025-Q1"}), 400)

    assert locations(body) == {"end"}
    assert "ends before it starts" in body["errors"][0]["message"]


@pytest.mark.parametrize(("query", "where"), [({"start": "soon"}, {"start"}), ({"end": "1999-Q4"}, {"end"})])
def test_a_quarter_that_is_no_quarter_is_a_400_located_where_it_was_given(db, query, where):
    body = assert_problem(Client().get(URL, query), 400)

    assert locations(body) == where


def test_a_period_of_more_than_forty_quarters_is_a_400(db):
    body = assert_problem(Client().get(URL, {"start": "2001-Q1", "end": "2025-Q4"}), 400)

    assert locations(body) == {"start"}


def test_every_mistake_is_told_at_once(db):
    body = assert_problem(Client().get(URL, {"organisation": "nowhere", "start": "2025-Q3", "end": "2025-Q1"}), 400)

    assert locations(body) == {"organisation", "end"}


def test_a_private_organisation_is_not_found_for_a_visitor(db):
    from tests.factories import OrganisationFactory

    OrganisationFactory(slug="pending-body", status="pending")

    body = assert_problem(Client().get(URL, {"organisation": "pending-body"}), 400)
    assert locations(body) == {"organisation"}


@pytest.mark.parametrize(
    "query",
    [
        {"organisation": "x" * 101},
        {"organisation": "x" * 10000},
        {"start": "2025-Q1" * 10},
        {"organisation": "nul\x00byte"},
        {"organisation": "\x00"},
        {"start": "2025-Q1\x00"},
        {"end": "\x00"},
        {"organisation": "ministério-da-reforma-☃"},
        {"organisation": "𝔪𝔦𝔫𝔦𝔰𝔱𝔯𝔶", "start": "２０２５-Q1", "end": "٢٠٢٥-Q2"},
        {"organisation": "' OR 1=1 --"},
        {"organisation": "%", "start": "%", "end": "_"},
        {"organisation": " ", "start": " ", "end": " "},
        {"start": "9" * 20},
        {"start": "-2025-Q1"},
    ],
)
@pytest.mark.usefixtures("world")
def test_garbage_never_fails_the_api(query):
    response = Client().get(URL, query)

    assert response.status_code in (200, 400, 422), response.content
    if response.status_code != 200:
        body = assert_problem(response, response.status_code)
        assert body["errors"] and all(error["location"] for error in body["errors"])


def test_an_organisation_too_long_is_refused_where_it_was_given(db):
    body = assert_problem(Client().get(URL, {"organisation": "x" * 101}), 422)

    assert any("organisation" in error["location"] for error in body["errors"])


@pytest.mark.usefixtures("ministry")
def test_the_api_makes_as_many_queries_with_more_rows():
    body = the_ministry()

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert Client().get(URL, PERIOD).status_code == 200
        return len(captured)

    b.challenge(body, "2025-Q2")
    few = queries()
    for quarter in ("2025-Q1", "2025-Q3", "2025-Q4") * 4:
        b.challenge(body, quarter)
        b.lab_project(body, quarter)

    assert queries() == few


@pytest.mark.parametrize("organisation", ["nul\x00byte", "\x00", "ministry-of-reform\x00"])
def test_an_organisation_with_a_nul_byte_is_unknown(db, organisation):
    body = assert_problem(Client().get(URL, {"organisation": organisation}), 400)

    assert locations(body) == {"organisation"}
