"""Who may do what to a lab problem: a role predicate AND a state predicate."""

import rules
from django.db.models import Q

from ponte.core.roles import is_programme_manager, is_staff_role
from ponte.organisations.queries import roles_of
from ponte.organisations.rules import is_public_servant

from .models import PROBLEM_LIFECYCLE


@rules.predicate
def is_submitter(user, problem) -> bool:
    return problem is not None and user.is_authenticated and problem.submitted_by_id == user.pk


@rules.predicate
def is_member_of_problem_body(user, problem) -> bool:
    return problem is not None and problem.organisation_id in roles_of(user)


@rules.predicate
def follows_a_merged_problem(user, problem) -> bool:
    """Who could see a problem merged into this one follows this one from then on: its
    submitter and its public body."""
    return (
        problem is not None
        and user.is_authenticated
        and problem.merged.filter(Q(submitted_by=user) | Q(organisation_id__in=list(roles_of(user)))).exists()
    )


# The lab team is the programme managers. A problem stays inside its public body and the
# innovation unit's staff: it is not public.
rules.add_perm("lab.add_problem", is_public_servant)
rules.add_perm("lab.view_problem", is_submitter | is_member_of_problem_body | is_staff_role | follows_a_merged_problem)
rules.add_perm("lab.triage_problems", is_programme_manager)
# Which states allow each decision is the lifecycle's to say.
rules.add_perm("lab.accept_problem", is_programme_manager & PROBLEM_LIFECYCLE.allows("accept"))
rules.add_perm("lab.merge_problem", is_programme_manager & PROBLEM_LIFECYCLE.allows("merge"))
rules.add_perm("lab.decline_problem", is_programme_manager & PROBLEM_LIFECYCLE.allows("decline"))
rules.add_perm(
    "lab.send_problem_to_marketplace", is_programme_manager & PROBLEM_LIFECYCLE.allows("send_to_marketplace")
)
