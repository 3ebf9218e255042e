"""The arithmetic of an experiment: the sample it needs, and what its results say.

Every test statistic comes from scipy and statsmodels, the libraries statisticians check; this
module only chooses the right test and handles the edges they leave open (no conversions at all, no
spread at all). It knows nothing of Django: numbers in, numbers out.

- A proportion (did the unit convert: 0 or 1) is compared with the two-proportion z-test
  (pooled), its difference bounded by Newcomb's hybrid score interval, which stays inside
  [-1, 1] and behaves with zero conversions where the textbook (Wald) interval collapses.
- A mean is compared with Welch's t-test, which does not assume equal variances; when the
  values of a group are far from normal (|skewness| > 1) and the units were uploaded one by
  one, the p-value comes from the Mann–Whitney U test instead.
- A split that does not match the plan (chi-square goodness of fit, p < 0.001, the threshold
  experimenters use so that chance alone almost never raises it) is a broken experiment: its
  effect is not to be read until the cause is found.
- Several metrics are corrected together with Holm's step-down method (a sort and a product,
  written out: see holm).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

# Kinds of metric.
PROPORTION = "proportion"
MEAN = "mean"

# Tests.
TWO_PROPORTIONS = "two_proportions"
WELCH = "welch"
MANN_WHITNEY = "mann_whitney"

SRM_THRESHOLD = 0.001
SKEWNESS_LIMIT = 1.0


@dataclass(frozen=True)
class GroupSummary:
    """A group as the analysis reads it: its size, its proportion or mean, and its spread
    (the standard deviation; for a proportion, that of a 0/1 outcome)."""

    n: int
    value: float
    sd: float
    successes: int | None = None  # a proportion's count of ones

    @classmethod
    def of_proportion(cls, successes: int, n: int) -> GroupSummary:
        p = successes / n
        return cls(n=n, value=p, sd=math.sqrt(p * (1 - p)), successes=successes)

    @classmethod
    def of_values(cls, values: Sequence[float]) -> GroupSummary:
        import numpy as np

        array = np.asarray(values, dtype=float)
        return cls(n=len(array), value=float(array.mean()), sd=float(array.std(ddof=1)) if len(array) > 1 else 0.0)


@dataclass(frozen=True)
class Comparison:
    """Treatment against control: the difference (treatment − control), the change relative to
    control (None when control is zero), its confidence interval and the test's p-value."""

    test: str
    difference: float
    relative: float | None
    ci_low: float
    ci_high: float
    p_value: float


def _relative(difference: float, control: float) -> float | None:
    # Against the control's size, so that -10 becoming -5 is a rise (+50 %), as it is.
    return difference / abs(control) if control else None


def two_proportions(control: GroupSummary, treatment: GroupSummary, *, alpha: float = 0.05) -> Comparison:
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

    difference = treatment.value - control.value
    pooled = (control.successes + treatment.successes) / (control.n + treatment.n)
    if pooled in (0.0, 1.0):
        # Every unit in both groups did the same: there is no difference to find.
        p_value = 1.0
    else:
        _z, p_value = proportions_ztest([treatment.successes, control.successes], [treatment.n, control.n])
    low, high = confint_proportions_2indep(
        treatment.successes, treatment.n, control.successes, control.n, compare="diff", method="newcomb", alpha=alpha
    )
    # The interval's ends may stray past ±1 by a rounding error when a group is all or nothing.
    low, high = max(float(low), -1.0), min(float(high), 1.0)
    return Comparison(TWO_PROPORTIONS, difference, _relative(difference, control.value), low, high, float(p_value))


def welch(control: GroupSummary, treatment: GroupSummary, *, alpha: float = 0.05) -> Comparison:
    from scipy import stats

    if control.n < 2 or treatment.n < 2:
        raise ValueError("Welch's t-test needs at least two units in each group")
    difference = treatment.value - control.value
    variance_c, variance_t = control.sd**2 / control.n, treatment.sd**2 / treatment.n
    se = math.sqrt(variance_c + variance_t)
    if se == 0:
        # No spread in either group: the means are either equal or certainly different.
        return Comparison(
            WELCH, difference, _relative(difference, control.value), difference, difference, float(difference == 0)
        )
    # Welch–Satterthwaite degrees of freedom.
    df = (variance_c + variance_t) ** 2 / (variance_c**2 / (control.n - 1) + variance_t**2 / (treatment.n - 1))
    p_value = stats.ttest_ind_from_stats(
        treatment.value, treatment.sd, treatment.n, control.value, control.sd, control.n, equal_var=False
    ).pvalue
    margin = float(stats.t.ppf(1 - alpha / 2, df)) * se
    return Comparison(
        WELCH,
        difference,
        _relative(difference, control.value),
        difference - margin,
        difference + margin,
        float(p_value),
    )


def far_from_normal(values: Sequence[float]) -> bool:
    """Whether a group's values are too skewed for a test of means to be trusted on its own."""
    from scipy import stats

    if len(values) < 3 or min(values) == max(values):
        return False
    return abs(float(stats.skew(values))) > SKEWNESS_LIMIT


def mann_whitney(control: Sequence[float], treatment: Sequence[float], *, alpha: float = 0.05) -> Comparison:
    """The difference of means and its interval (Welch's), with the p-value of the rank test,
    which does not need the data to be normal. The rank test compares whole distributions, not
    means: its p-value may be small while the means' interval crosses zero, and the page says so."""
    from scipy import stats

    means = welch(GroupSummary.of_values(control), GroupSummary.of_values(treatment), alpha=alpha)
    if min(control) == max(control) == min(treatment) == max(treatment):
        p_value = 1.0
    else:
        p_value = float(stats.mannwhitneyu(treatment, control, alternative="two-sided").pvalue)
    return Comparison(MANN_WHITNEY, means.difference, means.relative, means.ci_low, means.ci_high, p_value)


def compare_values(control: Sequence[float], treatment: Sequence[float], kind: str, *, alpha: float = 0.05):
    """Each group's summary and the comparison, from the units' values: the right test for the
    metric and for the shape of the data."""
    if kind == PROPORTION:
        c = GroupSummary.of_proportion(int(sum(control)), len(control))
        t = GroupSummary.of_proportion(int(sum(treatment)), len(treatment))
        return c, t, two_proportions(c, t, alpha=alpha)
    c, t = GroupSummary.of_values(control), GroupSummary.of_values(treatment)
    if far_from_normal(control) or far_from_normal(treatment):
        return c, t, mann_whitney(control, treatment, alpha=alpha)
    return c, t, welch(c, t, alpha=alpha)


def sample_ratio_mismatch(n_control: int, n_treatment: int, treatment_share: float) -> float:
    """The p-value of the split observed against the split planned (the treatment's share)."""
    from scipy import stats

    total = n_control + n_treatment
    expected = [total * (1 - treatment_share), total * treatment_share]
    return float(stats.chisquare([n_control, n_treatment], f_exp=expected).pvalue)


def is_broken_split(p_value: float) -> bool:
    return p_value < SRM_THRESHOLD


def holm(p_values: Sequence[float]) -> list[float]:
    """The p-values adjusted for testing several metrics at once (Holm–Bonferroni): sorted,
    the i-th smallest of m multiplied by m - i, never below the one before, at most 1.

    Written out rather than taken from statsmodels' multipletests, which gives the same values
    (the tests compare them) but runs a full garbage collection at every call: some 70 ms of a
    web worker's time."""
    import numpy as np

    if len(p_values) == 0:
        return []
    raw = np.asarray(p_values, dtype=float)
    order = np.argsort(raw, kind="stable")
    scaled = raw[order] * np.arange(len(raw), 0, -1)
    adjusted = np.empty_like(raw)
    adjusted[order] = np.minimum(np.maximum.accumulate(scaled), 1.0)
    return [float(p) for p in adjusted]


def sample_size(
    kind: str,
    *,
    baseline: float,
    effect: float,
    sd: float | None = None,
    alpha: float = 0.05,
    power: float = 0.8,
    treatment_share: float = 0.5,
) -> int | None:
    """Units needed in the control group to detect `effect` (an absolute difference: a share of
    units for a proportion, the metric's unit for a mean) with the significance `alpha` and the
    `power` asked for, two-sided; the treatment group needs the control's size times
    treatment_share / (1 − treatment_share). None when the effect cannot be detected at all
    (zero, or a proportion pushed past 0 or 1)."""
    from statsmodels.stats.power import NormalIndPower, TTestIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    if effect == 0 or not 0 < treatment_share < 1:
        return None
    ratio = treatment_share / (1 - treatment_share)
    if kind == PROPORTION:
        target = baseline + effect
        if not (0 <= baseline <= 1) or not (0 <= target <= 1):
            return None
        size = abs(float(proportion_effectsize(target, baseline)))
        solver = NormalIndPower()
    else:
        if not sd or sd <= 0:
            return None
        size = abs(effect) / sd
        solver = TTestIndPower()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the failure to converge is handled below
            n = float(solver.solve_power(effect_size=size, alpha=alpha, power=power, ratio=ratio))
    except (ValueError, ArithmeticError):
        n = math.nan
    if not math.isfinite(n) or n <= 0:
        # The solver gives up at the extremes (an effect so large two units show it, or so
        # small it needs billions): the normal approximation answers there.
        n = _normal_approximation(size, alpha=alpha, power=power, ratio=ratio)
    return max(2, math.ceil(n)) if math.isfinite(n) else None


def _normal_approximation(size: float, *, alpha: float, power: float, ratio: float) -> float:
    from statistics import NormalDist

    if size == 0:
        return math.inf
    z = NormalDist().inv_cdf(1 - alpha / 2) + NormalDist().inv_cdf(power)
    return (z / size) ** 2 * (1 + 1 / ratio)
