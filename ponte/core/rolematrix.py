"""The role matrix: who may do what, in which state, computed from the permission rules.

`build()` creates, inside a transaction it always rolls back (so it is safe on any
database, the production one included), one person per role and one object per
relevant state, then asks `user.has_perm(permission, object)` for every permission
that Ponte's apps register with django-rules. `render()` turns the answers into the
Markdown of docs/roles.md (`python -m ponte roles-matrix` writes it).

Because every cell is the rules' own answer, the document cannot drift from the code:
a test checks the committed file equals a fresh rendering. Each permission needs a
`Case` saying what it is about; a permission without one makes `build()` fail, so a new
permission cannot slip into the code without a row in the matrix.

The engine knows no module. Each app registers, from its contributions.py, the roles it
defines (with how to make a person in that role), the subjects its permissions are about
(with one builder per state) and a case per permission. The tests use the same builders
(`make`), so the matrix and the tests ask the rules about the very same objects.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rules
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import translation

DOC_PATH = Path(settings.BASE_DIR) / "docs" / "roles.md"
COMMAND = "python -m ponte roles-matrix"
ALLOWED, REFUSED = "✓", "✗"


@dataclass(frozen=True)
class Role:
    key: str
    label: str
    who: str
    # Where the role stands among the matrix's columns.
    order: int
    # Makes the person in this role (AnonymousUser for a visitor) in the World.
    make: Callable[[World], Any]


class World:
    """The people of the matrix, one per role, and what builders share (the organisations
    the people belong to, say). Only ever filled inside `build()`'s rolled-back transaction,
    or inside a test's own."""

    def __init__(self) -> None:
        self.token = secrets.token_hex(6)
        self.people: dict[str, Any] = {}
        self._shared: dict[str, Any] = {}
        for role in ROLES:
            self.people[role.key] = role.make(self)

    def shared(self, key: str, make: Callable[[], Any]) -> Any:
        """The object `key`, made by `make` the first time it is asked for."""
        if key not in self._shared:
            self._shared[key] = make()
        return self._shared[key]


@dataclass(frozen=True)
class Subject:
    """What a permission is asked about, and the states it is shown in."""

    key: str
    label: str
    # (state label, how to make the object in that state)
    states: tuple[tuple[str, Callable[[World], Any]], ...]


@dataclass(frozen=True)
class Case:
    """What a permission means, and what it is about (a key of SUBJECTS), or None when it
    is checked without an object."""

    description: str
    subject: str | None = None


# Filled by the apps' contributions.py when Django starts.
ROLES: list[Role] = []
SUBJECTS: dict[str, Subject] = {}
CASES: dict[str, Case] = {}


def add_role(role: Role) -> None:
    ROLES.append(role)
    ROLES.sort(key=lambda r: r.order)


def add_subject(subject: Subject) -> None:
    SUBJECTS[subject.key] = subject


def add_cases(cases: dict[str, Case]) -> None:
    CASES.update(cases)


def make(subject: str, state: str, world: World) -> Any:
    """The object of `subject` in `state`, made in `world` by its registered builder."""
    return dict(SUBJECTS[subject].states)[state](world)


NO_OBJECT = "any"


def ponte_app_labels() -> set[str]:
    """The labels of Ponte's own apps (accounts, core, organisations, and any app added later)."""
    return {config.label for config in apps.get_app_configs() if config.name.startswith("ponte.")}


def ponte_permissions() -> list[str]:
    """Every permission registered with django-rules by one of Ponte's apps, sorted."""
    labels = ponte_app_labels()
    return sorted(name for name in rules.permissions.permissions if name.partition(".")[0] in labels)


def problems() -> list[str]:
    """What keeps the matrix from being complete: permissions without a case, cases without
    a permission, cases about an unknown subject."""
    registered = set(ponte_permissions())
    found = [
        f"{name} has no case in the role matrix: its app's contributions.py must add one, saying what it means "
        "and what it is about."
        for name in sorted(registered - set(CASES))
    ]
    found += [f"{name} has a case but is not registered with rules." for name in sorted(set(CASES) - registered)]
    found += [
        f"{name} is about an unknown subject {case.subject!r}."
        for name, case in sorted(CASES.items())
        if case.subject is not None and case.subject not in SUBJECTS
    ]
    return found


@dataclass(frozen=True)
class PermissionTable:
    permission: str
    description: str
    subject: Subject | None
    # (state label, {role key: allowed})
    rows: tuple[tuple[str, dict[str, bool]], ...]


def build(using: str = DEFAULT_DB_ALIAS) -> list[PermissionTable]:
    """Ask the rules, for every Ponte permission, every role and every state. Whatever is
    created to ask is rolled back."""
    found = problems()
    if found:
        raise ImproperlyConfigured("The role matrix is incomplete:\n" + "\n".join(found))
    tables = []
    with transaction.atomic(using=using):
        try:
            world = World()
            objects: dict[tuple[str, str], Any] = {}
            for subject in SUBJECTS.values():
                for state, make in subject.states:
                    objects[subject.key, state] = make(world)
            for name in ponte_permissions():
                case = CASES[name]
                subject = SUBJECTS[case.subject] if case.subject else None
                if subject is None:
                    states = [(NO_OBJECT, None)]
                else:
                    states = [(state, objects[subject.key, state]) for state, _make in subject.states]
                rows = tuple(
                    (state, {role.key: bool(world.people[role.key].has_perm(name, obj)) for role in ROLES})
                    for state, obj in states
                )
                tables.append(PermissionTable(name, case.description, subject, rows))
        finally:
            transaction.set_rollback(True, using=using)
    # What the rules kept while asking (the people's memberships, pages) describes rows that were
    # rolled back, under ids the next people and objects may take: forget it.
    from .pagecache import forget_person, invalidate

    forget_person(*[person.pk for person in world.people.values() if person.pk is not None])
    invalidate()
    return tables


def _row(cells) -> str:
    return "| " + " | ".join(cells) + " |"


def render(tables: list[PermissionTable]) -> str:
    with translation.override("en"):
        lines = [
            "# Who may do what: the role matrix",
            "",
            f"This file is generated by `{COMMAND}` from the permission rules themselves (the",
            "`rules.add_perm` calls in each app's `rules.py`), and a test checks that it matches the",
            "code. Do not edit it by hand: change the rules, then run the command again.",
            "",
            "Each table answers `user.has_perm(permission, object)` for one person per role and,",
            "when the permission is about an object, for that object in each of its states.",
            f"{ALLOWED} allowed, {REFUSED} refused. A permission checked without an object has one row, “{NO_OBJECT}”.",
            "",
            "Evaluators, programme managers, sponsors and platform admins must also set up two-factor",
            "authentication before they can use the web interface; the tables show what the rules",
            "allow them once they have.",
            "",
            "## Roles",
            "",
            _row(["role", "who"]),
            _row(["---", "---"]),
            *(_row([role.label, role.who]) for role in ROLES),
            "",
        ]
        app_names = {config.label: str(config.verbose_name) for config in apps.get_app_configs()}
        current_app = None
        for table in tables:
            app_label = table.permission.partition(".")[0]
            if app_label != current_app:
                current_app = app_label
                lines += [f"## {app_names.get(app_label, app_label)}", ""]
            first = f"{table.subject.label} is" if table.subject else "state"
            lines += [
                f"### `{table.permission}`",
                "",
                table.description,
                "",
                _row([first, *(role.label for role in ROLES)]),
                _row(["---", *(":-:" for _role in ROLES)]),
            ]
            for state, answers in table.rows:
                lines.append(_row([state, *(ALLOWED if answers[role.key] else REFUSED for role in ROLES)]))
            lines.append("")
    return "\n".join(lines)


def render_fresh(using: str = DEFAULT_DB_ALIAS) -> str:
    return render(build(using=using))
