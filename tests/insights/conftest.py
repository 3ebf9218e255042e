"""What the insights tests share: a signed-in client, a sponsor, and a world of rows in every
programme across two quarters of 2025, for a ministry, its agency and another public body."""

from types import SimpleNamespace

import pytest

from ponte.core.roles import requires_two_factor
from tests.conftest import give_two_factor
from tests.factories import CompanyFactory, OrganisationFactory, UserFactory
from tests.insights import builders as b

# The period the world is read over, and a quarter on each side of it.
START, END = "2025-Q1", "2025-Q4"
PERIOD = {"start": START, "end": END}


@pytest.fixture
def login(client):
    """Sign a person in on the test client (None: sign out). Staff roles get their second
    factor first, as they must to use the web."""

    def sign_in(user):
        client.logout()
        if user is None:
            return client
        if requires_two_factor(user) and not user.authenticator_set.exists():
            give_two_factor(user)
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def sponsor(db):
    return UserFactory(name="Sofia Sponsor", is_sponsor=True)


@pytest.fixture
def ministry(db):
    return OrganisationFactory(name="Ministry of Reform", slug="ministry-of-reform", tier="ministry")


@pytest.fixture
def agency(ministry):
    """An agency of the ministry: counted with it."""
    return OrganisationFactory(name="Reform Agency", slug="reform-agency", parent=ministry)


@pytest.fixture
def other_body(db):
    return OrganisationFactory(name="Coastal Authority", slug="coastal-authority")


@pytest.fixture
def world(ministry, agency, other_body, programme_manager, sponsor):
    """Rows of every programme, inside 2025 and on each side of it, of which the figures count
    some and not others (each builder's comment says which)."""
    sme, large, other_sme = CompanyFactory(is_sme=True), CompanyFactory(is_sme=False), CompanyFactory(is_sme=True)

    # Challenges: published in Q2 and Q3 by the ministry, its agency and another body; one
    # published before the period; a draft never published; one still open.
    ch_ministry = b.challenge(ministry, "2025-Q2", title="Ministry challenge")
    ch_agency = b.challenge(agency, "2025-Q3", title="Agency challenge")
    ch_other = b.challenge(other_body, "2025-Q2", title="Other challenge")
    ch_open = b.challenge(other_body, "2025-Q3", title="Still open challenge", deadline=b.at("2030-Q1"))
    b.challenge(agency, "2024-Q3", title="Earlier agency challenge")
    from tests.factories import ChallengeFactory

    ChallengeFactory(owner=ministry, title="Draft challenge", criteria=False)

    # Proposals: an SME's and a large company's to the ministry, a withdrawn one; one to the
    # agency; one to the other body; one to the challenge still open (sealed: not counted).
    p_sme = b.proposal(ch_ministry, sme, "2025-Q2")
    b.proposal(ch_ministry, large, "2025-Q2")
    b.proposal(ch_ministry, other_sme, "2025-Q2", status="withdrawn")
    p_agency = b.proposal(ch_agency, sme, "2025-Q3")
    p_other = b.proposal(ch_other, large, "2025-Q2")
    b.proposal(ch_open, sme, "2025-Q3")

    b.award(p_sme, "12000.50", "2025-Q3")
    b.award(p_other, "8000.00", "2025-Q3")
    b.award(p_agency, "5000.00", "2025-Q4")

    # Lab: projects started in the period and before it, one stopped with its lessons and one
    # without; experiments concluded, running, and concluded before the period.
    pr_ministry = b.lab_project(ministry, "2025-Q2", facet="enhancement", title="Ministry project")
    pr_agency = b.lab_project(agency, "2025-Q3", facet="mission", stage="experiment", title="Agency project")
    pr_stopped = b.lab_project(
        other_body, "2025-Q3", facet="enhancement", stopped="2025-Q4", lessons="Ask first.", title="Stopped project"
    )
    b.lab_project(other_body, "2024-Q1", facet="adaptive", title="Old project")
    b.lab_project(ministry, "2025-Q2", facet="anticipatory", stopped="2025-Q3", title="Stopped, no lessons")
    b.experiment(pr_ministry, "2025-Q3", conclusion="supported")
    b.experiment(pr_stopped, "2025-Q3", conclusion="not_supported")
    b.experiment(pr_agency, None)
    b.experiment(pr_agency, "2024-Q4", conclusion="inconclusive")

    # Exchange: approved applications in the period and before it; declined and waiting ones.
    exchange = b.exchange_round(programme_manager)
    b.exchange_application(exchange, ministry, "public", "2025-Q2")
    b.exchange_application(exchange, agency, "public", "2025-Q3")
    b.exchange_application(exchange, sme, "company", "2025-Q3")
    b.exchange_application(exchange, other_body, "public", "2024-Q2")
    b.exchange_application(exchange, ministry, "public", "2025-Q2", status="declined")
    b.exchange_application(exchange, ministry, "public", "2025-Q2", status="waiting")

    # Sandbox: exemptions granted in the period and before it, running or not, with outcomes.
    call = b.sandbox_call(programme_manager)
    b.exemption(call, ministry, ministry, sponsor, "2025-Q2", title="Ministry exemption")
    b.exemption(call, agency, ministry, sponsor, "2025-Q3", running=False, outcome="expired", outcome_quarter="2025-Q4")
    b.exemption(
        call, other_body, ministry, sponsor, "2025-Q3", outcome="revoked", outcome_quarter="2025-Q4", revoked=True
    )
    b.exemption(call, other_body, ministry, sponsor, "2024-Q4", title="Older exemption")

    # Learning: certificates of a member of both the ministry and its agency (counted once),
    # of the agency's and the other body's people (one revoked), and of a person of none.
    course = b.course(programme_manager)
    b.certificate(course, b.member_of(ministry, agency), "2025-Q2")
    other_person = b.member_of(other_body)
    b.certificate(course, other_person, "2025-Q3")
    b.certificate(course, other_person, "2025-Q3", revoked=True)
    b.certificate(course, b.member_of(agency), "2025-Q3")
    b.certificate(course, UserFactory(), "2025-Q2")
    b.certificate(course, b.member_of(ministry), "2024-Q4")

    # Recognition: winners announced in Q3 (a person and a team), in Q1 (a project), before
    # the period, and a winner of a programme not announced yet.
    announced = b.programme(programme_manager, "2025-Q3", categories=2)
    first, second = announced.categories.order_by("position")
    b.winner(first, "person")
    b.winner(second, "team")
    b.winner(first, "person", won=False)
    b.winner(b.programme(programme_manager, "2025-Q1").categories.get(), "project")
    b.winner(b.programme(programme_manager, "2024-Q4", year=2024).categories.get(), "team")
    b.winner(b.programme(programme_manager, None, year=2026).categories.get(), "person")
    b.kudos("2025-Q2")
    b.kudos("2025-Q2")
    b.kudos("2026-Q1")

    return SimpleNamespace(ministry=ministry, agency=agency, other_body=other_body, sme=sme, large=large)
