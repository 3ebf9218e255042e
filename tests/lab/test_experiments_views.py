"""The lab's experiment pages through the browser's eyes: who reaches an experiment and its
actions (404 for one who may not see the project, 403 for its body's members off the team);
the card's form and its stale-save check, which keeps what was typed and shows what changed;
results uploaded and shown as a sentence, a table and a broken split's warning; the sample
the plan needs; the project page's list; query counts that do not grow with the deviations;
and no server error, whatever is sent."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ponte.lab import analysis
from ponte.lab.models import Deviation, Experiment, ExperimentStatus
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.reading import Page

from .conftest import start
from .test_experiments_services import CARD, MEAN_CARD, attendance, edit, results_csv, started, write

pytestmark = pytest.mark.django_db

CHANGED_SINCE = "What changed since you opened the page"
UNDER_POWERED = "The plan is under-powered"
BROKEN_SPLIT = "Broken split: read no effect yet"


def shown(response) -> str:
    """Everything a page says, as read (its messages included)."""
    page = Page(response)
    return page.text(page.doc)


def form_data(experiment=None, **changes) -> dict:
    """What the card's form sends: the complete card (or the experiment's answers), with these
    changes, and the version the page showed."""
    answers = {name: getattr(experiment, name) for name in CARD} if experiment else dict(CARD)
    data = {name: "" if value is None else str(value) for name, value in {**answers, **changes}.items()}
    if experiment is not None and "version" not in changes:
        data["version"] = str(experiment.version)
    return data


def figures(page) -> list[list[str]]:
    """The cells of the results' table of figures, row by row, as read."""
    [table] = page.doc.xpath("//table[caption[contains(., 'the figures')]]")
    return [
        [" ".join(cell.text_content().split()) for cell in row.xpath("./th|./td")] for row in table.xpath(".//tbody/tr")
    ]


def good_file(name="results.csv", control=(60, 40), treatment=(72, 28)):
    data = results_csv({"letter": attendance(*control), "sms": attendance(*treatment)})
    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.fixture
def colleague(organisation):
    """A second member of the project's team."""
    return MembershipFactory(organisation=organisation, user__name="Cora Colleague").user


@pytest.fixture
def project(accepted, programme_manager, sponsor, member, colleague):
    """The member's project, the member and a colleague its team."""
    return start(programme_manager, accepted, sponsor=sponsor, team=[member, colleague])


@pytest.fixture
def experiment(project, member):
    """A draft experiment, its card complete."""
    return write(member, project)


@pytest.fixture
def running(project, member):
    return started(member, project)


@pytest.fixture
def body_member(organisation):
    """A member of the project's public body who is not on its team: reads, does not act."""
    return MembershipFactory(organisation=organisation, user__name="Bea Body").user


def actions(experiment) -> list[str]:
    base = f"/lab/experiments/{experiment.pk}"
    return [f"{base}/edit/", f"{base}/start/", f"{base}/results/", f"{base}/conclusion/"]


# Who reaches what ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["another public body's member", "citizen", "company_member"])
def test_one_who_may_not_see_the_project_finds_no_experiment_nor_any_of_its_actions(
    login, person_in_role, running, who
):
    if who == "another public body's member":
        person = MembershipFactory(organisation=OrganisationFactory()).user
    else:
        person = person_in_role(who)
    client = login(person)
    base = f"/lab/experiments/{running.pk}"
    for url in [f"{base}/", *actions(running), f"{base}/results-template.csv"]:
        assert client.get(url).status_code == 404, url
    for url in actions(running):
        assert client.post(url, form_data(running, title="Taken over")).status_code == 404, url
    assert client.get(f"/lab/projects/{running.project.pk}/experiments/new/").status_code == 404
    running.refresh_from_db()
    assert running.title == CARD["title"]


def test_a_visitor_is_asked_to_sign_in(client, running):
    url = f"/lab/experiments/{running.pk}/"
    response = client.get(url)
    assert response.status_code == 302 and response.url == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("state", ["draft", "running"])
def test_a_member_of_the_body_off_the_team_reads_the_experiment_but_may_take_no_action(
    login, project, member, body_member, state
):
    experiment = write(member, project) if state == "draft" else started(member, project)
    client = login(body_member)

    page = client.get(f"/lab/experiments/{experiment.pk}/")
    assert page.status_code == 200 and CARD["title"] in shown(page)
    for label in ("Edit the card", "Start the experiment", "Record the results"):
        assert label not in shown(page)
    assert client.get(f"/lab/experiments/{experiment.pk}/results-template.csv").status_code == 200
    for url in actions(experiment):
        assert client.get(url).status_code == 403, url
        assert client.post(url, form_data(experiment, title="Taken over")).status_code == 403, url
    assert client.get(f"/lab/projects/{project.pk}/experiments/new/").status_code == 403
    assert client.post(f"/lab/projects/{project.pk}/experiments/new/", form_data()).status_code == 403
    experiment.refresh_from_db()
    assert experiment.title == CARD["title"] and experiment.status == state
    assert Experiment.objects.count() == 1


# Writing and editing the card ---------------------------------------------------------------------


def test_the_team_writes_an_experiment_from_the_project_page(login, project, member):
    client = login(member)
    response = client.post(f"/lab/projects/{project.pk}/experiments/new/", form_data(title="Reminders"))

    experiment = Experiment.objects.get()
    assert response.status_code == 302 and response.url == experiment.get_absolute_url()
    assert (experiment.title, experiment.project, experiment.created_by) == ("Reminders", project, member)
    assert (experiment.alpha, experiment.planned_per_group) == (0.05, 2000)
    page = client.get(response.url)
    assert "The experiment's card is saved. Start it once its plan is complete." in shown(page)


def test_the_edit_form_shows_the_card_and_saves_a_change(login, experiment, colleague):
    client = login(colleague)
    url = f"/lab/experiments/{experiment.pk}/edit/"
    form = client.get(url).context["form"]
    assert form["title"].value() == CARD["title"]
    assert form["alpha"].value() == 0.05
    assert form["version"].value() == 1
    assert "reason" not in form.fields  # a draft's plan changes freely

    response = client.post(url, form_data(experiment, title="Text reminders", alpha="0.01"))

    assert response.status_code == 302 and response.url == experiment.get_absolute_url()
    experiment.refresh_from_db()
    assert (experiment.title, experiment.alpha, experiment.version) == ("Text reminders", 0.01, 2)
    assert "The experiment is saved." in shown(client.get(response.url))


def test_a_running_experiments_plan_change_needs_a_reason_and_then_shows_as_a_deviation(login, running, member):
    client = login(member)
    url = f"/lab/experiments/{running.pk}/edit/"

    refused = client.post(url, form_data(running, alpha="0.1"))
    assert refused.status_code == 200
    assert refused.context["form"].errors == {
        "reason": ["Say why the plan changes after it was registered: the change is shown as a deviation."]
    }
    running.refresh_from_db()
    assert running.alpha == 0.05 and not Deviation.objects.exists()

    saved = client.post(url, form_data(running, alpha="0.1", reason="The provider asked for fewer errors."))
    assert saved.status_code == 302
    text = shown(client.get(saved.url))
    assert "Significance level: 0.05 → 0.1" in text
    assert "The provider asked for fewer errors." in text


def test_a_stale_save_keeps_what_was_typed_shows_what_changed_and_saves_on_the_second_post(
    login, experiment, member, colleague
):
    client = login(member)
    url = f"/lab/experiments/{experiment.pk}/edit/"
    opened = client.get(url).context["form"]["version"].value()
    # Meanwhile the colleague saves the summary.
    edit(colleague, experiment, summary="Sent at 10:00, the colleague's version.")

    typed = form_data(
        experiment,
        version=str(opened),
        title="My new title",
        summary="My own summary.",
        hypothesis="My own hypothesis.",
        planned_per_group="2500",
    )
    response = client.post(url, typed)

    assert response.status_code == 200
    text = shown(response)
    assert CHANGED_SINCE in text
    changes = Page(response).part(CHANGED_SINCE)
    assert "Sent at 10:00, the colleague's version." in Page(response).text(changes)
    assert "Cora Colleague" in Page(response).text(changes)
    assert "Someone saved this experiment after you opened it: your changes are not saved yet." in text
    form = response.context["form"]
    kept = {name: form[name].value() for name in form.fields if name != "version"}
    assert kept == {name: value for name, value in typed.items() if name != "version"}
    # The page now carries the version saved since, so the next save is made knowingly.
    page = Page(response)
    [version] = page.doc.xpath("//input[@name='version']/@value")
    assert version == "2"
    experiment.refresh_from_db()
    assert (experiment.title, experiment.summary) == (CARD["title"], "Sent at 10:00, the colleague's version.")

    again = client.post(url, {**typed, "version": version})

    assert again.status_code == 302
    experiment.refresh_from_db()
    assert (experiment.title, experiment.summary, experiment.hypothesis, experiment.planned_per_group) == (
        "My new title",
        "My own summary.",
        "My own hypothesis.",
        2500,
    )
    assert experiment.version == 3


def test_what_changed_is_dated_in_the_readers_time_zone(login, experiment, member, colleague):
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone
    from django.utils.formats import date_format

    from ponte.core.models import AuditEvent

    client = login(member)
    url = f"/lab/experiments/{experiment.pk}/edit/"
    edit(colleague, experiment, summary="The colleague's summary.")
    saved = AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(experiment), target_id=str(experiment.pk), verb="update"
    ).get()

    response = client.post(url, form_data(experiment, version="1", summary="Mine."))

    local = date_format(timezone.localtime(saved.created_at), "DATETIME_FORMAT")
    changes = Page(response).text(Page(response).part(CHANGED_SINCE))
    assert f"Cora Colleague, {local}" in changes


# Starting ---------------------------------------------------------------------------------------


def test_starting_an_incomplete_card_lists_what_is_missing_and_starting_a_complete_one_registers_it(
    login, project, member
):
    client = login(member)
    draft = write(member, project, hypothesis="", duration_weeks=None)
    refused = client.post(f"/lab/experiments/{draft.pk}/start/")
    assert refused.status_code == 200
    text = shown(refused)
    assert "The card is not complete" in text
    assert "State the hypothesis the experiment tests." in text
    assert "Give the planned duration in weeks, from 1 to 260." in text
    draft.refresh_from_db()
    assert draft.status == ExperimentStatus.DRAFT

    complete = write(member, project)
    response = client.post(f"/lab/experiments/{complete.pk}/start/")
    assert response.status_code == 302
    text = shown(client.get(response.url))
    assert "Pre-registered plan" in text and "None: the experiment follows its registered plan." in text
    # Starting again only tells the team it has started.
    again = client.post(f"/lab/experiments/{complete.pk}/start/", follow=True)
    assert "The experiment has already started." in shown(again)


# Results ----------------------------------------------------------------------------------------


def test_a_bad_results_file_shows_the_line_at_fault_and_saves_nothing(login, running, member):
    client = login(member)
    data = b"group,attended\nletter,1\nletter,0\nemail,1\n"
    response = client.post(
        f"/lab/experiments/{running.pk}/results/",
        {"form": "file", "file": SimpleUploadedFile("results.csv", data, content_type="text/csv")},
    )

    assert response.status_code == 200
    message = "Line 4: “email” is not a group of the plan, which compares “letter” and “sms”."
    assert response.context["file_form"].errors == {"file": [message]}
    assert message in shown(response)
    running.refresh_from_db()
    assert running.results is None


def test_a_good_results_file_is_shown_as_a_sentence_and_a_table_of_figures(login, running, member):
    client = login(member)
    response = client.post(
        f"/lab/experiments/{running.pk}/results/", {"form": "file", "file": good_file("attendance-june.csv")}
    )
    assert response.status_code == 302 and response.url == running.get_absolute_url()

    page = Page(client.get(response.url))
    text = page.text(page.doc)
    assert "The results are analysed against the pre-registered plan." in text
    assert "From the file attendance-june.csv (200 rows)" in text
    assert (
        "“attended”: 72.0 % in “sms” against 60.0 % in “letter”, a difference of +12.0 percentage points "
        "(95 % confidence interval" in text
    )
    assert "the data do not show an effect" in text  # p is about 0.07
    assert "The split matches the plan" in text
    assert [row[:3] for row in figures(page)] == [["letter", "100", "60.0 %"], ["sms", "100", "72.0 %"]]
    assert BROKEN_SPLIT not in text
    assert "Record the results again" in text and "Conclude the experiment" in text


def test_the_figures_shown_are_rounded_not_cut(login, running, member):
    client = login(member)
    client.post(f"/lab/experiments/{running.pk}/results/", {"form": "file", "file": good_file(treatment=(70, 30))})
    page = Page(client.get(f"/lab/experiments/{running.pk}/"))
    # The spread of a 60 % proportion is √(0.6 × 0.4) = 0.4899; of a 70 % one, 0.4583.
    assert figures(page) == [["letter", "100", "60.0 %", "0.49"], ["sms", "100", "70.0 %", "0.46"]]
    assert "70.0 % in “sms” against 60.0 % in “letter”, a difference of +10.0 percentage points" in page.text()


def test_a_broken_split_warns_and_shows_no_effect_sentence(login, running, member):
    client = login(member)
    response = client.post(
        f"/lab/experiments/{running.pk}/results/",
        {"form": "file", "file": good_file(control=(60, 40), treatment=(140, 60))},
    )
    assert response.status_code == 302

    text = shown(client.get(response.url))
    assert BROKEN_SPLIT in text
    assert "The split does not match the plan: 100 units in “letter” and 200 in “sms”" in text
    assert "a difference of" not in text
    assert "“attended”: " not in text
    # The figures are still there to look into.
    assert "60.0 %" in text and "70.0 %" in text


def test_summaries_are_entered_on_the_same_page(login, project, member):
    running = started(member, project, **MEAN_CARD)
    client = login(member)
    url = f"/lab/experiments/{running.pk}/results/"
    response = client.post(
        url,
        {
            "form": "summaries",
            "control_n": "50",
            "control_mean": "30",
            "control_sd": "10",
            "treatment_n": "50",
            "treatment_mean": "25",
            "treatment_sd": "9",
        },
    )
    assert response.status_code == 302
    text = shown(client.get(response.url))
    assert "From each group's summary" in text
    assert "“minutes waited”: 25.00 in “sms” against 30.00 in “letter”, a difference of -5.00" in text


def test_the_results_template_names_the_registered_groups_and_metric(login, running, member):
    edit(member, running, control_name="paper", reason="Renamed.")
    response = login(member).get(f"/lab/experiments/{running.pk}/results-template.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert f'filename="E-{running.pk}-results.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [["group", "attended"], ["letter", ""], ["sms", ""]]


def test_the_results_template_reads_back_whatever_the_group_names(login, project, member):
    running = started(member, project, control_name="letter, no text", treatment_name="text")
    response = login(member).get(f"/lab/experiments/{running.pk}/results-template.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [["group", "attended"], ["letter, no text", ""], ["text", ""]]


# The sample the plan needs ------------------------------------------------------------------------


def test_the_page_warns_when_the_plan_is_under_powered_and_not_otherwise(login, project, member):
    client = login(member)
    needed = analysis.sample_needed(CARD)
    small = write(member, project, planned_per_group=needed - 1)
    enough = write(member, project, planned_per_group=needed)

    for url in (f"/lab/experiments/{small.pk}/", f"/lab/experiments/{small.pk}/start/"):
        text = shown(client.get(url))
        assert UNDER_POWERED in text, url
        assert f"the control group needs {needed:,} units; the plan has {needed - 1:,}" in text
    for url in (f"/lab/experiments/{enough.pk}/", f"/lab/experiments/{enough.pk}/start/"):
        text = shown(client.get(url))
        assert UNDER_POWERED not in text, url
        assert f"The control group needs {needed:,} units" in text and "the plan has enough" in text


def test_once_started_the_sample_is_judged_against_the_registered_plan(login, running, member):
    edit(member, running, planned_per_group=10, reason="Only ten letters could be sent.")
    assert UNDER_POWERED not in shown(login(member).get(f"/lab/experiments/{running.pk}/"))


def test_no_sample_is_computed_before_the_plan_holds_what_it_needs(login, project, member):
    draft = write(member, project, baseline=None)
    text = shown(login(member).get(f"/lab/experiments/{draft.pk}/"))
    assert UNDER_POWERED not in text
    assert "The sample the plan needs is computed once the metric" in text


def test_a_plan_with_a_large_effect_still_shows_its_page(login, project, member):
    client = login(member)
    response = client.post(
        f"/lab/projects/{project.pk}/experiments/new/", form_data(**{**MEAN_CARD, "metric_sd": "1", "min_effect": "10"})
    )
    assert response.status_code == 302
    assert client.get(response.url).status_code == 200


# The project page -------------------------------------------------------------------------------


def test_the_project_page_lists_its_experiments_and_offers_writing_one_to_its_team_only(
    login, project, member, colleague, body_member, sponsor, programme_manager
):
    write(member, project, title="Reminders by text message")
    started(member, project, title="Letters in plain language")

    for person in (member, colleague):
        page = Page(login(person).get(f"/lab/projects/{project.pk}/"))
        assert page.link("Write an experiment") == f"/lab/projects/{project.pk}/experiments/new/"
    for person in (body_member, sponsor, programme_manager):
        page = Page(login(person).get(f"/lab/projects/{project.pk}/"))
        assert page.links("Write an experiment") == []
        experiments = page.part("Experiments")
        assert "Reminders by text message · Being designed" in page.text(experiments)
        assert "Letters in plain language · Running, its plan pre-registered" in page.text(experiments)


def test_the_project_page_says_when_there_is_no_experiment_yet(login, project, member):
    assert "No experiment yet." in shown(login(member).get(f"/lab/projects/{project.pk}/"))


# Query counts -----------------------------------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(captured.captured_queries)


def _deviate(experiment, first, last):
    """Deviations number first to last, each made by a different person."""
    for k in range(first, last + 1):
        Deviation.objects.create(
            experiment=experiment,
            field="planned_per_group",
            before=str(2000 + k),
            after=str(2001 + k),
            reason=f"Change {k}",
            made_by=UserFactory(name=f"Person {k}"),
        )


@pytest.mark.parametrize("who", ["member", "body_member", "sponsor"])
def test_the_experiment_page_makes_as_many_queries_with_five_deviations_as_with_one(
    request, login, running, member, who
):
    client = login(request.getfixturevalue(who))
    url = f"/lab/experiments/{running.pk}/"
    _deviate(running, 1, 1)
    response, one = _queries(client, url)
    assert len(response.context["deviations"]) == 1
    _deviate(running, 2, 5)
    response, five = _queries(client, url)
    assert len(response.context["deviations"]) == 5
    assert "Person 5" in shown(response)
    assert five == one


# Junk never makes a server error -------------------------------------------------------------------


@pytest.mark.parametrize(
    "junk",
    [
        {"alpha": "abc", "power": "1,2,3", "planned_per_group": "ten", "duration_weeks": "3.5"},
        {"baseline": "nan", "min_effect": "inf", "metric_sd": "-inf", "treatment_share": "1e999"},
        {"budget": "1e999", "planned_per_group": "9" * 40},
        {"title": "Reminders\x00", "summary": "A\x00B", "metric_name": "\x00"},
        {"metric_kind": "median", "design": "\x00"},
        {"control_name": "", "treatment_name": ""},
        {"version": "not a number"},
        {"version": "-1"},
    ],
    ids=["numbers", "infinities", "huge", "nul", "choices", "empty names", "version", "negative version"],
)
def test_junk_in_the_card_form_is_refused_with_a_page_not_a_server_error(login, experiment, member, junk):
    client = login(member)
    for url in (f"/lab/experiments/{experiment.pk}/edit/", f"/lab/projects/{experiment.project.pk}/experiments/new/"):
        response = client.post(url, form_data(experiment, **junk))
        assert response.status_code == 200, url
        assert response.context["form"].errors, url
    experiment.refresh_from_db()
    assert experiment.version == 1 and Experiment.objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"form": "file"},
        {"form": "file", "file": ""},
        {"form": "unknown"},
        {},
        {
            "form": "summaries",
            "control_n": "x",
            "control_successes": "\x00",
            "treatment_n": "1e9",
            "treatment_successes": "-",
        },
        {
            "form": "summaries",
            "control_n": "100",
            "control_successes": "200",
            "treatment_n": "100",
            "treatment_successes": "5",
        },
    ],
    ids=["no file", "empty file field", "unknown form", "nothing", "junk summaries", "more successes than units"],
)
def test_junk_in_the_results_forms_is_refused_with_a_page_not_a_server_error(login, running, member, data):
    response = login(member).post(f"/lab/experiments/{running.pk}/results/", data)
    assert response.status_code == 200
    running.refresh_from_db()
    assert running.results is None


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\x01\x02",
        b"",
        b"\xff\xfe\x00g\x00r",
        b'group,attended\n"letter,1\n',
        "group,attended\nlétter,1\n".encode("cp1252"),
    ],
    ids=["binary", "empty", "utf-16", "open quote", "cp1252"],
)
def test_junk_files_are_refused_with_a_page_not_a_server_error(login, running, member, content):
    response = login(member).post(
        f"/lab/experiments/{running.pk}/results/",
        {"form": "file", "file": SimpleUploadedFile("junk.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 200
    assert response.context["file_form"].errors
    running.refresh_from_db()
    assert running.results is None


def test_junk_in_the_conclusion_form_is_refused_with_a_page_not_a_server_error(login, running, member):
    client = login(member)
    client.post(f"/lab/experiments/{running.pk}/results/", {"form": "file", "file": good_file()})
    url = f"/lab/experiments/{running.pk}/conclusion/"
    for data in ({"conclusion": "maybe", "learned": "x"}, {"conclusion": "supported", "learned": "\x00"}):
        response = client.post(url, data)
        assert response.status_code == 200
        assert response.context["form"].errors
    assert client.post(url, {}).status_code == 200
    running.refresh_from_db()
    assert running.status == ExperimentStatus.RUNNING


def test_unknown_experiments_are_not_found(login, member):
    client = login(member)
    for url in ("/lab/experiments/999999/", "/lab/experiments/999999/edit/", "/lab/projects/999999/experiments/new/"):
        assert client.get(url).status_code == 404
