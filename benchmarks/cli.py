"""`python -m tracker export` as a whole process against a plain pandas script, in one run; peak memory of big exports.

    python benchmarks/cli.py [--members 700 --votes 3000 --parties 8 --seed 1] [--runs 5]

On a synthetic parliament of that size (generated with `python -m tracker demo` into benchmarks/work/, the member
vote codes and the all-votes fit kept as `import` and the Members page keep them), for every metric: the wall time
of `python -m tracker --db X export METRIC --out file.csv` and of benchmarks/cli_pandas.py (import pandas, read a
Parquet file of all member votes written once beforehand, compute the metric, write CSV), alternated run by run,
and whether both CSV files hold the same numbers. Then the peak memory of `export member-votes` as CSV and Parquet.
Prints a Markdown table and writes benchmarks/results/cli-<size>-<time>.json. Nothing here is asserted.

Both sides run with their modules compiled beforehand, as on a reader's machine after the first run: Python keeps
them in __pycache__ unless told not to, and pip compiled pandas' at install. (A machine with
PYTHONDONTWRITEBYTECODE set, as this sandbox is, compiles the tracker's modules again in every process: about 35 ms
more per export; `--no-compile` measures that.)
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS.parent))
sys.path.insert(0, str(BENCHMARKS))

import baseline  # noqa: E402
import duckdb  # noqa: E402
import pandas as pd  # noqa: E402

from tracker import export, metrics, store  # noqa: E402
from tracker.table_query import TableQuery  # noqa: E402

TARGETS = {"export_seconds": 0.4, "pandas_ratio": 5.0, "member_votes_peak_gb": 1.0}
# The columns the pandas script reads: every member vote with its vote's date (a timestamp, as pandas wants it), rule
# and seats: baseline.py's frame.
MEMBER_VOTE_FRAME = TableQuery(
    "select mv.vote_id, mv.member_id, m.name, mv.party, mv.position, v.date::timestamp as date, v.majority,"
    " v.seats as vote_seats,"
    " a.seats as assembly_seats from member_votes mv join votes v using (vote_id)"
    " left join members m using (member_id) left join assemblies a on a.assembly = v.assembly",
    ("vote_id", "member_id"))


def size_label(member_votes: int) -> str:
    """2.1m for 2,100,000 member votes, 1.2k for 1,200."""
    return f"{member_votes / 1e6:.3g}m" if member_votes >= 1_000_000 else f"{member_votes / 1e3:.3g}k"


def run_child(command: list[str], project: Path = BENCHMARKS.parent) -> dict:
    """A process's wall time, peak memory and exit code (its own rusage, not its siblings'), run in `project`."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=project)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    error = child.stderr.read().decode("utf-8", "replace")
    child.stderr.close()
    child.returncode = os.waitstatus_to_exitcode(status)
    result = {"seconds": seconds, "peak_rss_bytes": usage.ru_maxrss * 1024, "exit": child.returncode}
    if child.returncode != 0:
        result["error"] = error.strip().splitlines()[-1] if error.strip() else "failed"
    return result


def summary(values: list[float]) -> dict:
    """Median, min, max and count."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def prepare(db: Path, members: int, votes: int, parties: int, seed: int, work: Path) -> Path:
    """Generate the parliament, keep its codes and fit, and write all member votes once as Parquet for pandas."""
    for old in db.parent.glob(db.name + "*"):
        old.unlink()
    done = subprocess.run([sys.executable, "-m", "tracker", "--db", str(db), "demo", "--members", str(members),
                           "--votes", str(votes), "--parties", str(parties), "--seed", str(seed)],
                          capture_output=True, text=True, cwd=BENCHMARKS.parent)
    if done.returncode != 0:
        raise RuntimeError(f"demo failed:\n{done.stderr[-3000:]}")
    parquet = work / f"{db.stem}-member-votes.parquet"
    with store.connect(db) as con:
        metrics.keep_member_vote_matrix(con)            # as `import` does after member votes
        metrics.fit_and_store_ideal_points(con, None)   # as the Members page does on its first visit
        export.write_table(con, MEMBER_VOTE_FRAME, "parquet", parquet)
    return parquet


def time_metrics(db: Path, parquet: Path, work: Path, runs: int, project: Path) -> dict:
    """Per metric: our export (of `project`'s tracker) and the pandas script, alternated; do their CSV files agree."""
    results = {}
    for name in metrics.METRIC_NAMES:
        ours_csv, pandas_csv = work / f"ours-{name}.csv", work / f"pandas-{name}.csv"
        ours_command = [sys.executable, "-m", "tracker", "--db", str(db), "export", name, "--out", str(ours_csv)]
        pandas_command = [sys.executable, str(BENCHMARKS / "cli_pandas.py"), name, str(parquet), str(pandas_csv)]
        ours, theirs, failed = [], [], None
        for _ in range(runs):
            measured = run_child(ours_command, project)
            failed = failed or measured.get("error")
            ours.append(measured["seconds"])
            if name in baseline.BASELINES:
                measured = run_child(pandas_command)
                failed = failed or measured.get("error")
                theirs.append(measured["seconds"])
        result: dict = {"ours_s": summary(ours)}
        if failed:
            result["error"] = failed
        elif theirs:
            result["pandas_s"] = summary(theirs)
            result["ratio"] = result["pandas_s"]["median"] / result["ours_s"]["median"]
            _, keys, columns = baseline.BASELINES[name]
            result["equal"] = baseline.same_result(pd.read_csv(ours_csv), pd.read_csv(pandas_csv), keys, columns)
        results[name] = result
    return results


def floor(runs: int) -> dict:
    """What any `python -m tracker` pays before it works: Python itself, Python with DuckDB's compiled engine (what
    the store loads, tracker/store/engine.py), and Python importing the duckdb package."""
    def timed(code: str) -> dict:
        return summary([run_child([sys.executable, "-c", code])["seconds"] for _ in range(runs)])

    return {"python_s": timed("pass"), "python_engine_s": timed("import _duckdb"),
            "python_duckdb_s": timed("import duckdb")}


def member_vote_exports(db: Path, work: Path, project: Path) -> dict:
    """Wall time and peak memory of `export member-votes` as CSV and as Parquet (one run each)."""
    results = {}
    for file_format in ("csv", "parquet"):
        out = work / f"member-votes.{file_format}"
        measured = run_child([sys.executable, "-m", "tracker", "--db", str(db), "export", "member-votes",
                              "--format", file_format, "--out", str(out)], project)
        measured["peak_gb"] = measured["peak_rss_bytes"] / 1e9
        measured["file_bytes"] = out.stat().st_size if out.exists() else None
        out.unlink(missing_ok=True)
        results[file_format] = measured
    return results


def table(results: dict) -> str:
    """The results as a Markdown table against the targets."""
    target_s, target_ratio = TARGETS["export_seconds"], TARGETS["pandas_ratio"]
    lines = [f"`export` at {results['member_votes']:,} member votes ({results['members']} members × "
             f"{results['votes']:,} votes), {results['runs']} runs each, medians (min–max); "
             f"targets ≤ {target_s} s and ≥ {target_ratio:g}× the pandas script",
             "", "| metric | export (s) | pandas script (s) | ratio | same numbers | targets met |",
             "| --- | --- | --- | --- | --- | --- |"]
    for name, r in results["metrics"].items():
        ours, theirs = r["ours_s"], r.get("pandas_s")
        cells = [name, f"{ours['median']:.2f} ({ours['min']:.2f}–{ours['max']:.2f})"
                 + (f" error: {r['error']}" if "error" in r else "")]
        if theirs:
            cells += [f"{theirs['median']:.2f} ({theirs['min']:.2f}–{theirs['max']:.2f})", f"{r['ratio']:.1f}×",
                      "yes" if r["equal"] is True else str(r["equal"])]
        else:
            cells += ["no pandas baseline", "–", "–"]
        met = ours["median"] <= target_s and (not theirs or r["ratio"] >= target_ratio)
        lines.append("| " + " | ".join([*cells, "yes" if met else "no"]) + " |")
    fl = results["floor"]
    lines += ["", f"Floor of any process on this machine in the same run: `python -c pass` "
              f"{fl['python_s']['median']:.2f} s, `python -c 'import _duckdb'` (DuckDB's engine, what the store "
              f"loads) {fl['python_engine_s']['median']:.2f} s, `python -c 'import duckdb'` "
              f"{fl['python_duckdb_s']['median']:.2f} s.",
              "", "| export member-votes | seconds | peak memory |", "| --- | --- | --- |"]
    for file_format, m in results["member_votes_export"].items():
        lines.append(f"| {file_format} | {m['seconds']:.1f} | {m['peak_gb']:.2f} GB"
                     + (f" (error: {m['error']})" if "error" in m else "") + " |")
    return "\n".join(lines)


def machine() -> dict:
    """What the numbers were measured on."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "unknown") if Path("/proc/cpuinfo").exists() else "unknown"
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(), "duckdb": duckdb.__version__,
            "pandas": pd.__version__, "load_average": os.getloadavg()}


def main(argv: list[str] | None = None) -> int:
    """Measure, print the table, write the results file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=700)
    parser.add_argument("--votes", type=int, default=3_000)
    parser.add_argument("--parties", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", type=Path, default=BENCHMARKS / "work")
    parser.add_argument("--out", type=Path, default=BENCHMARKS / "results")
    parser.add_argument("--project", type=Path, default=BENCHMARKS.parent,
                        help="the checkout whose `python -m tracker export` is timed (e.g. an older one, for before)")
    parser.add_argument("--skip-member-votes", action="store_true", help="leave out the member-votes exports")
    parser.add_argument("--no-compile", action="store_true",
                        help="do not compile the modules first (each process compiles what has no __pycache__ entry)")
    args = parser.parse_args(argv)
    if not args.no_compile:   # the tracker's modules and the pandas script's own, as a first run leaves them
        for folder in (args.project.resolve() / "tracker", BENCHMARKS):
            compileall.compile_dir(folder, quiet=1)
    member_votes = args.members * args.votes
    size = size_label(member_votes)
    args.work.mkdir(parents=True, exist_ok=True)
    db = args.work / f"cli-{size}.duckdb"
    started = datetime.now(UTC)
    parquet = prepare(db, args.members, args.votes, args.parties, args.seed, args.work)
    results = {"size": size, "member_votes": member_votes, "members": args.members, "votes": args.votes,
               "parties": args.parties, "seed": args.seed, "runs": args.runs, "targets": TARGETS,
               "machine": machine(), "started": started.isoformat(timespec="seconds"),
               "project": str(args.project.resolve()), "compiled_first": not args.no_compile, "floor": floor(args.runs),
               "metrics": time_metrics(db, parquet, args.work, args.runs, args.project.resolve()),
               "member_votes_export": {} if args.skip_member_votes else member_vote_exports(db, args.work,
                                                                                             args.project.resolve())}
    results["machine"]["load_average_after"] = os.getloadavg()
    args.out.mkdir(parents=True, exist_ok=True)
    label = "" if args.project.resolve() == BENCHMARKS.parent else f"{args.project.resolve().name}-"
    path = args.out / f"cli-{label}{size}-{started.strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=1) + "\n")
    print(table(results))
    print(f"\nWrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
