"""What insights contributes: the public "state of innovation" page in the menu, the leadership
dashboard for sponsors and programme managers, the public figures as open data, and its part of
the role matrix."""

from django.utils.translation import gettext_lazy as _

from ponte.core import rolematrix
from ponte.core.registry import Export, NavItem, registry
from ponte.core.roles import is_programme_manager, is_sponsor

registry.add_nav(NavItem(label=_("State of innovation"), url_name="insights:state", order=45))
registry.add_action(
    NavItem(
        label=_("Leadership dashboard"),
        url_name="insights:dashboard",
        visible=is_sponsor | is_programme_manager,
        order=5,
    )
)
registry.add_action(NavItem(label=_("What you sponsor"), url_name="insights:sponsored", visible=is_sponsor, order=4))
registry.add_export(
    Export(
        key="insights.figures",
        label=_("State of innovation (CSV): every public figure of every programme, by quarter"),
        url_name="insights:figures_csv",
    )
)
rolematrix.add_cases(
    {
        "insights.view_dashboard": rolematrix.Case(
            "Read the leadership dashboard: every figure, the lists behind them, and their exports."
        ),
        "insights.view_sponsored": rolematrix.Case(
            "Read everything one sponsors, from every programme, with the decisions waiting first."
        ),
    }
)
