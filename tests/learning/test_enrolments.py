"""Enrolments: a person is enrolled while places are free and joins the waiting list once the
session is full; the first waiting takes a place that frees, in the order they joined, and is
told; each refusal says why. A session may ask for the manager's approval: the request goes to
the admins of the person's organisation, who approve (enrolled, or waiting when full) or refuse
with a reason. People acting at once never fill a session beyond its places."""

import threading
import time
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, connection

from ponte.core.models import AuditEvent
from ponte.learning.models import Enrolment, EnrolmentStatus
from ponte.learning.services import enrolments as services
from ponte.learning.services import sessions as session_services
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

from .conftest import received, session_answers, statuses

pytestmark = pytest.mark.django_db


def enrolment_of(person, session) -> Enrolment:
    return Enrolment.objects.filter(person=person, session=session).latest("pk")


def queue(session) -> list[int]:
    """The people waiting, first in line first."""
    return list(
        Enrolment.objects.filter(session=session, status=EnrolmentStatus.WAITING)
        .order_by("queued_at", "pk")
        .values_list("person_id", flat=True)
    )


def refused_with(error) -> str:
    return " ".join(error.value.messages)


# Places and the waiting list ------------------------------------------------------------------


def test_people_are_enrolled_while_places_are_free_then_wait(session):
    people = [UserFactory() for _ in range(5)]
    made = [services.enrol(actor=person, session=session) for person in people]
    assert [e.status for e in made] == ["enrolled"] * 3 + ["waiting"] * 2
    assert all(e.enrolled_at is not None for e in made[:3]) and all(e.enrolled_at is None for e in made[3:])
    assert queue(session) == [people[3].pk, people[4].pk]
    assert AuditEvent.objects.filter(verb="enrol").count() == 5
    # Nobody is told of what they just did themselves.
    assert received("learning.enrolled") == []


def test_the_first_waiting_takes_a_freed_place_and_is_told(session, enrol):
    first_in, second_in, third_in = enrol(session, 3)
    first, second = enrol(session, 2)
    services.enrolment_cancel(actor=second_in, enrolment=enrolment_of(second_in, session))
    found = statuses(session)
    assert found[second_in.pk] == "cancelled" and found[first.pk] == "enrolled" and found[second.pk] == "waiting"
    assert found[third_in.pk] == "enrolled"
    assert received("learning.enrolled") == [first.pk]
    note = enrolment_of(first, session)
    assert note.enrolled_at is not None
    assert AuditEvent.objects.filter(verb="promote", target_id=str(note.pk)).exists()
    # The next place that frees goes to the next in line.
    services.enrolment_cancel(actor=first_in, enrolment=enrolment_of(first_in, session))
    assert statuses(session)[second.pk] == "enrolled"
    assert received("learning.enrolled") == [first.pk, second.pk]


def test_leaving_the_waiting_list_frees_no_place_and_keeps_the_others_in_line(session, enrol):
    enrol(session, 3)
    first, second, third = enrol(session, 3)
    services.enrolment_cancel(actor=second, enrolment=enrolment_of(second, session))
    assert queue(session) == [first.pk, third.pk]
    assert received("learning.enrolled") == []


def test_the_queue_follows_the_moment_each_joined_it_not_the_moment_they_asked(session, enrol, organisation, org_admin):
    """A request approved joins the waiting list when it is approved: behind those who joined
    the list before, though it was made before them."""
    asking = MembershipFactory(organisation=organisation).user
    enrolled = enrol(session, 3)
    session.needs_approval = True
    session.save(update_fields=["needs_approval"])
    request = services.enrol(actor=asking, session=session)
    session.needs_approval = False
    session.save(update_fields=["needs_approval"])
    [waiting] = enrol(session, 1)
    services.enrolment_approve(actor=org_admin, enrolment=request)
    assert queue(session) == [waiting.pk, asking.pk]
    services.enrolment_cancel(actor=enrolled[0], enrolment=enrolment_of(enrolled[0], session))
    assert statuses(session)[waiting.pk] == "enrolled" and statuses(session)[asking.pk] == "waiting"


# Refusals --------------------------------------------------------------------------------------


def test_enrolling_twice_is_refused_with_a_clear_message(session, enrol, organisation):
    enrolled = enrol(session, 3)
    [waiting] = enrol(session, 1)
    with pytest.raises(ValidationError) as error:
        services.enrol(actor=enrolled[0], session=session)
    assert refused_with(error) == "You are already enrolled in this session."
    with pytest.raises(ValidationError) as error:
        services.enrol(actor=waiting, session=session)
    assert refused_with(error) == "You are already on this session's waiting list."
    session.needs_approval = True
    session.save(update_fields=["needs_approval"])
    asking = MembershipFactory(organisation=organisation).user
    services.enrol(actor=asking, session=session)
    with pytest.raises(ValidationError) as error:
        services.enrol(actor=asking, session=session)
    assert refused_with(error) == "You have already asked to enrol in this session: your manager has not answered yet."
    assert Enrolment.objects.filter(session=session).count() == 5


@pytest.mark.parametrize(
    ("phase", "message"),
    [
        ("running", "This session has already begun: choose a later session of the course."),
        ("over", "This session has already begun: choose a later session of the course."),
        ("cancelled", "This session is cancelled: choose another session of the course."),
    ],
)
def test_a_session_not_upcoming_takes_no_enrolment(session_in, citizen, phase, message):
    session = session_in(phase)
    with pytest.raises(ValidationError) as error:
        services.enrol(actor=citizen, session=session)
    assert refused_with(error) == message
    assert not Enrolment.objects.exists()


def test_the_session_starting_closes_its_enrolment(session, citizen):
    with time_machine.travel(session.starts_at, tick=False), pytest.raises(ValidationError) as error:
        services.enrol(actor=citizen, session=session)
    assert "already begun" in refused_with(error)


def test_a_visitor_may_not_enrol(session):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.enrol(actor=AnonymousUser(), session=session)


def test_an_enrolment_is_not_cancelled_once_the_session_began(session, enrol):
    [person] = enrol(session, 1)
    enrolment = enrolment_of(person, session)
    with (
        time_machine.travel(session.starts_at + timedelta(minutes=1), tick=False),
        pytest.raises(ValidationError) as error,
    ):
        services.enrolment_cancel(actor=person, enrolment=enrolment)
    assert refused_with(error) == "The session has begun: your enrolment can no longer be cancelled."
    assert enrolment_of(person, session).status == "enrolled"


def test_one_may_not_cancel_another_persons_enrolment_nor_one_already_ended(session, enrol, programme_manager):
    one, other = enrol(session, 2)
    enrolment = enrolment_of(one, session)
    for person in (other, programme_manager, session.trainer):
        with pytest.raises(PermissionDenied):
            services.enrolment_cancel(actor=person, enrolment=enrolment)
    services.enrolment_cancel(actor=one, enrolment=enrolment)
    with pytest.raises(PermissionDenied):
        services.enrolment_cancel(actor=one, enrolment=enrolment)


def test_one_enrols_again_after_cancelling(session, enrol):
    [person] = enrol(session, 1)
    services.enrolment_cancel(actor=person, enrolment=enrolment_of(person, session))
    again = services.enrol(actor=person, session=session)
    assert again.status == "enrolled"
    assert list(Enrolment.objects.filter(person=person).values_list("status", flat=True).order_by("pk")) == [
        "cancelled",
        "enrolled",
    ]
    # Cancelling again, then coming back to a full session: the waiting list.
    services.enrolment_cancel(actor=person, enrolment=again)
    enrol(session, 3)
    assert services.enrol(actor=person, session=session).status == "waiting"


# Approval by the manager ------------------------------------------------------------------


@pytest.fixture
def approved(session):
    """The session, asking for each enrolment to be approved by the person's manager."""
    session.needs_approval = True
    session.save(update_fields=["needs_approval"])
    return session


def test_a_request_goes_to_the_admins_of_the_persons_organisation(approved, member, organisation, org_admin):
    second_admin = MembershipFactory(organisation=organisation, role="admin").user
    MembershipFactory(organisation=OrganisationFactory(), role="admin")  # of another organisation
    enrolment = services.enrol(actor=member, session=approved)
    assert enrolment.status == "requested" and enrolment.organisation == organisation
    assert enrolment.queued_at is None and enrolment.enrolled_at is None
    assert sorted(received("learning.enrolment_requested")) == sorted([org_admin.pk, second_admin.pk])
    # A request takes no place: the admin, who needs no approval, takes the first.
    assert services.enrol(actor=org_admin, session=approved).enrolled_at is not None


def test_a_person_of_two_organisations_chooses_whose_admin_approves(approved, member, organisation, org_admin):
    other = OrganisationFactory()
    other_admin = MembershipFactory(organisation=other, role="admin").user
    MembershipFactory(organisation=other, user=member)
    member = type(member).objects.get(pk=member.pk)
    with pytest.raises(ValidationError) as error:
        services.enrol(actor=member, session=approved)
    assert error.value.message_dict == {
        "organisation": ["Choose the organisation whose admin approves your enrolment."]
    }
    with pytest.raises(ValidationError) as error:
        services.enrol(actor=member, session=approved, organisation=OrganisationFactory())
    assert error.value.message_dict == {"organisation": ["Choose one of your own organisations."]}
    assert not Enrolment.objects.exists()

    enrolment = services.enrol(actor=member, session=approved, organisation=other)
    assert enrolment.organisation == other
    assert received("learning.enrolment_requested") == [other_admin.pk]
    assert org_admin.pk not in received("learning.enrolment_requested")


def test_a_person_of_no_organisation_is_told_to_join_theirs_first(approved, citizen):
    with pytest.raises(ValidationError) as error:
        services.enrol(actor=citizen, session=approved)
    assert refused_with(error) == (
        "This session asks for your manager's approval, and you belong to no organisation on Ponte: "
        "join your organisation first, so that its admins can approve."
    )
    assert not Enrolment.objects.exists()


def test_an_organisation_admin_enrolling_themselves_needs_no_approval(approved, org_admin):
    enrolment = services.enrol(actor=org_admin, session=approved)
    assert enrolment.status == "enrolled" and enrolment.organisation is None
    assert received("learning.enrolment_requested") == []


def test_an_approved_request_is_enrolled_when_a_place_is_free(approved, member, org_admin):
    request = services.enrol(actor=member, session=approved)
    decided = services.enrolment_approve(actor=org_admin, enrolment=request)
    assert decided.status == "enrolled"
    request.refresh_from_db()
    assert request.status == "enrolled" and request.decided_by == org_admin and request.decided_at is not None
    assert received("learning.enrolled") == [member.pk]
    assert received("learning.enrolment_waiting") == []
    assert AuditEvent.objects.filter(verb="approve", target_id=str(request.pk), actor=org_admin).exists()


def test_an_approved_request_waits_when_the_session_is_full(approved, member, org_admin, enrol):
    request = services.enrol(actor=member, session=approved)
    enrol(approved, [org_admin])  # needs no approval: takes the only place
    approved.capacity = 1
    approved.save(update_fields=["capacity"])
    decided = services.enrolment_approve(actor=org_admin, enrolment=request)
    assert decided.status == "waiting"
    request.refresh_from_db()
    assert request.status == "waiting" and request.queued_at is not None
    assert received("learning.enrolment_waiting") == [member.pk]
    assert received("learning.enrolled") == []


def test_a_refusal_needs_a_reason_and_the_person_reads_it(approved, member, org_admin):
    request = services.enrol(actor=member, session=approved)
    for reason in ("", "   ", None):
        with pytest.raises(ValidationError) as error:
            services.enrolment_refuse(actor=org_admin, enrolment=request, reason=reason)
        assert error.value.message_dict == {"reason": ["Say why: the person reads it."]}
    request.refresh_from_db()
    assert request.status == "requested"
    services.enrolment_refuse(actor=org_admin, enrolment=request, reason=" The team needs you that week. ")
    request.refresh_from_db()
    assert request.status == "refused" and request.refuse_reason == "The team needs you that week."
    assert request.decided_by == org_admin
    assert received("learning.enrolment_refused") == [member.pk]
    note = member.notifications.get(kind="learning.enrolment_refused")
    assert note.params["reason"] == "The team needs you that week."
    # Decided once: neither approved nor refused again.
    with pytest.raises(PermissionDenied):
        services.enrolment_approve(actor=org_admin, enrolment=request)
    with pytest.raises(PermissionDenied):
        services.enrolment_refuse(actor=org_admin, enrolment=request, reason="Again.")
    # Refused, the person may ask again.
    assert services.enrol(actor=member, session=approved).status == "requested"


def test_only_an_admin_of_the_organisation_named_decides(approved, member, organisation, programme_manager):
    request = services.enrol(actor=member, session=approved)
    other_admin = MembershipFactory(organisation=OrganisationFactory(), role="admin").user
    colleague = MembershipFactory(organisation=organisation, role="member").user
    for person in (other_admin, colleague, member, programme_manager, approved.trainer):
        with pytest.raises(PermissionDenied):
            services.enrolment_approve(actor=person, enrolment=request)
        with pytest.raises(PermissionDenied):
            services.enrolment_refuse(actor=person, enrolment=request, reason="No.")
    request.refresh_from_db()
    assert request.status == "requested"


def test_a_request_is_not_decided_once_the_session_began(approved, member, org_admin):
    request = services.enrol(actor=member, session=approved)
    with time_machine.travel(approved.starts_at + timedelta(minutes=1), tick=False), pytest.raises(PermissionDenied):
        services.enrolment_approve(actor=org_admin, enrolment=request)


def test_a_person_takes_back_their_request(approved, member, org_admin):
    from ponte.learning.queries.sessions import awaiting_approval

    request = services.enrol(actor=member, session=approved)
    assert list(awaiting_approval(org_admin)) == [request]
    services.enrolment_cancel(actor=member, enrolment=request)
    assert list(awaiting_approval(org_admin)) == []
    with pytest.raises(PermissionDenied):
        services.enrolment_approve(actor=org_admin, enrolment=request)


# People acting at once ---------------------------------------------------------------------


def _retrying(act):
    """Run a service; SQLite's in-memory test database (shared cache) answers "locked" at once
    where a database file waits for its busy timeout: wait likewise, then try again."""
    deadline = time.monotonic() + 20
    while True:
        try:
            return act()
        except OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


@pytest.mark.django_db(transaction=True)
def test_cancellations_and_enrolments_at_once_never_fill_beyond_the_places(programme_manager, course, trainer):
    """Real transactions in four threads, started together on a full session with a waiting
    list: two people cancel while two others enrol. The two first in line take the two places,
    the third stays first in line, and the newcomers wait behind them."""
    session = session_services.session_schedule(
        actor=programme_manager, course=course, **session_answers(trainer, capacity=2)
    )
    one, two, first, second, third, newcomer, latecomer = (UserFactory() for _ in range(7))
    for person in (one, two, first, second, third):
        services.enrol(actor=person, session=session)
    assert queue(session) == [first.pk, second.pk, third.pk]
    start = threading.Barrier(4, timeout=10)
    outcome = {}

    def run(name, act):
        try:
            start.wait()
            _retrying(act)
            outcome[name] = "done"
        except Exception as error:
            outcome[name] = repr(error)
        finally:
            connection.close()

    acts = {
        "one cancels": lambda: services.enrolment_cancel(actor=one, enrolment=enrolment_of(one, session)),
        "two cancels": lambda: services.enrolment_cancel(actor=two, enrolment=enrolment_of(two, session)),
        "newcomer enrols": lambda: services.enrol(actor=newcomer, session=session),
        "latecomer enrols": lambda: services.enrol(actor=latecomer, session=session),
    }
    threads = [threading.Thread(target=run, args=(name, act)) for name, act in acts.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcome == dict.fromkeys(acts, "done"), outcome

    enrolled = set(Enrolment.objects.filter(session=session, status="enrolled").values_list("person_id", flat=True))
    assert enrolled == {first.pk, second.pk}
    waiting = queue(session)
    assert waiting[0] == third.pk and set(waiting[1:]) == {newcomer.pk, latecomer.pk}
    assert sorted(received("learning.enrolled")) == sorted([first.pk, second.pk])
    assert statuses(session)[one.pk] == statuses(session)[two.pk] == "cancelled"


@pytest.mark.django_db(transaction=True)
def test_many_enrolling_at_once_take_exactly_the_places(programme_manager, course, trainer):
    session = session_services.session_schedule(
        actor=programme_manager, course=course, **session_answers(trainer, capacity=3)
    )
    people = [UserFactory() for _ in range(6)]
    start = threading.Barrier(len(people), timeout=10)
    outcome = {}

    def run(person):
        try:
            start.wait()
            outcome[person.pk] = _retrying(lambda: services.enrol(actor=person, session=session)).status
        except Exception as error:
            outcome[person.pk] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcome.values()) == ["enrolled"] * 3 + ["waiting"] * 3, outcome
    assert Enrolment.objects.filter(session=session, status="enrolled").count() == 3
    # Served one at a time: each person waiting joined after every person enrolled.
    joined = dict(Enrolment.objects.filter(session=session).values_list("status", "queued_at").order_by("queued_at"))
    enrolled = Enrolment.objects.filter(session=session, status="enrolled").values_list("queued_at", flat=True)
    waiting = Enrolment.objects.filter(session=session, status="waiting").values_list("queued_at", flat=True)
    assert max(enrolled) <= min(waiting), joined
