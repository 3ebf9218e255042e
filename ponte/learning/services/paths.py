"""Learning paths: a programme manager puts courses of the catalogue in order under a title,
changes the path (refused when someone saved it meanwhile) and withdraws it. Every step is
permission-checked, transactional and audited."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ponte.core import audit, versions
from ponte.core import services as core_services
from ponte.core.services import clean_text, locked, require

from ..models import MAX_STEPS, MIN_STEPS, SUMMARY_LIMIT, TEXT_LIMIT, TITLE_LIMIT, Course, LearningPath, PathStep, Track

if TYPE_CHECKING:
    from ponte.accounts.models import User

FIELDS = ("title", "summary", "description", "track", "courses")


def _checked(values: dict[str, Any]) -> tuple[dict[str, Any], list[Course]]:
    """The path's fields and its courses in order, or a ValidationError naming every field wrong."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(f"Not a field of a learning path: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    kept: dict[str, Any] = {}
    for name, limit, needed in (
        ("title", TITLE_LIMIT, _("Give the path a title.")),
        ("summary", SUMMARY_LIMIT, _("Say in a sentence where the path leads.")),
        ("description", TEXT_LIMIT, _("Describe the path: for whom, and what they can do at its end.")),
    ):
        try:
            kept[name] = clean_text(values.get(name, ""), limit=limit, field=name, required=needed)
        except ValidationError as error:
            errors.update(error.message_dict)
    kept["track"] = values.get("track")
    if kept["track"] not in Track.values:
        errors["track"] = [_("Choose who the path is for.")]
    ids = [course for course in values.get("courses") or [] if course is not None]
    found = Course.objects.in_catalogue().in_bulk(ids)
    if len(ids) != len(set(ids)):
        errors["courses"] = [_("A course comes once on a path.")]
    elif any(course not in found for course in ids):
        errors["courses"] = [_("Choose courses in the catalogue, from the suggestions.")]
    elif not MIN_STEPS <= len(ids) <= MAX_STEPS:
        errors["courses"] = [
            _("Put from %(min)s to %(max)s courses on the path, in order.") % {"min": MIN_STEPS, "max": MAX_STEPS}
        ]
    if errors:
        raise ValidationError(errors)
    return kept, [found[course] for course in ids]


def _set_steps(path: LearningPath, courses: list[Course]) -> None:
    PathStep.objects.filter(path=path).delete()
    PathStep.objects.bulk_create(
        PathStep(path=path, course=course, position=position) for position, course in enumerate(courses, start=1)
    )


@transaction.atomic
def path_add(*, actor: User, **values) -> LearningPath:
    require("learning.add_path", actor=actor)
    fields, courses = _checked(values)
    path = LearningPath.objects.create(created_by=actor, **fields)
    _set_steps(path, courses)
    audit.record(
        actor=actor, verb="add", target=path, after={**fields, "courses": [c.pk for c in courses], "version": 1}
    )
    return path


@transaction.atomic
def path_update(*, actor: User, path: LearningPath, seen_version: int | None, **values) -> list[str]:
    """Change a path; refused with versions.StaleEdit when someone saved it since the person's
    page was opened. Returns the names of what changed."""
    path = locked(path)
    require("learning.change_path", path, actor=actor)
    versions.check_seen(path, seen_version)
    fields, courses = _checked(values)
    held = list(path.steps.order_by("position").values_list("course_id", flat=True))
    wanted = [course.pk for course in courses]
    written = {"courses": (held, wanted)} if held != wanted else None
    if not written and not any(getattr(path, name) != value for name, value in fields.items()):
        return []
    changed = core_services.update(path, {**fields, "version": path.version + 1}, actor=actor, written=written)
    if written:
        _set_steps(path, courses)
    return [name for name in changed if name != "version"]


@transaction.atomic
def path_withdraw(*, actor: User, path: LearningPath) -> LearningPath:
    path = locked(path)
    require("learning.withdraw_path", path, actor=actor)
    path.withdrawn_at = timezone.now()
    path.save(update_fields=["withdrawn_at"])
    audit.record(actor=actor, verb="withdraw", target=path, before={"withdrawn": False}, after={"withdrawn": True})
    return path
