"""Co-creation with citizens through the services: a person joins the citizens' panel with
explicit consent, changes and downloads what the lab holds about them, and withdraws, which
erases them everywhere while the anonymous counts and ratings stay; a project's team plans
sessions, invites panel members by topic, region and age band, who take one of the places
and give it back until the session starts; the team records who came; the people signed up
are reminded the day before; prototypes ask the invited members for feedback per version,
summed up without names. (Who may do what in which state is in tests/test_roles_matrix.py.)"""

import json
from datetime import timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from ponte.core.models import AuditEvent, Notification
from ponte.core.notifications import notify
from ponte.lab.models import (
    PANEL_CONSENT_VERSION,
    FeedbackAnswer,
    FeedbackQuestion,
    FeedbackResponse,
    Invitation,
    InvitationStatus,
    PanelMember,
    ProjectStatus,
    Prototype,
    QuestionKind,
    Session,
    SessionKind,
)
from ponte.lab.queries import cocreation as queries
from ponte.lab.services import cocreation as services
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

from .conftest import ask, decide, start, submit

pytestmark = pytest.mark.django_db

# What one member, the one who withdraws, tells the lab: found nowhere once they left.
REGION = "Oudenaarde"
NEEDS = "A hearing loop, and a chair with arms please"
FULL = "The session is full: its {places} places are taken."


def join(user=None, *, topics=("education",), region="Leuven", age_band="35_44", accessibility="", consent=True):
    """A person (a new citizen unless given) on the panel, through the service."""
    user = user or UserFactory()
    services.panel_join(
        actor=user,
        topics=list(topics),
        region=region,
        age_band=age_band,
        accessibility=accessibility,
        consent=consent,
    )
    return user


SESSION = {
    "title": "Try the enrolment booking",
    "kind": SessionKind.WORKSHOP,
    "description": "Parents book a slot on a laptop while we watch. Bring your phone.",
    "place": "Town hall, room 2, Leuven",
    "capacity": 10,
    "accessibility": "Step-free access; a hearing loop in the room.",
    "online": False,
}


def plan(actor, project, *, in_hours=7 * 24, hours=2, **changes):
    """A session of the project planned by `actor` through the service, starting `in_hours`."""
    starts = timezone.now() + timedelta(hours=in_hours)
    values = {**SESSION, "starts_at": starts, "ends_at": starts + timedelta(hours=hours), **changes}
    return services.session_create(actor=actor, project=project, **values)


def invite(actor, session, topic="education", **filters):
    return services.session_invite(actor=actor, session=session, topic=topic, **filters)


def invitation(user, session) -> Invitation:
    return Invitation.objects.get(session=session, member__person=user)


RATING, FREE = "How easy was it to book a slot?", "What would you change?"


def make_prototype(actor, project, *, name="Booking page", version="v1", questions=None):
    return services.prototype_create(
        actor=actor,
        project=project,
        name=name,
        version=version,
        description="The booking page on paper: parents pick a slot and a school.",
        questions=questions if questions is not None else [(RATING, "rating"), (FREE, "text")],
    )


def answers(prototype, rating=None, text=""):
    """Answers to the prototype's questions keyed by question, as the feedback form gives them."""
    given = {}
    for question in prototype.questions.all():
        given[question.pk] = rating if question.kind == QuestionKind.RATING else text
    return given


def feedback(user, prototype, rating, text=""):
    return services.feedback_give(actor=user, prototype=prototype, answers=answers(prototype, rating, text))


def events(obj, verb=None):
    rows = AuditEvent.objects.filter(target_type=ContentType.objects.get_for_model(obj), target_id=str(obj.pk))
    return rows.filter(verb=verb) if verb else rows


def notes(user, kind):
    return Notification.objects.filter(recipient=user, kind=kind)


@pytest.fixture
def session(project, member):
    """A workshop of the project in a week, planned by its team (the member), with 10 places."""
    return plan(member, project)


# Joining the panel ---------------------------------------------------------------------------


def test_joining_the_panel_keeps_the_answers_the_consent_version_and_when_it_was_given(citizen):
    before = timezone.now()
    services.panel_join(
        actor=citizen,
        topics=["education", "health", "education"],
        region="  Leuven ",
        age_band="35_44",
        accessibility=" Large print ",
        consent=True,
    )

    member = PanelMember.objects.get()
    assert member.person == citizen
    assert sorted(member.topics.values_list("code", flat=True)) == ["education", "health"]
    assert (member.region, member.age_band, member.accessibility) == ("Leuven", "35_44", "Large print")
    assert member.consent_version == PANEL_CONSENT_VERSION
    assert before <= member.consented_at <= timezone.now()


def test_the_trail_keeps_that_consent_was_given_and_nothing_the_member_told(citizen):
    join(citizen, region=REGION, age_band="65_74", accessibility=NEEDS)

    member = PanelMember.objects.get()
    [event] = events(member)
    # Audited without who: once they leave, nothing in the trail may tie them to the panel.
    assert (event.verb, event.actor, event.actor_label) == ("join_panel", None, "")
    assert event.after == {"consent_version": PANEL_CONSENT_VERSION}
    kept = json.dumps([event.before, event.after, event.target_label, event.reason])
    for told in (REGION, "65_74", "65 to 74", NEEDS, "education"):
        assert told not in kept
    assert event.target_label == f"Panel member {member.pk}"


@pytest.mark.parametrize("consent", [False, None, "on", 1])
def test_joining_without_consent_is_refused_and_nothing_is_saved(citizen, consent):
    with pytest.raises(ValidationError) as refused:
        join(citizen, consent=consent)

    assert refused.value.message_dict == {
        "consent": ["To join the panel, give your consent: tick the box once you have read it."]
    }
    assert not PanelMember.objects.exists()
    assert not AuditEvent.objects.filter(verb="join_panel").exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"topics": []}, "topics", "Choose at least one topic you would like to work on."),
        ({"topics": ["knitting"]}, "topics", "Choose at least one topic you would like to work on."),
        ({"topics": ["education", "knitting"]}, "topics", "Choose at least one topic you would like to work on."),
        ({"region": ""}, "region", "Say where you live: a region or a town."),
        ({"region": "   "}, "region", "Say where you live: a region or a town."),
        ({"region": "L" * 101}, "region", "Write at most 100 characters."),
        ({"region": "Leu\x00ven"}, "region", "The text contains characters that are not allowed."),
        ({"age_band": ""}, "age_band", "Choose your age band, or that you prefer not to say."),
        ({"age_band": "42"}, "age_band", "Choose your age band, or that you prefer not to say."),
        ({"accessibility": "A" * 10_001}, "accessibility", "Write at most 10,000 characters."),
        ({"accessibility": "\x00"}, "accessibility", "The text contains characters that are not allowed."),
    ],
)
def test_joining_needs_a_known_topic_a_region_and_a_known_age_band(citizen, changes, field, message):
    with pytest.raises(ValidationError) as refused:
        join(citizen, **changes)

    assert refused.value.message_dict == {field: [message]}
    assert not PanelMember.objects.exists()


def test_joining_refused_for_several_reasons_says_them_all(citizen):
    with pytest.raises(ValidationError) as refused:
        join(citizen, topics=[], region="", age_band="old", consent=False)
    assert set(refused.value.message_dict) == {"topics", "region", "age_band", "consent"}


def test_joining_a_second_time_is_refused_with_a_message(citizen):
    join(citizen, region="Leuven")

    with pytest.raises(ValidationError) as refused:
        join(citizen, region="Gent", topics=["health"])

    assert refused.value.messages == ["You are already on the citizens' panel."]
    member = PanelMember.objects.get()
    assert member.region == "Leuven"
    assert list(member.topics.values_list("code", flat=True)) == ["education"]


def test_a_visitor_cannot_join():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        join(AnonymousUser())


# Changing one's answers ----------------------------------------------------------------------


def test_a_member_changes_their_answers_and_the_trail_keeps_only_what_changed_by_name(citizen):
    join(citizen, region="Leuven", accessibility="")
    member = PanelMember.objects.get()

    services.panel_update(
        actor=citizen, topics=["health", "housing"], region=REGION, age_band="35_44", accessibility=NEEDS
    )

    member.refresh_from_db()
    assert sorted(member.topics.values_list("code", flat=True)) == ["health", "housing"]
    assert (member.region, member.accessibility) == (REGION, NEEDS)
    [event] = events(member, "update_panel")
    assert event.after == {"changed": ["accessibility", "region", "topics"]}
    assert REGION not in json.dumps([event.before, event.after]) and NEEDS not in json.dumps(event.after)


def test_saving_the_same_answers_records_nothing(citizen):
    join(citizen, region="Leuven")
    member = PanelMember.objects.get()

    services.panel_update(actor=citizen, topics=["education"], region="Leuven", age_band="35_44", accessibility="")

    assert not events(member, "update_panel").exists()


def test_changing_answers_is_judged_as_joining_and_a_refusal_changes_nothing(citizen):
    join(citizen, region="Leuven")

    with pytest.raises(ValidationError) as refused:
        services.panel_update(actor=citizen, topics=["knitting"], region="", age_band="35_44")

    assert set(refused.value.message_dict) == {"topics", "region"}
    member = PanelMember.objects.get()
    assert member.region == "Leuven"
    assert list(member.topics.values_list("code", flat=True)) == ["education"]


def test_only_a_member_changes_their_answers(citizen):
    with pytest.raises(ValidationError) as refused:
        services.panel_update(actor=citizen, topics=["education"], region="Leuven", age_band="35_44")
    assert refused.value.messages == ["You are not on the citizens' panel."]
    assert not PanelMember.objects.exists()


# Downloading what the lab holds ------------------------------------------------------------


def test_the_export_holds_the_members_answers_invitations_and_feedback(project, member, citizen):
    join(citizen, topics=["health", "education"], region=REGION, age_band="65_74", accessibility=NEEDS)
    workshop = plan(member, project, title="Workshop")
    interview = plan(member, project, title="Interview", kind=SessionKind.INTERVIEW, in_hours=9 * 24)
    invite(member, workshop)
    invite(member, interview)
    services.session_sign_up(actor=citizen, session=workshop)
    prototype = make_prototype(member, project)
    feedback(citizen, prototype, 4, "  Bigger buttons. ")

    data = services.panel_export(citizen)

    json.dumps(data)  # a file they can keep
    held = data["panel_member"]
    assert held["topics"] == ["education", "health"]
    assert (held["region"], held["age_band"], held["accessibility_needs"]) == (REGION, "65_74", NEEDS)
    assert held["consent_version"] == PANEL_CONSENT_VERSION
    member_row = PanelMember.objects.get()
    assert held["consented_at"] == member_row.consented_at.isoformat()
    assert [(s["session"], s["project"], s["status"], s["attended"]) for s in data["sessions"]] == [
        ("Workshop", project.title, "signed_up", None),
        ("Interview", project.title, "invited", None),
    ]
    assert data["sessions"][0]["starts_at"] == Session.objects.get(title="Workshop").starts_at.isoformat()
    assert sorted((f["question"], f["rating"], f["answer"]) for f in data["feedback"]) == [
        (RATING, 4, ""),
        (FREE, None, "Bigger buttons."),
    ]
    assert {f["prototype"] for f in data["feedback"]} == {"Booking page (v1)"}


def test_the_export_holds_only_the_members_own_data(project, member, citizen):
    join(citizen, region=REGION)
    other = join(region="Gent")
    invite(member, plan(member, project))
    prototype = make_prototype(member, project)
    feedback(other, prototype, 1, "Someone else's answer")

    data = services.panel_export(citizen)

    assert len(data["sessions"]) == 1 and data["feedback"] == []
    assert "Gent" not in json.dumps(data) and "Someone else" not in json.dumps(data)


def test_a_person_not_on_the_panel_has_nothing_to_export(citizen):
    assert services.panel_export(citizen) == {}


# Withdrawing: erased everywhere, the anonymous counts and ratings stay -----------------------


def counts_of(session):
    return (session.invited, session.signed_up, session.came)


@pytest.fixture
def withdrawn(project, member):
    """Two panel members, one (who withdraws) telling a region and accessibility needs of their
    own. Both invited to a session soon, signed up, reminded, and after it started recorded
    (the one who withdraws came, the other not); both invited to a later session, and both
    answered on a prototype. Then the first withdraws. Gives what the counts and the summary
    said before."""
    leaving = join(region=REGION, age_band="75_plus", accessibility=NEEDS)
    staying = join(region="Gent", age_band="25_34")
    soon = plan(member, project, title="Soon", in_hours=2)
    later = plan(member, project, title="Later", in_hours=5 * 24)
    for session in (soon, later):
        assert invite(member, session) == 2
    for person in (leaving, staying):
        services.session_sign_up(actor=person, session=soon)
    services.session_sign_up(actor=leaving, session=later)
    assert services.send_session_reminders() == 2
    prototype = make_prototype(member, project)
    feedback(staying, prototype, 5, "Clear and quick.")
    feedback(leaving, prototype, 2, f"Too many clicks for someone in {REGION}.")
    with time_machine.travel(soon.starts_at + timedelta(minutes=30)):
        services.attendance_record(actor=member, session=soon, present={invitation(leaving, soon).pk})
    before = {
        "counts": [(s.title, s.invited, s.signed_up, s.came) for s in queries.sessions_of(project)],
        "session": counts_of(queries.session_for(member, soon.pk)),
        "summary": queries.feedback_summary(prototype),
    }
    assert before["counts"] == [("Soon", 2, 2, 1), ("Later", 2, 1, 0)]
    member_pk = PanelMember.objects.get(person=leaving).pk

    # Withdrawn once the first session has taken place, before the later one.
    with time_machine.travel(soon.starts_at + timedelta(hours=1)):
        services.panel_withdraw(actor=leaving)

    return {
        "leaving": leaving,
        "staying": staying,
        "soon": soon,
        "later": later,
        "prototype": prototype,
        "before": before,
        "member_pk": member_pk,
    }


def test_withdrawing_ends_the_membership_and_leaves_nothing_to_export(withdrawn):
    leaving = withdrawn["leaving"]
    assert not PanelMember.objects.filter(person=leaving).exists()
    assert not PanelMember.objects.filter(pk=withdrawn["member_pk"]).exists()
    assert services.panel_export(leaving) == {}
    assert queries.panel_member(leaving) is None
    [event] = AuditEvent.objects.filter(verb="withdraw_from_panel")
    assert event.actor is None and event.target_id == str(withdrawn["member_pk"])
    assert not AuditEvent.objects.filter(actor=leaving).exists()


def test_withdrawing_keeps_the_invitations_anonymous_so_the_sessions_counts_do_not_change(withdrawn, project, member):
    soon, later = withdrawn["soon"], withdrawn["later"]
    assert soon.invitations.count() == 2 and later.invitations.count() == 2
    [gone] = soon.invitations.filter(member=None)
    assert (gone.status, gone.attended) == (InvitationStatus.SIGNED_UP, True)
    # Their place in the session still to come is given back for someone else to take.
    [gone_later] = later.invitations.filter(member=None)
    assert gone_later.status == InvitationStatus.CANCELLED
    assert not Invitation.objects.filter(member__person=withdrawn["leaving"]).exists()

    counts = [(s.title, s.invited, s.signed_up, s.came) for s in queries.sessions_of(project)]
    assert withdrawn["before"]["counts"] == [("Soon", 2, 2, 1), ("Later", 2, 1, 0)]
    assert counts == [("Soon", 2, 2, 1), ("Later", 2, 0, 0)]
    assert counts_of(queries.session_for(member, soon.pk)) == withdrawn["before"]["session"]


def test_withdrawing_keeps_the_feedback_responses_without_their_member(withdrawn):
    prototype = withdrawn["prototype"]
    assert prototype.responses.count() == 2
    [anonymous] = prototype.responses.filter(member=None)
    assert not FeedbackResponse.objects.filter(member__person=withdrawn["leaving"]).exists()
    rating = anonymous.answers.get(question__kind=QuestionKind.RATING)
    free = anonymous.answers.get(question__kind=QuestionKind.TEXT)
    assert (rating.rating, free.text) == (2, "")


def test_withdrawing_erases_the_free_answers_but_the_ratings_stay_in_the_summary(withdrawn):
    before = {item["question"].text: item for item in withdrawn["before"]["summary"]}
    after = {item["question"].text: item for item in queries.feedback_summary(withdrawn["prototype"])}

    assert before[RATING]["texts"] == [] and before[FREE]["texts"][0].startswith("Too many clicks")
    assert (after[RATING]["answers"], after[RATING]["mean"]) == (2, 3.5)
    assert after[RATING]["distribution"] == before[RATING]["distribution"] == [(1, 0), (2, 1), (3, 0), (4, 0), (5, 1)]
    assert after[FREE]["texts"] == ["Clear and quick."]
    assert not FeedbackAnswer.objects.filter(text__contains="Too many clicks").exists()


def test_withdrawing_deletes_the_panels_notifications_to_them_and_no_other(withdrawn):
    leaving, staying = withdrawn["leaving"], withdrawn["staying"]
    assert not Notification.objects.filter(recipient=leaving, kind__startswith="lab.session_").exists()
    assert notes(staying, "lab.session_invited").count() == 2
    assert notes(staying, "lab.session_reminder").count() == 1


def test_withdrawing_leaves_notifications_of_other_kinds(citizen):
    join(citizen)
    notify([citizen], "lab.project_started", params={"project": "Enrolment"})
    services.panel_withdraw(actor=citizen)
    assert Notification.objects.filter(recipient=citizen).get().kind == "lab.project_started"


def test_after_withdrawing_no_row_holds_their_region_or_accessibility_needs(withdrawn):
    assert not PanelMember.objects.filter(region__icontains=REGION).exists()
    assert not PanelMember.objects.filter(accessibility__icontains="hearing loop").exists()
    assert not PanelMember.objects.filter(age_band="75_plus").exists()
    assert not FeedbackAnswer.objects.filter(text__icontains=REGION).exists()
    for event in AuditEvent.objects.all():
        kept = json.dumps([event.before, event.after, event.target_label, event.reason], ensure_ascii=False)
        assert REGION not in kept and NEEDS not in kept and "75_plus" not in kept, (event.verb, kept)
    for note in Notification.objects.all():
        assert REGION not in json.dumps(note.params) and NEEDS not in json.dumps(note.params)


def test_a_person_who_withdrew_may_join_again_as_a_new_member(withdrawn):
    leaving = withdrawn["leaving"]
    join(leaving, region="Brussel", topics=["health"])

    member = PanelMember.objects.get(person=leaving)
    assert member.pk != withdrawn["member_pk"]
    data = services.panel_export(leaving)
    assert data["panel_member"]["region"] == "Brussel"
    assert data["sessions"] == [] and data["feedback"] == []


def test_after_withdrawing_the_trail_no_longer_ties_them_to_the_sessions_or_the_feedback(withdrawn):
    leaving = withdrawn["leaving"]
    tied = AuditEvent.objects.filter(actor=leaving, verb__in=["sign_up", "cancel_sign_up", "give_feedback"])
    assert not tied.exists()


def test_withdrawing_when_not_on_the_panel_changes_nothing(citizen):
    services.panel_withdraw(actor=citizen)
    assert not AuditEvent.objects.filter(verb="withdraw_from_panel").exists()


# Sessions ------------------------------------------------------------------------------------


def test_the_team_plans_a_session_as_typed(project, member):
    starts = timezone.now() + timedelta(days=3)
    session = services.session_create(
        actor=member,
        project=project,
        **{**SESSION, "title": "  Try the booking  ", "online": True},
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )

    session = Session.objects.get(pk=session.pk)
    assert (session.project, session.created_by, session.title) == (project, member, "Try the booking")
    assert (session.kind, session.online, session.capacity) == (SessionKind.WORKSHOP, True, 10)
    assert (session.starts_at, session.ends_at) == (starts, starts + timedelta(hours=2))
    assert (session.place, session.accessibility) == (SESSION["place"], SESSION["accessibility"])
    [event] = events(session)
    assert (event.verb, event.actor, event.after) == ("create", member, {"title": "Try the booking", "capacity": 10})


@pytest.mark.parametrize("capacity", [1, 10_000])
def test_a_session_has_from_1_to_10000_places(project, member, capacity):
    assert plan(member, project, capacity=capacity).capacity == capacity


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"starts_at": "past"}, "starts_at", "Give a start in the future."),
        ({"starts_at": None}, "starts_at", "Give a start in the future."),
        ({"ends_at": "before"}, "ends_at", "Give an end after the start."),
        ({"ends_at": "same"}, "ends_at", "Give an end after the start."),
        ({"ends_at": None}, "ends_at", "Give an end after the start."),
        ({"capacity": 0}, "capacity", "Give the number of places, from 1 to 10,000."),
        ({"capacity": 10_001}, "capacity", "Give the number of places, from 1 to 10,000."),
        ({"capacity": None}, "capacity", "Give the number of places, from 1 to 10,000."),
        ({"kind": "party"}, "kind", "Choose the kind of session from the list."),
        ({"kind": ""}, "kind", "Choose the kind of session from the list."),
        ({"title": "  "}, "title", "Give the session a title."),
        ({"title": "T" * 201}, "title", "Write at most 200 characters."),
        ({"description": ""}, "description", "Say what happens in the session, and what participants bring."),
        ({"place": ""}, "place", "Give the address, or how to join online."),
        ({"place": "Room\x00 2"}, "place", "The text contains characters that are not allowed."),
    ],
)
def test_planning_a_session_refuses_what_cannot_be_held(project, member, changes, field, message):
    starts = timezone.now() + timedelta(days=2)
    values = {**SESSION, "starts_at": starts, "ends_at": starts + timedelta(hours=2), **changes}
    if changes.get("starts_at") == "past":
        values["starts_at"] = timezone.now() - timedelta(minutes=1)
        values["ends_at"] = timezone.now() + timedelta(hours=1)
    if changes.get("ends_at") == "before":
        values["ends_at"] = starts - timedelta(minutes=1)
    if changes.get("ends_at") == "same":
        values["ends_at"] = starts

    with pytest.raises(ValidationError) as refused:
        services.session_create(actor=member, project=project, **values)

    assert refused.value.message_dict == {field: [message]}
    assert not Session.objects.exists()


@pytest.mark.parametrize("who", ["org_admin", "sponsor", "programme_manager", "citizen"])
def test_only_the_projects_team_plans_a_session(request, project, who):
    with pytest.raises(PermissionDenied):
        plan(request.getfixturevalue(who), project)
    assert not Session.objects.exists()


def test_no_session_is_planned_once_the_project_stopped(sponsored, member, sponsor):
    ask(member, sponsored, stop=True, lessons="Parents prefer the phone.")
    decide(sponsor, sponsored, "stop")
    assert sponsored.status == ProjectStatus.STOPPED

    with pytest.raises(PermissionDenied):
        plan(member, sponsored)
    assert not Session.objects.exists()


# Invitations ---------------------------------------------------------------------------------


def test_inviting_picks_the_members_by_topic(session, member):
    health = join(topics=["health"])
    education = join(topics=["education"])
    both = join(topics=["health", "education"])

    assert invite(member, session, "education") == 2

    assert {i.member.person for i in session.invitations.all()} == {education, both}
    assert health not in {i.member.person for i in session.invitations.all()}
    assert all(i.status == InvitationStatus.INVITED and i.attended is None for i in session.invitations.all())


def test_inviting_by_region_ignores_the_case(session, member):
    leuven = join(region="Leuven")
    shouting = join(region="LEUVEN")
    join(region="Gent")
    join(region="Leuven-Heverlee")

    assert invite(member, session, region=" leuven ") == 2
    assert {i.member.person for i in session.invitations.all()} == {leuven, shouting}


def test_inviting_by_age_band(session, member):
    young = join(age_band="16_24")
    join(age_band="65_74")
    join(age_band="unsaid")

    assert invite(member, session, age_band="16_24") == 1
    assert session.invitations.get().member.person == young


def test_inviting_by_topic_region_and_age_band_together(session, member):
    wanted = join(topics=["education"], region="Gent", age_band="25_34")
    join(topics=["health"], region="Gent", age_band="25_34")
    join(topics=["education"], region="Leuven", age_band="25_34")
    join(topics=["education"], region="Gent", age_band="35_44")

    assert invite(member, session, "education", region="gent", age_band="25_34") == 1
    assert session.invitations.get().member.person == wanted


def test_nobody_is_invited_twice_to_a_session(session, member):
    first = join()
    assert invite(member, session) == 1
    second = join()

    assert invite(member, session) == 1
    assert invite(member, session) == 0

    assert session.invitations.count() == 2
    assert {i.member.person for i in session.invitations.all()} == {first, second}
    assert notes(first, "lab.session_invited").count() == 1


def test_a_member_invited_to_one_session_is_invited_to_another(project, member, session):
    person = join()
    other = plan(member, project, title="Another workshop", in_hours=10 * 24)
    assert invite(member, session) == 1
    assert invite(member, other) == 1
    assert Invitation.objects.filter(member__person=person).count() == 2


def test_inviting_stops_at_the_limit_and_the_next_invitation_goes_on(monkeypatch, session, member):
    monkeypatch.setattr(services, "INVITE_LIMIT", 2)
    people = [join() for _ in range(3)]

    assert invite(member, session) == 2
    assert {i.member.person for i in session.invitations.all()} == set(people[:2])  # the first to join first
    assert invite(member, session) == 1
    assert invite(member, session) == 0
    assert session.invitations.count() == 3


def test_those_invited_are_told_with_a_link_to_the_session(session, member):
    invited = join(topics=["education"])
    not_invited = join(topics=["health"])

    invite(member, session)

    [note] = notes(invited, "lab.session_invited")
    assert note.url == session.get_absolute_url() == f"/lab/sessions/{session.pk}/"
    assert note.params["session"] == "Try the enrolment booking"
    assert "Try the enrolment booking" in note.message
    assert not Notification.objects.filter(recipient=not_invited).exists()
    assert not notes(member, "lab.session_invited").exists()
    [event] = events(session, "invite")
    assert event.after == {"invited": 1, "topic": "education"}


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"topic": "knitting"}, "topic"),
        ({"topic": ""}, "topic"),
        ({"age_band": "99_plus"}, "age_band"),
        ({"region": "Gent\x00"}, "region"),
        ({"region": "G" * 101}, "region"),
    ],
)
def test_inviting_refuses_an_unknown_choice_and_invites_nobody(session, member, filters, field):
    join(region="Gent")
    with pytest.raises(ValidationError) as refused:
        services.session_invite(actor=member, session=session, **{"topic": "education", **filters})
    assert set(refused.value.message_dict) == {field}
    assert not session.invitations.exists()
    assert not Notification.objects.filter(kind="lab.session_invited").exists()


# Taking a place and giving it back -----------------------------------------------------------


def test_an_invited_member_takes_a_place(session, member):
    person = join()
    invite(member, session)
    before = timezone.now()

    services.session_sign_up(actor=person, session=session)

    taken = invitation(person, session)
    assert taken.status == InvitationStatus.SIGNED_UP and before <= taken.answered_at <= timezone.now()
    [event] = events(session, "sign_up")
    assert event.actor is None and event.after == {}
    assert queries.sessions_of(session.project).get().signed_up == 1


def test_a_session_over_capacity_refuses_with_a_clear_message_and_nothing_changes(project, member):
    session = plan(member, project, capacity=2)
    first, second, third = join(), join(), join()
    invite(member, session)
    services.session_sign_up(actor=first, session=session)
    services.session_sign_up(actor=second, session=session)

    with pytest.raises(ValidationError) as refused:
        services.session_sign_up(actor=third, session=session)

    assert refused.value.messages == [FULL.format(places=2)]
    left = invitation(third, session)
    assert (left.status, left.answered_at) == (InvitationStatus.INVITED, None)
    assert session.invitations.filter(status=InvitationStatus.SIGNED_UP).count() == 2
    assert events(session, "sign_up").count() == 2
    assert not events(session, "sign_up").filter(actor=third).exists()


@pytest.mark.parametrize("who", ["panel member not invited", "citizen not on the panel", "team member"])
def test_a_person_not_invited_cannot_take_a_place(session, member, citizen, who):
    invited = join()
    invite(member, session)
    person = {"citizen not on the panel": citizen, "team member": member}.get(who) or join()

    with pytest.raises(PermissionDenied):
        services.session_sign_up(actor=person, session=session)

    assert session.invitations.get().member.person == invited
    assert not session.invitations.filter(status=InvitationStatus.SIGNED_UP).exists()


def test_a_place_is_taken_once(session, member):
    person = join()
    invite(member, session)
    services.session_sign_up(actor=person, session=session)
    with pytest.raises(PermissionDenied):
        services.session_sign_up(actor=person, session=session)
    assert events(session, "sign_up").count() == 1


def test_giving_a_place_back_frees_it_for_another(project, member):
    session = plan(member, project, capacity=1)
    first, second = join(), join()
    invite(member, session)
    services.session_sign_up(actor=first, session=session)
    with pytest.raises(ValidationError):
        services.session_sign_up(actor=second, session=session)

    services.session_cancel(actor=first, session=session)

    assert invitation(first, session).status == InvitationStatus.CANCELLED
    services.session_sign_up(actor=second, session=session)
    assert invitation(second, session).status == InvitationStatus.SIGNED_UP
    [event] = events(session, "cancel_sign_up")
    assert event.actor is None
    with pytest.raises(ValidationError) as refused:  # now taken by the other
        services.session_sign_up(actor=first, session=session)
    assert refused.value.messages[0].startswith("The session is full")


def test_a_member_who_gave_their_place_back_may_take_one_again(session, member):
    person = join()
    invite(member, session)
    services.session_sign_up(actor=person, session=session)
    services.session_cancel(actor=person, session=session)

    services.session_sign_up(actor=person, session=session)

    assert invitation(person, session).status == InvitationStatus.SIGNED_UP


def test_only_a_member_with_a_place_gives_it_back(session, member):
    person = join()
    invite(member, session)
    with pytest.raises(PermissionDenied):
        services.session_cancel(actor=person, session=session)
    assert invitation(person, session).status == InvitationStatus.INVITED


def test_no_place_is_taken_or_given_back_once_the_session_started(session, member):
    taker, keeper = join(), join()
    invite(member, session)
    services.session_sign_up(actor=keeper, session=session)

    with time_machine.travel(session.starts_at + timedelta(seconds=1), tick=False):
        with pytest.raises(PermissionDenied):
            services.session_sign_up(actor=taker, session=session)
        with pytest.raises(PermissionDenied):
            services.session_cancel(actor=keeper, session=session)

    assert invitation(taker, session).status == InvitationStatus.INVITED
    assert invitation(keeper, session).status == InvitationStatus.SIGNED_UP


def test_a_place_is_still_taken_a_moment_before_the_start(session, member):
    person = join()
    invite(member, session)
    with time_machine.travel(session.starts_at - timedelta(seconds=1), tick=False):
        services.session_sign_up(actor=person, session=session)
    assert invitation(person, session).status == InvitationStatus.SIGNED_UP


# Attendance ----------------------------------------------------------------------------------


@pytest.fixture
def held(project, member):
    """A session in three hours: two members signed up, one who gave the place back, one only
    invited."""
    session = plan(member, project, in_hours=3)
    people = {name: join() for name in ("came", "stayed home", "cancelled", "invited")}
    invite(member, session)
    for name in ("came", "stayed home", "cancelled"):
        services.session_sign_up(actor=people[name], session=session)
    services.session_cancel(actor=people["cancelled"], session=session)
    return session, people


def test_attendance_is_recorded_only_once_the_session_started(held, member):
    session, people = held
    with pytest.raises(PermissionDenied):
        services.attendance_record(actor=member, session=session, present={invitation(people["came"], session).pk})
    assert not session.invitations.filter(attended__isnull=False).exists()


def test_the_team_records_who_of_those_signed_up_came(held, member, project):
    session, people = held
    elsewhere = plan(member, project, title="Elsewhere", in_hours=4)
    invite(member, elsewhere)
    services.session_sign_up(actor=people["invited"], session=elsewhere)
    stranger = invitation(people["invited"], elsewhere)

    with time_machine.travel(session.starts_at + timedelta(hours=1), tick=False):
        came = services.attendance_record(
            actor=member,
            session=session,
            present={
                invitation(people["came"], session).pk,
                invitation(people["cancelled"], session).pk,  # gave the place back: not counted
                stranger.pk,  # another session's
            },
        )

    assert came == 1
    attended = {name: invitation(person, session).attended for name, person in people.items()}
    assert attended == {"came": True, "stayed home": False, "cancelled": None, "invited": None}
    stranger.refresh_from_db()
    assert stranger.attended is None
    [event] = events(session, "record_attendance")
    assert event.after == {"came": 1}
    assert queries.sessions_of(project).get(pk=session.pk).came == 1


def test_recording_attendance_again_replaces_it(held, member):
    session, people = held
    with time_machine.travel(session.starts_at + timedelta(hours=1), tick=False):
        services.attendance_record(actor=member, session=session, present={invitation(people["came"], session).pk})
        came = services.attendance_record(
            actor=member, session=session, present={invitation(people["stayed home"], session).pk}
        )
    assert came == 1
    assert invitation(people["came"], session).attended is False
    assert invitation(people["stayed home"], session).attended is True


# Reminders -----------------------------------------------------------------------------------


def test_each_person_signed_up_to_a_session_within_a_day_is_reminded_once(project, member):
    soon = plan(member, project, title="Soon", in_hours=20)
    far = plan(member, project, title="Far", in_hours=30)
    people = {name: join() for name in ("signed up", "cancelled", "invited", "far", "withdrew")}
    invite(member, soon)
    invite(member, far)
    for name in ("signed up", "cancelled", "withdrew"):
        services.session_sign_up(actor=people[name], session=soon)
    services.session_cancel(actor=people["cancelled"], session=soon)
    services.session_sign_up(actor=people["far"], session=far)
    services.panel_withdraw(actor=people["withdrew"])

    assert services.send_session_reminders() == 1

    [note] = Notification.objects.filter(kind="lab.session_reminder")
    assert note.recipient == people["signed up"]
    assert note.url == soon.get_absolute_url() and note.params["session"] == "Soon"
    assert invitation(people["signed up"], soon).reminded_at is not None
    assert services.send_session_reminders() == 0  # not twice
    assert Notification.objects.filter(kind="lab.session_reminder").count() == 1


def test_the_reminder_command_reminds_when_the_session_comes_within_a_day(project, member, capsys):
    far = plan(member, project, title="Far", in_hours=30)
    person = join()
    invite(member, far)
    services.session_sign_up(actor=person, session=far)

    call_command("send_session_reminders")
    assert capsys.readouterr().out.strip() == "Session reminders sent: 0."

    with time_machine.travel(far.starts_at - timedelta(hours=23), tick=False):
        call_command("send_session_reminders")
        assert capsys.readouterr().out.strip() == "Session reminders sent: 1."
        call_command("send_session_reminders")
        assert capsys.readouterr().out.strip() == "Session reminders sent: 0."
    assert notes(person, "lab.session_reminder").count() == 1


def test_nobody_is_reminded_of_a_session_that_already_started(project, member):
    session = plan(member, project, in_hours=30)
    person = join()
    invite(member, session)
    services.session_sign_up(actor=person, session=session)

    assert services.send_session_reminders(now=session.starts_at + timedelta(minutes=1)) == 0
    assert not notes(person, "lab.session_reminder").exists()


# Prototypes ----------------------------------------------------------------------------------


def test_the_team_asks_for_feedback_on_a_prototype_with_its_questions_in_order(project, member):
    prototype = make_prototype(
        member,
        project,
        name="  Booking page ",
        questions=[(" How easy was it? ", "rating"), ("", "rating"), ("   ", "text"), ("What is missing?", "text")],
    )

    prototype = Prototype.objects.get(pk=prototype.pk)
    assert (prototype.project, prototype.created_by, prototype.name, prototype.version) == (
        project,
        member,
        "Booking page",
        "v1",
    )
    assert [(q.text, q.kind, q.position) for q in prototype.questions.all()] == [
        ("How easy was it?", "rating", 0),
        ("What is missing?", "text", 1),
    ]
    [event] = events(prototype)
    assert (event.verb, event.after) == ("create", {"name": "Booking page", "version": "v1"})


def test_a_prototype_asks_at_most_10_questions(project, member):
    ten = [(f"Question {n}?", "rating") for n in range(10)]
    assert make_prototype(member, project, questions=ten).questions.count() == 10

    with pytest.raises(ValidationError) as refused:
        make_prototype(member, project, version="v2", questions=[*ten, ("One more?", "text")])
    assert refused.value.message_dict == {"questions": ["Ask at most 10 questions, each in at most 300 characters."]}
    assert Prototype.objects.count() == 1


@pytest.mark.parametrize(
    ("questions", "message"),
    [
        ([], "Ask at least one question."),
        ([("", "rating"), ("  ", "text")], "Ask at least one question."),
        ([("Q" * 301, "text")], "Ask at most 10 questions, each in at most 300 characters."),
        ([("Fine?\x00", "text")], "Ask at most 10 questions, each in at most 300 characters."),
        ([("Fine?", "yes_no")], "Choose for each question whether it asks for a rating or a free answer."),
    ],
)
def test_a_prototype_needs_a_question_it_can_ask(project, member, questions, message):
    with pytest.raises(ValidationError) as refused:
        make_prototype(member, project, questions=questions)
    assert refused.value.message_dict == {"questions": [message]}
    assert not Prototype.objects.exists() and not FeedbackQuestion.objects.exists()


def test_a_prototype_refuses_a_version_it_already_has_and_takes_a_new_one(project, member):
    make_prototype(member, project, version="v1")

    with pytest.raises(ValidationError) as refused:
        make_prototype(member, project, version=" v1 ")
    assert refused.value.message_dict == {
        "version": ["This prototype already has this version: give the new version another name."]
    }

    make_prototype(member, project, version="v2")
    make_prototype(member, project, name="Reminder letter", version="v1")
    assert sorted(map(str, Prototype.objects.all())) == [
        "Booking page (v1)",
        "Booking page (v2)",
        "Reminder letter (v1)",
    ]


def test_the_trail_keeps_the_version_as_saved(project, member):
    prototype = make_prototype(member, project, version="  v2 ")
    assert prototype.version == "v2"
    assert events(prototype).get().after == {"name": "Booking page", "version": "v2"}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", " ", "Name the prototype."),
        ("version", "", "Give the version: for example v1, or paper sketch."),
        ("version", "v" * 41, "Write at most 40 characters."),
    ],
)
def test_a_prototype_needs_a_name_and_a_version(project, member, field, value, message):
    with pytest.raises(ValidationError) as refused:
        make_prototype(member, project, **{field: value})
    assert refused.value.message_dict == {field: [message]}
    assert not Prototype.objects.exists()


@pytest.mark.parametrize("who", ["org_admin", "sponsor", "programme_manager", "citizen"])
def test_only_the_projects_team_asks_for_feedback_on_a_prototype(request, project, who):
    with pytest.raises(PermissionDenied):
        make_prototype(request.getfixturevalue(who), project)
    assert not Prototype.objects.exists()


# Feedback ------------------------------------------------------------------------------------


@pytest.fixture
def prototype(project, member, session):
    """A prototype of the project, asking a rating and a free answer; its session invites the
    members who chose education."""
    return make_prototype(member, project)


def test_an_invited_member_gives_their_feedback(prototype, session, member):
    person = join()
    invite(member, session)

    response = feedback(person, prototype, 4, "  Bigger buttons.  ")

    assert response.member == PanelMember.objects.get(person=person) and response.prototype == prototype
    assert sorted((a.question.text, a.rating, a.text) for a in response.answers.all()) == [
        (RATING, 4, ""),
        (FREE, None, "Bigger buttons."),
    ]
    [event] = events(prototype, "give_feedback")
    assert event.actor is None and event.after == {}


def test_free_answers_are_optional(prototype, session, member):
    person = join()
    invite(member, session)
    response = services.feedback_give(actor=person, prototype=prototype, answers=answers(prototype, 3, None))
    assert response.answers.get(question__kind=QuestionKind.TEXT).text == ""


@pytest.mark.parametrize("rating", [None, 0, 6, -1, "3", 3.5])
def test_each_rating_from_1_to_5_is_required(prototype, session, member, rating):
    person = join()
    invite(member, session)
    rating_question = prototype.questions.get(kind=QuestionKind.RATING)

    with pytest.raises(ValidationError) as refused:
        feedback(person, prototype, rating, "Nice")

    assert refused.value.message_dict == {f"question_{rating_question.pk}": ["Give a rating from 1 to 5."]}
    assert not FeedbackResponse.objects.exists() and not FeedbackAnswer.objects.exists()


def test_a_free_answer_is_judged_as_any_text(prototype, session, member):
    person = join()
    invite(member, session)
    free = prototype.questions.get(kind=QuestionKind.TEXT)
    with pytest.raises(ValidationError) as refused:
        feedback(person, prototype, 3, "Bad\x00")
    assert set(refused.value.message_dict) == {f"question_{free.pk}"}
    assert not FeedbackResponse.objects.exists()


def test_feedback_is_given_once_per_version(prototype, session, member, project):
    person = join()
    invite(member, session)
    feedback(person, prototype, 4)

    with pytest.raises(PermissionDenied):
        feedback(person, prototype, 1)

    second = make_prototype(member, project, version="v2")
    feedback(person, second, 2)
    assert FeedbackResponse.objects.filter(member__person=person).count() == 2
    assert FeedbackAnswer.objects.filter(response__prototype=prototype, rating=4).count() == 1


def test_a_member_who_gave_their_place_back_still_gives_feedback(prototype, session, member):
    person = join()
    invite(member, session)
    services.session_sign_up(actor=person, session=session)
    services.session_cancel(actor=person, session=session)
    feedback(person, prototype, 5)
    assert prototype.responses.count() == 1


@pytest.mark.parametrize(
    "who", ["panel member not invited", "member invited by another project", "citizen not on the panel"]
)
def test_feedback_comes_only_from_a_panel_member_invited_to_a_session_of_the_project(
    prototype, session, member, programme_manager, sponsor, citizen, who
):
    invite(member, session)  # nobody on the panel yet
    if who == "panel member not invited":
        person = join()
    elif who == "member invited by another project":
        person = join()
        body = OrganisationFactory()
        author = MembershipFactory(organisation=body).user
        problem = submit(author, body, title="Another problem")
        from ponte.lab.services import problems as problem_services

        problem_services.problem_accept(actor=programme_manager, problem=problem)
        other = start(programme_manager, problem, title="Another project", sponsor=sponsor, team=[author])
        invite(author, plan(author, other))
        assert Invitation.objects.filter(member__person=person).exists()
    else:
        person = citizen

    with pytest.raises(PermissionDenied):
        feedback(person, prototype, 3)
    assert not FeedbackResponse.objects.exists()


def test_the_team_cannot_answer_on_its_own_prototype_even_when_invited(prototype, session, member):
    join(member)
    assert invite(member, session) == 1  # the team member is on the panel, and invited

    with pytest.raises(PermissionDenied):
        feedback(member, prototype, 5)
    assert not FeedbackResponse.objects.exists()


# The summary ---------------------------------------------------------------------------------


def test_the_summary_gives_each_versions_mean_distribution_and_texts_without_names(prototype, session, member):
    people = [join(region=f"Town {n}") for n in range(4)]
    invite(member, session)
    second = make_prototype(member, prototype.project, version="v2")
    for person, rating, text in zip(people, (2, 4, 5, 4), ("Too slow", "", "Clear", "  Fine  "), strict=True):
        feedback(person, prototype, rating, text)
    feedback(people[0], second, 1, "Worse than v1")

    summary = {item["question"].text: item for item in queries.feedback_summary(prototype)}

    rating, free = summary[RATING], summary[FREE]
    assert rating["answers"] == 4 and rating["mean"] == pytest.approx(3.75)
    assert rating["distribution"] == [(1, 0), (2, 1), (3, 0), (4, 2), (5, 1)]
    assert rating["texts"] == []
    assert (free["answers"], free["mean"]) == (0, None)
    assert free["texts"] == ["Fine", "Clear", "Too slow"]  # the newest first, the empty one left out
    assert list(rating) == ["question", "answers", "mean", "distribution", "texts"]  # nothing says whose

    newer = {item["question"].text: item for item in queries.feedback_summary(second)}
    assert (newer[RATING]["answers"], newer[RATING]["mean"]) == (1, 1.0)
    assert newer[RATING]["distribution"] == [(1, 1), (2, 0), (3, 0), (4, 0), (5, 0)]
    assert newer[FREE]["texts"] == ["Worse than v1"]
    assert queries.responses_count(prototype) == 4 and queries.responses_count(second) == 1

    shown = repr([queries.feedback_summary(prototype), queries.feedback_summary(second)])
    for person in people:
        assert person.name not in shown and person.email not in shown
    assert "Town" not in shown


def test_the_summary_of_a_prototype_without_answers(prototype):
    summary = queries.feedback_summary(prototype)
    assert [(item["answers"], item["mean"], item["texts"]) for item in summary] == [(0, None, []), (0, None, [])]
    assert summary[0]["distribution"] == [(score, 0) for score in range(1, 6)]
