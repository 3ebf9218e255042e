"""Who reads the leadership dashboard: sponsors (ministers and senior leaders) and programme
managers. The public "state of innovation" page, with the public figures, is for everyone."""

import rules

from ponte.core.roles import is_programme_manager, is_sponsor

rules.add_perm("insights.view_dashboard", is_sponsor | is_programme_manager)
# What a sponsor sponsors, from every module, with the decisions waiting for them first.
rules.add_perm("insights.view_sponsored", is_sponsor)
