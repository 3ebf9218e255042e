from django.utils.translation import gettext_lazy as _

from ponte.core.roles import is_authenticated, is_staff_role

from . import rolematrix
from .registry import DashboardFigure, NavItem, PageSection, registry

registry.add_nav(NavItem(label=_("Search"), url_name="search", order=900))
registry.add_nav(NavItem(label=_("Audit trail"), url_name="audit_trail", visible=is_staff_role, order=950))


def _unread(user) -> int:
    from .notifications import unread_count

    return unread_count(user)


registry.add_figure(
    DashboardFigure(
        key="core.unread",
        label=_("Unread notifications"),
        value=_unread,
        url_name="notifications",
        visible=is_authenticated,
    )
)


rolematrix.add_cases({"core.view_audit_trail": rolematrix.Case("Read the audit trail of every decision and change.")})


def _unread_notifications(user) -> dict | None:
    from .models import Notification

    unread = list(Notification.objects.filter(recipient=user, read_at__isnull=True)[:5])
    return {"unread": unread} if unread else None


registry.add_home_section(
    PageSection(
        key="core.notifications", order=50, template="core/home/notifications.html", context=_unread_notifications
    )
)
