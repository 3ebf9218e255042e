"""Learning's pages, for each person: a visitor reads the catalogue and the sessions and is asked
to sign in to enrol; a signed-in person enrols, waits, asks their manager and cancels, told each
time what happened; the trainer and the programme managers read who takes part; the online
link is for those enrolled; an organisation admin answers the requests of their organisations
only; a programme manager keeps the catalogue and the sessions. Bad input is answered beside its
field with what was typed kept, objects one may not see answer 404, and nothing sent makes a 500."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ponte.learning.models import Course, Enrolment, Session
from ponte.learning.services import enrolments as enrolment_services
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.reading import Page

from .conftest import course_answers, received, statuses

pytestmark = pytest.mark.django_db

LINK = "https://meet.example.org/prototyping"


def buttons(page) -> list[str]:
    return [" ".join(button.text_content().split()) for button in page.main.xpath(".//button")]


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def enrolment_of(person, session) -> Enrolment:
    return Enrolment.objects.filter(person=person, session=session).latest("pk")


@pytest.fixture
def approved(session):
    session.needs_approval = True
    session.save(update_fields=["needs_approval"])
    return session


# The catalogue -----------------------------------------------------------------------------


def test_a_visitor_reads_the_catalogue_without_the_managers_buttons(client, course, session):
    page = Page(client.get("/learning/"))
    assert "Prototyping public services" in page.text()
    assert page.links("Add a course") == [] and page.links("Your learning") == []
    page = Page(client.get(course.get_absolute_url()))
    assert page.links("Schedule a session") == [] and page.links("Edit the course") == []
    assert "3 places left of 3" in page.text()
    assert client.get("/learning/courses/new/").url.startswith("/accounts/login/")


def test_a_signed_in_person_finds_their_learning_but_no_managers_button(login, citizen, course):
    client = login(citizen)
    page = Page(client.get("/learning/"))
    assert page.link("Your learning") == "/learning/mine/"
    assert page.links("Add a course") == []
    assert client.get("/learning/courses/new/").status_code == 403
    assert client.get(f"/learning/courses/{course.pk}/edit/").status_code == 403
    assert client.post(f"/learning/courses/{course.pk}/withdraw/").status_code == 403
    assert client.get(f"/learning/courses/{course.pk}/sessions/new/").status_code == 403
    assert client.get("/learning/people/?q=tom").status_code == 403
    course.refresh_from_db()
    assert course.withdrawn_at is None


def _course_form(**changes) -> dict:
    answers = course_answers()
    return {**answers, **changes}


def test_a_programme_manager_adds_a_course_from_the_catalogue(login, programme_manager):
    client = login(programme_manager)
    page = Page(client.get("/learning/"))
    add = page.link("Add a course")
    assert "Skills it builds" in Page(client.get(add)).labels()
    response = client.post(add, _course_form(), follow=True)
    course = Course.objects.get()
    assert response.redirect_chain[-1][0] == course.get_absolute_url()
    page = Page(response)
    assert "The course is in the catalogue. Schedule its first session." in page.text()
    assert page.link("Schedule a session") == f"/learning/courses/{course.pk}/sessions/new/"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"hours": "twelve"}, "hours", "Give the length in whole hours."),
        ({"hours": "0"}, "hours", "Ensure this value is greater than or equal to 1."),
        ({"hours": "501"}, "hours", "Ensure this value is less than or equal to 500."),
        ({"skills": []}, "skills", "Choose at least one skill the course builds."),
        ({"skills": ["juggling"]}, "skills", "Select a valid choice. juggling is not one of the available choices."),
        ({"language": "xx"}, "language", "Select a valid choice. xx is not one of the available choices."),
        ({"kind": "lecture"}, "kind", "Select a valid choice. lecture is not one of the available choices."),
        ({"track": ""}, "track", "Choose who the course is for."),
        ({"title": ""}, "title", "Give the course a title."),
        ({"title": "   "}, "title", "Give the course a title."),
    ],
)
def test_a_bad_course_form_names_the_field_and_keeps_what_was_typed(login, programme_manager, changes, field, message):
    typed = _course_form(summary="Typed with care.", **changes)
    response = login(programme_manager).post("/learning/courses/new/", typed)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[field] == [message]
    assert form["summary"].value() == "Typed with care."
    assert not Course.objects.exists()


def test_a_stale_course_edit_is_refused_showing_what_changed(login, programme_manager, course):
    client = login(programme_manager)
    edit = Page(client.get(course.get_absolute_url())).link("Edit the course")
    form = client.get(edit).context["form"]
    assert form.initial["skills"] == ["iteration", "user_centricity"] and form.initial["version"] == 1
    typed = {**_course_form(skills=["storytelling"]), "version": "1"}
    response = client.post(edit, typed, follow=True)
    assert "The course is saved." in Page(response).text()
    response = client.post(edit, {**typed, "skills": ["curiosity"], "title": "Mine"})
    assert response.status_code == 200
    page = Page(response)
    assert "Someone saved this course after you opened it" in page.text()
    assert "Storytelling" in page.text()
    assert response.context["form"]["title"].value() == "Mine"
    course.refresh_from_db()
    assert course.title == "Prototyping public services" and course.skill_list == ["storytelling"]
    # Saved again knowingly, it goes through.
    response = client.post(edit, response.context["form"].data)
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.title == "Mine" and course.skill_list == ["curiosity"]


def test_a_programme_manager_withdraws_a_course(login, programme_manager, course):
    client = login(programme_manager)
    withdraw = Page(client.get(course.get_absolute_url())).link("Withdraw the course")
    assert client.get(withdraw).status_code == 200
    page = Page(client.post(withdraw, follow=True))
    assert "The course is withdrawn from the catalogue. Its scheduled sessions go on." in page.text()
    assert page.links("Schedule a session") == [] and page.links("Withdraw the course") == []
    assert client.post(withdraw).status_code == 403
    assert client.get(f"/learning/courses/{course.pk}/edit/").status_code == 403


# A session's page, for each person ---------------------------------------------------------------


def test_a_visitor_reads_a_session_and_is_asked_to_sign_in_to_enrol(client, session, enrol):
    enrol(session, 1)
    page = Page(client.get(session.get_absolute_url()))
    assert page.link("Sign in to enrol") == f"/accounts/login/?next={session.get_absolute_url()}"
    assert buttons(page) == []
    assert "Participants" not in page.headings()
    assert "Tomas Trainer" in page.text() and "2 places left of 3" in page.text()
    assert page.link("Add to your calendar (iCalendar file)") == f"/learning/sessions/{session.pk}/calendar.ics"
    assert client.post(f"/learning/sessions/{session.pk}/enrol/").url.startswith("/accounts/login/")
    assert not Enrolment.objects.exclude(status="enrolled").exists() and Enrolment.objects.count() == 1


def test_a_person_enrols_and_cancels_from_the_session_page(login, citizen, session):
    client = login(citizen)
    page = Page(client.get(session.get_absolute_url()))
    assert buttons(page) == ["Enrol"]
    response = client.post(f"/learning/sessions/{session.pk}/enrol/", follow=True)
    page = Page(response)
    assert "You are enrolled. Add the session to your calendar." in page.text()
    assert "Enrolled" in page.text() and buttons(page) == []
    cancel = page.link("Cancel your enrolment")
    assert Page(client.get(cancel)).headings()[-1] == "Cancel your enrolment"
    page = Page(client.post(cancel, follow=True))
    assert "Your enrolment is cancelled. Thank you for freeing the place." in page.text()
    assert buttons(page) == ["Enrol"]  # and may enrol again
    # Cancelling what is already cancelled says so.
    page = Page(client.post(cancel, follow=True))
    assert "This enrolment is no longer on." in page.text()


def test_a_full_session_offers_the_waiting_list_and_shows_ones_place_in_line(login, citizen, session, enrol):
    enrol(session, 3)
    [first] = enrol(session, 1)
    client = login(citizen)
    page = Page(client.get(session.get_absolute_url()))
    assert buttons(page) == ["Join the waiting list"]
    assert "Full · 1 person waiting" in page.text()
    page = Page(client.post(f"/learning/sessions/{session.pk}/enrol/", follow=True))
    assert "The session is full: you are on its waiting list" in page.text()
    assert "you are number 2 in line" in page.text()
    assert page.link("Leave the waiting list")
    page = Page(login(first).get(session.get_absolute_url()))
    assert "you are first in line" in page.text()


def test_enrolling_twice_or_too_late_is_told_on_the_page(login, citizen, session, session_in):
    client = login(citizen)
    client.post(f"/learning/sessions/{session.pk}/enrol/")
    page = Page(client.post(f"/learning/sessions/{session.pk}/enrol/", follow=True))
    assert "You are already enrolled in this session." in page.text()
    for phase, words in (
        ("running", "This session has already begun: choose a later session of the course."),
        ("cancelled", "This session is cancelled: choose another session of the course."),
    ):
        other = session_in(phase)
        page = Page(client.get(other.get_absolute_url()))
        assert buttons(page) == [] and "This session takes no more enrolments." in page.text()
        response = client.post(f"/learning/sessions/{other.pk}/enrol/", follow=True)
        assert words in Page(response).text()
    assert Enrolment.objects.count() == 1


def test_the_online_link_is_shown_to_those_enrolled_the_trainer_and_managers(
    login, citizen, session, trainer, programme_manager
):
    session.online_link = LINK
    session.save(update_fields=["online_link"])
    for person in (None, citizen):
        page = Page(login(person).get(session.get_absolute_url()))
        assert page.links(LINK) == [] and "The link is shown to those enrolled." in page.text()
    enrolment_services.enrol(actor=citizen, session=session)
    for person in (citizen, trainer, programme_manager):
        assert Page(login(person).get(session.get_absolute_url())).link(LINK) == LINK


def test_the_participants_are_read_by_the_trainer_and_the_managers_only(
    login, session, enrol, trainer, programme_manager, citizen, org_admin
):
    ana, bo, cy = enrol(session, 3)
    [dee] = enrol(session, 1)
    for person in (trainer, programme_manager):
        page = Page(login(person).get(session.get_absolute_url()))
        part = page.part("Participants")
        text = page.text(part)
        assert all(p.email in text for p in (ana, bo, cy, dee))
        assert "On the waiting list" in text
    for person in (None, citizen, ana, org_admin):
        page = Page(login(person).get(session.get_absolute_url()))
        assert "Participants" not in page.headings()
        assert bo.email not in page.text()


def test_only_a_programme_manager_finds_the_buttons_to_change_and_cancel(
    login, session, trainer, programme_manager, citizen
):
    page = Page(login(programme_manager).get(session.get_absolute_url()))
    assert page.link("Edit the session") == f"/learning/sessions/{session.pk}/edit/"
    assert page.link("Cancel the session") == f"/learning/sessions/{session.pk}/cancel/"
    for person in (trainer, citizen):
        client = login(person)
        page = Page(client.get(session.get_absolute_url()))
        assert page.links("Edit the session") == [] and page.links("Cancel the session") == []
        assert client.get(f"/learning/sessions/{session.pk}/edit/").status_code == 403
        assert client.post(f"/learning/sessions/{session.pk}/cancel/", {"reason": "x"}).status_code == 403
    session.refresh_from_db()
    assert session.cancelled_at is None


def test_the_session_page_makes_as_many_queries_with_8_participants_as_with_2(login, session, enrol, trainer):
    session.capacity = 20
    session.save(update_fields=["capacity"])
    client = login(trainer)
    enrol(session, 2)
    few = _queries(client, session.get_absolute_url())
    enrol(session, 6)
    many = _queries(client, session.get_absolute_url())
    assert len(few) == len(many), "\n".join(["with 2:", *few, "", "with 8:", *many])


def _queries(client, address):
    client.get(address)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


# Enrolments of another person --------------------------------------------------------------


def test_another_persons_enrolment_answers_404(login, session, enrol, citizen, trainer, programme_manager):
    [person] = enrol(session, 1)
    enrolment = enrolment_of(person, session)
    cancel = f"/learning/enrolments/{enrolment.pk}/cancel/"
    for other in (citizen, trainer, programme_manager):
        client = login(other)
        assert client.get(cancel).status_code == 404
        assert client.post(cancel).status_code == 404
    assert login(citizen).post(f"/learning/enrolments/{enrolment.pk}/approve/").status_code == 404
    assert login(citizen).get(f"/learning/enrolments/{enrolment.pk}/refuse/").status_code == 404
    assert login(citizen).get("/learning/enrolments/999999/cancel/").status_code == 404
    assert enrolment_of(person, session).status == "enrolled"


def test_cancelling_once_the_session_began_is_refused_on_the_page(login, session, enrol):
    import time_machine

    [person] = enrol(session, 1)
    client = login(person)
    with time_machine.travel(session.starts_at + timedelta(minutes=5), tick=False):
        page = Page(client.post(f"/learning/enrolments/{enrolment_of(person, session).pk}/cancel/", follow=True))
    assert "The session has begun: your enrolment can no longer be cancelled." in page.text()
    assert enrolment_of(person, session).status == "enrolled"


def test_ones_learning_lists_what_is_coming_then_what_is_past(login, session, session_in, enrol):
    [person] = enrol(session, 1)
    past = session_in("over")
    Enrolment.objects.create(session=past, person=person, status="enrolled", queued_at=past.starts_at, attended=True)
    page = Page(login(person).get("/learning/mine/"))
    coming = page.text(page.part("Coming up"))
    gone = page.text(page.part("Past and cancelled"))
    assert "Prototyping public services" in coming and "Enrolled" in coming
    assert "Came" in gone
    assert page.link("All your sessions in your calendar (iCalendar file)") == "/learning/mine/calendar.ics"
    assert login(None).get("/learning/mine/").url.startswith("/accounts/login/")


# Asking the manager ----------------------------------------------------------------------------


def test_a_member_asks_their_manager_who_approves_from_the_approvals_page(
    login, approved, member, org_admin, organisation
):
    client = login(member)
    page = Page(client.get(approved.get_absolute_url()))
    assert buttons(page) == ["Ask to enrol"]
    page = Page(client.post(f"/learning/sessions/{approved.pk}/enrol/", follow=True))
    assert "Your request is sent to your manager. You will be told of their answer." in page.text()
    assert "Waiting for your manager's approval" in page.text()
    assert page.link("Take back your request")

    client = login(org_admin)
    page = Page(client.get("/learning/approvals/"))
    assert member.email in page.text() and organisation.name in page.text()
    assert buttons(page) == [f"Approve {member.name}"]
    response = client.post(f"/learning/enrolments/{enrolment_of(member, approved).pk}/approve/", follow=True)
    page = Page(response)
    assert f"Approved: {member.name} is enrolled." in page.text()
    assert "No request waits for your answer." in page.text()
    assert statuses(approved) == {member.pk: "enrolled"}
    assert received("learning.enrolled") == [member.pk]


def test_an_approval_when_the_session_is_full_says_the_person_waits(login, approved, member, org_admin, enrol):
    enrolment_services.enrol(actor=member, session=approved)
    # Three people take the places while the session is open to all.
    approved.needs_approval = False
    approved.save(update_fields=["needs_approval"])
    enrol(approved, 3)
    response = login(org_admin).post(f"/learning/enrolments/{enrolment_of(member, approved).pk}/approve/", follow=True)
    assert f"Approved: the session is full, {member.name} is on its waiting list." in Page(response).text()


def test_a_refusal_without_a_reason_is_asked_again_then_sent(login, approved, member, org_admin):
    enrolment_services.enrol(actor=member, session=approved)
    refuse = f"/learning/enrolments/{enrolment_of(member, approved).pk}/refuse/"
    client = login(org_admin)
    assert Page(client.get("/learning/approvals/")).link(f"Refuse {member.name}") == refuse
    response = client.post(refuse, {"reason": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Say why: the people concerned read it."]
    page = Page(client.post(refuse, {"reason": "The team needs you that week."}, follow=True))
    assert f"Not approved: {member.name} is told why." in page.text()
    page = Page(login(member).get(approved.get_absolute_url()))
    assert "Not approved" in page.text() and "The team needs you that week." in page.text()
    assert buttons(page) == ["Ask to enrol"]  # may ask again


def test_the_approvals_page_lists_only_the_admins_organisations_requests(login, approved, member, org_admin):
    other = OrganisationFactory(name="Agency for Roads")
    stranger = MembershipFactory(organisation=other, user__name="Rita Roads").user
    other_admin = MembershipFactory(organisation=other, role="admin").user
    enrolment_services.enrol(actor=member, session=approved)
    enrolment_services.enrol(actor=stranger, session=approved)
    text = Page(login(org_admin).get("/learning/approvals/")).text()
    assert member.email in text and stranger.email not in text
    text = Page(login(other_admin).get("/learning/approvals/")).text()
    assert stranger.email in text and member.email not in text
    # Another organisation's admin cannot answer the member's request, even by its address.
    client = login(other_admin)
    request = enrolment_of(member, approved)
    assert client.post(f"/learning/enrolments/{request.pk}/approve/").status_code == 404
    assert client.post(f"/learning/enrolments/{request.pk}/refuse/", {"reason": "No."}).status_code == 404
    assert enrolment_of(member, approved).status == "requested"
    # Nor may a member who administers nothing; their approvals page is empty.
    assert "No request waits for your answer." in Page(login(member).get("/learning/approvals/")).text()


def test_a_request_answered_already_is_said_so(login, approved, member, org_admin):
    enrolment_services.enrol(actor=member, session=approved)
    request = enrolment_of(member, approved)
    client = login(org_admin)
    client.post(f"/learning/enrolments/{request.pk}/approve/")
    page = Page(client.post(f"/learning/enrolments/{request.pk}/approve/", follow=True))
    assert "This request is no longer waiting for an answer." in page.text()
    assert client.get(f"/learning/enrolments/{request.pk}/approve/").status_code == 405


def test_a_person_of_two_organisations_chooses_whose_approval(login, approved, member, organisation):
    other = OrganisationFactory(name="Agency for Roads")
    MembershipFactory(organisation=other, user=member)
    other_admin = MembershipFactory(organisation=other, role="admin").user
    client = login(member)
    enrol = f"/learning/sessions/{approved.pk}/enrol/"
    # The session page's button leads to the choice.
    response = client.post(enrol, {})
    assert response.status_code == 200
    page = Page(response)
    assert "Whose approval" in page.labels() and buttons(page) == ["Send the request"]
    # As a browser sends it (with its CSRF token, without a choice yet): no error shown first.
    response = client.post(enrol, {"csrfmiddlewaretoken": "as a browser sends it"})
    assert not response.context["form"].is_bound
    response = client.post(enrol, {"choosing": "1"})
    assert response.context["form"].errors["organisation"] == [
        "Choose the organisation whose admin approves your enrolment."
    ]
    for garbage in ("roads", str(OrganisationFactory().pk), "99999999999999999999"):
        response = client.post(enrol, {"choosing": "1", "organisation": garbage})
        assert response.status_code == 200 and response.context["form"].errors["organisation"]
    assert not Enrolment.objects.exists()
    page = Page(client.post(enrol, {"choosing": "1", "organisation": other.pk}, follow=True))
    assert "Your request is sent to your manager." in page.text()
    assert enrolment_of(member, approved).organisation == other
    assert received("learning.enrolment_requested") == [other_admin.pk]


def test_a_person_of_no_organisation_is_told_to_join_one(login, approved, citizen):
    page = Page(login(citizen).post(f"/learning/sessions/{approved.pk}/enrol/", follow=True))
    assert "you belong to no organisation on Ponte: join your organisation first" in page.text()
    assert not Enrolment.objects.exists()


# A programme manager's sessions ------------------------------------------------------------------


def _session_form(**changes) -> dict:
    day = timezone.localdate() + timedelta(days=10)
    return {
        "starts_at": f"{day.isoformat()}T09:00",
        "ends_at": f"{day.isoformat()}T12:30",
        "place": "Rue de la Loi 16, room 4.12",
        "online_link": "",
        "capacity": "12",
        "trainer": "tomas.trainer@example.com",
        **changes,
    }


def test_a_programme_manager_schedules_a_session_naming_the_trainer_by_address(
    login, programme_manager, course, trainer
):
    client = login(programme_manager)
    schedule = Page(client.get(course.get_absolute_url())).link("Schedule a session")
    found = client.get("/learning/people/?q=tomas").json()["results"]
    assert found == [{"name": "Tomas Trainer (tomas.trainer@example.com)", "value": "tomas.trainer@example.com"}]
    response = client.post(schedule, _session_form(trainer="Tomas.Trainer@example.com"), follow=True)
    session = Session.objects.get()
    assert response.redirect_chain[-1][0] == session.get_absolute_url()
    assert "The session is scheduled: people can enrol from now on." in Page(response).text()
    assert session.trainer == trainer and session.capacity == 12
    assert timezone.localtime(session.starts_at).hour == 9
    assert received("learning.trainer_named") == [trainer.pk]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"trainer": "nobody@example.com"}, "trainer", "Nobody on Ponte has this address: name the trainer's account."),
        ({"capacity": "lots"}, "capacity", "Give the number of places."),
        ({"capacity": "0"}, "capacity", "Ensure this value is greater than or equal to 1."),
        ({"capacity": "1001"}, "capacity", "Ensure this value is less than or equal to 1000."),
        ({"starts_at": "9999-99-99T99:99"}, "starts_at", "Give the date and time the session starts."),
        ({"ends_at": "2020-01-01T09:00"}, "ends_at", "The session must end after it starts."),
        (
            {"starts_at": "2020-01-01T09:00", "ends_at": "2020-01-01T10:00"},
            "starts_at",
            "The start would already be past: give a later one.",
        ),
        ({"place": "", "online_link": ""}, "place", "Give the place, the online link, or both."),
        (
            {"online_link": "meet dot example"},
            "online_link",
            "Give the online link as a full address, starting with https://.",
        ),
    ],
)
def test_a_bad_session_form_names_the_field_and_keeps_what_was_typed(
    login, programme_manager, course, trainer, changes, field, message
):
    typed = _session_form(**{"place": "Typed with care.", **changes})
    response = login(programme_manager).post(f"/learning/courses/{course.pk}/sessions/new/", typed)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[field] == [message]
    assert form["trainer"].value() == typed["trainer"] and form["place"].value() == typed["place"]
    assert not Session.objects.exists()


def test_a_programme_manager_changes_a_session_and_a_stale_save_is_refused(login, programme_manager, session, enrol):
    people = enrol(session, 3)
    client = login(programme_manager)
    edit = f"/learning/sessions/{session.pk}/edit/"
    form = client.get(edit).context["form"]
    assert form.initial["trainer"] == "tomas.trainer@example.com" and form.initial["version"] == 1
    typed = {
        **_session_form(starts_at=local(session.starts_at), ends_at=local(session.ends_at), capacity="3"),
        "version": "1",
    }
    page = Page(client.post(edit, {**typed, "place": "Boulevard Pachéco 19"}, follow=True))
    assert "The session is saved. Those enrolled are told if it moved." in page.text()
    assert sorted(received("learning.session_changed")) == sorted(p.pk for p in people)
    response = client.post(edit, {**typed, "capacity": "2"})
    page = Page(response)
    assert "Someone saved this session after you opened it" in page.text()
    assert response.context["form"]["capacity"].value() == "2"
    # Saved knowingly: fewer places than the people enrolled is refused beside the places.
    response = client.post(edit, response.context["form"].data)
    assert response.context["form"].errors["capacity"] == [
        "3 people are enrolled already: give at least as many places."
    ]
    session.refresh_from_db()
    assert session.place == "Boulevard Pachéco 19" and session.capacity == 3


def test_a_session_begun_is_no_longer_changed_nor_cancelled(login, programme_manager, session_in):
    running = session_in("running")
    client = login(programme_manager)
    page = Page(client.get(running.get_absolute_url()))
    assert page.links("Edit the session") == [] and page.links("Cancel the session") == []
    assert page.link("Record attendance")
    assert client.get(f"/learning/sessions/{running.pk}/edit/").status_code == 403
    assert client.post(f"/learning/sessions/{running.pk}/cancel/", {"reason": "Late."}).status_code == 403
    running.refresh_from_db()
    assert running.cancelled_at is None


def test_a_programme_manager_cancels_a_session_with_a_reason(login, programme_manager, session, enrol):
    people = enrol(session, 2)
    client = login(programme_manager)
    cancel = Page(client.get(session.get_absolute_url())).link("Cancel the session")
    response = client.post(cancel, {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Say why: the people concerned read it."]
    page = Page(client.post(cancel, {"reason": "The trainer is ill."}, follow=True))
    assert "The session is cancelled. Everyone enrolled or waiting is told." in page.text()
    assert "This session is cancelled. The trainer is ill." in page.text()
    assert sorted(received("learning.session_cancelled")) == sorted(p.pk for p in people)
    page = Page(login(people[0]).get(session.get_absolute_url()))
    assert "Cancelled" in page.text() and page.links("Cancel your enrolment") == []


# Nothing a client sends makes a 500 --------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "/learning/courses/999999/",
        "/learning/courses/999999/edit/",
        "/learning/courses/999999/withdraw/",
        "/learning/courses/999999/sessions/new/",
        "/learning/sessions/999999/",
        "/learning/sessions/999999/edit/",
        "/learning/sessions/999999/cancel/",
        "/learning/sessions/999999/attendance/",
        "/learning/sessions/999999/calendar.ics",
        "/learning/sessions/999999/enrol/",
        "/learning/enrolments/999999/cancel/",
        "/learning/enrolments/999999/approve/",
        "/learning/enrolments/999999/refuse/",
    ],
)
def test_a_missing_object_answers_404(login, programme_manager, address):
    client = login(programme_manager)
    assert client.post(address, {"reason": "x"}).status_code == 404
    if not address.endswith("/approve/"):
        assert client.get(address).status_code == 404


def test_nothing_a_client_sends_makes_a_500(login, programme_manager, course, session, citizen, enrol):
    client = login(programme_manager)
    for address, data in [
        ("/learning/courses/new/", {"title": "\x00", "hours": "9" * 40, "skills": "x" * 500, "language": "\x00"}),
        (f"/learning/courses/{course.pk}/edit/", {"version": "x", "hours": "-1", "kind": ["a", "b"]}),
        (f"/learning/courses/{course.pk}/edit/", {**course_answers(title="\x00 nul"), "version": "1"}),
        (f"/learning/courses/{course.pk}/sessions/new/", _session_form(starts_at="\x00", capacity="1e9")),
        (f"/learning/courses/{course.pk}/sessions/new/", _session_form(place="\x00", trainer="\x00")),
        (f"/learning/courses/{course.pk}/sessions/new/", _session_form(online_link="http://[::1")),
        (f"/learning/sessions/{session.pk}/edit/", {**_session_form(), "version": "-5"}),
        (f"/learning/sessions/{session.pk}/cancel/", {"reason": "\x00"}),
        ("/learning/?skill=%00&page=x&q=" + "%00" * 50, None),
        ("/learning/people/?q=%00%00", None),
    ]:
        response = client.post(address, data) if data is not None else client.get(address)
        assert response.status_code < 500, address
        if data is not None:
            assert response.status_code == 200, address
    session.refresh_from_db()
    assert session.version == 1 and session.cancelled_at is None
    client = login(citizen)
    for data in ({"organisation": "\x00"}, {"organisation": ["1", "2"]}):
        assert client.post(f"/learning/sessions/{session.pk}/enrol/", data).status_code == 302
    enrol(session, 2)
    attendance = f"/learning/sessions/{session.pk}/attendance/"
    login(programme_manager)
    assert client.post(attendance, {"present": ["\x00", "-1"]}).status_code == 302  # not begun yet


def test_refusing_a_request_already_answered_says_so(login, approved, member, org_admin):
    enrolment = enrolment_services.enrol(actor=member, session=approved)
    enrolment_services.enrolment_approve(actor=org_admin, enrolment=enrolment)
    client = login(org_admin)
    answer = client.get(f"/learning/enrolments/{enrolment.pk}/refuse/", follow=True)
    assert answer.redirect_chain[-1][0] == "/learning/approvals/"
    assert "This request is no longer waiting for an answer." in Page(answer).text()


def test_a_trainer_named_when_the_session_changes_is_told(login, programme_manager, session):
    newcomer = UserFactory(name="Nadia Newtrainer")
    client = login(programme_manager)
    answers = {
        "starts_at": local(session.starts_at),
        "ends_at": local(session.ends_at),
        "place": session.place,
        "online_link": "",
        "capacity": session.capacity,
        "trainer": newcomer.email,
        "version": session.version,
    }
    assert client.post(f"/learning/sessions/{session.pk}/edit/", answers).status_code == 302
    assert received("learning.trainer_named")[-1] == newcomer.pk
