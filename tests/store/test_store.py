"""The vote store: schema, transactions, batches, the derived tallies and views."""

from __future__ import annotations

import pytest

from tracker import config, store
from tracker.ingest import import_files


def test_connect_creates_every_table_and_view(db_path):
    con = store.connect(db_path)
    names = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    con.close()
    assert set(store.DATA_TABLES) | {"import_batches", "audit_log", "party_tallies", "party_votes",
                                     "vote_tallies"} <= names
    # Connecting again keeps what is there.
    again = store.connect(db_path)
    assert store.is_empty(again)
    again.close()


def test_transaction_rolls_back_on_error(fresh_db):
    with pytest.raises(RuntimeError), store.transaction(fresh_db) as cursor:
        cursor.execute("insert into members values ('m1', 'Ana', 1)")
        raise RuntimeError("boom")
    assert fresh_db.execute("select count(*) from members").fetchone()[0] == 0
    with store.transaction(fresh_db) as cursor:
        cursor.execute("insert into members values ('m1', 'Ana', 1)")
    assert fresh_db.execute("select count(*) from members").fetchone()[0] == 1


def test_database_version_changes_on_import_and_undo(fresh_db, write_csv):
    start = store.database_version(fresh_db)
    batch = import_files(fresh_db, [write_csv("v.csv", "vote_id,date,title\nV1,2020-01-01,A\n")]).batch_id
    after_import = store.database_version(fresh_db)
    store.undo_batch(fresh_db, batch)
    assert len({start, after_import, store.database_version(fresh_db)}) == 3


def test_batches_are_listed_newest_first_with_file_hash_and_rows(fresh_db, write_csv):
    import hashlib

    first = write_csv("a.csv", "vote_id,date,title\nV1,2020-01-01,A\nV2,2020-01-02,B\n")
    import_files(fresh_db, [first])
    import_files(fresh_db, [write_csv("b.csv", "vote_id,date,title\nV3,2020-01-03,C\n")])
    batches = store.list_batches(fresh_db)
    assert batches["batch_id"].tolist() == [2, 1]
    assert batches["file_name"].tolist() == ["b.csv", "a.csv"]
    assert batches["rows"].tolist() == [1, 2]
    assert batches["sha256"].iloc[1] == hashlib.sha256(first.read_bytes()).hexdigest()
    assert batches["summary"].iloc[1] == "2 votes"


def test_table_counts_and_is_empty(sample_db):
    # The sample: 45 votes, 21 parties, 59 party positions, 1 assembly, no members.
    assert store.table_counts(sample_db) == {"assemblies": 1, "parties": 21, "votes": 45, "party_positions": 59,
                                             "members": 0, "member_votes": 0}
    assert not store.is_empty(sample_db)


def test_every_stored_row_knows_its_batch(sample_db, write_csv):
    import_files(sample_db, [write_csv("m.csv", "vote_id,date,title,member_id,party,position\n"
                                                "X1,2020-01-01,T,m1,PJ,yes\n")])
    for table in store.DATA_TABLES:
        batches = {r[0] for r in sample_db.execute(f"select distinct batch_id from {table}").fetchall()}
        assert batches and batches <= {1, 2}, table


def test_party_tallies_count_members_and_put_partyless_members_under_no_party(fresh_db):
    with store.transaction(fresh_db) as cursor:
        cursor.execute("insert into votes (vote_id, title, batch_id) values ('V1', 'T', 1)")
        cursor.execute("insert into member_votes values ('V1', 'a', 'Red', 'yes', 'ja', 1),"
                       " ('V1', 'b', 'Red', 'absent', null, 1), ('V1', 'c', null, 'no', null, 1),"
                       " ('V1', 'd', 'Red', 'not_member', null, 1)")
        store.rebuild_party_tallies(cursor, "select 'V1' as vote_id")
    # Red: a yes, b absent, d not a member (not counted as a member); c has no party.
    assert fresh_db.execute("select party, yes, no, abstain, absent, members from party_tallies order by 1"
                            ).fetchall() == [("(no party)", 0, 1, 0, 0, 1), ("Red", 1, 0, 0, 1, 2)]


def test_party_votes_position_is_the_most_common_choice_and_a_tie_is_split(fresh_db):
    with store.transaction(fresh_db) as cursor:
        cursor.execute("insert into votes (vote_id, title, batch_id) values ('V1', 'T', 1)")
        cursor.execute(
            "insert into party_positions (vote_id, party, yes, no, abstain, absent, position, batch_id) values"
            " ('V1', 'A', 5, 2, 0, 9, null, 1),"      # yes 5 leads (absent does not count): yes
            " ('V1', 'B', 3, 3, 1, 0, null, 1),"      # yes and no tie for first: split
            " ('V1', 'C', 0, 1, 4, 0, 'no', 1),"      # counts win over a stated position: abstain
            " ('V1', 'D', null, null, null, null, 'split', 1),"  # no counts: the stated position
            " ('V1', 'E', 0, 0, 0, 7, 'yes', 1)")     # only absentees: the stated position
        store.refresh_party_votes(cursor, "select 'V1' as vote_id")
    assert fresh_db.execute("select party, position, source from party_votes order by 1").fetchall() == [
        ("A", "yes", "stated counts"), ("B", "split", "stated counts"), ("C", "abstain", "stated counts"),
        ("D", "split", "stated position"), ("E", "yes", "stated counts")]


def test_vote_tallies_prefer_stated_counts_and_fall_back_to_member_counts(fresh_db, write_csv):
    votes = ("vote_id,assembly,date,title,yes,no,abstain,absent,seats\n"
             "S,an,2020-01-01,Stated,10,2,,,\n"
             "M,an,2020-01-02,From members,,,,,20\n"
             "U,an,2020-01-03,Unknown,,,,,\n")
    members = "vote_id,member_id,party,position\nM,a,Red,yes\nM,b,Red,yes\nM,c,Blue,no\n"
    import_files(fresh_db, [write_csv("a.csv", "assembly,seats\nan,50\n"), write_csv("v.csv", votes),
                            write_csv("m.csv", members)])
    assert fresh_db.execute("select vote_id, yes, no, abstain, absent, seats, tally_source from vote_tallies"
                            " order by 1").fetchall() == [
        ("M", 2, 1, 0, 0, 20, "members"), ("S", 10, 2, None, None, 50, "stated"),
        ("U", None, None, None, None, 50, None)]


def test_snapshot_sees_any_change(fresh_db):
    before = store.snapshot(fresh_db)
    fresh_db.execute("insert into audit_log values (now()::timestamp, 'import', 1, 'x', 'y', false, '')")
    assert store.snapshot(fresh_db) != before


def test_next_batch_id_counts_undone_batches(fresh_db, write_csv):
    batch = import_files(fresh_db, [write_csv("v.csv", "vote_id,date,title\nV1,2020-01-01,A\n")]).batch_id
    store.undo_batch(fresh_db, batch)
    assert store.next_batch_id(fresh_db.cursor()) == batch + 1


def test_memory_cap_applies_inside_the_block_and_is_restored_after(fresh_db):
    before = fresh_db.execute("select current_setting('memory_limit')").fetchone()[0]
    with store.capped_memory(fresh_db, "700MB"):
        inside = fresh_db.execute("select current_setting('memory_limit')").fetchone()[0]
    after = fresh_db.execute("select current_setting('memory_limit')").fetchone()[0]
    assert inside != before and inside.startswith(("667", "700"))  # DuckDB shows 700MB as 667.5 MiB
    assert after == before


def test_import_memory_setting_must_be_a_size(monkeypatch):
    monkeypatch.setenv("TRACKER_IMPORT_MEMORY", "lots; drop table votes")
    with pytest.raises(ValueError, match="TRACKER_IMPORT_MEMORY"):
        store.import_memory_limit()
    monkeypatch.setenv("TRACKER_IMPORT_MEMORY", "1500MB")
    assert store.import_memory_limit() == "1500MB"


def _stored_equals_live(con) -> bool:
    """party_votes (stored) holds exactly what party_votes_live computes."""
    diff = con.execute("(select * from party_votes except all select * from party_votes_live) union all"
                       " (select * from party_votes_live except all select * from party_votes)").fetchall()
    return diff == []


def test_stored_party_votes_follow_every_import_replace_and_undo(sample_db, write_csv):
    assert _stored_equals_live(sample_db)
    assert sample_db.execute("select count(*) from party_votes").fetchone()[0] == 59
    changed = write_csv("changed.csv", "vote_id,party,position\nV44,VP,abstain\n")
    # Two member votes on a new vote (V44's stated 72-29-8 would not match two members).
    members = write_csv("members.csv", "vote_id,date,title,member_id,party,position\n"
                                       "N1,2023-02-01,New,m1,PJ,yes\nN1,2023-02-01,New,m2,VP,no\n")
    import_files(sample_db, [members])
    assert _stored_equals_live(sample_db)
    assert sample_db.execute("select position from party_votes where vote_id = 'N1' and party = 'PJ'"
                             ).fetchone() == ("yes",)
    report = import_files(sample_db, [changed], replace=True)
    assert _stored_equals_live(sample_db)
    assert sample_db.execute("select position from party_votes where vote_id = 'V44' and party = 'VP'"
                             ).fetchone() == ("abstain",)
    store.undo_batch(sample_db, report.batch_id)
    assert _stored_equals_live(sample_db)
    assert sample_db.execute("select position from party_votes where vote_id = 'V44' and party = 'VP'"
                             ).fetchone() == ("no",)
    store.undo_batch(sample_db, 2)
    assert _stored_equals_live(sample_db)
    assert sample_db.execute("select count(*) from party_votes where vote_id = 'N1'").fetchone() == (0,)


def test_a_database_with_party_votes_as_a_view_is_upgraded_on_open(db_path):
    con = store.connect(db_path)
    import_files(con, config.sample_files())
    con.execute("drop table party_votes")
    con.execute("create view party_votes as select * from party_votes_live")
    con.close()
    con = store.connect(db_path)
    try:
        kind = con.execute("select table_type from information_schema.tables where table_name = 'party_votes'"
                           ).fetchone()[0]
        assert kind == "BASE TABLE"
        assert con.execute("select count(*) from party_votes").fetchone()[0] == 59
        assert _stored_equals_live(con)
    finally:
        con.close()
