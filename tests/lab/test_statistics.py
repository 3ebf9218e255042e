"""The arithmetic of the lab's experiments (ponte.lab.statistics), checked three ways:

- against scipy and statsmodels, called here on their own (on the raw values where they can
  be), so that a wrong argument order or a wrong option in the module shows;
- against the textbook formulas, written out below with `math` alone;
- against figures published for worked examples, to the precision they were printed with.

Then the edges the libraries leave open: no conversions at all, no spread at all, tiny groups,
skewed values, splits that do not match the plan."""

import math
import statistics as stdlib_statistics
from statistics import NormalDist

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy import optimize, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower, TTestIndPower
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_effectsize, proportions_ztest

from ponte.lab import statistics
from ponte.lab.statistics import (
    MANN_WHITNEY,
    MEAN,
    PROPORTION,
    TWO_PROPORTIONS,
    WELCH,
    GroupSummary,
    compare_values,
    far_from_normal,
    holm,
    is_broken_split,
    mann_whitney,
    sample_ratio_mismatch,
    sample_size,
    two_proportions,
    welch,
)

# Welch's t-test, Wikipedia, "Welch's t-test", Example 1.
WIKIPEDIA_A1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4]
WIKIPEDIA_A2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4]

# Two samples whose Welch test R prints as
#   t = -1.8325, df = 17.9, p-value = 0.08356
#   95 percent confidence interval: -2.1469104  0.1469104   (mean of x 10.4, mean of y 11.4)
# for t.test(ts1, ts2), the example of a Cross Validated answer on Welch's confidence interval.
R_TS1 = [11, 9, 10, 11, 10, 12, 9, 11, 12, 9]
R_TS2 = [11, 13, 10, 13, 12, 9, 11, 12, 12, 11]


# The formulas, by hand ----------------------------------------------------------------------------


def normal_two_sided_p(z):
    """P(|Z| ≥ |z|) for a standard normal Z."""
    return math.erfc(abs(z) / math.sqrt(2))


def pooled_z(successes_c, n_c, successes_t, n_t):
    """The pooled two-proportion z statistic, treatment minus control."""
    p_c, p_t = successes_c / n_c, successes_t / n_t
    pooled = (successes_c + successes_t) / (n_c + n_t)
    return (p_t - p_c) / math.sqrt(pooled * (1 - pooled) * (1 / n_c + 1 / n_t))


def welch_by_hand(control, treatment):
    """Welch's t (treatment minus control), its standard error and the Welch–Satterthwaite df."""
    n_c, n_t = len(control), len(treatment)
    mean_c, mean_t = sum(control) / n_c, sum(treatment) / n_t
    var_c = sum((x - mean_c) ** 2 for x in control) / (n_c - 1)
    var_t = sum((x - mean_t) ** 2 for x in treatment) / (n_t - 1)
    a, b = var_c / n_c, var_t / n_t
    se = math.sqrt(a + b)
    df = (a + b) ** 2 / (a**2 / (n_c - 1) + b**2 / (n_t - 1))
    return (mean_t - mean_c) / se, se, df


def df_behind_interval(comparison, se, alpha=0.05):
    """The degrees of freedom whose t quantile gives the interval's half-width for this standard
    error: what the module used, read back from what it returned."""
    critical = (comparison.ci_high - comparison.ci_low) / 2 / se
    return optimize.brentq(lambda df: stats.t.ppf(1 - alpha / 2, df) - critical, 0.5, 1e6)


def proportions(successes_c, n_c, successes_t, n_t, **options):
    return two_proportions(
        GroupSummary.of_proportion(successes_c, n_c), GroupSummary.of_proportion(successes_t, n_t), **options
    )


def means(control, treatment, **options):
    return welch(GroupSummary.of_values(control), GroupSummary.of_values(treatment), **options)


# Group summaries ----------------------------------------------------------------------------------


def test_a_proportion_summary_holds_the_share_of_ones_and_the_spread_of_a_zero_one_outcome():
    group = GroupSummary.of_proportion(30, 200)
    assert group.n == 200
    assert group.successes == 30
    assert group.value == pytest.approx(0.15)
    assert group.sd == pytest.approx(math.sqrt(0.15 * 0.85))


def test_a_values_summary_holds_the_mean_and_the_sample_standard_deviation():
    values = [3.0, 7.0, 8.0, 12.5, 4.25]
    group = GroupSummary.of_values(values)
    assert group.n == 5
    assert group.value == pytest.approx(stdlib_statistics.mean(values))
    assert group.sd == pytest.approx(stdlib_statistics.stdev(values))  # n − 1 in the denominator
    assert group.successes is None


def test_a_single_value_has_no_standard_deviation_and_is_given_zero():
    group = GroupSummary.of_values([4.0])
    assert (group.n, group.value, group.sd) == (1, 4.0, 0.0)


# Two proportions ----------------------------------------------------------------------------------

PROPORTION_CASES = [
    (200, 1000, 230, 1000),
    (120, 1000, 95, 1000),
    (45, 480, 71, 515),
    (3, 40, 9, 37),
    (1, 5000, 12, 5100),
]


@pytest.mark.parametrize(("successes_c", "n_c", "successes_t", "n_t"), PROPORTION_CASES)
def test_two_proportions_gives_the_pooled_z_test_and_the_newcombe_interval_of_statsmodels(
    successes_c, n_c, successes_t, n_t
):
    result = proportions(successes_c, n_c, successes_t, n_t)
    _z, expected_p = proportions_ztest([successes_t, successes_c], [n_t, n_c])
    low, high = confint_proportions_2indep(successes_t, n_t, successes_c, n_c, compare="diff", method="newcomb")
    assert result.test == TWO_PROPORTIONS
    assert result.p_value == pytest.approx(expected_p, rel=1e-9)
    assert (result.ci_low, result.ci_high) == (pytest.approx(low, rel=1e-9), pytest.approx(high, rel=1e-9))


@pytest.mark.parametrize(("successes_c", "n_c", "successes_t", "n_t"), PROPORTION_CASES)
def test_two_proportions_p_value_is_the_pooled_z_statistic_read_on_the_normal_curve(successes_c, n_c, successes_t, n_t):
    result = proportions(successes_c, n_c, successes_t, n_t)
    assert result.p_value == pytest.approx(normal_two_sided_p(pooled_z(successes_c, n_c, successes_t, n_t)), rel=1e-9)


def test_two_proportions_reports_treatment_minus_control_and_the_change_relative_to_control():
    result = proportions(200, 1000, 230, 1000)
    assert result.difference == pytest.approx(0.03)
    assert result.relative == pytest.approx(0.15)  # 0.03 on a base of 0.20
    assert result.ci_low < result.difference < result.ci_high
    worse = proportions(230, 1000, 200, 1000)
    assert worse.difference == pytest.approx(-0.03)
    assert worse.p_value == pytest.approx(result.p_value)


def test_two_proportions_interval_widens_with_the_confidence_asked_and_follows_statsmodels():
    at_95 = proportions(45, 480, 71, 515)
    at_99 = proportions(45, 480, 71, 515, alpha=0.01)
    low, high = confint_proportions_2indep(71, 515, 45, 480, compare="diff", method="newcomb", alpha=0.01)
    assert (at_99.ci_low, at_99.ci_high) == (pytest.approx(low), pytest.approx(high))
    assert at_99.ci_low < at_95.ci_low < at_95.ci_high < at_99.ci_high
    assert at_99.p_value == at_95.p_value  # the test does not depend on the interval's confidence


def test_no_conversion_in_either_group_means_nothing_to_find_with_a_finite_interval_around_zero():
    result = proportions(0, 100, 0, 120)
    assert result.difference == 0
    assert result.p_value == 1.0
    assert result.relative is None  # there is no base to be relative to
    assert all(math.isfinite(bound) for bound in (result.ci_low, result.ci_high))
    assert -1 <= result.ci_low < 0 < result.ci_high <= 1


def test_every_unit_converting_in_both_groups_means_nothing_to_find_either():
    result = proportions(100, 100, 120, 120)
    assert result.difference == 0
    assert result.p_value == 1.0
    assert result.relative == 0
    assert all(math.isfinite(bound) for bound in (result.ci_low, result.ci_high))
    assert -1 <= result.ci_low < 0 < result.ci_high <= 1


def test_conversions_only_in_treatment_are_tested_with_no_relative_change_to_report():
    result = proportions(0, 100, 5, 120)
    _z, expected_p = proportions_ztest([5, 0], [120, 100])
    assert result.relative is None
    assert result.difference == pytest.approx(5 / 120)
    assert result.p_value == pytest.approx(expected_p)
    assert result.p_value == pytest.approx(normal_two_sided_p(pooled_z(0, 100, 5, 120)))


def test_the_newcombe_interval_stays_inside_minus_one_and_one_when_groups_are_at_the_extremes():
    result = proportions(0, 50, 50, 50)
    assert result.difference == 1.0
    assert 0.8 < result.ci_low < result.ci_high <= 1.0
    assert result.p_value < 1e-20


@given(
    st.integers(min_value=1, max_value=2000).flatmap(
        lambda n_c: st.tuples(st.integers(0, n_c), st.just(n_c), st.integers(1, 2000))
    ),
    st.data(),
)
def test_two_proportions_interval_always_holds_the_observed_difference_and_stays_in_bounds(control, data):
    successes_c, n_c, n_t = control
    successes_t = data.draw(st.integers(0, n_t))
    result = proportions(successes_c, n_c, successes_t, n_t)
    assert result.ci_low <= result.difference <= result.ci_high
    # Newcombe's bounds stay in [-1, 1] up to rounding: statsmodels returns ±1.0000000000000002
    # when one group has all its units converting and the other none.
    assert result.ci_low >= -1 - 1e-12
    assert result.ci_high <= 1 + 1e-12
    assert 0 <= result.p_value <= 1


# Welch's t-test ------------------------------------------------------------------------------------


def test_welch_reproduces_wikipedia_example_one():
    """Wikipedia, "Welch's t-test", Example 1: t = −2.46, df ≈ 25.0, p = 0.021 for A1 against A2."""
    result = means(WIKIPEDIA_A1, WIKIPEDIA_A2)  # treatment A2 minus control A1
    t, se, df = welch_by_hand(WIKIPEDIA_A2, WIKIPEDIA_A1)  # A1 minus A2, as printed
    assert round(t, 2) == -2.46
    assert round(df, 1) == 25.0
    assert round(result.p_value, 3) == 0.021
    assert round(result.difference, 2) == 2.17
    assert round(-result.difference / se, 2) == -2.46
    assert round(df_behind_interval(result, se), 1) == 25.0


def test_welch_reproduces_the_interval_r_prints_for_the_same_data():
    result = means(R_TS1, R_TS2)  # R's x − y is control − treatment: the signs turn over
    assert result.difference == pytest.approx(1.0)
    assert round(result.ci_low, 7) == -0.1469104
    assert round(result.ci_high, 7) == 2.1469104
    assert round(result.p_value, 5) == 0.08356
    _t, se, _df = welch_by_hand(R_TS1, R_TS2)
    assert round(df_behind_interval(result, se), 1) == 17.9
    assert round(result.difference / se, 4) == 1.8325


WELCH_CASES = [
    (WIKIPEDIA_A1, WIKIPEDIA_A2),
    ([10.1, 9.8, 10.4, 10.0, 9.9, 10.2, 10.3, 9.7], [11.5, 8.0, 14.2, 6.9, 12.8, 9.4]),
    ([100, 120, 90, 110, 105, 98, 130, 87, 101, 115, 99, 108], [140, 95, 160, 150, 80]),
    ([1.5, 2.5], [3.0, 7.0]),
]


@pytest.mark.parametrize(("control", "treatment"), WELCH_CASES)
def test_welch_matches_scipy_run_on_the_raw_values(control, treatment):
    result = means(control, treatment)
    expected = stats.ttest_ind(treatment, control, equal_var=False)
    interval = expected.confidence_interval(0.95)
    assert result.test == WELCH
    assert result.difference == pytest.approx(stdlib_statistics.mean(treatment) - stdlib_statistics.mean(control))
    assert result.p_value == pytest.approx(expected.pvalue, rel=1e-9)
    assert result.ci_low == pytest.approx(interval.low, rel=1e-9)
    assert result.ci_high == pytest.approx(interval.high, rel=1e-9)


@pytest.mark.parametrize(("control", "treatment"), WELCH_CASES)
def test_welch_matches_the_welch_satterthwaite_formula_written_by_hand(control, treatment):
    result = means(control, treatment, alpha=0.1)
    t, se, df = welch_by_hand(control, treatment)
    margin = stats.t.ppf(0.95, df) * se
    assert result.ci_low == pytest.approx(t * se - margin)
    assert result.ci_high == pytest.approx(t * se + margin)
    assert result.p_value == pytest.approx(2 * stats.t.sf(abs(t), df))


def test_welch_differs_from_the_pooled_student_t_when_variances_and_sizes_differ():
    control = [10.1, 9.8, 10.4, 10.0, 9.9, 10.2, 10.3, 9.7, 10.0, 10.1, 9.9, 10.2, 10.0, 9.8, 10.1, 10.0]
    treatment = [15.5, 8.0, 18.2, 6.9, 16.8]
    result = means(control, treatment)
    student = stats.ttest_ind(treatment, control, equal_var=True)
    welch_scipy = stats.ttest_ind(treatment, control, equal_var=False)
    assert result.p_value == pytest.approx(welch_scipy.pvalue)
    # Pooling the variances lets the calm, large control hide the small treatment's noise:
    # Student's test calls the difference significant, Welch's does not.
    assert student.pvalue < 0.05 < result.p_value
    assert result.p_value > 10 * student.pvalue
    student_interval = student.confidence_interval(0.95)
    assert student_interval.low > 0 > result.ci_low
    assert result.ci_high - result.ci_low > 2 * (student_interval.high - student_interval.low)


def test_identical_groups_show_no_difference_and_a_p_value_of_one():
    values = [4.0, 5.5, 6.1, 3.9, 5.0, 4.4]
    result = means(values, list(values))
    assert result.difference == 0
    assert result.relative == 0
    assert result.p_value == pytest.approx(1.0)
    assert result.ci_low == pytest.approx(-result.ci_high)


def test_two_units_per_group_still_give_scipys_answer_with_a_wide_interval():
    result = means([1.5, 2.5], [3.0, 7.0])
    expected = stats.ttest_ind([3.0, 7.0], [1.5, 2.5], equal_var=False)
    assert result.p_value == pytest.approx(expected.pvalue)
    assert result.ci_low < 0 < result.difference == 3.0 < result.ci_high
    assert result.ci_high - result.ci_low > 20  # about 1.1 degrees of freedom: little is known


def test_no_spread_and_equal_means_gives_p_one_and_an_interval_on_zero():
    result = means([5.0] * 4, [5.0] * 6)
    assert (result.difference, result.ci_low, result.ci_high, result.p_value) == (0, 0, 0, 1.0)


def test_no_spread_and_different_means_gives_p_zero_and_an_interval_collapsed_on_the_difference():
    result = means([5.0] * 4, [6.5] * 6)
    assert (result.difference, result.ci_low, result.ci_high, result.p_value) == (1.5, 1.5, 1.5, 0.0)
    assert result.relative == pytest.approx(0.3)


@pytest.mark.filterwarnings("ignore:Precision loss occurred in moment calculation")
def test_spread_in_one_group_only_is_still_a_welch_test():
    result = means([5.0] * 6, [5.5, 6.5, 6.0, 7.0])
    expected = stats.ttest_ind([5.5, 6.5, 6.0, 7.0], [5.0] * 6, equal_var=False)
    assert result.p_value == pytest.approx(expected.pvalue)
    _t, se, df = welch_by_hand([5.0] * 6, [5.5, 6.5, 6.0, 7.0])
    assert df == pytest.approx(3)  # all the uncertainty is the treatment's: n − 1
    assert df_behind_interval(result, se) == pytest.approx(3)


def test_a_mean_has_no_relative_change_when_the_control_mean_is_zero():
    result = means([-1.0, 1.0, -2.0, 2.0], [0.5, 1.5, 1.0, 2.0])
    assert result.relative is None
    assert result.difference == pytest.approx(1.25)


def test_welch_relative_change_is_the_difference_over_the_control_mean():
    result = means([10.0, 12.0, 8.0, 10.0], [11.0, 13.0, 9.0, 11.0])
    assert result.relative == pytest.approx(0.1)


finite_values = st.lists(
    st.floats(min_value=-1000, max_value=1000, allow_nan=False, allow_infinity=False), min_size=2, max_size=30
)


@given(finite_values, finite_values)
def test_welch_interval_holds_the_difference_and_excludes_zero_exactly_when_p_is_below_alpha(control, treatment):
    assume(stdlib_statistics.stdev(control) > 1e-6 or stdlib_statistics.stdev(treatment) > 1e-6)
    result = means(control, treatment)
    assert result.ci_low <= result.difference <= result.ci_high
    assert 0 <= result.p_value <= 1
    assume(abs(result.p_value - 0.05) > 1e-6)  # at the edge, rounding may fall either way
    excludes_zero = result.ci_low > 0 or result.ci_high < 0
    assert excludes_zero == (result.p_value < 0.05)


# Skewed values and the rank test ------------------------------------------------------------------

SYMMETRIC = [9.0, 9.5, 10.0, 10.0, 10.5, 11.0, 9.8, 10.2, 9.9, 10.1]
SKEWED = [1.0, 1.2, 0.9, 1.1, 1.0, 0.8, 1.3, 1.0, 1.1, 40.0]  # one unit spends forty times the rest


def test_far_from_normal_flags_a_skewness_beyond_one_by_scipys_measure():
    assert stats.skew(SKEWED) > 1
    assert far_from_normal(SKEWED)
    assert abs(stats.skew(SYMMETRIC)) < 1
    assert not far_from_normal(SYMMETRIC)
    assert far_from_normal([-x for x in SKEWED])  # a long tail on the left counts too


def test_far_from_normal_cannot_judge_fewer_than_three_values_or_values_all_alike():
    assert not far_from_normal([1.0, 100.0])
    assert not far_from_normal([3.0] * 10)


def test_a_heavily_skewed_group_makes_the_comparison_use_mann_whitney():
    control_summary, treatment_summary, result = compare_values(SYMMETRIC, SKEWED, MEAN)
    expected = stats.mannwhitneyu(SKEWED, SYMMETRIC, alternative="two-sided")
    assert result.test == MANN_WHITNEY
    assert result.p_value == pytest.approx(expected.pvalue)
    # The difference and its interval remain those of the means (Welch's).
    by_means = welch(control_summary, treatment_summary)
    assert (result.difference, result.ci_low, result.ci_high) == (
        by_means.difference,
        by_means.ci_low,
        by_means.ci_high,
    )
    assert result.p_value != pytest.approx(by_means.p_value)


def test_a_skewed_control_is_enough_to_switch_to_mann_whitney():
    _c, _t, result = compare_values(SKEWED, SYMMETRIC, MEAN)
    assert result.test == MANN_WHITNEY
    assert result.p_value == pytest.approx(stats.mannwhitneyu(SYMMETRIC, SKEWED, alternative="two-sided").pvalue)


def test_symmetric_groups_are_compared_with_welch():
    other = [x + 0.7 for x in SYMMETRIC]
    control, treatment, result = compare_values(SYMMETRIC, other, MEAN)
    assert result.test == WELCH
    assert result == welch(control, treatment)
    assert control == GroupSummary.of_values(SYMMETRIC)


def test_mann_whitney_on_values_all_alike_gives_p_one_where_scipy_gives_nothing():
    result = mann_whitney([5.0] * 4, [5.0] * 6)
    assert result.test == MANN_WHITNEY
    assert result.p_value == 1.0
    assert (result.difference, result.ci_low, result.ci_high) == (0, 0, 0)


def test_mann_whitney_keeps_the_confidence_asked_for_its_interval():
    at_90 = mann_whitney(SYMMETRIC, SKEWED, alpha=0.1)
    assert (at_90.ci_low, at_90.ci_high) == pytest.approx(
        (means(SYMMETRIC, SKEWED, alpha=0.1).ci_low, means(SYMMETRIC, SKEWED, alpha=0.1).ci_high)
    )


def test_a_proportion_metric_always_uses_two_proportions_even_when_its_zeros_and_ones_are_skewed():
    control = [0] * 99 + [1]
    treatment = [0] * 90 + [1] * 10
    assert far_from_normal(control)  # one conversion in a hundred is as skewed as data gets
    control_summary, treatment_summary, result = compare_values(control, treatment, PROPORTION)
    assert result.test == TWO_PROPORTIONS
    assert (control_summary.successes, control_summary.n) == (1, 100)
    assert (treatment_summary.successes, treatment_summary.n) == (10, 100)
    assert result == two_proportions(control_summary, treatment_summary)
    _z, expected_p = proportions_ztest([10, 1], [100, 100])
    assert result.p_value == pytest.approx(expected_p)


# Sample ratio mismatch ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n_control", "n_treatment", "share"), [(5000, 5300, 0.5), (5000, 5050, 0.5), (8000, 2000, 0.2), (812, 190, 0.2)]
)
def test_sample_ratio_mismatch_is_the_chi_square_test_against_the_planned_split(n_control, n_treatment, share):
    total = n_control + n_treatment
    expected_counts = [total * (1 - share), total * share]
    expected = stats.chisquare([n_control, n_treatment], f_exp=expected_counts).pvalue
    assert sample_ratio_mismatch(n_control, n_treatment, share) == pytest.approx(expected)
    # By hand: chi-square with one degree of freedom is a squared standard normal.
    chi2 = sum((o - e) ** 2 / e for o, e in zip([n_control, n_treatment], expected_counts, strict=True))
    assert sample_ratio_mismatch(n_control, n_treatment, share) == pytest.approx(math.erfc(math.sqrt(chi2 / 2)))


def test_a_fifty_fifty_plan_with_five_thousand_against_fifty_four_hundred_is_a_broken_split():
    p = sample_ratio_mismatch(5000, 5400, 0.5)
    assert p < 0.001
    assert is_broken_split(p)


def test_a_fifty_fifty_plan_with_five_thousand_against_fifty_three_hundred_is_suspect_but_under_the_alarm():
    """Chi-square 8.74 on one degree of freedom: p ≈ 0.0031, far from chance but not below the
    0.001 the lab rings the alarm at."""
    p = sample_ratio_mismatch(5000, 5300, 0.5)
    assert round(p, 4) == 0.0031
    assert not is_broken_split(p)


def test_a_fifty_fifty_plan_with_five_thousand_against_fifty_fifty_is_an_ordinary_split():
    p = sample_ratio_mismatch(5000, 5050, 0.5)
    assert p > 0.5
    assert not is_broken_split(p)


def test_a_twenty_eighty_plan_is_read_with_the_treatments_share():
    assert sample_ratio_mismatch(8000, 2000, 0.2) == pytest.approx(1.0)
    assert not is_broken_split(sample_ratio_mismatch(8040, 1960, 0.2))
    # The same counts the other way round, or against a 50/50 plan, are broken.
    assert is_broken_split(sample_ratio_mismatch(2000, 8000, 0.2))
    assert is_broken_split(sample_ratio_mismatch(8000, 2000, 0.5))


def test_a_split_is_broken_strictly_below_one_in_a_thousand():
    assert is_broken_split(0.000999)
    assert not is_broken_split(0.001)
    assert not is_broken_split(0.04)


# Holm --------------------------------------------------------------------------------------------


def test_holm_matches_statsmodels_and_keeps_the_metrics_order():
    raw = [0.04, 0.001, 0.3, 0.012, 0.049]
    adjusted = holm(raw)
    assert adjusted == pytest.approx(list(multipletests(raw, method="holm")[1]))
    assert adjusted[1] == pytest.approx(0.005)  # the smallest of five, times five, in its own place


@pytest.mark.parametrize(
    "raw",
    [[0.01, 0.01, 0.02], [0.0, 1.0, 0.5], [0.2, 0.2, 0.2, 0.2], [0.7], [0.03, 0.0004, 0.9, 0.02, 0.02, 0.5, 1e-9]],
    ids=["ties", "zero and one", "all equal", "one metric", "seven metrics"],
)
def test_holm_matches_statsmodels_with_ties_bounds_and_many_metrics(raw):
    assert holm(raw) == pytest.approx(list(multipletests(raw, method="holm")[1]), abs=1e-15)


def test_holm_by_hand_multiplies_by_the_tests_left_and_never_lets_an_adjusted_p_fall():
    # Sorted 0.01, 0.03, 0.04: times 3, 2, 1 → 0.03, 0.06, 0.04, raised to 0.06 to stay in order.
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert holm([0.5, 0.6]) == pytest.approx([1.0, 1.0])  # capped at one


def test_holm_of_a_single_p_value_leaves_it_alone_and_of_none_gives_none():
    assert holm([0.03]) == pytest.approx([0.03])
    assert holm([]) == []


@given(st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=20))
def test_holm_adjusted_p_values_are_never_below_the_raw_ones_nor_above_one_and_keep_their_order(raw):
    adjusted = holm(raw)
    assert len(adjusted) == len(raw)
    for p, q in zip(raw, adjusted, strict=True):
        assert p <= q + 1e-12
        assert q <= 1
    for i in range(len(raw)):
        for j in range(len(raw)):
            if raw[i] < raw[j]:
                assert adjusted[i] <= adjusted[j] + 1e-12


# Sample size -------------------------------------------------------------------------------------


def test_ten_to_fifteen_percent_needs_about_680_per_group_the_classic_figure():
    exact = NormalIndPower().solve_power(effect_size=proportion_effectsize(0.15, 0.10), alpha=0.05, power=0.8)
    assert round(exact) == 680
    assert sample_size(PROPORTION, baseline=0.10, effect=0.05) == 681


def test_cohens_medium_effect_needs_64_per_group():
    """Cohen (1988), table 2.4.1: d = 0.5, alpha 0.05 two-sided, power 0.8 → n = 64 per group."""
    assert sample_size(MEAN, baseline=100, effect=5, sd=10) == 64


def test_proportion_sample_size_is_cohens_h_on_the_normal_curve_by_hand():
    h = 2 * math.asin(math.sqrt(0.15)) - 2 * math.asin(math.sqrt(0.10))
    z_alpha, z_power = NormalDist().inv_cdf(1 - 0.05 / 2), NormalDist().inv_cdf(0.8)
    by_hand = 2 * ((z_alpha + z_power) / h) ** 2
    assert by_hand == pytest.approx(680.35, abs=0.05)
    assert sample_size(PROPORTION, baseline=0.10, effect=0.05) == math.ceil(by_hand)


@pytest.mark.parametrize(
    ("baseline", "effect", "alpha", "power"),
    [(0.10, 0.05, 0.05, 0.8), (0.30, -0.02, 0.05, 0.9), (0.02, 0.005, 0.01, 0.8), (0.5, 0.1, 0.1, 0.95)],
)
def test_proportion_sample_size_follows_statsmodels(baseline, effect, alpha, power):
    h = abs(proportion_effectsize(baseline + effect, baseline))
    expected = NormalIndPower().solve_power(effect_size=h, alpha=alpha, power=power, ratio=1)
    assert sample_size(PROPORTION, baseline=baseline, effect=effect, alpha=alpha, power=power) == math.ceil(expected)


@pytest.mark.parametrize(
    ("effect", "sd", "alpha", "power"), [(5, 10, 0.05, 0.8), (-0.3, 2, 0.05, 0.9), (1, 1, 0.01, 0.8)]
)
def test_mean_sample_size_follows_statsmodels_t_test_power(effect, sd, alpha, power):
    expected = TTestIndPower().solve_power(effect_size=abs(effect) / sd, alpha=alpha, power=power, ratio=1)
    assert sample_size(MEAN, baseline=50, effect=effect, sd=sd, alpha=alpha, power=power) == math.ceil(expected)


def test_a_drop_needs_as_many_units_as_the_same_rise_measured_from_the_other_end():
    assert sample_size(PROPORTION, baseline=0.15, effect=-0.05) == sample_size(PROPORTION, baseline=0.10, effect=0.05)
    assert sample_size(MEAN, baseline=10, effect=-2, sd=4) == sample_size(MEAN, baseline=10, effect=2, sd=4)


def test_no_sample_can_find_an_effect_of_zero():
    assert sample_size(PROPORTION, baseline=0.1, effect=0) is None
    assert sample_size(MEAN, baseline=10, effect=0, sd=2) is None


def test_a_proportion_pushed_past_one_or_below_zero_cannot_be_planned():
    assert sample_size(PROPORTION, baseline=0.95, effect=0.1) is None
    assert sample_size(PROPORTION, baseline=0.03, effect=-0.05) is None
    assert sample_size(PROPORTION, baseline=1.2, effect=-0.3) is None
    assert sample_size(PROPORTION, baseline=0.9, effect=0.1) is not None  # reaching exactly one is possible


def test_a_mean_cannot_be_planned_without_a_positive_standard_deviation():
    assert sample_size(MEAN, baseline=10, effect=1) is None
    assert sample_size(MEAN, baseline=10, effect=1, sd=0) is None
    assert sample_size(MEAN, baseline=10, effect=1, sd=-3) is None


def test_more_power_or_a_stricter_alpha_needs_more_units():
    base = sample_size(PROPORTION, baseline=0.10, effect=0.05)
    assert sample_size(PROPORTION, baseline=0.10, effect=0.05, power=0.9) > base
    assert sample_size(PROPORTION, baseline=0.10, effect=0.05, power=0.95) > sample_size(
        PROPORTION, baseline=0.10, effect=0.05, power=0.9
    )
    assert sample_size(PROPORTION, baseline=0.10, effect=0.05, alpha=0.01) > base
    assert sample_size(MEAN, baseline=0, effect=1, sd=4, power=0.9) > sample_size(MEAN, baseline=0, effect=1, sd=4)
    assert sample_size(MEAN, baseline=0, effect=1, sd=4, alpha=0.01) > sample_size(MEAN, baseline=0, effect=1, sd=4)


def test_a_smaller_effect_needs_more_units():
    assert sample_size(PROPORTION, baseline=0.10, effect=0.02) > sample_size(PROPORTION, baseline=0.10, effect=0.05)
    assert sample_size(MEAN, baseline=0, effect=0.5, sd=4) > sample_size(MEAN, baseline=0, effect=1, sd=4)


def test_an_unequal_split_is_planned_with_the_ratio_of_treatment_to_control():
    """With a fifth of the units in treatment, the control group needs more units than at 50/50
    (statsmodels' ratio = 0.2 / 0.8 = 0.25), the treatment fewer, and the whole more."""
    h = proportion_effectsize(0.15, 0.10)
    expected = NormalIndPower().solve_power(effect_size=h, alpha=0.05, power=0.8, ratio=0.25)
    control = sample_size(PROPORTION, baseline=0.10, effect=0.05, treatment_share=0.2)
    assert control == math.ceil(expected) == 1701
    even = sample_size(PROPORTION, baseline=0.10, effect=0.05)
    treatment = control * 0.2 / 0.8
    assert control > even > treatment
    assert control + treatment > 2 * even

    expected_mean = TTestIndPower().solve_power(effect_size=0.25, alpha=0.05, power=0.8, ratio=0.25)
    assert sample_size(MEAN, baseline=0, effect=1, sd=4, treatment_share=0.2) == math.ceil(expected_mean)


def test_a_treatment_heavy_split_needs_fewer_control_units():
    h = proportion_effectsize(0.15, 0.10)
    expected = NormalIndPower().solve_power(effect_size=h, alpha=0.05, power=0.8, ratio=4)
    control = sample_size(PROPORTION, baseline=0.10, effect=0.05, treatment_share=0.8)
    assert control == math.ceil(expected)
    assert control < sample_size(PROPORTION, baseline=0.10, effect=0.05)


def test_welch_refuses_a_group_of_one_unit_instead_of_claiming_certainty():
    with pytest.raises(ValueError):
        statistics.welch(statistics.GroupSummary(n=1, value=5.0, sd=0.0), statistics.GroupSummary.of_values([6, 7, 8]))


def test_newcombe_interval_never_strays_past_one_when_a_group_is_all_or_nothing():
    control = statistics.GroupSummary.of_proportion(0, 1)
    treatment = statistics.GroupSummary.of_proportion(37, 37)
    comparison = statistics.two_proportions(control, treatment)
    assert -1.0 <= comparison.ci_low <= comparison.ci_high <= 1.0


def test_relative_change_of_a_negative_control_reads_a_rise_as_a_rise():
    comparison = statistics.welch(
        statistics.GroupSummary(n=30, value=-10.0, sd=2.0), statistics.GroupSummary(n=30, value=-5.0, sd=2.0)
    )
    assert comparison.relative == pytest.approx(0.5)


@pytest.mark.parametrize("share", [0.0, 1.0])
def test_sample_size_has_no_answer_for_a_split_that_leaves_a_group_empty(share):
    assert statistics.sample_size("proportion", baseline=0.1, effect=0.05, treatment_share=share) is None
