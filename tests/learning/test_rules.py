"""The role × state matrix of learning, asked of the rules with the matrix's own builders: only
a programme manager keeps the catalogue and the sessions, and only while a course is in the
catalogue and a session to come; anyone signed in enrols in a session to come; the trainer and
the programme managers read who takes part and record attendance once it has begun; an
enrolment is its person's to cancel before the session, and its organisation's admin's to
decide while it is asked."""

import pytest
import rules

from ponte.core import rolematrix
from ponte.learning.matrix import ENROLMENT_STATES, SESSION_STATES

pytestmark = pytest.mark.django_db

ROLES = [role.key for role in rolematrix.ROLES]
COURSE_STATES = [state for state, _make in rolematrix.SUBJECTS["course"].states]
MANAGER = "programme_manager"
KEEPERS = {MANAGER, "trainer"}
ACTIVE = ("asked, waiting for approval", "on the waiting list", "enrolled")

# Who may, in which state: role, state -> allowed. Everything not allowed is refused.
EXPECTED = {
    "learning.add_course": lambda role, state: role == MANAGER,
    "learning.change_course": lambda role, state: role == MANAGER and state == "in the catalogue",
    "learning.withdraw_course": lambda role, state: role == MANAGER and state == "in the catalogue",
    "learning.schedule_session": lambda role, state: role == MANAGER and state == "in the catalogue",
    # Learning paths: a programme manager's, while the path is in the catalogue.
    "learning.add_path": lambda role, state: role == MANAGER,
    "learning.change_path": lambda role, state: role == MANAGER and state == "in the catalogue",
    "learning.withdraw_path": lambda role, state: role == MANAGER and state == "in the catalogue",
    "learning.change_session": lambda role, state: role == MANAGER and state == "upcoming",
    "learning.cancel_session": lambda role, state: role == MANAGER and state == "upcoming",
    "learning.enrol": lambda role, state: role != "visitor" and state == "upcoming",
    "learning.view_participants": lambda role, state: role in KEEPERS,
    "learning.record_attendance": lambda role, state: role in KEEPERS and state in ("under way", "over"),
    # The public servant's own; the admin of the organisation named for approval; the session's
    # trainer; the programme managers.
    "learning.view_enrolment": lambda role, state: role in {"public_servant", "org_admin", *KEEPERS},
    "learning.cancel_enrolment": lambda role, state: role == "public_servant" and state in ACTIVE,
    "learning.decide_enrolment": lambda role, state: role == "org_admin" and state == "asked, waiting for approval",
    # The skills profile of the organisation's people: its admin and the programme managers, in
    # every state of the organisation (the query hides a group of fewer than five).
    "learning.view_group_skills": lambda role, state: role in {"org_admin", MANAGER},
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            made = rolematrix.World()
            objects = {
                subject: {
                    state: rolematrix.make(subject, state, made) for state, _make in rolematrix.SUBJECTS[subject].states
                }
                for subject in ("course", "learning_path", "learning_session", "enrolment", "organisation")
            }
            yield made, objects
            transaction.set_rollback(True)


def test_every_learning_permission_is_expected_here():
    registered = {name for name in rules.permissions.permissions if name.startswith("learning.")}
    assert registered == set(EXPECTED)
    assert {name for name in rolematrix.CASES if name.startswith("learning.")} == set(EXPECTED)


def test_the_matrix_shows_each_state_the_tests_ask_about():
    assert [state for state, _make in rolematrix.SUBJECTS["learning_session"].states] == list(SESSION_STATES)
    assert [state for state, _make in rolematrix.SUBJECTS["enrolment"].states] == list(ENROLMENT_STATES)
    assert COURSE_STATES == ["in the catalogue", "withdrawn"]
    assert "trainer" in ROLES


def _cases():
    for perm, case in sorted(rolematrix.CASES.items()):
        if not perm.startswith("learning."):
            continue
        states = [None] if case.subject is None else [s for s, _make in rolematrix.SUBJECTS[case.subject].states]
        for state in states:
            yield perm, case.subject, state


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("perm", "subject", "state"), list(_cases()))
def test_who_may_do_what_in_learning_in_each_state(world, role, perm, subject, state):
    made, objects = world
    obj = None if subject is None else objects[subject][state]
    assert made.people[role].has_perm(perm, obj) == EXPECTED[perm](role, state)


def test_a_missing_object_is_refused():
    from tests.factories import UserFactory

    manager = UserFactory(is_programme_manager=True)
    for perm in EXPECTED:
        if perm not in ("learning.add_course", "learning.add_path"):
            assert not manager.has_perm(perm, None), perm


def test_an_admin_of_another_organisation_neither_reads_nor_decides(world):
    from ponte.learning.matrix import make_enrolment
    from tests.factories import MembershipFactory, OrganisationFactory

    made, _objects = world
    request = make_enrolment(made, "asked, waiting for approval")
    other_admin = MembershipFactory(organisation=OrganisationFactory(), role="admin").user
    assert not other_admin.has_perm("learning.view_enrolment", request)
    assert not other_admin.has_perm("learning.decide_enrolment", request)
    # A member of the organisation named who is not its admin neither.
    colleague = MembershipFactory(organisation=request.organisation, role="member").user
    assert not colleague.has_perm("learning.decide_enrolment", request)
    assert made.people["org_admin"].has_perm("learning.decide_enrolment", request)


def test_a_session_trained_by_someone_else_is_not_the_trainers(world):
    from ponte.learning.matrix import make_session
    from tests.factories import UserFactory

    made, _objects = world
    session = make_session(made, "under way")
    session.trainer = UserFactory()
    session.save(update_fields=["trainer"])
    trainer = made.people["trainer"]
    assert not trainer.has_perm("learning.view_participants", session)
    assert not trainer.has_perm("learning.record_attendance", session)
    assert session.trainer.has_perm("learning.record_attendance", session)
