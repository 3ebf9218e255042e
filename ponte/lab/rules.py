"""Who may do what to a lab problem: a role predicate AND a state predicate."""

import rules
from django.db.models import Q
from django.utils import timezone

from ponte.core.roles import is_programme_manager, is_sponsor, is_staff_role
from ponte.core.sponsorship import is_its_sponsor, may_ask_a_sponsor, may_be_answered
from ponte.organisations.queries import roles_of
from ponte.organisations.rules import is_public_servant

from .models import (
    CASE_LIFECYCLE,
    EXPERIMENT_LIFECYCLE,
    PROBLEM_LIFECYCLE,
    CaseStatus,
    ExperimentStatus,
    GateDecision,
    Invitation,
    InvitationStatus,
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
    return (
        project is not None
        and user.is_authenticated
        and user.is_active
        and any(m.pk == user.pk for m in project.team.all())
    )


@rules.predicate
def is_member_of_project_body(user, project) -> bool:
    return project is not None and project.organisation_id in roles_of(user)


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
rules.add_perm("lab.answer_sponsorship", is_its_sponsor & may_be_answered)
rules.add_perm("lab.ask_another_sponsor", is_programme_manager & may_ask_a_sponsor)
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


# Co-creation with citizens -----------------------------------------------------------------


def invitation_of(user, session):
    """The person's invitation to the session, read once per request and session."""
    if session is None or not user.is_authenticated:
        return None
    cache = session.__dict__.setdefault("_invitation_of", {})
    if user.pk not in cache:
        cache[user.pk] = session.invitations.filter(member__person=user).first()
    return cache[user.pk]


@rules.predicate
def is_invited(user, session) -> bool:
    return invitation_of(user, session) is not None


@rules.predicate
def may_take_a_place(user, session) -> bool:
    invitation = invitation_of(user, session)
    return invitation is not None and invitation.status != InvitationStatus.SIGNED_UP


@rules.predicate
def has_a_place(user, session) -> bool:
    invitation = invitation_of(user, session)
    return invitation is not None and invitation.status == InvitationStatus.SIGNED_UP


@rules.predicate
def has_not_started(user, session) -> bool:
    return session is not None and session.starts_at > timezone.now()


@rules.predicate
def has_started(user, session) -> bool:
    return session is not None and session.starts_at <= timezone.now()


@rules.predicate
def sees_the_sessions_project(user, session) -> bool:
    return session is not None and user.has_perm("lab.view_project", session.project)


@rules.predicate
def is_on_the_sessions_team(user, session) -> bool:
    return session is not None and is_on_the_team(user, session.project)


@rules.predicate
def its_sessions_project_is_active(user, session) -> bool:
    return session is not None and session.project.status == ProjectStatus.ACTIVE


@rules.predicate
def sees_the_prototypes_project(user, prototype) -> bool:
    return prototype is not None and user.has_perm("lab.view_project", prototype.project)


@rules.predicate
def took_part_in_its_project(user, prototype) -> bool:
    """Invited to one of the sessions of the prototype's project."""
    return (
        prototype is not None
        and user.is_authenticated
        and Invitation.objects.filter(session__project=prototype.project_id, member__person=user).exists()
    )


@rules.predicate
def has_answered(user, prototype) -> bool:
    return prototype is not None and prototype.responses.filter(member__person=user).exists()


@rules.predicate
def is_on_the_prototypes_team(user, prototype) -> bool:
    return prototype is not None and is_on_the_team(user, prototype.project)


# Any signed-in person may join the citizens' panel (once: the service tells one already on
# it). A project's team holds sessions and tries out prototypes while the project is active;
# the members it invites see the session, take a place until it starts (within its places:
# the service counts them), and
# give their feedback on the project's prototypes, once per version.
rules.add_perm("lab.join_panel", rules.is_authenticated)
rules.add_perm("lab.add_session", is_on_the_team & is_active)
rules.add_perm("lab.view_session", sees_the_sessions_project | is_invited)
rules.add_perm("lab.manage_session", is_on_the_sessions_team & its_sessions_project_is_active & has_not_started)
rules.add_perm("lab.sign_up_session", may_take_a_place & has_not_started & its_sessions_project_is_active)
rules.add_perm("lab.cancel_sign_up", has_a_place & has_not_started)
rules.add_perm("lab.record_attendance", is_on_the_sessions_team & has_started)
# Who signed up, and their accessibility needs, are for the team that meets them and the lab team.
rules.add_perm("lab.view_participants", is_on_the_sessions_team | is_programme_manager)
rules.add_perm("lab.add_prototype", is_on_the_team & is_active)
rules.add_perm("lab.view_prototype", sees_the_prototypes_project | took_part_in_its_project)
rules.add_perm("lab.give_feedback", took_part_in_its_project & ~has_answered & ~is_on_the_prototypes_team)
