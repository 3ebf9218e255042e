"""What the sandbox contributes: its place in the navigation, its notification kinds, the
moments its kept pages expire (a call opening or closing), and its part of the role matrix."""

from django.utils.translation import gettext_lazy as _

from ponte.core import rolematrix
from ponte.core.registry import NavItem, NotificationKind, registry
from ponte.core.roles import is_programme_manager
from ponte.organisations.rules import is_public_servant

from . import matrix


def _next_call_change(now):
    from .queries.calls import next_clock_event

    return next_clock_event(now)


registry.add_nav(NavItem(label=_("Sandbox"), url_name="sandbox:home", order=37))
# A call's phase follows from its dates: no kept page outlives the next change (core.pagecache).
registry.add_clock_event(_next_call_change)
registry.add_action(
    NavItem(
        label=_("Sandbox applications"),
        url_name="sandbox:applications",
        visible=is_public_servant | is_programme_manager,
        order=24,
    )
)

for kind in [
    NotificationKind(
        "sandbox.application_submitted",
        _("Applications to waive a rule, sent to you"),
        _("%(organisation)s applies to waive a rule: “%(application)s”"),
        audience=is_public_servant | is_programme_manager,
    ),
    NotificationKind(
        "sandbox.application_withdrawn",
        _("Applications to waive a rule, withdrawn"),
        _("%(organisation)s withdrew its application “%(application)s”: %(reason)s"),
        audience=is_public_servant | is_programme_manager,
    ),
]:
    registry.add_notification_kind(kind)

# The role matrix (docs/roles.md): what this app adds to it.
rolematrix.add_role(matrix.ROLE)
rolematrix.add_cases(matrix.CASES)
rolematrix.add_subject(matrix.CALL_SUBJECT)
rolematrix.add_subject(matrix.APPLICATION_SUBJECT)
