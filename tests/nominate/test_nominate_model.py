"""The fit's blocks of votes: how the votes are cut, and the same numbers whether the blocks run on threads or not."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from tracker import config
from tracker.nominate import blas, model
from tracker.nominate.model import BLOCK, WORKERS


@pytest.mark.parametrize("votes", [1, 7, 519, 2_500, 20_000, 25_001])
def test_blocks_cover_every_vote_once_in_order_at_most_a_block_long(votes):
    blocks = model._each_block(lambda lo, hi: (lo, hi), votes)
    assert blocks[0][0] == 0 and blocks[-1][1] == votes
    assert all(hi == next_lo for (_, hi), (next_lo, _) in zip(blocks[:-1], blocks[1:], strict=True))
    assert all(0 < hi - lo <= BLOCK for lo, hi in blocks)


def test_blocks_are_shared_evenly_between_the_threads():
    blocks = model._each_block(lambda lo, hi: hi - lo, 2_500)
    assert len(blocks) % WORKERS == 0 and max(blocks) - min(blocks) <= 1


def test_fit_on_threads_gives_exactly_the_numbers_of_the_same_blocks_one_after_another(monkeypatch):
    rng = np.random.default_rng(7)
    truth = rng.normal(size=(80, 2))
    slopes, cuts = rng.normal(size=(3_000, 2)) * 2.5, rng.normal(size=3_000)
    matrix = np.where(rng.random((80, 3_000)) < 1 / (1 + np.exp(-(cuts + truth @ slopes.T))), 1, -1).astype(np.int8)
    start = np.column_stack([truth[:, 0], truth[:, 1]]).astype(np.float32) / 4
    monkeypatch.setattr(model, "WORKERS", 2)   # blocks cut for two threads, whatever this machine has
    monkeypatch.setattr(blas, "WORKERS", 2)
    threaded = model.fit_model(start, matrix, iterations=3)
    monkeypatch.setattr(blas, "WORKERS", 1)   # the same blocks, one after another in this thread
    serial = model.fit_model(start, matrix, iterations=3)
    assert np.array_equal(threaded[0], serial[0])
    assert np.array_equal(threaded[1].yes, serial[1].yes) and np.array_equal(threaded[2], serial[2])


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_process_forked_after_a_fit_fits_with_threads_of_its_own():
    # The parent's worker threads do not exist in a forked child: without a pool of its own the child's fit waits
    # forever on them.
    code = """
import os, numpy as np
from tracker.nominate import model
rng = np.random.default_rng(1)
matrix = np.where(rng.random((40, 3000)) < 0.5, 1, -1).astype(np.int8)
start = rng.normal(size=(40, 2)).astype(np.float32) / 4
before = model.fit_model(start, matrix, iterations=2)[0]
child = os.fork()
if child == 0:
    os._exit(0 if np.array_equal(model.fit_model(start, matrix, iterations=2)[0], before) else 3)
print(os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=config.PROJECT_DIR)
    assert done.returncode == 0 and done.stdout.split() == ["0"], done.stderr


def test_fit_makes_float_cells_a_block_at_a_time_not_for_the_whole_matrix():
    # Float copies of every cell (yes, cast, and the start's yes − no) were 12+ bytes a cell of fresh memory on each
    # fit, which a new process pays for in page faults (0.3–0.7 s of a first fit at 14 M here). Made a block at a
    # time, the extra memory is the outcome points and other per-vote arrays (under 2 bytes a cell here) and each
    # running block's work arrays (about 16 members × block float32 arrays), whatever the number of votes.
    import tracemalloc

    rng = np.random.default_rng(3)
    members, votes = 60, 60_000
    matrix = np.where(rng.random((members, votes)) < 0.5, 1, -1).astype(np.int8)
    start = rng.normal(size=(members, 2)).astype(np.float32) / 4
    tracemalloc.start()
    try:
        model.fit_model(start, matrix, iterations=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    scratch = WORKERS * 16 * members * BLOCK * 4
    assert peak < 2 * matrix.size + scratch, f"{peak / matrix.size:.1f} bytes a cell"   # 17 before


def _chamber(members: int = 30, votes: int = 200, seed: int = 5) -> tuple[np.ndarray, model.Votes, np.ndarray]:
    """Members in the unit circle, outcome points around them, and codes with about a tenth not cast."""
    rng = np.random.default_rng(seed)
    x = (rng.uniform(-0.6, 0.6, size=(members, 2))).astype(np.float32)
    yes = rng.normal(scale=0.8, size=(votes, 2)).astype(np.float32)
    no = rng.normal(scale=0.8, size=(votes, 2)).astype(np.float32)
    codes = rng.choice(np.array([1, -1, 0], np.int8), size=(members, votes), p=[0.45, 0.45, 0.1])
    return x, model.Votes(yes, no), codes


def _log_likelihood(x: np.ndarray, votes: model.Votes, codes: np.ndarray) -> float:
    """Σ over cast cells of log P(the recorded choice), computed cell by cell in float64 from the model's formula."""
    w2 = np.square(np.asarray(model.WEIGHTS))
    e_yes = np.exp(-0.5 * (w2 * (x[:, None, :] - votes.yes[None].astype(float)) ** 2).sum(axis=2))
    e_no = np.exp(-0.5 * (w2 * (x[:, None, :] - votes.no[None].astype(float)) ** 2).sum(axis=2))
    p = 1 / (1 + np.exp(-model.BETA * (e_yes - e_no)))
    return float(np.where(codes == 1, np.log(p), 0).sum() + np.where(codes == -1, np.log(1 - p), 0).sum())


def test_member_score_is_the_slope_of_the_log_likelihood_and_information_its_expected_curvature():
    x, votes, codes = _chamber()
    score, information = model.member_curvature(x, votes, codes)
    xd, h = x.astype(np.float64), 1e-5
    for k in range(2):
        up, down = xd.copy(), xd.copy()
        up[:, k] += h
        down[:, k] -= h
        # each member's own likelihood moves only with their own point: perturb all, difference per member
        slope = np.array([(_log_likelihood(up[[i]], votes, codes[[i]]) - _log_likelihood(down[[i]], votes, codes[[i]]))
                          / (2 * h) for i in range(len(x))])
        assert np.allclose(score[:, k], slope, rtol=1e-3, atol=1e-3)
    # Fisher information by hand: Σ over cast cells of p (1 − p) ∇η ∇ηᵀ, η = β (e_yes − e_no)
    w2 = np.square(np.asarray(model.WEIGHTS))
    d_yes, d_no = xd[:, None, :] - votes.yes[None], xd[:, None, :] - votes.no[None]
    e_yes, e_no = np.exp(-0.5 * (w2 * d_yes ** 2).sum(axis=2)), np.exp(-0.5 * (w2 * d_no ** 2).sum(axis=2))
    p = 1 / (1 + np.exp(-model.BETA * (e_yes - e_no)))
    grad = model.BETA * (-w2 * d_yes * e_yes[..., None] + w2 * d_no * e_no[..., None])
    expected = np.einsum("mv,mvk,mvj->mkj", p * (1 - p) * (codes != 0), grad, grad)
    assert np.allclose(information, expected, rtol=1e-4, atol=1e-4)


def test_the_exponent_bound_is_never_above_any_cell_so_skipping_the_floor_changes_nothing():
    rng = np.random.default_rng(11)
    w2 = np.square(np.asarray(model.WEIGHTS, np.float32))
    for scale in (0.5, 3.0, 12.0, 40.0):
        x = rng.uniform(-0.7, 0.7, size=(25, 2)).astype(np.float32)
        point = rng.normal(scale=scale, size=(40, 2)).astype(np.float32)
        exponent = -0.5 * (w2 * (x[:, None, :] - point[None]) ** 2).sum(axis=2)
        assert model._lowest_exponent(x, point, w2) <= exponent.min() + 1e-4


def test_outcome_points_far_away_give_kernels_at_the_floor_not_subnormal_numbers():
    x, votes, codes = _chamber(votes=20)
    votes.yes[3] = (40.0, 0.0)          # −½ · ¼ · 40² = −200 unfloored: exp of it is 0 or a subnormal float32
    e_yes, *_ = model._cells(x, votes, codes, 0, 20, model.BETA, np.square(np.asarray(model.WEIGHTS, np.float32)),
                             model._Scratch())
    assert np.all(e_yes[:, 3] == np.exp(np.float32(model.FLOOR)))
    assert np.all(e_yes >= np.exp(np.float32(model.FLOOR)))
