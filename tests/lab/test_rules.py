"""Lab permissions beyond the role matrix's cells (every role in every state of a problem is
asserted with the other modules' in tests/test_roles_matrix.py): colleagues and strangers, a
submitter who left, a deactivated manager, and the lists agreeing with the rule.

The problems are made by the builder the role matrix itself uses (ponte.lab.matrix), so
these tests and docs/roles.md ask the rules about the very same objects."""

import pytest

from ponte.accounts.models import User
from ponte.core import rolematrix
from ponte.lab.matrix import make_problem
from ponte.lab.models import Problem, ProblemStatus
from ponte.lab.queries.problems import problems_visible_to
from ponte.organisations.models import Membership
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

ROLE_KEYS = [role.key for role in rolematrix.ROLES]
STATES = list(ProblemStatus.values)


# Beyond the matrix's roles --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_colleague_in_the_body_sees_the_problem_and_a_member_of_another_body_does_not():
    problem = make_problem(rolematrix.World())
    colleague = MembershipFactory(organisation=problem.organisation).user
    stranger = MembershipFactory(organisation=OrganisationFactory()).user
    assert colleague.has_perm("lab.view_problem", problem)
    assert not stranger.has_perm("lab.view_problem", problem)
    assert not colleague.has_perm("lab.accept_problem", problem)


@pytest.mark.django_db
def test_the_submitter_who_left_the_body_still_sees_the_problem_they_brought():
    problem = make_problem(rolematrix.World())
    Membership.objects.filter(user=problem.submitted_by, organisation=problem.organisation).delete()
    submitter = User.objects.get(pk=problem.submitted_by_id)  # roles are cached on the object
    assert submitter.has_perm("lab.view_problem", problem)
    assert not submitter.has_perm("lab.add_problem")


@pytest.mark.django_db
def test_a_deactivated_programme_manager_triages_nothing():
    problem = make_problem(rolematrix.World())
    manager = UserFactory(is_programme_manager=True, is_active=False)
    assert not manager.has_perm("lab.triage_problems")
    assert not manager.has_perm("lab.accept_problem", problem)


@pytest.mark.django_db
def test_the_problems_a_person_reads_are_those_the_rules_let_them_see():
    """The lists and the problem page read problems_visible_to: it must agree with the rule."""
    world = rolematrix.World()
    for state in STATES:
        make_problem(world, state)
    make_problem(world)  # several in a state
    elsewhere = OrganisationFactory()
    Problem.objects.create(
        organisation=elsewhere,
        submitted_by=MembershipFactory(organisation=elsewhere).user,
        title="Another body's problem",
        description="d",
        affected="a",
        evidence="e",
        tried="t",
    )
    problems = list(Problem.objects.all())
    for role in ROLE_KEYS:
        person = world.people[role]
        expected = {p.pk for p in problems if person.has_perm("lab.view_problem", p)}
        assert set(problems_visible_to(person).values_list("pk", flat=True)) == expected, role
