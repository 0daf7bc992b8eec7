"""Ideal points: a W-NOMINATE-like 2-D model fitted by alternating vote and member steps from a spectral start.

Pure numpy over a members × votes matrix of +1 (yes), −1 (no) and 0 (anything else); see docs/metrics.md.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from tracker.nominate import model
from tracker.nominate.votes import Classification, CuttingLine, classify, true_cells
from tracker.nominate.votes import cutting_line as _cutting_line

MIN_VOTES = 20          # members with fewer scaled votes are left out
MIN_MINORITY = 0.025    # votes whose losing side is smaller than this share of yes + no are left out
ITERATIONS = model.ITERATIONS
# At most this many votes are scaled (evenly spaced over the selected ones, so every period is represented);
# None scales them all (700 members × 20,000 votes in a few seconds).
MAX_VOTES = 4_000
Z90 = 1.6449            # a 90 % interval is the estimate ± 1.645 standard errors
POINT_COLUMNS = ["dim1", "dim2", "dim1_se", "dim2_se", "dim1_low", "dim1_high", "dim2_low", "dim2_high", "votes"]
VOTE_COLUMNS = ["vote", "yes_dim1", "yes_dim2", "no_dim1", "no_dim2", "midpoint_dim1", "midpoint_dim2",
                "normal_dim1", "normal_dim2"]


@dataclass(frozen=True)
class IdealPoints:
    """Fitted points (NaN for members left out), the scaled votes each member cast, and what the fit says about them.

    covariance: members × 2 × 2 from the curvature of each member's likelihood given the votes (NaN when unknown);
    yes, no: each matrix column's outcome points (NaN for votes not scaled); orientation: what fixed the axes' signs.
    """

    points: np.ndarray
    votes_used: np.ndarray
    covariance: np.ndarray | None = None
    yes: np.ndarray | None = None
    no: np.ndarray | None = None
    classification: Classification | None = None
    orientation: str = ""

    @property
    def standard_errors(self) -> np.ndarray:
        """Members × 2 standard errors of dim1 and dim2 (NaN when unknown)."""
        if self.covariance is None:
            return np.full_like(self.points, np.nan)
        return np.sqrt(np.maximum(np.diagonal(self.covariance, axis1=1, axis2=2), 0))

    def intervals(self, z: float = Z90) -> tuple[np.ndarray, np.ndarray]:
        """Low and high ends (members × 2) of each coordinate's interval, 90 % by default."""
        spread = z * self.standard_errors
        return self.points - spread, self.points + spread


# Members compared at a time when counting: a boolean of 64 members × 20,000 votes is 1.3 MB, used again for each
# group, where a mask of the whole matrix was 14 MB of fresh memory each (at 14 M; fresh memory cost 1.4-3.8 ms a
# MB on the machine of docs/performance.md).
ROWS_AT_ONCE = 64


def coded_cells(codes: np.ndarray, axis: int, code: int | None = None) -> np.ndarray:
    """Cells equal to `code` (None: any code but 0) per column (axis=0) or per row (axis=1), as int64."""
    rows, columns = codes.shape
    counts = np.zeros(columns if axis == 0 else rows, dtype=np.int64)
    mask = np.empty((min(ROWS_AT_ONCE, rows), columns), dtype=bool)
    for lo in range(0, rows, ROWS_AT_ONCE):
        part = codes[lo:lo + ROWS_AT_ONCE]
        held = mask[:len(part)]
        if code is None:
            np.not_equal(part, 0, out=held)
        else:
            np.equal(part, code, out=held)
        if axis == 0:
            counts += true_cells(held, 0)
        else:
            counts[lo:lo + len(part)] = true_cells(held, 1)
    return counts


def _coded_cells_in(codes: np.ndarray, chosen: np.ndarray, axis: int, code: int | None,
                    total: np.ndarray | None = None) -> np.ndarray:
    """coded_cells counted over the chosen rows (axis=0) or chosen columns (axis=1) only; with most chosen, as the
    total minus the part left out (the larger part is never copied)."""
    if 2 * int(chosen.sum()) <= len(chosen):
        return coded_cells(codes[:, chosen] if axis == 1 else codes[chosen], axis, code)
    total = coded_cells(codes, axis, code) if total is None else total
    return total - coded_cells(codes[:, ~chosen] if axis == 1 else codes[~chosen], axis, code)


def select(matrix: np.ndarray, min_votes: int = MIN_VOTES,
           min_minority: float = MIN_MINORITY) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the members and votes to scale: lopsided votes and members with few votes dropped, until stable."""
    members = np.ones(matrix.shape[0], dtype=bool)
    votes = np.ones(matrix.shape[1], dtype=bool)
    # Counted over everyone once; each round takes away the few members or votes left out (the same integers as
    # counting the kept ones, without copying the kept part of the matrix every round).
    yes_all, no_all, cast_all = coded_cells(matrix, 0, 1), coded_cells(matrix, 0, -1), coded_cells(matrix, 1)
    for _ in range(10):
        yes = _coded_cells_in(matrix, members, 0, 1, yes_all)
        no = _coded_cells_in(matrix, members, 0, -1, no_all)
        minority = np.minimum(yes, no) / np.maximum(yes + no, 1)
        new_votes = (yes + no > 0) & (minority >= min_minority)
        new_members = members & (_coded_cells_in(matrix, new_votes, 1, None, cast_all) >= min_votes)
        if (new_votes == votes).all() and (new_members == members).all():
            break
        votes, members = new_votes, new_members
    return members, votes


def spectral(matrix: np.ndarray) -> np.ndarray:
    """Classical scaling of the members' disagreement: double-centred squared distances, top two eigenvectors."""
    x = matrix.astype(np.float32)
    cast = (x != 0).astype(np.float32)
    compared = cast @ cast.T
    same_minus_different = x @ x.T
    agreement = np.where(compared > 0, 0.5 * (1 + same_minus_different / np.maximum(compared, 1)), 0.5)
    squared = (1.0 - agreement.astype(np.float64)) ** 2
    centred = squared - squared.mean(axis=0) - squared.mean(axis=1)[:, None] + squared.mean()
    values, vectors = np.linalg.eigh(-0.5 * centred)
    top = np.argsort(values)[::-1][:2]
    return vectors[:, top] * np.sqrt(np.maximum(values[top], 1e-12))


def sample_votes(votes: np.ndarray, max_votes: int) -> np.ndarray:
    """At most max_votes of the selected votes, evenly spaced in column order."""
    chosen = np.flatnonzero(votes)
    if len(chosen) <= max_votes:
        return votes
    kept = np.zeros_like(votes)
    kept[chosen[np.unique(np.linspace(0, len(chosen) - 1, max_votes).round().astype(np.int64))]] = True
    return kept


def _similarity(points: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Centre, rotation to principal axes (dim1 = the most spread) and scale that bring points into the unit circle."""
    centre = points.mean(axis=0)
    _, _, axes = np.linalg.svd(points - centre, full_matrices=False)
    radius = np.sqrt((((points - centre) @ axes.T) ** 2).sum(axis=1)).max()
    return centre, axes, 1.0 / radius if radius > 0 else 1.0


def _standardise(points: np.ndarray) -> np.ndarray:
    """Centre, rotate to principal axes (dim1 = the most spread) and scale into the unit circle."""
    centre, axes, scale = _similarity(points)
    return (points - centre) @ axes.T * scale


def _flip(fit: IdealPoints, signs: np.ndarray, orientation: str) -> IdealPoints:
    flip = np.diag(signs.astype(float))
    covariance = None if fit.covariance is None else flip @ fit.covariance @ flip
    return replace(fit, points=fit.points * signs, covariance=covariance,
                   yes=None if fit.yes is None else fit.yes * signs, no=None if fit.no is None else fit.no * signs,
                   orientation=orientation)


def orient(fit: IdealPoints, right: np.ndarray, label: str = "the chosen members") -> IdealPoints:
    """Flip the axes so the mean of the `right` members is positive on both; orientation says what fixed each sign."""
    chosen = right & ~np.isnan(fit.points[:, 0])
    if not chosen.any():
        return replace(fit, orientation="dimension 1 and 2: signs as fitted (none of the chosen members was scaled)")
    means = fit.points[chosen].mean(axis=0)
    signs = np.where(means < 0, -1.0, 1.0)
    flipped = means * signs
    return _flip(fit, signs, f"dimension 1: {label} to the right (mean {flipped[0]:+.2f}); "
                             f"dimension 2: {label} up (mean {flipped[1]:+.2f})")


def fit(matrix: np.ndarray, min_votes: int = MIN_VOTES, min_minority: float = MIN_MINORITY,
        right: np.ndarray | None = None, iterations: int = ITERATIONS,
        max_votes: int | None = MAX_VOTES, right_label: str = "the chosen members") -> IdealPoints | None:
    """Ideal points for each member (rows); `right` marks members whose mean dim1 (and dim2) is made positive."""
    members, votes = select(matrix, min_votes, min_minority)
    if max_votes is not None:
        votes = sample_votes(votes, max_votes)
    cast = _coded_cells_in(matrix, votes, 1, None)   # each member's yes/no votes among those kept
    members &= cast >= min_votes
    if members.sum() < 3 or votes.sum() < 2:
        return None
    # The kept rows, then columns, each copied in C order (np.ix_ took 42 ms at 14 M cells, this 9 ms when every
    # member is kept; rows[:, votes] is as quick but comes out in Fortran order, which slows every block of the fit).
    rows = matrix if members.all() else np.compress(members, matrix, axis=0)
    sub = rows if votes.all() else np.compress(votes, rows, axis=1)
    # The refinement only needs a rough start: classical scaling of a sample of votes is enough and much cheaper.
    start = _standardise(spectral(sub if iterations <= 0 else sub[:, model.warm_sample(sub.shape[1])]))
    used = np.zeros(matrix.shape[0], dtype=np.int64)
    used[members] = cast[members]
    full = np.full((matrix.shape[0], 2), np.nan)
    if iterations <= 0:
        full[members] = start
        result = IdealPoints(full, used)
    else:
        result = _fitted(matrix, members, votes, sub, start, iterations, full, used)
    if right is not None and right[members].any():
        result = orient(result, right, right_label)
    return result


def _fitted(matrix: np.ndarray, members: np.ndarray, votes: np.ndarray, sub: np.ndarray, start: np.ndarray,
            iterations: int, full: np.ndarray, used: np.ndarray) -> IdealPoints:
    x, outcomes, info = model.fit_model(start, sub, iterations)
    covariance = np.linalg.inv(info + 1e-9 * np.eye(2))
    centre, axes, scale = _similarity(x.astype(np.float64))
    move = lambda p: (p.astype(np.float64) - centre) @ axes.T * scale   # noqa: E731
    points, yes, no = move(x), move(outcomes.yes), move(outcomes.no)
    full[members] = points
    full_covariance = np.full((matrix.shape[0], 2, 2), np.nan)
    full_covariance[members] = scale ** 2 * axes @ covariance @ axes.T
    yes_all, no_all = np.full((matrix.shape[1], 2), np.nan), np.full((matrix.shape[1], 2), np.nan)
    yes_all[votes], no_all[votes] = yes, no
    return IdealPoints(full, used, full_covariance, yes_all, no_all, classify(points, yes, no, sub),
                       "dimension 1 and 2: signs as fitted")


def point_table(fit: IdealPoints) -> pd.DataFrame:
    """One row per matrix row: dim1, dim2, their standard errors and 90 % intervals, and the votes used."""
    low, high = fit.intervals()
    se = fit.standard_errors
    return pd.DataFrame({"dim1": fit.points[:, 0], "dim2": fit.points[:, 1], "dim1_se": se[:, 0],
                         "dim2_se": se[:, 1], "dim1_low": low[:, 0], "dim1_high": high[:, 0],
                         "dim2_low": low[:, 1], "dim2_high": high[:, 1], "votes": fit.votes_used})


def vote_table(fit: IdealPoints) -> pd.DataFrame:
    """One row per scaled vote (matrix column `vote`): its yes and no outcome points, the cutting line's midpoint and
    the unit normal pointing to the yes side."""
    if fit.yes is None or fit.no is None:
        return pd.DataFrame(columns=VOTE_COLUMNS)
    scaled = np.flatnonzero(~np.isnan(fit.yes[:, 0]))
    yes, no = fit.yes[scaled], fit.no[scaled]
    midpoint = (yes + no) / 2
    normal = (yes - no) / np.maximum(np.linalg.norm(yes - no, axis=1, keepdims=True), 1e-12)
    return pd.DataFrame(np.column_stack([scaled, yes, no, midpoint, normal]), columns=VOTE_COLUMNS
                        ).astype({"vote": np.int64})


def cutting_line(fit: IdealPoints, matrix: np.ndarray, vote: int) -> CuttingLine | None:
    """For matrix column `vote`: its cutting line's ends inside the unit circle and the rows predicted wrongly."""
    if fit.yes is None or fit.no is None or np.isnan(fit.yes[vote, 0]):
        return None
    scaled = ~np.isnan(fit.points[:, 0])
    line = _cutting_line(np.nan_to_num(fit.points[scaled]), fit.yes[vote], fit.no[vote], matrix[scaled, vote])
    return replace(line, wrong=np.flatnonzero(scaled)[line.wrong])
