"""The Members map behind its "Fit the map" button, in Chromium: pressed, the map (drawn as HTML) appears without
rerunning the page.

Reproduce: python -m pytest -m browser tests/ui/test_member_map_browser.py (needs Playwright and /usr/bin/chromium).
"""

from __future__ import annotations

import json
import time

import pytest

from tests.conftest import demo_database
from tests.ui.browser import serve, settle

MAP_DRAWN = """() => Array.from(document.querySelectorAll('figure.tracker-bars')).some(chart =>
    chart.querySelector('.tracker-bars-title').textContent.startsWith('Members placed by their votes')
    && chart.querySelectorAll('.tracker-xy-points > circle.p').length > 0)"""


@pytest.fixture(scope="module")
def unfitted_server(tmp_path_factory):
    """A synthetic parliament too large to fit on a visit (300 members × 7,000 votes), its kept map removed."""
    folder = tmp_path_factory.mktemp("fit_map")
    db = demo_database(folder, members=300, votes=7_000, parties=4, seed=3)
    kept = list(folder.glob("tracker.duckdb.sidecar.ideal-point*"))
    assert kept   # demo keeps the map: removed here, as when an import skipped it
    for path in kept:
        path.unlink()
    log = folder / "runs.jsonl"
    for url in serve(folder, db, {"TRACKER_TIMING_LOG": str(log)}):
        yield url, log


@pytest.mark.browser
@pytest.mark.slow
def test_fit_the_map_draws_the_map_by_rerunning_only_the_map(browser, unfitted_server):
    url, log = unfitted_server
    context = browser.new_context(viewport={"width": 1400, "height": 1200})
    page = context.new_page()
    try:
        page.goto(f"{url}/members?section=Where+members+stand")
        button = page.get_by_role("button", name="Fit the map")
        button.wait_for(timeout=90_000)
        settle(page)
        assert page.get_by_text("fitted once per import").count() == 1
        assert page.locator(".tracker-xy").count() == 0   # no map yet
        pressed = time.time()
        button.click()
        page.wait_for_function(MAP_DRAWN, timeout=90_000)
        settle(page)
        assert page.get_by_text("fitted once per import").count() == 0
        assert page.get_by_role("button", name="Fit the map").count() == 0
        runs = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
        after = [run["what"] for run in runs if run["event"] == "end" and run["t"] >= pressed]
        # One run of the map's fragment: the tables and filters above it are not run or sent again.
        assert after == ["fragment"]
        assert list(log.parent.glob("tracker.duckdb.sidecar.ideal-points-*.parquet"))   # kept for the next visit
    finally:
        context.close()
