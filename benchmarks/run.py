"""The benchmark suite: `python benchmarks/run.py --scale 1m|14m|25m` prints a table and writes results/*.json.

Everything is measured on the same synthetic parliament in the same run: generation, import from CSV (in a child
process, for its peak memory) against its floor (a plain DuckDB read_csv of the same member-vote files, also in a
child), each page's data after a filter change (cold and warm), each exported metric, and the same metrics computed
the obvious way with pandas on a DataFrame of all member votes. --import-only stops after the import and its floor.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS.parent))
sys.path.insert(0, str(BENCHMARKS))

import baseline  # noqa: E402
import duckdb  # noqa: E402
import pages  # noqa: E402
import pandas as pd  # noqa: E402
from common import Window, filter_windows, time_ms  # noqa: E402

from tracker import store  # noqa: E402
from tracker.demo import DemoFiles, DemoSpec, write_demo_files  # noqa: E402

# members x votes; 14m and 25m are the planning sizes (a European Parliament term, all of VoteView).
SCALES: dict[str, DemoSpec] = {
    "tiny": DemoSpec(members=60, votes=50, parties=5, seed=1),
    "1m": DemoSpec(members=500, votes=2_000, parties=8, seed=1),
    "14m": DemoSpec(members=700, votes=20_000, parties=8, seed=1),
    "25m": DemoSpec(members=1_000, votes=25_000, parties=10, seed=1),
}
TARGETS = {
    "import_rows_per_second": 500_000,
    "import_peak_gb": {"14m": 3.0, "25m": 4.0},
    "import_vs_floor": 3.0,   # import seconds / plain read_csv seconds, with all the import's checks
    "page_warm_median_ms": 150,
    "first_render_cold_s": 3.0,
    "metric_vs_pandas": 5.0,
}


def machine() -> dict:
    """What the numbers were measured on."""
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9
    import numpy
    import streamlit

    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(memory_gb, 1), "os": platform.platform(),
            "python": platform.python_version(), "duckdb": duckdb.__version__, "pandas": pd.__version__,
            "numpy": numpy.__version__, "streamlit": streamlit.__version__}


def generate(spec: DemoSpec, directory: Path) -> tuple[dict, DemoFiles]:
    """Write the synthetic CSV files; generation is timed apart from the import."""
    if directory.exists():
        shutil.rmtree(directory)
    started = time.perf_counter()
    files = write_demo_files(directory, spec)
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in files.paths)
    return {"seconds": seconds, "member_votes": files.rows, "csv_bytes": size}, files


def _measure_in_child(db: Path, arguments: list[str], what: str) -> dict:
    """Run import_child.py on a new database file: wall time, rows per second and that process's peak memory."""
    for suffix in ("", ".wal"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(BENCHMARKS / "import_child.py"), *arguments],
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"The {what} failed:\n{done.stderr[-4000:]}")
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    measured["process_seconds"] = wall
    measured["rows_per_second"] = measured["member_votes"] / measured["seconds"]
    measured["peak_gb"] = measured["peak_rss_bytes"] / 1e9
    return measured


def import_in_child(db: Path, files: list[Path]) -> dict:
    """Import in a fresh process: wall time, rows per second and that process's peak memory."""
    return _measure_in_child(db, [str(db), *map(str, files)], "import")


def floor_in_child(db: Path, member_votes: list[Path]) -> dict:
    """The import's floor: the same member-vote files into a new database by a plain DuckDB read_csv, in a child."""
    measured = _measure_in_child(db, ["--floor", str(db), *map(str, member_votes)], "plain read_csv")
    for suffix in ("", ".wal"):
        Path(str(db) + suffix).unlink(missing_ok=True)   # only its time was wanted
    return measured


def measure_import(db: Path, files: DemoFiles, work: Path, runs: int = 1) -> dict:
    """The import and, in the same run on the same files, its floor, alternating `runs` times: the median run of
    each, with import seconds / floor seconds.

    The disk is flushed before each child (os.sync): written just before, the 1.4 GB of CSV at 14m were still being
    written back during the first child, which slowed it by up to 15 %.
    """
    imports, floors = [], []
    for _ in range(runs):
        os.sync()
        imports.append(import_in_child(db, files.paths))
        os.sync()
        floors.append(floor_in_child(work / "floor.duckdb", files.member_votes))
    measured, floor = _median_run(imports), _median_run(floors)
    if runs > 1:
        measured["runs_seconds"] = [round(m["seconds"], 2) for m in imports]
        floor["runs_seconds"] = [round(m["seconds"], 2) for m in floors]
    measured["floor"] = floor
    measured["floor_ratio"] = measured["seconds"] / floor["seconds"]
    return measured


def _median_run(runs: list[dict]) -> dict:
    """The run whose seconds are the median (the lower middle one of an even number)."""
    return dict(sorted(runs, key=lambda m: m["seconds"])[(len(runs) - 1) // 2])


def measure_warm(calls: dict[str, Callable[[Window], object]], windows: list[Window]) -> dict[str, dict]:
    """Per call: the first (cold in this process) and the median of the rest, one new window each time."""
    results = {}
    for name, call in calls.items():
        try:
            first_ms, _ = time_ms(lambda c=call: c(windows[0]))
            times = [time_ms(lambda c=call, w=w: c(w))[0] for w in windows[1:]]
            results[name] = {"first_ms": first_ms, "warm_median_ms": statistics.median(times),
                             "warm_max_ms": max(times), "runs": len(times)}
        except Exception as error:  # a broken metric or page is reported, not hidden, and the run goes on
            results[name] = {"error": f"{type(error).__name__}: {error}"}
    return results


def cold_in_child(db: Path, what: str, name: str) -> dict:
    """A page's data or a metric in a brand-new process (nothing cached, new connection)."""
    done = subprocess.run([sys.executable, str(BENCHMARKS / "cold_child.py"), str(db), what, name],
                          capture_output=True, text=True, check=False, env={**os.environ, "TRACKER_DB": str(db)})
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def metric_names() -> list[str]:
    """The exported metrics."""
    from tracker import metrics

    return list(metrics.METRICS)


def run(scale: str, work: Path, repeat: int, cold: bool, reuse: Path | None = None,
        import_only: bool = False, import_runs: int = 1) -> dict:
    """Run every measurement at one scale and return the results (reuse: the database and import of a result file)."""
    spec = SCALES[scale]
    work.mkdir(parents=True, exist_ok=True)
    results: dict = {"scale": scale, "members": spec.members, "votes": spec.votes, "parties": spec.parties,
                     "member_votes": spec.member_votes, "machine": machine(), "targets": TARGETS,
                     "when": datetime.now(UTC).isoformat(timespec="seconds")}
    print(f"Scale {scale}: {spec.members:,} members x {spec.votes:,} votes = {spec.member_votes:,} member votes",
          flush=True)
    db = work / f"bench-{scale}.duckdb"
    if reuse is not None:
        # Same database, same data: only the reading side is measured again (after a change to metrics or pages).
        earlier = json.loads(reuse.read_text(encoding="utf-8"))
        results["generate"], results["import"] = earlier["generate"], earlier["import"]
        results["import"]["reused_from"] = f"{reuse.name} ({earlier['when']})"
        if not db.exists():
            raise SystemExit(f"--reuse needs the database {db} of that run.")
    else:
        results["generate"], files = generate(spec, work / f"csv-{scale}")
        print(f"  generated CSV in {results['generate']['seconds']:.1f} s", flush=True)
        results["import"] = measure_import(db, files, work, import_runs)
        print(f"  imported in {results['import']['seconds']:.1f} s, plain read_csv in "
              f"{results['import']['floor']['seconds']:.1f} s", flush=True)
        shutil.rmtree(work / f"csv-{scale}")  # the CSV is large; the database is what the rest reads
    if import_only:
        return results

    if cold:
        # In new processes, before this one opens the database (the app opens it for writing). One at a time, except
        # at the tiny scale, which checks that the script works rather than measures: there two at a time.
        wanted = [("pages", "page", pages.PAGES), ("metrics", "metric", metric_names()),
                  ("first_render", "render", pages.app_pages())]
        children = [(group, what, name) for group, what, names in wanted for name in names]
        with ThreadPoolExecutor(max_workers=2 if scale == "tiny" else 1) as pool:
            measured = list(pool.map(lambda child: cold_in_child(db, child[1], child[2]), children))
        results["cold"] = {group: {} for group, _, _ in wanted}
        for (group, _, name), result in zip(children, measured, strict=True):
            results["cold"][group][name] = result
        print("  cold processes measured", flush=True)
    con = store.connect(db, read_only=True)
    windows = filter_windows(con, repeat + 1)
    results["pages"] = measure_warm(pages.page_calls(con), windows)
    for name, listed in pages.page_functions().items():
        results["pages"].setdefault(name, {})["functions"] = listed
    metric_calls = baseline.metric_calls(con)
    results["metrics"] = measure_warm(metric_calls, windows)
    print("  pages and metrics measured warm; now pandas", flush=True)
    results["pandas"] = baseline.compare(con, metric_calls, windows)
    con.close()
    return results


def _fmt(value: float | None, unit: str = "", digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}{unit}"


def _cpu(measured: dict) -> str:
    return f"   cpu {measured['cpu_seconds']:.1f} s" if "cpu_seconds" in measured else ""


def table(results: dict) -> str:
    """The results as a plain text table."""
    imp, gen = results["import"], results["generate"]
    lines = [f"Scale {results['scale']}: {results['member_votes']:,} member votes "
             f"({results['members']:,} members x {results['votes']:,} votes), {results['machine']['cores']} cores, "
             f"{results['machine']['cpu']}",
             f"  generate CSV       {gen['seconds']:8.1f} s   ({gen['csv_bytes'] / 1e6:,.0f} MB)",
             f"  import from CSV    {imp['seconds']:8.1f} s   {imp['rows_per_second']:,.0f} member votes/s   "
             f"peak {imp['peak_gb']:.2f} GB" + _cpu(imp)
             + (f"   (from {imp['reused_from']})" if "reused_from" in imp else "")]
    if "floor" in imp:
        floor, target = imp["floor"], results["targets"].get("import_vs_floor")
        lines += [f"  plain read_csv     {floor['seconds']:8.1f} s   {floor['rows_per_second']:,.0f} member votes/s   "
                  f"peak {floor['peak_gb']:.2f} GB" + _cpu(floor),
                  f"  import / floor     {imp['floor_ratio']:8.1f}x  (target <= {target}x)"]
        if "runs_seconds" in imp:
            lines.append(f"  runs, alternating: import {imp['runs_seconds']} s, floor {floor['runs_seconds']} s "
                         "(medians above)")
    if "pages" not in results:
        return "\n".join(lines)   # --import-only
    lines += ["", f"  {'page data (all its queries)':34} {'cold proc ms':>12} {'first ms':>9} {'warm median ms':>15}"]
    for name, page in results["pages"].items():
        if "error" in page:
            lines.append(f"  {name:34} ERROR {page['error']}")
            continue
        cold = results.get("cold", {}).get("pages", {}).get(name, {}).get("ms")
        lines.append(f"  {name:34} {_fmt(cold):>12} {_fmt(page['first_ms']):>9} "
                     f"{_fmt(page['warm_median_ms'], '', 1):>15}")
    if results.get("cold", {}).get("first_render"):
        lines += ["", f"  {'first render, cold process (AppTest)':40} {'s':>6}"]
        for name, render in results["cold"]["first_render"].items():
            if render.get("exceptions") or "seconds" not in render:
                shown = "ERROR " + "; ".join(render.get("exceptions") or [render.get("error", "")])[:200]
            else:
                shown = f"{render['seconds']:.2f}"
            lines.append(f"  {name:40} {shown:>6}")
    pandas_results = results["pandas"]
    lines += ["", f"  pandas: load all member votes {pandas_results['load_seconds']:.1f} s "
              f"({pandas_results['frame_gb']:.2f} GB in memory)",
              f"  {'metric':24} {'cold proc ms':>12} {'ours warm ms':>12} {'pandas ms':>10} {'ratio':>7}  equal"]
    for name, metric in results["metrics"].items():
        ours = metric.get("warm_median_ms")
        theirs = pandas_results["metrics"].get(name, {})
        ratio = theirs.get("ms") / ours if ours and theirs.get("ms") else None
        equal = theirs.get("equal", theirs.get("error", "no baseline"))
        if "error" in metric:
            lines.append(f"  {name:24} ERROR {metric['error']}")
            continue
        cold = results.get("cold", {}).get("metrics", {}).get(name, {}).get("ms")
        lines.append(f"  {name:24} {_fmt(cold):>12} {_fmt(ours, '', 1):>12} {_fmt(theirs.get('ms')):>10} "
                     f"{_fmt(ratio, 'x', 1):>7}  {equal}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the suite at one scale."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=list(SCALES), default="1m")
    parser.add_argument("--work", type=Path, default=BENCHMARKS / "work", help="where CSV and database files go")
    parser.add_argument("--out", type=Path, default=BENCHMARKS / "results", help="where the JSON result goes")
    parser.add_argument("--repeat", type=int, default=7, help="warm runs per page and metric (each a new filter)")
    parser.add_argument("--no-cold", action="store_true", help="skip the cold-process measurements")
    parser.add_argument("--reuse", type=Path, help="a result file of this scale: reuse its database and import")
    parser.add_argument("--import-only", action="store_true",
                        help="measure generation, the import and its plain read_csv floor, nothing else")
    parser.add_argument("--import-runs", type=int, default=1,
                        help="imports and floors, alternating, whose median runs are reported (default 1)")
    args = parser.parse_args(argv)
    if args.import_only and args.reuse:
        parser.error("--import-only measures a new import; it cannot reuse an earlier one")
    results = run(args.scale, args.work, args.repeat, cold=not args.no_cold, reuse=args.reuse,
                  import_only=args.import_only, import_runs=max(1, args.import_runs))
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") if args.import_only else date.today().isoformat()
    out = args.out / f"{args.scale}{'-import' if args.import_only else ''}-{stamp}.json"
    out.write_text(json.dumps(results, indent=1, default=str) + "\n", encoding="utf-8")
    print(table(results))
    print(f"\nWrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
