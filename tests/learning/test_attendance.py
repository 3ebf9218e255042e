"""Attendance: once a session has begun, its trainer or a programme manager records who of
those enrolled came; those not ticked are absent. Corrections are allowed and each is
audited. Nobody else reads the attendance page, and nobody records it before the start."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from ponte.core.models import AuditEvent
from ponte.learning.models import Enrolment
from ponte.learning.services import enrolments as enrolment_services
from ponte.learning.services import sessions as services
from tests.factories import MembershipFactory
from tests.reading import Page

pytestmark = pytest.mark.django_db


def enrolment_of(person, session) -> Enrolment:
    return Enrolment.objects.filter(person=person, session=session).latest("pk")


def attended(session) -> dict[int, bool | None]:
    return dict(Enrolment.objects.filter(session=session).values_list("person_id", "attended"))


@pytest.fixture
def taught(session, enrol):
    """The session with three people enrolled, one waiting and one who cancelled."""
    ana, bo, cy = enrol(session, 3)
    [waiting] = enrol(session, 1)
    [gone] = enrol(session, 1)
    enrolment_services.enrolment_cancel(actor=gone, enrolment=enrolment_of(gone, session))
    return session, (ana, bo, cy), waiting, gone


def begun(session, hours=1):
    return time_machine.travel(session.starts_at + timedelta(hours=hours), tick=False)


def test_the_trainer_records_who_came_once_the_session_has_begun(taught, trainer):
    session, (ana, bo, cy), waiting, gone = taught
    present = {enrolment_of(ana, session).pk, enrolment_of(cy, session).pk}
    with begun(session):
        assert services.attendance_record(actor=trainer, session=session, present=present) == 3
    found = attended(session)
    assert (found[ana.pk], found[bo.pk], found[cy.pk]) == (True, False, True)
    # Those not enrolled are not recorded at all.
    assert found[waiting.pk] is None and found[gone.pk] is None
    events = AuditEvent.objects.filter(verb="record_attendance")
    assert events.count() == 3 and {event.actor for event in events} == {trainer}
    assert enrolment_of(ana, session).attendance_recorded_at is not None


def test_a_programme_manager_records_it_too_even_after_the_end(taught, programme_manager):
    session, (ana, _bo, _cy), _waiting, _gone = taught
    with time_machine.travel(session.ends_at + timedelta(days=3), tick=False):
        services.attendance_record(actor=programme_manager, session=session, present={enrolment_of(ana, session).pk})
    assert attended(session)[ana.pk] is True


def test_an_enrolment_not_in_the_session_is_never_recorded(taught, trainer, enrol, session_in):
    session, (ana, _bo, _cy), waiting, _gone = taught
    other = session_in("upcoming")
    [stranger] = enrol(other, 1)
    present = {enrolment_of(waiting, session).pk, enrolment_of(stranger, other).pk, 999999}
    with begun(session):
        services.attendance_record(actor=trainer, session=session, present=present)
    assert attended(session)[waiting.pk] is None and attended(other)[stranger.pk] is None
    assert attended(session)[ana.pk] is False


def test_attendance_is_corrected_and_each_correction_is_audited(taught, trainer):
    session, (ana, bo, _cy), _waiting, _gone = taught
    with begun(session):
        services.attendance_record(actor=trainer, session=session, present={enrolment_of(ana, session).pk})
        # The same again changes nothing and writes nothing.
        assert services.attendance_record(actor=trainer, session=session, present={enrolment_of(ana, session).pk}) == 0
        assert AuditEvent.objects.filter(verb="record_attendance").count() == 3
        assert services.attendance_record(actor=trainer, session=session, present={enrolment_of(bo, session).pk}) == 2
    found = attended(session)
    assert (found[ana.pk], found[bo.pk]) == (False, True)
    correction = AuditEvent.objects.filter(verb="record_attendance", target_id=str(enrolment_of(ana, session).pk))
    assert [(event.before, event.after) for event in correction.order_by("pk")] == [
        ({"attended": None}, {"attended": True}),
        ({"attended": True}, {"attended": False}),
    ]


def test_no_attendance_before_the_start(taught, trainer, programme_manager):
    session, (ana, _bo, _cy), _waiting, _gone = taught
    for person in (trainer, programme_manager):
        with pytest.raises(PermissionDenied):
            services.attendance_record(actor=person, session=session, present={enrolment_of(ana, session).pk})
    assert attended(session)[ana.pk] is None


def test_no_attendance_for_a_cancelled_session(session_in, trainer):
    with pytest.raises(PermissionDenied):
        services.attendance_record(actor=trainer, session=session_in("cancelled"), present=set())


def test_nobody_else_records_attendance(taught, org_admin, organisation, citizen, person_in_role):
    session, (ana, _bo, _cy), _waiting, _gone = taught
    others = [ana, citizen, org_admin, MembershipFactory(organisation=organisation).user]
    others += [person_in_role(role) for role in ("visitor", "evaluator", "sponsor", "platform_admin")]
    with begun(session):
        for person in others:
            with pytest.raises(PermissionDenied):
                services.attendance_record(actor=person, session=session, present={enrolment_of(ana, session).pk})
    assert attended(session)[ana.pk] is None


def test_another_trainer_does_not_record_this_session(taught, session_in, enrol):
    from tests.factories import UserFactory

    session, (ana, _bo, _cy), _waiting, _gone = taught
    someone = UserFactory()
    other = session_in("running", trainer=someone)
    with begun(session), pytest.raises(PermissionDenied):
        services.attendance_record(actor=someone, session=session, present={enrolment_of(ana, session).pk})
    assert services.attendance_record(actor=someone, session=other, present=set()) == 0


# Through the pages ------------------------------------------------------------------------


def address(session):
    return f"/learning/sessions/{session.pk}/attendance/"


def test_the_trainer_ticks_who_came_on_the_attendance_page(login, taught, trainer):
    session, (ana, bo, cy), _waiting, _gone = taught
    client = login(trainer)
    assert Page(client.get(session.get_absolute_url())).links("Record attendance") == []
    with begun(session):
        page = Page(client.get(session.get_absolute_url()))
        assert page.link("Record attendance") == address(session)
        page = Page(client.get(address(session)))
        text = page.text()
        assert ana.email in text and bo.email in text and cy.email in text
        assert taught[2].email not in text and taught[3].email not in text
        response = client.post(address(session), {"present": [enrolment_of(bo, session).pk]}, follow=True)
        assert "Attendance is recorded." in Page(response).text()
        found = attended(session)
        assert (found[ana.pk], found[bo.pk], found[cy.pk]) == (False, True, False)
        # The page shows what was recorded, ready to be corrected.
        form = client.get(address(session)).context["form"]
        assert form.initial["present"] == [enrolment_of(bo, session).pk]
        # Those enrolled read it on their own page of the session.
        page = Page(login(bo).get(session.get_absolute_url()))
        assert "You took part in this session." in page.text()
        page = Page(login(ana).get(session.get_absolute_url()))
        assert "You are recorded as absent from this session." in page.text()


def test_the_attendance_page_refuses_someone_not_enrolled(login, taught, trainer):
    session, _enrolled, waiting, _gone = taught
    client = login(trainer)
    with begun(session):
        response = client.post(address(session), {"present": [enrolment_of(waiting, session).pk]})
        assert response.status_code == 200
        assert response.context["form"].errors["present"]
        response = client.post(address(session), {"present": ["nonsense"]})
        assert response.status_code == 200 and response.context["form"].errors["present"]
    assert set(attended(session).values()) == {None}


def test_before_the_start_the_attendance_page_says_when_it_opens(login, taught, trainer):
    session = taught[0]
    client = login(trainer)
    response = client.get(address(session), follow=True)
    assert response.redirect_chain[-1][0] == session.get_absolute_url()
    page = Page(response)
    assert "Attendance is recorded once the session has begun." in page.text()
    assert page.links("Record attendance") == []
    response = client.post(address(session), {"present": [enrolment_of(taught[1][0], session).pk]})
    assert response.status_code == 302
    assert set(attended(session).values()) == {None}


def test_a_programme_manager_reads_the_attendance_page(login, taught, programme_manager):
    session = taught[0]
    with begun(session):
        assert login(programme_manager).get(address(session)).status_code == 200


def test_another_person_finds_no_attendance_page(login, taught, citizen, org_admin):
    session, (ana, _bo, _cy), _waiting, _gone = taught
    with begun(session):
        for person in (citizen, ana, org_admin):
            assert login(person).get(address(session)).status_code == 404
            assert login(person).post(address(session), {"present": []}).status_code == 404
        assert login(None).get(address(session)).status_code == 302  # asked to sign in
    assert set(attended(session).values()) == {None}
