"""Time the ideal-point fit and check it against the 90th Senate: `python benchmarks/ideal_points.py [--senate]`.

Without arguments: full fits (all votes scaled) of synthetic 2-D chambers at the issue's sizes, run in a child process
each so peak memory is the fit's own; medians of wall and CPU seconds and their ratio to the targets. With --senate:
r against the published W-NOMINATE, Nokken-Poole and DW-NOMINATE scores after orthogonal Procrustes. Both write
benchmarks/results/ideal_points*.json.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

BENCHMARKS = Path(__file__).resolve().parent
PROJECT = BENCHMARKS.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from tracker import ideal_points  # noqa: E402

RESULTS = BENCHMARKS / "results"
TARGETS = [(700, 20_000, 5.0), (1_000, 25_000, 8.0)]   # members, votes, seconds allowed
MEMORY_TARGET_MB = 2_048
RUNS = 3
# ../shared beside the repository (a worktree under /work/wt/<name> has it one level further up).
SENATE = next((p for p in (PROJECT / ".." / "shared" / "data" / "us_senate_90",
                           PROJECT / ".." / ".." / "shared" / "data" / "us_senate_90") if p.is_dir()),
              PROJECT / ".." / "shared" / "data" / "us_senate_90")


def synthetic_chamber(members: int, votes: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A 2-D logistic chamber (dim2 half as spread), 10 % of cells missing, built in blocks of votes to stay small."""
    rng = np.random.default_rng(seed)
    truth = (rng.normal(size=(members, 2)) * [1.0, 0.5]).astype(np.float32)
    matrix = np.empty((members, votes), dtype=np.int8)
    for lo in range(0, votes, 2_000):
        hi = min(lo + 2_000, votes)
        slopes = (rng.normal(size=(hi - lo, 2)) * 2.5).astype(np.float32)
        chance = 1 / (1 + np.exp(-(rng.normal(size=hi - lo).astype(np.float32) + truth @ slopes.T)))
        block = np.where(rng.random((members, hi - lo), dtype=np.float32) < chance, 1, -1).astype(np.int8)
        block[rng.random((members, hi - lo), dtype=np.float32) < 0.1] = 0
        matrix[:, lo:hi] = block
    return matrix, truth


def one_size(members: int, votes: int) -> dict:
    """Fit one chamber RUNS times in this process: wall and CPU seconds, peak memory and recovery of the truth."""
    matrix, truth = synthetic_chamber(members, votes)
    walls, cpus = [], []
    for _ in range(RUNS):
        wall, cpu = time.perf_counter(), time.process_time()
        fit = ideal_points.fit(matrix, max_votes=None)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    r = [abs(float(np.corrcoef(fit.points[:, 0], truth[:, k])[0, 1])) for k in range(2)]
    return {"members": members, "votes": votes, "wall_seconds": walls, "cpu_seconds": cpus,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "abs_r_dim1_with_true_dim1": r[0], "correct_2d": fit.classification.correct_2d}


def speed() -> dict:
    """Each target size in its own child process; medians against the targets."""
    rows = []
    for members, votes, target in TARGETS:
        out = subprocess.run([sys.executable, __file__, "--one", str(members), str(votes)], check=True,
                             capture_output=True, text=True).stdout
        row = json.loads(out.splitlines()[-1])
        row |= {"target_seconds": target, "median_wall_seconds": statistics.median(row["wall_seconds"]),
                "median_cpu_seconds": statistics.median(row["cpu_seconds"])}
        row |= {"wall_ratio_to_target": row["median_wall_seconds"] / target,
                "memory_ratio_to_target": row["peak_rss_mb"] / MEMORY_TARGET_MB}
        rows.append(row)
        print(f"{members} × {votes:,}: median {row['median_wall_seconds']:.2f} s wall "
              f"({row['median_cpu_seconds']:.2f} s CPU), target {target:.0f} s → ratio "
              f"{row['wall_ratio_to_target']:.2f}; peak {row['peak_rss_mb']:.0f} MB")
    return {"runs": RUNS, "sizes": rows}


def senate_matrix() -> tuple[list[dict], np.ndarray]:
    """Members (with published scores) and the members × roll calls matrix of the 90th Senate."""
    import pandas as pd

    members = pd.read_csv(SENATE / "members.csv")
    votes = pd.read_csv(SENATE / "member_votes.csv")
    row = pd.Series(np.arange(len(members)), index=members["member_id"])
    column = votes["vote_id"].str.split("-").str[1].astype(int) - 1
    matrix = np.zeros((len(members), column.max() + 1), dtype=np.int8)
    matrix[row[votes["member_id"]].to_numpy(), column.to_numpy()] = (
        votes["position"].map({"yes": 1, "no": -1}).fillna(0).to_numpy())
    return members, matrix


def aligned_r(points: np.ndarray, reference: np.ndarray) -> list[float]:
    """r per dimension after orthogonal Procrustes of the centred fit onto the centred reference."""
    from scipy.linalg import orthogonal_procrustes

    a, b = points - points.mean(axis=0), reference - reference.mean(axis=0)
    rotation, _ = orthogonal_procrustes(a, b)
    return [float(np.corrcoef((a @ rotation)[:, k], b[:, k])[0, 1]) for k in range(2)]


def senate() -> dict:
    """The 90th Senate: agreement with the published scores, classification, orientation and time."""
    members, matrix = senate_matrix()
    started = time.perf_counter()
    fit = ideal_points.fit(matrix, max_votes=None, right=(members["party"] == "R").to_numpy(),
                           right_label="Republicans")
    seconds = time.perf_counter() - started
    spectral = ideal_points.fit(matrix, max_votes=None, iterations=0)
    result = {"members": int((~np.isnan(fit.points[:, 0])).sum()), "votes": fit.classification.votes,
              "seconds": seconds, "orientation": fit.orientation, "classification": fit.classification.as_dict(),
              "median_se": np.nanmedian(fit.standard_errors, axis=0).tolist()}
    for name in ("wnominate", "nokken_poole", "dw_nominate"):
        known = members[f"{name}_dim1"].notna().to_numpy()
        reference = members.loc[known, [f"{name}_dim1", f"{name}_dim2"]].to_numpy()
        result[f"r_{name}"] = aligned_r(fit.points[known], reference)
        result[f"r_{name}_spectral_start"] = aligned_r(spectral.points[known], reference)
        print(f"r against {name}: dim1 {result[f'r_{name}'][0]:.4f}, dim2 {result[f'r_{name}'][1]:.4f} "
              f"(spectral start {result[f'r_{name}_spectral_start'][0]:.4f}, "
              f"{result[f'r_{name}_spectral_start'][1]:.4f})")
    c = fit.classification
    print(f"correct classification {c.correct_1d:.3f} (dim 1) / {c.correct_2d:.3f} (2-D); "
          f"APRE {c.apre_1d:.3f} / {c.apre_2d:.3f}; {seconds:.2f} s; {fit.orientation}")
    return result


def main(argv: list[str]) -> None:
    """Run the speed benchmark (default), the Senate check (--senate), or one size in a child (--one M V)."""
    if argv[:1] == ["--one"]:
        print(json.dumps(one_size(int(argv[1]), int(argv[2]))))
        return
    RESULTS.mkdir(exist_ok=True)
    name, result = ("ideal_points_senate", senate()) if "--senate" in argv else ("ideal_points", speed())
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
