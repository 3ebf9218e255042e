"""The role matrix's lab problems (docs/roles.md): one builder per state, used by the matrix
and by the tests, and what each lab permission means."""

from django.utils import timezone

from ponte.core.rolematrix import Case, Subject, World
from ponte.organisations import matrix as organisations_matrix

from .models import (
    CaseStatus,
    CaseStudy,
    Experiment,
    ExperimentStatus,
    GateDecision,
    GateRequest,
    Problem,
    ProblemStatus,
    Project,
    ProjectStatus,
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
}
