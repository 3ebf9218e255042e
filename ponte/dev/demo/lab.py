"""The demo lab (data/lab.yaml): problems public servants brought to the lab, waiting for
triage or triaged by the lab team, each through the lab's services."""

from ponte.accounts.models import User
from ponte.lab.models import Problem
from ponte.lab.services import problems as services
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
    if stdout is not None and added:
        stdout.write(f"Lab problems: {added} added.")


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
