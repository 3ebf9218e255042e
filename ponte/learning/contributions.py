"""What learning contributes: its place in the navigation, the pages a person starts from, its
notification kinds, the moments its kept pages expire (a session starting or ending), and its
part of the role matrix."""

from django.utils.translation import gettext_lazy as _

from ponte.core import rolematrix
from ponte.core.registry import DashboardFigure, Export, NavItem, NotificationKind, registry
from ponte.core.roles import is_authenticated, is_programme_manager
from ponte.organisations.rules import administers_an_organisation

from . import matrix
from .queries import indicators


def _next_session_change(now):
    from .queries.catalogue import next_clock_event

    return next_clock_event(now)


def _awaiting(user):
    from .queries.sessions import awaiting_approval

    return awaiting_approval(user).order_by()


registry.add_nav(NavItem(label=_("Learning"), url_name="learning:catalogue", order=38))
# A session's phase, and so whether it takes enrolments, follows from its dates.
registry.add_clock_event(_next_session_change)
registry.add_export(
    Export(
        key="learning.catalogue",
        label=_("Learning catalogue (CSV): every course, the skills it builds and its next session"),
        url_name="learning:catalogue_csv",
    )
)
registry.add_action(NavItem(label=_("Your learning"), url_name="learning:mine", visible=is_authenticated, order=26))
registry.add_action(NavItem(label=_("Your skills"), url_name="learning:skills", visible=is_authenticated, order=28))
registry.add_action(
    NavItem(
        label=_("Skills of a group"),
        url_name="learning:skill_groups",
        visible=administers_an_organisation | is_programme_manager,
        order=29,
    )
)
registry.add_action(
    NavItem(
        label=_("Enrolments to approve"), url_name="learning:approvals", visible=administers_an_organisation, order=27
    )
)
registry.add_figure(
    DashboardFigure(
        key="learning.awaiting_approval",
        label=_("Enrolments in learning sessions waiting for your approval"),
        value=_awaiting,
        url_name="learning:approvals",
        visible=administers_an_organisation,
    )
)

for kind in [
    NotificationKind(
        "learning.trainer_named",
        _("Sessions you are the trainer of"),
        _("You are the trainer of the session “%(session)s”"),
    ),
    NotificationKind(
        "learning.enrolled",
        _("Places in learning sessions that became yours"),
        _("You are enrolled in “%(session)s”: a place is yours"),
    ),
    NotificationKind(
        "learning.enrolment_waiting",
        _("Approved enrolments that wait for a place"),
        _("Your manager approved your enrolment in “%(session)s”; the session is full, so you are on its waiting list"),
    ),
    NotificationKind(
        "learning.enrolment_requested",
        _("Enrolments in learning sessions to approve"),
        _("%(person)s asks to enrol in “%(session)s”: approve or refuse"),
        audience=administers_an_organisation,
    ),
    NotificationKind(
        "learning.enrolment_refused",
        _("Enrolments not approved"),
        _("Your enrolment in “%(session)s” is not approved: %(reason)s"),
    ),
    NotificationKind(
        "learning.session_changed",
        _("Changes to your learning sessions"),
        _("“%(session)s” has changed: read its new date and place"),
    ),
    NotificationKind(
        "learning.session_cancelled",
        _("Learning sessions cancelled"),
        _("“%(session)s” is cancelled: %(reason)s"),
    ),
    NotificationKind(
        "learning.certificate_issued",
        _("Your certificates"),
        _("Your certificate of “%(course)s” is ready: download it, or publish it as an Open Badge"),
    ),
    NotificationKind(
        "learning.session_soon",
        _("Reminders of your learning sessions"),
        _("“%(course)s” starts on %(starts)s: add it to your calendar"),
    ),
]:
    registry.add_notification_kind(kind)

# The role matrix (docs/roles.md): what this app adds to it.
rolematrix.add_role(matrix.ROLE)
rolematrix.add_cases(matrix.CASES)
rolematrix.add_subject(matrix.COURSE_SUBJECT)
rolematrix.add_subject(matrix.PATH_SUBJECT)
rolematrix.add_subject(matrix.SESSION_SUBJECT)
rolematrix.add_subject(matrix.ENROLMENT_SUBJECT)

# The leadership dashboard's figures from this module (core.indicators).
for indicator in indicators.INDICATORS:
    registry.add_indicator(indicator)
