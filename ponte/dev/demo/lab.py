"""The demo lab (data/lab.yaml): problems public servants brought to the lab, waiting for
triage or triaged by the lab team; projects started from accepted ones, with their sponsor's
answer and the decisions at their gates — each through the lab's services."""

from decimal import Decimal

from ponte.accounts.models import User
from ponte.lab.models import Problem, Project
from ponte.lab.services import problems as services
from ponte.lab.services import projects as project_services
from ponte.organisations.models import Organisation

from .data import load

FIELDS = ("title", "description", "affected", "evidence", "tried", "possible_solution")


def build(stdout=None) -> None:
    data = load("lab")
    people = {u.email: u for u in User.objects.filter(email__endswith="@example.org")}
    lab_team = people[data["triaged_by"]]
    added = 0
    for spec in data["problems"]:
        organisation = Organisation.objects.filter(slug=spec["organisation"]).first()
        if organisation is None or Problem.objects.filter(organisation=organisation, title=spec["title"]).exists():
            continue
        problem = services.problem_submit(
            actor=people[spec["by"]],
            organisation=organisation,
            **{name: " ".join(spec.get(name, "").split()) for name in FIELDS},
        )
        _triage(problem, spec, lab_team)
        added += 1
    started = sum(_project(spec, people, lab_team) for spec in data.get("projects", []))
    if stdout is not None and (added or started):
        stdout.write(f"Lab: {added} problems and {started} projects added.")


def _triage(problem: Problem, spec: dict, lab_team: User) -> None:
    outcome = spec["outcome"]
    if outcome == "accepted":
        services.problem_accept(actor=lab_team, problem=problem)
    elif outcome == "declined":
        services.problem_decline(actor=lab_team, problem=problem, reason=" ".join(spec["reason"].split()))
    elif outcome == "merged":
        into = Problem.objects.get(title=spec["into"])
        services.problem_merge(actor=lab_team, problem=problem, into=into, reason=spec.get("reason", ""))
    elif outcome == "marketplace":
        services.problem_send_to_marketplace(actor=lab_team, problem=problem)


def _project(spec: dict, people: dict, lab_team: User) -> bool:
    problem = Problem.objects.filter(title=spec["problem"]).first()
    if problem is None or Project.objects.filter(problem=problem).exists():
        return False
    project = project_services.project_start(
        actor=lab_team,
        problem=problem,
        title=spec["title"],
        summary=" ".join(spec["summary"].split()),
        facet=spec["facet"],
        budget=Decimal(spec["budget"]),
        targets=spec["targets"],
        sponsor=people[spec["sponsor"]],
        team=[people[email] for email in spec["team"]],
        partners=spec.get("partners", ""),
    )
    sponsor = people[spec["sponsor"]]
    if spec["sponsorship"] != "asked":
        project_services.sponsorship_answer(
            actor=sponsor, project=project, accept=spec["sponsorship"] == "accepted", note=spec.get("note", "")
        )
    for gate in spec.get("gates", []):
        project_services.gate_request(
            actor=people[spec["team"][0]],
            project=project,
            stop=gate.get("stop", False),
            evidence=" ".join(gate["evidence"].split()),
            lessons=" ".join(gate.get("lessons", "").split()),
        )
        if gate["decision"] != "pending":
            project_services.gate_decide(
                actor=sponsor, project=project, decision=gate["decision"], rationale=gate["rationale"]
            )
    return True
