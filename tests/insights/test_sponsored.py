"""What a sponsor sponsors, from every programme, on one page: the decisions waiting for them
first (the oldest first), then the rest; a few of each, the whole lists a page at a time behind
them, and the oldest decisions at the top of their dashboard. Read in a fixed number of queries
whatever the number of projects; for sponsors alone."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ponte.core.paging import PAGE_SIZE
from ponte.core.registry import registry
from ponte.lab.models import GateRequest, Project
from tests.factories import OrganisationFactory, UserFactory

from .builders import lab_project

pytestmark = pytest.mark.django_db


def _sponsored(sponsor, title, *, sponsorship="accepted", gate_days_ago=None, created_days_ago=30):
    project = lab_project(OrganisationFactory(), "2026-Q1", title=title)
    Project.objects.filter(pk=project.pk).update(
        sponsor=sponsor, sponsorship=sponsorship, created_at=timezone.now() - timedelta(days=created_days_ago)
    )
    if gate_days_ago is not None:
        GateRequest.objects.create(
            project=project,
            from_stage="investigate",
            to_stage="cocreate",
            evidence="Interviews.",
            requested_by=UserFactory(),
            requested_at=timezone.now() - timedelta(days=gate_days_ago),
        )
    return project


@pytest.fixture
def sponsored(sponsor):
    """Two decisions waiting (a request to sponsor, 30 days old; a gate, 3 days old), one project
    sponsored with nothing waiting, and one declined (not theirs any more)."""
    _sponsored(sponsor, "Asks to be sponsored", sponsorship="asked", created_days_ago=30)
    _sponsored(sponsor, "Waits at a gate", gate_days_ago=3)
    _sponsored(sponsor, "Goes on quietly")
    _sponsored(sponsor, "Declined", sponsorship="declined")
    return sponsor


def test_the_decisions_waiting_come_first_the_oldest_first(login, sponsored):
    page = login(sponsored).get("/insights/sponsored/")
    assert page.status_code == 200
    text = page.content.decode()
    assert text.index("Asks to be sponsored") < text.index("Waits at a gate") < text.index("Goes on quietly")
    assert "Accept or decline sponsoring it" in text
    assert "Decide at the gate:" in text
    assert "Declined" not in text
    assert "2 decisions waiting for you" in text


def test_the_dashboard_shows_the_oldest_decisions_and_how_many_wait(login, sponsored):
    text = login(sponsored).get("/insights/dashboard/").content.decode()
    assert "2 decisions wait for you as sponsor" in text
    assert text.index("Asks to be sponsored") < text.index("Waits at a gate")
    assert "Goes on quietly" not in text


def test_a_decision_taken_leaves_the_waiting_list(sponsored):
    Project.objects.filter(title="Asks to be sponsored").update(sponsorship="accepted")
    GateRequest.objects.filter(project__title="Waits at a gate").update(decision="go", decided_at=timezone.now())
    count, oldest = registry.decisions_waiting(sponsored, shown=5)
    assert (count, oldest) == (0, [])


def test_another_sponsors_projects_are_not_listed(login, sponsored):
    other = UserFactory(is_sponsor=True)
    text = login(other).get("/insights/sponsored/").content.decode()
    assert "Asks to be sponsored" not in text and "Goes on quietly" not in text
    assert registry.decisions_waiting(other, shown=5) == (0, [])


@pytest.mark.parametrize("role", ["citizen", "programme_manager", "evaluator"])
def test_only_sponsors_read_what_they_sponsor(login, person_in_role, role):
    client = login(person_in_role(role))
    assert client.get("/insights/sponsored/").status_code == 403
    assert client.get("/insights/sponsored/lab.projects/waiting/").status_code == 403


def test_a_visitor_is_asked_to_sign_in(client):
    assert client.get("/insights/sponsored/").status_code == 302


@pytest.mark.parametrize("address", ["/insights/sponsored/nope/waiting/", "/insights/sponsored/lab.projects/nope/"])
def test_an_unknown_list_is_not_found(login, sponsored, address):
    assert login(sponsored).get(address).status_code == 404


def test_the_whole_list_is_read_a_page_at_a_time(login, sponsor):
    total = PAGE_SIZE + 5
    for number in range(total):
        _sponsored(sponsor, f"Quiet project {number:02d}")
    client = login(sponsor)
    summary = client.get("/insights/sponsored/").content.decode()
    assert summary.count("Quiet project") == 10
    assert f"The whole list ({total})" in summary
    first = client.get("/insights/sponsored/lab.projects/others/").content.decode()
    second = client.get("/insights/sponsored/lab.projects/others/?page=2").content.decode()
    assert (first.count("Quiet project"), second.count("Quiet project")) == (PAGE_SIZE, 5)
    assert f"{total} in all." in first


def test_the_pages_read_as_many_queries_with_many_projects_as_with_few(login, sponsor):
    client = login(sponsor)
    _sponsored(sponsor, "One", sponsorship="asked")
    _sponsored(sponsor, "Two")

    def queries(address):
        client.get(address)  # warm: what every signed-in page reads once
        with CaptureQueriesContext(connection) as captured:
            assert client.get(address).status_code == 200
        return len(captured)

    few = {address: queries(address) for address in ("/insights/sponsored/", "/insights/dashboard/")}
    for number in range(15):
        _sponsored(sponsor, f"Asked {number}", sponsorship="asked")
        _sponsored(sponsor, f"At a gate {number}", gate_days_ago=number + 1)
        _sponsored(sponsor, f"Quiet {number}")
    many = {address: queries(address) for address in ("/insights/sponsored/", "/insights/dashboard/")}
    assert many == few
