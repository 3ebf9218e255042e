"""The public case library through a reader's eyes: the published cases only, newest first,
filtered and searched, junk filters ignored without a server error, a bounded tag filter and a
query count that does not grow with the cases; each case's page (404 for whoever may not see a
case not yet published), with its experiments' registered plans and results and no one's name;
writing a case through its form (the stale-save check keeps what was typed), sending it for
review and the programme manager's review; the CSV export and the public API; and the project
page that offers to write the case once the project scaled or stopped."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ponte.core import search
from ponte.lab import analysis, statistics
from ponte.lab.exports import CASE_COLUMNS
from ponte.lab.models import (
    CASE_NEEDED,
    PLAN_FIELDS,
    CaseStatus,
    CaseStudy,
    CaseTag,
    Deviation,
    Experiment,
    ExperimentStatus,
    Problem,
    ProblemStatus,
    Project,
    ProjectStatus,
    Sponsorship,
    stages,
)
from ponte.lab.queries.cases import TAGS_OFFERED
from ponte.lab.services import cases as services
from tests.factories import CompanyFactory, MembershipFactory, OrganisationFactory
from tests.reading import Page

from .conftest import advance, ask, decide

pytestmark = pytest.mark.django_db

LIBRARY = "/cases/"
CSV = "/cases/export.csv"
API = "/api/lab/cases"
CHANGED_SINCE = "What changed since you opened the page"
STALE = "Someone saved this case after you opened it"
RETURN_NOTE = "Say what the case needs before it is published."

# Every OPSI field answered (the title is the project's, the tags are given apart).
FIELDS = {
    "organisation_name": "Agency for Modernisation",
    "country": "BE",
    "level": "local",
    "sector": "education",
    "launch_year": 2024,
    "development_time": "1_2",
    "stage": "diffusing",
    "innovation_type": "service",
    "objectives": "No queue longer than 15 minutes at the 2026 enrolment.",
    "problem": "Parents queued for hours at the town hall on the one morning enrolment opened.",
    "innovation": "Parents book a quarter-hour slot online.",
    "results": "The longest wait fell from three hours to twelve minutes.",
    "lessons": "A reminder the day before matters more than the booking page itself.",
}
# A plan as the services freeze it when an experiment starts (ponte/dev/generate/lab.py).
PLAN = {
    "hypothesis": "A reminder raises attendance.",
    "metric_name": "Appointments attended",
    "metric_kind": "proportion",
    "baseline": 66.0,
    "metric_sd": None,
    "min_effect": 5.0,
    "design": "ab",
    "control_name": "letter",
    "treatment_name": "sms",
    "treatment_share": 50.0,
    "alpha": 0.05,
    "power": 0.8,
    "planned_per_group": 1400,
    "duration_weeks": 13,
    "analysis_plan": "Two-proportion test on attendance.",
}


def shown(response) -> str:
    """Everything a page says, as read (its messages included)."""
    page = Page(response)
    return page.text(page.doc)


def project_of(body, person, sponsor, title, *, status=ProjectStatus.STOPPED) -> Project:
    """A project of `body` as the services leave it, `person` its team: stopped unless said."""
    now = timezone.now()
    problem = Problem.objects.create(
        organisation=body,
        submitted_by=person,
        title=f"The problem behind {title}",
        description="Parents queue for hours.",
        affected="Parents",
        evidence="Complaints",
        tried="An extra counter",
        status=ProblemStatus.ACCEPTED,
        triaged_at=now,
    )
    project = Project.objects.create(
        problem=problem,
        organisation=body,
        title=title,
        summary="What the project does.",
        facet="enhancement",
        budget=15000,
        targets="Its targets.",
        sponsor=sponsor,
        sponsorship=Sponsorship.ACCEPTED,
        stage=stages()[0],
        stage_entered_at=now,
        status=status,
        lessons="What was learned." if status == ProjectStatus.STOPPED else "",
        stopped_at=now if status == ProjectStatus.STOPPED else None,
    )
    project.team.set([person])
    return project


def case_of(project, *, status=CaseStatus.PUBLISHED, days_ago=0, tags=(), **fields) -> CaseStudy:
    """The project's case in `status`, as the services leave it (a published one indexed)."""
    now = timezone.now()
    case = CaseStudy.objects.create(
        project=project,
        written_by=project.team.first(),
        status=status,
        submitted_at=None if status == CaseStatus.DRAFT else now,
        published_at=now - timedelta(days=days_ago) if status == CaseStatus.PUBLISHED else None,
        **{**FIELDS, "title": project.title, **fields},
    )
    case.tags.set([CaseTag.objects.get_or_create(name=name)[0] for name in tags])
    if status == CaseStatus.PUBLISHED:
        search.index_object(case)
    return case


def told(title, person, sponsor, body=None, **case) -> CaseStudy:
    return case_of(project_of(body or person.memberships.get().organisation, person, sponsor, title), **case)


def titles(response) -> list[str]:
    assert response.status_code == 200
    return [case.title for case in response.context["page"].object_list]


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.fixture
def library(organisation, member, sponsor):
    """Three published cases of three public bodies, newest first "Enrolment…", "Flood…",
    "Permits…"; a draft and a case in review of the member's body, saying the same words."""
    regional = OrganisationFactory(name="Riverside Region", level_of_government="regional")
    national = OrganisationFactory(name="Permit Office")
    cases = {
        "enrolment": told(
            "Enrolment slots booked online",
            member,
            sponsor,
            days_ago=1,
            tags=["appointments", "school enrolment"],
            innovation="Parents book a quarter-hour slot online; a kiosk books for those without a computer.",
        ),
        "flood": told(
            "Flood alerts by text message",
            MembershipFactory(organisation=regional).user,
            sponsor,
            days_ago=5,
            tags=["alerts", "once only"],
            level="regional",
            stage="implementing",
            innovation="Residents get a text message when the river rises, before the sirens.",
        ),
        "permits": told(
            "Permits renewed by post",
            MembershipFactory(organisation=national).user,
            sponsor,
            days_ago=10,
            tags=["permits", "once only"],
            level="national",
            launch_year=2022,
            stage="implementing",
            innovation="The permit office sends the renewed permit in an envelope, unasked.",
        ),
    }
    words = "A kiosk and sirens, in an envelope."
    cases["draft"] = told(
        "Heat-wave calls (draft)", member, sponsor, status=CaseStatus.DRAFT, tags=["appointments"], innovation=words
    )
    cases["in_review"] = told(
        "Youth mentors (in review)",
        member,
        sponsor,
        status=CaseStatus.IN_REVIEW,
        tags=["once only", "in review only"],
        innovation=words,
    )
    return cases


NEWEST_FIRST = ["Enrolment slots booked online", "Flood alerts by text message", "Permits renewed by post"]


# The library --------------------------------------------------------------------------------------


def test_a_visitor_reads_the_published_cases_newest_first_and_never_the_others(client, library):
    response = client.get(LIBRARY)

    assert titles(response) == NEWEST_FIRST
    text = shown(response)
    assert "3 cases" in text
    assert "Heat-wave calls" not in text and "Youth mentors" not in text
    assert Page(response).link("Enrolment slots booked online") == library["enrolment"].get_absolute_url()
    # The filter offers the years and tags of published cases only.
    assert response.context["years"] == [2024, 2022]
    assert "in review only" not in response.context["tags"]


def test_an_empty_library_says_so(client):
    response = client.get(LIBRARY)
    assert titles(response) == []
    assert "No case is published yet." in shown(response)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"level": "local"}, ["Enrolment slots booked online"]),
        ({"level": "national"}, ["Permits renewed by post"]),
        ({"level": "supranational"}, []),
        ({"year": "2024"}, ["Enrolment slots booked online", "Flood alerts by text message"]),
        ({"year": "2022"}, ["Permits renewed by post"]),
        ({"stage": "implementing"}, ["Flood alerts by text message", "Permits renewed by post"]),
        ({"stage": "diffusing"}, ["Enrolment slots booked online"]),
        ({"tag": "once only"}, ["Flood alerts by text message", "Permits renewed by post"]),
        ({"tag": "  Once   ONLY "}, ["Flood alerts by text message", "Permits renewed by post"]),
        ({"tag": "appointments"}, ["Enrolment slots booked online"]),
        ({"tag": "in review only"}, []),
        ({"year": "2024", "stage": "implementing"}, ["Flood alerts by text message"]),
        ({"level": "regional", "tag": "once only"}, ["Flood alerts by text message"]),
        ({"level": "national", "year": "2022", "stage": "implementing", "tag": "permits"}, ["Permits renewed by post"]),
        ({"tag": "appointments", "stage": "implementing"}, []),
    ],
)
def test_the_library_filters_by_level_year_stage_and_tag(client, library, params, expected):
    response = client.get(LIBRARY, params)
    assert titles(response) == expected
    if not expected:
        assert "No case matches these filters." in shown(response)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "kiosk"}, ["Enrolment slots booked online"]),
        ({"q": "sirens"}, ["Flood alerts by text message"]),
        ({"q": "envelope"}, ["Permits renewed by post"]),
        ({"q": "Kiosk Computer"}, ["Enrolment slots booked online"]),
        ({"q": "kiosk", "level": "national"}, []),
        ({"q": "envelope", "stage": "implementing"}, ["Permits renewed by post"]),
        ({"q": "once", "year": "2024"}, ["Flood alerts by text message"]),
        ({"q": "nothing-of-the-sort"}, []),
    ],
)
def test_the_library_searches_by_a_word_alone_or_with_a_filter(client, library, params, expected):
    assert titles(client.get(LIBRARY, params)) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"level": "xx"}, NEWEST_FIRST),
        ({"stage": "nowhere"}, NEWEST_FIRST),
        ({"year": "abcd"}, NEWEST_FIRST),
        ({"year": "99999"}, NEWEST_FIRST),
        ({"year": "-2024"}, NEWEST_FIRST),
        ({"year": "0000"}, NEWEST_FIRST),
        ({"page": "many"}, NEWEST_FIRST),
        ({"page": "999999999999999999999"}, NEWEST_FIRST),
        ({"tag": "once only\x00"}, ["Flood alerts by text message", "Permits renewed by post"]),
        ({"tag": "x" * 500}, []),
        ({"q": "kiosk " * 100}, ["Enrolment slots booked online"]),
        ({"q": "k" * 500}, []),
        ({"q": "kiosk\x00"}, ["Enrolment slots booked online"]),
        ({"q": '"* OR NEAR( -'}, []),
        ({"year": "²⁰²⁴"}, NEWEST_FIRST),
    ],
)
def test_junk_filter_values_are_ignored_without_an_error(client, library, params, expected):
    assert titles(client.get(LIBRARY, params)) == expected
    assert client.get(CSV, params).status_code == 200


def test_the_tag_filter_offers_the_most_used_tags_and_the_one_chosen(client, member, sponsor):
    many = [f"tag {n:02}" for n in range(TAGS_OFFERED + 20)]
    told("Enrolment slots booked online", member, sponsor, tags=["common", *many])
    told("Permits renewed by post", member, sponsor, tags=["common"])
    told("Heat-wave calls", member, sponsor, status=CaseStatus.DRAFT, tags=["draft only"])

    offered = client.get(LIBRARY).context["tags"]
    assert len(offered) == TAGS_OFFERED
    assert "common" in offered and "draft only" not in offered

    rare = sorted(set(many) - set(offered))[-1]
    response = client.get(LIBRARY, {"tag": rare})
    assert response.context["tags"] == sorted([*offered, rare])
    assert titles(response) == ["Enrolment slots booked online"]
    [selected] = Page(response).doc.xpath("//select[@name='tag']/option[@selected]")
    assert selected.get("value") == rare


def test_the_library_reads_as_many_queries_for_thirty_cases_as_for_three(client, member, sponsor):
    def count(params=None):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIBRARY, params or {})
        assert response.status_code == 200
        return len(queries), len(response.context["page"].object_list)

    for n in range(3):
        told(f"Case {n}", member, sponsor, days_ago=n, tags=[f"tag {n}", "common"])
    three, three_filtered = count(), count({"tag": "common", "year": "2024"})
    searched_three = count({"q": "quarter"})
    for n in range(3, 30):
        told(f"Case {n}", member, sponsor, days_ago=n, tags=[f"tag {n}", "common"])

    assert three[1] == 3 and count()[1] == 25  # a page
    assert count()[0] == three[0]
    assert count({"tag": "common", "year": "2024"})[0] == three_filtered[0]
    assert count({"q": "quarter"})[0] == searched_three[0]


# A case's page ------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["draft", "in_review"])
def test_a_case_not_published_is_not_found_by_a_visitor(client, library, state):
    assert client.get(library[state].get_absolute_url()).status_code == 404
    assert client.get(library["enrolment"].get_absolute_url()).status_code == 200


@pytest.mark.parametrize("who", ["citizen", "another body's member", "company member"])
def test_a_case_not_published_is_not_found_by_whoever_may_not_see_its_project(login, library, citizen, who):
    person = {
        "citizen": citizen,
        "another body's member": MembershipFactory(organisation=OrganisationFactory()).user,
        "company member": MembershipFactory(organisation=CompanyFactory()).user,
    }[who]
    client = login(person)
    for state in ("draft", "in_review"):
        assert client.get(library[state].get_absolute_url()).status_code == 404
    assert client.get(library["enrolment"].get_absolute_url()).status_code == 200


def test_the_team_reads_its_draft_with_what_it_may_do(login, library, member):
    response = login(member).get(library["draft"].get_absolute_url())

    assert response.status_code == 200
    page = Page(response)
    assert "Being written" in page.text()
    assert page.link("Edit the case") == f"/cases/{library['draft'].pk}/edit/"
    [button] = page.doc.xpath("//form[@action=$url]//button", url=f"/cases/{library['draft'].pk}/submit/")
    assert " ".join(button.text_content().split()) == "Send for review"
    assert not page.links("Review the case")


def test_the_team_reads_its_case_in_review_but_may_no_longer_change_it(login, library, member):
    page = Page(login(member).get(library["in_review"].get_absolute_url()))
    assert "Waiting for a programme manager's review" in page.text()
    assert not page.links("Edit the case")
    assert "Send for review" not in page.text()


@pytest.fixture
def with_experiments(member, sponsor):
    """A published case whose project ran a concluded experiment (with results and a deviation
    from its plan) and a running one, and left a third as a draft."""
    case = told("Appointments kept", member, sponsor)
    project = case.project
    registered = {**PLAN, "sample_needed": analysis.sample_needed(PLAN)}
    results = analysis.analyse_summaries(
        statistics.GroupSummary.of_proportion(924, 1400), statistics.GroupSummary.of_proportion(994, 1400), PLAN
    )
    now = timezone.now()
    concluded = Experiment.objects.create(
        project=project,
        title="A text message the day before",
        created_by=member,
        status=ExperimentStatus.CONCLUDED,
        registration=registered,
        registered_at=now - timedelta(days=90),
        results={**results, "source": "summaries", "rows": None, "file_name": ""},
        results_at=now - timedelta(days=5),
        conclusion="supported",
        learned="A reminder the day before keeps one appointment in twenty more.",
        concluded_at=now,
        **{name: PLAN[name] for name in PLAN_FIELDS},
    )
    Deviation.objects.create(
        experiment=concluded,
        field="duration_weeks",
        before="13",
        after="15",
        reason="The summer holidays emptied the town hall for two weeks.",
        made_by=member,
    )
    Experiment.objects.create(
        project=project,
        title="A call from the front office",
        created_by=member,
        status=ExperimentStatus.RUNNING,
        registration=registered,
        registered_at=now - timedelta(days=20),
        **{name: PLAN[name] for name in PLAN_FIELDS},
    )
    Experiment.objects.create(project=project, title="Letters in plain language", created_by=member)
    return case


def names_and_emails(*people) -> list[str]:
    return [value for person in people for value in (person.name, person.email)]


def test_the_published_case_shows_its_experiments_plans_and_results_and_no_ones_name(
    client, with_experiments, member, sponsor, programme_manager
):
    with_experiments.reviewed_by = programme_manager
    with_experiments.save()

    response = client.get(with_experiments.get_absolute_url())

    page = Page(response)
    headings = page.headings()
    assert "A text message the day before" in headings and "A call from the front office" in headings
    assert "Letters in plain language" not in page.text()  # a draft experiment is not shown
    concluded = page.part("A text message the day before")
    text = page.text(concluded)
    assert "Hypothesis supported" in text
    assert "A reminder the day before keeps one appointment in twenty more." in text
    # The plan as registered, then the deviation with its reason but not who made it.
    assert "A reminder raises attendance." in text and "Two-proportion test on attendance." in text
    assert "Appointments attended" in text
    assert "The summer holidays emptied the town hall for two weeks." in text
    # The results, analysed against the plan.
    assert "“Appointments attended”: 71.0 % in “sms” against 66.0 % in “letter”" in text
    assert "The split matches the plan" in text
    running = page.text(page.part("A call from the front office"))
    assert "A reminder raises attendance." in running and "Results" not in running

    content = response.content.decode()
    for said in names_and_emails(member, sponsor, programme_manager):
        assert said not in content


def test_the_team_page_of_a_published_case_offers_no_change(login, library, member):
    page = Page(login(member).get(library["enrolment"].get_absolute_url()))
    assert not page.links("Edit the case") and "Send for review" not in page.text()
    assert login(member).get(f"/cases/{library['enrolment'].pk}/edit/").status_code == 302


# Writing a case -----------------------------------------------------------------------------------


@pytest.fixture
def stopped(sponsored, member, sponsor):
    ask(member, sponsored, stop=True, lessons="Parents book when they are reminded.")
    decide(sponsor, sponsored, "stop")
    return sponsored


@pytest.fixture
def draft(stopped, member):
    return services.case_start(actor=member, project=stopped)


def form_values(response) -> dict:
    """What the edit form sends back as it was shown: its initial values."""
    form = response.context["form"]
    return {name: "" if (value := form[name].value()) is None else str(value) for name in form.fields}


def test_the_edit_form_shows_the_draft_and_saves_what_is_typed(login, draft, member):
    client = login(member)
    response = client.get(f"/cases/{draft.pk}/edit/")
    assert response.status_code == 200
    data = form_values(response)
    assert data["title"] == "Enrolment slots booked online" and data["version"] == "1"
    assert data["objectives"] == draft.objectives and data["tags"] == ""

    data.update(
        sector="education",
        launch_year="2024",
        development_time="1_2",
        stage="diffusing",
        innovation_type="service",
        tags=" Once Only,citizen   SHOPS , once only",
        results="The longest wait fell from three hours to twelve minutes.",
    )
    response = client.post(f"/cases/{draft.pk}/edit/", data)

    assert response.status_code == 302 and response.url == draft.get_absolute_url()
    draft.refresh_from_db()
    assert (draft.sector, draft.launch_year, draft.stage) == ("education", 2024, "diffusing")
    assert draft.results == "The longest wait fell from three hours to twelve minutes."
    assert sorted(tag.name for tag in draft.tags.all()) == ["citizen shops", "once only"]
    assert draft.version == 2
    assert "The case is saved." in shown(client.get(draft.get_absolute_url()))
    # The form shows the tags as kept.
    assert form_values(client.get(f"/cases/{draft.pk}/edit/"))["tags"] == "citizen shops, once only"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("launch_year", "1949", str(CASE_NEEDED["launch_year"])),
        ("launch_year", "next year", str(CASE_NEEDED["launch_year"])),
        ("sector", "space", str(CASE_NEEDED["sector"])),
        ("tags", ",".join(f"tag {n}" for n in range(13)), "Give at most 12 tags."),
        ("title", "", str(CASE_NEEDED["title"])),
    ],
)
def test_a_bad_answer_in_the_form_is_shown_beside_its_field_and_what_was_typed_is_kept(
    login, draft, member, field, value, message
):
    client = login(member)
    data = {**form_values(client.get(f"/cases/{draft.pk}/edit/")), "innovation": "Typed, not yet saved.", field: value}

    response = client.post(f"/cases/{draft.pk}/edit/", data)

    assert response.status_code == 200
    form = response.context["form"]
    assert message in form.errors[field]
    assert form["innovation"].value() == "Typed, not yet saved."
    draft.refresh_from_db()
    assert draft.version == 1 and draft.innovation != "Typed, not yet saved."


def test_a_stale_save_shows_what_changed_and_keeps_what_was_typed(login, draft, member, programme_manager):
    client = login(member)
    data = form_values(client.get(f"/cases/{draft.pk}/edit/"))
    # Meanwhile the lab team saves the case.
    services.case_update(
        actor=programme_manager,
        case=draft,
        seen_version=1,
        **{**services.current(draft), "results": "Twelve minutes at most, against three hours."},
    )

    data["results"] = "The queue is gone."
    response = client.post(f"/cases/{draft.pk}/edit/", data)

    assert response.status_code == 200
    text = shown(response)
    assert CHANGED_SINCE in text and STALE in text
    changes = Page(response).part(CHANGED_SINCE)
    assert "Results or expected results" in Page(response).text(changes)
    assert "Twelve minutes at most, against three hours." in Page(response).text(changes)
    assert "Paula Manager" in Page(response).text(changes)
    form = response.context["form"]
    assert form["results"].value() == "The queue is gone."
    assert form["version"].value() == "2"
    draft.refresh_from_db()
    assert draft.results == "Twelve minutes at most, against three hours." and draft.version == 2

    # Saving again, knowingly, goes through.
    response = client.post(f"/cases/{draft.pk}/edit/", form_values(response))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.results == "The queue is gone." and draft.version == 3


def test_sending_a_case_with_answers_missing_leads_back_to_its_form_with_each_message(login, draft, member):
    client = login(member)

    response = client.post(f"/cases/{draft.pk}/submit/")

    assert response.status_code == 302 and response.url == f"/cases/{draft.pk}/edit/"
    text = shown(client.get(response.url))
    for name in ("sector", "development_time", "stage", "innovation_type", "tags", "results"):
        assert str(CASE_NEEDED[name]) in text
    draft.refresh_from_db()
    assert draft.status == CaseStatus.DRAFT


def test_a_complete_case_is_sent_for_review(login, draft, member):
    services.case_update(
        actor=member,
        case=draft,
        seen_version=1,
        **{**FIELDS, "title": draft.title, "tags": ["appointments"]},
    )
    client = login(member)

    response = client.post(f"/cases/{draft.pk}/submit/")

    assert response.status_code == 302 and response.url == draft.get_absolute_url()
    draft.refresh_from_db()
    assert draft.status == CaseStatus.IN_REVIEW
    assert "The case is sent to a programme manager for review." in shown(client.get(response.url))


@pytest.fixture
def in_review(draft, member):
    services.case_update(
        actor=member,
        case=draft,
        seen_version=1,
        **{**FIELDS, "title": draft.title, "tags": ["appointments"]},
    )
    services.case_submit(actor=member, case=draft)
    draft.refresh_from_db()
    return draft


def test_a_programme_manager_publishes_the_case_from_its_review_page(login, in_review, programme_manager):
    client = login(programme_manager)
    page = Page(client.get(in_review.get_absolute_url()))
    assert page.link("Review the case") == f"/cases/{in_review.pk}/review/"
    assert client.get(f"/cases/{in_review.pk}/review/").status_code == 200

    response = client.post(f"/cases/{in_review.pk}/review/", {"decision": "publish", "note": ""})

    assert response.status_code == 302 and response.url == in_review.get_absolute_url()
    in_review.refresh_from_db()
    assert in_review.status == CaseStatus.PUBLISHED and in_review.published_at is not None
    assert "The case is published in the case library." in shown(client.get(response.url))
    assert titles(Client().get(LIBRARY)) == [in_review.title]


def test_returning_a_case_from_its_review_page_needs_a_note(login, in_review, programme_manager, member):
    client = login(programme_manager)

    response = client.post(f"/cases/{in_review.pk}/review/", {"decision": "return", "note": "  "})

    assert response.status_code == 200
    assert RETURN_NOTE in response.context["form"].errors["note"]
    in_review.refresh_from_db()
    assert in_review.status == CaseStatus.IN_REVIEW

    response = client.post(f"/cases/{in_review.pk}/review/", {"decision": "return", "note": "Give figures."})

    assert response.status_code == 302
    in_review.refresh_from_db()
    assert (in_review.status, in_review.review_note) == (CaseStatus.DRAFT, "Give figures.")
    assert "The case is returned to its writer with your note." in shown(client.get(response.url))
    # Its writer reads the note on the case.
    assert "The reviewer returned it: Give figures." in shown(login(member).get(in_review.get_absolute_url()))


def test_a_review_without_a_decision_is_refused(login, in_review, programme_manager):
    response = login(programme_manager).post(f"/cases/{in_review.pk}/review/", {"note": "Fine."})
    assert response.status_code == 200
    assert "Choose whether to publish the case or return it." in response.context["form"].errors["decision"]
    in_review.refresh_from_db()
    assert in_review.status == CaseStatus.IN_REVIEW


# The CSV export -----------------------------------------------------------------------------------


def test_the_export_holds_a_header_and_one_row_per_published_case(client, library):
    [header, *rows] = csv_rows(client.get(CSV))

    assert header == CASE_COLUMNS
    by_title = {row[1]: dict(zip(header, row, strict=True)) for row in rows}
    assert sorted(by_title) == sorted(NEWEST_FIRST)
    permits = by_title["Permits renewed by post"]
    assert (permits["level_of_government"], permits["year_of_launch"], permits["stage"]) == (
        "national",
        "2022",
        "implementing",
    )
    assert permits["tags"] == "once only; permits"
    assert permits["url"] == f"http://testserver{library['permits'].get_absolute_url()}"
    assert permits["published_at"] == library["permits"].published_at.isoformat()
    content = b"".join(client.get(CSV).streaming_content).decode()
    assert "Heat-wave calls" not in content and "Youth mentors" not in content


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"level": "national"}, ["Permits renewed by post"]),
        ({"year": "2024", "stage": "implementing"}, ["Flood alerts by text message"]),
        ({"tag": "once only"}, ["Flood alerts by text message", "Permits renewed by post"]),
        ({"q": "kiosk"}, ["Enrolment slots booked online"]),
        ({"q": "envelope", "level": "local"}, []),
    ],
)
def test_the_export_honours_the_library_filters(client, library, params, expected):
    [_header, *rows] = csv_rows(client.get(CSV, params))
    assert sorted(row[1] for row in rows) == expected


# The API ------------------------------------------------------------------------------------------


def api_titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


def test_the_api_lists_the_published_cases_to_anyone_newest_first(library):
    response = Client().get(API)

    assert api_titles(response) == NEWEST_FIRST
    assert response.json()["count"] == 3
    [enrolment, *_rest] = response.json()["items"]
    assert enrolment["id"] == library["enrolment"].pk
    assert enrolment["url"] == f"http://testserver{library['enrolment'].get_absolute_url()}"
    assert (enrolment["organisation"], enrolment["level_of_government"], enrolment["year_of_launch"]) == (
        "Agency for Modernisation",
        "local",
        2024,
    )
    assert enrolment["tags"] == ["appointments", "school enrolment"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"level": "regional"}, ["Flood alerts by text message"]),
        ({"year": 2022}, ["Permits renewed by post"]),
        ({"stage": "implementing"}, ["Flood alerts by text message", "Permits renewed by post"]),
        ({"tag": "Once Only"}, ["Flood alerts by text message", "Permits renewed by post"]),
        ({"q": "sirens"}, ["Flood alerts by text message"]),
        ({"q": "envelope", "year": 2024}, []),
        ({"tag": "in review only"}, []),
    ],
)
def test_the_api_filters_the_cases(library, params, expected):
    assert api_titles(Client().get(API, params)) == expected


@pytest.mark.parametrize(
    "params", [{"year": "abcd"}, {"year": "99999"}, {"level": "xx"}, {"stage": "dreaming"}, {"q": "x" * 201}]
)
def test_the_api_answers_422_to_a_junk_filter(library, params):
    response = Client().get(API, params)
    assert response.status_code == 422, response.content


def test_the_api_gives_a_case_with_its_experiments_registration_and_results_and_no_ones_name(
    with_experiments, member, sponsor, programme_manager
):
    with_experiments.reviewed_by = programme_manager
    with_experiments.save()

    response = Client().get(f"{API}/{with_experiments.pk}")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "Appointments kept" and body["lessons_learned"] == FIELDS["lessons"]
    experiments = {experiment["title"]: experiment for experiment in body["experiments"]}
    assert sorted(experiments) == ["A call from the front office", "A text message the day before"]
    concluded = experiments["A text message the day before"]
    assert concluded["status"] == "concluded" and concluded["conclusion"] == "supported"
    assert concluded["registration"]["hypothesis"] == PLAN["hypothesis"]
    assert concluded["registration"]["sample_needed"] == analysis.sample_needed(PLAN)
    [metric] = concluded["results"]["metrics"]
    assert (metric["control"]["n"], metric["treatment"]["n"]) == (1400, 1400)
    assert metric["test"] == "two_proportions"
    [deviation] = concluded["deviations"]
    assert (deviation["field"], deviation["before"], deviation["after"]) == ("duration_weeks", "13", "15")
    assert experiments["A call from the front office"]["results"] is None

    content = response.content.decode()
    for said in names_and_emails(member, sponsor, programme_manager):
        assert said not in content


@pytest.mark.parametrize("state", ["draft", "in_review"])
def test_the_api_does_not_know_a_case_not_published(library, state, login, member):
    assert Client().get(f"{API}/{library[state].pk}").status_code == 404
    # Not even to its own team.
    assert login(member).get(f"{API}/{library[state].pk}").status_code == 404


def test_the_api_does_not_know_a_case_that_does_not_exist(library):
    assert Client().get(f"{API}/{2**63 - 1}").status_code == 404
    assert Client().get(f"{API}/0").status_code == 422


# The project page ---------------------------------------------------------------------------------


def test_the_team_of_a_stopped_project_writes_its_case_from_the_project_page(login, stopped, member):
    client = login(member)
    page = Page(client.get(stopped.get_absolute_url()))
    [form] = page.doc.xpath("//form[@action=$url]", url=f"/lab/projects/{stopped.pk}/case/")
    assert "Write the case study" in " ".join(form.text_content().split())

    response = client.post(f"/lab/projects/{stopped.pk}/case/")

    case = CaseStudy.objects.get()
    assert case.project == stopped and case.written_by == member and case.status == CaseStatus.DRAFT
    assert response.status_code == 302 and response.url == f"/cases/{case.pk}/edit/"
    # The project page then leads to the case instead.
    page = Page(client.get(stopped.get_absolute_url()))
    assert "Write the case study" not in page.text()
    assert page.link("a case study") == case.get_absolute_url()
    # A second press leads to the case, and starts none.
    response = client.post(f"/lab/projects/{stopped.pk}/case/")
    assert response.status_code == 302 and response.url == case.get_absolute_url()
    assert CaseStudy.objects.count() == 1


def test_a_project_that_scaled_offers_its_case_too(login, sponsored, member, sponsor):
    advance(sponsored, member, sponsor, times=len(stages()) - 1)
    assert "Write the case study" in shown(login(member).get(sponsored.get_absolute_url()))


def test_an_active_project_before_its_last_stage_offers_no_case(login, sponsored, member, sponsor):
    advance(sponsored, member, sponsor)
    client = login(member)

    assert "Write the case study" not in shown(client.get(sponsored.get_absolute_url()))
    assert client.post(f"/lab/projects/{sponsored.pk}/case/").status_code == 403
    assert not CaseStudy.objects.exists()


def test_the_case_is_started_by_no_one_who_may_not_see_the_project(login, stopped):
    other = MembershipFactory(organisation=OrganisationFactory()).user
    assert login(other).post(f"/lab/projects/{stopped.pk}/case/").status_code == 404
    assert login(None).post(f"/lab/projects/{stopped.pk}/case/").status_code == 302
    assert not CaseStudy.objects.exists()


def test_a_sponsor_reads_a_stopped_project_but_is_not_offered_its_case(login, stopped, sponsor):
    assert "Write the case study" not in shown(login(sponsor).get(stopped.get_absolute_url()))
    assert login(sponsor).post(f"/lab/projects/{stopped.pk}/case/").status_code == 403
