"""Who may do what to a lab problem: a role predicate AND a state predicate."""

import rules
from django.db.models import Q

from ponte.core.roles import is_programme_manager, is_sponsor, is_staff_role
from ponte.organisations.queries import roles_of
from ponte.organisations.rules import is_public_servant

from .models import (
    CASE_LIFECYCLE,
    EXPERIMENT_LIFECYCLE,
    PROBLEM_LIFECYCLE,
    SPONSORSHIP_LIFECYCLE,
    CaseStatus,
    ExperimentStatus,
    GateDecision,
    ProblemStatus,
    ProjectStatus,
    Sponsorship,
    stages,
)


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


# Projects ---------------------------------------------------------------------------------


@rules.predicate
def is_accepted_without_project(user, problem) -> bool:
    return problem is not None and problem.status == ProblemStatus.ACCEPTED and not hasattr(problem, "project")


@rules.predicate
def is_on_the_team(user, project) -> bool:
    # Reads the team prefetched by the page when it is there.
    return project is not None and user.is_authenticated and any(m.pk == user.pk for m in project.team.all())


@rules.predicate
def is_member_of_project_body(user, project) -> bool:
    return project is not None and project.organisation_id in roles_of(user)


@rules.predicate
def is_its_sponsor(user, project) -> bool:
    return project is not None and is_sponsor(user) and project.sponsor_id == user.pk


@rules.predicate
def is_active(user, project) -> bool:
    return project is not None and project.status == ProjectStatus.ACTIVE


@rules.predicate
def is_sponsored(user, project) -> bool:
    return project is not None and project.sponsorship == Sponsorship.ACCEPTED


@rules.predicate
def has_a_gate_pending(user, project) -> bool:
    # Reads the gates prefetched by the project's page when they are there (a project has few).
    return project is not None and any(gate.decision == GateDecision.PENDING for gate in project.gates.all())


rules.add_perm("lab.add_project", is_programme_manager & is_accepted_without_project)
# Sponsors read the whole portfolio, as the lab team does.
rules.add_perm("lab.view_project", is_on_the_team | is_member_of_project_body | is_sponsor | is_staff_role)
rules.add_perm("lab.answer_sponsorship", is_its_sponsor & SPONSORSHIP_LIFECYCLE.allows("accept_sponsorship"))
rules.add_perm("lab.ask_another_sponsor", is_programme_manager & SPONSORSHIP_LIFECYCLE.allows("ask_sponsor"))
# The team asks the sponsor to move on or to stop, one question at a time, once the sponsor
# has accepted the project; the sponsor decides.
rules.add_perm("lab.request_gate", is_on_the_team & is_active & is_sponsored & ~has_a_gate_pending)
rules.add_perm("lab.decide_gate", is_its_sponsor & is_active & has_a_gate_pending)


# Experiments ------------------------------------------------------------------------------


@rules.predicate
def sees_its_project(user, experiment) -> bool:
    return experiment is not None and user.has_perm("lab.view_project", experiment.project)


@rules.predicate
def is_on_its_project_team(user, experiment) -> bool:
    return experiment is not None and is_on_the_team(user, experiment.project)


@rules.predicate
def its_project_is_active(user, experiment) -> bool:
    return experiment is not None and experiment.project.status == ProjectStatus.ACTIVE


@rules.predicate
def is_not_concluded(user, experiment) -> bool:
    return experiment is not None and experiment.status != ExperimentStatus.CONCLUDED


@rules.predicate
def has_results(user, experiment) -> bool:
    return experiment is not None and experiment.results is not None


# A project's team designs, runs and concludes its experiments while the project is active;
# whoever reads the project reads them.
rules.add_perm("lab.add_experiment", is_on_the_team & is_active)
rules.add_perm("lab.view_experiment", sees_its_project)
rules.add_perm("lab.change_experiment", is_on_its_project_team & its_project_is_active & is_not_concluded)
rules.add_perm(
    "lab.start_experiment", is_on_its_project_team & its_project_is_active & EXPERIMENT_LIFECYCLE.allows("start")
)
rules.add_perm(
    "lab.record_results",
    is_on_its_project_team & its_project_is_active & EXPERIMENT_LIFECYCLE.allows("conclude"),
)
rules.add_perm(
    "lab.conclude_experiment",
    is_on_its_project_team & its_project_is_active & EXPERIMENT_LIFECYCLE.allows("conclude") & has_results,
)


# Case studies -----------------------------------------------------------------------------


@rules.predicate
def has_scaled_or_stopped(user, project) -> bool:
    return project is not None and (project.status == ProjectStatus.STOPPED or project.stage == stages()[-1])


@rules.predicate
def has_no_case(user, project) -> bool:
    return project is not None and not hasattr(project, "case")


@rules.predicate
def is_published_case(user, case) -> bool:
    return case is not None and case.status == CaseStatus.PUBLISHED


@rules.predicate
def sees_its_case_project(user, case) -> bool:
    return case is not None and user.has_perm("lab.view_project", case.project)


@rules.predicate
def writes_for_its_project(user, case) -> bool:
    """The project's team, or the lab team."""
    return case is not None and (is_programme_manager(user) or is_on_the_team(user, case.project))


# Once a project scaled or stopped, its team or the lab team tells it as a case; a programme
# manager reviews it before the public reads it.
rules.add_perm("lab.add_case", (is_on_the_team | is_programme_manager) & has_scaled_or_stopped & has_no_case)
rules.add_perm("lab.view_case", is_published_case | sees_its_case_project)
rules.add_perm("lab.change_case", writes_for_its_project & CASE_LIFECYCLE.allows("submit_case"))
rules.add_perm("lab.submit_case", writes_for_its_project & CASE_LIFECYCLE.allows("submit_case"))
rules.add_perm("lab.review_case", is_programme_manager & CASE_LIFECYCLE.allows("publish_case"))
