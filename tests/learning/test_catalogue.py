"""The catalogue: only a programme manager adds, changes and withdraws a course; every bad
answer is refused beside its field; a save made from an older page is refused; anyone reads the
catalogue, filtered by skill, track, kind and words, a filter it does not know ignored."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ponte.core import versions
from ponte.core.models import AuditEvent
from ponte.learning.models import Course, CourseSkill
from ponte.learning.queries.catalogue import CatalogueFilters, catalogue
from ponte.learning.services import catalogue as services
from ponte.learning.services import sessions as session_services
from tests.reading import Page

from .conftest import course_answers, session_answers

pytestmark = pytest.mark.django_db

OTHER_ROLES = [
    "visitor",
    "citizen",
    "public_servant",
    "org_admin",
    "company_member",
    "evaluator",
    "sponsor",
    "moderator",
    "platform_admin",
]


def refusal(error) -> dict:
    return error.value.message_dict


def events(course, verb):
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(Course), target_id=str(course.pk), verb=verb
    )


def skills_of(course) -> set[str]:
    return set(CourseSkill.objects.filter(course=course).values_list("skill", flat=True))


# Adding ------------------------------------------------------------------------------------


def test_a_programme_manager_adds_a_course_with_its_skills_and_it_is_audited(programme_manager):
    course = services.course_add(actor=programme_manager, **course_answers(skills=["user_centricity", "iteration"]))
    course = Course.objects.get(pk=course.pk)
    assert course.title == "Prototyping public services" and course.kind == "workshop" and course.hours == 12
    assert course.version == 1 and course.withdrawn_at is None and course.created_by == programme_manager
    # Kept in the catalogue's order, whatever the order ticked.
    assert course.skill_list == ["iteration", "user_centricity"]
    event = events(course, "add").get()
    assert event.after["skills"] == ["iteration", "user_centricity"] and event.after["version"] == 1
    assert event.actor == programme_manager


def test_typed_text_is_kept_without_the_spaces_around_it(programme_manager):
    course = services.course_add(actor=programme_manager, **course_answers(title="  Data for decisions  "))
    assert course.title == "Data for decisions"


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_no_one_but_a_programme_manager_adds_a_course(person_in_role, role):
    with pytest.raises(PermissionDenied):
        services.course_add(actor=person_in_role(role), **course_answers())
    assert not Course.objects.exists()


HOURS = "Give the length in whole hours, from 1 to 500."


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Give the course a title."),
        ({"title": "   "}, "title", "Give the course a title."),
        ({"title": "x" * 201}, "title", "Write at most 200 characters."),
        ({"title": "Nul\x00"}, "title", "The text contains characters that are not allowed."),
        ({"summary": ""}, "summary", "Say in a sentence what people learn."),
        ({"description": ""}, "description", "Describe the course: what it covers, how, and for whom."),
        ({"skills": []}, "skills", "Choose at least one skill the course builds."),
        ({"skills": None}, "skills", "Choose at least one skill the course builds."),
        ({"skills": ["juggling"]}, "skills", "Choose skills from the list."),
        ({"skills": ["iteration", "juggling"]}, "skills", "Choose skills from the list."),
        ({"hours": 0}, "hours", HOURS),
        ({"hours": 501}, "hours", HOURS),
        ({"hours": -3}, "hours", HOURS),
        ({"hours": "12"}, "hours", HOURS),
        ({"hours": 12.5}, "hours", HOURS),
        ({"hours": True}, "hours", HOURS),
        ({"hours": None}, "hours", HOURS),
        ({"language": "de"}, "language", "Choose the language the course is given in."),
        ({"language": None}, "language", "Choose the language the course is given in."),
        ({"kind": "lecture"}, "kind", "Choose whether it is a course or a workshop."),
        ({"track": "ministers"}, "track", "Choose who the course is for."),
    ],
)
def test_each_bad_answer_is_refused_beside_its_field(programme_manager, changes, field, message):
    with pytest.raises(ValidationError) as error:
        services.course_add(actor=programme_manager, **course_answers(**changes))
    assert refusal(error) == {field: [message]}
    assert not Course.objects.exists()


def test_the_limits_themselves_are_accepted(programme_manager):
    one = services.course_add(actor=programme_manager, **course_answers(hours=1, title="x" * 200))
    most = services.course_add(actor=programme_manager, **course_answers(hours=500, language="sl"))
    assert (one.hours, most.hours) == (1, 500)


def test_every_bad_answer_is_named_at_once(programme_manager):
    with pytest.raises(ValidationError) as error:
        services.course_add(
            actor=programme_manager, **course_answers(title="", skills=[], hours=0, kind="x", track="y", language="z")
        )
    assert set(refusal(error)) == {"title", "skills", "hours", "kind", "track", "language"}


# Changing ----------------------------------------------------------------------------------


def test_a_course_is_changed_with_a_version_check_and_a_stale_save_is_refused(programme_manager, course):
    names = services.course_update(
        actor=programme_manager, course=course, seen_version=1, **course_answers(title="Prototyping, in practice")
    )
    assert names == ["title"]
    course.refresh_from_db()
    assert course.version == 2
    event = events(course, "update").get()
    assert event.before["title"] == "Prototyping public services" and event.after["version"] == 2

    with pytest.raises(versions.StaleEdit) as stale:
        services.course_update(actor=programme_manager, course=course, seen_version=1, **course_answers(hours=20))
    assert [change.field for change in stale.value.changes] == ["title"]
    assert stale.value.current_version == 2
    course.refresh_from_db()
    assert course.hours == 12 and course.title == "Prototyping, in practice" and course.version == 2


def test_changing_only_the_skills_moves_the_version_and_is_audited(programme_manager, course):
    names = services.course_update(
        actor=programme_manager, course=course, seen_version=1, **course_answers(skills=["data_literacy"])
    )
    assert names == ["skills"]
    course.refresh_from_db()
    assert course.version == 2
    assert skills_of(course) == {"data_literacy"}
    event = events(course, "update").get()
    assert event.before == {"skills": ["iteration", "user_centricity"], "version": 1}
    assert event.after == {"skills": ["data_literacy"], "version": 2}
    # Someone still on the first version is told the skills changed.
    with pytest.raises(versions.StaleEdit) as stale:
        services.course_update(actor=programme_manager, course=course, seen_version=1, **course_answers())
    [change] = stale.value.changes
    assert (change.field, change.now) == ("skills", "Data literacy")


def test_saving_without_a_change_writes_nothing(programme_manager, course):
    assert services.course_update(actor=programme_manager, course=course, seen_version=1, **course_answers()) == []
    course.refresh_from_db()
    assert course.version == 1
    assert not events(course, "update").exists()


def test_a_bad_change_is_refused_beside_its_field_and_nothing_is_written(programme_manager, course):
    with pytest.raises(ValidationError) as error:
        services.course_update(
            actor=programme_manager, course=course, seen_version=1, **course_answers(title="New", skills=["nope"])
        )
    assert refusal(error) == {"skills": ["Choose skills from the list."]}
    course.refresh_from_db()
    assert course.title == "Prototyping public services" and course.version == 1
    assert skills_of(course) == {"iteration", "user_centricity"}


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_no_one_but_a_programme_manager_changes_or_withdraws_a_course(person_in_role, role, course):
    person = person_in_role(role)
    with pytest.raises(PermissionDenied):
        services.course_update(actor=person, course=course, seen_version=1, **course_answers(title="Mine"))
    with pytest.raises(PermissionDenied):
        services.course_withdraw(actor=person, course=course)
    course.refresh_from_db()
    assert course.title == "Prototyping public services" and course.withdrawn_at is None


# Withdrawing -------------------------------------------------------------------------------


def test_a_withdrawn_course_leaves_the_catalogue_but_its_sessions_go_on(programme_manager, course, session, citizen):
    from ponte.learning.services.enrolments import enrol

    services.course_withdraw(actor=programme_manager, course=course)
    course.refresh_from_db()
    assert course.withdrawn_at is not None
    assert events(course, "withdraw").get().after == {"withdrawn": True}
    assert list(catalogue()) == []
    # No new session, no change, no second withdrawal...
    with pytest.raises(PermissionDenied):
        session_services.session_schedule(
            actor=programme_manager, course=course, **session_answers(session.trainer, place="Elsewhere")
        )
    with pytest.raises(PermissionDenied):
        services.course_update(actor=programme_manager, course=course, seen_version=1, **course_answers())
    with pytest.raises(PermissionDenied):
        services.course_withdraw(actor=programme_manager, course=course)
    # ...but the session already scheduled still takes enrolments.
    assert enrol(actor=citizen, session=session).status == "enrolled"


# Reading the catalogue -----------------------------------------------------------------------


@pytest.fixture
def shelf(programme_manager, course):
    """Three courses: a workshop on iteration (the course), a course on data literacy, a
    managers' course on sponsoring experiments."""
    add = services.course_add
    return {
        "prototyping": course,
        "data": add(
            actor=programme_manager,
            **course_answers(
                title="Data for decisions",
                summary="Read a dashboard and ask the right question of it.",
                kind="course",
                skills=["data_literacy"],
            ),
        ),
        "sponsors": add(
            actor=programme_manager,
            **course_answers(
                title="Sponsoring experiments",
                summary="Give a team room to try, and to fail safely.",
                kind="course",
                track="managers",
                skills=["sponsoring", "openness"],
            ),
        ),
    }


def titles(**query) -> list[str]:
    return [course.title for course in catalogue(CatalogueFilters.from_query(query))]


def test_the_catalogue_lists_every_course_by_title(shelf):
    assert titles() == ["Data for decisions", "Prototyping public services", "Sponsoring experiments"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"skill": "iteration"}, ["Prototyping public services"]),
        ({"skill": "data_literacy"}, ["Data for decisions"]),
        ({"skill": "openness"}, ["Sponsoring experiments"]),
        ({"skill": "storytelling"}, []),
        ({"track": "managers"}, ["Sponsoring experiments"]),
        ({"track": "everyone"}, ["Data for decisions", "Prototyping public services"]),
        ({"kind": "workshop"}, ["Prototyping public services"]),
        ({"kind": "course"}, ["Data for decisions", "Sponsoring experiments"]),
        ({"kind": "course", "track": "everyone"}, ["Data for decisions"]),
        ({"q": "DATA"}, ["Data for decisions"]),
        # The words are looked for in the summary too.
        ({"q": "fail safely"}, ["Sponsoring experiments"]),
        ({"q": "dashboard", "skill": "iteration"}, []),
    ],
)
def test_the_catalogue_filters(shelf, query, expected):
    assert titles(**query) == expected


@pytest.mark.parametrize(
    "query",
    [
        {"skill": "juggling"},
        {"track": "ministers"},
        {"kind": "lecture"},
        {"skill": "", "track": "", "kind": "", "q": ""},
        {"q": "   "},
        {"skill": ["iteration"]},
    ],
)
def test_a_filter_value_not_among_the_choices_is_ignored(shelf, query):
    assert len(titles(**query)) == 3


def test_the_catalogue_page_filters_and_ignores_what_it_does_not_know(client, shelf):
    page = Page(client.get("/learning/?skill=data_literacy"))
    assert "Data for decisions" in page.text() and "Prototyping public services" not in page.text()
    for address in ("/learning/?skill=juggling&track=x&kind=%00&q=%00", "/learning/?page=-4&q=" + "a" * 500):
        response = client.get(address)
        assert response.status_code == 200, address
    page = Page(client.get("/learning/?skill=juggling&track=ministers"))
    assert "3 courses" in page.text()
    page = Page(client.get("/learning/?q=nothing+like+this"))
    assert "No course matches these filters." in page.text()


def test_the_next_session_is_the_first_upcoming_one_not_cancelled(programme_manager, course, session_in):
    session_in("over")
    later = session_in("upcoming")
    session_in("cancelled", starts_at=later.starts_at - timedelta(hours=1))
    [found] = catalogue()
    assert found.next_session == later.starts_at


def test_the_catalogue_and_a_course_page_are_read_by_a_visitor(client, shelf, session):
    page = Page(client.get("/learning/"))
    assert page.response.status_code == 200
    assert page.link("Prototyping public services") == shelf["prototyping"].get_absolute_url()
    assert "Add a course" not in page.text()
    response = client.get(shelf["prototyping"].get_absolute_url())
    assert response.status_code == 200
    page = Page(response)
    assert "Iteration" in page.text() and "User centricity" in page.text() and "12 hours" in page.text()
    assert "Schedule a session" not in page.text() and "Edit the course" not in page.text()
    assert "Sessions to come" in page.headings()
    assert client.get("/learning/courses/999999/").status_code == 404


def test_a_withdrawn_course_page_is_still_read_and_says_so(client, programme_manager, course):
    services.course_withdraw(actor=programme_manager, course=course)
    page = Page(client.get(course.get_absolute_url()))
    assert "This course is withdrawn from the catalogue" in page.text()


def _queries(client, address):
    client.get(address)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def _courses(programme_manager, trainer, first, n):
    for number in range(first, first + n):
        course = services.course_add(
            actor=programme_manager, **course_answers(title=f"Course {number:02}", skills=["iteration", "curiosity"])
        )
        session_services.session_schedule(actor=programme_manager, course=course, **session_answers(trainer))


def test_the_catalogue_makes_as_many_queries_with_12_courses_as_with_2(client, programme_manager, trainer):
    _courses(programme_manager, trainer, 0, 2)
    few = _queries(client, "/learning/")
    _courses(programme_manager, trainer, 2, 10)
    many = _queries(client, "/learning/")
    assert len(few) == len(many), "\n".join(["with 2:", *few, "", "with 12:", *many])
    assert "Course 11" in Page(client.get("/learning/")).text()


def test_a_course_page_makes_as_many_queries_with_5_sessions_as_with_1(client, programme_manager, course, trainer):
    answers = session_answers(trainer)
    session_services.session_schedule(actor=programme_manager, course=course, **answers)
    few = _queries(client, course.get_absolute_url())
    for _ in range(4):
        session_services.session_schedule(actor=programme_manager, course=course, **answers)
    many = _queries(client, course.get_absolute_url())
    assert len(few) == len(many), "\n".join(["with 1:", *few, "", "with 5:", *many])
