"""The role × state matrix of mixed teams, asked of the rules with the matrix's own builders (the
challenge read as the views read it, its team prefetched): only an approved applicant of the
round in no team of it yet joins a team, while the round is live and the team has room; a member
leaves their team while the round is live; the round's approved applicants and the staff read
the team; the team and the programme managers post the Change Meter's updates, the round
finished or not, until it is cancelled."""

import pytest

from ponte.core import rolematrix
from ponte.exchange.matrix import TEAM_CHALLENGE_STATES

pytestmark = pytest.mark.django_db

ROLES = [role.key for role in rolematrix.ROLES]
STAFF = {"programme_manager", "platform_admin"}
# The public servant is the one participant among the roles: the approved applicant of the
# round (waiting in one state); the other roles have no application in it.
PARTICIPANT = {"public_servant"}
NOBODY = frozenset()

# Who may, in each state of the challenge, written out: the roles allowed.
TEAM_EXPECTED = {
    "exchange.join_team": {
        "round matching, public servant approved, no team": PARTICIPANT,
        "round matching, public servant in its team": NOBODY,
        "round matching, public servant in another team": NOBODY,
        "round matching, team full": NOBODY,
        "round matching, public servant's application waiting": NOBODY,
        "round finished, public servant approved, no team": NOBODY,
        "round finished, public servant in its team": NOBODY,
        "round cancelled, public servant in its team": NOBODY,
    },
    "exchange.leave_team": {
        "round matching, public servant approved, no team": NOBODY,
        "round matching, public servant in its team": PARTICIPANT,
        "round matching, public servant in another team": NOBODY,
        "round matching, team full": NOBODY,
        "round matching, public servant's application waiting": NOBODY,
        "round finished, public servant approved, no team": NOBODY,
        "round finished, public servant in its team": NOBODY,
        "round cancelled, public servant in its team": NOBODY,
    },
    "exchange.view_team": {
        "round matching, public servant approved, no team": STAFF | PARTICIPANT,
        "round matching, public servant in its team": STAFF | PARTICIPANT,
        "round matching, public servant in another team": STAFF | PARTICIPANT,
        "round matching, team full": STAFF | PARTICIPANT,
        "round matching, public servant's application waiting": STAFF,
        "round finished, public servant approved, no team": STAFF | PARTICIPANT,
        "round finished, public servant in its team": STAFF | PARTICIPANT,
        "round cancelled, public servant in its team": STAFF | PARTICIPANT,
    },
    "exchange.update_change_meter": {
        "round matching, public servant approved, no team": {"programme_manager"},
        "round matching, public servant in its team": {"programme_manager", "public_servant"},
        "round matching, public servant in another team": {"programme_manager"},
        "round matching, team full": {"programme_manager"},
        "round matching, public servant's application waiting": {"programme_manager"},
        "round finished, public servant approved, no team": {"programme_manager"},
        "round finished, public servant in its team": {"programme_manager", "public_servant"},
        "round cancelled, public servant in its team": NOBODY,
    },
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            made = rolematrix.World()
            challenges = {state: rolematrix.make("round challenge", state, made) for state in TEAM_CHALLENGE_STATES}
            yield made, challenges
            transaction.set_rollback(True)


def test_the_expected_tables_cover_every_state_of_the_matrix():
    assert set(TEAM_CHALLENGE_STATES) == {state for state, _make in rolematrix.SUBJECTS["round challenge"].states}
    for table in TEAM_EXPECTED.values():
        assert set(table) == set(TEAM_CHALLENGE_STATES)
    assert {name for name, case in rolematrix.CASES.items() if case.subject == "round challenge"} == set(TEAM_EXPECTED)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", TEAM_CHALLENGE_STATES)
@pytest.mark.parametrize("permission", sorted(TEAM_EXPECTED))
def test_who_may_do_what_with_a_team_in_each_state(world, role, state, permission):
    made, challenges = world
    assert made.people[role].has_perm(permission, challenges[state]) == (role in TEAM_EXPECTED[permission][state])


def test_the_builder_makes_what_each_state_says(world):
    """The states are what their names say, so that the table above reads true."""
    from ponte.exchange.models import TEAM_LIMIT, ApplicationStatus, RoundPhase, TeamMember

    made, challenges = world
    servant = made.people["public_servant"]
    for state, challenge in challenges.items():
        members = [member.person_id for member in challenge.members.all()]
        assert challenge.round.phase == state.partition(",")[0].removeprefix("round "), state
        assert (servant.pk in members) == state.endswith("public servant in its team"), state
        held = TeamMember.objects.filter(round=challenge.round, person=servant).exclude(challenge=challenge)
        assert held.exists() == state.endswith("in another team"), state
        assert (len(members) == TEAM_LIMIT) == state.endswith("team full"), state
        application = challenge.round.applications.get(applicant=servant)
        waiting = state.endswith("application waiting")
        assert application.status == (ApplicationStatus.WAITING if waiting else ApplicationStatus.APPROVED), state
    assert {challenge.round.phase for challenge in challenges.values()} == {
        RoundPhase.MATCHING,
        RoundPhase.FINISHED,
        RoundPhase.CANCELLED,
    }


def test_a_missing_challenge_is_refused():
    from tests.factories import UserFactory

    person = UserFactory()
    manager = UserFactory(is_programme_manager=True)
    for permission in TEAM_EXPECTED:
        assert not person.has_perm(permission, None), permission
    # The staff read any team, as any pair: only the rest asks about the challenge.
    for permission in ("exchange.join_team", "exchange.leave_team", "exchange.update_change_meter"):
        assert not manager.has_perm(permission, None), permission
