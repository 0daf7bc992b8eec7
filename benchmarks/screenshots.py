"""Screenshots for docs/screenshots: the vote page of V44, its exports at each size, and its share card.

Run by hand (`python benchmarks/screenshots.py`), not by the tests, so the committed images change only on purpose.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracker import charts, config, figure_export, queries, store, vote_story  # noqa: E402
from tracker.charts import publish  # noqa: E402
from tracker.sample import build_sample_database  # noqa: E402

OUT = config.PROJECT_DIR / "docs" / "screenshots"
VOTE = "V44"


def exports(db_path: Path) -> None:
    """The parliament chart and party bars of V44 at each preset, and its card, as PNG."""
    db = store.connect(db_path, read_only=True)
    try:
        story, vote, parties = vote_story.load(db, VOTE)
        colours = charts.party_colours(queries.parties(db))
    finally:
        db.close()
    caption = publish.Caption(story.title, story.subtitle, str(vote.get("note") or ""), story.source)
    arch = vote_story.parliament_chart(story, parties, colours)
    bars = charts.party_breakdown(parties, {c: vote.get(c) for c in charts.COUNTS}, story.threshold, "", "")
    try:
        for preset in publish.PRESETS:
            (OUT / f"export-{preset}.png").write_bytes(publish.export_image(arch, caption, "png", preset))
        (OUT / "export-bars-social.png").write_bytes(publish.export_image(bars, caption, "png", "social"))
        card = vote_story.card(story, parties, colours)
        (OUT / "card.png").write_bytes(figure_export.image_bytes(card, "png", 1200, 630, 1))
    finally:
        figure_export.stop_image_server()


def vote_page(db_path: Path) -> None:
    """The Votes page with V44 open, in Chromium, full page."""
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "TRACKER_DB": str(db_path)}
    process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                                "--server.port", str(port), "--browser.gatherUsageStats", "false",
                                "--server.fileWatcherType", "none"], cwd=config.PROJECT_DIR, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 4600})
                page.goto(f"{url}/votes?vote={VOTE}")
                page.get_by_text("Party positions").first.wait_for(timeout=90_000)
                # Every chart drawn (the parliament chart, the party bars, the votes by year and the G3 bill's two
                # stages, each the page's own markup), and the script finished.
                page.wait_for_function("() => document.querySelectorAll('.tracker-drawn > *').length >= 4",
                                       timeout=90_000)
                page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                                       timeout=90_000)
                page.wait_for_timeout(2000)
                # Streamlit scrolls inside its own container: a tall window shows the whole vote page at once.
                top = page.get_by_text("Approved 72").first.bounding_box()["y"] - 140
                page.screenshot(path=str(OUT / "vote-story.png"),
                                clip={"x": 0, "y": top, "width": 1400, "height": 4600 - top})
            finally:
                browser.close()
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tracker.duckdb"
        build_sample_database(path)
        exports(path)
        vote_page(path)
    print(f"Wrote screenshots to {OUT}")
