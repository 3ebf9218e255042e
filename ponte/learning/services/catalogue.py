"""The catalogue: a programme manager adds a course or workshop with the skills it builds,
changes it (refused when someone saved it meanwhile) and withdraws it. Every step is
permission-checked, transactional and audited."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ponte.core import audit, versions
from ponte.core import services as core_services
from ponte.core.services import clean_text, locked, require

from ..models import MAX_HOURS, SUMMARY_LIMIT, TEXT_LIMIT, TITLE_LIMIT, Course, CourseKind, CourseSkill, Skill, Track

if TYPE_CHECKING:
    from ponte.accounts.models import User

FIELDS = ("title", "summary", "description", "kind", "track", "hours", "language", "skills")


def _checked(values: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The course's fields and its skills as kept, or a ValidationError naming every field wrong."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(f"Not a field of a course: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    kept: dict[str, Any] = {}
    for name, limit, needed in (
        ("title", TITLE_LIMIT, _("Give the course a title.")),
        ("summary", SUMMARY_LIMIT, _("Say in a sentence what people learn.")),
        ("description", TEXT_LIMIT, _("Describe the course: what it covers, how, and for whom.")),
    ):
        try:
            kept[name] = clean_text(values.get(name, ""), limit=limit, field=name, required=needed)
        except ValidationError as error:
            errors.update(error.message_dict)
    for name, choices, message in (
        ("kind", CourseKind.values, _("Choose whether it is a course or a workshop.")),
        ("track", Track.values, _("Choose who the course is for.")),
        ("language", [code for code, _name in settings.LANGUAGES], _("Choose the language the course is given in.")),
    ):
        kept[name] = values.get(name)
        if kept[name] not in choices:
            errors[name] = [message]
    hours = values.get("hours")
    if not isinstance(hours, int) or isinstance(hours, bool) or not 1 <= hours <= MAX_HOURS:
        errors["hours"] = [_("Give the length in whole hours, from 1 to %(max)s.") % {"max": MAX_HOURS}]
    kept["hours"] = hours
    skills = [skill for skill in Skill.values if skill in set(values.get("skills") or ())]
    if set(values.get("skills") or ()) - set(Skill.values):
        errors["skills"] = [_("Choose skills from the list.")]
    elif not skills:
        errors["skills"] = [_("Choose at least one skill the course builds.")]
    if errors:
        raise ValidationError(errors)
    return kept, skills


def _set_skills(course: Course, skills: list[str]) -> None:
    CourseSkill.objects.filter(course=course).exclude(skill__in=skills).delete()
    held = set(CourseSkill.objects.filter(course=course).values_list("skill", flat=True))
    CourseSkill.objects.bulk_create([CourseSkill(course=course, skill=skill) for skill in skills if skill not in held])


@transaction.atomic
def course_add(*, actor: User, **values) -> Course:
    require("learning.add_course", actor=actor)
    fields, skills = _checked(values)
    course = Course.objects.create(created_by=actor, **fields)
    _set_skills(course, skills)
    audit.record(actor=actor, verb="add", target=course, after={**fields, "skills": skills, "version": 1})
    return course


@transaction.atomic
def course_update(*, actor: User, course: Course, seen_version: int | None, **values) -> list[str]:
    """Change a course in the catalogue; refused with versions.StaleEdit when someone saved it
    since the person's page was opened. Returns the names of what changed."""
    course = locked(course)
    require("learning.change_course", course, actor=actor)
    versions.check_seen(course, seen_version)
    fields, skills = _checked(values)
    held = [skill for skill in Skill.values if skill in set(course.skills.values_list("skill", flat=True))]
    written = {"skills": (held, skills)} if held != skills else None
    if not written and not any(getattr(course, name) != value for name, value in fields.items()):
        return []
    # The skills are rows of their own: written beside the fields, in the same audit record.
    changed = core_services.update(course, {**fields, "version": course.version + 1}, actor=actor, written=written)
    if written:
        _set_skills(course, skills)
    return [name for name in changed if name != "version"]


@transaction.atomic
def course_withdraw(*, actor: User, course: Course) -> Course:
    """Take a course out of the catalogue: no new session; those scheduled go on."""
    course = locked(course)
    require("learning.withdraw_course", course, actor=actor)
    course.withdrawn_at = timezone.now()
    course.save(update_fields=["withdrawn_at"])
    audit.record(actor=actor, verb="withdraw", target=course, before={"withdrawn": False}, after={"withdrawn": True})
    return course
