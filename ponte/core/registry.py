"""The registry through which apps contribute to the platform without knowing each other.

Each app registers, in its AppConfig.ready(), its navigation entries, actions a
person can start, dashboard figures, search documents, exports, notification kinds and
attachment targets. The core composes them: the layout builds the navigation, the home
page the actions and figures, the search index the documents.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db import models
from django.urls import reverse

from .counting import count_together
from .models import EmailChannel, Visibility
from .paging import first_counted


@dataclass(frozen=True)
class NavItem:
    """A link to a page, for the people `visible` admits: an entry of the menu, or an action a
    person can start (posting a challenge), shown as a button on their home page and a link
    on their account page."""

    label: Any
    url_name: str
    visible: Callable[[Any], bool] = lambda user: True
    order: int = 100

    @cached_property
    def url(self) -> str:
        # The menu shows every item twice a page, and its address never changes while the
        # process lives (addresses carry no language).
        return reverse(self.url_name)


@dataclass(frozen=True)
class DashboardFigure:
    """A figure on the home page of the people `visible` admits. `value(user)` gives the rows
    it counts, as a query set, counted with the page's other figures in one query
    (`figures_with_values`), or a number already known this request."""

    key: str
    label: Any
    value: Callable[[Any], int | models.QuerySet]
    url_name: str = ""
    visible: Callable[[Any], bool] = lambda user: True
    # The same for everyone who sees it (work waiting for the whole team, whoever reads it):
    # counted once and kept for all of them until the next change (core.pagecache.kept_value).
    shared: bool = False


@dataclass(frozen=True)
class SearchDocument:
    title: str
    body: str
    url: str
    visibility: str = Visibility.PUBLIC
    organisation_id: int | None = None


@dataclass(frozen=True)
class SearchSource:
    kind: str
    label: Any
    model: type[models.Model]
    # Returns the document for an object, or None when it must not be in the index.
    document: Callable[[Any], SearchDocument | None]
    # All objects to index when the index is rebuilt.
    queryset: Callable[[], Iterable[Any]]
    # What the documents also depend on: {model: objects}. Whenever an object of that model
    # is saved, the objects `objects(instance)` gives are indexed again, so that a change
    # elsewhere (a company suspended, then reinstated) takes them out of search or back in.
    depends_on: dict[type[models.Model], Callable[[Any], Iterable[Any]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Export:
    key: str
    label: Any
    url_name: str


@dataclass(frozen=True)
class NotificationKind:
    key: str
    label: Any  # what the preferences page calls this kind of event
    message: Any  # lazy, translatable, with %(name)s parameters
    default_channel: str = EmailChannel.IMMEDIATE
    # Whom it can reach: the preferences page offers a kind only to the people it admits
    # (a company's members, programme managers, evaluators...).
    audience: Callable[[Any], bool] = lambda user: True

    def render(self, params: dict[str, Any]) -> str:
        try:
            return str(self.message) % params
        except (KeyError, TypeError, ValueError):
            return str(self.label)


@dataclass(frozen=True)
class AttachmentTarget:
    model: type[models.Model]
    # The permission a person needs on the target object to download its attachments.
    view_permission: str
    add_permission: str
    # A sealed target's attachments leave no file name in the audit trail, which staff read.
    sealed: bool = False
    # For a sealed target, `visible_to(user)` is the queryset of its objects the person may
    # read now (the module's seal, in one query). Screens that list attachments across targets,
    # such as the Django admin, show a sealed target's files only for those objects; a sealed
    # target that gives none shows its files to nobody there.
    visible_to: Callable[[Any], models.QuerySet] | None = None


@dataclass(frozen=True)
class PageSection:
    """A part of a page contributed by an app: of an organisation's public page (its solutions,
    the awards it won), or of a signed-in person's home page (their invitations, their
    organisations). `context(...)` takes what the page is about (the organisation and the
    viewer, or the viewer) and returns what the template needs, or None when the section has
    nothing to show; it must make a fixed number of queries whatever the history behind it."""

    key: str
    order: int
    template: str
    context: Callable[..., dict | None]


@dataclass(frozen=True)
class ObjectLink:
    """A link one app offers on another app's object page (a reader's view of a challenge,
    say), so that the page shows it without knowing who offers it. It is shown to the people
    `permission` admits for the object, and points to `url_name` reversed with the object's key."""

    model: str  # "app_label.modelname", as Django's model labels are written in lower case
    label: Any
    url_name: str
    permission: str


@dataclass(frozen=True)
class LinkKind:
    """A kind of link between objects of two modules (core.links)."""

    key: str
    source: str  # the model label ("lab.problem") a link of this kind starts from
    target: str  # and the one it leads to ("challenges.challenge")
    forward: Any  # how the source's page names the target: "Became the challenge"
    backward: Any  # how the target's page names the source: "Started from the lab problem"


@dataclass(frozen=True)
class LinkedModel:
    """How the module that owns `model` shows its objects on other objects' trails:
    `shown(viewer, ids)` gives {id: (title, address)} of those among `ids` the viewer may
    see, in a fixed number of queries; and, where other modules let people name one of its
    objects to link to, `named(viewer, text)` gives a few (id, title) the viewer may see whose
    title holds `text`."""

    model: str
    shown: Callable[[Any, list[int]], dict[int, tuple[str, str]]]
    named: Callable[[Any, str], list[tuple[int, str]]] | None = None


@dataclass(frozen=True)
class Handoff:
    """Work one module offers to start from another module's object, which the other offers
    when it is there: the marketplace starts a draft challenge from a lab problem
    (`DRAFT_CHALLENGE`). `start(**fields)` makes the object and returns it."""

    key: str
    label: Any
    start: Callable[..., Any]


@dataclass(frozen=True)
class Sponsored:
    """Something a person sponsors, or is asked to: a lab project, an exemption..."""

    kind: Any  # what it is: "Lab project"
    title: str
    url: str
    state: Any  # where it stands: "Sponsored", "Stage: Experiment"
    since: Any  # the moment it last moved, for the order of the list
    awaiting: Any = None  # the decision waiting for the sponsor ("Decide at the gate"), or None


@dataclass(frozen=True)
class SponsoredSource:
    """Where a module's sponsored objects come from, read a page at a time (a sponsor may hold
    thousands): `waiting(user)` the objects whose decision waits for them, the oldest first;
    `others(user)` the rest, the latest moved first; `describe(obj)` how one reads."""

    key: str
    label: Any  # "Lab projects"
    waiting: Callable[[Any], models.QuerySet]
    others: Callable[[Any], models.QuerySet]
    describe: Callable[[Any], Sponsored]


# start(actor, author, owner, title, problem, affected, context) -> a draft challenge that
# `author`, a member of the public body `owner`, completes and sends for review.
DRAFT_CHALLENGE = "draft_challenge"


@dataclass
class Registry:
    nav_items: list[NavItem] = field(default_factory=list)
    actions: list[NavItem] = field(default_factory=list)
    figures: list[DashboardFigure] = field(default_factory=list)
    search_sources: dict[str, SearchSource] = field(default_factory=dict)
    exports: list[Export] = field(default_factory=list)
    notification_kinds: dict[str, NotificationKind] = field(default_factory=dict)
    attachment_targets: dict[type[models.Model], AttachmentTarget] = field(default_factory=dict)
    organisation_sections: list[PageSection] = field(default_factory=list)
    # Sections other apps add to an app's object pages, by the object's model label
    # ("lab.project"): the kudos a project received, say.
    object_sections: dict[str, list[PageSection]] = field(default_factory=dict)
    object_links: list[ObjectLink] = field(default_factory=list)
    home_sections: list[PageSection] = field(default_factory=list)
    # Sources of the moments at which public pages change with the clock alone (a deadline
    # passing): each gives the next such moment after `now`, or None (core.pagecache).
    clock_events: list[Callable[[Any], Any]] = field(default_factory=list)
    link_kinds: dict[str, LinkKind] = field(default_factory=dict)
    linked_models: dict[str, LinkedModel] = field(default_factory=dict)
    handoffs: dict[str, Handoff] = field(default_factory=dict)
    # The leadership dashboard's figures (core.indicators), in the order modules register them.
    indicators: dict[str, Any] = field(default_factory=dict)
    sponsored_sources: dict[str, SponsoredSource] = field(default_factory=dict)

    def add_nav(self, item: NavItem) -> None:
        self.nav_items.append(item)
        self.nav_items.sort(key=lambda i: i.order)

    def add_action(self, action: NavItem) -> None:
        self.actions = sorted([*self.actions, action], key=lambda a: a.order)

    def add_figure(self, figure: DashboardFigure) -> None:
        self.figures.append(figure)

    def add_search_source(self, source: SearchSource) -> None:
        self.search_sources[source.kind] = source

    def search_source_for(self, model: type[models.Model]) -> SearchSource | None:
        for source in self.search_sources.values():
            if source.model is model:
                return source
        return None

    def search_dependents_of(self, model: type[models.Model]) -> list[tuple[SearchSource, Callable]]:
        """The sources whose documents depend on objects of `model`, each with its way to
        find the objects that depend on one of them."""
        return [
            (source, source.depends_on[model]) for source in self.search_sources.values() if model in source.depends_on
        ]

    def add_export(self, export: Export) -> None:
        self.exports.append(export)

    def add_notification_kind(self, kind: NotificationKind) -> None:
        self.notification_kinds[kind.key] = kind

    def notification_kind(self, key: str) -> NotificationKind:
        return self.notification_kinds.get(key) or NotificationKind(key=key, label=key, message=key)

    def notification_kinds_for(self, user) -> dict[str, NotificationKind]:
        """The kinds of notification that can reach a person, which they may choose about."""
        return {key: kind for key, kind in self.notification_kinds.items() if kind.audience(user)}

    def add_attachment_target(self, target: AttachmentTarget) -> None:
        self.attachment_targets[target.model] = target

    def add_organisation_section(self, section: PageSection) -> None:
        self.organisation_sections = sorted([*self.organisation_sections, section], key=lambda s: s.order)

    def organisation_sections_for(self, organisation, user) -> list[tuple[str, dict]]:
        return _shown(self.organisation_sections, organisation, user)

    def add_object_section(self, model: str, section: PageSection) -> None:
        self.object_sections[model] = sorted([*self.object_sections.get(model, []), section], key=lambda s: s.order)

    def object_sections_for(self, obj, user) -> list[tuple[str, dict]]:
        """The sections other apps add to `obj`'s page, each with what it shows to `user`."""
        return _shown(self.object_sections.get(obj._meta.label_lower, []), obj, user)

    def add_home_section(self, section: PageSection) -> None:
        self.home_sections = sorted([*self.home_sections, section], key=lambda s: s.order)

    def home_sections_for(self, user) -> list[tuple[str, dict]]:
        """The sections of a person's home page with what each shows, kept for them until
        the next change (core.pagecache.kept_for_person)."""
        from .pagecache import kept_for_person  # the page cache reads the registry's clock events

        return kept_for_person(user.pk, "home-sections", lambda: _shown(self.home_sections, user))

    def add_clock_event(self, next_moment: Callable[[Any], Any]) -> None:
        self.clock_events.append(next_moment)

    def add_object_link(self, link: ObjectLink) -> None:
        self.object_links.append(link)

    def object_links_for(self, obj, user) -> list[tuple[Any, str]]:
        """The (label, address) of each link offered on `obj`'s page that `user` may follow."""
        label = obj._meta.label_lower
        return [
            (link.label, reverse(link.url_name, args=[obj.pk]))
            for link in self.object_links
            if link.model == label and user.has_perm(link.permission, obj)
        ]

    def add_link_kind(self, kind: LinkKind) -> None:
        self.link_kinds[kind.key] = kind

    def add_linked_model(self, linked: LinkedModel) -> None:
        self.linked_models[linked.model] = linked

    def add_indicator(self, indicator) -> None:
        """A figure of the leadership dashboard (a core.indicators.Indicator)."""
        self.indicators[indicator.key] = indicator

    def add_sponsored_source(self, source: SponsoredSource) -> None:
        self.sponsored_sources[source.key] = source

    def decisions_waiting(self, user, *, shown: int) -> tuple[int, list[Sponsored]]:
        """How many decisions wait for `user` as sponsor, in every module, and the `shown`
        oldest of them: one query a module, whatever their number."""
        count, oldest = 0, []
        for source in self.sponsored_sources.values():
            waiting, first = first_counted(source.waiting(user), shown)
            count += waiting
            oldest += [source.describe(obj) for obj in first]
        return count, sorted(oldest, key=lambda item: item.since)[:shown]

    def add_handoff(self, handoff: Handoff) -> None:
        self.handoffs[handoff.key] = handoff

    def handoff(self, key: str) -> Handoff | None:
        """The hand-off `key`, or None when no module offers it in this deployment."""
        return self.handoffs.get(key)

    def nav_for(self, user) -> list[NavItem]:
        return [item for item in self.nav_items if item.visible(user)]

    def actions_for(self, user) -> list[NavItem]:
        return [action for action in self.actions if action.visible(user)]

    def figures_for(self, user) -> list[DashboardFigure]:
        return [figure for figure in self.figures if figure.visible(user)]

    def figures_with_values(self, user) -> list[tuple[DashboardFigure, int]]:
        """The figures `user` sees, each with its value: their own counted in one query and
        kept for them, the shared ones in another and kept for everyone who sees them, until
        the next change."""
        from .pagecache import kept_for_person, kept_value  # the page cache reads the registry's clock events

        figures = self.figures_for(user)
        shared = [figure for figure in figures if figure.shared]
        own = [figure for figure in figures if not figure.shared]
        values = {}
        if own:
            values = kept_for_person(user.pk, _figures_key(own), lambda: _values(own, user))
        if shared:
            values |= kept_value(_figures_key(shared), lambda: _values(shared, user))
        return [(figure, values[figure.key]) for figure in figures]


def _figures_key(figures: list[DashboardFigure]) -> str:
    """The name figures are kept under: which figures they are, short enough for any cache."""
    return "figures:" + hashlib.sha256(",".join(figure.key for figure in figures).encode()).hexdigest()[:16]


def _values(figures: list[DashboardFigure], user) -> dict[str, int]:
    """Each figure's value by its key, every count in one query."""
    values = [figure.value(user) for figure in figures]
    counted = iter(count_together([value for value in values if isinstance(value, models.QuerySet)]))
    return {
        figure.key: next(counted) if isinstance(value, models.QuerySet) else value
        for figure, value in zip(figures, values, strict=True)
    }


def _shown(sections: list[PageSection], *about) -> list[tuple[str, dict]]:
    """The (template, context) of each section that has something to show."""
    shown = []
    for section in sections:
        context = section.context(*about)
        if context is not None:
            shown.append((section.template, context))
    return shown


registry = Registry()
