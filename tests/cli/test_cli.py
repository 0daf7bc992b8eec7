"""The command line: exit codes 0 (done), 1 (input rejected) and 2 (wrong usage), and what it prints."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tracker import config, store
from tracker.cli import main

VOTES = "vote_id,date,title,yes,no,abstain,absent\nV1,2020-03-01,Budget,3,1,1,0\n"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_import_prints_what_was_added_and_the_batch(capsys, db_path, write_csv):
    code, out, _ = run(capsys, "--db", str(db_path), "import", str(write_csv("v.csv", VOTES)))
    assert code == 0
    assert "Added: 1 vote." in out and "Batch id: 1" in out


def test_db_option_is_accepted_after_the_command(capsys, db_path, write_csv):
    code, out, _ = run(capsys, "import", str(write_csv("v.csv", VOTES)), "--db", str(db_path))
    assert code == 0 and db_path.exists()


def test_rejected_import_exits_1_and_lists_every_problem(capsys, db_path, write_csv):
    bad = write_csv("bad.csv", "vote_id,date,title,yes\nV1,someday,A,x\n")
    code, out, err = run(capsys, "--db", str(db_path), "import", str(bad))
    assert code == 1 and out == ""
    assert "bad.csv, row 2, column 'date': 'someday' is not a date" in err
    assert "bad.csv, row 2, column 'yes': 'x' is not a whole number" in err
    assert "nothing was changed in the database" in err


def test_dry_run_writes_nothing(capsys, db_path, write_csv):
    code, out, _ = run(capsys, "--db", str(db_path), "import", "--dry-run", str(write_csv("v.csv", VOTES)))
    assert code == 0 and "Would add: 1 vote." in out
    con = store.connect(db_path)
    assert store.is_empty(con)
    con.close()


def test_changed_vote_needs_replace(capsys, db_path, write_csv):
    run(capsys, "--db", str(db_path), "import", str(write_csv("v.csv", VOTES)))
    changed = write_csv("v2.csv", VOTES.replace(",3,1,1,0", ",4,0,1,0"))
    code, _, err = run(capsys, "--db", str(db_path), "import", str(changed))
    assert code == 1 and "--replace" in err
    code, out, _ = run(capsys, "--db", str(db_path), "import", "--replace", str(changed))
    assert code == 0 and "Replaced vote V1: yes 3 → 4; no 1 → 0" in out


def test_reimport_says_nothing_was_added(capsys, db_path, write_csv):
    path = str(write_csv("v.csv", VOTES))
    run(capsys, "--db", str(db_path), "import", path)
    code, out, _ = run(capsys, "--db", str(db_path), "import", path)
    assert code == 0 and "identical to batch 1" in out


@pytest.mark.parametrize("argv", [[], ["import"], ["frobnicate"], ["undo", "one"], ["export", "votes", "--format",
                                                                                     "xlsx"]])
def test_wrong_usage_exits_2(capsys, db_path, argv):
    code, _, err = run(capsys, "--db", str(db_path), *argv)
    assert code == 2 and "usage:" in err


def test_missing_file_exits_2(capsys, db_path, tmp_path):
    code, _, err = run(capsys, "--db", str(db_path), "import", str(tmp_path / "nope.csv"))
    assert code == 2 and "No such file" in err and "nope.csv" in err


def test_help_exits_0(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "import" in out


def test_batches_lists_id_file_hash_rows_and_time(capsys, db_path, write_csv):
    code, out, _ = run(capsys, "--db", str(db_path), "batches")
    assert code == 0 and "No import batches yet." in out
    path = write_csv("v.csv", VOTES)
    run(capsys, "--db", str(db_path), "import", str(path))
    code, out, _ = run(capsys, "--db", str(db_path), "batches")
    import hashlib

    assert code == 0
    header, line = out.splitlines()[:2]
    assert header.split()[:5] == ["batch_id", "file_name", "sha256", "rows", "imported_at"]
    assert line.split()[:4] == ["1", "v.csv", hashlib.sha256(path.read_bytes()).hexdigest(), "1"]


def test_undo_removes_the_batch_and_unknown_batch_exits_1(capsys, db_path, write_csv):
    run(capsys, "--db", str(db_path), "import", str(write_csv("v.csv", VOTES)))
    code, out, _ = run(capsys, "--db", str(db_path), "undo", "1")
    assert code == 0 and "Undid batch 1 (v.csv): removed 1 vote" in out
    code, _, err = run(capsys, "--db", str(db_path), "undo", "1")
    assert code == 1 and "There is no import batch 1" in err


@pytest.mark.parametrize("what", ["votes", "party-tallies", "member-votes"])
def test_export_tables_in_each_format(capsys, db_path, tmp_path, write_csv, what):
    members = "vote_id,member_id,party,position\nV1,m1,Red,ja\n"
    run(capsys, "--db", str(db_path), "import", str(write_csv("v.csv", VOTES.replace(",3,1,1,0", ",,,,"))),
        str(write_csv("m.csv", members)))
    code, out, _ = run(capsys, "--db", str(db_path), "export", what)
    assert code == 0 and out.splitlines()[0].startswith("vote_id,")
    code, out, _ = run(capsys, "--db", str(db_path), "export", what, "--format", "json")
    assert code == 0 and json.loads(out)[0]["vote_id"] == "V1"
    target = tmp_path / f"{what}.parquet"
    code, _, err = run(capsys, "--db", str(db_path), "export", what, "--format", "parquet", "--out", str(target))
    assert code == 0 and f"Wrote 1 row to {target}" in err
    assert pd.read_parquet(target)["vote_id"].tolist() == ["V1"]


def test_export_parquet_needs_out_and_unknown_table_exits_2(capsys, db_path):
    assert run(capsys, "--db", str(db_path), "export", "votes", "--format", "parquet")[0] == 2
    code, _, err = run(capsys, "--db", str(db_path), "export", "nothing-like-this")
    assert code == 2 and "Choose one of" in err


def test_init_builds_the_sample_and_refuses_to_overwrite_without_force(capsys, db_path):
    code, out, _ = run(capsys, "--db", str(db_path), "init")
    assert code == 0 and "Added: 45 votes, 21 parties, 59 party positions, 1 assembly." in out
    code, _, err = run(capsys, "--db", str(db_path), "init")
    assert code == 2 and "--force" in err
    con = store.connect(db_path)
    con.execute("delete from party_positions")
    con.close()
    code, _, _ = run(capsys, "--db", str(db_path), "init", "--force")
    con = store.connect(db_path)
    assert store.table_counts(con)["party_positions"] == 59
    assert len(store.list_batches(con)) == 1
    con.close()


def test_init_reads_every_sample_file():
    assert [p.name for p in config.sample_files()] == ["assemblies.csv", "parties.csv", "party_positions.csv",
                                                       "votes.csv"]


def test_import_of_member_votes_keeps_the_member_tables_and_map_ready_for_the_dashboard(capsys, db_path, write_csv):
    votes = write_csv("members.csv", "vote_id,date,title,member_id,party,position\n"
                                     "M1,2021-01-01,First,a,Red,yes\nM1,2021-01-01,First,b,Blue,no\n")
    code, out, _ = run(capsys, "--db", str(db_path), "import", str(votes))
    assert code == 0 and "Keeping the member vote matrix" in out and "Fitting the members' map" in out
    kept = list(db_path.parent.glob("*.member-matrix-*.npz"))
    assert len(kept) == 1
    con = store.connect(db_path)
    try:
        from tracker import metrics
        from tracker.metrics.filters import NO_ASSEMBLY

        # The votes name no assembly, so the dashboard opens with "no assembly": that is what is kept.
        loaded = metrics.load_matrix(con, NO_ASSEMBLY)
        assert loaded is not None and loaded.positions.shape == (2, 1)
        assert metrics.stored_member_map(con, NO_ASSEMBLY) is not None
    finally:
        con.close()


def test_import_of_vote_tallies_keeps_no_member_tables(capsys, db_path):
    code, _, _ = run(capsys, "--db", str(db_path), "import", *map(str, config.sample_files()))
    assert code == 0 and not list(db_path.parent.glob("*.member-matrix-*.npz"))


def test_help_lists_every_command_without_loading_pandas_or_duckdb():
    # The commands load pandas, duckdb and the importer when they run, so `--help` answers at once.
    import subprocess
    import sys

    script = ("import sys; from tracker.cli import main; code = main(['--help']); "
              "print(code, 'pandas' in sys.modules, 'duckdb' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=config.PROJECT_DIR,
                          check=True)
    assert "{import,batches,undo,export,init,demo,backup,restore,card}" in done.stdout
    assert done.stdout.splitlines()[-1] == "0 False False"


def test_demo_without_sizes_takes_the_generator_defaults(monkeypatch, db_path, capsys):
    # 700 members, 2,000 votes, 8 parties, seed 1 when no size is given (the spec is stopped before generating).
    from tracker import demo

    seen = []
    monkeypatch.setattr(demo, "build_demo", lambda con, spec, **_: seen.append(spec) or pytest.fail("stop"))
    with pytest.raises(pytest.fail.Exception):
        main(["--db", str(db_path), "demo"])
    assert (seen[0].members, seen[0].votes, seen[0].parties, seen[0].seed) == (700, 2_000, 8, 1)


def _command_names(parser) -> list[str]:
    import argparse

    return list(next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices)


def test_each_command_is_added_by_the_module_the_parser_names_for_it():
    import argparse
    import importlib

    from tracker.cli.parser import COMMAND_MODULES, build_parser

    added = {}
    for group in set(COMMAND_MODULES.values()):
        commands = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(f"tracker.cli.{group}").add_commands(commands)
        added |= dict.fromkeys(commands.choices, group)
    assert added == COMMAND_MODULES
    assert _command_names(build_parser()) == list(COMMAND_MODULES)
    assert _command_names(build_parser(["--db", "export", "export", "cohesion"])) == ["export"]
    assert _command_names(build_parser(["--db=x.duckdb", "undo", "3"])) == ["import", "batches", "undo"]


@pytest.mark.parametrize("argv", [["exprot"], ["--help"], []])
def test_a_line_naming_no_known_command_is_answered_with_every_command(argv):
    from tracker.cli.parser import COMMAND_MODULES, build_parser

    assert _command_names(build_parser(argv)) == list(COMMAND_MODULES)
