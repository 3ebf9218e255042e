"""The role matrix's lab problems (docs/roles.md): one builder per state, used by the matrix
and by the tests, and what each lab permission means."""

from datetime import timedelta

from django.utils import timezone

from ponte.core.rolematrix import Case, Subject, World
from ponte.organisations import matrix as organisations_matrix
from ponte.reference.models import SectorTag

from .models import (
    PANEL_CONSENT_VERSION,
    CaseStatus,
    CaseStudy,
    Experiment,
    ExperimentStatus,
    FeedbackResponse,
    GateDecision,
    GateRequest,
    Invitation,
    InvitationStatus,
    PanelMember,
    Problem,
    ProblemStatus,
    Project,
    ProjectStatus,
    Prototype,
    Session,
    Sponsorship,
    stages,
)


def make_problem(world: World, status: str = ProblemStatus.SUBMITTED) -> Problem:
    """A problem the public servant brought for the World's public body, in `status`."""
    merged_into = make_problem(world, ProblemStatus.ACCEPTED) if status == ProblemStatus.MERGED else None
    return Problem.objects.create(
        organisation=organisations_matrix.public_body(world),
        submitted_by=world.people["public_servant"],
        title=f"Roles matrix problem {status} {world.token}",
        description="Roles matrix problem",
        affected="Roles matrix people",
        evidence="Roles matrix evidence",
        tried="Nothing yet",
        status=status,
        merged_into=merged_into,
        triage_reason="Roles matrix reason" if status == ProblemStatus.DECLINED else "",
        triaged_at=None if status == ProblemStatus.SUBMITTED else timezone.now(),
    )


def make_project(world: World, state: str = "active") -> Project:
    """A project of the World's public body, started from an accepted problem: the public
    servant is on its team and the sponsor is asked to sponsor it, in `state`: "sponsor asked",
    "sponsor declined", "active" (sponsored), "gate requested" (a request waits for the
    sponsor) or "stopped"."""
    problem = make_problem(world, ProblemStatus.ACCEPTED)
    sponsorship = {"sponsor asked": Sponsorship.ASKED, "sponsor declined": Sponsorship.DECLINED}.get(
        state, Sponsorship.ACCEPTED
    )
    project = Project.objects.create(
        problem=problem,
        organisation=problem.organisation,
        title=f"Roles matrix project {state} {world.token}",
        summary="Roles matrix project",
        facet="adaptive",
        budget=15000,
        targets="Roles matrix targets",
        sponsor=world.people["sponsor"],
        sponsorship=sponsorship,
        stage=stages()[0],
        stage_entered_at=timezone.now(),
        status=ProjectStatus.STOPPED if state == "stopped" else ProjectStatus.ACTIVE,
        lessons="Roles matrix lessons" if state == "stopped" else "",
    )
    project.team.set([world.people["public_servant"]])
    if state == "gate requested":
        GateRequest.objects.create(
            project=project,
            from_stage=project.stage,
            to_stage=project.next_stage,
            evidence="Roles matrix evidence",
            requested_by=world.people["public_servant"],
            decision=GateDecision.PENDING,
        )
    return project


PROJECT_STATES = ("sponsor asked", "sponsor declined", "active", "gate requested", "stopped")
PROJECT_SUBJECT = Subject(
    key="project",
    label="lab project (of the public servant's public body, the public servant on its team, the sponsor its sponsor)",
    states=tuple((state, lambda world, state=state: make_project(world, state)) for state in PROJECT_STATES),
)


def make_experiment(world: World, state: str = "draft") -> Experiment:
    """An experiment of an active project of the World (the public servant on its team), in
    `state`: "draft", "running", "running with results", "concluded", or "draft, project
    stopped"."""
    project = make_project(world, "stopped" if state == "draft, project stopped" else "active")
    status = {
        "running": ExperimentStatus.RUNNING,
        "running with results": ExperimentStatus.RUNNING,
        "concluded": ExperimentStatus.CONCLUDED,
    }.get(state, ExperimentStatus.DRAFT)
    started = status != ExperimentStatus.DRAFT
    return Experiment.objects.create(
        project=project,
        title=f"Roles matrix experiment {state} {world.token}",
        created_by=world.people["public_servant"],
        status=status,
        registered_at=timezone.now() if started else None,
        registration={"metric_kind": "proportion"} if started else {},
        results={"metrics": [], "srm": None} if state in ("running with results", "concluded") else None,
        conclusion="inconclusive" if status == ExperimentStatus.CONCLUDED else "",
    )


EXPERIMENT_STATES = ("draft", "running", "running with results", "concluded", "draft, project stopped")
EXPERIMENT_SUBJECT = Subject(
    key="experiment",
    label="lab experiment (of a project of the public servant's public body, the public servant on its team)",
    states=tuple((state, lambda world, state=state: make_experiment(world, state)) for state in EXPERIMENT_STATES),
)


def make_case(world: World, state: str = "draft") -> CaseStudy:
    """A case study of a stopped project of the World (the public servant on its team), in
    `state`: "draft", "in_review" or "published"."""
    project = make_project(world, "stopped")
    return CaseStudy.objects.create(
        project=project,
        title=f"Roles matrix case {state} {world.token}",
        written_by=world.people["public_servant"],
        status=state,
    )


CASE_SUBJECT = Subject(
    key="case",
    label="lab case study (of a stopped project, the public servant on its team)",
    states=tuple((state.value, lambda world, state=state: make_case(world, state)) for state in CaseStatus),
)


def _panel_member(world: World) -> PanelMember:
    """The World's citizen, on the citizens' panel (once per World)."""

    def join() -> PanelMember:
        member = PanelMember.objects.create(
            person=world.people["citizen"],
            region="Lisboa",
            age_band="35_44",
            consent_version=PANEL_CONSENT_VERSION,
            consented_at=timezone.now(),
        )
        member.topics.set(SectorTag.objects.filter(code="digital"))
        return member

    return world.shared("lab panel member", join)


def make_session(world: World, state: str) -> Session:
    """A session of a project of the World's public body (the public servant on its team), the
    citizen invited, in `state`: see SESSION_STATES."""
    project = make_project(world, "stopped" if state == "upcoming, project stopped" else "active")
    started = state == "started, citizen signed up"
    starts = timezone.now() + (timedelta(hours=-1) if started else timedelta(days=7))
    session = Session.objects.create(
        project=project,
        title=f"Roles matrix session {state} {world.token}",
        kind="workshop",
        description="Roles matrix session",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="Lisboa",
        capacity=10,
        created_by=world.people["public_servant"],
    )
    status = InvitationStatus.SIGNED_UP if "signed up" in state else InvitationStatus.INVITED
    Invitation.objects.create(session=session, member=_panel_member(world), status=status)
    return session


def make_prototype(world: World, state: str) -> Prototype:
    """A prototype of an active project whose session the citizen is invited to, in `state`:
    "citizen invited" or "citizen has answered"."""
    session = make_session(world, "upcoming, citizen invited")
    prototype = Prototype.objects.create(
        project=session.project,
        name=f"Roles matrix prototype {world.token}",
        version=state,
        description="Roles matrix prototype",
        created_by=world.people["public_servant"],
    )
    if state == "citizen has answered":
        FeedbackResponse.objects.create(prototype=prototype, member=_panel_member(world))
    return prototype


SESSION_STATES = (
    "upcoming, citizen invited",
    "upcoming, citizen signed up",
    "started, citizen signed up",
    "upcoming, project stopped",
)
SESSION_SUBJECT = Subject(
    key="session",
    label="lab co-creation session (of a project of the public servant's public body, the citizen invited)",
    states=tuple((state, lambda world, state=state: make_session(world, state)) for state in SESSION_STATES),
)
PROTOTYPE_STATES = ("citizen invited", "citizen has answered")
PROTOTYPE_SUBJECT = Subject(
    key="prototype",
    label="lab prototype (of a project whose session the citizen is invited to)",
    states=tuple((state, lambda world, state=state: make_prototype(world, state)) for state in PROTOTYPE_STATES),
)

SUBJECT = Subject(
    key="problem",
    label="lab problem (brought by the public servant for their public body)",
    states=tuple((status.value, lambda world, status=status: make_problem(world, status)) for status in ProblemStatus),
)

CASES = {
    "lab.add_problem": Case("Bring a problem to the lab for a verified public body one belongs to."),
    "lab.view_problem": Case("See the problem's page: its submitter, its public body and the lab team.", "problem"),
    "lab.triage_problems": Case("Read the lab's triage queue and act on it."),
    "lab.accept_problem": Case("Accept the problem into the lab's portfolio.", "problem"),
    "lab.merge_problem": Case("Merge the problem with another one the lab works on.", "problem"),
    "lab.decline_problem": Case("Decline the problem, with a reason its submitter reads.", "problem"),
    "lab.send_problem_to_marketplace": Case(
        "Send the problem to the challenge marketplace as a draft challenge of its public body.", "problem"
    ),
    "lab.add_project": Case("Start a project from the accepted problem, naming its team and sponsor.", "problem"),
    "lab.view_project": Case("See the project's page: its team, its public body, sponsors and staff.", "project"),
    "lab.answer_sponsorship": Case("Accept to sponsor the project, or decline with a reason.", "project"),
    "lab.ask_another_sponsor": Case("Ask another sponsor after the sponsor declined.", "project"),
    "lab.request_gate": Case("Ask the sponsor, with evidence, to move the project on or to stop it.", "project"),
    "lab.decide_gate": Case("Decide the request at the gate: go, stop or revise, with a rationale.", "project"),
    "lab.add_experiment": Case("Write a new experiment for the project.", "project"),
    "lab.view_experiment": Case("See the experiment's card, plan, deviations and results.", "experiment"),
    "lab.change_experiment": Case(
        "Edit the experiment's card; once it runs, a change to its plan is a deviation with a reason.", "experiment"
    ),
    "lab.start_experiment": Case("Start the experiment, pre-registering (freezing) its plan.", "experiment"),
    "lab.record_results": Case("Upload the results, or each group's summary, to be analysed.", "experiment"),
    "lab.conclude_experiment": Case("Record the conclusion and what was learned.", "experiment"),
    "lab.add_case": Case("Start a case study of the project, once it scaled or stopped.", "project"),
    "lab.view_case": Case("Read the case study: everyone once published, before that who sees its project.", "case"),
    "lab.change_case": Case("Edit the case study while it is being written.", "case"),
    "lab.submit_case": Case("Send the case study to a programme manager for review.", "case"),
    "lab.review_case": Case("Publish the case study in the case library, or return it with a note.", "case"),
    "lab.join_panel": Case("Join the lab's citizens' panel, with explicit consent."),
    "lab.add_session": Case("Hold a co-creation session for the project.", "project"),
    "lab.add_prototype": Case("Ask citizens' feedback on a version of a prototype of the project.", "project"),
    "lab.view_session": Case("See the session: who sees its project, and the panel members invited.", "session"),
    "lab.manage_session": Case("Invite panel members to the session, until it starts.", "session"),
    "lab.sign_up_session": Case("Take one of the session's places, as an invited panel member.", "session"),
    "lab.cancel_sign_up": Case("Give one's place back, until the session starts.", "session"),
    "lab.record_attendance": Case("Record who came, once the session has started.", "session"),
    "lab.view_participants": Case("See who signed up to the session, and their accessibility needs.", "session"),
    "lab.view_prototype": Case("See the prototype: who sees its project, and the members it invited.", "prototype"),
    "lab.give_feedback": Case("Answer the prototype's questions, once per version.", "prototype"),
}
