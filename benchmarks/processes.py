"""Many processes, measured (not asserted): page latency with 1, 3 and 6 dashboards, a version check, commit to visible.

    python benchmarks/processes.py [--sessions 6] [--loads 4] [--processes 1,3,6]

Page latency: N `streamlit run app.py` processes on one database (the sample), and the same bounded load for every
N: `--sessions` Chromium pages at once, spread over the processes as nginx's sticky sessions would spread
clients, each loading the Overview `--loads` times. A load is timed from `goto` until the Votes figure is drawn
and the script has finished (no running indicator): the HTTP GET of the page, the websocket, the script's run and
the drawing, as a reader sees it. The first load of each session (cold caches) is reported apart from the rest.
Results go to benchmarks/results/processes.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.store.processes import free_port, start_dashboard, stop  # noqa: E402
from tracker import config, store  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
CHROMIUM = "/usr/bin/chromium"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"]


def version_check(db_path: Path) -> dict:
    """The cost of the version check each rerun does, and of reading Store.version."""
    db = store.connect(db_path, read_only=True)
    runs = 20_000
    started = time.perf_counter()
    for _ in range(runs):
        db.refresh()
    check_us = (time.perf_counter() - started) / runs * 1e6
    started = time.perf_counter()
    for _ in range(200):
        _ = db.version
    version_ms = (time.perf_counter() - started) / 200 * 1e3
    db.close()
    print(f"version check (no change): {check_us:.1f} µs per rerun; Store.version query: {version_ms:.2f} ms")
    return {"version_check_us": check_us, "store_version_ms": version_ms}


def commit_to_visible(folder: Path, db_path: Path) -> dict:
    """Time from an import's commit to another Store seeing the new version."""
    from tracker.ingest import import_files

    db = store.connect(db_path, read_only=True)
    seen = []
    for k in range(5):
        csv = folder / f"t{k}.csv"
        csv.write_text(f"vote_id,assembly,date,title,yes,no\nB{k},an-2015,2019-01-0{k + 1},Bench {k},90,60\n")
        before = db.version
        writer = store.connect(db_path)
        import_files(writer, [csv])
        committed = time.perf_counter()
        writer.close()
        while db.version == before:
            db.refresh()
        seen.append(time.perf_counter() - committed)
    db.close()
    print(f"commit to visible in another Store: max {max(seen) * 1e3:.1f} ms over {len(seen)} commits")
    return {"commit_to_visible_ms_max": max(seen) * 1e3, "commits": len(seen)}


async def session(browser, url: str, loads: int) -> list[float]:
    """One reader: a page of its own (its own websocket), loading the Overview `loads` times; seconds per load."""
    context = await browser.new_context(viewport={"width": 1200, "height": 900})
    page = await context.new_page()
    times = []
    try:
        for _ in range(loads):
            started = time.perf_counter()
            await page.goto(url + "/", timeout=120_000)
            await page.locator("[data-testid='stMetric']").filter(has_text="Votes").first.wait_for(timeout=120_000)
            await page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                                         timeout=120_000)
            times.append(time.perf_counter() - started)
    finally:
        await context.close()
    return times


async def page_loads(urls: list[str], sessions: int, loads: int) -> list[list[float]]:
    """`sessions` readers at once, session i on process i mod N."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            return await asyncio.gather(*(session(browser, urls[i % len(urls)], loads) for i in range(sessions)))
        finally:
            await browser.close()


def page_latency(folder: Path, db_path: Path, processes: list[int], sessions: int, loads: int) -> dict:
    """Median page latency for each number of dashboard processes, under the same load."""
    result = {}
    for n in processes:
        servers = []
        try:
            for i in range(n):
                servers.append(start_dashboard(db_path, free_port(), folder / f"dashboard{n}_{i}.log"))
            urls = [f"http://127.0.0.1:{s.args[s.args.index('--server.port') + 1]}" for s in servers]
            started = time.perf_counter()
            times = asyncio.run(page_loads(urls, sessions, loads))
            wall = time.perf_counter() - started
        finally:
            for server in servers:
                stop(server)
        first = [t[0] for t in times]
        warm = [x for t in times for x in t[1:]]
        result[str(n)] = {"first_load_median_s": statistics.median(first),
                          "warm_load_median_s": statistics.median(warm) if warm else None,
                          "warm_load_max_s": max(warm) if warm else None, "loads": sum(map(len, times)),
                          "wall_s": wall}
        print(f"{n} process(es), {sessions} sessions x {loads} loads: first load median {statistics.median(first):.2f}"
              f" s, later loads median {result[str(n)]['warm_load_median_s'] or 0:.2f} s, wall {wall:.1f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=6)
    parser.add_argument("--loads", type=int, default=4)
    parser.add_argument("--processes", default="1,3,6")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        db_path = folder / "tracker.duckdb"
        subprocess.run([sys.executable, "-m", "tracker", "--db", str(db_path), "init"], check=True,
                       capture_output=True, cwd=config.PROJECT_DIR)
        results = {**version_check(db_path), **commit_to_visible(folder, db_path)}
        results["page_latency"] = page_latency(folder, db_path, [int(n) for n in args.processes.split(",")],
                                               args.sessions, args.loads)
    results.update(sessions=args.sessions, loads_per_session=args.loads, measured_at=time.strftime("%Y-%m-%d %H:%M"),
                   cores=os.cpu_count())
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "processes.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {RESULTS / 'processes.json'}")


if __name__ == "__main__":
    main()
