"""What an organisation's page shows of the marketplace: a public body's published
challenges, a company's awards. Each section reads a fixed number of rows and one count."""

from __future__ import annotations

from .queries import award as award_queries
from .queries import public as public_queries

SHOWN = 5


def public_body_challenges(organisation, user) -> dict | None:
    if not organisation.is_public_body:
        return None
    published = public_queries.public_challenges().filter(owner=organisation)
    latest = list(published.order_by("-published_at", "-pk")[:SHOWN])
    if not latest:
        return None
    public_queries.annotate_public_state(latest)
    return {"organisation": organisation, "challenges": latest, "count": published.count()}


def company_awards(organisation, user) -> dict | None:
    if not organisation.is_company:
        return None
    won = award_queries.public_awards().filter(supplier=organisation)
    latest = list(won.order_by("-awarded_at", "-pk")[:SHOWN])
    if not latest:
        return None
    return {"organisation": organisation, "awards": latest, "count": won.count()}
