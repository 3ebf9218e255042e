"""Lab project permissions beyond the role matrix's cells (every role in every state of a
project is asserted in tests/test_roles_matrix.py): colleagues on the team or not, strangers,
a sponsor who is not the project's, people who lost a role, and the lists agreeing with the
rule.

The projects are made by the builder the role matrix itself uses (ponte.lab.matrix), so these
tests and docs/roles.md ask the rules about the very same objects."""

import pytest

from ponte.accounts.models import User
from ponte.core import rolematrix
from ponte.lab.matrix import PROJECT_STATES, make_problem, make_project
from ponte.lab.models import ProblemStatus, Project
from ponte.lab.queries.projects import projects_visible_to
from ponte.organisations.matrix import public_body
from ponte.organisations.models import Membership
from tests.factories import CompanyFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLE_KEYS = [role.key for role in rolematrix.ROLES]
PROJECT_PERMISSIONS = [
    "lab.view_project",
    "lab.answer_sponsorship",
    "lab.ask_another_sponsor",
    "lab.request_gate",
    "lab.decide_gate",
]


def fresh(user):
    """The person read again: their roles are cached on the object."""
    return User.objects.get(pk=user.pk)


def test_a_colleague_in_the_body_sees_the_project_but_asks_nothing_of_the_sponsor():
    project = make_project(rolematrix.World())
    colleague = MembershipFactory(organisation=project.organisation).user
    assert colleague.has_perm("lab.view_project", project)
    assert not colleague.has_perm("lab.request_gate", project)


def test_a_colleague_put_on_the_team_asks_at_the_gate():
    project = make_project(rolematrix.World())
    colleague = MembershipFactory(organisation=project.organisation).user
    project.team.add(colleague)
    project = Project.objects.get(pk=project.pk)
    assert colleague.has_perm("lab.request_gate", project)


@pytest.mark.parametrize("who", ["servant of another body", "company member", "citizen"])
def test_strangers_see_nothing_of_a_project(who):
    project = make_project(rolematrix.World())
    person = {
        "servant of another body": lambda: MembershipFactory(organisation=OrganisationFactory()).user,
        "company member": lambda: MembershipFactory(organisation=CompanyFactory()).user,
        "citizen": lambda: UserFactory(),
    }[who]()
    for perm in PROJECT_PERMISSIONS:
        assert not person.has_perm(perm, project), perm
    assert not projects_visible_to(person).exists()


def test_a_team_member_who_left_the_body_still_sees_the_project_they_are_on():
    project = make_project(rolematrix.World())
    member = project.team.get()
    Membership.objects.filter(user=member, organisation=project.organisation).delete()
    member = fresh(member)
    assert member.has_perm("lab.view_project", project)
    assert list(projects_visible_to(member)) == [project]


@pytest.mark.parametrize("state", PROJECT_STATES)
def test_a_sponsor_who_is_not_the_projects_sponsor_answers_and_decides_nothing(state):
    project = make_project(rolematrix.World(), state)
    other = UserFactory(is_sponsor=True)
    for perm in ("lab.answer_sponsorship", "lab.decide_gate", "lab.request_gate", "lab.ask_another_sponsor"):
        assert not other.has_perm(perm, project), perm


def test_every_sponsor_reads_every_project_as_the_portfolio_shows_them():
    project = make_project(rolematrix.World())
    other = UserFactory(is_sponsor=True)
    assert project in projects_visible_to(other)  # the portfolio and the project page
    assert other.has_perm("lab.view_project", project)  # the rule


@pytest.mark.parametrize(
    ("state", "perm"), [("sponsor asked", "lab.answer_sponsorship"), ("gate requested", "lab.decide_gate")]
)
@pytest.mark.parametrize("how", ["lost the sponsor role", "deactivated"])
def test_the_projects_sponsor_who_lost_the_role_or_the_account_decides_nothing(state, perm, how):
    project = make_project(rolematrix.World(), state)
    sponsor = project.sponsor
    assert sponsor.has_perm(perm, project)
    if how == "deactivated":
        sponsor.is_active = False
    else:
        sponsor.is_sponsor = False
    sponsor.save()
    assert not fresh(sponsor).has_perm(perm, project)


def test_a_deactivated_programme_manager_starts_and_asks_nothing():
    world = rolematrix.World()
    manager = UserFactory(is_programme_manager=True, is_active=False)
    assert not manager.has_perm("lab.add_project", make_problem(world, ProblemStatus.ACCEPTED))
    assert not manager.has_perm("lab.ask_another_sponsor", make_project(world, "sponsor declined"))
    assert not manager.has_perm("lab.view_project", make_project(world))


def test_an_accepted_problem_with_a_project_starts_no_other():
    world = rolematrix.World()
    project = make_project(world)
    problem = type(project.problem).objects.get(pk=project.problem_id)  # read again, as a page does
    manager = world.people["programme_manager"]
    assert problem.status == ProblemStatus.ACCEPTED
    assert not manager.has_perm("lab.add_project", problem)
    assert manager.has_perm("lab.add_project", make_problem(world, ProblemStatus.ACCEPTED))


def test_a_stopped_project_leaves_no_one_anything_to_do():
    world = rolematrix.World()
    project = make_project(world, "stopped")
    for role in ROLE_KEYS:
        for perm in PROJECT_PERMISSIONS[1:]:
            assert not world.people[role].has_perm(perm, project), (role, perm)


def test_the_projects_a_person_reads_are_those_the_rules_let_them_see():
    """The portfolio and the project page read projects_visible_to: it must agree with the rule,
    for each role of the matrix and a colleague, a stranger and a team member from elsewhere.
    (Another sponsor is the test above, a known defect.)"""
    world = rolematrix.World()
    for state in PROJECT_STATES:
        make_project(world, state)
    elsewhere = OrganisationFactory()
    stranger = MembershipFactory(organisation=elsewhere).user
    other = make_project(world)
    other.organisation = elsewhere
    other.save(update_fields=["organisation"])
    other.team.set([stranger])
    colleague = MembershipFactory(organisation=public_body(world)).user
    projects = list(Project.objects.all())
    people = {**world.people, "colleague": colleague, "stranger": stranger}
    for key, person in people.items():
        expected = {p.pk for p in projects if person.has_perm("lab.view_project", p)}
        assert set(projects_visible_to(person).values_list("pk", flat=True)) == expected, key
