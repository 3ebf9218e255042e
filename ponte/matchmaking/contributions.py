"""What matchmaking offers: "Challenges for you" in a company member's menu, and the
recommended solutions and companies on the page of a challenge, to those who may see them."""

from django.utils.translation import gettext_lazy as _

from ponte.core.registry import NavItem, ObjectLink, registry
from ponte.organisations.rules import is_company_member

registry.add_nav(
    NavItem(label=_("Challenges for you"), url_name="matchmaking:recommended", visible=is_company_member, order=12)
)
registry.add_object_link(
    ObjectLink(
        model="challenges.challenge",
        label=_("Recommended solutions and companies"),
        url_name="matchmaking:challenge",
        permission="challenges.view_matches",
    )
)
