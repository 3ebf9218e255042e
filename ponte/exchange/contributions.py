"""What the exchange contributes: its place in the navigation, a figure for organisation admins,
its notification kinds, the moments its kept pages expire (a round changing phase), and its
part of the role matrix."""

from django.utils.translation import gettext_lazy as _

from ponte.core import rolematrix
from ponte.core.registry import DashboardFigure, Export, NavItem, NotificationKind, registry
from ponte.core.roles import is_programme_manager
from ponte.organisations.rules import administers_an_organisation, is_company_member, is_public_servant

from . import matrix
from .queries import indicators


def _next_phase_change(now):
    from .queries.rounds import next_clock_event

    return next_clock_event(now)


def _waiting_for(user):
    from .queries.applications import waiting_for

    return waiting_for(user).select_related(None).order_by()


registry.add_nav(NavItem(label=_("Exchange"), url_name="exchange:home", order=35))
# A round's phase follows from its dates: no kept page outlives the next change (core.pagecache).
registry.add_clock_event(_next_phase_change)
registry.add_export(
    Export(
        key="exchange.rounds",
        label=_("Exchange rounds (CSV): every round of the staff exchange, with who took part and how it went"),
        url_name="exchange:rounds_csv",
    )
)
registry.add_export(
    Export(
        key="exchange.network",
        label=_("Exchange network (CSV): the public bodies and companies each round's exchanges connected"),
        url_name="exchange:network_csv",
    )
)
registry.add_action(
    NavItem(
        label=_("Exchange applications"),
        url_name="exchange:applications",
        visible=is_public_servant | is_company_member,
        order=23,
    )
)


def _awaiting_answer(user):
    from .queries.matching import awaiting_answer

    return awaiting_answer(user).select_related(None).order_by()


registry.add_figure(
    DashboardFigure(
        key="exchange.pairs_awaiting_answer",
        label=_("Exchanges proposed to you, waiting for your answer"),
        value=_awaiting_answer,
        url_name="exchange:applications",
        visible=is_public_servant | is_company_member,
    )
)
registry.add_figure(
    DashboardFigure(
        key="exchange.applications_waiting",
        label=_("Exchange applications waiting for your approval"),
        value=_waiting_for,
        url_name="exchange:applications",
        visible=administers_an_organisation,
    )
)

for kind in [
    NotificationKind(
        "exchange.application_submitted",
        _("Exchange applications from your organisation"),
        _("%(person)s applied to the exchange round “%(round)s”: approve or decline the application"),
        audience=administers_an_organisation,
    ),
    NotificationKind(
        "exchange.application_approved",
        _("Your exchange applications approved"),
        _("Your application to “%(round)s” is approved by your organisation"),
        audience=is_public_servant | is_company_member,
    ),
    NotificationKind(
        "exchange.application_declined",
        _("Your exchange applications declined"),
        _("Your application to “%(round)s” is declined: %(reason)s"),
        audience=is_public_servant | is_company_member,
    ),
    NotificationKind(
        "exchange.pair_proposed",
        _("Exchanges proposed to you"),
        _("An exchange is proposed to you in “%(round)s”: accept or decline it"),
        audience=is_public_servant | is_company_member,
    ),
    NotificationKind(
        "exchange.pair_confirmed",
        _("Your exchanges confirmed"),
        _("Your exchange in “%(round)s” is confirmed: both of you accepted it"),
        audience=is_public_servant | is_company_member,
    ),
    NotificationKind(
        "exchange.pair_declined",
        _("Exchanges declined"),
        _("A proposed exchange in “%(round)s” is declined: it will not be proposed again"),
        audience=is_public_servant | is_company_member | is_programme_manager,
    ),
    NotificationKind(
        "exchange.visit_planned",
        _("Plans for your exchange visits"),
        _("%(organisation)s planned your visit in “%(round)s”: read your mentor and programme"),
        audience=is_public_servant | is_company_member,
    ),
    NotificationKind(
        "exchange.pair_rescheduled",
        _("Changed days of your exchanges"),
        _("Your exchange in “%(round)s” moved: from %(starts)s to %(ends)s"),
        audience=is_public_servant | is_company_member,
    ),
    NotificationKind(
        "exchange.exchange_coming",
        _("Reminders of your coming exchanges"),
        _("An exchange you take part in, in “%(round)s”, starts on %(starts)s: read its days and programme"),
        audience=is_public_servant | is_company_member,
    ),
    NotificationKind(
        "exchange.survey_asked",
        _("Surveys of your finished exchanges"),
        _("An exchange you took part in, in “%(round)s”, is over: answer its survey"),
        audience=is_public_servant | is_company_member,
    ),
    NotificationKind(
        "exchange.pair_cancelled",
        _("Cancelled exchanges"),
        _("An exchange in “%(round)s” is cancelled: %(reason)s"),
        audience=is_public_servant | is_company_member | is_programme_manager,
    ),
    NotificationKind(
        "exchange.change_meter_updated",
        _("Change Meter updates of your team"),
        _("The Change Meter of “%(challenge)s” is at %(percent)s%%"),
        audience=is_public_servant | is_company_member,
    ),
    NotificationKind(
        "exchange.pair_withdrawn",
        _("Exchanges withdrawn"),
        _("A programme manager withdrew the exchange proposed to you in “%(round)s”"),
        audience=is_public_servant | is_company_member,
    ),
]:
    registry.add_notification_kind(kind)

# The role matrix (docs/roles.md): what this app adds to it.
rolematrix.add_cases(matrix.CASES)
rolematrix.add_subject(matrix.ROUND_SUBJECT)
rolematrix.add_subject(matrix.APPLICATION_SUBJECT)
rolematrix.add_subject(matrix.PAIR_SUBJECT)
rolematrix.add_subject(matrix.TEAM_CHALLENGE_SUBJECT)

# The leadership dashboard's figures from this module (core.indicators).
for indicator in indicators.INDICATORS:
    registry.add_indicator(indicator)
