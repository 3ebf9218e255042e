"""Kudos as their targets' pages show them, and what may be thanked."""

from __future__ import annotations

from django.db.models import QuerySet

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
    """What a page's kudos section shows: the latest thanks (two queries, whatever their number),
    how many there are, and the viewer's own."""
    thanks = kudos_of(target_model, target_id)
    latest = list(thanks[:SHOWN])
    count = len(latest) if len(latest) < SHOWN else thanks.count()
    own = next((kudos for kudos in latest if user.is_authenticated and kudos.author_id == user.pk), None)
    if own is None and user.is_authenticated and count > len(latest):
        own = thanks.filter(author=user).first()
    return {"latest": latest, "count": count, "own": own, "target": f"{target_model}:{target_id}"}
