"""The public "state of innovation" page, and the leadership dashboard beneath it for sponsors and
programme managers: every programme's figures by quarter, for an organisation and a period,
with the list behind each figure and the figures as CSV or a spreadsheet."""

from __future__ import annotations

from io import BytesIO

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from ponte.core.csvexport import csv_response
from ponte.core.indicators import kept_figures, quarter_choices, quarter_name, rows_behind
from ponte.core.pagecache import kept_part, public_page
from ponte.core.paging import first_counted, paginate
from ponte.core.registry import registry
from ponte.organisations.queries import organisations_named

from .forms import FilterForm
from .reading import Filters, indicators_for, shown_figures

SUGGESTIONS_SHOWN = 10
# The oldest decisions a sponsor's dashboard shows; the page of what they sponsor lists them all.
WAITING_SHOWN = 5
SPONSORED_SHOWN = 10


def _page(request, *, dashboard: bool):
    filters = Filters.from_query(request.GET, request.user)
    asked = {
        "organisation": filters.organisation_text,
        "start": quarter_name(filters.period.first),
        "end": quarter_name(filters.period.last),
    }
    first, last = quarter_name(filters.period.first), quarter_name(filters.period.last)

    def figures() -> str:
        # The same for every reader of this address (the public page's, or the dashboard's):
        # made once and kept for all of them until the next write.
        sections = shown_figures(request.user, filters, dashboard=dashboard)
        part = {"sections": sections, "filters": filters, "first": first, "last": last, "dashboard": dashboard}
        return render_to_string("insights/figures.html#figures", part, request)

    def filter_form() -> str:
        # A form of this address alone (a GET form: no token), drawn once for every reader: its
        # two selects of forty quarters are most of the time the page takes to draw.
        # The quarters offered, and those read when older (a period may start in 2000): a select
        # whose value is not among its options would show another quarter than the one read.
        quarters = sorted({*quarter_choices(), asked["start"], asked["end"]}, reverse=True)
        form = FilterForm(
            asked, quarters=quarters, suggestions=reverse("insights:organisations"), errors=filters.errors
        )
        return render_to_string("insights/figures.html#filters", {"form": form}, request)

    context = {
        "form": kept_part(request, "insights-filters", filter_form),
        "filters": filters,
        "figures": kept_part(request, "insights-figures", figures),
        "first": first,
        "last": last,
        "dashboard": dashboard,
        "can_read_dashboard": request.user.has_perm("insights.view_dashboard"),
        # A sponsor meets the decisions waiting for them at the top of their dashboard.
        "waiting": _decisions_waiting(request) if dashboard else "",
    }
    return render(request, "insights/figures.html", context, status=200)


def _decisions_waiting(request) -> str:
    """How many decisions wait for a sponsor, and the oldest: drawn once and kept for them
    until the next write."""
    if not request.user.has_perm("insights.view_sponsored"):
        return ""

    def panel() -> str:
        count, items = registry.decisions_waiting(request.user, shown=WAITING_SHOWN)
        return render_to_string("insights/figures.html#waiting", {"count": count, "items": items}, request)

    return kept_part(request, "sponsor-decisions", panel, for_person=True)


@public_page
def state_of_innovation(request):
    return _page(request, dashboard=False)


@login_required
def dashboard(request):
    if not request.user.has_perm("insights.view_dashboard"):
        raise PermissionDenied
    return _page(request, dashboard=True)


PARTS = ("waiting", "others")


@login_required
def sponsored(request):
    """Everything the sponsor sponsors, programme by programme: the decisions waiting for them
    first (the oldest first), then the rest (the latest moved first), a few of each, with the
    whole list a page at a time behind them."""
    if not request.user.has_perm("insights.view_sponsored"):
        raise PermissionDenied

    def lists() -> str:
        # The person's own, made once and kept for them until the next write.
        sections = []
        for source in registry.sponsored_sources.values():
            parts = []
            for part in PARTS:
                count, first = first_counted(getattr(source, part)(request.user), SPONSORED_SHOWN)
                parts.append((part, count, [source.describe(obj) for obj in first]))
            sections.append((source, parts))
        part = {"sections": sections, "shown": SPONSORED_SHOWN}
        return render_to_string("insights/sponsored.html#sections", part, request)

    context = {"sections": kept_part(request, "sponsored", lists, for_person=True)}
    return render(request, "insights/sponsored.html", context)


@login_required
def sponsored_list(request, key, part):
    """One list of the sponsor's page, whole, a page at a time."""
    if not request.user.has_perm("insights.view_sponsored"):
        raise PermissionDenied
    source = registry.sponsored_sources.get(key)
    if source is None or part not in PARTS:
        raise Http404
    page = paginate(request, getattr(source, part)(request.user))
    context = {"source": source, "part": part, "page": page, "items": [source.describe(obj) for obj in page]}
    return render(request, "insights/sponsored_list.html", context)


@login_required
def figure_rows(request, key):
    """The list behind a figure: the rows it counts, for the organisation and period asked."""
    if not request.user.has_perm("insights.view_dashboard"):
        raise PermissionDenied
    indicator = registry.indicators.get(key)
    if indicator is None or indicator.describe is None:
        raise Http404
    filters = Filters.from_query(request.GET, request.user)
    unknown_organisation = filters.organisation_ids is None and bool(filters.organisation_text)
    if unknown_organisation or (filters.organisation_ids is not None and indicator.organisation is None):
        rows = indicator.rows().none()
    else:
        rows = rows_behind(indicator, organisation_ids=filters.organisation_ids, period=filters.period)
    page = paginate(request, rows)
    context = {
        "indicator": indicator,
        "filters": filters,
        "page": page,
        "described": [indicator.describe(row) for row in page],
        "first": quarter_name(filters.period.first),
        "last": quarter_name(filters.period.last),
    }
    return render(request, "insights/rows.html", context)


def _table(request):
    """The figures asked for, a row per figure and quarter (and part): what the exports hold."""
    dashboard = request.user.has_perm("insights.view_dashboard")
    filters = Filters.from_query(request.GET, request.user)
    header = [_("Programme"), _("Figure"), _("Quarter"), _("Part"), _("Value"), _("Unit")]
    indicators = indicators_for(request.user, dashboard=dashboard)
    rows = []
    for figure in kept_figures(indicators, organisation_ids=filters.organisation_ids, period=filters.period):
        if not figure.shown:
            continue
        indicator = figure.indicator
        first = [str(indicator.section), str(indicator.label)]
        unit = indicator.unit_shown
        period = filters.period.name if indicator.dated_by else ""
        rows += [[*first, quarter_name(quarter), "", _number(value), unit] for quarter, value in figure.quarters]
        rows += [[*first, period, part, _number(value), unit] for part, value in figure.parts]
        rows.append([*first, period or _("today"), "", _number(figure.total), unit])
    return header, rows


def _number(value):
    """A value as a file keeps it: a number, never text in a language's format."""
    if value is None:
        return None
    return round(float(value), 2) if not isinstance(value, int) else value


def figures_csv(request):
    header, rows = _table(request)
    return csv_response([header, *rows], "ponte-innovation-figures.csv")


def figures_xlsx(request):
    from openpyxl import Workbook

    header, rows = _table(request)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Figures")[:31]
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEF", (24, 60, 22, 36, 14, 8), strict=True):
        sheet.column_dimensions[column].width = width
    output = BytesIO()
    book.save(output)
    response = HttpResponse(
        output.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="ponte-innovation-figures.xlsx"'
    return response


def organisation_suggestions(request):
    """Organisations whose name holds what was typed: for the organisation filter."""
    text = request.GET.get("q", "")
    found = organisations_named(request.user, text, shown=SUGGESTIONS_SHOWN)
    return JsonResponse({"results": [{"value": slug, "name": f"{name} ({slug})"} for slug, name in found]})
