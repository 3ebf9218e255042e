"""The proposals panel of a challenge's page: what the viewer may do and know about proposals."""

from django import template

from ponte.challenges import proposals

register = template.Library()


@register.inclusion_tag("challenges/proposals/_panel_body.html", takes_context=True)
def proposal_panel(context, challenge):
    user = context["user"]
    panel = {"challenge": challenge, "user": user, "show": False}
    if not user.is_authenticated:
        return panel
    own = proposals.own_proposal(user, challenge) if proposals.companies_of(user) else None
    panel.update(
        own=own,
        can_submit=own is None and user.has_perm("challenges.submit_proposal", challenge),
        count=proposals.proposal_count(user, challenge),
        can_list=user.has_perm("challenges.view_proposals", challenge),
    )
    panel["show"] = bool(own or panel["can_submit"] or panel["count"] is not None or panel["can_list"])
    return panel
