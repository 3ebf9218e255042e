"""Every change to a solution: one function per action, transactional, permission-checked,
audited and notifying. Views call these; nothing else sets a status."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from ponte.core import attachments, audit
from ponte.core.notifications import notify
from ponte.core.services import locked, require, update

from .models import LIFECYCLE, MAX_MEDIA, Solution, SolutionMedia, Status

if TYPE_CHECKING:
    from ponte.accounts.models import User

FIELDS = ("title", "summary", "description", "trl", "references", "website")


def _check(solution: Solution) -> None:
    """The model's own validation (TRL from 1 to 9, lengths, URL), with clear messages."""
    solution.full_clean(exclude=["company", "status"])


def _members(solution: Solution):
    return [m.user for m in solution.company.memberships.select_related("user")]


@transaction.atomic
def solution_create(*, actor: User, company, sectors=(), cpv_codes=(), **fields) -> Solution:
    require("solutions.add_solution", actor=actor)
    if company.kind != "company" or company.status != "verified" or not company.memberships.filter(user=actor).exists():
        raise PermissionDenied("not a member of this company")
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    solution = Solution(company=company, **fields)
    _check(solution)
    solution.save()
    solution.sectors.set(sectors)
    solution.cpv_codes.set(cpv_codes)
    audit.record(actor=actor, verb="create", target=solution, after={"title": solution.title})
    return solution


@transaction.atomic
def solution_update(*, actor: User, solution: Solution, sectors=None, cpv_codes=None, **fields) -> Solution:
    """Save changes; a published solution that changes goes back to screening, hidden until
    a programme manager publishes it again."""
    solution = locked(solution)
    require("solutions.change_solution", solution, actor=actor)
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    relations = {"sectors": sectors, "cpv_codes": cpv_codes}
    changed = update(solution, fields, actor=actor, relations=relations, check=_check)
    if changed:
        _screen_again_if_published(solution, changed, actor=actor)
    return solution


def _screen_again_if_published(solution: Solution, changed: list[str], *, actor: User) -> None:
    """What the public sees was screened: a published solution that changes is hidden until
    a programme manager screens it again."""
    if solution.status == Status.PUBLISHED:
        LIFECYCLE.apply(solution, "revise", actor=actor, reason=", ".join(changed))
        _notify_programme_managers(solution)


@transaction.atomic
def media_add(*, actor: User, solution: Solution, uploaded, description: str) -> SolutionMedia:
    """Add a picture or a document, with the description read by whoever cannot see it.
    A published solution goes back to screening: a new picture is new public content."""
    solution = locked(solution)
    require("solutions.change_solution", solution, actor=actor)
    description = " ".join((description or "").split())
    errors = {}
    if not description:
        errors["description"] = [_("Describe the picture or document in a sentence.")]
    elif len(description) > SolutionMedia._meta.get_field("description").max_length:
        errors["description"] = [_("Describe it in at most 250 characters.")]
    if solution.media.count() >= MAX_MEDIA:
        errors["file"] = [
            _("A solution has at most %(max)s pictures and documents: remove one before adding another.")
            % {"max": MAX_MEDIA}
        ]
    if errors:
        raise ValidationError(errors)
    try:
        attachment = attachments.attach(uploaded, target=solution, actor=actor)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    media = SolutionMedia.objects.create(solution=solution, attachment=attachment, description=description)
    _screen_again_if_published(solution, ["media"], actor=actor)
    return media


@transaction.atomic
def media_remove(*, actor: User, media: SolutionMedia) -> None:
    """Remove a picture or a document. Removing shows the public less of what was screened,
    so a published solution stays published."""
    solution = locked(media.solution)
    require("solutions.change_solution", solution, actor=actor)
    # The media row goes with its attachment (on_delete=CASCADE).
    attachments.detach(media.attachment, actor=actor)


@transaction.atomic
def solution_submit(*, actor: User, solution: Solution) -> Solution:
    solution = locked(solution)
    require("solutions.submit_solution", solution, actor=actor)
    _check(solution)
    LIFECYCLE.apply(solution, "submit", actor=actor)
    _notify_programme_managers(solution)
    return solution


@transaction.atomic
def solution_publish(*, actor: User, solution: Solution) -> Solution:
    solution = locked(solution)
    require("solutions.publish_solution", solution, actor=actor)
    solution.return_reason = ""
    LIFECYCLE.apply(solution, "publish", actor=actor, update_fields=["return_reason"])
    notify(
        _members(solution),
        "solutions.published",
        params={"solution": solution.title},
        url=solution.get_absolute_url(),
    )
    return solution


@transaction.atomic
def solution_return(*, actor: User, solution: Solution, reason: str) -> Solution:
    solution = locked(solution)
    require("solutions.return_solution", solution, actor=actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say what the company must change.")]})
    solution.return_reason = reason
    LIFECYCLE.apply(solution, "return_to_company", actor=actor, reason=reason, update_fields=["return_reason"])
    notify(
        _members(solution),
        "solutions.returned",
        params={"solution": solution.title, "reason": reason},
        url=solution.get_absolute_url(),
    )
    return solution


def _notify_programme_managers(solution: Solution) -> None:
    from ponte.accounts.queries import programme_managers

    notify(
        programme_managers(),
        "solutions.to_screen",
        params={"solution": solution.title, "company": solution.company.name},
        url=reverse("solutions:screening"),
    )
