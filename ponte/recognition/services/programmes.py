"""Award programmes: a programme manager sets one up (its dates, categories and jury), changes it
(refused when someone saved it meanwhile), chooses each category's winner with a citation once
nominations have closed, and announces the winners to the hall of fame. Every step is
permission-checked, transactional and audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ponte.accounts.models import User
from ponte.core import audit, notifications, versions
from ponte.core import services as core_services
from ponte.core.services import clean_text, locked, require

from ..models import CITATION_LIMIT, TEXT_LIMIT, TITLE_LIMIT, AwardProgramme, Category, Nomination, NominationStatus

FIELDS = ("title", "description", "year", "nominations_open_at", "nominations_close_at")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _checked(values: dict[str, Any]) -> dict[str, Any]:
    """The programme's fields as kept, or a ValidationError naming every field wrong."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(f"Not a field of an award programme: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    kept: dict[str, Any] = {}
    for name, limit, needed in (
        ("title", TITLE_LIMIT, _("Give the programme a title.")),
        ("description", TEXT_LIMIT, _("Say what the programme recognises and who may be nominated.")),
    ):
        try:
            kept[name] = clean_text(values.get(name, ""), limit=limit, field=name, required=needed)
        except ValidationError as error:
            errors.update(error.message_dict)
    year = values.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not FIRST_YEAR <= year <= LAST_YEAR:
        errors["year"] = [_("Give the year the awards are for, from 2000 to 2100.")]
    kept["year"] = year
    for name, message in (
        ("nominations_open_at", _("Give the date and time nominations open.")),
        ("nominations_close_at", _("Give the date and time nominations close.")),
    ):
        value = values.get(name)
        if not isinstance(value, datetime) or timezone.is_naive(value):
            errors[name] = [message]
        kept[name] = value
    dates_given = "nominations_open_at" not in errors and "nominations_close_at" not in errors
    if dates_given and kept["nominations_close_at"] <= kept["nominations_open_at"]:
        errors["nominations_close_at"] = [_("Nominations must close after they open.")]
    if errors:
        raise ValidationError(errors)
    return kept


@transaction.atomic
def programme_add(*, actor: User, **values) -> AwardProgramme:
    require("recognition.add_programme", actor=actor)
    fields = _checked(values)
    if fields["nominations_close_at"] <= timezone.now():
        raise ValidationError({"nominations_close_at": [_("Nominations must close in the future.")]})
    programme = AwardProgramme.objects.create(created_by=actor, **fields)
    kept = {name: value.isoformat() if isinstance(value, datetime) else value for name, value in fields.items()}
    audit.record(actor=actor, verb="add", target=programme, after={**kept, "version": 1})
    return programme


@transaction.atomic
def programme_update(*, actor: User, programme: AwardProgramme, seen_version: int | None, **values) -> list[str]:
    """Change a programme until its winners are announced; refused with versions.StaleEdit when
    someone saved it since the person's page was opened. Returns the names of what changed."""
    programme = locked(programme)
    require("recognition.change_programme", programme, actor=actor)
    versions.check_seen(programme, seen_version)
    fields = _checked(values)
    nominated = Nomination.objects.filter(category__programme=programme).exists()
    if nominated and fields["nominations_open_at"] > min(programme.nominations_open_at, timezone.now()):
        raise ValidationError(
            {"nominations_open_at": [_("People have nominated already: nominations cannot open later.")]}
        )
    if not any(getattr(programme, name) != value for name, value in fields.items()):
        return []
    changed = core_services.update(programme, {**fields, "version": programme.version + 1}, actor=actor)
    return [name for name in changed if name != "version"]


@transaction.atomic
def category_add(*, actor: User, programme: AwardProgramme, title, description, for_lessons: bool) -> Category:
    """Add a category, before nominations open."""
    programme = locked(programme)
    require("recognition.change_categories", programme, actor=actor)
    errors: dict[str, list[str]] = {}
    kept = {}
    for name, value, limit, needed in (
        ("title", title, TITLE_LIMIT, _("Give the category a title.")),
        ("description", description, TEXT_LIMIT, _("Say what the category recognises.")),
    ):
        try:
            kept[name] = clean_text(value, limit=limit, field=name, required=needed)
        except ValidationError as error:
            errors.update(error.message_dict)
    if "title" in kept and programme.categories.filter(title__iexact=kept["title"]).exists():
        errors["title"] = [_("The programme already has a category with this title.")]
    if errors:
        raise ValidationError(errors)
    position = programme.categories.count()
    category = Category.objects.create(programme=programme, for_lessons=bool(for_lessons), position=position, **kept)
    audit.record(
        actor=actor, verb="add_category", target=programme, after={**kept, "for_lessons": category.for_lessons}
    )
    return category


@transaction.atomic
def category_remove(*, actor: User, category: Category) -> None:
    """Remove a category, before nominations open (so none is nominated in it)."""
    programme = locked(category.programme)
    require("recognition.change_categories", programme, actor=actor)
    audit.record(actor=actor, verb="remove_category", target=programme, before={"title": category.title})
    category.delete()


@transaction.atomic
def jury_add(*, actor: User, programme: AwardProgramme, person: User) -> None:
    programme = locked(programme)
    require("recognition.name_jury", programme, actor=actor)
    if person is None or not person.is_active:
        raise ValidationError({"person": [_("Choose a person from the suggestions.")]})
    if programme.jury.filter(pk=person.pk).exists():
        raise ValidationError({"person": [_("%(name)s is already on the jury.") % {"name": person}]})
    programme.jury.add(person)
    audit.record(actor=actor, verb="add_juror", target=programme, after={"juror": person.pk})
    notifications.notify(
        [person], "recognition.jury_named", params={"programme": programme.title}, url=programme.get_absolute_url()
    )


@transaction.atomic
def jury_remove(*, actor: User, programme: AwardProgramme, person: User) -> None:
    """Take a person off the jury; the scores they gave no longer count."""
    programme = locked(programme)
    require("recognition.name_jury", programme, actor=actor)
    programme.jury.remove(person)
    audit.record(actor=actor, verb="remove_juror", target=programme, before={"juror": person.pk})


@transaction.atomic
def winner_choose(*, actor: User, nomination: Nomination, citation) -> Nomination:
    """Choose the nomination as its category's winner, with the citation the hall of fame shows;
    the category's previous choice, if any, is no longer the winner."""
    nomination = locked(nomination)
    require("recognition.choose_winner", nomination, actor=actor)
    citation = clean_text(
        citation, limit=CITATION_LIMIT, field="citation", required=_("Write the citation the hall of fame shows.")
    )
    previous = Nomination.objects.select_for_update().filter(category=nomination.category_id, won_at__isnull=False)
    for other in previous.exclude(pk=nomination.pk):
        core_services.update(other, {"won_at": None, "citation": ""}, actor=actor, verb="unchoose_winner")
    core_services.update(
        nomination,
        {"won_at": nomination.won_at or timezone.now(), "citation": citation},
        actor=actor,
        verb="choose_winner",
    )
    return nomination


@transaction.atomic
def announce(*, actor: User, programme: AwardProgramme) -> AwardProgramme:
    """Announce the winners: the programme joins the hall of fame, and every nominator and
    jury member hears of it. A category with no winner chosen is shown as not awarded."""
    programme = locked(programme)
    require("recognition.announce", programme, actor=actor)
    winners = Nomination.objects.filter(category__programme=programme, won_at__isnull=False)
    if not winners.filter(status=NominationStatus.SUBMITTED).exists():
        raise ValidationError(_("Choose at least one winner before announcing."))
    programme.announced_at = timezone.now()
    programme.announced_by = actor
    programme.save(update_fields=["announced_at", "announced_by"])
    audit.record(actor=actor, verb="announce", target=programme, after={"winners": winners.count()})
    nominators = Nomination.objects.filter(category__programme=programme).values_list("nominated_by", flat=True)
    people = {*nominators, *programme.jury.values_list("pk", flat=True)}
    notifications.notify(
        User.objects.filter(pk__in=people),
        "recognition.winners_announced",
        params={"programme": programme.title},
        url=programme.get_absolute_url(),
    )
    return programme
