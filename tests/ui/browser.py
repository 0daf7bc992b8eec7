"""The browser tests' plumbing: Chromium through Playwright, and `streamlit run app.py` on a free port."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import in_ci
from tracker import config
from tracker.sample import build_sample_database

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"]


def needs(reason: str) -> None:
    """Skip for a missing browser part, or fail under CI=true, where .ci/run installs it."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: the browser test must run; .ci/run installs chromium)")
    pytest.skip(reason)


def launch_chromium() -> Iterator:
    """Debian's Chromium through Playwright for the length of a fixture; skips (or fails in CI) without them."""
    if not Path(CHROMIUM).is_file() and shutil.which("chromium") is None:
        needs(f"No Chromium at {CHROMIUM}: install it with `apt-get install chromium` to run the browser test")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        needs("Playwright is not installed (pip install playwright)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield chromium
        chromium.close()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(folder: Path, db: Path, settings: dict[str, str] | None = None, app: str = "app.py",
          base: str = "") -> Iterator[str]:
    """`streamlit run app.py` (or `app`) on a free port against `db` (uploads open unless `settings` say otherwise),
    under the base path `base` if given.

    Yields the URL (with the base path) and always stops the server.
    """
    port = free_port()
    env = {**os.environ, "TRACKER_DB": str(db), "TRACKER_UPLOADS": "open"}
    env.pop("TRACKER_EDITOR_PASSWORD", None)
    env.update(settings or {})
    log = open(folder / "streamlit.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", app, "--server.headless", "true", "--server.port", str(port),
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", "--server.baseUrlPath", base],
        cwd=config.PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}" + (f"/{base.strip('/')}" if base.strip("/") else "")
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail("streamlit did not start:\n" + (folder / "streamlit.log").read_text()[-3000:])
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def serve_sample(folder: Path, settings: dict[str, str] | None = None, **options: str) -> Iterator[str]:
    """serve() against a new copy of the sample in `folder` (settings and options as serve's)."""
    db = folder / "tracker.duckdb"
    build_sample_database(db)
    yield from serve(folder, db, settings, **options)


def settle(page) -> None:
    """Wait until the script has finished running (the status widget leaves) and charts have drawn."""
    page.wait_for_selector("[data-testid='stApp']", timeout=30_000)
    page.wait_for_timeout(500)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_timeout(800)
