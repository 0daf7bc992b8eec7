"""The synthetic parliament generator: deterministic, valid for the importer, and never mixed with real data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import tracker.metrics.matrix as matrix_module
import tracker.metrics.points as points_module
from tests.ui.test_ui import drawn
from tracker import cli, config, metrics, store
from tracker.demo import (
    DemoRefused,
    DemoSpec,
    build_demo,
    non_synthetic_votes,
    rows_per_file_within,
    synthetic_assemblies,
    write_demo_files,
)

# 40 members x 25 votes = 1,000 member votes; 4 parties; 3% of 40 = 1.2 -> 1 member switches party.
SMALL = DemoSpec(members=40, votes=25, parties=4, seed=7)


def _file_bytes(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.glob("*.csv"))}


def test_same_seed_writes_identical_files(tmp_path: Path):
    write_demo_files(tmp_path / "a", SMALL)
    write_demo_files(tmp_path / "b", SMALL)
    assert _file_bytes(tmp_path / "a") == _file_bytes(tmp_path / "b")


def test_different_seed_writes_different_votes(tmp_path: Path):
    first = write_demo_files(tmp_path / "a", SMALL)
    second = write_demo_files(tmp_path / "b", DemoSpec(members=40, votes=25, parties=4, seed=8))
    assert first.member_votes[0].read_bytes() != second.member_votes[0].read_bytes()


def test_chunk_size_does_not_change_the_file_layout(tmp_path: Path):
    # 1,000 rows written in chunks of 2 votes (80 rows) still have one header and 1,000 data rows.
    files = write_demo_files(tmp_path, SMALL, chunk_rows=80)
    [member_votes] = files.member_votes
    lines = member_votes.read_text().splitlines()
    assert lines[0] == "vote_id,assembly,date,title,stage,member_id,member_name,party,position"
    assert len(lines) == 1 + 1_000


def test_member_votes_are_split_into_parts_that_each_have_a_header(tmp_path: Path):
    # At most 300 rows a part with 40 members: 7 votes (280 rows) a part, so 25 votes make parts of 7, 7, 7, 4 votes.
    files = write_demo_files(tmp_path, SMALL, rows_per_file=300)
    assert [p.name for p in files.member_votes] == [f"synthetic_member_votes_00{i}.csv" for i in (1, 2, 3, 4)]
    rows = [p.read_text().splitlines() for p in files.member_votes]
    assert [len(r) - 1 for r in rows] == [280, 280, 280, 160]
    assert all(r[0].startswith("vote_id,") for r in rows)
    whole = write_demo_files(tmp_path / "whole", SMALL)
    assert [line for r in rows for line in r[1:]] == whole.member_votes[0].read_text().splitlines()[1:]


def test_split_parts_import_as_one_batch(fresh_db, tmp_path: Path):
    report = build_demo(fresh_db, SMALL, directory=tmp_path, rows_per_file=300)
    assert report.batch_id == 1 and report.added["member votes"] == 1_000


def test_parts_stay_under_the_upload_size_limit(tmp_path: Path):
    # 40 members x 25 votes is about 100 KB; a 30 KB limit forces parts, each of them under 30 KB.
    files = write_demo_files(tmp_path, SMALL, rows_per_file=rows_per_file_within(30_000))
    assert len(files.member_votes) > 1
    assert all(p.stat().st_size < 30_000 for p in files.member_votes)


def test_generated_files_pass_the_importer_and_store_every_member_vote(fresh_db):
    report = build_demo(fresh_db, SMALL)
    assert report.batch_id == 1
    assert store.table_counts(fresh_db) == {
        "assemblies": 1, "parties": 4, "votes": 25, "party_positions": 0, "members": 40, "member_votes": 1_000}


def test_demo_keeps_the_member_vote_matrix_and_map_of_the_synthetic_assembly(fresh_db, monkeypatch):
    build_demo(fresh_db, SMALL)
    kept = metrics.stored_member_map(fresh_db, "synthetic")
    assert kept is not None and len(kept.points) > 30   # members with too few yes/no votes are not placed
    # The kept codes answer this database version without reading the member votes again.
    monkeypatch.setattr(matrix_module, "_build_member_vote_matrix",
                        lambda *args: pytest.fail("the member votes were read again"))
    filters = metrics.Filters(assembly="synthetic")
    matrix = metrics.member_vote_matrix(fresh_db, filters, keep=True)
    assert matrix is not None and matrix.positions.shape == (40, 25)
    fresh = metrics.member_map(matrix, filters).oriented(None)
    pd.testing.assert_frame_equal(kept.points, fresh.points, check_dtype=False)


def test_first_members_visit_after_demo_builds_no_matrix_and_fits_no_map(db_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    con = store.connect(db_path)
    build_demo(con, SMALL)
    con.close()
    built = []
    build, fit = matrix_module._build_member_vote_matrix, points_module.member_map
    monkeypatch.setattr(matrix_module, "_build_member_vote_matrix", lambda *a: built.append("matrix") or build(*a))
    monkeypatch.setattr(points_module, "member_map", lambda *a, **k: built.append("map") or fit(*a, **k))
    monkeypatch.setenv("TRACKER_DB", str(db_path))
    app = AppTest.from_file(str(config.DASHBOARD), default_timeout=90)
    app.query_params["section"] = "Where members stand"   # the map's tab
    app.run()
    app.switch_page("tracker/ui/pages/members.py").run()
    assert not app.exception, [e.value for e in app.exception]
    # The kept map, drawn: every member it placed (those with enough votes) is a point on it.
    [the_map] = [m for m in drawn(app) if "placed by their votes" in m]
    con = store.connect(db_path, read_only=True)
    try:
        kept = points_module.stored_member_map(con, metrics.default_assembly(con))
    finally:
        con.close()
    assert 0 < len(kept.points) <= SMALL.members and the_map.count("class='p'") == len(kept.points)
    assert built == []


def test_synthetic_data_is_named_synthetic_in_the_store(fresh_db):
    build_demo(fresh_db, SMALL)
    name, note = fresh_db.execute("select name, note from assemblies").fetchone()
    assert "(synthetic)" in name and "SYNTHETIC" in note
    titles = [r[0] for r in fresh_db.execute("select title from votes order by vote_id limit 2").fetchall()]
    assert titles == ["Synthetic vote 1", "Synthetic vote 2"]
    assert synthetic_assemblies(fresh_db) == ["synthetic"]
    assert non_synthetic_votes(fresh_db) == 0


def test_every_party_has_members_and_seats_add_up_to_the_chamber(fresh_db):
    build_demo(fresh_db, SMALL)
    seats = fresh_db.execute("select sum(seats), min(seats) from parties").fetchone()
    assert seats[0] == 40 and seats[1] >= 1


def test_one_member_in_forty_switches_party_once(fresh_db):
    build_demo(fresh_db, SMALL)
    parties_per_member = fresh_db.execute(
        "select member_id, count(distinct party) from member_votes group by 1 having count(distinct party) > 1"
    ).fetchall()
    assert len(parties_per_member) == 1 and parties_per_member[0][1] == 2


def test_vote_dates_ascend_with_vote_number_over_the_term(fresh_db):
    build_demo(fresh_db, DemoSpec(members=10, votes=300, parties=2, seed=1, start_year=1990, years=30))
    dates = [r[0] for r in fresh_db.execute("select date from votes order by vote_id").fetchall()]
    assert dates == sorted(dates)
    assert dates[0].year >= 1990 and dates[-1].year <= 2019
    assert dates[-1].year - dates[0].year >= 20  # 300 votes spread over three decades


def test_members_mostly_follow_their_party_and_sometimes_miss_votes(fresh_db):
    build_demo(fresh_db, DemoSpec(members=200, votes=100, parties=5, seed=3))
    # Loyalty: of members who voted, the share voting as their party's most common position.
    loyalty = fresh_db.execute(
        """
        select avg((m.position = p.position)::int) from member_votes m
        join party_votes p on p.vote_id = m.vote_id and p.party = m.party
        where m.position in ('yes', 'no', 'abstain') and p.position <> 'split'
        """).fetchone()[0]
    absent = fresh_db.execute("select avg((position = 'absent')::int) from member_votes").fetchone()[0]
    assert 0.8 < loyalty < 1.0
    assert 0.03 < absent < 0.12  # mean absence is set to 7%


def test_demo_refuses_a_database_with_real_votes_and_changes_nothing(sample_db):
    before = store.table_counts(sample_db)
    assert non_synthetic_votes(sample_db) == 45  # the Venezuelan sample's 45 votes
    with pytest.raises(DemoRefused, match="45 real"):
        build_demo(sample_db, SMALL)
    assert store.table_counts(sample_db) == before


def test_demo_with_force_adds_beside_real_votes(sample_db):
    build_demo(sample_db, SMALL, force=True)
    assert store.table_counts(sample_db)["votes"] == 45 + 25
    assert non_synthetic_votes(sample_db) == 45


@pytest.mark.parametrize("members, votes, parties", [(0, 5, 1), (5, 0, 1), (5, 5, 0), (3, 5, 4)])
def test_impossible_sizes_are_refused_naming_the_option(members: int, votes: int, parties: int, tmp_path: Path):
    with pytest.raises(ValueError, match="--"):
        write_demo_files(tmp_path, DemoSpec(members=members, votes=votes, parties=parties))


def test_cli_demo_imports_then_refuses_the_sample_database(tmp_path: Path, capsys):
    demo_db = tmp_path / "demo.duckdb"
    assert cli.main(["--db", str(demo_db), "demo", "--members", "12", "--votes", "5", "--parties", "3"]) == 0
    printed = capsys.readouterr().out
    assert "Synthetic parliament" in printed and "Fitting the members' map of synthetic" in printed
    con = store.connect(demo_db)
    assert store.table_counts(con)["member_votes"] == 60  # 12 x 5
    con.close()
    sample = tmp_path / "sample.duckdb"
    assert cli.main(["--db", str(sample), "init"]) == 0
    assert cli.main(["--db", str(sample), "demo", "--members", "12", "--votes", "5"]) == 1
    assert "real (non-synthetic) votes" in capsys.readouterr().err


def test_cli_demo_with_impossible_size_is_a_usage_error(tmp_path: Path, capsys):
    assert cli.main(["--db", str(tmp_path / "x.duckdb"), "demo", "--members", "2", "--parties", "5"]) == 2
    assert "--parties (5) cannot exceed --members (2)" in capsys.readouterr().err
