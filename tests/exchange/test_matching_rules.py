"""The role × state matrix of matching, asked of the rules with the matrix's own builders: only
a programme manager runs the matching and sends proposals, and only while the round is
matched; the programme managers read every pair, the two people of a pair and their
organisations' admins only once it is sent; only a programme manager locks or excludes a
proposal, while the round is matched; each of the two people answers a sent proposal once,
until its week begins. Once it is confirmed, a host organisation's admin plans the visit until
it is over; either person or a programme manager moves its days before they begin and cancels
it until it is over. The reads the pages make give the same answers: a pair one may not read
is not found."""

import pytest

from ponte.core import rolematrix
from ponte.exchange.matrix import PAIR_STATES
from ponte.exchange.models import RoundPhase
from ponte.exchange.queries.matching import pair_for, pair_of_application, pairs_visible_to

pytestmark = pytest.mark.django_db

ROLES = [role.key for role in rolematrix.ROLES]
STAFF = {"programme_manager", "platform_admin"}
PEOPLE = {"public_servant", "company_member"}
# The organisation admin administers the public servant's public body.
PEOPLE_AND_ADMINS = PEOPLE | {"org_admin"}
SENT = [state for state in PAIR_STATES if state != "proposed, not sent"]
NOBODY = frozenset()

# Who may, in each state of the pair, written out: the roles allowed.
PAIR_EXPECTED = {
    "exchange.view_pair": {
        "proposed, not sent": STAFF,
        **dict.fromkeys(SENT, STAFF | PEOPLE_AND_ADMINS),
    },
    "exchange.change_pair": {
        "proposed, not sent": {"programme_manager"},
        "proposed, sent": {"programme_manager"},
        "proposed, sent, accepted by the public servant": {"programme_manager"},
        "proposed, sent, week begun": set(),
        "proposed, sent, round under way": set(),
        "proposed, sent, round cancelled": set(),
        "confirmed": set(),
        "confirmed, days begun": set(),
        "confirmed, over": set(),
        "cancelled": set(),
        "declined by the company member": set(),
        "excluded after it was sent": set(),
    },
    "exchange.answer_pair": {
        "proposed, not sent": set(),
        "proposed, sent": PEOPLE,
        "proposed, sent, accepted by the public servant": {"company_member"},
        "proposed, sent, week begun": set(),
        "proposed, sent, round under way": PEOPLE,
        "proposed, sent, round cancelled": set(),
        "confirmed": set(),
        "confirmed, days begun": set(),
        "confirmed, over": set(),
        "cancelled": set(),
        "declined by the company member": set(),
        "excluded after it was sent": set(),
    },
    # The organisation admin administers the public body: the host of the company member.
    "exchange.plan_visit": {
        **dict.fromkeys(PAIR_STATES, NOBODY),
        "confirmed": {"org_admin"},
        "confirmed, days begun": {"org_admin"},
    },
    "exchange.reschedule_pair": {
        **dict.fromkeys(PAIR_STATES, NOBODY),
        "confirmed": PEOPLE | {"programme_manager"},
    },
    "exchange.cancel_pair": {
        **dict.fromkeys(PAIR_STATES, NOBODY),
        "confirmed": PEOPLE | {"programme_manager"},
        "confirmed, days begun": PEOPLE | {"programme_manager"},
    },
    # Once it is over: each person answers for their visit, the host's admin for the visit it
    # hosted, and they and the programme managers record what followed.
    "exchange.give_guest_feedback": {**dict.fromkeys(PAIR_STATES, NOBODY), "confirmed, over": PEOPLE},
    "exchange.give_host_feedback": {**dict.fromkeys(PAIR_STATES, NOBODY), "confirmed, over": {"org_admin"}},
    "exchange.record_follow_up": {
        **dict.fromkeys(PAIR_STATES, NOBODY),
        "confirmed, over": PEOPLE | {"org_admin", "programme_manager"},
    },
}

ROUND_EXPECTED = {
    "exchange.view_matching": dict.fromkeys(RoundPhase, STAFF),
    "exchange.run_matching": {
        phase: {"programme_manager"} if phase == RoundPhase.MATCHING else set() for phase in RoundPhase
    },
    "exchange.send_proposals": {
        phase: {"programme_manager"} if phase == RoundPhase.MATCHING else set() for phase in RoundPhase
    },
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            made = rolematrix.World()
            rounds = {phase: rolematrix.make("round", phase.value.replace("_", " "), made) for phase in RoundPhase}
            pairs = {state: rolematrix.make("pair", state, made) for state in PAIR_STATES}
            yield made, rounds, pairs
            transaction.set_rollback(True)


def test_the_expected_tables_cover_every_state_of_the_matrix():
    assert set(PAIR_STATES) == {state for state, _make in rolematrix.SUBJECTS["pair"].states}
    for table in PAIR_EXPECTED.values():
        assert set(table) == set(PAIR_STATES)
    assert {name for name, case in rolematrix.CASES.items() if case.subject == "pair"} == set(PAIR_EXPECTED)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", PAIR_STATES)
@pytest.mark.parametrize("permission", sorted(PAIR_EXPECTED))
def test_who_may_do_what_to_a_pair_in_each_state(world, role, state, permission):
    made, _rounds, pairs = world
    assert made.people[role].has_perm(permission, pairs[state]) == (role in PAIR_EXPECTED[permission][state])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("phase", list(RoundPhase))
@pytest.mark.parametrize("permission", sorted(ROUND_EXPECTED))
def test_who_may_match_a_round_in_each_phase(world, role, phase, permission):
    made, rounds, _pairs = world
    assert made.people[role].has_perm(permission, rounds[phase]) == (role in ROUND_EXPECTED[permission][phase])


def test_a_missing_pair_or_round_is_refused():
    from tests.factories import UserFactory

    manager = UserFactory(is_programme_manager=True)
    for permission in (
        "exchange.change_pair",
        "exchange.answer_pair",
        "exchange.plan_visit",
        "exchange.reschedule_pair",
        "exchange.cancel_pair",
    ):
        assert not manager.has_perm(permission, None)
    for permission in ("exchange.run_matching", "exchange.send_proposals"):
        assert not manager.has_perm(permission, None)


# The reads: what the pages show, and what they answer 404 for.


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", ["proposed, not sent", "proposed, sent", "confirmed"])
def test_a_pair_is_read_by_whom_the_rules_let_read_it(world, role, state):
    made, _rounds, pairs = world
    person, pair = made.people[role], pairs[state]
    allowed = role in PAIR_EXPECTED["exchange.view_pair"][state]
    assert (pair_for(person, pair.pk) == pair) == allowed
    assert (pair_for(person, pair.pk) is None) == (not allowed)
    assert pairs_visible_to(person).filter(pk=pair.pk).exists() == allowed
    assert (pair_of_application(person, pair.public) == pair) == allowed


def test_a_draft_is_invisible_to_its_own_people_and_their_admins(world):
    made, _rounds, pairs = world
    draft = pairs["proposed, not sent"]
    for role in sorted(PEOPLE_AND_ADMINS):
        assert pair_for(made.people[role], draft.pk) is None
        assert pair_of_application(made.people[role], draft.company) is None
    assert pair_for(made.people["programme_manager"], draft.pk) == draft


def test_a_person_outside_the_pair_gets_none(world):
    from tests.factories import CompanyFactory, MembershipFactory, OrganisationFactory

    made, _rounds, pairs = world
    sent = pairs["proposed, sent"]
    outsiders = [
        MembershipFactory(organisation=OrganisationFactory(), role="member").user,
        MembershipFactory(organisation=OrganisationFactory(), role="admin").user,
        MembershipFactory(organisation=CompanyFactory(), role="admin").user,
    ]
    for outsider in outsiders:
        assert pair_for(outsider, sent.pk) is None
        assert not outsider.has_perm("exchange.view_pair", sent)
    # A pair that does not exist is not found either, even by a programme manager.
    assert pair_for(made.people["programme_manager"], 10**9) is None


def test_the_admin_of_the_company_reads_the_sent_pair(world):
    from tests.factories import MembershipFactory

    _made, _rounds, pairs = world
    company = pairs["proposed, sent"].company.organisation
    admin = MembershipFactory(organisation=company, role="admin").user
    assert pair_for(admin, pairs["proposed, sent"].pk) == pairs["proposed, sent"]
    assert admin.has_perm("exchange.view_pair", pairs["proposed, sent"])
    assert pair_for(admin, pairs["proposed, not sent"].pk) is None
    assert not admin.has_perm("exchange.answer_pair", pairs["proposed, sent"])


def test_the_admin_of_the_company_plans_the_visit_of_the_guest_it_hosts(world):
    from tests.factories import MembershipFactory

    _made, _rounds, pairs = world
    admin = MembershipFactory(organisation=pairs["confirmed"].company.organisation, role="admin").user
    for state in PAIR_STATES:
        allowed = state in ("confirmed", "confirmed, days begun")
        assert admin.has_perm("exchange.plan_visit", pairs[state]) == allowed, state
        # An admin of one of the two organisations neither moves nor cancels the exchange.
        assert not admin.has_perm("exchange.reschedule_pair", pairs[state]), state
        assert not admin.has_perm("exchange.cancel_pair", pairs[state]), state
