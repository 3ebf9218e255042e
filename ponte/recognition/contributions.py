"""What recognition contributes: its place in the navigation, the pages a person starts from,
its notification kinds, the kudos sections of project and team pages, the moments its public
pages change with the clock (nominations opening and closing), the hall of fame as open data,
and its part of the role matrix."""

from django.utils.translation import gettext_lazy as _

from ponte.core import rolematrix
from ponte.core.registry import DashboardFigure, Export, NavItem, NotificationKind, PageSection, registry
from ponte.core.roles import is_authenticated

from . import matrix
from .queries import indicators


def _next_window_change(now):
    from .models import AwardProgramme

    upcoming = AwardProgramme.objects.not_announced()
    moments = [
        upcoming.filter(nominations_open_at__gt=now)
        .order_by("nominations_open_at")
        .values_list("nominations_open_at", flat=True)
        .first(),
        upcoming.filter(nominations_close_at__gt=now)
        .order_by("nominations_close_at")
        .values_list("nominations_close_at", flat=True)
        .first(),
    ]
    moments = [moment for moment in moments if moment is not None]
    return min(moments) if moments else None


def _sits_on_a_jury(user) -> bool:
    """Asked on every home page: kept for the person until the next write, not asked each time."""
    from ponte.core.pagecache import kept_for_person

    from .queries.programmes import juries_of

    return user.is_authenticated and kept_for_person(user.pk, "sits-on-a-jury", lambda: juries_of(user).exists())


def _to_judge(user):
    from .queries.programmes import nominations_to_judge

    return nominations_to_judge(user)


def _kudos_section(model):
    def context(obj, user):
        from .queries.kudos import section

        return section(model, obj.pk, user)

    return context


registry.add_nav(NavItem(label=_("Awards"), url_name="recognition:hall_of_fame", order=39))
registry.add_clock_event(_next_window_change)
registry.add_export(
    Export(
        key="recognition.hall_of_fame",
        label=_("Hall of fame (CSV): every award announced, with its category and citation"),
        url_name="recognition:hall_of_fame_csv",
    )
)
registry.add_action(
    NavItem(label=_("Your nominations and juries"), url_name="recognition:mine", visible=is_authenticated, order=30)
)
registry.add_figure(
    DashboardFigure(
        key="recognition.to_judge",
        label=_("Award nominations waiting for your declaration or score"),
        value=_to_judge,
        url_name="recognition:mine",
        visible=_sits_on_a_jury,
    )
)
registry.add_object_section(
    "lab.project",
    PageSection(
        key="kudos", order=50, template="recognition/kudos/section.html", context=_kudos_section("lab.project")
    ),
)
registry.add_organisation_section(
    PageSection(
        key="kudos",
        order=50,
        template="recognition/kudos/section.html",
        context=_kudos_section("organisations.organisation"),
    )
)

for kind in [
    NotificationKind(
        "recognition.jury_named",
        _("Award juries you are named to"),
        _("You are on the jury of “%(programme)s”: you score its nominations once they close"),
    ),
    NotificationKind(
        "recognition.winners_announced",
        _("Award winners announced"),
        _("The winners of “%(programme)s” are announced: read them in the hall of fame"),
    ),
]:
    registry.add_notification_kind(kind)

# The role matrix (docs/roles.md): what this app adds to it.
rolematrix.add_role(matrix.ROLE)
rolematrix.add_cases(matrix.CASES)
rolematrix.add_subject(matrix.PROGRAMME_SUBJECT)
rolematrix.add_subject(matrix.NOMINATION_SUBJECT)
rolematrix.add_subject(matrix.KUDOS_SUBJECT)

# The leadership dashboard's figures from this module (core.indicators).
for indicator in indicators.INDICATORS:
    registry.add_indicator(indicator)
