"""benchmarks/cli.py keeps working: a seconds-long run on a tiny parliament. Timing is never asserted."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tracker import config, metrics

BENCHMARKS = config.PROJECT_DIR / "benchmarks"


@pytest.fixture(scope="module")
def tiny_cli_run(tmp_path_factory) -> tuple[dict, str]:
    """One run of `benchmarks/cli.py` on 30 members × 40 votes (1,200 member votes), each command once."""
    tmp = tmp_path_factory.mktemp("cli-bench")
    done = subprocess.run([sys.executable, str(BENCHMARKS / "cli.py"), "--members", "30", "--votes", "40",
                           "--parties", "3", "--runs", "1", "--work", str(tmp / "work"), "--out", str(tmp / "results")],
                          capture_output=True, text=True, timeout=300, cwd=config.PROJECT_DIR)
    assert done.returncode == 0, done.stderr[-3000:]
    [result_file] = (tmp / "results").glob("cli-1.2k-*.json")
    return json.loads(result_file.read_text()), done.stdout


def test_tiny_cli_run_times_every_metric_export_without_errors(tiny_cli_run):
    results, _ = tiny_cli_run
    assert results["member_votes"] == 1_200
    assert list(results["metrics"]) == list(metrics.METRIC_NAMES)
    for name, measured in results["metrics"].items():
        assert "error" not in measured, name
        assert measured["ours_s"]["n"] == 1 and measured["ours_s"]["median"] > 0


def test_tiny_cli_run_finds_the_same_numbers_as_the_pandas_script(tiny_cli_run):
    results, _ = tiny_cli_run
    compared = {name: m.get("equal") for name, m in results["metrics"].items() if "pandas_s" in m}
    assert set(compared) == set(metrics.METRIC_NAMES) - {"ideal-points"}
    assert compared == dict.fromkeys(compared, True)


def test_tiny_cli_run_measures_peak_memory_of_member_vote_exports(tiny_cli_run):
    results, _ = tiny_cli_run
    for file_format in ("csv", "parquet"):
        measured = results["member_votes_export"][file_format]
        assert measured["exit"] == 0 and measured["peak_rss_bytes"] > 0 and measured["file_bytes"] > 0


def test_tiny_cli_run_prints_a_row_per_metric_and_the_floor(tiny_cli_run):
    results, printed = tiny_cli_run
    assert "| metric | export (s) | pandas script (s) | ratio |" in printed and "`python -c pass`" in printed
    assert "`python -c 'import _duckdb'`" in printed and results["floor"]["python_engine_s"]["n"] == 1
    for name in results["metrics"]:
        assert f"| {name} | " in printed
