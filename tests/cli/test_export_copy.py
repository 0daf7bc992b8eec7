"""`export` through DuckDB's COPY writes what the DataFrame path (the dashboard's downloads) writes, cell for cell."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import FIXTURES
from tests.ingest.test_hostile_input import HOSTILE, hostile_roll_calls
from tracker import cli, config, export, metrics, store
from tracker.ingest import import_files
from tracker.table_query import TableQuery

# Titles a spreadsheet would run, or that would end a CSV row, beside plain ones.
TRICKY_VOTES = ("vote_id,date,title,yes,no,abstain,absent,result\n"
                'T1,2021-03-01,"\tcmd",3,1,0,0,approved\n'
                'T2,2021-03-02,"\r=cmd",1,3,,,rejected\n'
                'T3,2021-03-03,"x\r=cmd",2,2,0,1,\n'
                'T4,2021-03-04,"say ""hi"", twice",,,,,approved\n'
                "T5,2021-03-05,-5 plain minus,0,0,0,0,\n")


def _chamber(db) -> None:
    import_files(db, [FIXTURES / "metrics_member_votes.csv", FIXTURES / "metrics_parties.csv"])


def _hostile(db) -> None:
    import_files(db, [hostile_roll_calls()])


def _sample_and_tricky(db, folder: Path) -> None:
    import_files(db, config.sample_files())
    tricky = folder / "tricky.csv"
    tricky.write_text(TRICKY_VOTES, encoding="utf-8", newline="")
    import_files(db, [tricky])


@pytest.fixture(scope="module", params=["chamber", "hostile", "sample"])
def stored(request, tmp_path_factory):
    """Member votes by hand (chamber), hostile names everywhere (hostile), stated tallies and tricky titles (sample);
    built once per module, since the tests here only read them."""
    folder = tmp_path_factory.mktemp(request.param)
    con = store.connect(folder / "tracker.duckdb")
    if request.param == "chamber":
        _chamber(con)
    elif request.param == "hostile":
        _hostile(con)
    else:
        _sample_and_tricky(con, folder)
    yield con
    con.close()


FILTERS = {"all": {}, "chosen": {"date_from": "2020-02-01", "date_to": "2024-01-20", "period": "quarter",
                                  "parties": ["A", "C", HOSTILE[0], HOSTILE[3], "AD", "PSUV"]}}


def _written(db, table, file_format, tmp_path) -> bytes:
    out = tmp_path / f"copied.{file_format}"
    export.write_table(db, table, file_format, out)
    return out.read_bytes()


def _comparable(frame: pd.DataFrame) -> list[list]:
    """Rows as plain Python values: missing values as None, whatever type held them."""
    return [[None if pd.isna(v) else v for v in row] for row in frame.astype(object).itertuples(index=False)]


# Tables take no filters; ideal-points is a fit, written from its DataFrame (the test below it says so).
WRITTEN_BY_DUCKDB = [(what, "all") for what in export.TABLES] + [
    (what, chosen) for what in metrics.METRIC_NAMES if what != "ideal-points" for chosen in sorted(FILTERS)]


@pytest.mark.parametrize(("what", "chosen"), WRITTEN_BY_DUCKDB)
def test_duckdb_writes_the_same_csv_json_and_parquet_as_the_dataframe_path(stored, what, chosen, tmp_path):
    table = export.table_query(stored, what, **FILTERS[chosen])
    assert table is not None, f"{what} has no query for DuckDB to write"
    frame = export.table_or_metric(stored, what, **FILTERS[chosen])
    assert _written(stored, table, "csv", tmp_path) == export.table_bytes(frame, "csv")
    assert json.loads(_written(stored, table, "json", tmp_path)) == json.loads(export.table_bytes(frame, "json"))
    copied = pd.read_parquet(io.BytesIO(_written(stored, table, "parquet", tmp_path)))
    expected = pd.read_parquet(io.BytesIO(export.table_bytes(frame, "parquet")))
    assert list(copied.columns) == list(expected.columns)
    assert _comparable(copied) == _comparable(expected)


def test_ideal_points_are_written_from_the_fit_not_by_a_query(stored):
    assert export.table_query(stored, "ideal-points", **FILTERS["all"]) is None


def test_every_sql_metric_has_a_query_for_duckdb(fresh_db):
    _chamber(fresh_db)
    queried = {name for name in metrics.METRIC_NAMES
               if metrics.metric_query(name, fresh_db, metrics.Filters()) is not None}
    assert queried >= {"cohesion", "cohesion-trend", "alignment", "alignment-trend", "members"}


def test_csv_cells_that_start_like_a_formula_get_an_apostrophe_and_rows_stay_rows(tmp_path):
    cells = ["\tcmd", "\r=cmd", "x\r=cmd", "=1+2", "+1", "-5 minus", "@SUM(A1)", 'say "hi", twice', "", None, "plain"]
    # Beside the text: a number, a NaN and a decimal (written as pandas writes floats), a boolean with an unknown.
    table = TableQuery("""
        select unnest($cells::varchar[]) as title, unnest(range(11)) as n, -1 as minus,
               case when n % 3 = 0 then 'nan'::double else n / 4 end as share, (n / 8)::decimal(6, 3) as part,
               case when n % 3 = 1 then null else n % 2 = 0 end as even""", ("n",), {"cells": cells})
    with store.connect(None) as db:
        written = _written(db, table, "csv", tmp_path)
        assert written == export.table_bytes(table.read(db), "csv")
        assert json.loads(_written(db, table, "json", tmp_path)) == json.loads(export.table_bytes(table.read(db),
                                                                                                  "json"))
    back = pd.read_csv(io.BytesIO(written), dtype=str, keep_default_na=False)
    # A carriage return inside a cell stays inside its quoted cell; only a cell's first character is checked.
    assert back["title"].tolist() == ["'\tcmd", "'\r=cmd", "x\r=cmd", "'=1+2", "'+1", "'-5 minus", "'@SUM(A1)",
                                      'say "hi", twice', "", "", "plain"]
    assert set(back["minus"]) == {"-1"}   # numbers stay numbers
    assert written.count(b"\r\n") == len(cells) + 1   # each row and the header end in CRLF


def test_titles_from_an_upload_are_neutralised_in_the_vote_export(fresh_db, tmp_path):
    _sample_and_tricky(fresh_db, tmp_path)
    back = pd.read_csv(io.BytesIO(_written(fresh_db, export.TABLES["votes"], "csv", tmp_path)), dtype=str,
                       keep_default_na=False).set_index("vote_id")
    # The importer trims the tab and the leading carriage return; what is left is neutralised where it must be.
    assert back.loc[["T1", "T2", "T3", "T4", "T5"], "title"].tolist() == [
        "cmd", "'=cmd", "x\r=cmd", 'say "hi", twice', "'-5 plain minus"]
    assert back.loc["T1", "yes"] == "3" and back.loc["T4", "yes"] == "" and back.loc["T5", "date"] == "2021-03-05"


def test_hostile_member_names_are_neutralised_in_the_member_vote_export(fresh_db, tmp_path):
    _hostile(fresh_db)
    back = pd.read_csv(io.BytesIO(_written(fresh_db, export.TABLES["member-votes"], "csv", tmp_path)),
                       dtype=str, keep_default_na=False)
    starts = tuple(export.FORMULA_STARTS)
    assert {name for name in back["member_name"] if name.startswith(starts)} == set()
    assert {n[1:] if n.startswith("'") and n[1:].startswith(starts) else n for n in back["member_name"]} == set(HOSTILE)


def test_export_to_standard_output_writes_the_same_csv_as_to_a_file(db_path, tmp_path, capsys):
    fresh = cli.main(["--db", str(db_path), "import", str(FIXTURES / "metrics_member_votes.csv"),
                      str(FIXTURES / "metrics_parties.csv")])
    assert fresh == 0
    out = tmp_path / "members.csv"
    assert cli.main(["--db", str(db_path), "export", "members", "--out", str(out)]) == 0
    capsys.readouterr()
    assert cli.main(["--db", str(db_path), "export", "members"]) == 0
    assert capsys.readouterr().out.encode("utf-8") == out.read_bytes()


def test_a_missing_output_folder_is_a_message_not_a_traceback(db_path, tmp_path, capsys):
    assert cli.main(["--db", str(db_path), "init"]) == 0
    capsys.readouterr()
    assert cli.main(["--db", str(db_path), "export", "cohesion", "--out", str(tmp_path / "nowhere" / "c.csv")]) == 1
    assert "There is no folder" in capsys.readouterr().err


# A metric export in a process of its own, reporting which of pandas, numpy, pyarrow and DuckDB's Python layer (the
# `duckdb` package over its engine, 0.12 s to load) it loaded.
_IMPORTED = """
import sys
from tracker import cli
code = cli.main(sys.argv[1:])
print(sorted(m for m in ("pandas", "numpy", "pyarrow", "duckdb") if m in sys.modules), file=sys.stderr)
sys.exit(code)
"""


@pytest.mark.parametrize("what", ["cohesion", "cohesion-trend", "alignment", "alignment-trend", "members", "votes"])
def test_export_runs_without_importing_pandas_or_duckdbs_python_layer(db_path, tmp_path, what):
    assert cli.main(["--db", str(db_path), "import", str(FIXTURES / "metrics_member_votes.csv"),
                     str(FIXTURES / "metrics_parties.csv")]) == 0
    out = tmp_path / "out.csv"
    done = subprocess.run([sys.executable, "-c", _IMPORTED, "--db", str(db_path), "export", what, "--out", str(out)],
                          capture_output=True, text=True, timeout=120, cwd=config.PROJECT_DIR)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "[]"
    assert out.read_bytes().startswith(b"vote_id," if what == "votes" else b"")


def test_member_alignment_and_ideal_points_are_written_from_the_kept_codes_and_fit(fresh_db, tmp_path):
    _chamber(fresh_db)
    fitted = metrics.ideal_points(fresh_db, metrics.Filters(), matrix=metrics.member_vote_matrix(fresh_db))
    assert metrics.metric_query("ideal-points", fresh_db, metrics.Filters()) is None   # nothing kept yet
    metrics.keep_member_vote_matrix(fresh_db)
    metrics.fit_and_store_ideal_points(fresh_db, None)
    for what, chosen in (("member-alignment", {}), ("member-alignment", FILTERS["chosen"]),
                         ("ideal-points", {}), ("ideal-points", {"parties": ["A", "B"]})):
        table = export.table_query(fresh_db, what, **chosen)
        frame = export.table_or_metric(fresh_db, what, **chosen)
        assert _written(fresh_db, table, "csv", tmp_path) == export.table_bytes(frame, "csv"), (what, chosen)
        assert json.loads(_written(fresh_db, table, "json", tmp_path)) == json.loads(export.table_bytes(frame, "json"))
    # The kept fit is the fit: read back, it equals fitting again.
    pd.testing.assert_frame_equal(metrics.ideal_points(fresh_db, metrics.Filters()), fitted, check_dtype=False)
    assert metrics.metric_query("ideal-points", fresh_db, metrics.Filters(date_from="2020-02-01")) is None


@pytest.mark.parametrize("what", ["member-alignment", "ideal-points"])
def test_metrics_from_kept_files_run_without_importing_pandas(db_path, tmp_path, what):
    assert cli.main(["--db", str(db_path), "import", str(FIXTURES / "metrics_member_votes.csv"),
                     str(FIXTURES / "metrics_parties.csv")]) == 0   # keeps the member vote codes
    with store.connect(db_path) as db:
        metrics.fit_and_store_ideal_points(db, None)
    out = tmp_path / "out.csv"
    done = subprocess.run([sys.executable, "-c", _IMPORTED, "--db", str(db_path), "export", what, "--out", str(out)],
                          capture_output=True, text=True, timeout=120, cwd=config.PROJECT_DIR)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == ("['numpy']" if what == "member-alignment" else "[]")


def test_member_alignment_is_written_in_the_pairs_order_without_a_sort(fresh_db, tmp_path, monkeypatch):
    # 600 members give 359,400 pairs, more than DuckDB reads in one piece, so its threads would show a reordering;
    # the first id starts like a formula and one is empty, so every cell rule applies on the way.
    import numpy as np

    from tracker.metrics import pairs

    ids = np.array(["=1", "", *(f"m{i:04d}" for i in range(598))], dtype=object)
    a, b = np.nonzero(~np.eye(len(ids), dtype=bool))
    rng = np.random.default_rng(14)
    counted = pairs.MemberPairs(ids, a, b, rng.integers(1, 3000, len(a)), rng.random(len(a)))
    monkeypatch.setattr(pairs, "stored_member_pairs", lambda db, filters: counted)
    table = export.table_query(fresh_db, "member-alignment")
    assert table.order == ()
    written = _written(fresh_db, table, "csv", tmp_path)
    assert written == export.table_bytes(export.table_or_metric(fresh_db, "member-alignment"), "csv")
    assert table.plain_text == ()   # so the ids' cells are made safe one by one
    assert written.count(b"\r\n") == len(a) + 1 and written.split(b"\r\n")[1].startswith(b"'=1,,")


def test_member_ids_checked_plain_once_are_written_as_they_are_byte_for_byte(fresh_db, tmp_path, monkeypatch):
    import numpy as np

    from tracker.metrics import pairs

    ids = np.array(["m-1", "x=1", "Ana López", "42"], dtype=object)   # formula characters only inside
    a, b = np.nonzero(~np.eye(len(ids), dtype=bool))
    counted = pairs.MemberPairs(ids, a, b, np.arange(1, len(a) + 1), np.linspace(0, 1, len(a)))
    monkeypatch.setattr(pairs, "stored_member_pairs", lambda db, filters: counted)
    table = export.table_query(fresh_db, "member-alignment")
    assert table.plain_text == ("member_a", "member_b")
    written = _written(fresh_db, table, "csv", tmp_path)
    assert written == export.table_bytes(export.table_or_metric(fresh_db, "member-alignment"), "csv")
    assert written.split(b"\r\n")[1] == b"m-1,x=1,1,0.0"


def test_texts_are_plain_only_when_none_is_empty_or_starts_like_a_formula():
    assert export.plain_texts(["m1", "a=b", "Ana"])
    assert export.plain_texts([])
    for risky in ("", "=1", "+1", "-1", "@x", "\tx", "\rx"):
        assert not export.plain_texts(["m1", risky]), repr(risky)
