"""One state-machine helper for every lifecycle in Ponte.

A lifecycle declares its states and the transitions allowed between them, each named
by a verb ("approve", "verify") and optionally stamping a timestamp field. A service
function performs a transition with `lifecycle.apply(...)`: the helper refuses any
move the table does not allow, sets the status and the timestamp, saves, and writes
exactly one audit record. Nothing else in Ponte sets a status field.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import rules
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import audit

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


class IllegalTransition(ValidationError):
    """A move the lifecycle does not allow from the object's current state."""


@dataclass(frozen=True)
class Transition:
    verb: str
    sources: tuple[str, ...]
    target: str
    timestamp: str | None = None
    label: str = ""


@dataclass
class Lifecycle:
    states: type[models.TextChoices]
    transitions: Iterable[Transition]
    field: str = "status"
    _by_verb: dict[str, Transition] = dataclasses.field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.transitions = tuple(self.transitions)
        self._by_verb = {}
        valid = set(self.states.values)
        for transition in self.transitions:
            unknown = ({transition.target, *transition.sources}) - valid
            if unknown:
                raise ValueError(f"Transition {transition.verb!r} names unknown states {sorted(unknown)}")
            if transition.verb in self._by_verb:
                raise ValueError(f"Transition verb {transition.verb!r} is declared twice")
            self._by_verb[transition.verb] = transition

    def state_of(self, obj: models.Model) -> str:
        return getattr(obj, self.field)

    def transition(self, verb: str) -> Transition:
        return self._by_verb[verb]

    def allowed_verbs(self, obj: models.Model) -> list[str]:
        state = self.state_of(obj)
        return [t.verb for t in self.transitions if state in t.sources]

    def can(self, obj: models.Model | None, verb: str) -> bool:
        """The table allows `verb` from the object's state; False for a missing object."""
        transition = self._by_verb.get(verb)
        return obj is not None and transition is not None and self.state_of(obj) in transition.sources

    def allows(self, verb: str) -> rules.Predicate:
        """The state half of a permission, read from the table rather than copied from it:
        `is_programme_manager & LIFECYCLE.allows("publish")`."""
        if verb not in self._by_verb:
            raise ValueError(f"Transition verb {verb!r} is not declared")
        return rules.predicate(lambda user, obj: self.can(obj, verb), name=f"lifecycle_allows_{verb}")

    def require(self, obj: models.Model, verb: str) -> Transition:
        if verb not in self._by_verb:
            raise IllegalTransition(_("Unknown action."), code="unknown_transition")
        transition = self._by_verb[verb]
        state = self.state_of(obj)
        if state not in transition.sources:
            raise IllegalTransition(
                _("This cannot be done while it is %(state)s."),
                code="illegal_transition",
                params={"state": self.states(state).label},
            )
        return transition

    def apply(
        self,
        obj: models.Model,
        verb: str,
        *,
        actor: AbstractBaseUser | None,
        reason: str = "",
        update_fields: Iterable[str] = (),
    ) -> models.Model:
        """Move `obj` along `verb`, save it and audit the move. Call inside a transaction,
        on a row locked with select_for_update()."""
        transition = self.require(obj, verb)
        before = self.state_of(obj)
        setattr(obj, self.field, transition.target)
        fields = [self.field, *update_fields]
        if transition.timestamp:
            setattr(obj, transition.timestamp, timezone.now())
            fields.append(transition.timestamp)
        if hasattr(obj, "updated_at"):
            fields.append("updated_at")
        obj.save(update_fields=fields)
        audit.record(
            actor=actor,
            verb=verb,
            target=obj,
            before={self.field: before},
            after={self.field: transition.target},
            reason=reason,
        )
        return obj
