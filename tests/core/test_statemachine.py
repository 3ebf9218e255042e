"""The one state-machine helper: every lifecycle refuses what its table does not allow,
and every allowed move is saved, time-stamped and audited exactly once."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from ponte.core.models import AuditEvent
from ponte.core.statemachine import IllegalTransition, Lifecycle, Transition
from ponte.organisations import services
from ponte.organisations.models import (
    INVITATION_LIFECYCLE,
    JOIN_REQUEST_LIFECYCLE,
    LIFECYCLE,
    Invitation,
    JoinRequest,
    Organisation,
    Status,
)
from tests.factories import InvitationFactory, JoinRequestFactory, OrganisationFactory, UserFactory

FROZEN = datetime(2026, 3, 4, 10, 30, tzinfo=UTC)


def _organisation(state):
    return OrganisationFactory(status=state, verified_at=None, suspended_at=None)


def _invitation(state):
    return InvitationFactory(status=state)


def _join_request(state):
    return JoinRequestFactory(status=state)


# name: (lifecycle, model, builder, every timestamp field a transition may stamp)
LIFECYCLES = {
    "organisation": (LIFECYCLE, Organisation, _organisation, ("verified_at", "suspended_at")),
    "invitation": (INVITATION_LIFECYCLE, Invitation, _invitation, ("decided_at",)),
    "join_request": (JOIN_REQUEST_LIFECYCLE, JoinRequest, _join_request, ("decided_at",)),
}


def _pairs(legal: bool):
    pairs = []
    for name, (lifecycle, *_rest) in LIFECYCLES.items():
        for state in lifecycle.states.values:
            for transition in lifecycle.transitions:
                if (state in transition.sources) == legal:
                    pairs.append(pytest.param(name, state, transition.verb, id=f"{name}-{state}-{transition.verb}"))
    return pairs


ILLEGAL = _pairs(legal=False)
LEGAL = _pairs(legal=True)


def test_every_lifecycle_has_illegal_and_legal_moves_to_check():
    # Guards the parametrisation itself: an empty list would make the tests below vacuous.
    assert len(ILLEGAL) == 6 + 9 + 9
    assert len(LEGAL) == 3 + 3 + 3


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "state", "verb"), ILLEGAL)
def test_an_illegal_transition_is_refused_and_changes_nothing(name, state, verb):
    lifecycle, model, build, timestamps = LIFECYCLES[name]
    obj = build(state)
    before = model.objects.values(lifecycle.field, *timestamps).get(pk=obj.pk)
    actor = UserFactory()

    assert not lifecycle.can(obj, verb)
    assert verb not in lifecycle.allowed_verbs(obj)
    with pytest.raises(IllegalTransition) as caught, transaction.atomic():
        lifecycle.apply(obj, verb, actor=actor, reason="should not happen")

    assert caught.value.code == "illegal_transition"
    # The refusal names the state the object is in, so people understand why.
    assert str(lifecycle.states(state).label) in caught.value.messages[0]
    assert model.objects.values(lifecycle.field, *timestamps).get(pk=obj.pk) == before
    assert getattr(obj, lifecycle.field) == state
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(LIFECYCLES))
def test_an_unknown_verb_is_refused(name):
    lifecycle, model, build, _timestamps = LIFECYCLES[name]
    obj = build(lifecycle.states.values[0])

    with pytest.raises(IllegalTransition) as caught, transaction.atomic():
        lifecycle.apply(obj, "publish", actor=UserFactory())

    assert caught.value.code == "unknown_transition"
    assert getattr(model.objects.get(pk=obj.pk), lifecycle.field) == lifecycle.states.values[0]
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "state", "verb"), LEGAL)
def test_a_legal_transition_saves_stamps_and_audits_once(name, state, verb):
    lifecycle, model, build, _timestamps = LIFECYCLES[name]
    transition = lifecycle.transition(verb)
    obj = build(state)
    actor = UserFactory(name="Paula Manager")
    assert lifecycle.can(obj, verb)

    with time_machine.travel(FROZEN, tick=False), transaction.atomic():
        lifecycle.apply(obj, verb, actor=actor, reason="Checked the registry")

    saved = model.objects.get(pk=obj.pk)
    assert getattr(saved, lifecycle.field) == transition.target
    assert transition.timestamp, "every real transition stamps a time"
    assert getattr(saved, transition.timestamp) == FROZEN

    event = AuditEvent.objects.get()  # exactly one row
    assert event.actor == actor
    assert event.actor_label == "Paula Manager"
    assert event.verb == verb
    assert event.target_type == ContentType.objects.get_for_model(model)
    assert event.target_id == str(obj.pk)
    assert event.before == {lifecycle.field: state}
    assert event.after == {lifecycle.field: transition.target}
    assert event.reason == "Checked the registry"


@pytest.mark.django_db
def test_an_organisation_transition_also_bumps_updated_at():
    organisation = OrganisationFactory(status=Status.VERIFIED)
    with time_machine.travel(FROZEN, tick=False), transaction.atomic():
        LIFECYCLE.apply(organisation, "suspend", actor=UserFactory(), reason="Fraud")
    assert Organisation.objects.get(pk=organisation.pk).updated_at == FROZEN


@pytest.mark.django_db
def test_extra_update_fields_are_saved_with_the_move():
    join_request = JoinRequestFactory()
    admin = UserFactory()
    join_request.decided_by = admin
    with transaction.atomic():
        JOIN_REQUEST_LIFECYCLE.apply(join_request, "approve", actor=admin, update_fields=["decided_by"])
    assert JoinRequest.objects.get(pk=join_request.pk).decided_by == admin


@pytest.mark.django_db
def test_a_second_identical_move_is_refused_and_not_audited_twice(programme_manager):
    organisation = OrganisationFactory(status=Status.PENDING, verified_at=None)
    services.organisation_verify(actor=programme_manager, organisation=organisation, reason="ok")

    with pytest.raises(IllegalTransition), transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        LIFECYCLE.apply(locked, "verify", actor=programme_manager)

    assert list(AuditEvent.objects.values_list("verb", flat=True)) == ["verify"]


class Colour(models.TextChoices):
    RED = "red", "Red"
    GREEN = "green", "Green"


def test_a_lifecycle_naming_an_unknown_source_state_is_refused_at_definition():
    with pytest.raises(ValueError, match="unknown states"):
        Lifecycle(states=Colour, transitions=[Transition("go", sources=("amber",), target=Colour.GREEN)])


def test_a_lifecycle_naming_an_unknown_target_state_is_refused_at_definition():
    with pytest.raises(ValueError, match="unknown states"):
        Lifecycle(states=Colour, transitions=[Transition("go", sources=(Colour.RED,), target="blue")])


def test_a_lifecycle_declaring_a_verb_twice_is_refused_at_definition():
    with pytest.raises(ValueError, match="declared twice"):
        Lifecycle(
            states=Colour,
            transitions=[
                Transition("switch", sources=(Colour.RED,), target=Colour.GREEN),
                Transition("switch", sources=(Colour.GREEN,), target=Colour.RED),
            ],
        )


def test_a_well_formed_lifecycle_is_accepted():
    lifecycle = Lifecycle(
        states=Colour,
        transitions=[
            Transition("go", sources=(Colour.RED,), target=Colour.GREEN),
            Transition("stop", sources=(Colour.GREEN,), target=Colour.RED),
        ],
    )
    assert lifecycle.transition("go").target == Colour.GREEN


def _traffic_light():
    return Lifecycle(
        states=Colour,
        transitions=[
            Transition("go", sources=(Colour.RED,), target=Colour.GREEN),
            Transition("stop", sources=(Colour.GREEN,), target=Colour.RED),
        ],
    )


def test_can_reads_the_table_and_answers_false_for_a_missing_object_or_an_unknown_verb():
    lifecycle = _traffic_light()
    red, green = SimpleNamespace(status=Colour.RED), SimpleNamespace(status=Colour.GREEN)
    assert lifecycle.can(red, "go") and not lifecycle.can(red, "stop")
    assert lifecycle.can(green, "stop") and not lifecycle.can(green, "go")
    assert not lifecycle.can(None, "go")
    assert not lifecycle.can(red, "turn amber")


def test_allows_is_the_state_half_of_a_permission():
    lifecycle = _traffic_light()
    may_go = lifecycle.allows("go")
    anyone = object()
    assert may_go.test(anyone, SimpleNamespace(status=Colour.RED))
    assert not may_go.test(anyone, SimpleNamespace(status=Colour.GREEN))
    assert not may_go.test(anyone, None)
    with pytest.raises(ValueError, match="not declared"):
        lifecycle.allows("turn amber")
