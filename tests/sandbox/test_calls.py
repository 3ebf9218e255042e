"""Calls: a programme manager opens a call with a deadline or a standing one, changes it until it
closes and may close it early; its phase follows from its dates, in the database as on the call
in hand; bad input is refused beside its field."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ponte.core import versions
from ponte.core.models import AuditEvent
from ponte.sandbox.models import Call, CallPhase
from ponte.sandbox.services import calls as services

from .conftest import call_answers

pytestmark = pytest.mark.django_db

OTHER_ROLES = ["visitor", "citizen", "public_servant", "org_admin", "company_member", "evaluator", "sponsor"]


def refusal(error) -> dict:
    return error.value.message_dict


def test_a_programme_manager_opens_a_call(programme_manager):
    call = services.call_open(actor=programme_manager, **call_answers())
    assert call.phase == CallPhase.OPEN
    assert call.themes == ["Simpler permits", "Care closer to home"] and not call.is_standing
    event = AuditEvent.objects.get(verb="open")
    assert event.after["title"] == call.title and event.after["version"] == 1


def test_a_standing_call_has_no_deadline_and_stays_open(programme_manager):
    call = services.call_open(actor=programme_manager, **call_answers(closes_at=None, themes=[]))
    assert call.is_standing
    with time_machine.travel(timezone.now() + timedelta(days=3650)):
        assert Call.objects.in_phase(CallPhase.OPEN).filter(pk=call.pk).exists()


def test_themes_are_kept_once_each_in_order(programme_manager):
    call = services.call_open(actor=programme_manager, **call_answers(themes=[" Care ", "care", "", "Permits"]))
    assert call.themes == ["Care", "Permits"]


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_no_one_but_a_programme_manager_opens_a_call(person_in_role, role):
    with pytest.raises(PermissionDenied):
        services.call_open(actor=person_in_role(role), **call_answers())
    assert not Call.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"title": ""}, "title", "Give the call a title."),
        ({"title": "x" * 201}, "title", "at most 200 characters"),
        ({"description": " "}, "description", "Describe the call"),
        ({"opens_at": None}, "opens_at", "Give the date and time the call opens."),
        ({"opens_at": "tomorrow"}, "opens_at", "Give the date and time the call opens."),
        ({"closes_at": "soon"}, "closes_at", "leave it empty for a standing call"),
        ({"themes": [f"Theme {n}" for n in range(11)]}, "themes", "at most 10 priority themes"),
        ({"themes": ["x" * 121]}, "themes", "at most 120 characters"),
    ],
)
def test_bad_input_is_refused_beside_its_field(programme_manager, changes, field, words):
    with pytest.raises(ValidationError) as error:
        services.call_open(actor=programme_manager, **call_answers(**changes))
    assert words in " ".join(refusal(error)[field])
    assert not Call.objects.exists()


def test_a_deadline_before_the_opening_is_refused(programme_manager):
    opens = timezone.now() + timedelta(days=10)
    with pytest.raises(ValidationError) as error:
        services.call_open(actor=programme_manager, **call_answers(opens_at=opens, closes_at=opens))
    assert refusal(error)["closes_at"] == ["The deadline must come after the call opens."]


def test_a_deadline_already_past_is_refused(programme_manager):
    with pytest.raises(ValidationError) as error:
        services.call_open(
            actor=programme_manager,
            **call_answers(opens_at=timezone.now() - timedelta(days=9), closes_at=timezone.now() - timedelta(days=1)),
        )
    assert "already be past" in refusal(error)["closes_at"][0]


def test_a_call_is_changed_with_a_version_check(programme_manager, call):
    names = services.call_update(
        actor=programme_manager,
        call=call,
        seen_version=1,
        **call_answers(title="Right to challenge, 2027", opens_at=call.opens_at),
    )
    assert names == ["title"]
    call.refresh_from_db()
    assert call.version == 2
    with pytest.raises(versions.StaleEdit) as stale:
        services.call_update(actor=programme_manager, call=call, seen_version=1, **call_answers(title="Stale"))
    assert [change.field for change in stale.value.changes] == ["title"]
    call.refresh_from_db()
    assert call.title == "Right to challenge, 2027"


def test_a_closed_call_is_no_longer_changed_nor_closed(programme_manager, call_in):
    closed = call_in("closed")
    with pytest.raises(PermissionDenied):
        services.call_update(actor=programme_manager, call=closed, seen_version=1, **call_answers())
    with pytest.raises(PermissionDenied):
        services.call_close(actor=programme_manager, call=closed)


def test_closing_a_call_ends_it_now_and_is_audited(programme_manager, call):
    services.call_close(actor=programme_manager, call=call)
    call = Call.objects.with_phase().get(pk=call.pk)
    assert call.phase == CallPhase.CLOSED and call.closes_at <= timezone.now()
    assert AuditEvent.objects.filter(verb="close", target_id=str(call.pk)).exists()


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_the_phase_is_the_same_in_the_database_and_on_the_call_at_each_boundary(programme_manager, offset):
    opens = timezone.now() + timedelta(days=1)
    call = services.call_open(
        actor=programme_manager, **call_answers(opens_at=opens, closes_at=opens + timedelta(days=5))
    )
    for boundary in (call.opens_at, call.closes_at):
        moment = boundary + timedelta(microseconds=offset)
        read = Call.objects.with_phase(moment).get(pk=call.pk).phase_now
        assert read == call.phase_at(moment)
    assert call.phase_at(call.opens_at) == CallPhase.OPEN
    assert call.phase_at(call.closes_at) == CallPhase.CLOSED
    assert call.phase_at(call.opens_at - timedelta(microseconds=1)) == CallPhase.UPCOMING
