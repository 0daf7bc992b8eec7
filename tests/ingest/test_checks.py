"""The upload's checks on the staged rows, run on DuckDB's own staging tables."""

from __future__ import annotations

import duckdb
import pytest

from tracker.ingest import checks
from tracker.ingest.staging import create_stage_tables


@pytest.fixture
def cursor():
    con = duckdb.connect()
    create_stage_tables(con)
    yield con
    con.close()


def _stage(cursor, rows: list[tuple[str | None, str | None]]) -> None:
    cursor.executemany("insert into stage_member_votes (vote_id, member_id, position, file, row) "
                       "values (?, ?, 'yes', 'm.csv', ?)", [(v, m, i + 2) for i, (v, m) in enumerate(rows)])


def _member_twice_found(cursor) -> list[str]:
    problems: list = []
    checks.one_row_per_key(cursor, problems)
    return [p.message for p in problems]


def test_no_member_twice_when_each_vote_has_each_member_once(cursor) -> None:
    _stage(cursor, [("V1", "a"), ("V1", "b"), ("V2", "a"), ("V2", "b"), ("V3", "c")])
    assert checks.no_member_twice_on_a_vote(cursor)
    assert _member_twice_found(cursor) == []


def test_a_member_twice_on_one_vote_is_caught_and_reported_with_both_rows(cursor) -> None:
    # The same member on two votes is fine; twice on V2 (rows 3 and 5) is not.
    _stage(cursor, [("V1", "a"), ("V2", "a"), ("V2", "b"), ("V2", "a"), ("V1", "b")])
    assert not checks.no_member_twice_on_a_vote(cursor)
    assert _member_twice_found(cursor) == ["Member 'a' appears more than once on vote 'V2' (rows 3 and 5)."]


def test_a_repeat_among_many_members_sets_the_same_bit_twice(cursor) -> None:
    # 300 members on 20 votes; one vote lists member 299 twice in place of member 0: its rows still number 300.
    cursor.execute("insert into stage_member_votes (vote_id, member_id, position, file, row)"
                   " select 'V' || v, case when v = 5 and i = 0 then 'm299' else 'm' || i end, 'yes', 'm.csv',"
                   " (v * 300 + i + 2)::integer from range(20) votes(v), range(300) members(i)")
    assert not checks.no_member_twice_on_a_vote(cursor)
    assert _member_twice_found(cursor) == ["Member 'm299' appears more than once on vote 'V5' (rows 1502 and 1801)."]


def test_unknown_ids_or_too_many_members_leave_it_to_the_exact_search(cursor, monkeypatch) -> None:
    _stage(cursor, [("V1", None), ("V1", None)])
    assert not checks.no_member_twice_on_a_vote(cursor)     # unsure: the exact search decides
    assert _member_twice_found(cursor) == ["Member 'None' appears more than once on vote 'V1' (rows 2 and 3)."]
    cursor.execute("delete from stage_member_votes")
    _stage(cursor, [("V1", "a"), ("V1", "b"), ("V1", "c")])
    monkeypatch.setattr(checks, "MEMBER_BITS", 2)
    assert not checks.no_member_twice_on_a_vote(cursor)
    assert _member_twice_found(cursor) == []


def test_an_upload_without_member_votes_has_no_member_twice(cursor) -> None:
    assert checks.no_member_twice_on_a_vote(cursor)
    assert cursor.execute("select count(*) from duckdb_tables() where table_name = 'check_member_numbers'"
                          ).fetchone()[0] == 0
