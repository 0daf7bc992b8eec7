"""Three dashboards behind a real nginx on one database, read all along while the CLI imports, undoes and exports.

Needs Debian's nginx and Chromium (with Playwright); skips with the reason when they are missing, fails under CI.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import in_ci
from tests.store.processes import (
    ENV,
    NGINX,
    NGINX_CONF,
    cli,
    contents,
    free_port,
    member_file,
    nginx_config,
    start_dashboard,
    start_nginx,
    stop,
    tally_file,
)
from tracker import config
from tracker.store import publish

CHROMIUM = "/usr/bin/chromium"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"]
SAMPLE_VOTES = 45  # what `init` loads
TALLY_VOTES, MEMBER_VOTES = 5, 625  # a tally file's votes; a 100,000-member-vote file's (160 members a vote)
DEADLINE = 600  # seconds for the CLI loop: a bound, not an expectation

# The same batches applied one after another in a fresh database, by the CLI's own entry point in one process.
REPLAY = textwrap.dedent("""
    import json, sys
    from tracker.cli import main
    db, steps = sys.argv[1], json.loads(sys.argv[2])
    for step in [["init"], *steps]:
        if main(["--db", db, *step]) != 0:
            sys.exit(f"replay failed at {step}")
""")


EXPORTER = textwrap.dedent("""
    import contextlib, io, sys, time
    from tracker.cli import main
    while True:
        started, out = time.monotonic(), io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(["--db", sys.argv[1], "export", "cohesion"])
        print(code, len(out.getvalue()), flush=True)
        time.sleep(max(0.0, 1.0 - (time.monotonic() - started)))
""")


def steps(folder: Path) -> list[list[str]]:
    """12 imports (every fourth of 100,000 member votes, the rest tallies) and 3 undos, as CLI arguments."""
    result = []
    for k in range(1, 13):
        made = member_file(folder, k) if k % 4 == 1 else tally_file(folder, k)
        result.append(["import", str(made)])
        if k % 4 == 0:  # undo import k-1 or k-3; import j is batch j + 1 (init is batch 1)
            result.append(["undo", str((k - 1 if k % 8 == 0 else k - 3) + 1)])
    return result


def votes_after(step: list[str], before: int, sizes: dict[str, int]) -> int:
    """The vote count after one step."""
    if step[0] == "import":
        return before + (MEMBER_VOTES if Path(step[1]).name.startswith("members") else TALLY_VOTES)
    return before - sizes[step[1]]


@pytest.fixture(scope="module")
def tools():
    """Skip (or fail under CI) without nginx, Chromium or Playwright."""
    missing = [what for what, ok in (("nginx (apt-get install nginx)", Path(NGINX).is_file()),
                                     ("chromium (apt-get install chromium)", Path(CHROMIUM).is_file()))
               if not ok]
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("playwright (pip install playwright)")
    if missing:
        (pytest.fail if in_ci() else pytest.skip)("needs " + ", ".join(missing))


def test_the_nginx_config_the_tests_start_is_deploy_nginx_conf_with_only_ports_and_paths_filled_in(tmp_path):
    template = NGINX_CONF.read_text()
    made = nginx_config(tmp_path, 8080, [8501, 8502, 8503])
    for placeholder in ("@PREFIX@", "@LISTEN@", "@UPSTREAMS@"):
        assert placeholder in template
    filled = (template.replace("@PREFIX@", str(tmp_path)).replace("@LISTEN@", "127.0.0.1:8080")
              .replace("@UPSTREAMS@", "\n".join(f"        server 127.0.0.1:{p};" for p in (8501, 8502, 8503))))
    assert made == filled and "@" not in made.replace("$", "")
    for setting in ("daemon off;", "ip_hash;", "proxy_set_header Upgrade $http_upgrade;",
                    "proxy_set_header Connection $connection_upgrade;", "proxy_http_version 1.1;"):
        assert setting in made  # what sticky websocket sessions need
    if Path(NGINX).is_file():  # nginx itself accepts it
        conf = tmp_path / "nginx.conf"
        conf.write_text(made)
        checked = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"),
                                  "-c", str(conf)], capture_output=True, text=True, timeout=30)
        assert checked.returncode == 0, checked.stderr


class Tally:
    """Counts shared by the threads: page loads, failures with their reasons, what the browser saw and when."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.loads = {"browser": 0, "http": 0}
        self.failures: list[str] = []
        self.seen: list[tuple[float, int]] = []  # (wall-clock time the page had drawn, its vote count)
        self.finals: dict[str, tuple[int | None, float]] = {}

    def count(self, kind: str, failure: str | None = None) -> None:
        with self.lock:
            self.loads[kind] += 1
            if failure:
                self.failures.append(failure)


def http_session(url: str, tally: Tally, done: threading.Event) -> None:
    """Plain GETs of the health check and the page, as a load balancer and a browser's first request do."""
    while not done.is_set():
        for path in ("/_stcore/health", "/"):
            try:
                with urllib.request.urlopen(url + path, timeout=60) as answer:
                    answer.read()
                    tally.count("http", None if answer.status == 200 else f"{url}{path}: HTTP {answer.status}")
            except OSError as error:
                tally.count("http", f"{url}{path}: {error}")
        done.wait(0.3)


def overview_votes(page, url: str) -> int:
    """Load the Overview, wait until its script has run, and read the Votes figure."""
    page.goto(url + "/", timeout=90_000)
    value = page.locator("[data-testid='stMetric']").filter(has_text="Votes").first.locator(
        "[data-testid='stMetricValue']")
    value.wait_for(timeout=90_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=90_000)
    if page.locator("[data-testid='stException']").count():
        raise AssertionError(f"an exception on {url}: {page.locator('[data-testid=stException]').first.inner_text()}")
    return int(value.inner_text().replace(",", ""))


class Final:
    """The final vote count, known once the CLI loop has ended (the browser thread waits for it)."""

    value: int | None = None


def browser_session(proxy: str, dashboards: list[str], tally: Tally, done: threading.Event, final: Final) -> None:
    """Reload the Overview through nginx until the CLI loop ends; then read every dashboard's count."""
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
            try:
                page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
                while not done.is_set():
                    try:
                        votes = overview_votes(page, proxy)
                        tally.count("browser")
                        tally.seen.append((time.time(), votes))
                    except Exception as error:  # noqa: BLE001 - counted and reported as a failed page load
                        tally.count("browser", f"browser via nginx: {str(error).splitlines()[0]}")
                    done.wait(0.5)
                for url in [*dashboards, proxy]:  # each its own session: a new page is a new websocket
                    started, votes = time.monotonic(), None
                    fresh = browser.new_context().new_page()
                    while time.monotonic() - started < 30:  # "within a few seconds", generous on a loaded machine
                        try:
                            votes = overview_votes(fresh, url)
                            tally.count("browser")
                        except Exception as error:  # noqa: BLE001
                            tally.count("browser", f"browser on {url}: {str(error).splitlines()[0]}")
                        if votes == final.value:
                            break
                    tally.finals[url] = (votes, time.monotonic() - started)
                    fresh.context.close()
            finally:
                browser.close()
    except Exception as error:  # noqa: BLE001 - the main thread asserts on it
        tally.failures.append(f"browser session ended: {error}")


def exporter(db: Path, log: Path) -> subprocess.Popen:
    """A fourth process running `export cohesion` through the CLI's entry point once a second, one line per run.

    One long-lived process rather than a new interpreter a second: on a loaded 2-core machine the start-up alone
    would take that second. Each run opens its own read-only Store, as `python -m tracker export cohesion` does.
    """
    return subprocess.Popen([sys.executable, "-c", EXPORTER, str(db)], env=ENV, cwd=config.PROJECT_DIR,
                            stdout=subprocess.PIPE, stderr=open(log, "w"), text=True)


def read_exports(process: subprocess.Popen, tally: dict) -> None:
    """Count the exporter's runs and failures (exit code not 0, or no output) from its lines."""
    for line in process.stdout:
        code, size = line.split()
        tally["runs"] += 1
        if code != "0" or size == "0":
            tally["failures"].append(f"export cohesion: exit {code}, {size} characters")


@pytest.mark.slow
def test_three_dashboards_behind_nginx_serve_every_page_while_the_cli_imports_undoes_and_exports(tools, tmp_path):
    db = tmp_path / "tracker.duckdb"
    plan = steps(tmp_path)
    assert cli(db, "init").returncode == 0
    replay_db = tmp_path / "replay" / "tracker.duckdb"
    replay_db.parent.mkdir()
    replay = subprocess.Popen([sys.executable, "-c", REPLAY, str(replay_db), json.dumps(plan)], env=ENV,
                              cwd=config.PROJECT_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              preexec_fn=lambda: os.nice(10))  # the dashboards' and the CLI's work comes first
    ports, servers, proxy, exporting = [free_port() for _ in range(3)], [], None, None
    done, threads, tally, final = threading.Event(), [], Tally(), Final()
    export_tally = {"runs": 0, "failures": []}
    try:
        for n, port in enumerate(ports):
            servers.append(start_dashboard(db, port, tmp_path / f"dashboard{n}.log"))
        nginx_port = free_port()
        proxy = start_nginx(tmp_path / "nginx", nginx_port, ports)
        dashboards = [f"http://127.0.0.1:{p}" for p in ports]
        via_nginx = f"http://127.0.0.1:{nginx_port}"
        threads = [threading.Thread(target=http_session, args=(url, tally, done), daemon=True)
                   for url in [*dashboards, via_nginx]]
        threads.append(threading.Thread(target=browser_session, args=(via_nginx, dashboards, tally, done, final),
                                        daemon=True))
        exporting = exporter(db, tmp_path / "exports.log")
        threads.append(threading.Thread(target=read_exports, args=(exporting, export_tally), daemon=True))
        for thread in threads:
            thread.start()
        while not tally.seen and not tally.failures and threads[-2].is_alive():
            time.sleep(0.5)  # the browser has drawn the Overview once before the first commit

        commits, failed, votes, sizes, imported = [], [], SAMPLE_VOTES, {}, 0
        loop_started = time.monotonic()
        for step in plan:
            assert time.monotonic() - loop_started < DEADLINE, f"the CLI loop took over {DEADLINE} s"
            started = time.monotonic()
            result = cli(db, *step, timeout=180)
            print(f"{step[0]} {Path(step[1]).name}: {time.monotonic() - started:.1f} s", flush=True)
            if result.returncode != 0:
                failed.append(f"{step}: exit {result.returncode}: {result.stderr[-500:]}")
                continue
            if step[0] == "import":
                imported += 1
                batch = str(imported + 1)
                assert f"Batch id: {batch}" in result.stdout, result.stdout
                sizes[batch] = votes_after(step, 0, {})
            votes = votes_after(step, votes, sizes)
            commits.append((publish.read_pointer(db).published_at, votes))
        loop_seconds = time.monotonic() - loop_started
        final.value = votes
        time.sleep(2)  # every process notices a commit within 2 s: let the browser's last reloads see the last one
        done.set()
        stop(exporting)
        for thread in threads:
            thread.join(timeout=300)
        replay_error = replay.communicate(timeout=300)[1]
    finally:
        done.set()
        if exporting is not None:
            stop(exporting)
        if proxy is not None:
            stop(proxy)
        for server in servers:
            stop(server)
        if replay.poll() is None:
            replay.kill()
            replay.wait(timeout=30)

    assert not any(t.is_alive() for t in threads), "a session did not finish"
    staleness = []
    for i, (committed, count) in enumerate(commits):
        superseded = commits[i + 1][0] if i + 1 < len(commits) else float("inf")
        shown = [at for at, seen in tally.seen if at > committed and seen == count]
        if shown and shown[0] < superseded:
            staleness.append(shown[0] - committed)
    print(f"\n{len(ports)} dashboards behind nginx, {len(plan)} CLI commands in {loop_seconds:.0f} s "
          f"({len(failed)} failed), {export_tally['runs']} exports of cohesion "
          f"({len(export_tally['failures'])} failed)")
    print(f"page loads: {tally.loads['browser']} in Chromium, {tally.loads['http']} plain HTTP GETs; "
          f"{len(tally.failures)} failed")
    if staleness:
        print(f"commit to the browser showing it: max {max(staleness):.1f} s, median "
              f"{sorted(staleness)[len(staleness) // 2]:.1f} s over {len(staleness)} commits the browser saw")
    print("final vote counts read in the browser: "
          + ", ".join(f"{url.rsplit(':', 1)[1]}: {v} after {s:.1f} s" for url, (v, s) in tally.finals.items()))
    assert failed == [] and export_tally["failures"] == []
    assert tally.failures == []
    assert staleness, "the browser never saw a commit"
    assert replay.returncode == 0, replay_error[-2000:]
    expected = contents(replay_db)
    assert contents(db) == expected
    # Imports 1, 5 and 9 are member votes; the undos take back imports 1 (member votes), 7 and 9.
    assert expected["votes"][0] == final.value == SAMPLE_VOTES + 8 * TALLY_VOTES + 1 * MEMBER_VOTES
    assert {url: v for url, (v, _) in tally.finals.items()} == {
        url: final.value for url in [*[f"http://127.0.0.1:{p}" for p in ports], f"http://127.0.0.1:{nginx_port}"]}

