"""An experiment as its page shows it: the plan as rows, the deviations, and the results as a
chart, a data table and a sentence in plain language — every number in the reader's locale."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .models import PLAN_FIELDS, Experiment, ExperimentDesign, MetricKind

CHART_WIDTH = 220  # the longest bar, in the chart's own units
CHART_LEFT = 110  # where bars start, after the group's name


def _number(value: float, places: int = 2) -> str:
    # Rounded first: number_format cuts the decimals it does not show (0.0999… would read 0.09).
    return number_format(round(value, places), decimal_pos=places, use_l10n=True)


def _signed(value: float, places: int = 1) -> str:
    return ("+" if value > 0 else "") + _number(value, places)


def p_value(p: float) -> str:
    return f"p < {_number(0.001, 3)}" if p < 0.001 else f"p = {_number(p, 3)}"


def _field_label(name: str) -> str:
    return str(Experiment._meta.get_field(name).verbose_name).capitalize()


def _plan_value(name: str, value, plan: dict) -> str:
    if value is None or value == "":
        return "—"
    if name == "metric_kind":
        return str(MetricKind(value).label)
    if name == "design":
        return str(ExperimentDesign(value).label)
    if isinstance(value, float):
        proportion = plan.get("metric_kind") == MetricKind.PROPORTION
        if name == "baseline" and proportion:
            return f"{_number(value, 1)} %"
        if name == "min_effect" and proportion:
            return _("%(points)s percentage points") % {"points": _signed(value)}
        if name == "treatment_share":
            return f"{_number(value, 0)} %"
        return number_format(value, use_l10n=True)
    return str(value)


def plan_rows(plan: dict) -> list[tuple[str, str]]:
    """The plan's fields, labelled, as the reader reads them."""
    # A proportion's spread follows from it: the plan asks a standard deviation of means only.
    shown = [name for name in PLAN_FIELDS if name in plan]
    if plan.get("metric_kind") == MetricKind.PROPORTION:
        shown.remove("metric_sd")
    return [(_field_label(name), _plan_value(name, plan.get(name), plan)) for name in shown]


def deviation_rows(deviations) -> list[dict]:
    return [
        {
            "field": _field_label(deviation.field),
            "before": deviation.before or "—",
            "after": deviation.after or "—",
            "reason": deviation.reason,
            "who": deviation.made_by.name or deviation.made_by.email,
            "when": deviation.made_at,
        }
        for deviation in deviations
    ]


def _value(metric: dict, group: dict) -> str:
    if metric["kind"] == MetricKind.PROPORTION:
        return f"{_number(group['value'] * 100, 1)} %"
    return _number(group["value"])


def _difference(metric: dict) -> tuple[str, str, str]:
    """The difference, and its interval's ends, in the metric's terms."""
    if metric["kind"] == MetricKind.PROPORTION:
        points = _("%(points)s percentage points")
        return (
            points % {"points": _signed(metric["difference"] * 100)},
            _signed(metric["ci_low"] * 100),
            _signed(metric["ci_high"] * 100),
        )
    return _signed(metric["difference"], 2), _signed(metric["ci_low"], 2), _signed(metric["ci_high"], 2)


def _test_name(test: str) -> str:
    return {
        "two_proportions": _("two-proportion z-test"),
        "welch": _("Welch's t-test"),
        "mann_whitney": _("Mann–Whitney U test (the data are far from normal)"),
    }[test]


def _chart(metric: dict, plan: dict) -> list[dict] | None:
    groups = [(plan["control_name"], metric["control"]), (plan["treatment_name"], metric["treatment"])]
    values = [group["value"] for _name, group in groups]
    if min(values) < 0:
        return None
    top = 1.0 if metric["kind"] == MetricKind.PROPORTION else (max(values) or 1.0)
    return [
        {
            "name": name,
            "label": _value(metric, group),
            # SVG coordinates, written as SVG reads them whatever the reader's locale.
            "width": f"{width:.1f}",
            "y": str(8 + i * 34),
            "text_y": str(25 + i * 34),
            "value_x": f"{CHART_LEFT + width + 6:.1f}",
        }
        for i, (name, group) in enumerate(groups)
        for width in [round(CHART_WIDTH * group["value"] / top, 1)]
    ]


def _sentence(metric: dict, plan: dict, level: int) -> str:
    difference, low, high = _difference(metric)
    params = {
        "metric": metric["name"],
        "treatment": plan["treatment_name"],
        "control": plan["control_name"],
        "treatment_value": _value(metric, metric["treatment"]),
        "control_value": _value(metric, metric["control"]),
        "difference": difference,
        "level": level,
        "low": low,
        "high": high,
        "p": p_value(metric["p_adjusted"]),
    }
    said = (
        _(
            "“%(metric)s”: %(treatment_value)s in “%(treatment)s” against %(control_value)s in “%(control)s”, a "
            "difference of %(difference)s (%(level)s %% confidence interval %(low)s to %(high)s)."
        )
        % params
    )
    if metric["relative"] is not None:
        said += " " + _("That is a relative change of %(relative)s %%.") % {
            "relative": _signed(metric["relative"] * 100)
        }
    if metric["test"] == "mann_whitney":
        said += " " + _(
            "The values are far from normal, so the p-value comes from a rank test, which compares the groups' "
            "whole distributions rather than their means."
        )
    if metric["significant"]:
        said += (
            " "
            + _("A difference this large would rarely arise by chance alone (%(p)s): it is statistically significant.")
            % params
        )
    else:
        said += (
            " "
            + _("A difference this large could well arise by chance (%(p)s): the data do not show an effect.") % params
        )
    return said


def results_view(experiment: Experiment) -> dict | None:
    """The results as the page shows them; None before any are recorded."""
    results, plan = experiment.results, experiment.registration
    if not results:
        return None
    level = round((1 - results["alpha"]) * 100)
    srm = results.get("srm")
    broken = bool(srm and srm["broken"])
    metrics = []
    for metric in results["metrics"]:
        difference, low, high = _difference(metric)
        metrics.append(
            {
                "name": metric["name"],
                "primary": metric["primary"],
                "control": {**metric["control"], "shown": _value(metric, metric["control"])},
                "treatment": {**metric["treatment"], "shown": _value(metric, metric["treatment"])},
                "sd_control": _number(metric["control"]["sd"]),
                "sd_treatment": _number(metric["treatment"]["sd"]),
                "difference": difference,
                "ci": (low, high),
                "test": _test_name(metric["test"]),
                "p": p_value(metric["p"]),
                "p_adjusted": p_value(metric["p_adjusted"]),
                "significant": metric["significant"],
                "sentence": _sentence(metric, plan, level),
                "chart": _chart(metric, plan),
            }
        )
    split = None
    if srm:
        control_n = results["metrics"][0]["control"]["n"]
        treatment_n = results["metrics"][0]["treatment"]["n"]
        split = {
            "broken": broken,
            "sentence": _(
                "The split does not match the plan: %(control_n)s units in “%(control)s” and %(treatment_n)s in "
                "“%(treatment)s”, where the plan gives the treatment %(share)s %% of units. A split this far off "
                "almost never happens by chance (%(p)s): something in the assignment or the counting is broken. "
                "Do not read the effect before finding why."
            )
            % {
                "control_n": number_format(control_n, force_grouping=True),
                "treatment_n": number_format(treatment_n, force_grouping=True),
                "control": plan["control_name"],
                "treatment": plan["treatment_name"],
                "share": _number(srm["expected_share"] * 100, 0),
                "p": p_value(srm["p"]),
            }
            if broken
            else _("The split matches the plan (%(p)s).") % {"p": p_value(srm["p"])},
        }
    return {
        "level": level,
        "metrics": metrics,
        "split": split,
        "several": len(metrics) > 1,
        "source": results.get("source"),
        "file_name": results.get("file_name"),
        "rows": results.get("rows"),
        "at": experiment.results_at,
    }
