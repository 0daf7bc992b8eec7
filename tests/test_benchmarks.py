"""The benchmark suite keeps working: a seconds-long run at the tiny scale, and its pieces. Timing is never asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tracker import config

BENCHMARKS = config.PROJECT_DIR / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import baseline  # noqa: E402
import pages  # noqa: E402
from common import Window, filter_windows  # noqa: E402


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory) -> tuple[dict, str]:
    """One run of `benchmarks/run.py --scale tiny` (60 members x 50 votes = 3,000 member votes)."""
    tmp = tmp_path_factory.mktemp("bench")
    done = subprocess.run([sys.executable, str(BENCHMARKS / "run.py"), "--scale", "tiny", "--work", str(tmp / "work"),
                           "--out", str(tmp / "results"), "--repeat", "2"],
                          capture_output=True, text=True, timeout=300, cwd=config.PROJECT_DIR)
    assert done.returncode == 0, done.stderr[-3000:]
    [result_file] = (tmp / "results").glob("tiny-*.json")
    return json.loads(result_file.read_text()), done.stdout


def test_tiny_run_imports_every_generated_member_vote(tiny_run):
    results, _ = tiny_run
    assert results["generate"]["member_votes"] == 3_000
    assert results["import"]["member_votes"] == 3_000
    assert results["import"]["peak_rss_bytes"] > 0


def test_tiny_run_measures_the_import_against_a_plain_read_csv_of_the_same_rows(tiny_run):
    results, printed = tiny_run
    floor = results["import"]["floor"]
    assert floor["member_votes"] == 3_000 and floor["seconds"] > 0 and floor["peak_rss_bytes"] > 0
    assert results["import"]["floor_ratio"] == results["import"]["seconds"] / floor["seconds"]
    assert results["targets"]["import_vs_floor"] == 3.0
    assert "plain read_csv" in printed and "import / floor" in printed


def test_import_runs_alternate_and_report_the_median_run_of_each(tmp_path):
    done = subprocess.run([sys.executable, str(BENCHMARKS / "run.py"), "--scale", "tiny", "--import-only",
                           "--import-runs", "3", "--work", str(tmp_path / "work"), "--out", str(tmp_path / "results")],
                          capture_output=True, text=True, timeout=300, cwd=config.PROJECT_DIR)
    assert done.returncode == 0, done.stderr[-3000:]
    [result_file] = (tmp_path / "results").glob("tiny-import-*T*.json")
    imported = json.loads(result_file.read_text())["import"]
    assert len(imported["runs_seconds"]) == 3 and len(imported["floor"]["runs_seconds"]) == 3
    assert round(imported["seconds"], 2) == sorted(imported["runs_seconds"])[1]
    assert round(imported["floor"]["seconds"], 2) == sorted(imported["floor"]["runs_seconds"])[1]
    assert imported["floor_ratio"] == imported["seconds"] / imported["floor"]["seconds"]
    assert "runs, alternating" in done.stdout


def test_tiny_run_times_every_page_and_metric_without_errors(tiny_run):
    results, _ = tiny_run
    from tracker import metrics

    assert set(results["pages"]) == set(pages.PAGES)
    assert set(results["metrics"]) == set(metrics.METRICS)
    for name, measured in {**results["pages"], **results["metrics"]}.items():
        assert "error" not in measured, name
        assert measured["runs"] == 2 and measured["warm_median_ms"] > 0
    for name, cold in {**results["cold"]["pages"], **results["cold"]["metrics"]}.items():
        assert "error" not in cold, name


def test_pandas_baselines_agree_with_our_metrics(tiny_run):
    results, _ = tiny_run
    compared = results["pandas"]["metrics"]
    assert compared["ideal-points"] == {"error": "no pandas baseline"}
    assert {name: c.get("equal") for name, c in compared.items() if name != "ideal-points"} == {
        name: True for name in baseline.BASELINES}


def test_tiny_run_prints_a_table_with_each_page_and_metric(tiny_run):
    results, printed = tiny_run
    assert "member votes/s" in printed and "peak" in printed
    for name in [*results["pages"], *results["metrics"]]:
        assert f"  {name} " in printed


def test_every_function_a_page_lists_exists_and_every_page_has_a_loader():
    for page, names in pages.PAGES.items():
        for name in names:
            assert callable(pages.resolve(name)), f"{page}: {name}"
    assert list(pages.PAGES) == list(pages._LOADERS)


def test_first_render_of_every_page_in_a_cold_process_runs_without_exceptions(tiny_run):
    results, _ = tiny_run
    renders = results["cold"]["first_render"]
    assert set(renders) == set(pages.app_pages()) and "tracker/ui/pages/members.py" in renders
    for name, render in renders.items():
        assert render.get("exceptions") == [], name
    assert renders["dashboard.py"]["titles"] == ["Overview"]  # the default page
    assert renders["tracker/ui/pages/members.py"]["titles"] == ["Members"]


def test_filter_windows_are_distinct_and_inside_the_term(sample_db):
    # The sample's votes run from 2016-01-05 to its last vote; every window must be a new filter.
    windows = filter_windows(sample_db, 5)
    first, last = sample_db.execute("select min(date)::varchar, max(date)::varchar from votes").fetchone()
    assert windows[0] == Window(first, last)
    assert len(set(windows)) == 5
    assert all(first <= w.date_from < w.date_to <= last for w in windows)


def test_same_result_accepts_reordered_rows_and_float_noise():
    ours = pd.DataFrame({"party": ["A", "B"], "rice": [0.5, 1 / 3]})
    theirs = pd.DataFrame({"party": ["B", "A"], "rice": [1 / 3 + 1e-15, 0.5]})
    assert baseline.same_result(ours, theirs, ["party"], ["rice"]) is True


def test_same_result_names_the_column_and_row_that_differ():
    ours = pd.DataFrame({"party": ["A", "B"], "votes": [3, 4]})
    theirs = pd.DataFrame({"party": ["A", "B"], "votes": [3, 5]})
    assert baseline.same_result(ours, theirs, ["party"], ["votes"]) == \
        "column votes differs at {'party': 'B'}: ours 4.0, pandas 5.0"


def test_same_result_reports_a_different_row_count():
    ours = pd.DataFrame({"party": ["A"], "votes": [3]})
    theirs = pd.DataFrame({"party": ["A", "B"], "votes": [3, 1]})
    assert baseline.same_result(ours, theirs, ["party"], ["votes"]) == "1 rows (ours) vs 2 (pandas)"


def test_pandas_outcomes_by_hand():
    # Vote v1: 3 yes, 1 no, 1 absent -> threshold 2, passed, margin 1, flip (3 - 1 + 1) // 2 = 1.
    # Vote v2: 1 yes, 2 no, 1 abstain -> threshold 3, failed, margin -2, flip (2 - 1 + 2) // 2 = 1.
    frame = pd.DataFrame({
        "vote_id": ["v1"] * 5 + ["v2"] * 4,
        "position": ["yes", "yes", "yes", "no", "absent", "yes", "no", "no", "abstain"],
        "date": pd.to_datetime(["2020-01-01"] * 5 + ["2020-02-01"] * 4),
        "majority": "simple", "vote_seats": None, "assembly_seats": 5,
        "party": "A", "member_id": [f"m{i}" for i in range(5)] + [f"m{i}" for i in range(4)]})
    result = baseline.outcomes(frame, Window("2020-01-01", "2020-12-31")).set_index("vote_id")
    assert result.loc["v1", ["threshold", "passed", "margin", "votes_to_flip"]].tolist() == [2, True, 1, 1]
    assert result.loc["v2", ["threshold", "passed", "margin", "votes_to_flip"]].tolist() == [3, False, -2, 1]


def test_demo_scales_match_the_issue():
    import run

    assert run.SCALES["14m"].member_votes == 14_000_000
    assert run.SCALES["25m"].member_votes == 25_000_000
    assert Path(run.__file__).parent == BENCHMARKS


def test_markdown_report_has_a_row_per_page_and_metric_with_its_target(tiny_run):
    import report

    results, _ = tiny_run
    text = report.markdown(results)
    assert "3,000 member votes" in text and "≥ 500,000/s" in text
    assert "| import / floor | **" in text and "≤ 3.0× |" in text
    for name in [*results["pages"], *results["metrics"]]:
        assert f"| {name} |" in text
