"""Learning paths: a programme manager puts from two to eight courses of the catalogue in order
under a title, changes the path (refused when someone saved it meanwhile, showing what changed)
and withdraws it; no one else may. Anyone reads a path with its courses in order and their next
session; a signed-in person also reads how far they have come, counting only valid
certificates. The paths are listed by track, a course's page names the paths it is on, and the
API gives both; bad input is answered beside its field or with a 422, never a 500, and each
page makes as many queries whatever the number of courses and paths."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.template.defaultfilters import date as date_filter
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ponte.core import versions
from ponte.core.models import AuditEvent
from ponte.learning.models import (
    MAX_STEPS,
    MIN_STEPS,
    Certificate,
    Course,
    Enrolment,
    EnrolmentStatus,
    LearningPath,
    PathStep,
    Session,
)
from ponte.learning.queries import paths as queries
from ponte.learning.services import catalogue as catalogue_services
from ponte.learning.services import paths as services
from ponte.learning.services import sessions as session_services
from ponte.learning.views.paths import SUGGESTIONS_SHOWN
from tests.factories import UserFactory
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
TITLES = [
    "Asking better questions",
    "Designing with the people a service is for",
    "Test small, learn fast",
    "Telling the story of a change",
]
STEPS_MESSAGE = f"Put from {MIN_STEPS} to {MAX_STEPS} courses on the path, in order."
NOT_IN_CATALOGUE = "Choose courses in the catalogue, from the suggestions."
TWICE = "A course comes once on a path."
NOT_CHOSEN = "Choose the course from the suggestions."


def add_courses(manager, titles, **changes) -> list[Course]:
    return [catalogue_services.course_add(actor=manager, **course_answers(title=title, **changes)) for title in titles]


def path_answers(courses, **changes) -> dict:
    """A path's answers, its courses in the order given, unless changed."""
    return {
        "title": "From an idea to a tested service",
        "summary": "Ask, design with the people concerned, test small, and tell what you learnt.",
        "description": "For public servants who want to improve a service, one course after another.",
        "track": "everyone",
        "courses": [course.pk for course in courses],
        **changes,
    }


def typed(course) -> str:
    """A course as a suggestion writes it in its field."""
    return f"#{course.pk} {course.title}"


def path_form(courses, **changes) -> dict:
    """The path form as sent: each course chosen from the suggestions, in order."""
    answers = path_answers(courses)
    del answers["courses"]
    answers.update({f"course_{number}": typed(course) for number, course in enumerate(courses, start=1)})
    return {**answers, **changes}


def held(path) -> list[int]:
    """The path's courses, by id, in the order of their positions (which run 1..n)."""
    steps = list(PathStep.objects.filter(path=path).order_by("position").values_list("position", "course_id"))
    assert [position for position, _course in steps] == list(range(1, len(steps) + 1))
    return [course for _position, course in steps]


def events(path, verb):
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(LearningPath), target_id=str(path.pk), verb=verb
    )


def refusal(error) -> dict:
    return error.value.message_dict


@pytest.fixture
def shelf(programme_manager) -> list[Course]:
    """Four courses of the catalogue, in the order of TITLES."""
    return add_courses(programme_manager, TITLES)


@pytest.fixture
def path(programme_manager, shelf) -> LearningPath:
    """A path of the four courses, in the order of the shelf."""
    return services.path_add(actor=programme_manager, **path_answers(shelf))


# Adding ------------------------------------------------------------------------------------


def test_a_programme_manager_adds_a_path_its_courses_in_order_and_it_is_audited(programme_manager, shelf):
    first, second, third, fourth = shelf
    order = [third, first, fourth, second]
    made = services.path_add(actor=programme_manager, **path_answers(order, title="  Spaced title  "))
    found = LearningPath.objects.get()
    assert found == made and found.title == "Spaced title" and found.track == "everyone"
    assert found.version == 1 and found.withdrawn_at is None and found.created_by == programme_manager
    assert held(found) == [course.pk for course in order]
    event = events(found, "add").get()
    assert event.actor == programme_manager
    assert event.after["courses"] == [course.pk for course in order] and event.after["version"] == 1
    assert event.after["title"] == "Spaced title" and event.after["track"] == "everyone"


@pytest.mark.parametrize("count", [MIN_STEPS, MAX_STEPS])
def test_from_two_to_eight_courses_are_accepted(programme_manager, count):
    courses = add_courses(programme_manager, [f"Course {number}" for number in range(count)])
    made = services.path_add(actor=programme_manager, **path_answers(list(reversed(courses))))
    assert held(made) == [course.pk for course in reversed(courses)]


@pytest.mark.parametrize(("count", "message"), [(0, STEPS_MESSAGE), (1, STEPS_MESSAGE), (MAX_STEPS + 1, STEPS_MESSAGE)])
def test_too_few_or_too_many_courses_are_refused(programme_manager, count, message):
    courses = add_courses(programme_manager, [f"Course {number}" for number in range(count)])
    with pytest.raises(ValidationError) as error:
        services.path_add(actor=programme_manager, **path_answers(courses))
    assert refusal(error) == {"courses": [message]}
    assert not LearningPath.objects.exists() and not PathStep.objects.exists()


def test_a_course_twice_a_withdrawn_course_or_an_unknown_one_is_refused(programme_manager, shelf):
    first, second, _third, fourth = shelf
    catalogue_services.course_withdraw(actor=programme_manager, course=fourth)
    for courses, message in (
        ([first.pk, second.pk, first.pk], TWICE),
        ([first.pk, second.pk, fourth.pk], NOT_IN_CATALOGUE),
        ([first.pk, 999_999], NOT_IN_CATALOGUE),
    ):
        with pytest.raises(ValidationError) as error:
            services.path_add(actor=programme_manager, **{**path_answers([]), "courses": courses})
        assert refusal(error) == {"courses": [message]}, courses
    assert not LearningPath.objects.exists() and not PathStep.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Give the path a title."),
        ({"title": "   "}, "title", "Give the path a title."),
        ({"title": "x" * 201}, "title", "Write at most 200 characters."),
        ({"summary": ""}, "summary", "Say in a sentence where the path leads."),
        ({"description": ""}, "description", "Describe the path: for whom, and what they can do at its end."),
        ({"description": "Nul\x00"}, "description", "The text contains characters that are not allowed."),
        ({"track": ""}, "track", "Choose who the path is for."),
        ({"track": None}, "track", "Choose who the path is for."),
        ({"track": "ministers"}, "track", "Choose who the path is for."),
    ],
)
def test_each_missing_or_bad_answer_is_named(programme_manager, shelf, changes, field, message):
    with pytest.raises(ValidationError) as error:
        services.path_add(actor=programme_manager, **path_answers(shelf, **changes))
    assert refusal(error) == {field: [message]}
    assert not LearningPath.objects.exists()


def test_every_bad_answer_is_named_at_once(programme_manager, shelf):
    with pytest.raises(ValidationError) as error:
        services.path_add(
            actor=programme_manager, **path_answers(shelf[:1], title="", summary="", description="", track="")
        )
    assert set(refusal(error)) == {"title", "summary", "description", "track", "courses"}


def test_a_field_a_path_does_not_have_is_a_programming_error(programme_manager, shelf):
    with pytest.raises(ValueError, match="hours"):
        services.path_add(actor=programme_manager, **path_answers(shelf), hours=3)


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_no_one_but_a_programme_manager_adds_a_path(person_in_role, role, shelf):
    with pytest.raises(PermissionDenied):
        services.path_add(actor=person_in_role(role), **path_answers(shelf))
    assert not LearningPath.objects.exists()


# Changing ----------------------------------------------------------------------------------


def test_reordering_the_courses_is_a_change_of_courses_moving_the_version(programme_manager, shelf, path):
    first, second, third, fourth = shelf
    order = [fourth, third, second, first]
    names = services.path_update(actor=programme_manager, path=path, seen_version=1, **path_answers(order))
    assert names == ["courses"]
    path.refresh_from_db()
    assert path.version == 2 and held(path) == [course.pk for course in order]
    event = events(path, "update").get()
    assert event.before == {"courses": [course.pk for course in shelf], "version": 1}
    assert event.after == {"courses": [course.pk for course in order], "version": 2}


def test_changing_the_words_and_the_courses_names_both(programme_manager, shelf, path):
    [extra] = add_courses(programme_manager, ["Open by default"])
    names = services.path_update(
        actor=programme_manager,
        path=path,
        seen_version=1,
        **path_answers([shelf[0], extra], title="Shorter", track="managers"),
    )
    assert set(names) == {"title", "track", "courses"}
    path.refresh_from_db()
    assert (path.title, path.track, path.version) == ("Shorter", "managers", 2)
    assert held(path) == [shelf[0].pk, extra.pk]


def test_saving_without_a_change_writes_nothing(programme_manager, shelf, path):
    assert services.path_update(actor=programme_manager, path=path, seen_version=1, **path_answers(shelf)) == []
    path.refresh_from_db()
    assert path.version == 1 and not events(path, "update").exists()


def test_a_bad_change_is_refused_and_nothing_is_written(programme_manager, shelf, path):
    with pytest.raises(ValidationError) as error:
        services.path_update(actor=programme_manager, path=path, seen_version=1, **path_answers(shelf[:1], title="New"))
    assert refusal(error) == {"courses": [STEPS_MESSAGE]}
    path.refresh_from_db()
    assert path.title == "From an idea to a tested service" and path.version == 1
    assert held(path) == [course.pk for course in shelf]


def test_a_stale_save_is_refused_naming_what_changed_and_nothing_is_written(programme_manager, shelf, path):
    first, second, third, fourth = shelf
    services.path_update(
        actor=programme_manager, path=path, seen_version=1, **path_answers([second, first, third, fourth])
    )
    with pytest.raises(versions.StaleEdit) as stale:
        services.path_update(
            actor=programme_manager, path=path, seen_version=1, **path_answers([first, second], title="Mine")
        )
    assert stale.value.current_version == 2
    assert [change.field for change in stale.value.changes] == ["courses"]
    path.refresh_from_db()
    assert path.title == "From an idea to a tested service" and path.version == 2
    assert held(path) == [second.pk, first.pk, third.pk, fourth.pk]
    # Made knowingly from the new version, the save goes through.
    services.path_update(
        actor=programme_manager, path=path, seen_version=2, **path_answers([first, second], title="Mine")
    )
    path.refresh_from_db()
    assert path.title == "Mine" and held(path) == [first.pk, second.pk] and path.version == 3


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_no_one_but_a_programme_manager_changes_or_withdraws_a_path(person_in_role, role, shelf, path):
    person = person_in_role(role)
    with pytest.raises(PermissionDenied):
        services.path_update(actor=person, path=path, seen_version=1, **path_answers(shelf[:2], title="Mine"))
    with pytest.raises(PermissionDenied):
        services.path_withdraw(actor=person, path=path)
    path.refresh_from_db()
    assert path.title == "From an idea to a tested service" and path.withdrawn_at is None
    assert held(path) == [course.pk for course in shelf]


# Withdrawing -------------------------------------------------------------------------------


def test_a_withdrawn_path_leaves_the_catalogue_and_cannot_be_changed(programme_manager, shelf, path):
    services.path_withdraw(actor=programme_manager, path=path)
    path.refresh_from_db()
    assert path.withdrawn_at is not None
    assert events(path, "withdraw").get().after == {"withdrawn": True}
    assert list(queries.paths()) == [] and list(queries.paths_of_course(shelf[0])) == []
    # Its page is still read, its courses kept.
    assert queries.path_for(path.pk) == path and held(path) == [course.pk for course in shelf]
    with pytest.raises(PermissionDenied):
        services.path_update(actor=programme_manager, path=path, seen_version=1, **path_answers(shelf, title="Revived"))
    with pytest.raises(PermissionDenied):
        services.path_withdraw(actor=programme_manager, path=path)
    path.refresh_from_db()
    assert path.title == "From an idea to a tested service"


# The path's page ---------------------------------------------------------------------------


def steps_read(page) -> list[str]:
    """The path's courses as read, in order."""
    [listed] = page.main.xpath(".//ol[contains(@class, 'task-list')]")
    return page.items(listed)


def shown(moment) -> str:
    return date_filter(timezone.localtime(moment), "DATE_FORMAT")


def certify(person, course, trainer, *, revoked=False) -> Certificate:
    """A certificate of the course for the person, who came to a session of it that is over."""
    ended = timezone.now() - timedelta(days=3)
    session = Session.objects.create(
        course=course,
        starts_at=ended - timedelta(hours=6),
        ends_at=ended,
        place="Room 4.12",
        capacity=10,
        trainer=trainer,
        created_by=trainer,
    )
    enrolment = Enrolment.objects.create(
        session=session,
        person=person,
        status=EnrolmentStatus.ENROLLED,
        queued_at=session.starts_at - timedelta(days=5),
        enrolled_at=session.starts_at - timedelta(days=5),
        attended=True,
        attendance_recorded_at=ended,
    )
    return Certificate.objects.create(
        enrolment=enrolment,
        person=person,
        name=person.name,
        course_title=course.title,
        hours=course.hours,
        completed_on=ended.date(),
        issued_at=ended,
        revoked_at=ended + timedelta(hours=1) if revoked else None,
    )


def test_a_visitor_reads_the_courses_in_order_with_their_next_session(client, programme_manager, shelf, path, trainer):
    first, second, third, fourth = shelf
    services.path_update(
        actor=programme_manager, path=path, seen_version=1, **path_answers([third, first, fourth, second])
    )
    session = session_services.session_schedule(actor=programme_manager, course=first, **session_answers(trainer))
    # A cancelled session, even a sooner one, and one over are not the next.
    for starts, cancelled in ((timedelta(days=2), True), (-timedelta(days=2), False)):
        Session.objects.create(
            course=first,
            starts_at=timezone.now() + starts,
            ends_at=timezone.now() + starts + timedelta(hours=3),
            place="Elsewhere",
            capacity=5,
            trainer=trainer,
            created_by=programme_manager,
            cancelled_at=timezone.now() if cancelled else None,
        )
    page = Page(client.get(path.get_absolute_url()))
    assert page.headings()[0] == "From an idea to a tested service"
    read = steps_read(page)
    assert [step.split(" 12 hours")[0] for step in read] == [third.title, first.title, fourth.title, second.title]
    assert read[1] == f"{first.title} 12 hours · next session on {shown(session.starts_at)}"
    assert read[0] == f"{third.title} 12 hours · no session scheduled yet"
    assert page.link(first.title) == first.get_absolute_url()
    text = page.text()
    assert "You have done" not in text and "Done" not in text and "To do" not in text
    assert page.links("Edit the path") == [] and page.links("Withdraw the path") == []
    assert page.link("Learning paths") == "/learning/paths/"


def test_a_missing_path_answers_404(client, login, programme_manager):
    assert client.get("/learning/paths/999999/").status_code == 404
    # The managers' pages of a missing path ask a visitor to sign in, and answer 404 after.
    assert client.get("/learning/paths/999999/edit/").url.startswith("/accounts/login/")
    client = login(programme_manager)
    for address in ("/learning/paths/999999/", "/learning/paths/999999/edit/", "/learning/paths/999999/withdraw/"):
        assert client.get(address).status_code == 404, address


def test_a_signed_in_person_reads_how_far_they_have_come(login, citizen, shelf, path, trainer):
    _first, second, third, fourth = shelf
    certify(citizen, second, trainer)
    # A revoked certificate does not count, nor does another person's.
    certify(citizen, third, trainer, revoked=True)
    certify(UserFactory(), fourth, trainer)
    page = Page(login(citizen).get(path.get_absolute_url()))
    assert "You have done 1 of its 4 courses." in page.text()
    assert "The path is done." not in page.text()
    assert [step.rpartition(" · ")[2].split(" ", 4)[-1] for step in steps_read(page)] == [
        "To do",
        "Done",
        "To do",
        "To do",
    ]


def test_the_path_is_done_when_each_course_has_a_valid_certificate(login, citizen, shelf, path, trainer):
    for course in shelf:
        certify(citizen, course, trainer)
    # A second certificate of a course counts once.
    certify(citizen, shelf[0], trainer)
    page = Page(login(citizen).get(path.get_absolute_url()))
    assert "You have done 4 of its 4 courses. The path is done." in page.text()
    assert all(step.endswith("Done") for step in steps_read(page))


def test_a_signed_in_person_with_no_certificate_has_all_to_do(login, citizen, path):
    page = Page(login(citizen).get(path.get_absolute_url()))
    assert "You have done 0 of its 4 courses." in page.text()
    assert all(step.endswith("To do") for step in steps_read(page))


def test_a_withdrawn_path_is_still_read_and_says_so(client, programme_manager, path):
    services.path_withdraw(actor=programme_manager, path=path)
    page = Page(client.get(path.get_absolute_url()))
    assert "This path is withdrawn from the catalogue." in page.text()
    assert len(steps_read(page)) == 4


# The list of paths and a course's page ------------------------------------------------------


@pytest.fixture
def paths_by_track(programme_manager, shelf, path):
    """The path for everyone, a managers' path, and a withdrawn path for everyone."""
    managers = services.path_add(
        actor=programme_manager,
        **path_answers(shelf[2:], title="Leading an experimenting team", track="managers"),
    )
    gone = services.path_add(actor=programme_manager, **path_answers(shelf[:2], title="An old path"))
    services.path_withdraw(actor=programme_manager, path=gone)
    return {"everyone": path, "managers": managers, "withdrawn": gone}


def listed(response) -> list[str]:
    page = Page(response)
    return [" ".join(h.text_content().split()) for h in page.main.xpath(".//ul[@class='results']//h2")]


def test_the_list_of_paths_filters_by_track_and_leaves_out_withdrawn_paths(client, paths_by_track):
    everyone = ["From an idea to a tested service"]
    assert listed(client.get("/learning/paths/")) == [
        "From an idea to a tested service",
        "Leading an experimenting team",
    ]
    assert listed(client.get("/learning/paths/?track=everyone")) == everyone
    assert listed(client.get("/learning/paths/?track=managers")) == ["Leading an experimenting team"]
    page = Page(client.get("/learning/paths/"))
    assert page.row_text("From an idea to a tested service").endswith("4 courses · Everyone")
    assert page.row_text("Leading an experimenting team").endswith("2 courses · Managers")
    assert page.links("Add a learning path") == []


@pytest.mark.parametrize(
    "query", ["?track=ministers", "?track=", "?track=%00", "?track=managers&track=x", "?page=-3", "?page=x&track=e"]
)
def test_a_track_not_among_the_choices_is_ignored_never_a_500(client, paths_by_track, query):
    response = client.get("/learning/paths/" + query)
    assert response.status_code == 200
    assert len(listed(response)) == 2


def test_the_list_says_when_there_is_no_path_and_offers_a_manager_to_add_one(login, citizen, programme_manager):
    assert "No learning path yet." in Page(login(citizen).get("/learning/paths/")).text()
    assert Page(login(citizen).get("/learning/paths/")).links("Add a learning path") == []
    page = Page(login(programme_manager).get("/learning/paths/"))
    assert page.link("Add a learning path") == "/learning/paths/new/"


def test_a_course_page_names_the_paths_it_is_on_but_not_the_withdrawn(client, shelf, paths_by_track):
    first, _second, third, _fourth = shelf
    page = Page(client.get(third.get_absolute_url()))
    assert "On the learning paths: From an idea to a tested service · Leading an experimenting team" in page.text()
    assert page.link("Leading an experimenting team") == paths_by_track["managers"].get_absolute_url()
    # The first course is on the path for everyone and on the withdrawn one: only the first named.
    page = Page(client.get(first.get_absolute_url()))
    assert "On the learning paths: From an idea to a tested service" in page.text()
    assert page.links("An old path") == []
    [alone] = add_courses(paths_by_track["everyone"].created_by, ["On no path"])
    assert "On the learning paths" not in Page(client.get(alone.get_absolute_url())).text()


# Adding, changing and withdrawing on the web -------------------------------------------------


def test_a_programme_manager_adds_a_path_from_the_suggestions(login, programme_manager, shelf):
    client = login(programme_manager)
    add = Page(client.get("/learning/paths/")).link("Add a learning path")
    page = Page(client.get(add))
    assert page.labels() == [
        "Title",
        "Summary",
        "Description",
        "For whom",
        "Course 1",
        "Course 2",
        *(f"Course {number} (optional)" for number in range(3, 9)),
    ]
    fields = page.main.xpath(".//input[starts-with(@name, 'course_')]")
    assert {field.get("data-suggestions") for field in fields} == {"/learning/courses/suggestions/"}
    found = client.get("/learning/courses/suggestions/", {"q": "story"}).json()["results"]
    assert found == [{"value": typed(shelf[3]), "name": f"{shelf[3].title} (#{shelf[3].pk})"}]
    order = [shelf[3], shelf[0], shelf[2]]
    response = client.post(add, path_form(order, track="managers"), follow=True)
    made = LearningPath.objects.get()
    assert response.redirect_chain[-1][0] == made.get_absolute_url()
    assert "The path is in the catalogue." in Page(response).text()
    assert held(made) == [course.pk for course in order] and made.track == "managers"


def test_a_course_typed_but_not_chosen_is_refused_keeping_what_was_typed(login, programme_manager, shelf):
    sent = path_form(shelf[:2], course_3="Telling the story", summary="Typed with care.")
    response = login(programme_manager).post("/learning/paths/new/", sent)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["course_3"] == [NOT_CHOSEN]
    assert form["course_3"].value() == "Telling the story"
    assert form["course_1"].value() == typed(shelf[0]) and form["summary"].value() == "Typed with care."
    assert NOT_CHOSEN in Page(response).text()
    assert not LearningPath.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Give the path a title."),
        ({"summary": ""}, "summary", "Say in a sentence where the path leads."),
        ({"description": ""}, "description", "Describe the path: for whom, and what they can do at its end."),
        ({"track": ""}, "track", "Choose who the path is for."),
        ({"course_2": ""}, "course_1", STEPS_MESSAGE),
        ({"course_2": "#999999 Gone"}, "course_1", NOT_IN_CATALOGUE),
        ({"course_2": "#1234567890 Too long a number"}, "course_2", NOT_CHOSEN),
        ({"course_2": "#0"}, "course_1", NOT_IN_CATALOGUE),
    ],
)
def test_a_bad_path_form_names_the_field_and_keeps_what_was_typed(
    login, programme_manager, shelf, changes, field, message
):
    sent = path_form(shelf[:2], **{"summary": "Typed with care.", **changes})
    response = login(programme_manager).post("/learning/paths/new/", sent)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[field] == [message]
    for name, value in sent.items():
        assert form[name].value() == value, name
    assert not LearningPath.objects.exists()


def test_a_course_twice_on_the_form_is_refused_beside_the_first_course(login, programme_manager, shelf):
    sent = path_form([shelf[0], shelf[1], shelf[0]])
    response = login(programme_manager).post("/learning/paths/new/", sent)
    assert response.context["form"].errors["course_1"] == [TWICE]
    assert not LearningPath.objects.exists()


def test_the_edit_page_holds_the_courses_in_order_and_saves_a_new_order(login, programme_manager, shelf, path):
    client = login(programme_manager)
    edit = Page(client.get(path.get_absolute_url())).link("Edit the path")
    form = client.get(edit).context["form"]
    assert form.initial["version"] == 1
    assert [form.initial.get(f"course_{n}") for n in range(1, 6)] == [*(typed(c) for c in shelf), None]
    order = [shelf[1], shelf[0], shelf[3], shelf[2]]
    response = client.post(edit, {**path_form(order), "version": "1"}, follow=True)
    assert "The path is saved." in Page(response).text()
    assert held(path) == [course.pk for course in order]
    path.refresh_from_db()
    assert path.version == 2


def test_a_stale_edit_is_refused_showing_what_changed_and_keeping_what_was_typed(login, programme_manager, shelf, path):
    client = login(programme_manager)
    edit = f"/learning/paths/{path.pk}/edit/"
    assert client.get(edit).context["form"].initial["version"] == 1
    # Meanwhile another programme manager reorders the courses.
    other = UserFactory(name="Olivia Other", is_programme_manager=True)
    reordered = [shelf[3], shelf[2], shelf[1], shelf[0]]
    services.path_update(actor=other, path=path, seen_version=1, **path_answers(reordered))
    mine = {**path_form(shelf[:2], title="Mine"), "version": "1"}
    response = client.post(edit, mine)
    assert response.status_code == 200
    page = Page(response)
    assert "Someone saved this path after you opened it" in page.text()
    changes = page.part("What changed since you opened the page")
    [row] = changes.xpath(".//tbody/tr")
    cells = [" ".join(cell.text_content().split()) for cell in row]
    assert cells[0] == "Courses"
    assert cells[1] == ", ".join(course.title for course in reordered)
    assert cells[2].startswith("Olivia Other")
    form = response.context["form"]
    assert form["title"].value() == "Mine" and form["course_2"].value() == typed(shelf[1])
    path.refresh_from_db()
    assert path.title == "From an idea to a tested service" and held(path) == [c.pk for c in reordered]
    # Saved again knowingly, it goes through.
    response = client.post(edit, response.context["form"].data)
    assert response.status_code == 302
    path.refresh_from_db()
    assert path.title == "Mine" and held(path) == [shelf[0].pk, shelf[1].pk] and path.version == 3


def test_a_programme_manager_withdraws_a_path_and_it_cannot_be_changed_after(login, programme_manager, path):
    client = login(programme_manager)
    withdraw = Page(client.get(path.get_absolute_url())).link("Withdraw the path")
    assert "leaves the catalogue of paths" in Page(client.get(withdraw)).text()
    page = Page(client.post(withdraw, follow=True))
    assert "The path is withdrawn from the catalogue." in page.text()
    assert page.links("Edit the path") == [] and page.links("Withdraw the path") == []
    path.refresh_from_db()
    assert path.withdrawn_at is not None
    assert client.get(f"/learning/paths/{path.pk}/edit/").status_code == 403
    assert client.post(f"/learning/paths/{path.pk}/edit/", {"title": "x"}).status_code == 403
    assert client.post(withdraw).status_code == 403


@pytest.mark.parametrize("role", ["citizen", "public_servant"])
def test_no_one_else_may_open_the_managers_pages(login, person_in_role, role, shelf, path):
    client = login(person_in_role(role))
    assert client.get("/learning/paths/new/").status_code == 403
    assert client.post("/learning/paths/new/", path_form(shelf)).status_code == 403
    assert client.get(f"/learning/paths/{path.pk}/edit/").status_code == 403
    assert client.post(f"/learning/paths/{path.pk}/edit/", {**path_form(shelf[:2]), "version": "1"}).status_code == 403
    assert client.get(f"/learning/paths/{path.pk}/withdraw/").status_code == 403
    assert client.post(f"/learning/paths/{path.pk}/withdraw/").status_code == 403
    assert client.get("/learning/courses/suggestions/", {"q": "test"}).status_code == 403
    page = Page(client.get(path.get_absolute_url()))
    assert page.links("Edit the path") == [] and page.links("Withdraw the path") == []
    assert LearningPath.objects.count() == 1
    path.refresh_from_db()
    assert path.withdrawn_at is None and path.version == 1


def test_a_visitor_is_asked_to_sign_in_for_the_managers_pages(client, path):
    for address in (
        "/learning/paths/new/",
        f"/learning/paths/{path.pk}/edit/",
        f"/learning/paths/{path.pk}/withdraw/",
        "/learning/courses/suggestions/?q=test",
    ):
        response = client.get(address)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), address


# Course suggestions ------------------------------------------------------------------------


def test_suggestions_are_courses_in_the_catalogue_ten_at_most(login, programme_manager):
    courses = add_courses(programme_manager, [f"Prototyping {number:02}" for number in range(12)])
    catalogue_services.course_withdraw(actor=programme_manager, course=courses[0])
    add_courses(programme_manager, ["Data for decisions"])
    client = login(programme_manager)
    found = client.get("/learning/courses/suggestions/", {"q": "PROTOtyping"}).json()["results"]
    assert len(found) == SUGGESTIONS_SHOWN == 10
    assert [item["value"] for item in found] == [typed(course) for course in courses[1:11]]
    assert client.get("/learning/courses/suggestions/", {"q": "Prototyping 00"}).json() == {"results": []}
    # Fewer than two characters, or nothing, suggests nothing; odd input is no error.
    for query in ({"q": "P"}, {}, {"q": "  "}, {"q": "\x00\x00"}, {"q": "%" * 300}):
        response = client.get("/learning/courses/suggestions/", query)
        assert response.status_code == 200 and response.json() == {"results": []}, query


# The API -----------------------------------------------------------------------------------


def test_the_api_lists_the_paths_in_the_catalogue_filtered_by_track(client, paths_by_track):
    found = client.get("/api/learning/paths").json()
    assert found["count"] == 2
    first = found["items"][0]
    everyone = paths_by_track["everyone"]
    assert first == {
        "id": everyone.pk,
        "url": f"http://testserver/learning/paths/{everyone.pk}/",
        "title": "From an idea to a tested service",
        "summary": everyone.summary,
        "track": "everyone",
    }
    managers = client.get("/api/learning/paths?track=managers").json()
    assert [item["title"] for item in managers["items"]] == ["Leading an experimenting team"]
    assert client.get("/api/learning/paths?track=everyone").json()["count"] == 1


def test_the_api_gives_a_path_with_its_courses_in_order(client, programme_manager, shelf, path, trainer):
    first, second, third, fourth = shelf
    services.path_update(
        actor=programme_manager, path=path, seen_version=1, **path_answers([fourth, first, second, third])
    )
    session = session_services.session_schedule(actor=programme_manager, course=first, **session_answers(trainer))
    found = client.get(f"/api/learning/paths/{path.pk}").json()
    assert found["id"] == path.pk and found["withdrawn"] is False and found["track"] == "everyone"
    assert found["description"] == path.description
    assert [(step["position"], step["course"], step["title"]) for step in found["courses"]] == [
        (1, fourth.pk, fourth.title),
        (2, first.pk, first.title),
        (3, second.pk, second.title),
        (4, third.pk, third.title),
    ]
    assert found["courses"][0]["next_session"] is None
    assert found["courses"][1]["next_session"] is not None
    assert parse_datetime(found["courses"][1]["next_session"]) == session.starts_at
    # A withdrawn path is still given, and says so; it is no longer listed.
    services.path_withdraw(actor=programme_manager, path=path)
    assert client.get(f"/api/learning/paths/{path.pk}").json()["withdrawn"] is True
    assert client.get("/api/learning/paths").json()["count"] == 0


def test_the_api_answers_404_for_a_missing_path_and_422_for_a_bad_track(client, path):
    assert client.get("/api/learning/paths/999999").status_code == 404
    assert client.get("/api/learning/paths/0").status_code == 422
    assert client.get("/api/learning/paths/x").status_code == 422
    answer = client.get("/api/learning/paths?track=ministers")
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["location"] == "query.track"
    assert client.get("/api/learning/paths?track=%00").status_code == 422


# Queries -----------------------------------------------------------------------------------


def _queries(client, address):
    client.get(address)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def _path_of(manager, trainer, count, title):
    courses = add_courses(manager, [f"{title} course {number}" for number in range(count)])
    for course in courses:
        session_services.session_schedule(actor=manager, course=course, **session_answers(trainer))
    return services.path_add(actor=manager, **path_answers(courses, title=title)), courses


def test_a_path_page_makes_as_many_queries_with_8_courses_as_with_2(login, citizen, programme_manager, trainer):
    few, few_courses = _path_of(programme_manager, trainer, MIN_STEPS, "Few")
    many, many_courses = _path_of(programme_manager, trainer, MAX_STEPS, "Many")
    for course in (*few_courses[:1], *many_courses[:5]):
        certify(citizen, course, trainer)
    for person in (None, citizen):
        client = login(person)
        with_few = _queries(client, few.get_absolute_url())
        with_many = _queries(client, many.get_absolute_url())
        assert len(with_few) == len(with_many), "\n".join(["with 2:", *with_few, "", "with 8:", *with_many])
    assert "You have done 5 of its 8 courses." in Page(client.get(many.get_absolute_url())).text()


def test_the_list_of_paths_makes_as_many_queries_with_20_paths_as_with_3(client, programme_manager, shelf):
    def add(first, n):
        for number in range(first, first + n):
            services.path_add(
                actor=programme_manager, **path_answers(shelf[: 2 + number % 3], title=f"Path {number:02}")
            )

    add(0, 3)
    few = _queries(client, "/learning/paths/")
    add(3, 17)
    many = _queries(client, "/learning/paths/")
    assert len(few) == len(many), "\n".join(["with 3:", *few, "", "with 20:", *many])
    assert "Path 19" in Page(client.get("/learning/paths/")).text()
    api_few = _queries(client, "/api/learning/paths?limit=3")
    api_many = _queries(client, "/api/learning/paths?limit=20")
    assert len(api_few) == len(api_many)
