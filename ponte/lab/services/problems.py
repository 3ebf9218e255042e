"""Problem intake: a public servant brings a problem to the lab; the lab team (programme
managers) triages it once — accept it into the portfolio, merge it with another problem,
send it to the challenge marketplace as a draft challenge, or decline it with a reason the
submitter reads. Every step is permission-checked, audited and told to whom it concerns."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from ponte.core import audit, links
from ponte.core.notifications import notify
from ponte.core.registry import DRAFT_CHALLENGE, registry
from ponte.core.services import clean_text, locked, require

from ..models import MERGE_TARGETS, NEEDED_ANSWERS, PROBLEM_LIFECYCLE, REASON_LIMIT, TEXT_LIMIT, Problem

if TYPE_CHECKING:
    from ponte.accounts.models import User

# The link recorded when a problem is sent to the marketplace (registered in contributions.py).
BECAME_CHALLENGE = "lab.problem_became_challenge"


def _texts(fields: dict) -> dict[str, str]:
    """What the submitter typed, as kept: each answer needed except a possible solution."""
    needed = {name: str(message) for name, message in NEEDED_ANSWERS.items()}
    limits = {"title": Problem._meta.get_field("title").max_length}
    kept, errors = {}, {}
    for name in (*needed, "possible_solution"):
        try:
            kept[name] = clean_text(
                fields.get(name, ""), limit=limits.get(name, TEXT_LIMIT), field=name, required=needed.get(name, "")
            )
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return kept


@transaction.atomic
def problem_submit(*, actor: User, organisation, **fields) -> Problem:
    """Bring a problem to the lab on behalf of a verified public body one belongs to."""
    require("lab.add_problem", actor=actor)
    if (
        organisation.kind != "public_body"
        or organisation.status != "verified"
        or not organisation.memberships.filter(user=actor).exists()
    ):
        raise PermissionDenied("not a member of this public body")
    unknown = set(fields) - {"title", "description", "affected", "evidence", "tried", "possible_solution"}
    if unknown:
        raise ValueError(f"Not a field of a problem: {sorted(unknown)}")
    problem = Problem.objects.create(organisation=organisation, submitted_by=actor, **_texts(fields))
    audit.record(actor=actor, verb="submit", target=problem, after={"title": problem.title})
    _notify_lab_team(problem)
    return problem


@transaction.atomic
def problem_accept(*, actor: User, problem: Problem) -> Problem:
    problem = locked(problem)
    require("lab.accept_problem", problem, actor=actor)
    problem.triaged_by = actor
    PROBLEM_LIFECYCLE.apply(problem, "accept", actor=actor, update_fields=["triaged_by"])
    _tell_submitter(problem, "lab.problem_accepted")
    return problem


@transaction.atomic
def problem_decline(*, actor: User, problem: Problem, reason: str) -> Problem:
    problem = locked(problem)
    require("lab.decline_problem", problem, actor=actor)
    reason = clean_text(
        reason,
        limit=REASON_LIMIT,
        field="reason",
        required=_("Say why the problem is declined: its submitter reads it."),
    )
    problem.triage_reason, problem.triaged_by = reason, actor
    PROBLEM_LIFECYCLE.apply(
        problem, "decline", actor=actor, reason=reason, update_fields=["triage_reason", "triaged_by"]
    )
    _tell_submitter(problem, "lab.problem_declined", reason=reason)
    return problem


@transaction.atomic
def problem_merge(*, actor: User, problem: Problem, into: Problem | None, reason: str = "") -> Problem:
    """Merge a problem into another one the lab still works on: its submitter follows that one
    (and may read it from then on, whichever public body it belongs to)."""
    if into is None:
        require("lab.merge_problem", locked(problem), actor=actor)
        raise ValidationError({"into": [_("Choose the problem to merge it with, by its reference (P-12) or title.")]})
    # Both rows are locked in the order of their keys, so that two people merging the two
    # problems into each other at once are served one after the other, never deadlocked.
    rows = {
        row.pk: row for row in Problem.objects.select_for_update().filter(pk__in=[problem.pk, into.pk]).order_by("pk")
    }
    problem, into = rows[problem.pk], rows[into.pk]
    require("lab.merge_problem", problem, actor=actor)
    if into.pk == problem.pk:
        raise ValidationError({"into": [_("A problem cannot be merged with itself: choose another one.")]})
    if into.status not in MERGE_TARGETS:
        raise ValidationError(
            {
                "into": [
                    _("%(reference)s is %(state)s: merge into a problem waiting for triage or accepted.")
                    % {"reference": into.reference, "state": into.get_status_display().lower()}
                ]
            }
        )
    reason = clean_text(reason, limit=REASON_LIMIT, field="reason")
    problem.merged_into, problem.triage_reason, problem.triaged_by = into, reason, actor
    PROBLEM_LIFECYCLE.apply(
        problem,
        "merge",
        actor=actor,
        reason=reason or into.reference,
        update_fields=["merged_into", "triage_reason", "triaged_by"],
    )
    _tell_submitter(problem, "lab.problem_merged", into=into.reference)
    return problem


@transaction.atomic
def problem_send_to_marketplace(*, actor: User, problem: Problem):
    """Start a draft challenge from the problem, owned by its public body and drafted by its
    submitter, who completes it and sends it for review. Returns the draft challenge."""
    problem = locked(problem)
    require("lab.send_problem_to_marketplace", problem, actor=actor)
    handoff = registry.handoff(DRAFT_CHALLENGE)
    if handoff is None:
        raise ValidationError(_("This platform has no challenge marketplace to send the problem to."))
    # The draft is the submitter's to complete: written in their language, not the lab team's.
    with translation.override(problem.submitted_by.language):
        tried = _("What has been tried: %(tried)s") % {"tried": problem.tried}
    context = f"{problem.evidence}\n\n{tried}"
    challenge = handoff.start(
        actor=actor,
        author=problem.submitted_by,
        owner=problem.organisation,
        title=problem.title,
        problem=problem.description,
        affected=problem.affected,
        context=context,
    )
    problem.triaged_by = actor
    PROBLEM_LIFECYCLE.apply(problem, "send_to_marketplace", actor=actor, update_fields=["triaged_by"])
    links.connect(kind=BECAME_CHALLENGE, source=problem, target=challenge, actor=actor)
    notify(
        [problem.submitted_by],
        "lab.problem_sent_to_marketplace",
        params={"problem": problem.title},
        url=challenge.get_absolute_url(),
    )
    return challenge


def _tell_submitter(problem: Problem, kind: str, **params) -> None:
    notify([problem.submitted_by], kind, params={"problem": problem.title, **params}, url=problem.get_absolute_url())


def _notify_lab_team(problem: Problem) -> None:
    from ponte.accounts.queries import programme_managers

    notify(
        programme_managers(),
        "lab.problem_submitted",
        params={"problem": problem.title, "organisation": problem.organisation.name},
        url=reverse("lab:triage"),
    )
