"""An experiment's plan and results as the statistics read them: the sample the plan needs, a
results file read line by line (each fault named with its line), and the analysis of the
results against the plan that was frozen when the experiment started. No database here: the
services keep what this returns."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from . import statistics
from .models import ExperimentDesign, MetricKind

# A results file holds one row per unit; a national programme's experiment has tens of
# thousands, a few megabytes. Anything far larger is not a results file.
RESULTS_FILE_LIMIT = 20 * 1024 * 1024


def _fraction(plan: Mapping, name: str) -> float | None:
    """A proportion's baseline or effect as a fraction (the plan holds percent)."""
    value = plan.get(name)
    if value is None:
        return None
    return value / 100 if plan.get("metric_kind") == MetricKind.PROPORTION else value


def sample_needed(plan: Mapping) -> int | None:
    """Units the control group needs for the plan's metric, effect, significance and power;
    None while the plan lacks what the computation needs. A registered plan holds it already,
    computed when it was frozen."""
    if "sample_needed" in plan:
        return plan["sample_needed"]
    kind, baseline, effect = plan.get("metric_kind"), _fraction(plan, "baseline"), _fraction(plan, "min_effect")
    if not kind or baseline is None or not effect or not plan.get("alpha") or not plan.get("power"):
        return None
    if kind == MetricKind.MEAN and not plan.get("metric_sd"):
        return None
    return statistics.sample_size(
        kind,
        baseline=baseline,
        effect=effect,
        sd=plan.get("metric_sd"),
        alpha=plan["alpha"],
        power=plan["power"],
        treatment_share=(plan.get("treatment_share") or 50) / 100,
    )


def is_under_powered(plan: Mapping) -> bool:
    needed = sample_needed(plan)
    return needed is not None and (plan.get("planned_per_group") or 0) < needed


class ResultsFileError(Exception):
    """A results file that cannot be read, with the message its uploader reads."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Column:
    name: str
    values: dict[str, list[float]] = field(default_factory=dict)  # group → its units' values


def megabytes(size: int) -> str:
    # Rounded up, so that a file over the limit never reads as the limit itself.
    return number_format(math.ceil(size * 10 / (1024 * 1024)) / 10, decimal_pos=1)


def _number(text: str, decimal_comma: bool) -> float | None:
    text = text.strip()
    if decimal_comma:
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_results(data: bytes, plan: Mapping) -> tuple[list[Column], int]:
    """The metrics of a results file (the first column the group, then one column a metric,
    the primary metric first) and its number of rows; ResultsFileError names the first fault."""
    if len(data) > RESULTS_FILE_LIMIT:
        raise ResultsFileError(
            _("The file holds %(size)s MB: a results file may hold at most %(limit)s MB.")
            % {"size": megabytes(len(data)), "limit": megabytes(RESULTS_FILE_LIMIT)}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ResultsFileError(
            _("Line %(line)s is not in UTF-8: save the file as “CSV UTF-8” and upload it again.") % {"line": line}
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ResultsFileError(
            _("Line %(line)s holds characters a CSV file does not: save the file as “CSV UTF-8”.") % {"line": line}
        )
    # Lines may end as Windows, Unix or old Macintosh spreadsheets end them.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    # Spreadsheets that separate with semicolons write decimals with a comma.
    decimal_comma = delimiter != ","
    groups = (plan["control_name"], plan["treatment_name"])
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader, [])
        header = [name.strip() for name in header]
        if len(header) < 2 or not all(header):
            raise ResultsFileError(
                _(
                    "Line 1 must name the columns: the group first, then each metric, the primary metric "
                    "(%(metric)s) first."
                )
                % {"metric": plan["metric_name"]}
            )
        columns = [Column(name, {group: [] for group in groups}) for name in header[1:]]
        rows = 0
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            line = reader.line_num
            if len(row) != len(header):
                raise ResultsFileError(
                    _("Line %(line)s holds %(found)s values; line 1 names %(columns)s columns.")
                    % {"line": line, "found": len(row), "columns": len(header)}
                )
            group = row[0].strip()
            if not group:
                raise ResultsFileError(_("Line %(line)s has no group.") % {"line": line})
            if group not in groups:
                raise ResultsFileError(
                    _(
                        "Line %(line)s: “%(group)s” is not a group of the plan, which compares “%(control)s” "
                        "and “%(treatment)s”."
                    )
                    % {"line": line, "group": group[:60], "control": groups[0], "treatment": groups[1]}
                )
            for column, cell in zip(columns, row[1:], strict=True):
                if not cell.strip():
                    raise ResultsFileError(
                        _("Line %(line)s has no value for “%(column)s”.") % {"line": line, "column": column.name}
                    )
                value = _number(cell, decimal_comma)
                if value is None:
                    raise ResultsFileError(
                        _("Line %(line)s: “%(value)s” in column “%(column)s” is not a number.")
                        % {"line": line, "value": cell.strip()[:60], "column": column.name}
                    )
                if column is columns[0] and plan["metric_kind"] == MetricKind.PROPORTION and value not in (0, 1):
                    raise ResultsFileError(
                        _(
                            "Line %(line)s: the primary metric “%(column)s” is a proportion, so each value is "
                            "0 or 1, not “%(value)s”."
                        )
                        % {"line": line, "column": column.name, "value": cell.strip()[:60]}
                    )
                column.values[group].append(value)
            rows += 1
    except csv.Error:
        raise ResultsFileError(
            _("Line %(line)s cannot be read as CSV: check its quotes.") % {"line": reader.line_num}
        ) from None
    _check_groups(columns[0], groups, rows)
    return columns, rows


def _check_groups(column: Column, groups: tuple[str, str], rows: int) -> None:
    if rows < 2:
        raise ResultsFileError(
            _("The file holds %(rows)s row of results: the analysis needs at least two in each group.") % {"rows": rows}
        )
    present = [group for group in groups if column.values[group]]
    if len(present) < 2:
        raise ResultsFileError(
            _("The file holds only the group “%(group)s”: the plan compares “%(control)s” with “%(treatment)s”.")
            % {"group": present[0], "control": groups[0], "treatment": groups[1]}
        )
    for group in groups:
        if len(column.values[group]) < 2:
            raise ResultsFileError(
                _("The group “%(group)s” has a single row: each group needs at least two.") % {"group": group}
            )


def _metric(name: str, kind: str, primary: bool, control, treatment, comparison) -> dict:
    return {
        "name": name,
        "kind": kind,
        "primary": primary,
        "control": {"n": control.n, "value": control.value, "sd": control.sd},
        "treatment": {"n": treatment.n, "value": treatment.value, "sd": treatment.sd},
        "test": comparison.test,
        "difference": comparison.difference,
        "relative": comparison.relative,
        "ci_low": comparison.ci_low,
        "ci_high": comparison.ci_high,
        "p": comparison.p_value,
    }


def analyse_file(columns: list[Column], plan: Mapping) -> dict:
    """The analysis of a results file against the frozen plan: every metric, Holm-corrected."""
    control_name, treatment_name = plan["control_name"], plan["treatment_name"]
    metrics = []
    for position, column in enumerate(columns):
        control, treatment = column.values[control_name], column.values[treatment_name]
        if position == 0:
            kind = plan["metric_kind"]
        else:
            kind = MetricKind.PROPORTION if set(control + treatment) <= {0.0, 1.0} else MetricKind.MEAN
        c, t, comparison = statistics.compare_values(control, treatment, kind, alpha=plan["alpha"])
        metrics.append(_metric(column.name, kind, position == 0, c, t, comparison))
    return _finish(metrics, plan)


def analyse_summaries(control: statistics.GroupSummary, treatment: statistics.GroupSummary, plan: Mapping) -> dict:
    """The analysis of the primary metric from each group's summary (no unit values, so no
    rank test: Welch's for a mean)."""
    if plan["metric_kind"] == MetricKind.PROPORTION:
        comparison = statistics.two_proportions(control, treatment, alpha=plan["alpha"])
    else:
        comparison = statistics.welch(control, treatment, alpha=plan["alpha"])
    return _finish([_metric(plan["metric_name"], plan["metric_kind"], True, control, treatment, comparison)], plan)


def _finish(metrics: list[dict], plan: Mapping) -> dict:
    for metric, adjusted in zip(metrics, statistics.holm([m["p"] for m in metrics]), strict=True):
        metric["p_adjusted"] = adjusted
        metric["significant"] = adjusted < plan["alpha"]
    primary = metrics[0]
    result = {"alpha": plan["alpha"], "metrics": metrics, "srm": None}
    # Only a randomised split has a planned ratio chance alone keeps to.
    if plan["design"] == ExperimentDesign.AB:
        share = plan["treatment_share"] / 100
        p = statistics.sample_ratio_mismatch(primary["control"]["n"], primary["treatment"]["n"], share)
        result["srm"] = {"expected_share": share, "p": p, "broken": statistics.is_broken_split(p)}
    return result
