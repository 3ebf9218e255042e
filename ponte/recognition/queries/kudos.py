"""Kudos as their targets' pages show them, and what may be thanked."""

from __future__ import annotations

from django.db.models import QuerySet, Subquery

from ponte.core.pagecache import kept_for_person, kept_value
from ponte.core.paging import first_counted
from ponte.core.registry import registry
from ponte.organisations.queries import visible_organisations

from ..models import Kudos

ORGANISATION = "organisations.organisation"
PROJECT = "lab.project"
# What the page shows: the latest thanks, and how many there are.
SHOWN = 10


def target_shown(viewer, target_model: str, target_id) -> tuple[str, str] | None:
    """(name, address) of the project or team thanked, when `viewer` may see it; else None."""
    if not isinstance(target_id, int) or isinstance(target_id, bool) or not 0 < target_id < 2**31:
        return None
    if target_model == ORGANISATION:
        found = visible_organisations(viewer).filter(pk=target_id).first()
        return (found.name, found.get_absolute_url()) if found is not None else None
    if target_model == PROJECT and PROJECT in registry.linked_models:
        return registry.linked_models[PROJECT].shown(viewer, [target_id]).get(target_id)
    return None


def kudos_of(target_model: str, target_id: int) -> QuerySet[Kudos]:
    return Kudos.objects.filter(target_model=target_model, target_id=target_id).select_related("author")


def section(target_model: str, target_id: int, user) -> dict:
    """What a page's kudos section shows: the latest thanks, how many there are and which are
    the reader's own (its id, or None) — one query whatever their number, kept until the next
    write: for every visitor alike, for each signed-in reader their own."""
    target = f"{target_model}:{target_id}"

    def shown() -> tuple[int, list[Kudos], int | None]:
        thanks = kudos_of(target_model, target_id).only("message", "created_at", "author__name")
        if user.is_authenticated:
            # Asked once with the rows (a subquery of its own, not one per row).
            theirs = Kudos.objects.filter(target_model=target_model, target_id=target_id, author=user)
            thanks = thanks.annotate(own_id=Subquery(theirs.values("pk")[:1]))
        count, latest = first_counted(thanks, SHOWN)
        return count, latest, latest[0].own_id if latest and user.is_authenticated else None

    if user.is_authenticated:
        count, latest, own = kept_for_person(user.pk, f"kudos:{target}", shown)
    else:
        count, latest, own = kept_value(f"kudos:{target}", shown)
    return {"latest": latest, "count": count, "own": own, "target": target}
