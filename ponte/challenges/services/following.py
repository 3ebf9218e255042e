"""Following: people follow a challenge and set alerts for new ones; followers hear of
changes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction

from ponte.core import audit
from ponte.core.notifications import notify
from ponte.core.services import require

from ..models import (
    Challenge,
    Interest,
)
from ..queries import audiences
from ..queries.phases import invited_companies

if TYPE_CHECKING:
    from ponte.accounts.models import User

# Companies -----------------------------------------------------------------------------


@transaction.atomic
def interest_express(*, actor: User, challenge: Challenge, company) -> Interest:
    require("challenges.express_interest", challenge, actor=actor)
    if company.kind != "company" or company.status != "verified" or not company.memberships.filter(user=actor).exists():
        raise PermissionDenied("not a member of this company")
    invited = invited_companies(challenge)
    if invited is not None and company.pk not in invited:
        raise PermissionDenied("this company is not invited to this phase")
    interest, created = Interest.objects.get_or_create(challenge=challenge, user=actor, defaults={"company": company})
    if created:
        audit.record(actor=actor, verb="express_interest", target=challenge, after={"company": company.name})
    return interest


@transaction.atomic
def interest_withdraw(*, actor: User, challenge: Challenge) -> None:
    Interest.objects.filter(challenge=challenge, user=actor).delete()


def notify_followers(challenge: Challenge, kind: str, *, exclude=None) -> None:
    followers = audiences.followers(challenge)
    if exclude is not None:
        followers = followers.exclude(pk__in=exclude.values("pk"))
    notify(
        followers,
        kind,
        params={"challenge": challenge.title, "reason": challenge.cancellation_reason},
        url=challenge.get_absolute_url(),
    )


# Alerts ---------------------------------------------------------------------------------


@transaction.atomic
def alerts_set(*, actor: User, sectors: list[str], cpv_prefixes: list[str], keywords: list[str]):
    """A signed-in person says which new challenges they want to hear of: by sector, CPV code
    or word. Audited with what they asked for before and after."""
    from ponte.reference.models import SectorTag

    from ..models import Subscription

    if not actor.is_authenticated:
        raise PermissionDenied("challenges.alerts")
    subscription, _created = Subscription.objects.select_for_update().get_or_create(user=actor)
    before = {
        "sectors": sorted(subscription.sectors.values_list("code", flat=True)),
        "cpv_prefixes": subscription.cpv_prefixes,
        "keywords": subscription.keywords,
    }
    subscription.cpv_prefixes, subscription.keywords = cpv_prefixes, keywords
    subscription.save(update_fields=["cpv_prefixes", "keywords"])
    subscription.sectors.set(SectorTag.objects.filter(code__in=sectors))
    after = {"sectors": sorted(set(sectors)), "cpv_prefixes": cpv_prefixes, "keywords": keywords}
    audit.record(actor=actor, verb="set_alerts", target=subscription, before=before, after=after)
    return subscription
