"""The lab at national scale: problems brought by public servants of the generated public
bodies, in every state of triage, and projects started from the accepted ones, at every
stage, with their sponsor's answer and the requests at their gates. Written in bulk from a
random generator seeded by the scale."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from ponte.accounts.models import User
from ponte.lab import analysis, statistics
from ponte.lab.models import (
    PLAN_FIELDS,
    STOP,
    CaseStatus,
    CaseStudy,
    CaseTag,
    Conclusion,
    DevelopmentTime,
    Experiment,
    ExperimentStatus,
    Facet,
    GateDecision,
    GateRequest,
    GovernmentFunction,
    InnovationStage,
    InnovationType,
    Problem,
    ProblemStatus,
    Project,
    ProjectStatus,
    Sponsorship,
    stages,
)
from ponte.organisations.models import LevelOfGovernment, Membership

SIZES = {"S": (300, 150), "M": (3_000, 1_500), "L": (20_000, 10_000)}  # problems, projects
EXPERIMENTS_PER_PROJECT = 3  # 30,000 experiments at L
BATCH = 2_000
TOPICS = [
    ("Citizens give the same documents again", "Services cannot see what another already holds."),
    ("Appointments are booked out weeks ahead", "Slots are booked and not used."),
    ("Forms are misunderstood", "One application in four is sent back."),
    ("Streets flood without warning", "Crews learn of floods from residents' calls."),
    ("Young jobseekers leave training", "Four in ten leave in the first month."),
    ("Older residents miss heat-wave warnings", "Warnings go out by app only."),
]
# Problems not turned into projects, by state of triage.
OTHER_STATES = [
    ProblemStatus.SUBMITTED,
    ProblemStatus.DECLINED,
    ProblemStatus.MERGED,
    ProblemStatus.SENT_TO_MARKETPLACE,
]


def build(scale: str, progress) -> None:
    problems_total, projects_total = SIZES[scale]
    rng = random.Random(f"ponte-lab-{scale}")
    now = timezone.now()
    members = list(
        Membership.objects.filter(organisation__kind="public_body", organisation__status="verified")
        .order_by("organisation_id", "pk")
        .values_list("organisation_id", "user_id")[:50_000]
    )
    sponsors = list(User.objects.filter(is_sponsor=True, is_active=True).values_list("pk", flat=True))
    if not members or not sponsors:
        return
    run = Problem.objects.filter(title__startswith="[gen]").count()
    order = stages()
    tags = _case_tags()

    bar = progress(total=problems_total, desc="lab")
    for start in range(0, problems_total, BATCH):
        size = min(BATCH, problems_total - start)
        accepted = [start + i < projects_total for i in range(size)]
        batch = []
        for i in range(size):
            organisation, user = rng.choice(members)
            title, description = rng.choice(TOPICS)
            submitted = now - timedelta(days=rng.randrange(1, 900))
            status = ProblemStatus.ACCEPTED if accepted[i] else rng.choice(OTHER_STATES)
            batch.append(
                Problem(
                    organisation_id=organisation,
                    submitted_by_id=user,
                    title=f"[gen] {title} ({run + start + i})",
                    description=description,
                    affected="Residents",
                    evidence="Figures of the service",
                    tried="Nothing yet",
                    status=status,
                    triage_reason="Not a matter for the lab." if status == ProblemStatus.DECLINED else "",
                    submitted_at=submitted,
                    triaged_at=None if status == ProblemStatus.SUBMITTED else submitted + timedelta(days=7),
                )
            )
        created = Problem.objects.bulk_create(batch)
        projects, teams = [], []
        for problem in created:
            if problem.status != ProblemStatus.ACCEPTED:
                continue
            stage_index = rng.randrange(len(order))
            stopped = rng.random() < 0.15
            sponsorship = Sponsorship.ACCEPTED if stage_index or rng.random() < 0.7 else Sponsorship.ASKED
            projects.append(
                Project(
                    problem=problem,
                    organisation_id=problem.organisation_id,
                    title=problem.title.replace("[gen]", "[gen] Project:"),
                    summary=problem.description,
                    facet=rng.choice(Facet.values),
                    budget=rng.randrange(5, 21) * 1000,
                    targets="Half the problem in a year",
                    sponsor_id=rng.choice(sponsors),
                    sponsorship=sponsorship,
                    sponsorship_asked_at=now - timedelta(days=rng.randrange(200, 400)),
                    stage=order[stage_index],
                    stage_entered_at=now - timedelta(days=rng.randrange(1, 200)),
                    status=ProjectStatus.STOPPED if stopped else ProjectStatus.ACTIVE,
                    lessons="What was learned." if stopped else "",
                )
            )
        created_projects = Project.objects.bulk_create(projects)
        gates = []
        for project in created_projects:
            teams.append(Project.team.through(project_id=project.pk, user_id=project.problem.submitted_by_id))
            position = order.index(project.stage)
            for step in range(position):
                gates.append(_gate(project, order[step], order[step + 1], GateDecision.GO, now))
            if project.status == ProjectStatus.STOPPED:
                gates.append(_gate(project, project.stage, STOP, GateDecision.GO, now))
            elif project.sponsorship == Sponsorship.ACCEPTED and position + 1 < len(order) and rng.random() < 0.3:
                gates.append(_gate(project, project.stage, order[position + 1], GateDecision.PENDING, now))
        Project.team.through.objects.bulk_create(teams)
        GateRequest.objects.bulk_create(gates)
        Experiment.objects.bulk_create(
            [_experiment(project, n, rng, now) for project in created_projects for n in range(EXPERIMENTS_PER_PROJECT)]
        )
        told = [p for p in created_projects if p.status == ProjectStatus.STOPPED or p.stage == order[-1]]
        _cases(told, tags, rng, now)
        bar.update(size)
    bar.close()


def _gate(project: Project, from_stage: str, to_stage: str, decision: str, now) -> GateRequest:
    decided = decision != GateDecision.PENDING
    return GateRequest(
        project=project,
        from_stage=from_stage,
        to_stage=to_stage,
        evidence="What the stage found.",
        lessons="What was learned." if to_stage == STOP else "",
        requested_by_id=project.problem.submitted_by_id,
        decision=decision,
        rationale="Decided on the evidence." if decided else "",
        decided_by_id=project.sponsor_id if decided else None,
        decided_at=now if decided else None,
    )


PLAN = {
    "hypothesis": "A reminder raises attendance.",
    "metric_name": "Appointments attended",
    "metric_kind": "proportion",
    "baseline": 66.0,
    "metric_sd": None,
    "min_effect": 5.0,
    "design": "ab",
    "control_name": "control",
    "treatment_name": "treatment",
    "treatment_share": 50.0,
    "alpha": 0.05,
    "power": 0.8,
    "planned_per_group": 1400,
    "duration_weeks": 13,
    "analysis_plan": "Two-proportion test on attendance.",
}
# A few analyses made once, shared by the generated experiments: the statistics are the
# services' business, not the generator's.
OUTCOMES = [(1400, 924, 1400, 994), (1400, 924, 1400, 931), (1500, 990, 1260, 880)]


REGISTRATION: dict = {}  # the plan as frozen, with the sample it needs, made once


def _results() -> list[dict]:
    plan = REGISTRATION
    return [
        analysis.analyse_summaries(
            statistics.GroupSummary.of_proportion(xc, nc), statistics.GroupSummary.of_proportion(xt, nt), plan
        )
        for nc, xc, nt, xt in OUTCOMES
    ]


_RESULTS: list[dict] = []


def _experiment(project: Project, n: int, rng: random.Random, now) -> Experiment:
    """A draft, a running experiment with its plan registered, or a concluded one with results."""
    if not _RESULTS:
        REGISTRATION.update(PLAN, sample_needed=analysis.sample_needed(PLAN))
        _RESULTS.extend(_results())
    status = rng.choice(ExperimentStatus.values)
    started = status != ExperimentStatus.DRAFT
    registration = dict(REGISTRATION) if started else {}
    results = {**rng.choice(_RESULTS), "source": "summaries", "rows": None, "file_name": ""}
    concluded = status == ExperimentStatus.CONCLUDED
    return Experiment(
        project=project,
        title=f"[gen] Experiment {n + 1} of {project.title}"[:200],
        summary="A reminder before the appointment.",
        created_by_id=project.problem.submitted_by_id,
        status=status,
        registration=registration,
        registered_at=now - timedelta(days=60) if started else None,
        results=results if concluded or (started and rng.random() < 0.5) else None,
        results_at=now - timedelta(days=5) if started else None,
        conclusion=rng.choice(Conclusion.values) if concluded else "",
        learned="What the experiment taught." if concluded else "",
        concluded_at=now if concluded else None,
        **{name: PLAN[name] for name in PLAN_FIELDS},
    )


CASE_SHARE = 0.6  # of the projects that scaled or stopped, those told as a case
TAG_POOL = 400  # tags in use: more than the library's filter offers


def _case_tags() -> list[int]:
    CaseTag.objects.bulk_create([CaseTag(name=f"gen tag {n}") for n in range(TAG_POOL)], ignore_conflicts=True)
    return list(CaseTag.objects.filter(name__startswith="gen tag ").order_by("pk").values_list("pk", flat=True))


def _cases(projects: list[Project], tags: list[int], rng: random.Random, now) -> None:
    """Published cases, with every OPSI field, for most projects that scaled or stopped."""
    told = [project for project in projects if rng.random() < CASE_SHARE]
    cases = CaseStudy.objects.bulk_create(
        [
            CaseStudy(
                project=project,
                title=project.title.replace("[gen] Project:", "[gen] Case:"),
                organisation_name="Generated public body",
                country="PT",
                level=rng.choice(LevelOfGovernment.values),
                sector=rng.choice(GovernmentFunction.values),
                launch_year=rng.randrange(2015, now.year + 1),
                development_time=rng.choice(DevelopmentTime.values),
                stage=rng.choice(InnovationStage.values),
                innovation_type=rng.choice(InnovationType.values),
                objectives="Half the problem in a year.",
                problem=project.summary,
                innovation="What the project did.",
                results="What it achieved.",
                lessons="What was learned.",
                status=CaseStatus.PUBLISHED,
                written_by_id=project.problem.submitted_by_id,
                submitted_at=now,
                published_at=now - timedelta(days=rng.randrange(0, 900)),
            )
            for project in told
        ]
    )
    # Tags follow a long tail, as people's tags do: one of a few common ones, two of many rare.
    CaseStudy.tags.through.objects.bulk_create(
        [
            CaseStudy.tags.through(casestudy_id=case.pk, casetag_id=tag)
            for case in cases
            for tag in {tags[min(int(rng.paretovariate(1.2)) - 1, len(tags) - 1)], rng.choice(tags), rng.choice(tags)}
        ]
    )
