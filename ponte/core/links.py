"""Links between objects of different modules, which know nothing of each other.

A module registers with the core registry the kinds of link it makes (`LinkKind`: from
which model to which, and how each side names the other) and, for each of its models that
links can reach, how to show its objects to a viewer (`LinkedModel`): it returns only the
objects that viewer may see. A page asks `trail(obj, viewer)` for the linked objects to show: a link to a draft, a
sealed or an otherwise hidden object shows nothing, not even a title.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from . import audit
from .models import Link
from .pagecache import kept_value
from .registry import registry


@dataclass(frozen=True)
class TrailEntry:
    label: Any
    title: str
    url: str
    created_at: Any


def _label(obj: models.Model) -> str:
    return obj._meta.label_lower


def connect(*, kind: str, source: models.Model, target: models.Model, actor) -> Link:
    """Link `source` to `target` (once: linking again changes nothing), audited on the source."""
    link_kind = registry.link_kinds[kind]
    if (_label(source), _label(target)) != (link_kind.source, link_kind.target):
        raise ValueError(f"A {kind!r} link goes from {link_kind.source} to {link_kind.target}")
    link, created = Link.objects.get_or_create(
        kind=kind,
        source_type=ContentType.objects.get_for_model(source),
        source_id=source.pk,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        defaults={"created_by": actor},
    )
    if created:
        audit.record(
            actor=actor, verb="link", target=source, after={"kind": kind, "to": f"{link_kind.target}:{target.pk}"}
        )
    return link


def connect_to(*, kind: str, source: models.Model, target_id: int, actor) -> Link | None:
    """Link `source` to the object `target_id` of the kind's target model, which belongs to
    another module (found by its label, not imported); None when it is gone."""
    app_label, model = registry.link_kinds[kind].target.split(".")
    target = (
        ContentType.objects.get_by_natural_key(app_label, model)
        .model_class()
        ._default_manager.filter(pk=target_id)
        .first()
    )
    return connect(kind=kind, source=source, target=target, actor=actor) if target is not None else None


def trail(obj: models.Model, viewer) -> list[TrailEntry]:
    """The objects linked to `obj`, either way, that `viewer` may see, oldest link first:
    one query per model they reach. The links themselves are the same for every viewer and
    change only with an audited write (connect): read once and kept until the next change."""
    own_type = ContentType.objects.get_for_model(obj)
    links = kept_value(
        f"links:{own_type.pk}:{obj.pk}",
        lambda: list(
            Link.objects.filter(
                Q(source_type=own_type, source_id=obj.pk) | Q(target_type=own_type, target_id=obj.pk)
            ).filter(kind__in=list(registry.link_kinds))
        ),
    )
    wanted: dict[str, set[int]] = defaultdict(set)
    ends = []
    for link in links:
        kind = registry.link_kinds[link.kind]
        forward = link.source_type_id == own_type.pk and link.source_id == obj.pk
        model, other = (kind.target, link.target_id) if forward else (kind.source, link.source_id)
        wanted[model].add(other)
        ends.append((link, kind.forward if forward else kind.backward, model, other))
    shown = {
        model: registry.linked_models[model].shown(viewer, sorted(ids)) if model in registry.linked_models else {}
        for model, ids in wanted.items()
    }
    entries = []
    for link, label, model, other in ends:
        if other in shown[model]:
            title, url = shown[model][other]
            entries.append(TrailEntry(label=label, title=title, url=url, created_at=link.created_at))
    return entries
