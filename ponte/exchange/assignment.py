"""The assignment under the matcher (ponte.exchange.matching): on a matrix of pair scores, the
(row, column) pairs of highest total — optimal, with scipy's linear_sum_assignment, or greedy,
the baseline it is measured against — with at most so many pairs for the rows (or columns) of
each organisation. It knows nothing of people, weeks or scores' meaning: only the matrix and
the capacities."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.optimize import linear_sum_assignment


class Limits(NamedTuple):
    """One side's host capacities, for a solver: `group[i]` is the index in `room` of the
    organisation of the matrix's i-th row (or column), -1 if it is unlimited, and `room[g]` is
    how many more pairs organisation g may be in."""

    group: np.ndarray  # int64, one per row (or column)
    room: np.ndarray  # int64, one per organisation with a capacity


def no_limits(count: int) -> Limits:
    return Limits(np.full(count, -1, dtype=np.int64), np.zeros(0, dtype=np.int64))


def optimal_pairs(
    scores: np.ndarray, row_limits: Limits | None = None, column_limits: Limits | None = None
) -> list[tuple[int, int]]:
    """The (row, column) pairs of highest total score, an infeasible pair scoring 0, with at
    most `room` pairs for the rows (columns) of each organisation of `row_limits`
    (`column_limits`).

    On a rectangular matrix the assignment pairs min(rows, columns) rows with columns, so it
    may have to take infeasible entries; they add 0 and are dropped. What remains is optimal:
    any set of feasible pairs extends to a full assignment of at least the same score, by
    pairing its leftover rows and columns in any way (every entry exists and none is
    negative); and the feasible part of an assignment is a set of pairs with the assignment's
    score. So the best assignment and the best set of pairs score the same, and the feasible
    part of the first is the second. A large negative score for infeasible pairs would be
    wrong: forced to fill min(rows, columns) rows, the assignment would give up a great pair to
    avoid one infeasible entry ([[10, 1], [1, infeasible]] would give 1 + 1 instead of 10).
    Scores are small integers, exact in the solver's float64, so no rounding decides a tie.

    Capacities, exactly: a row organisation O whose n rows with a feasible entry exceed its
    room k gets n - k dummy columns, worth a bonus M = max score + 1 to O's rows and 0 (no
    pair) to every other row and dummy; columns symmetrically get dummy rows. Rows without a
    feasible entry are never paired, so leaving them out of n loses nothing. With all entries
    still non-negative, the argument above makes the best assignment a best set of positive
    entries. Such a best set fills every dummy: were a dummy of O empty, fewer than n - k of
    O's n rows would be in dummies, so one of them is unpaired (put it in the dummy: + M) or in
    a real pair of score s < M (move it to the dummy: + M - s > 0). So at most k of O's rows
    are left for real pairs, and the real part of a best set respects every capacity; and any
    real set that respects them, with its unpaired rows of each O filling O's dummies, scores
    its own total plus the same bonus (M times the dummies). So the real part of the best set
    is a best set of pairs under the capacities. An organisation within its room adds nothing.
    """
    if scores.size == 0:
        return []
    row_count, column_count = scores.shape
    dummy_columns = _dummies(row_limits, scores.any(axis=1))
    dummy_rows = _dummies(column_limits, scores.any(axis=0))
    extra_rows = sum(count for _, count in dummy_rows)
    extra_columns = sum(count for _, count in dummy_columns)
    # The solver's float64, negated to minimise, built once and with no more rows than columns:
    # scipy would copy an int32 matrix to float64, negate that again for maximize=True, and
    # transpose a matrix of more rows than columns (the same numbers and the same transposition,
    # so the same ties).
    shape = (row_count + extra_rows, column_count + extra_columns)
    transposed = shape[0] > shape[1]
    solved = np.zeros(shape[::-1] if transposed else shape, dtype=np.float64)
    cost = solved.T if transposed else solved
    np.negative(scores, out=cost[:row_count, :column_count])
    bonus = -(float(scores.max()) + 1)
    column = column_count
    for members, count in dummy_columns:
        cost[np.ix_(members, np.arange(column, column + count))] = bonus
        column += count
    row = row_count
    for members, count in dummy_rows:
        cost[np.ix_(np.arange(row, row + count), members)] = bonus
        row += count
    rows, columns = linear_sum_assignment(solved)
    if transposed:
        rows, columns = columns, rows
    del solved, cost
    real = (rows < row_count) & (columns < column_count)
    rows, columns = rows[real], columns[real]
    feasible = scores[rows, columns] > 0
    return list(zip(rows[feasible].tolist(), columns[feasible].tolist(), strict=True))


def _dummies(limits: Limits | None, active: np.ndarray) -> list[tuple[np.ndarray, int]]:
    """(members, how many dummies) for each organisation whose members with a feasible entry
    (`active`) are more than its room."""
    if limits is None or not len(limits.room):
        return []
    members = np.flatnonzero(active & (limits.group >= 0))
    groups = limits.group[members]
    counts = np.bincount(groups, minlength=len(limits.room))
    by_group = np.split(members[np.argsort(groups, kind="stable")], np.cumsum(counts)[:-1])
    return [
        (by_group[group], int(counts[group] - limits.room[group]))
        for group in np.flatnonzero(counts > limits.room).tolist()
    ]


def greedy_pairs(
    scores: np.ndarray, row_limits: Limits | None = None, column_limits: Limits | None = None
) -> list[tuple[int, int]]:
    """The (row, column) pairs that taking the best remaining feasible pair again and again
    gives, skipping pairs whose row's or column's organisation has no room left; ties go to
    the lower row, then the lower column (rows and columns are by id)."""
    row_limits = row_limits or no_limits(scores.shape[0])
    column_limits = column_limits or no_limits(scores.shape[1])
    # Room by group, with a last entry, never used up, for group -1 (unlimited).
    unlimited = np.iinfo(np.int64).max
    row_group, row_room = row_limits.group, np.append(row_limits.room, unlimited)
    column_group, column_room = column_limits.group, np.append(column_limits.room, unlimited)
    rows, columns = np.nonzero(scores)  # row by row: ties are then already in id order
    order = np.argsort(-scores[rows, columns], kind="stable")
    row_taken = np.zeros(scores.shape[0], dtype=bool)
    column_taken = np.zeros(scores.shape[1], dtype=bool)
    pairs: list[tuple[int, int]] = []
    most = min(scores.shape)
    # In chunks, dropping in one vectorised step the entries whose row or column an earlier
    # chunk took or whose organisation it filled, so that Python looks at few entries once
    # most people are paired.
    for start in range(0, len(order), 65_536):
        chunk = order[start : start + 65_536]
        chunk_rows, chunk_columns = rows[chunk], columns[chunk]
        keep = ~row_taken[chunk_rows] & ~column_taken[chunk_columns]
        keep &= (row_room[row_group[chunk_rows]] > 0) & (column_room[column_group[chunk_columns]] > 0)
        for row, column in zip(chunk_rows[keep].tolist(), chunk_columns[keep].tolist(), strict=True):
            row_org, column_org = row_group[row], column_group[column]
            if not row_taken[row] and not column_taken[column] and row_room[row_org] and column_room[column_org]:
                row_taken[row] = column_taken[column] = True
                row_room[row_org] -= 1
                column_room[column_org] -= 1
                pairs.append((row, column))
        if len(pairs) == most:
            break
    return pairs
