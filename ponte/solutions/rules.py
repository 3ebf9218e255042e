"""Who may do what to a solution: a role predicate AND a state predicate."""

import rules

from ponte.core.roles import is_programme_manager
from ponte.organisations.queries import roles_of
from ponte.organisations.rules import is_company_member

from .models import EDITABLE, LIFECYCLE, Status


@rules.predicate
def is_company_member_of(user, solution) -> bool:
    return solution is not None and solution.company_id in roles_of(user)


@rules.predicate
def is_company_verified(user, solution) -> bool:
    return solution is not None and solution.company.status == "verified"


def _in(*states):
    @rules.predicate(name=f"is_solution_{'_or_'.join(states)}")
    def predicate(user, solution) -> bool:
        return solution is not None and solution.status in states

    return predicate


is_editable = _in(*EDITABLE)
is_published = _in(Status.PUBLISHED)
is_draft = _in(Status.DRAFT)

rules.add_perm("solutions.add_solution", is_company_member)
# Drafts stay inside the company; programme managers see a solution once it was submitted.
# A suspended company's solutions leave the public catalogue with it.
rules.add_perm(
    "solutions.view_solution",
    (is_published & is_company_verified) | is_company_member_of | (is_programme_manager & ~is_draft),
)
# A solution waiting for screening is not edited; editing a published one sends it back.
rules.add_perm("solutions.change_solution", is_company_member_of & is_company_verified & (is_editable | is_published))
# Which states allow each move is the lifecycle's to say.
rules.add_perm("solutions.submit_solution", is_company_member_of & is_company_verified & LIFECYCLE.allows("submit"))
rules.add_perm("solutions.publish_solution", is_programme_manager & LIFECYCLE.allows("publish"))
rules.add_perm("solutions.return_solution", is_programme_manager & LIFECYCLE.allows("return_to_company"))
