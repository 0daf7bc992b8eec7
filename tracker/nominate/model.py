"""A W-NOMINATE-like model: Gaussian utilities around yes and no outcome points, logistic errors, unit-circle members.

P(yes) = logistic(β (exp(−½ Σ w_k² (x_k − yes_k)²) − exp(−½ Σ w_k² (x_k − no_k)²))). Every sum over cells is a
matrix product of a members × votes weight block with a few member or vote features, so Fisher-scoring steps for
all votes (4 × 4) and all members (2 × 2) at once cost a handful of passes over float32 blocks that stay in cache.
"""

from __future__ import annotations

import queue
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from tracker.nominate.blas import WORKERS, each, one_blas_thread

BETA = 15.0                 # W-NOMINATE's default signal-to-noise
WEIGHTS = (0.5, 0.5)        # weight of each dimension in the utility
BLOCK = 1024                # at most this many votes per block: a members × block float32 array stays in cache
VOTE_PRIOR_SD = 3.0         # a weak normal prior keeps outcome points of near-perfect votes finite
DAMPING = 1e-3
FLOOR = -20.0               # utility exponents are kept at or above this
ITERATIONS = 12             # rounds of member step + vote step; the Senate's fit is stable from about 10
WARM_VOTES = 2_500          # above this many votes, the rounds run on an evenly spaced sample first ...
POLISH = 1                  # ... and then this many rounds on all votes


@dataclass
class Votes:
    """Outcome points of each vote: yes (votes × 2) and no (votes × 2)."""

    yes: np.ndarray
    no: np.ndarray


class _Scratch:
    """Work arrays for one block of votes at a time, kept for the next block this scratch serves.

    Fresh members × block arrays for every block were allocated and freed dozens of times a pass; the allocator
    handed the freed memory back to the system and the next block faulted it in again: 176,000 page faults in one
    fit at 14 M inside the dashboard (0.3–0.4 s of it), against 38,000 with each block's arrays kept here.
    """

    def __init__(self) -> None:
        self._arrays: dict[str, np.ndarray] = {}

    def array(self, name: str, rows: int, columns: int, dtype: type = np.float32) -> np.ndarray:
        """A contiguous rows × columns array named `name` (its values are whatever was left in it)."""
        flat = self._arrays.get(name)
        if flat is None or flat.size < rows * columns:
            flat = self._arrays[name] = np.empty(rows * columns, dtype)
        return flat[:rows * columns].reshape(rows, columns)


class _Scratches:
    """A _Scratch for each block running at once: a block takes one and gives it back when it is done."""

    def __init__(self) -> None:
        self._free: queue.SimpleQueue[_Scratch] = queue.SimpleQueue()

    @contextmanager
    def one(self) -> Iterator[_Scratch]:
        """A scratch no other running block holds."""
        try:
            scratch = self._free.get_nowait()
        except queue.Empty:
            scratch = _Scratch()
        try:
            yield scratch
        finally:
            self._free.put(scratch)


def _yes_and_cast(codes: np.ndarray, lo: int, hi: int, scratch: _Scratch) -> tuple[np.ndarray, np.ndarray]:
    """Votes lo:hi of the codes (1 yes, −1 no, 0 not cast) as float32 0/1 arrays: yes, and cast (yes or no).

    Made a block at a time: float arrays of every cell would be 8 bytes a cell of fresh memory on each fit.
    """
    part = codes[:, lo:hi]
    rows, columns = part.shape
    mask = scratch.array("mask", rows, columns, bool)
    y, cast = scratch.array("yes", rows, columns), scratch.array("cast", rows, columns)
    np.copyto(y, np.equal(part, 1, out=mask))
    np.copyto(cast, np.not_equal(part, 0, out=mask))
    return y, cast


def _cells(x: np.ndarray, votes: Votes, codes: np.ndarray, lo: int, hi: int,
           beta: float, w2: np.ndarray, scratch: _Scratch) -> tuple[np.ndarray, ...]:
    """Utility kernels, Fisher weights and residuals of one block of votes (float32, in the scratch).

    The weights are left in the scratch's p array and the residuals in its yes array; its cast array is free again.
    Fewer work arrays keep more of a block in cache: eleven of 700 × 1,024 cells were 31 MB, the machine's L3.
    """
    y, observed = _yes_and_cast(codes, lo, hi, scratch)
    rows, columns = observed.shape
    xw = x * w2
    member_side = np.column_stack([xw, -0.5 * (x * xw).sum(axis=1), np.ones(len(x), x.dtype)])
    kernels = []
    for name, point in (("e_yes", votes.yes[lo:hi]), ("e_no", votes.no[lo:hi])):
        vote_side = np.column_stack([point, np.ones(len(point), x.dtype), -0.5 * (point * point * w2).sum(axis=1)])
        # −½ Σ w_k² (x_k − point_k)², one matrix product
        exponent = np.matmul(member_side, vote_side.T, out=scratch.array(name, rows, columns))
        if _lowest_exponent(x, point, w2) < FLOOR + 1:   # (a pass over the block, only when a point is that far)
            np.fmax(exponent, FLOOR, out=exponent)     # products of far smaller kernels would be slow subnormals
        kernels.append(np.exp(exponent, out=exponent))
    e_yes, e_no = kernels
    # P(yes) = 1 / (1 + exp(−β (e_yes − e_no))): one exp, where ½ (1 + tanh) took a tanh, 60 % dearer, and two more
    # passes. |e_yes − e_no| ≤ 1, so the exp stays finite for any β under 88 (and would give P = 0, not NaN, above).
    p = np.subtract(e_no, e_yes, out=scratch.array("p", rows, columns))
    p *= beta
    np.exp(p, out=p)
    p += 1
    np.reciprocal(p, out=p)
    p_cast = np.multiply(p, observed, out=observed)
    residual = np.subtract(y, p_cast, out=y)          # y is 0 where not cast
    weight = np.multiply(p, p_cast, out=p)
    np.subtract(p_cast, weight, out=weight)           # p (1 − p) on cast cells
    return e_yes, e_no, weight, residual


def _lowest_exponent(x: np.ndarray, point: np.ndarray, w2: np.ndarray) -> float:
    """A lower bound of −½ Σ w_k² (x_k − point_k)² over every member and point of a block."""
    reach = np.abs(x).max(axis=0) + np.abs(point).max(axis=0)
    return float(-0.5 * (w2 * reach * reach).sum())


def _each_block(work, n: int) -> list:
    """work(lo, hi) for each block of votes, in order; the blocks are of one size and run side by side on the cores."""
    blocks = -(-n // BLOCK)
    blocks = max(1, -(-blocks // WORKERS) * WORKERS)
    size = -(-n // blocks)
    return each(lambda lo: work(lo, min(lo + size, n)), range(0, n, size))


def _member_features(x: np.ndarray) -> np.ndarray:
    return np.column_stack([np.ones(len(x), x.dtype), x, x[:, :1] * x, x[:, 1:] * x[:, 1:]])   # 1 x1 x2 x1² x1x2 x2²


def update_votes(x: np.ndarray, votes: Votes, codes: np.ndarray, beta: float = BETA,
                 weights: tuple[float, float] = WEIGHTS, scratches: _Scratches | None = None) -> Votes:
    """One Fisher-scoring step of every vote's yes and no points given the members."""
    scratches = scratches or _Scratches()
    w2 = np.square(np.asarray(weights, x.dtype))
    feats = _member_features(x)
    n = votes.yes.shape[0]
    yes_new, no_new = votes.yes.copy(), votes.no.copy()
    quad = [(0, 0, 3), (0, 1, 4), (1, 1, 5)]   # (k, j, column of x_k x_j)

    def block(lo: int, hi: int) -> None:
        with scratches.one() as scratch:
            s_yy, s_nn, s_yn, r_y, r_n = _vote_sums(x, votes, codes, lo, hi, beta, w2, feats, scratch)
        a, b = votes.yes[lo:hi].astype(np.float64), votes.no[lo:hi].astype(np.float64)
        h = np.zeros((hi - lo, 4, 4))
        ww = np.asarray(weights, np.float64) ** 2
        col = {(k, j): c for k, j, c in quad}
        col.update({(j, k): c for k, j, c in quad})

        def centred(s: np.ndarray, p: np.ndarray, q: np.ndarray, k: int, j: int) -> np.ndarray:
            """Σ weight (x_k − p_k)(x_j − q_j) from the feature sums s."""
            return s[:, col[(k, j)]] - q[:, j] * s[:, 1 + k] - p[:, k] * s[:, 1 + j] + p[:, k] * q[:, j] * s[:, 0]

        for k in range(2):
            for j in range(2):
                c = ww[k] * ww[j] * beta ** 2
                h[:, k, j] = c * centred(s_yy, a, a, k, j)
                h[:, 2 + k, 2 + j] = c * centred(s_nn, b, b, k, j)
                h[:, k, 2 + j] = h[:, 2 + j, k] = -c * centred(s_yn, a, b, k, j)
        g = np.empty((hi - lo, 4))
        for k in range(2):
            g[:, k] = beta * ww[k] * (r_y[:, 1 + k] - a[:, k] * r_y[:, 0])
            g[:, 2 + k] = -beta * ww[k] * (r_n[:, 1 + k] - b[:, k] * r_n[:, 0])
        theta = np.column_stack([a, b])
        g -= theta / VOTE_PRIOR_SD ** 2
        h += np.eye(4) / VOTE_PRIOR_SD ** 2
        h += DAMPING * np.trace(h, axis1=1, axis2=2)[:, None, None] * np.eye(4)
        step = np.linalg.solve(h, g[..., None])[..., 0]
        new = theta + step
        yes_new[lo:hi], no_new[lo:hi] = new[:, :2], new[:, 2:]

    _each_block(block, n)
    return Votes(yes_new, no_new)


def _vote_sums(x: np.ndarray, votes: Votes, codes: np.ndarray, lo: int, hi: int, beta: float, w2: np.ndarray,
               feats: np.ndarray, scratch: _Scratch) -> tuple[np.ndarray, ...]:
    """One block's weighted sums of the member features that the vote step needs (float64)."""
    e_yes, e_no, weight, residual = _cells(x, votes, codes, lo, hi, beta, w2, scratch)
    rows, columns = weight.shape
    w_y = np.multiply(weight, e_yes, out=scratch.array("w_y", rows, columns))
    w_nn = np.multiply(weight, e_no, out=weight)
    w_nn *= e_no
    product = scratch.array("cast", rows, columns)    # free again after _cells
    s_yy = (np.multiply(w_y, e_yes, out=product).T @ feats).astype(np.float64)
    s_nn = (w_nn.T @ feats).astype(np.float64)
    s_yn = (np.multiply(w_y, e_no, out=product).T @ feats).astype(np.float64)
    r_y = (np.multiply(residual, e_yes, out=product).T @ feats[:, :3]).astype(np.float64)
    r_n = (np.multiply(residual, e_no, out=product).T @ feats[:, :3]).astype(np.float64)
    return s_yy, s_nn, s_yn, r_y, r_n


def _vote_features(votes: Votes) -> np.ndarray:
    a, b = votes.yes, votes.no
    return np.column_stack([np.ones(len(a), a.dtype), a, b])   # 1 y1 y2 n1 n2


def _member_sums(x: np.ndarray, votes: Votes, codes: np.ndarray, lo: int, hi: int, beta: float, w2: np.ndarray,
                 scratch: _Scratch) -> tuple[dict, dict]:
    """One block's weighted sums of the vote features that the member step needs (float64, members × features)."""
    m = len(x)
    acc = {k: np.zeros((m, 5)) for k in ("yy", "nn", "yn", "ry", "rn")}
    # y_k y_j, n_k n_j, y_k n_j + n_k y_j for kj = 00 01 10 11
    acc2 = {k: np.zeros((m, 4)) for k in ("yy", "nn", "yn")}
    e_yes, e_no, weight, residual = _cells(x, votes, codes, lo, hi, beta, w2, scratch)
    rows, columns = weight.shape
    sub = Votes(votes.yes[lo:hi], votes.no[lo:hi])
    g = _vote_features(sub)
    a, b = sub.yes, sub.no
    # each product's vote features side by side, one matrix product per weight array
    with_yy = np.column_stack([g, a[:, 0] * a[:, 0], a[:, 0] * a[:, 1], a[:, 1] * a[:, 0], a[:, 1] * a[:, 1]])
    with_nn = np.column_stack([g, b[:, 0] * b[:, 0], b[:, 0] * b[:, 1], b[:, 1] * b[:, 0], b[:, 1] * b[:, 1]])
    with_yn = np.column_stack([g, a[:, 0] * b[:, 0] + b[:, 0] * a[:, 0], a[:, 0] * b[:, 1] + b[:, 0] * a[:, 1],
                               a[:, 1] * b[:, 0] + b[:, 1] * a[:, 0], a[:, 1] * b[:, 1] + b[:, 1] * a[:, 1]])
    w_y = np.multiply(weight, e_yes, out=scratch.array("w_y", rows, columns))
    w_yy = np.multiply(w_y, e_yes, out=scratch.array("cast", rows, columns))
    w_yn = np.multiply(w_y, e_no, out=w_y)
    w_nn = np.multiply(weight, e_no, out=weight)
    w_nn *= e_no
    for name, cells, features in (("yy", w_yy, with_yy), ("nn", w_nn, with_nn), ("yn", w_yn, with_yn)):
        sums = cells @ features
        acc[name] += sums[:, :5]
        acc2[name] += sums[:, 5:]
    product = w_yy                                    # free again
    acc["ry"] += np.multiply(residual, e_yes, out=product) @ g
    acc["rn"] += np.multiply(residual, e_no, out=product) @ g
    return acc, acc2


def member_curvature(x: np.ndarray, votes: Votes, codes: np.ndarray, beta: float = BETA,
                     weights: tuple[float, float] = WEIGHTS,
                     scratches: _Scratches | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each member's score (members × 2) and Fisher information (members × 2 × 2) given the votes."""
    scratches = scratches or _Scratches()
    w2 = np.square(np.asarray(weights, x.dtype))
    m = len(x)
    n = votes.yes.shape[0]

    def block(lo: int, hi: int) -> tuple[dict, dict]:
        with scratches.one() as scratch:
            return _member_sums(x, votes, codes, lo, hi, beta, w2, scratch)

    parts = _each_block(block, n)
    acc = {k: sum(part[0][k] for part in parts) for k in parts[0][0]}
    acc2 = {k: sum(part[1][k] for part in parts) for k in parts[0][1]}
    ww = np.asarray(weights, np.float64) ** 2
    xd = x.astype(np.float64)
    yy, nn, yn, ry, rn = acc["yy"], acc["nn"], acc["yn"], acc["ry"], acc["rn"]
    score = np.empty((m, 2))
    info = np.empty((m, 2, 2))
    dd = nn[:, 0] - 2 * yn[:, 0] + yy[:, 0]
    for k in range(2):
        score[:, k] = beta * ww[k] * (-xd[:, k] * ry[:, 0] + ry[:, 1 + k] + xd[:, k] * rn[:, 0] - rn[:, 3 + k])
    for k in range(2):
        for j in range(2):
            lin_j = yn[:, 1 + j] - nn[:, 3 + j] - yy[:, 1 + j] + yn[:, 3 + j]
            lin_k = yn[:, 1 + k] - nn[:, 3 + k] - yy[:, 1 + k] + yn[:, 3 + k]
            const = acc2["yy"][:, 2 * k + j] - acc2["yn"][:, 2 * k + j] + acc2["nn"][:, 2 * k + j]
            info[:, k, j] = beta ** 2 * ww[k] * ww[j] * (xd[:, k] * xd[:, j] * dd + xd[:, k] * lin_j
                                                          + xd[:, j] * lin_k + const)
    return score, info


def update_members(x: np.ndarray, votes: Votes, codes: np.ndarray, beta: float = BETA,
                   weights: tuple[float, float] = WEIGHTS,
                   scratches: _Scratches | None = None) -> tuple[np.ndarray, np.ndarray]:
    """One Fisher-scoring step of every member given the votes, kept inside the unit circle; and the information."""
    score, information = member_curvature(x, votes, codes, beta, weights, scratches)
    info = information + (DAMPING * np.trace(information, axis1=1, axis2=2) + 1e-6)[:, None, None] * np.eye(2)
    new = x.astype(np.float64) + np.linalg.solve(info, score[..., None])[..., 0]
    radius = np.sqrt((new ** 2).sum(axis=1))
    new /= np.maximum(radius, 1.0)[:, None]
    return new.astype(x.dtype), information


def start_votes(x: np.ndarray, codes: np.ndarray, spacing: float = 0.5,
                scratches: _Scratches | None = None) -> Votes:
    """Outcome points either side of a first cutting line: normal from yes − no, midpoint between the two groups."""
    scratches = scratches or _Scratches()
    x = x.astype(np.float32)
    centre = x.mean(axis=0)
    centred = x - centre

    def block(lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        with scratches.one() as scratch:
            return _start_block(codes, lo, hi, centre, centred, spacing, scratch)

    parts = _each_block(block, codes.shape[1])
    return Votes(np.concatenate([yes for yes, _ in parts]).astype(np.float32),
                 np.concatenate([no for _, no in parts]).astype(np.float32))


def _start_block(codes: np.ndarray, lo: int, hi: int, centre: np.ndarray, centred: np.ndarray, spacing: float,
                 scratch: _Scratch) -> tuple[np.ndarray, np.ndarray]:
    """start_votes' yes and no points of votes lo:hi."""
    y, observed = _yes_and_cast(codes, lo, hi, scratch)
    rows, columns = y.shape
    sign = np.multiply(y, 2, out=scratch.array("sign", rows, columns))
    sign -= observed                                  # +1 yes, −1 no, 0 not cast
    direction = sign.T @ centred
    unit = direction / np.maximum(np.linalg.norm(direction, axis=1, keepdims=True), 1e-9)
    no = np.subtract(observed, y, out=scratch.array("no", rows, columns))
    yes_mean = ((y.T @ centred) * unit).sum(axis=1) / np.maximum(y.sum(axis=0), 1)
    no_mean = ((no.T @ centred) * unit).sum(axis=1) / np.maximum(no.sum(axis=0), 1)
    mid = centre + (0.5 * (yes_mean + no_mean))[:, None] * unit
    return mid + spacing * unit, mid - spacing * unit


def fit_model(x0: np.ndarray, matrix: np.ndarray, iterations: int = ITERATIONS, beta: float = BETA,
              weights: tuple[float, float] = WEIGHTS) -> tuple[np.ndarray, Votes, np.ndarray]:
    """Alternate member and vote steps; on many votes, warm up on an evenly spaced sample, then polish on all.

    Returns the points, the votes and each member's Fisher information (2 × 2) from the last member step.
    """
    scratches = _Scratches()   # the blocks' work arrays, kept for the whole fit
    with one_blas_thread():
        x = x0.astype(np.float32)
        warm = warm_sample(matrix.shape[1])
        if len(warm) < matrix.shape[1]:
            x = _alternate(x, matrix[:, warm], iterations, beta, weights, scratches)[0]
            iterations = POLISH
        return _alternate(x, matrix, iterations, beta, weights, scratches)


def warm_sample(votes: int, size: int = WARM_VOTES) -> np.ndarray:
    """Column indices of at most `size` evenly spaced votes."""
    return np.unique(np.linspace(0, votes - 1, min(votes, size)).round().astype(np.int64))


def _alternate(x: np.ndarray, codes: np.ndarray, iterations: int, beta: float, weights: tuple[float, float],
               scratches: _Scratches) -> tuple[np.ndarray, Votes, np.ndarray]:
    votes = start_votes(x, codes, scratches=scratches)
    for _ in range(2):
        votes = update_votes(x, votes, codes, beta, weights, scratches)
    info = np.zeros((len(x), 2, 2))
    for _ in range(iterations):
        x, info = update_members(x, votes, codes, beta, weights, scratches)
        votes = update_votes(x, votes, codes, beta, weights, scratches)
    return x, votes, info
