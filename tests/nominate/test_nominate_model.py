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
