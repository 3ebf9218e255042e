"""The proposals panel of a challenge's page: what the viewer may do and know about proposals."""

from django import template

from ..queries import proposals as proposals_queries

register = template.Library()


@register.inclusion_tag("challenges/proposals/_panel_body.html", takes_context=True)
def proposal_panel(context, challenge):
    user = context["user"]
    panel = {"challenge": challenge, "user": user, "show": False}
    if not user.is_authenticated:
        return panel
    # Each of the person's companies bids once: its standing proposal, or a way to submit one.
    in_companies = bool(proposals_queries.companies_of(user))
    own = proposals_queries.own_proposals(user, challenge) if in_companies else []
    companies = proposals_queries.companies_of(user, challenge) if in_companies else []
    bid = {proposal.company_id for proposal in own}
    free = [company for company in companies if company.pk not in bid]
    panel.update(
        own=own,
        free=free,
        several=len(companies) > 1,
        can_submit=bool(free) and user.has_perm("challenges.submit_proposal", challenge),
        count=proposals_queries.proposal_count(user, challenge),
        can_list=user.has_perm("challenges.view_proposals", challenge),
    )
    panel["show"] = bool(own or panel["can_submit"] or panel["count"] is not None or panel["can_list"])
    return panel
