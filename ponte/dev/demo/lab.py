"""The demo lab (data/lab.yaml): problems public servants brought to the lab, waiting for
triage or triaged by the lab team; projects started from accepted ones, with their sponsor's
answer and the decisions at their gates — each through the lab's services."""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from ponte.accounts.models import User
from ponte.lab.models import Invitation, PanelMember, Problem, Project, Session
from ponte.lab.services import cases as case_services
from ponte.lab.services import cocreation
from ponte.lab.services import experiments as experiment_services
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
    _panel(data.get("panel", []), people)
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
    for experiment in spec.get("experiments", []):
        _experiment(experiment, project, people[spec["team"][0]])
    for session in spec.get("sessions", []):
        _session(session, project, people[spec["team"][0]])
    for prototype in spec.get("prototypes", []):
        _prototype(prototype, project, people[spec["team"][0]])
    if "case" in spec:
        _case(spec["case"], project, people[spec["team"][0]], lab_team)
    return True


def _panel(members: list[dict], people: dict) -> None:
    """The citizens' panel: demo people, and people made here who only take part."""
    for spec in members:
        person = people.get(spec["email"]) or User.objects.filter(email=spec["email"]).first()
        if person is None:
            person = User.objects.create_user(email=spec["email"], password=None, name=spec["name"], language="pt")
        people[spec["email"]] = person
        if not PanelMember.objects.filter(person=person).exists():
            cocreation.panel_join(
                actor=person,
                topics=spec["topics"],
                region=spec["region"],
                age_band=spec["age_band"],
                accessibility=spec.get("accessibility", ""),
                consent=True,
            )


def _session(spec: dict, project: Project, planner: User) -> None:
    """A session planned, its members invited and signed up; one in the past is planned for
    the future then moved back, as time would have, and its attendance recorded."""
    in_days = spec["in_days"]
    starts = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=abs(in_days), hours=1)
    session = cocreation.session_create(
        actor=planner,
        project=project,
        title=spec["title"],
        kind=spec["kind"],
        description=" ".join(spec["description"].split()),
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place=spec["place"],
        capacity=spec["capacity"],
        accessibility=spec.get("accessibility", ""),
    )
    cocreation.session_invite(actor=planner, session=session, topic=spec["invite"])
    people = {u.email: u for u in User.objects.filter(email__in=spec.get("signed_up", []))}
    for email in spec.get("signed_up", []):
        cocreation.session_sign_up(actor=people[email], session=session)
    if in_days < 0:
        moved = timedelta(days=2 * abs(in_days))
        Session.objects.filter(pk=session.pk).update(
            starts_at=starts - moved, ends_at=starts - moved + timedelta(hours=2)
        )
        session.refresh_from_db()
        absent = set(spec.get("absent", []))
        present = set(
            Invitation.objects.filter(session=session, member__person__email__in=set(people) - absent).values_list(
                "pk", flat=True
            )
        )
        cocreation.attendance_record(actor=planner, session=session, present=present)


def _prototype(spec: dict, project: Project, author: User) -> None:
    prototype = cocreation.prototype_create(
        actor=author,
        project=project,
        name=spec["name"],
        version=spec["version"],
        description=spec["description"],
        questions=[(text, kind) for kind, text in spec["questions"]],
    )
    questions = list(prototype.questions.all())
    for feedback in spec.get("feedback", []):
        person = User.objects.get(email=feedback["by"])
        cocreation.feedback_give(
            actor=person,
            prototype=prototype,
            answers={q.pk: answer for q, answer in zip(questions, feedback["answers"], strict=True)},
        )


def _case(spec: dict, project: Project, writer: User, lab_team: User) -> None:
    """The case study of a project that scaled or stopped: started from the project, completed
    with the OPSI fields, sent for review and, when the data says so, published."""
    case = case_services.case_start(actor=writer, project=Project.objects.get(pk=project.pk))
    values = {name: " ".join(str(value).split()) for name, value in spec.items() if name not in ("tags", "review")}
    current = {name: getattr(case, name) for name in case_services.TEXTS | case_services.CHOICES}
    case_services.case_update(
        actor=writer,
        case=case,
        seen_version=case.version,
        launch_year=case.launch_year,
        tags=case_services.tag_names(spec["tags"]),
        **{**current, **values},
    )
    case_services.case_submit(actor=writer, case=case)
    if spec["review"] == "publish":
        case_services.case_publish(actor=lab_team, case=case)


EXPERIMENT_STEPS = ("start", "results", "conclusion", "learned")


def _experiment(spec: dict, project: Project, author: User) -> None:
    card = {
        name: " ".join(value.split()) if isinstance(value, str) else value
        for name, value in spec.items()
        if name not in EXPERIMENT_STEPS
    }
    if "budget" in card:
        card["budget"] = Decimal(card["budget"])
    for name in ("baseline", "min_effect", "treatment_share"):
        if name in card:
            card[name] = float(card[name])
    experiment = experiment_services.experiment_create(actor=author, project=project, **card)
    if not spec.get("start"):
        return
    experiment_services.experiment_start(actor=author, experiment=experiment)
    if "results" not in spec:
        return
    experiment.refresh_from_db()
    experiment_services.results_from_file(
        actor=author,
        experiment=experiment,
        name="results.csv",
        data=results_file(spec["results"], experiment.registration),
    )
    if "conclusion" in spec:
        experiment_services.experiment_conclude(
            actor=author,
            experiment=experiment,
            conclusion=spec["conclusion"],
            learned=" ".join(spec["learned"].split()),
        )


def results_file(results: dict, plan: dict) -> bytes:
    """A results file, one row per unit, as a team would export it: each group's successes
    spread through its units, and a secondary metric drawn around each group's mean (the
    same draw each time)."""
    draw = random.Random(7)
    secondary = results.get("secondary")
    lines = [",".join(["group", f'"{plan["metric_name"]}"'] + ([f'"{secondary["name"]}"'] if secondary else []))]
    for key in ("control", "treatment"):
        group, name = results[key], plan[f"{key}_name"]
        for unit in range(group["units"]):
            outcome = (
                1
                if unit * group["successes"] // group["units"] != (unit + 1) * group["successes"] // group["units"]
                else 0
            )
            row = [name, str(outcome)]
            if secondary:
                row.append(f"{max(0.5, draw.gauss(secondary[key], secondary['sd'])):.1f}")
            lines.append(",".join(row))
    return ("\r\n".join(lines) + "\r\n").encode()
