"""The co-creation pages through the test client: joining the citizens' panel with consent
(what was typed kept when the box is not ticked), the member's page, their data as a file,
leaving the panel; a session's page and its actions (404 to whoever neither sees the project
nor was invited), taking and giving back a place, a full session, the calendar file, the
team's invitations and attendance; a prototype's feedback form and the team's anonymous
summary; the project page's lists and actions; junk never a server error; query counts
that do not grow with the sessions or the responses."""

import json
from datetime import timedelta

import icalendar
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import html

from ponte.lab.models import (
    FeedbackResponse,
    Invitation,
    InvitationStatus,
    PanelMember,
    Prototype,
    QuestionKind,
    Session,
    SessionKind,
)
from ponte.lab.services import cocreation as services
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.reading import Page

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/login/"
CONSENT = "To join the panel, give your consent: tick the box once you have read it."
RATING, FREE = "How easy was it to book a slot?", "What would you change?"


def shown(response) -> str:
    """Everything a page says, as read (its messages included)."""
    page = Page(response)
    return page.text(page.doc)


def join(user=None, *, topics=("education",), region="Leuven", age_band="35_44", accessibility=""):
    user = user or UserFactory()
    services.panel_join(
        actor=user, topics=list(topics), region=region, age_band=age_band, accessibility=accessibility, consent=True
    )
    return user


def plan(actor, project, *, in_hours=7 * 24, **changes):
    starts = timezone.now().replace(second=0, microsecond=0) + timedelta(hours=in_hours)
    values = {
        "title": "Try the enrolment booking",
        "kind": SessionKind.WORKSHOP,
        "description": "Parents book a slot on a laptop while we watch.",
        "place": "Town hall, room 2, Leuven",
        "capacity": 10,
        "accessibility": "Step-free access.",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        **changes,
    }
    return services.session_create(actor=actor, project=project, **values)


def make_prototype(actor, project, version="v1"):
    return services.prototype_create(
        actor=actor,
        project=project,
        name="Booking page",
        version=version,
        description="The booking page on paper.",
        questions=[(RATING, "rating"), (FREE, "text")],
    )


def question(prototype, kind) -> str:
    """The form field of the prototype's question of this kind."""
    return f"question_{prototype.questions.get(kind=kind).pk}"


@pytest.fixture
def session(project, member):
    """A workshop of the project (its team: the member) in a week, with 10 places."""
    return plan(member, project)


@pytest.fixture
def invited(session, member):
    """A citizen on the panel, invited to the session."""
    person = join(UserFactory(name="Ines Invited"))
    assert services.session_invite(actor=member, session=session, topic="education") == 1
    return person


# The panel -----------------------------------------------------------------------------------

JOIN = {
    "topics": ["education", "health"],
    "region": "Leuven",
    "age_band": "65_74",
    "accessibility": "Large print, please",
}


def test_a_visitor_is_sent_to_sign_in_before_the_panel(client):
    for url in ("/lab/panel/", "/lab/panel/my-data.json", "/lab/panel/leave/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url == f"{SIGN_IN}?next={url}"


def test_the_panel_page_tells_a_non_member_how_their_data_is_used_and_offers_the_form(login, citizen):
    response = login(citizen).get("/lab/panel/")

    assert response.status_code == 200
    page = Page(response)
    assert "Join the citizens' panel" in page.headings()
    consent = page.part("How the lab uses your data")
    for says in ("Why", "What is kept", "Who sees it", "For how long", "only anonymous counts and ratings stay"):
        assert says in page.text(consent)
    text = page.text()
    for label in ("Topics you would like to work on", "Where you live", "Age band", "Accessibility needs"):
        assert label in text
    assert "I have read how my data is used, and I consent to it." in text
    assert not PanelMember.objects.exists()


def test_joining_without_the_consent_box_keeps_every_typed_value_and_says_why(login, citizen):
    response = login(citizen).post("/lab/panel/", JOIN)

    assert response.status_code == 200
    assert CONSENT in shown(response)
    doc = html.fromstring(response.content.decode())
    assert sorted(doc.xpath("//input[@name='topics'][@checked]/@value")) == ["education", "health"]
    assert doc.xpath("//input[@name='region']/@value") == ["Leuven"]
    assert doc.xpath("//input[@name='age_band'][@checked]/@value") == ["65_74"]
    assert doc.xpath("//textarea[@name='accessibility']")[0].text_content().strip() == "Large print, please"
    assert not PanelMember.objects.exists()


def test_joining_shows_your_place_on_the_panel(login, citizen):
    response = login(citizen).post("/lab/panel/", {**JOIN, "consent": "on"}, follow=True)

    assert response.redirect_chain == [("/lab/panel/", 302)]
    page = Page(response)
    assert "Your place on the citizens' panel" in page.headings()
    text = shown(response)
    assert "You are on the citizens' panel. Project teams can now invite you." in text
    assert "No invitation yet" in text
    member = PanelMember.objects.get(person=citizen)
    assert (member.region, member.age_band, member.accessibility) == ("Leuven", "65_74", "Large print, please")
    doc = html.fromstring(response.content.decode())
    assert doc.xpath("//input[@name='region']/@value") == ["Leuven"]  # what they told, to change it
    assert page.link("Download all your data (JSON)") == "/lab/panel/my-data.json"
    assert page.link("Leave the panel") == "/lab/panel/leave/"


def test_a_member_changes_their_answers_on_their_page(login, citizen):
    join(citizen)
    response = login(citizen).post(
        "/lab/panel/", {"topics": ["housing"], "region": "Gent", "age_band": "unsaid"}, follow=True
    )

    assert "Your answers are saved." in shown(response)
    member = PanelMember.objects.get()
    assert (member.region, member.age_band) == ("Gent", "unsaid")
    assert list(member.topics.values_list("code", flat=True)) == ["housing"]


def test_a_member_sees_their_invitations_on_their_page(login, invited, session):
    response = login(invited).get("/lab/panel/")
    assert Page(response).row_text(session.title).endswith("Invited")


def test_my_data_downloads_the_members_data_as_json(login, invited, session):
    response = login(invited).get("/lab/panel/my-data.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="ponte-citizens-panel.json"'
    data = json.loads(response.content)
    assert data["panel_member"]["region"] == "Leuven"
    assert [s["session"] for s in data["sessions"]] == [session.title]
    assert data["feedback"] == []


def test_my_data_is_404_to_a_person_not_on_the_panel(login, citizen):
    assert login(citizen).get("/lab/panel/my-data.json").status_code == 404


def test_leaving_the_panel_asks_first_then_erases(login, invited, session):
    client = login(invited)
    response = client.get("/lab/panel/leave/")
    assert response.status_code == 200
    assert "Leave the panel and erase my data" in shown(response)
    assert PanelMember.objects.filter(person=invited).exists()

    response = client.post("/lab/panel/leave/", follow=True)

    assert response.redirect_chain == [("/lab/", 302)]
    assert "You have left the citizens' panel." in shown(response)
    assert not PanelMember.objects.filter(person=invited).exists()
    assert session.invitations.get().member is None
    assert client.get("/lab/panel/my-data.json").status_code == 404
    assert "How the lab uses your data" in shown(client.get("/lab/panel/"))  # may join again


def test_leaving_when_not_on_the_panel_leads_to_the_panel_page(login, citizen):
    client = login(citizen)
    for response in (client.get("/lab/panel/leave/"), client.post("/lab/panel/leave/")):
        assert response.status_code == 302 and response.url == "/lab/panel/"


# A session's page and its actions ------------------------------------------------------------

SESSION_ACTIONS = [
    ("get", "/lab/sessions/{pk}/"),
    ("get", "/lab/sessions/{pk}/calendar.ics"),
    ("post", "/lab/sessions/{pk}/invite/"),
    ("post", "/lab/sessions/{pk}/sign-up/"),
    ("post", "/lab/sessions/{pk}/cancel/"),
    ("get", "/lab/sessions/{pk}/attendance/"),
    ("post", "/lab/sessions/{pk}/attendance/"),
]


@pytest.mark.parametrize("who", ["citizen", "panel member not invited", "public servant of another body"])
def test_the_session_and_its_actions_are_404_to_who_neither_sees_the_project_nor_was_invited(
    login, session, invited, citizen, who
):
    person = {
        "citizen": lambda: citizen,
        "panel member not invited": lambda: join(),
        "public servant of another body": lambda: MembershipFactory(organisation=OrganisationFactory()).user,
    }[who]()
    client = login(person)

    answered = {
        f"{method} {url}": getattr(client, method)(url.format(pk=session.pk), {"topic": "education"}).status_code
        for method, url in SESSION_ACTIONS
    }

    assert answered == dict.fromkeys(answered, 404)
    assert session.title not in client.get(f"/lab/sessions/{session.pk}/").text
    assert session.invitations.count() == 1 and session.invitations.get().status == InvitationStatus.INVITED


@pytest.mark.parametrize(("method", "url"), SESSION_ACTIONS)
def test_a_visitor_is_sent_to_sign_in_from_a_session(client, session, method, url):
    url = url.format(pk=session.pk)
    response = getattr(client, method)(url)
    assert response.status_code == 302 and response.url == f"{SIGN_IN}?next={url}"


@pytest.mark.parametrize(("method", "url"), SESSION_ACTIONS)
def test_a_session_that_does_not_exist_is_404_to_its_team(login, member, method, url):
    assert getattr(login(member), method)(url.format(pk=99999999999999999999)).status_code == 404


def test_an_invited_member_takes_a_place_and_may_give_it_back(login, invited, session):
    client = login(invited)
    page = Page(client.get(f"/lab/sessions/{session.pk}/"))
    place = page.part("Your place")
    assert "You are invited to this session." in page.text(place)
    assert "Take a place" in page.text(place) and "Give my place back" not in page.text(place)
    assert "10 of 10 left" in page.text()
    assert "Participants" not in page.headings()  # the counts are the team's

    response = client.post(f"/lab/sessions/{session.pk}/sign-up/", follow=True)

    assert response.redirect_chain == [(f"/lab/sessions/{session.pk}/", 302)]
    page = Page(response)
    text = page.text(page.doc)
    assert "Your place is kept. You will be reminded the day before." in text
    assert "You have a place in this session." in text
    assert "Give my place back" in text and "Take a place" not in text
    assert "9 of 10 left" in text
    assert Invitation.objects.get().status == InvitationStatus.SIGNED_UP

    response = client.post(f"/lab/sessions/{session.pk}/cancel/", follow=True)

    text = shown(response)
    assert "Your place is given back." in text and "You gave your place back." in text
    assert "Take a place" in text and "10 of 10 left" in text
    assert Invitation.objects.get().status == InvitationStatus.CANCELLED


def test_a_full_session_says_so_when_one_tries_to_take_a_place(login, project, member):
    session = plan(member, project, capacity=1)
    first, late = join(), join()
    services.session_invite(actor=member, session=session, topic="education")
    services.session_sign_up(actor=first, session=session)

    response = login(late).post(f"/lab/sessions/{session.pk}/sign-up/", follow=True)

    assert response.status_code == 200
    assert "The session is full: its" in shown(response)
    assert "0 of 1 left" in shown(response)
    assert Invitation.objects.get(member__person=late).status == InvitationStatus.INVITED


def test_taking_a_place_twice_is_refused(login, invited, session):
    client = login(invited)
    client.post(f"/lab/sessions/{session.pk}/sign-up/")
    assert client.post(f"/lab/sessions/{session.pk}/sign-up/").status_code == 403
    assert client.get(f"/lab/sessions/{session.pk}/sign-up/").status_code == 405


def test_the_calendar_file_holds_the_session_in_utc(login, invited, session):
    response = login(invited).get(f"/lab/sessions/{session.pk}/calendar.ics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == f'attachment; filename="ponte-session-{session.pk}.ics"'
    calendar = icalendar.Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == session.title
    assert str(event["LOCATION"]) == session.place
    assert event.decoded("DTSTART") == session.starts_at
    assert event.decoded("DTEND") == session.ends_at
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert f"DTSTART:{session.starts_at:%Y%m%dT%H%M%S}Z" in response.content.decode()
    assert str(event["URL"]).endswith(f"/lab/sessions/{session.pk}/")
    assert "Parents book a slot" in str(event["DESCRIPTION"])


def test_the_team_reads_the_counts_and_invites_from_the_session_page(login, session, member):
    leuven, ghent = join(region="Leuven"), join(region="Gent")
    client = login(member)
    page = Page(client.get(f"/lab/sessions/{session.pk}/"))
    assert "Invite panel members" in page.headings()
    assert "0 invited, 0 signed up, 0 came." in page.text()
    assert "Record who came" not in page.text()  # not before it starts

    response = client.post(
        f"/lab/sessions/{session.pk}/invite/", {"topic": "education", "region": "leuven", "age_band": ""}, follow=True
    )

    assert "1 panel member is invited." in shown(response)
    assert "1 invited, 0 signed up, 0 came." in shown(response)
    assert {i.member.person for i in session.invitations.all()} == {leuven}

    response = client.post(f"/lab/sessions/{session.pk}/invite/", {"topic": "education", "region": "leuven"})
    assert "No panel member who was not invited yet matches these choices." in shown(client.get(response.url))
    assert ghent not in {i.member.person for i in session.invitations.all()}


@pytest.mark.parametrize("who", ["invited", "org_admin", "sponsor"])
def test_only_the_team_invites(request, login, session, who):
    person = request.getfixturevalue(who)
    join()
    client = login(person)
    assert "Invite panel members" not in Page(client.get(f"/lab/sessions/{session.pk}/")).headings()
    assert client.post(f"/lab/sessions/{session.pk}/invite/", {"topic": "education"}).status_code == 403


def test_the_team_records_attendance_once_the_session_started(login, session, member, invited):
    stayed_home = join(UserFactory(name="Sam Stayed"))
    services.session_invite(actor=member, session=session, topic="education")
    services.session_sign_up(actor=invited, session=session)
    services.session_sign_up(actor=stayed_home, session=session)
    client = login(member)
    assert client.get(f"/lab/sessions/{session.pk}/attendance/").status_code == 403

    with time_machine.travel(session.starts_at + timedelta(minutes=30), tick=False):
        client = login(member)
        page = Page(client.get(f"/lab/sessions/{session.pk}/"))
        assert page.link("Record who came") == f"/lab/sessions/{session.pk}/attendance/"
        assert "Invite panel members" not in page.headings()
        form = client.get(f"/lab/sessions/{session.pk}/attendance/")
        assert form.status_code == 200
        assert "Ines Invited" in shown(form) and "Sam Stayed" in shown(form)
        came = Invitation.objects.get(member__person=invited)

        response = client.post(f"/lab/sessions/{session.pk}/attendance/", {f"came_{came.pk}": "on"}, follow=True)

        assert "Attendance is recorded: 1 came." in shown(response)
        assert "2 invited, 2 signed up, 1 came." in shown(response)
    assert Invitation.objects.get(member__person=invited).attended is True
    assert Invitation.objects.get(member__person=stayed_home).attended is False


def test_the_attendance_form_names_who_left_the_panel_anonymously(login, session, member, invited):
    services.session_sign_up(actor=invited, session=session)
    # They leave the panel once the session has begun: their place stays, anonymous.
    with time_machine.travel(session.starts_at + timedelta(minutes=30), tick=False):
        services.panel_withdraw(actor=invited)
        text = shown(login(member).get(f"/lab/sessions/{session.pk}/attendance/"))
    assert "Participant 1 (left the panel)" in text and "Ines Invited" not in text


def test_an_invited_member_cannot_record_attendance(login, session, invited):
    services.session_sign_up(actor=invited, session=session)
    with time_machine.travel(session.starts_at + timedelta(minutes=30), tick=False):
        client = login(invited)
        assert client.get(f"/lab/sessions/{session.pk}/attendance/").status_code == 403
        assert "Record who came" not in shown(client.get(f"/lab/sessions/{session.pk}/"))


def test_the_home_page_counts_the_sessions_a_member_is_invited_to(login, invited, session):
    client = login(invited)
    [figure] = html.fromstring(client.get("/").content.decode()).xpath("//li[a[@href='/lab/panel/']]")
    assert figure.text_content() == "1Sessions you are invited to"

    with time_machine.travel(session.starts_at + timedelta(minutes=1), tick=False):
        client = login(invited)
        [figure] = html.fromstring(client.get("/").content.decode()).xpath("//li[a[@href='/lab/panel/']]")
        assert figure.text_content() == "0Sessions you are invited to"  # only sessions still to come


# Planning a session and a prototype through their forms ---------------------------------------

SESSION_FORM = {
    "title": "Try the booking",
    "kind": "workshop",
    "description": "Parents book a slot.",
    "place": "Town hall",
    "capacity": "12",
    "accessibility": "",
}


def when(days, hours=0) -> str:
    return (timezone.localtime() + timedelta(days=days, hours=hours)).strftime("%Y-%m-%dT%H:%M")


def test_the_team_plans_a_session_through_its_form(login, project, member):
    response = login(member).post(
        f"/lab/projects/{project.pk}/sessions/new/",
        {**SESSION_FORM, "starts_at": when(3), "ends_at": when(3, 2)},
        follow=True,
    )

    session = Session.objects.get()
    assert response.redirect_chain == [(f"/lab/sessions/{session.pk}/", 302)]
    assert "The session is planned. Invite panel members to it." in shown(response)
    assert (session.title, session.capacity, session.online) == ("Try the booking", 12, False)


def test_a_session_in_the_past_is_refused_keeping_what_was_typed(login, project, member):
    response = login(member).post(
        f"/lab/projects/{project.pk}/sessions/new/",
        {**SESSION_FORM, "starts_at": when(-1), "ends_at": when(-1, 2)},
    )
    assert response.status_code == 200
    assert "Give a start in the future." in shown(response)
    assert 'value="Try the booking"' in response.text
    assert not Session.objects.exists()


def test_the_team_asks_for_feedback_through_the_prototype_form(login, project, member):
    response = login(member).post(
        f"/lab/projects/{project.pk}/prototypes/new/",
        {
            "name": "Booking page",
            "version": "v1",
            "description": "On paper.",
            "question_1": RATING,
            "kind_1": "rating",
            "question_2": FREE,
            "kind_2": "text",
            **{f"kind_{n}": "rating" for n in range(3, 6)},
        },
        follow=True,
    )
    prototype = Prototype.objects.get()
    assert response.redirect_chain == [(f"/lab/prototypes/{prototype.pk}/", 302)]
    assert [(q.text, q.kind) for q in prototype.questions.all()] == [(RATING, "rating"), (FREE, "text")]


def test_a_prototype_without_a_question_is_refused_beside_the_first_question(login, project, member):
    response = login(member).post(
        f"/lab/projects/{project.pk}/prototypes/new/",
        {
            "name": "Booking page",
            "version": "v1",
            "description": "On paper.",
            **{f"kind_{n}": "rating" for n in range(1, 6)},
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["question_1"] == ["Ask at least one question."]
    assert not Prototype.objects.exists()


def test_a_prototype_without_a_question_says_so_once(login, project, member):
    response = login(member).post(
        f"/lab/projects/{project.pk}/prototypes/new/",
        {
            "name": "Booking page",
            "version": "v1",
            "description": "On paper.",
            **{f"kind_{n}": "rating" for n in range(1, 6)},
        },
    )
    assert response.context["form"].non_field_errors() == []


# A prototype's page --------------------------------------------------------------------------


@pytest.fixture
def prototype(project, member, session):
    return make_prototype(member, project)


def test_an_invited_member_gives_feedback_on_the_prototypes_page(login, prototype, invited):
    client = login(invited)
    page = Page(client.get(f"/lab/prototypes/{prototype.pk}/"))
    assert "Your opinion" in page.headings()
    assert "The team reads your answers without your name." in page.text()
    assert not any(h.startswith("Feedback on this version") for h in page.headings())

    response = client.post(
        f"/lab/prototypes/{prototype.pk}/",
        {question(prototype, QuestionKind.RATING): "4", question(prototype, QuestionKind.TEXT): "Bigger buttons"},
        follow=True,
    )

    assert response.redirect_chain == [(f"/lab/prototypes/{prototype.pk}/", 302)]
    text = shown(response)
    assert "Thank you: your answers are sent to the project's team." in text
    assert "You have given your opinion on this version. Thank you." in text
    assert "Your opinion" not in Page(response).headings()
    answer = FeedbackResponse.objects.get(member__person=invited).answers.get(question__kind=QuestionKind.RATING)
    assert answer.rating == 4
    assert client.post(f"/lab/prototypes/{prototype.pk}/", {}).status_code == 403  # not twice


def test_feedback_without_a_rating_is_refused_keeping_the_free_answer(login, prototype, invited):
    response = login(invited).post(
        f"/lab/prototypes/{prototype.pk}/", {question(prototype, QuestionKind.TEXT): "Bigger buttons, please"}
    )

    assert response.status_code == 200
    assert "Give a rating from 1 to 5." in shown(response)
    doc = html.fromstring(response.content.decode())
    [typed] = doc.xpath(f"//textarea[@name='{question(prototype, QuestionKind.TEXT)}']")
    assert typed.text_content().strip() == "Bigger buttons, please"
    assert not FeedbackResponse.objects.exists()


def test_the_team_reads_the_summary_without_any_respondents_name(login, prototype, session, member):
    people = [
        join(UserFactory(name=name), region=town) for name, town in (("Rita Rater", "Mechelen"), ("Tom Texter", "Lier"))
    ]
    services.session_invite(actor=member, session=session, topic="education")
    services.feedback_give(actor=people[0], prototype=prototype, answers={prototype.questions.get(kind="rating").pk: 2})
    services.feedback_give(
        actor=people[1],
        prototype=prototype,
        answers={prototype.questions.get(kind="rating").pk: 5, prototype.questions.get(kind="text").pk: "Clear"},
    )

    response = login(member).get(f"/lab/prototypes/{prototype.pk}/")

    page = Page(response)
    assert "Feedback on this version: 2 responses" in page.headings()
    assert "Your opinion" not in page.headings()  # the team does not answer
    assert "Mean 3.5 out of 5, from 2 answers." in page.text(page.part(RATING))
    assert "Clear" in page.text(page.part(FREE))
    for person in people:
        assert person.name not in response.text and person.email not in response.text
    assert "Mechelen" not in response.text and "Lier" not in response.text


def test_the_prototype_is_404_to_who_neither_sees_the_project_nor_was_invited(login, prototype, citizen):
    client = login(join(citizen))
    assert client.get(f"/lab/prototypes/{prototype.pk}/").status_code == 404
    assert client.post(f"/lab/prototypes/{prototype.pk}/", {}).status_code == 404
    assert client.get("/lab/prototypes/99999999999999999999/").status_code == 404


def test_who_sees_the_project_reads_the_summary_but_does_not_answer(login, prototype, sponsor):
    client = login(sponsor)
    page = Page(client.get(f"/lab/prototypes/{prototype.pk}/"))
    assert "Feedback on this version: 0 responses" in page.headings()
    assert "Your opinion" not in page.headings()
    assert client.post(f"/lab/prototypes/{prototype.pk}/", {}).status_code == 403


# The project page ----------------------------------------------------------------------------


def test_the_project_page_lists_the_sessions_and_prototypes_and_offers_the_team_to_add_them(
    login, project, member, session, prototype
):
    page = Page(login(member).get(f"/lab/projects/{project.pk}/"))
    assert page.row_text(session.title).endswith("0 of 10 places taken, 0 came")
    assert page.row_text("Booking page (v1)").endswith("0 responses")
    assert page.link("Plan a session") == f"/lab/projects/{project.pk}/sessions/new/"
    assert page.link("Ask for feedback on a prototype") == f"/lab/projects/{project.pk}/prototypes/new/"


@pytest.mark.parametrize("who", ["org_admin", "sponsor", "programme_manager"])
def test_who_sees_the_project_but_is_not_on_its_team_is_not_offered_to_add_sessions_or_prototypes(
    request, login, project, session, prototype, who
):
    client = login(request.getfixturevalue(who))
    page = Page(client.get(f"/lab/projects/{project.pk}/"))
    assert page.links(session.title) == [f"/lab/sessions/{session.pk}/"]
    assert page.links("Booking page (v1)") == [f"/lab/prototypes/{prototype.pk}/"]
    assert page.links("Plan a session") == [] and page.links("Ask for feedback on a prototype") == []
    assert client.get(f"/lab/projects/{project.pk}/sessions/new/").status_code == 403
    assert client.get(f"/lab/projects/{project.pk}/prototypes/new/").status_code == 403


def test_the_project_page_says_when_there_is_no_session_or_prototype_yet(login, project, member):
    text = shown(login(member).get(f"/lab/projects/{project.pk}/"))
    assert "No session yet." in text and "No prototype yet." in text


# Junk ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "junk",
    [
        {"topics": ["knitting"]},
        {"topics": "\x00"},
        {"region": "Leu\x00ven"},
        {"region": "L" * 10_000},
        {"age_band": "99999999999999999999"},
        {"accessibility": "\x00" * 5},
    ],
)
def test_junk_in_the_panel_form_is_refused_with_a_page(login, citizen, junk):
    response = login(citizen).post("/lab/panel/", {**JOIN, "consent": "on", **junk})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not PanelMember.objects.exists()


@pytest.mark.parametrize(
    "junk",
    [
        {"starts_at": "not a date"},
        {"starts_at": "2031-02-30T10:00"},
        {"starts_at": "99999-01-01T10:00"},
        {"starts_at": "0001-01-01T00:00"},
        {"ends_at": "9999-12-31T23:59", "starts_at": "0001-01-01T00:00"},
        {"ends_at": "\x00"},
        {"title": "Try\x00"},
        {"capacity": "99999999999999999999999999"},
        {"capacity": "1e9"},
        {"capacity": "-1"},
        {"capacity": "0"},
        {"kind": "party"},
        {"place": "P" * 501},
    ],
)
def test_junk_in_the_session_form_is_refused_with_a_page(login, project, member, junk):
    data = {**SESSION_FORM, "starts_at": when(3), "ends_at": when(3, 2), **junk}
    response = login(member).post(f"/lab/projects/{project.pk}/sessions/new/", data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    "junk",
    [
        {"topic": "knitting"},
        {"topic": "\x00"},
        {},
        {"topic": "education", "region": "Gent\x00"},
        {"topic": "education", "region": "G" * 5000},
        {"topic": "education", "age_band": "old"},
    ],
)
def test_junk_in_the_invite_form_invites_nobody(login, session, member, junk):
    join()
    response = login(member).post(f"/lab/sessions/{session.pk}/invite/", junk, follow=True)
    assert response.status_code == 200
    assert "panel member is invited" not in shown(response)
    assert "panel members are invited" not in shown(response)
    assert not session.invitations.exists()


@pytest.mark.parametrize("junk", [{"topic": "knitting"}, {}])
def test_an_unknown_topic_in_the_invite_form_is_named(login, session, member, junk):
    response = login(member).post(f"/lab/sessions/{session.pk}/invite/", junk, follow=True)
    assert "Choose the topic of the members to invite." in shown(response)


def test_a_region_too_long_in_the_invite_form_is_not_blamed_on_the_topic(login, session, member):
    response = login(member).post(
        f"/lab/sessions/{session.pk}/invite/", {"topic": "education", "region": "G" * 101}, follow=True
    )
    assert "Choose the topic of the members to invite." not in shown(response)


@pytest.mark.parametrize("rating", ["five", "9", "0", "99999999999999999999", "\x00", "3.5", ""], ids=lambda r: repr(r))
def test_a_rating_that_is_not_from_1_to_5_is_refused_with_a_page(login, prototype, invited, rating):
    response = login(invited).post(
        f"/lab/prototypes/{prototype.pk}/",
        {question(prototype, QuestionKind.RATING): rating, question(prototype, QuestionKind.TEXT): "Fine"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not FeedbackResponse.objects.exists()


def test_a_nul_in_a_free_answer_is_refused_with_a_page(login, prototype, invited):
    response = login(invited).post(
        f"/lab/prototypes/{prototype.pk}/",
        {question(prototype, QuestionKind.RATING): "3", question(prototype, QuestionKind.TEXT): "Fi\x00ne"},
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert not FeedbackResponse.objects.exists()


@pytest.mark.parametrize(
    "junk",
    [
        {"question_1": "Q?\x00", "kind_1": "rating"},
        {"question_1": "Q?", "kind_1": "yes_no"},
        {"question_1": "Q" * 301, "kind_1": "rating"},
        {"name": "\x00", "question_1": "Q?", "kind_1": "rating"},
        {"version": "v" * 41, "question_1": "Q?", "kind_1": "rating"},
    ],
)
def test_junk_in_the_prototype_form_is_refused_with_a_page(login, project, member, junk):
    data = {"name": "Booking page", "version": "v1", "description": "On paper."}
    data.update({f"kind_{n}": "rating" for n in range(1, 6)})
    response = login(member).post(f"/lab/projects/{project.pk}/prototypes/new/", {**data, **junk})
    assert response.status_code == 200 and response.context["form"].errors
    assert not Prototype.objects.exists()


def test_junk_in_the_attendance_form_is_ignored(login, session, member, invited):
    services.session_sign_up(actor=invited, session=session)
    with time_machine.travel(session.starts_at + timedelta(minutes=30), tick=False):
        response = login(member).post(
            f"/lab/sessions/{session.pk}/attendance/", {"came_abc": "on", "came_99999999999999999999": "\x00"}
        )
    assert response.status_code == 302
    assert Invitation.objects.get().attended is False


# Query counts --------------------------------------------------------------------------------


def _queries(client, url):
    client.get(url)  # warm the per-process caches (content types, translations)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _add_sessions_and_prototypes(project, member, start, n):
    for k in range(start, start + n):
        session = plan(member, project, title=f"Session {k}", in_hours=24 * (k + 2))
        services.session_invite(actor=member, session=session, topic="education")
        make_prototype(member, project, version=f"v{k}")


def test_the_project_page_makes_as_many_queries_with_5_sessions_and_prototypes_as_with_1(login, project, member):
    join()
    join()
    client = login(member)
    _add_sessions_and_prototypes(project, member, 0, 1)
    one = _queries(client, f"/lab/projects/{project.pk}/")
    _add_sessions_and_prototypes(project, member, 1, 4)
    assert Session.objects.count() == 5 and Prototype.objects.count() == 5

    assert _queries(client, f"/lab/projects/{project.pk}/") == one


@pytest.mark.parametrize("who", ["member", "invited"])
def test_the_prototype_page_makes_as_many_queries_with_5_responses_as_with_1(
    request, login, prototype, session, member, who
):
    viewer = request.getfixturevalue(who)  # the invited member first: they alone are invited then
    people = [join() for _ in range(5)]
    services.session_invite(actor=member, session=session, topic="education")

    def answer(person, n):
        services.feedback_give(
            actor=person,
            prototype=prototype,
            answers={
                prototype.questions.get(kind="rating").pk: 1 + n % 5,
                prototype.questions.get(kind="text").pk: f"Answer {n}",
            },
        )

    client = login(viewer)
    answer(people[0], 0)
    one = _queries(client, f"/lab/prototypes/{prototype.pk}/")
    for n, person in enumerate(people[1:], start=1):
        answer(person, n)
    assert prototype.responses.count() == 5

    assert _queries(client, f"/lab/prototypes/{prototype.pk}/") == one
