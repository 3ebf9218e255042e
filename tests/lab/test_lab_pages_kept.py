"""A project's record (stages, details, experiments, co-creation, gates) and an experiment's
(conclusion, results, card, plan) are made once and kept for every reader who may read them
and do the same things on them: never stale, and never showing a reader a link or a button
that is not theirs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ponte.lab.services import experiments as experiment_services
from tests.factories import MembershipFactory, UserFactory
from tests.reading import Page

from .conftest import ask, decide, submit
from .test_experiments_services import started, upload

# A kept part is made again when a write's transaction commits: these tests commit.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("pages_kept")]


def read(client, project) -> Page:
    response = client.get(project.get_absolute_url())
    assert response.status_code == 200
    return Page(response)


def test_readers_who_may_do_the_same_share_the_record(login, organisation, member, sponsored):
    experiment_services.experiment_create(actor=member, project=sponsored, title="Reminders by text message")
    colleague = MembershipFactory(organisation=organisation, user__name="Colin Colleague").user
    sponsored.team.add(colleague)
    first = read(login(member), sponsored)
    client = login(colleague)
    read(client, sponsored)  # the colleague's first page fills their per-process caches
    with CaptureQueriesContext(connection) as captured:
        again = read(client, sponsored)
    assert "Reminders by text message" in again.text()
    assert again.text() == first.text()
    assert not [q for q in captured.captured_queries if "lab_experiment" in q["sql"] or "lab_session" in q["sql"]]


def test_a_reader_who_may_not_add_work_is_never_shown_the_buttons_of_one_who_may(
    login, programme_manager, sponsor, member, sponsored
):
    team_page = read(login(member), sponsored)
    assert "Write an experiment" in team_page.text() and "Plan a session" in team_page.text()
    # The sponsor reads the project but writes no experiment and does not see its problem.
    sponsor_page = read(login(sponsor), sponsored)
    assert "Experiments" in sponsor_page.text()
    assert "Write an experiment" not in sponsor_page.text() and "Plan a session" not in sponsor_page.text()
    assert sponsored.problem.title not in sponsor_page.text()
    # The lab team reads the problem, and has no button of the team's either.
    manager_page = read(login(programme_manager), sponsored)
    assert sponsored.problem.title in manager_page.text()
    assert "Write an experiment" not in manager_page.text()


def test_the_record_shows_a_gate_decided_and_an_experiment_written_at_once(login, sponsor, member, sponsored):
    client = login(sponsor)
    assert "No experiment yet." in read(client, sponsored).text()
    experiment_services.experiment_create(actor=member, project=sponsored, title="Reminders by text message")
    assert "Reminders by text message" in read(client, sponsored).text()
    ask(member, sponsored)
    decide(sponsor, sponsored, "go")
    assert "Decision: Go" in read(client, sponsored).text()


def test_an_experiments_record_is_shared_and_shows_results_at_once(login, programme_manager, member, sponsored):
    experiment = started(member, sponsored)
    team_page = Page(login(member).get(experiment.get_absolute_url()))
    client = login(programme_manager)
    client.get(experiment.get_absolute_url())  # fills the manager's per-process caches
    with CaptureQueriesContext(connection) as captured:
        manager_page = Page(client.get(experiment.get_absolute_url()))
    assert not [q for q in captured.captured_queries if "lab_deviation" in q["sql"]]
    assert experiment.title in manager_page.text()
    # The team's buttons are theirs alone.
    assert "Record the results" in team_page.text() and "Record the results" not in manager_page.text()
    upload(member, experiment)
    assert "95 % confidence interval" in Page(client.get(experiment.get_absolute_url())).text()


def test_the_triage_queue_is_shared_by_the_lab_team_and_shows_a_new_problem_at_once(
    login, organisation, member, programme_manager
):
    colleague = UserFactory(name="Paula Manager", is_programme_manager=True)
    submit(member, organisation, title="Permits for street markets take months")
    first = Page(login(programme_manager).get("/lab/problems/triage/"))
    assert "Permits for street markets take months" in first.text()
    client = login(colleague)
    client.get("/lab/problems/triage/")  # fills the colleague's per-process caches
    with CaptureQueriesContext(connection) as captured:
        again = Page(client.get("/lab/problems/triage/"))
    assert "Permits for street markets take months" in again.text()
    assert not [q for q in captured.captured_queries if 'FROM "lab_problem"' in q["sql"]]
    submit(member, organisation, title="Nobody knows which bus stops are accessible")
    assert "Nobody knows which bus stops are accessible" in Page(client.get("/lab/problems/triage/")).text()


def test_the_lab_teams_figures_are_counted_once_for_all_of_them_and_move_at_once(organisation, member):
    from ponte.core.registry import registry

    def figures(user) -> dict[str, int]:
        return {figure.key: value for figure, value in registry.figures_with_values(user)}

    first, second = UserFactory(is_programme_manager=True), UserFactory(is_programme_manager=True)
    before = figures(first)["lab.to_triage"]
    with CaptureQueriesContext(connection) as captured:
        assert figures(second)["lab.to_triage"] == before
    assert not [q for q in captured.captured_queries if "lab_problem" in q["sql"]]
    submit(member, organisation, title="Permits for street markets take months")
    assert figures(second)["lab.to_triage"] == before + 1
    # A person's own figures are their own: the submitter's drafts, invitations and unread notes.
    assert "lab.to_triage" not in figures(member)


def test_a_project_and_an_experiment_are_read_once_yet_hidden_from_who_may_not_see_them(
    login, programme_manager, citizen, member, sponsored
):
    experiment = started(member, sponsored)
    manager = login(programme_manager)
    for address in (sponsored.get_absolute_url(), experiment.get_absolute_url()):
        assert manager.get(address).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert manager.get(sponsored.get_absolute_url()).status_code == 200
        assert manager.get(experiment.get_absolute_url()).status_code == 200
    assert not [q for q in captured.captured_queries if 'FROM "lab_project"' in q["sql"]]
    # Kept for the lab team, the project is still not there for a citizen.
    stranger = login(citizen)
    assert stranger.get(sponsored.get_absolute_url()).status_code == 404
    assert stranger.get(experiment.get_absolute_url()).status_code == 404
