"""Projects and their gates: the lab team starts a project from an accepted problem, with a
team of the problem's public body and a sponsor, who accepts to sponsor it or declines. The
team asks the sponsor, with evidence, to move the project to its next stage or to stop it;
the sponsor decides go, stop or revise, with a rationale. A project never stops without the
lessons learned."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ponte.core import audit, sponsorship
from ponte.core.notifications import notify
from ponte.core.services import clean_text, locked, require

from ..models import (
    GATE_LIFECYCLE,
    PROJECT_LIFECYCLE,
    PROJECT_NEEDED,
    STOP,
    TEXT_LIMIT,
    Facet,
    GateDecision,
    GateRequest,
    Problem,
    Project,
    stages,
)

if TYPE_CHECKING:
    from ponte.accounts.models import User

MAX_BUDGET = Decimal("9999999999.99")
NEEDED = PROJECT_NEEDED


def _text(value, field: str, required: str = "", limit: int = TEXT_LIMIT) -> str:
    return clean_text(value, limit=limit, field=field, required=required)


@transaction.atomic
def project_start(
    *,
    actor: User,
    problem: Problem,
    title: str,
    summary: str,
    facet: str,
    budget: Decimal | None,
    targets: str,
    sponsor,
    team: list,
    partners: str = "",
) -> Project:
    """Start a project from an accepted problem, owned by the problem's public body; its
    sponsor is asked to accept it."""
    problem = locked(problem)
    require("lab.add_project", problem, actor=actor)
    errors: dict[str, list[str]] = {}
    fields = {}
    for name, value, required, limit in (
        ("title", title, str(NEEDED["title"]), 200),
        ("summary", summary, str(NEEDED["summary"]), TEXT_LIMIT),
        ("targets", targets, str(NEEDED["targets"]), TEXT_LIMIT),
        ("partners", partners, "", TEXT_LIMIT),
    ):
        try:
            fields[name] = _text(value, name, required, limit)
        except ValidationError as error:
            errors.update(error.message_dict)
    if facet not in Facet.values:
        errors["facet"] = [str(NEEDED["facet"])]
    if budget is None or budget < 0 or budget > MAX_BUDGET:
        errors["budget"] = [str(NEEDED["budget"])]
    try:
        sponsorship.check_sponsor(sponsor)
    except ValidationError as error:
        errors.update(error.message_dict)
    # Only the people named are looked up: a ministry may have thousands of members.
    members = set(
        problem.organisation.memberships.filter(user__in=[person.pk for person in team]).values_list(
            "user_id", flat=True
        )
    )
    if not team:
        errors["team"] = [_("Name at least one person of %(body)s on the team.") % {"body": problem.organisation.name}]
    elif outsiders := [person for person in team if person.pk not in members]:
        errors["team"] = [
            _("%(people)s do not belong to %(body)s: the team is of the public body that has the problem.")
            % {"people": ", ".join(p.email for p in outsiders), "body": problem.organisation.name}
        ]
    if errors:
        raise ValidationError(errors)
    project = Project.objects.create(
        problem=problem,
        organisation=problem.organisation,
        facet=facet,
        budget=budget,
        sponsor=sponsor,
        sponsorship_asked_at=timezone.now(),
        stage=stages()[0],
        stage_entered_at=timezone.now(),
        **fields,
    )
    project.team.set(team)
    audit.record(
        actor=actor,
        verb="create",
        target=project,
        after={"title": project.title, "sponsor": sponsor.email, "team": sorted(p.email for p in team)},
    )
    notify([sponsor], "lab.sponsorship_asked", params={"project": project.title}, url=project.get_absolute_url())
    notify(team, "lab.project_started", params={"project": project.title}, url=project.get_absolute_url())
    return project


@transaction.atomic
def sponsorship_answer(*, actor: User, project: Project, accept: bool, note: str = "") -> Project:
    project = locked(project)
    require("lab.answer_sponsorship", project, actor=actor)
    sponsorship.answer(
        project, actor=actor, accept=accept, note=note, why_needed=_("Say why you decline: the lab team reads it.")
    )
    from ponte.accounts.queries import programme_managers

    notify(
        [*programme_managers(), *project.team.all()],
        "lab.sponsorship_accepted" if accept else "lab.sponsorship_declined",
        params={"project": project.title, "sponsor": actor.name or actor.email, "note": project.sponsorship_note},
        url=project.get_absolute_url(),
    )
    return project


@transaction.atomic
def sponsor_ask_again(*, actor: User, project: Project, sponsor) -> Project:
    """After a sponsor declined, the lab team asks another (or the same, once convinced)."""
    project = locked(project)
    require("lab.ask_another_sponsor", project, actor=actor)
    sponsorship.ask(project, actor=actor, sponsor=sponsor)
    notify([sponsor], "lab.sponsorship_asked", params={"project": project.title}, url=project.get_absolute_url())
    return project


@transaction.atomic
def gate_request(*, actor: User, project: Project, stop: bool, evidence: str, lessons: str = "") -> GateRequest:
    """The team asks the sponsor to move the project to its next stage, or to stop it."""
    project = locked(project)
    require("lab.request_gate", project, actor=actor)
    to_stage = STOP if stop else project.next_stage
    if to_stage is None:
        raise ValidationError({"stop": [_("The project is at its last stage: the only move left is to stop it.")]})
    errors = {}
    try:
        evidence = _text(evidence, "evidence", str(NEEDED["evidence"]))
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        lessons = _text(lessons, "lessons", str(NEEDED["lessons"]) if stop else "")
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    gate = GateRequest.objects.create(
        project=project,
        from_stage=project.stage,
        to_stage=to_stage,
        evidence=evidence,
        lessons=lessons,
        requested_by=actor,
    )
    audit.record(actor=actor, verb="request_gate", target=project, after={"from": project.stage, "to": to_stage})
    notify(
        [project.sponsor],
        "lab.gate_requested",
        params={"project": project.title},
        url=project.get_absolute_url(),
    )
    return gate


@transaction.atomic
def gate_decide(*, actor: User, project: Project, decision: str, rationale: str, lessons: str = "") -> GateRequest:
    """The sponsor decides the question before them: go (the move asked for: the next stage,
    or stopping), stop, or revise (nothing moves; the team asks again)."""
    project = locked(project)
    require("lab.decide_gate", project, actor=actor)
    gate = GateRequest.objects.select_for_update().get(project=project, decision=GateDecision.PENDING)
    if decision not in (GateDecision.GO, GateDecision.STOP, GateDecision.REVISE):
        raise ValidationError({"decision": [str(NEEDED["decision"])]})
    errors = {}
    try:
        rationale = _text(rationale, "rationale", str(NEEDED["rationale"]))
    except ValidationError as error:
        errors.update(error.message_dict)
    stopping = decision == GateDecision.STOP or (decision == GateDecision.GO and gate.asks_to_stop)
    try:
        lessons = _text(lessons, "lessons") or gate.lessons
    except ValidationError as error:
        errors.update(error.message_dict)
    if stopping and not lessons and "lessons" not in errors:
        errors["lessons"] = [str(NEEDED["lessons"])]
    if errors:
        raise ValidationError(errors)
    gate.rationale, gate.decided_by = rationale, actor
    GATE_LIFECYCLE.apply(gate, decision, actor=actor, reason=rationale, update_fields=["rationale", "decided_by"])
    if stopping:
        project.lessons = lessons
        PROJECT_LIFECYCLE.apply(project, "stop", actor=actor, reason=rationale, update_fields=["lessons"])
    elif decision == GateDecision.GO:
        before = project.stage
        project.stage, project.stage_entered_at = gate.to_stage, timezone.now()
        project.save(update_fields=["stage", "stage_entered_at"])
        audit.record(
            actor=actor,
            verb="advance",
            target=project,
            before={"stage": before},
            after={"stage": project.stage},
            reason=rationale,
        )
    kind = "lab.project_stopped" if stopping else {"go": "lab.gate_go", "revise": "lab.gate_revise"}[decision]
    notify(
        project.team.all(),
        kind,
        params={"project": project.title, "rationale": rationale},
        url=project.get_absolute_url(),
    )
    return gate
