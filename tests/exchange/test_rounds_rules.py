"""The role × phase matrix of rounds, asked of the rules with the matrix's own builders: only a
programme manager opens, changes and cancels rounds, and only while they are not finished nor
cancelled; everyone reads every round."""

import pytest

from ponte.core import rolematrix
from ponte.exchange.models import RoundPhase

pytestmark = pytest.mark.django_db

LIVE = {RoundPhase.UPCOMING, RoundPhase.APPLICATIONS_OPEN, RoundPhase.MATCHING, RoundPhase.UNDER_WAY}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            made = rolematrix.World()
            rounds = {phase: rolematrix.make("round", phase.value.replace("_", " "), made) for phase in RoundPhase}
            yield made, rounds
            transaction.set_rollback(True)


@pytest.mark.parametrize("role", [role.key for role in rolematrix.ROLES])
@pytest.mark.parametrize("phase", list(RoundPhase))
def test_who_may_do_what_to_a_round_in_each_phase(world, role, phase):
    made, rounds = world
    person, round = made.people[role], rounds[phase]
    manager = role == "programme_manager"
    assert person.has_perm("exchange.view_round", round)
    assert person.has_perm("exchange.change_round", round) == (manager and phase in LIVE)
    assert person.has_perm("exchange.cancel_round", round) == (manager and phase in LIVE)
    assert person.has_perm("exchange.open_round") == manager


def test_a_missing_round_is_refused():
    from tests.factories import UserFactory

    manager = UserFactory(is_programme_manager=True)
    assert not manager.has_perm("exchange.change_round", None)
    assert not manager.has_perm("exchange.cancel_round", None)
