"""`python -m tracker export METRIC ...` through tracker.cli.main."""

from __future__ import annotations

import io
import json

import pandas as pd

from tests.conftest import FIXTURES
from tracker import cli


def import_chamber(db_path) -> None:
    assert cli.main(["--db", str(db_path), "import", str(FIXTURES / "metrics_member_votes.csv"),
                     str(FIXTURES / "metrics_parties.csv")]) == 0


def test_export_cohesion_as_csv_to_stdout(db_path, capsys):
    import_chamber(db_path)
    capsys.readouterr()
    assert cli.main(["--db", str(db_path), "export", "cohesion", "--format", "csv", "--party", "A"]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(frame.columns[:10]) == ["vote_id", "date", "party", "yes", "no", "abstain", "absent", "position",
                                        "rice", "agreement_index"]
    assert set(frame["party"]) == {"A"} and len(frame) == 4
    assert frame.loc[frame["vote_id"] == "V1", "rice"].round(4).tolist() == [0.3333]


def test_export_members_to_parquet_with_a_date_range(db_path, tmp_path):
    import_chamber(db_path)
    out = tmp_path / "members.parquet"
    assert cli.main(["--db", str(db_path), "export", "members", "--from", "2020-03-01", "--to", "2021-12-31",
                     "--format", "parquet", "--out", str(out)]) == 0
    frame = pd.read_parquet(out).set_index("member_id")
    assert frame.loc["a3", "votes_in_office"] == 2 and frame.loc["a3", "rebellions"] == 1   # V3 and V4


def test_export_trend_by_quarter_as_json(db_path, capsys):
    import_chamber(db_path)
    capsys.readouterr()
    assert cli.main(["--db", str(db_path), "export", "alignment-trend", "--period", "quarter",
                     "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert {r["period"][:10] for r in records} == {"2020-01-01", "2020-04-01", "2021-01-01"}


def test_export_outcomes_of_the_sample(tmp_path, capsys):
    db = tmp_path / "sample.duckdb"
    assert cli.main(["--db", str(db), "init"]) == 0
    capsys.readouterr()
    assert cli.main(["--db", str(db), "export", "outcomes", "--from", "2022-12-30", "--to", "2022-12-30"]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert frame[["vote_id", "threshold", "margin", "votes_to_flip"]].values.tolist() == [["V44", 30, 42, 22]]


def test_bad_date_is_a_usage_error_with_the_fix(db_path, capsys):
    import_chamber(db_path)
    assert cli.main(["--db", str(db_path), "export", "cohesion", "--from", "30/12/2022"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
