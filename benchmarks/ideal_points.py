"""Time the ideal-point fit on a synthetic chamber: `python benchmarks/ideal_points.py [members] [votes]`."""

from __future__ import annotations

import sys
import time

import numpy as np

from tracker import ideal_points


def main(members: int = 700, votes: int = 20_000) -> None:
    """Fit a synthetic 2-D chamber and print the time and the recovery of the first dimension."""
    rng = np.random.default_rng(0)
    truth = rng.normal(size=(members, 2)) * [1.0, 0.5]
    chance = 1 / (1 + np.exp(-(rng.normal(size=votes) + truth @ (rng.normal(size=(votes, 2)) * 2.5).T)))
    matrix = np.where(rng.random((members, votes)) < chance, 1, -1).astype(np.int8)
    matrix[rng.random((members, votes)) < 0.1] = 0
    start = time.perf_counter()
    fit = ideal_points.fit(matrix)
    seconds = time.perf_counter() - start
    r = abs(np.corrcoef(fit.points[:, 0], truth[:, 0])[0, 1])
    print(f"{members} members x {votes:,} votes: {seconds:.1f} s; |r| of dim1 with the truth = {r:.3f}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
