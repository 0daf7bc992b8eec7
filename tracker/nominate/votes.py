"""What the fitted votes say: classification (correct share and APRE) and each vote's cutting line."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tracker.nominate.blas import WORKERS, each


@dataclass(frozen=True)
class Classification:
    """Share of scaled yes/no votes the model puts on the right side, and APRE, for dimension 1 alone and both."""

    correct_1d: float
    apre_1d: float
    correct_2d: float
    apre_2d: float
    votes: int
    choices: int

    def as_dict(self) -> dict[str, float | int]:
        """Plain numbers for a table or JSON."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class CuttingLine:
    """Where a vote's predicted yes and no meet: the chord inside the unit circle and the members on its wrong side."""

    start: np.ndarray | None     # (dim1, dim2) of the chord's ends, None when the line misses the circle
    end: np.ndarray | None
    midpoint: np.ndarray         # between the yes and the no outcome points
    normal: np.ndarray           # unit vector pointing to the yes side
    wrong: np.ndarray            # row indices of members whose vote is on the other side of the line


def predicted_yes(points: np.ndarray, yes: np.ndarray, no: np.ndarray, block: int = 2_048) -> np.ndarray:
    """Members × votes: True where a member is nearer the yes outcome than the no outcome (P(yes) > ½).

    A block of votes at a time: the float64 distances of every cell at once would be 8 bytes a cell of fresh memory.
    """
    normal = yes - no
    offset = (normal * (yes + no) / 2).sum(axis=1)
    said = np.empty((len(points), len(normal)), dtype=bool)
    for lo in range(0, len(normal), block):
        np.greater(points @ normal[lo:lo + block].T, offset[lo:lo + block], out=said[:, lo:lo + block])
    return said


def true_cells(mask: np.ndarray, axis: int) -> np.ndarray:
    """True cells per column (axis=0) or row (axis=1) of a boolean matrix, as int64: the bytes summed with an int32
    accumulator, about twice as fast as np.count_nonzero and far faster than a sum of booleans (exact up to 2³¹)."""
    return mask.view(np.uint8).sum(axis=axis, dtype=np.int32).astype(np.int64)


def best_cut_errors(dim1: np.ndarray, matrix: np.ndarray, yes_cells: np.ndarray | None = None,
                    no_cells: np.ndarray | None = None) -> np.ndarray:
    """Fewest errors of one cutting point per vote on dimension 1 (either polarity), as optimal classification.

    yes_cells and no_cells, each vote's yes and no count, are counted here unless the caller has them.
    """
    # With members sorted by dim1 and D(k) = yes − no among the first k, a cut after k members with yes on the right
    # errs on yes_left + no_right = no_total + D(k); with yes on the left on yes_total − D(k). D runs a member (a
    # row) at a time, keeping its lowest and highest value per vote: a cumulative sum down the columns of the whole
    # matrix would be several times slower.
    running = np.zeros(matrix.shape[1], dtype=np.int32)
    lowest, highest = running.copy(), running.copy()   # from 0: the cut before the first member counts too
    for member in np.argsort(dim1, kind="stable"):
        running += matrix[member]
        np.minimum(lowest, running, out=lowest)
        np.maximum(highest, running, out=highest)
    yes_cells = true_cells(matrix == 1, 0) if yes_cells is None else yes_cells
    no_cells = true_cells(matrix == -1, 0) if no_cells is None else no_cells
    return np.minimum(no_cells + lowest, yes_cells - highest)


def _counts(points: np.ndarray, yes: np.ndarray, no: np.ndarray, matrix: np.ndarray, lo: int, hi: int,
            block: int = 2_048) -> tuple:
    """Errors in 2-D, minority votes, yes/no choices and errors of the best cut on dimension 1, of votes lo:hi.

    A block of votes at a time: masks of all lo:hi cells at once were about ten arrays of fresh memory (7 MB each
    at 14 M) for every classification.
    """
    part = matrix[:, lo:hi]
    yes_cells, no_cells = np.empty(hi - lo, dtype=np.int64), np.empty(hi - lo, dtype=np.int64)
    errors = 0
    for start in range(0, hi - lo, block):
        end = min(start + block, hi - lo)
        cells = part[:, start:end]
        cast_yes, cast_no = cells == 1, cells == -1
        said_yes = predicted_yes(points, yes[lo + start:lo + end], no[lo + start:lo + end], block=block)
        errors += int(np.count_nonzero(cast_yes & ~said_yes)) + int(np.count_nonzero(cast_no & said_yes))
        yes_cells[start:end], no_cells[start:end] = true_cells(cast_yes, 0), true_cells(cast_no, 0)
    minority = int(np.minimum(yes_cells, no_cells).sum())
    choices = int(yes_cells.sum() + no_cells.sum())
    return errors, minority, choices, int(best_cut_errors(points[:, 0], part, yes_cells, no_cells).sum())


def classify(points: np.ndarray, yes: np.ndarray, no: np.ndarray, matrix: np.ndarray) -> Classification:
    """Correct classification and APRE = (minority votes − errors) / minority votes, summed over votes.

    Every count is a sum over votes, so the votes are counted in parts side by side on the machine's cores (0.1-0.15 s
    on one at 14 M member votes, while the map waited).
    """
    votes = matrix.shape[1]
    size = max(1, -(-votes // WORKERS))
    parts = each(lambda lo: _counts(points, yes, no, matrix, lo, min(lo + size, votes)), range(0, votes, size))
    errors, minority, choices, errors_1d = (sum(part[k] for part in parts) for k in range(4))
    share = max(choices, 1)
    return Classification(correct_1d=1 - errors_1d / share, apre_1d=(minority - errors_1d) / max(minority, 1),
                          correct_2d=1 - errors / share, apre_2d=(minority - errors) / max(minority, 1),
                          votes=matrix.shape[1], choices=choices)


def cutting_line(points: np.ndarray, yes: np.ndarray, no: np.ndarray, cast: np.ndarray) -> CuttingLine:
    """The line equidistant from one vote's yes and no points, clipped to the unit circle, and who it misclassifies."""
    normal = (yes - no) / max(float(np.linalg.norm(yes - no)), 1e-12)
    midpoint = (yes + no) / 2
    foot = normal * float(normal @ midpoint)        # the line's point nearest the centre
    half = 1 - float(foot @ foot)
    along = np.array([-normal[1], normal[0]])
    start = end = None
    if half > 0:
        start, end = foot - np.sqrt(half) * along, foot + np.sqrt(half) * along
    said_yes = (points - midpoint) @ normal > 0
    wrong = np.flatnonzero(((cast == 1) & ~said_yes) | ((cast == -1) & said_yes))
    return CuttingLine(start, end, midpoint, normal, wrong)
