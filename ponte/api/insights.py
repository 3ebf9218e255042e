"""The public figures of the "state of innovation" page: every programme's figures that may be
public, by quarter, for an organisation and a period. It reads what modules register with the
core registry (core.indicators), as the insights pages do, and never a module's code."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.decorators import decorate_view
from pydantic import Field

from ponte.accounts.api_auth import ANYONE
from ponte.core.api import Problem
from ponte.core.indicators import kept_figures, parse_period, quarter_name
from ponte.core.pagecache import public_page
from ponte.core.registry import registry
from ponte.organisations.queries import organisation_and_parts

router = Router(tags=["insights"], auth=ANYONE)


class QuarterValue(Schema):
    quarter: str = Field(..., description="A quarter, written 2026-Q1")
    value: Decimal | None = Field(..., description="Null when it cannot be told (a share of nothing)")


class PartValue(Schema):
    part: str
    value: Decimal | None


class FigureOut(Schema):
    key: str
    programme: str
    label: str
    unit: str = Field(..., description='"EUR" for money, "%" for a share, empty for a count')
    total: Decimal | None = Field(..., description="Over the period; for a snapshot, today")
    quarters: list[QuarterValue] = Field(..., description="Empty for a figure that is a snapshot of today")
    parts: list[PartValue]
    by_organisation: bool = Field(..., description="False when the figure is not counted by organisation")


class FiguresOut(Schema):
    organisation: str | None = Field(..., description="The organisation asked for (with its parts), or null")
    start: str
    end: str
    figures: list[FigureOut]


class FiguresQuery(Schema):
    organisation: str | None = Field(None, max_length=100, description="An organisation's short name (slug)")
    start: str | None = Field(None, max_length=20, description="The first quarter, written 2026-Q1")
    end: str | None = Field(None, max_length=20, description="The last quarter, written 2026-Q4")


@decorate_view(public_page)
@router.get("/figures", response={200: FiguresOut, 400: Problem}, summary="The public figures, by quarter")
def list_figures(request, filters: Query[FiguresQuery]):
    """Every public figure of every programme for the period (by default the last eight
    quarters) and, when asked, for an organisation and its parts."""
    period, errors = parse_period(filters.start or "", filters.end or "")
    organisation, ids = (None, None)
    if filters.organisation:
        # A NUL is in no organisation's name, and PostgreSQL refuses it in a query.
        if "\x00" not in filters.organisation:
            organisation, ids = organisation_and_parts(request.user, filters.organisation)
        if organisation is None:
            errors["organisation"] = _("No organisation is called “%(name)s”.") % {"name": filters.organisation}
    if errors:
        raise ValidationError(
            {{"from": "start", "to": "end"}.get(name, name): [message] for name, message in errors.items()}
        )
    public = [indicator for indicator in registry.indicators.values() if indicator.public]
    computed = kept_figures(public, organisation_ids=ids, period=period)
    return {
        "organisation": organisation.slug if organisation else None,
        "start": quarter_name(period.first),
        "end": quarter_name(period.last),
        "figures": [
            {
                "key": figure.indicator.key,
                "programme": str(figure.indicator.section),
                "label": str(figure.indicator.label),
                "unit": figure.indicator.unit_shown,
                "total": figure.total if figure.shown else None,
                "quarters": [{"quarter": quarter_name(quarter), "value": value} for quarter, value in figure.quarters]
                if figure.shown
                else [],
                "parts": [{"part": part, "value": value} for part, value in figure.parts],
                "by_organisation": not figure.not_by_organisation,
            }
            for figure in computed
        ],
    }
