"""What the insights pages read: the filters a person asked for, with a message for each that is
wrong (nothing asked is lost: the form shows it back), and the figures for them, through the
core registry and core.indicators alone — never a module's code."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ponte.core.charts import horizontal_bars, shown
from ponte.core.indicators import Figure, Indicator, Period, kept_figures, parse_period, quarter_name
from ponte.core.pagecache import kept_for_person
from ponte.core.registry import registry
from ponte.organisations.queries import organisation_and_parts


@dataclass
class Filters:
    organisation_text: str
    first_text: str
    last_text: str
    period: Period
    organisation: object | None = None
    organisation_ids: list[int] | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_query(cls, query, user) -> Filters:
        # No NUL: no organisation's name holds one, and PostgreSQL refuses it in a query.
        text = query.get("organisation", "").replace("\x00", "").strip()[:100]
        first, last = query.get("start", "")[:20], query.get("end", "")[:20]
        period, wrong = parse_period(first, last)
        errors = {{"from": "start", "to": "end"}[name]: message for name, message in wrong.items()}
        filters = cls(text, first, last, period, errors=errors)
        if text:
            filters.organisation, ids = _organisation_and_parts(user, text)
            if filters.organisation is None:
                errors["organisation"] = _(
                    "No organisation is called “%(name)s”: choose one from the suggestions. "
                    "Every organisation is shown."
                ) % {"name": text}
            else:
                filters.organisation_ids = ids
        return filters

    def query(self) -> str:
        """The filters as a query string, for links that keep them (exports, lists)."""
        from urllib.parse import urlencode

        asked = {"organisation": self.organisation.slug if self.organisation else ""}
        asked |= {"start": quarter_name(self.period.first), "end": quarter_name(self.period.last)}
        return urlencode(asked)


def _organisation_and_parts(user, text: str):
    """The organisation asked for and its parts, as this reader may see them: kept for a person
    signed in until the next write (a visitor's whole page is kept)."""
    if not user.is_authenticated:
        return organisation_and_parts(user, text)
    asked = hashlib.sha256(text.encode()).hexdigest()
    return kept_for_person(user.pk, f"insights-organisation:{asked}", lambda: organisation_and_parts(user, text))


def indicators_for(user, *, dashboard: bool) -> list[Indicator]:
    """Every figure for the dashboard's readers; the public ones otherwise."""
    indicators = list(registry.indicators.values())
    return indicators if dashboard else [indicator for indicator in indicators if indicator.public]


def value_shown(figure: Figure, value) -> str:
    if value is None:
        return "—"
    return shown(value, figure.indicator.decimals)


def summary(figure: Figure, period: Period) -> str:
    """What a figure says, in a sentence a screen reader reads before its chart."""
    label = str(figure.indicator.label)
    if figure.not_by_organisation:
        return _("%(figure)s: not counted by organisation.") % {"figure": label}
    if figure.too_few_people:
        return _("%(figure)s: hidden, as fewer than five people are counted.") % {"figure": label}
    total = value_shown(figure, figure.total)
    if not figure.indicator.dated_by:
        return _("%(figure)s: %(total)s today.") % {"figure": label, "total": total}
    quarters = [(quarter, value) for quarter, value in figure.quarters if value is not None]
    if not quarters and figure.total is not None:
        # Each quarter from too few people to be shown alone, the whole period from enough.
        return _(
            "%(figure)s: %(total)s from %(start)s to %(end)s; no quarter is shown alone, as fewer than five "
            "people are counted in each."
        ) % {"figure": label, "total": total, "start": quarter_name(period.first), "end": quarter_name(period.last)}
    if not quarters:
        return _("%(figure)s: none from %(first)s to %(last)s.") % {
            "figure": label,
            "first": quarter_name(period.first),
            "last": quarter_name(period.last),
        }
    best, best_value = max(quarters, key=lambda item: item[1])
    first, first_value = quarters[0]
    last, last_value = quarters[-1]
    # The total is the whole period's, whichever quarters have a value shown.
    return _(
        "%(figure)s: %(total)s from %(start)s to %(end)s; %(first_value)s in %(first)s and %(last_value)s in "
        "%(last)s; the highest, %(best_value)s, in %(best)s."
    ) % {
        "figure": label,
        "total": total,
        "start": quarter_name(period.first),
        "end": quarter_name(period.last),
        "first": quarter_name(first),
        "last": quarter_name(last),
        "first_value": value_shown(figure, first_value),
        "last_value": value_shown(figure, last_value),
        "best": quarter_name(best),
        "best_value": value_shown(figure, best_value),
    }


@dataclass
class Shown:
    """A figure as a page shows it: its sentence, its charts and its table rows."""

    figure: Figure
    summary: str
    total: str
    quarters: list[tuple[str, str]]
    parts: list[tuple[str, str]]
    trend_chart: object | None
    parts_chart: object | None
    # Whether a list of the rows behind it exists (a template cannot ask: `describe` is a
    # function, which the template language would call instead of testing).
    listed: bool = False


def _chart(rows, figure: Figure, label: str):
    values = [value for _name, value in rows if value is not None]
    if not values:
        return None
    return horizontal_bars(
        [name for name, _value in rows],
        [label],
        [[value] for _name, value in rows],
        maximum=float(max(values)),
        decimals=figure.indicator.decimals,
    )


def shown_figures(user, filters: Filters, *, dashboard: bool) -> list[tuple[str, list[Shown]]]:
    """The figures by programme, each ready for its page: a fixed number of queries (the
    figures'), whatever the data."""
    computed = kept_figures(
        indicators_for(user, dashboard=dashboard), organisation_ids=filters.organisation_ids, period=filters.period
    )
    sections: dict[str, list[Shown]] = {}
    for figure in computed:
        quarters = [(quarter_name(quarter), value) for quarter, value in figure.quarters]
        parts = figure.parts if figure.shown else []
        sections.setdefault(str(figure.indicator.section), []).append(
            Shown(
                figure=figure,
                summary=summary(figure, filters.period),
                total=value_shown(figure, figure.total) if figure.shown else "—",
                quarters=[(name, value_shown(figure, value)) for name, value in quarters] if figure.shown else [],
                parts=[(name, value_shown(figure, value)) for name, value in parts],
                trend_chart=_chart(quarters, figure, str(figure.indicator.label)) if figure.shown else None,
                parts_chart=_chart(parts, figure, str(figure.indicator.label)) if parts else None,
                listed=figure.indicator.describe is not None,
            )
        )
    return list(sections.items())
