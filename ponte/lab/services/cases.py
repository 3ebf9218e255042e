"""Case studies: the lab team or a project's team writes one for a project that scaled or
stopped, with the OECD OPSI fields; a programme manager reviews it and publishes it to the
public case library, or returns it with a note. Nothing is published with a field missing."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ponte.core import audit, search, versions
from ponte.core.notifications import notify
from ponte.core.services import clean_text, locked, require
from ponte.organisations.models import LevelOfGovernment
from ponte.reference.models import Country

from ..models import (
    CASE_LIFECYCLE,
    CASE_NEEDED,
    REASON_LIMIT,
    TAG_LIMIT,
    TEXT_LIMIT,
    CaseStudy,
    CaseTag,
    DevelopmentTime,
    GovernmentFunction,
    InnovationStage,
    InnovationType,
    Project,
)

if TYPE_CHECKING:
    from ponte.accounts.models import User

TEXTS = {
    "title": 200,
    "organisation_name": 200,
    "objectives": TEXT_LIMIT,
    "problem": TEXT_LIMIT,
    "innovation": TEXT_LIMIT,
    "results": TEXT_LIMIT,
    "lessons": TEXT_LIMIT,
}
CHOICES = {
    "country": Country.values,
    "level": LevelOfGovernment.values,
    "sector": GovernmentFunction.values,
    "development_time": DevelopmentTime.values,
    "stage": InnovationStage.values,
    "innovation_type": InnovationType.values,
}
FIRST_YEAR = 1950


def tag_names(text: str) -> list[str]:
    """The tags written, separated by commas: trimmed, in lower case, each once."""
    return list(dict.fromkeys(" ".join(part.split()).lower() for part in (text or "").split(",") if part.strip()))


def check_case(values: dict[str, Any], *, complete: bool) -> dict[str, Any]:
    """The case as kept, or ValidationError naming each fault beside its field. A draft may
    wait for answers; review and publication need every one."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name, limit in TEXTS.items():
        required = str(CASE_NEEDED[name]) if complete or name == "title" else ""
        try:
            cleaned[name] = clean_text(values.get(name), limit=limit, field=name, required=required)
        except ValidationError as error:
            errors.update(error.message_dict)
    for name, allowed in CHOICES.items():
        cleaned[name] = values.get(name) or ""
        if (cleaned[name] and cleaned[name] not in allowed) or (complete and not cleaned[name]):
            errors[name] = [str(CASE_NEEDED[name])]
    year = values.get("launch_year")
    cleaned["launch_year"] = year
    if (year is not None and not FIRST_YEAR <= year <= date.today().year) or (complete and year is None):
        errors["launch_year"] = [str(CASE_NEEDED["launch_year"])]
    # Each tag as the library looks it up: trimmed, in lower case, once.
    tags = list(
        dict.fromkeys(" ".join(str(tag).split()).lower() for tag in values.get("tags") or [] if str(tag).strip())
    )
    if complete and not tags:
        errors["tags"] = [str(CASE_NEEDED["tags"])]
    elif len(tags) > TAG_LIMIT:
        errors["tags"] = [_("Give at most %(count)s tags.") % {"count": TAG_LIMIT}]
    elif any(len(tag) > 60 or "\x00" in tag for tag in tags):
        errors["tags"] = [_("A tag has at most 60 characters.")]
    cleaned["tags"] = tags
    if errors:
        raise ValidationError(errors)
    return cleaned


def current(case: CaseStudy) -> dict[str, Any]:
    values = {name: getattr(case, name) for name in (*TEXTS, *CHOICES, "launch_year")}
    values["tags"] = [tag.name for tag in case.tags.all()]
    return values


@transaction.atomic
def case_start(*, actor: User, project: Project) -> CaseStudy:
    """A draft case for a project that scaled or stopped, filled from what the lab knows."""
    project = locked(project)
    require("lab.add_case", project, actor=actor)
    case = CaseStudy.objects.create(
        project=project,
        title=project.title,
        organisation_name=project.organisation.name,
        country=project.organisation.country,
        level=project.organisation.level_of_government,
        problem=project.problem.description,
        objectives=project.targets,
        innovation=project.summary,
        lessons=project.lessons,
        launch_year=project.created_at.year,
        written_by=actor,
    )
    audit.record(actor=actor, verb="create", target=case, after={"title": case.title, "version": 1})
    return case


def _tags(names: list[str]) -> list[CaseTag]:
    existing = {tag.name: tag for tag in CaseTag.objects.filter(name__in=names)}
    missing = [CaseTag(name=name) for name in names if name not in existing]
    CaseTag.objects.bulk_create(missing, ignore_conflicts=True)
    if missing:
        existing = {tag.name: tag for tag in CaseTag.objects.filter(name__in=names)}
    return [existing[name] for name in names]


@transaction.atomic
def case_update(*, actor: User, case: CaseStudy, seen_version: int | None, **values) -> list[str]:
    """Save the draft; refused with versions.StaleEdit when someone saved it since the
    person's page was opened."""
    case = locked(case)
    require("lab.change_case", case, actor=actor)
    cleaned = check_case(values, complete=False)
    names = cleaned.pop("tags")
    return versions.update_seen(case, seen_version, cleaned, actor=actor, relations={"tags": _tags(names)})


@transaction.atomic
def case_submit(*, actor: User, case: CaseStudy) -> CaseStudy:
    case = locked(case)
    require("lab.submit_case", case, actor=actor)
    check_case(current(case), complete=True)
    case.review_note = ""
    CASE_LIFECYCLE.apply(case, "submit_case", actor=actor, update_fields=["review_note"])
    from ponte.accounts.queries import programme_managers

    notify(programme_managers(), "lab.case_submitted", params={"case": case.title}, url=case.get_absolute_url())
    return case


@transaction.atomic
def case_return(*, actor: User, case: CaseStudy, note: str) -> CaseStudy:
    case = locked(case)
    require("lab.review_case", case, actor=actor)
    note = clean_text(
        note, limit=REASON_LIMIT, field="note", required=_("Say what the case needs before it is published.")
    )
    case.review_note, case.reviewed_by = note, actor
    CASE_LIFECYCLE.apply(case, "return_case", actor=actor, reason=note, update_fields=["review_note", "reviewed_by"])
    notify(
        [case.written_by], "lab.case_returned", params={"case": case.title, "note": note}, url=case.get_absolute_url()
    )
    return case


@transaction.atomic
def case_publish(*, actor: User, case: CaseStudy) -> CaseStudy:
    case = locked(case)
    require("lab.review_case", case, actor=actor)
    check_case(current(case), complete=True)
    case.reviewed_by = actor
    CASE_LIFECYCLE.apply(case, "publish_case", actor=actor, update_fields=["reviewed_by"])
    search.index_object(case)
    notify(
        [case.written_by, *case.project.team.all()],
        "lab.case_published",
        params={"case": case.title},
        url=case.get_absolute_url(),
    )
    return case
