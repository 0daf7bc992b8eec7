"""The browser benchmark keeps working: a tiny parliament, two pages, one sample each, in real Chromium. Timings are
recorded, never asserted."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ui.browser import CHROMIUM, needs
from tracker import config

BENCHMARKS = config.PROJECT_DIR / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import browser  # noqa: E402


@pytest.fixture(scope="module")
def tiny_browser_run(tmp_path_factory) -> dict:
    """`benchmarks/browser.py --scale tiny` on the Overview and one vote's page, one sample of each action."""
    if not Path(CHROMIUM).is_file() and shutil.which("chromium") is None:
        needs(f"No Chromium at {CHROMIUM}: install it with `apt-get install chromium` to run the browser benchmark")
    tmp = tmp_path_factory.mktemp("browser-bench")
    done = subprocess.run([sys.executable, str(BENCHMARKS / "browser.py"), "--scale", "tiny", "--work",
                           str(tmp / "work"), "--out", str(tmp / "results"), "--samples", "1", "--cold", "1",
                           "--pages", "overview", "vote"], capture_output=True, text=True, timeout=600,
                          cwd=config.PROJECT_DIR)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    [result_file] = (tmp / "results").glob("browser-tiny-*.json")
    return json.loads(result_file.read_text())


@pytest.mark.browser
@pytest.mark.slow
def test_tiny_browser_run_measures_each_action_until_the_page_has_drawn(tiny_browser_run):
    results = tiny_browser_run
    assert results["member_votes"] == 3_000 and set(results["pages"]) == {"overview", "vote"}
    expected = {"overview": {"cold visit", "second visit", "widget change", "url change"},
                "vote": {"cold visit", "second visit", "member search", "url change"}}
    for name, page in results["pages"].items():
        assert set(page["actions"]) == expected[name], name
        assert page["exceptions"] == 0, name
        for action, measured in page["actions"].items():
            assert measured["n"] == 1 and measured["median_ms"] > 0, (name, action)
            # Every action caused at least one script run on the server, and its time was logged.
            assert measured["runs_median"] >= 1 and measured["script_median_ms"] > 0, (name, action)
            # The frame showing the last change was painted, and not before that change.
            [sample] = measured["samples"]
            assert sample["painted_ms"] >= sample["ms"] and measured["painted_median_ms"] == sample["painted_ms"]
    # The member list filters in the page: its rows are shown before the server's rerun for the CSV has ended.
    search = results["pages"]["vote"]["actions"]["member search"]
    assert search["shown_n"] == 1 and 0 < search["shown_median_ms"] <= search["median_ms"]
    # The floor: a one-line page served and driven the same way.
    assert set(results["floor"]) == {"first visit, empty browser cache", "second visit", "widget change"}
    assert results["first_visit_empty_cache"]["page"] == "overview"
    assert results["browser_profile"] == "on disk"   # as a reader's browser keeps its cache


@pytest.mark.browser
@pytest.mark.slow
def test_tiny_browser_run_fingerprints_what_each_page_shows(tiny_browser_run):
    overview = tiny_browser_run["pages"]["overview"]["figures"]
    # The Overview's five headline figures, and its one chart (HTML) with its legend and every column's hover text.
    assert len(overview["metrics"]) == 5 and overview["metrics"][0] == "50"
    [(title, chart)] = overview["charts"].items()
    assert title.startswith("Votes passed and failed") and chart["labels"] > 3
    vote = tiny_browser_run["pages"]["vote"]["figures"]["charts"]
    assert any(title.startswith("Parliament") for title in vote)


def test_compare_names_the_pages_whose_figures_changed():
    def run(rice: str, seats: str) -> dict:
        return {"pages": {"parties": {"figures": {"metrics": [], "charts": {"Cohesion": {"sha": rice}}}},
                          "vote": {"figures": {"metrics": ["72"], "charts": {"Parliament": {"sha": seats}}}}}}

    assert browser.compare(run("a", "b"), run("a", "b")) == {"parties": [], "vote": []}
    assert browser.compare(run("a", "b"), run("x", "b")) == {"parties": ["chart 'Cohesion'"], "vote": []}


def test_dates_are_new_on_every_use_and_inside_the_term():
    from datetime import date

    dates = browser.Dates(date(2016, 1, 5), date(2023, 12, 30))
    drawn = [dates.next() for _ in range(40)]
    assert len(set(drawn)) == 40
    assert all("2016-01-05" <= start < end <= "2023-12-30" for start, end in drawn)
