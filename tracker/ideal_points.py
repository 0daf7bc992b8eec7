"""Ideal points: a 2-D logistic item-response model fitted by alternating Newton steps from a spectral start.

Pure numpy over a members × votes matrix of +1 (yes), −1 (no) and 0 (anything else); see docs/metrics.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_VOTES = 20          # members with fewer scaled votes are left out
MIN_MINORITY = 0.025    # votes whose losing side is smaller than this share of yes + no are left out
ITERATIONS = 30
# At most this many votes are scaled (evenly spaced over the selected ones, so every period is represented): the fit
# costs members × votes per iteration, and a few thousand contested votes already pin down two dimensions.
MAX_VOTES = 4_000
# Normal priors keep perfectly separating votes and members who always vote together finite.
PRIOR_POINT_SD = 1.0
PRIOR_VOTE_SD = 5.0


@dataclass(frozen=True)
class IdealPoints:
    """Fitted points (NaN for members left out) and the number of scaled votes each member cast."""

    points: np.ndarray
    votes_used: np.ndarray


def select(matrix: np.ndarray, min_votes: int = MIN_VOTES,
           min_minority: float = MIN_MINORITY) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the members and votes to scale: lopsided votes and members with few votes dropped, until stable."""
    members = np.ones(matrix.shape[0], dtype=bool)
    votes = np.ones(matrix.shape[1], dtype=bool)
    for _ in range(10):
        sub = matrix[members]
        yes, no = (sub == 1).sum(axis=0), (sub == -1).sum(axis=0)
        minority = np.minimum(yes, no) / np.maximum(yes + no, 1)
        new_votes = (yes + no > 0) & (minority >= min_minority)
        new_members = members & ((matrix[:, new_votes] != 0).sum(axis=1) >= min_votes)
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


def _standardise(points: np.ndarray) -> np.ndarray:
    """Centre, rotate to principal axes (dim1 = the most spread) and scale into the unit circle."""
    centred = points - points.mean(axis=0)
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    rotated = centred @ axes.T
    radius = np.sqrt((rotated ** 2).sum(axis=1)).max()
    return rotated / radius if radius > 0 else rotated


def refine(matrix: np.ndarray, start: np.ndarray, iterations: int = ITERATIONS) -> np.ndarray:
    """Maximise the posterior of P(yes) = logistic(a_vote + b_vote · x_member) by alternating 2×2 / 3×3 Newton steps."""
    y = (matrix == 1).astype(np.float32)
    observed = (matrix != 0).astype(np.float32)
    scale = start.std(axis=0)
    x = (start - start.mean(axis=0)) / np.where(scale > 0, scale, 1)
    x = x.astype(np.float32)
    n_votes = matrix.shape[1]
    params = np.zeros((n_votes, 3), dtype=np.float32)   # a, b1, b2 per vote
    vote_prior = np.diag([1.0, 1.0, 1.0]).astype(np.float32) / PRIOR_VOTE_SD ** 2
    point_prior = np.eye(2, dtype=np.float32) / PRIOR_POINT_SD ** 2
    for _ in range(iterations):
        # Votes given members: one Newton step of a penalised logistic regression per vote.
        design = np.column_stack([np.ones(len(x), dtype=np.float32), x])
        p = _probability(design @ params.T)
        residual, weight = (y - p) * observed, p * (1 - p) * observed
        gradient = residual.T @ design - params @ vote_prior
        pairs = np.einsum("mi,mj->mij", design, design).reshape(len(x), 9)
        hessian = (weight.T @ pairs).reshape(n_votes, 3, 3) + vote_prior
        params = params + np.linalg.solve(hessian, gradient[..., None])[..., 0]
        # Members given votes: one Newton step per member.
        p = _probability(params[:, 0] + x @ params[:, 1:].T)
        residual, weight = (y - p) * observed, p * (1 - p) * observed
        slopes = params[:, 1:]
        gradient = residual @ slopes - x @ point_prior
        pairs = np.einsum("vi,vj->vij", slopes, slopes).reshape(n_votes, 4)
        hessian = (weight @ pairs).reshape(len(x), 2, 2) + point_prior
        x = x + np.linalg.solve(hessian, gradient[..., None])[..., 0]
    return x.astype(np.float64)


def _probability(linear: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(linear, -30, 30)))


def sample_votes(votes: np.ndarray, max_votes: int) -> np.ndarray:
    """At most max_votes of the selected votes, evenly spaced in column order."""
    chosen = np.flatnonzero(votes)
    if len(chosen) <= max_votes:
        return votes
    kept = np.zeros_like(votes)
    kept[chosen[np.unique(np.linspace(0, len(chosen) - 1, max_votes).round().astype(np.int64))]] = True
    return kept


def fit(matrix: np.ndarray, min_votes: int = MIN_VOTES, min_minority: float = MIN_MINORITY,
        right: np.ndarray | None = None, iterations: int = ITERATIONS,
        max_votes: int = MAX_VOTES) -> IdealPoints | None:
    """Ideal points for each member (rows); `right` marks members whose mean dim1 (and dim2) is made positive."""
    members, votes = select(matrix, min_votes, min_minority)
    votes = sample_votes(votes, max_votes)
    members &= (matrix[:, votes] != 0).sum(axis=1) >= min_votes
    if members.sum() < 3 or votes.sum() < 2:
        return None
    sub = matrix[np.ix_(members, votes)]
    start = spectral(sub)
    points = _standardise(refine(sub, start, iterations) if iterations > 0 else start)
    if right is not None and right[members].any():
        signs = np.sign(points[right[members]].mean(axis=0))
        points = points * np.where(signs == 0, 1, signs)
    full = np.full((matrix.shape[0], 2), np.nan)
    full[members] = points
    used = np.zeros(matrix.shape[0], dtype=np.int64)
    used[members] = (sub != 0).sum(axis=1)
    return IdealPoints(full, used)
