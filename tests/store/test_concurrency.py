"""Several uploads, readers and backups at once on one database: every upload lands whole or is refused cleanly,
readers never see half an upload, nothing deadlocks, and the result equals importing the files one by one."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import duckdb
import pytest

from tracker import config, queries, store
from tracker.ingest import ImportRejected, Source, import_files

UPLOADS = 8
READERS = 3
MEMBERS_PER_VOTE = 150
# Batch-, time- and order-dependent columns, left out when comparing with the sequential result.
VOLATILE = {"batch_id", "imported_at", "logged_at", "replaced_by"}


def upload(k: int) -> Source:
    """Upload k: k+1 votes, each with 150 members of its own party P{k} (members and parties differ per upload)."""
    lines = ["vote_id,date,title,member_id,member_name,party,position"]
    for v in range(k + 1):
        for m in range(MEMBERS_PER_VOTE):
            position = ("yes", "no", "abstain")[(m + v) % 3]
            lines.append(f"U{k}-V{v},2024-0{1 + k % 9}-1{v},Motion {k}.{v},U{k}-M{m},Member {m},P{k},{position}")
    return Source(f"upload_{k}.csv", data=("\n".join(lines) + "\n").encode())


def counts_of(k: int) -> tuple[int, int, int, int]:
    """(votes, member votes, party tallies, batches) that upload k adds: k+1 votes, 150 member votes each."""
    return (k + 1, (k + 1) * MEMBERS_PER_VOTE, k + 1, 1)


# Every state a reader may see: the sum of any set of complete uploads (2^8 = 256 sets).
VALID_STATES = {
    tuple(sum(c) for c in zip(*(counts_of(k) for k in chosen), strict=True)) if chosen else (0, 0, 0, 0)
    for n in range(UPLOADS + 1) for chosen in itertools.combinations(range(UPLOADS), n)
}

STATE_SQL = ("select (select count(*) from votes), (select count(*) from member_votes),"
             " (select count(*) from party_tallies), (select count(*) from import_batches),"
             " (select coalesce(sum(members_voting_record), 0) from vote_tallies)")


def contents(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every table's rows without batch ids and times, sorted: equal for any order of the same uploads."""
    cursor = con.cursor()
    result = {}
    for table in store.snapshot(con):
        columns = [r[0] for r in cursor.execute(f"describe {table}").fetchall() if r[0] not in VOLATILE]
        result[table] = sorted(cursor.execute(f"select {', '.join(columns)} from {table}").fetchall(), key=repr)
    return result


def run_threads(targets: list, timeout: float = 300) -> None:
    threads = [threading.Thread(target=t, daemon=True) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), "a thread is still running: deadlock"


@pytest.mark.slow
def test_parallel_uploads_readers_and_backups_equal_the_sequential_result(fresh_db, db_path, tmp_path):
    sources = [upload(k) for k in range(UPLOADS)]
    sequential = store.connect(tmp_path / "sequential.duckdb")
    for source in sources:
        import_files(sequential, [source])
    expected = contents(sequential)
    sequential.close()

    # Another process backs the database up again and again while the uploads run (as cron would).
    backups_dir = tmp_path / "backups"
    backups_dir.mkdir()
    stop = tmp_path / "stop"
    backer = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import pathlib
        from tracker.store import backup
        print("ready", flush=True)
        n = 0
        while not pathlib.Path({str(stop)!r}).exists():
            backup.backup({str(db_path)!r}, pathlib.Path({str(backups_dir)!r}) / f"{{n}}.duckdb")
            n += 1
    """)], stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(config.PROJECT_DIR)})
    assert backer.stdout.readline().strip() == "ready"

    start = threading.Barrier(UPLOADS + READERS + 1)
    uploads_done = threading.Event()
    errors: list[BaseException] = []
    seen: list[tuple] = []
    in_process_backups: list[Path] = []

    def uploader(source: Source):
        def run():
            start.wait()
            try:
                import_files(fresh_db, [source])
            except BaseException as error:  # noqa: B036 - reported by the assertion below
                errors.append(error)
        return run

    def reader():
        start.wait()
        cursor = fresh_db.cursor()
        while not uploads_done.is_set():
            seen.append(cursor.execute(STATE_SQL).fetchone())

    def downloader():
        # The dashboard's "Download the whole database", on the connection the uploads share.
        start.wait()
        n = 0
        while not uploads_done.is_set():
            download = tmp_path / f"download_{n}.duckdb"
            download.write_bytes(queries.database_snapshot(fresh_db))
            in_process_backups.append(download)
            n += 1

    def supervise():
        run_threads([uploader(s) for s in sources])
        uploads_done.set()

    run_threads([supervise, *[reader] * READERS, downloader])
    stop.touch()
    assert backer.wait(timeout=120) == 0

    assert errors == []
    assert contents(fresh_db) == expected
    assert len(seen) > READERS
    for votes, member_votes, tallies, batches, tallied in seen:
        assert (votes, member_votes, tallies, batches) in VALID_STATES
        assert tallied == member_votes  # the view agrees with the table within one reader's snapshot
    # Each backup and download, taken between two uploads, holds only complete uploads.
    copies = sorted(backups_dir.glob("*.duckdb")) + in_process_backups
    assert copies and in_process_backups
    for copy in copies:
        con = duckdb.connect(str(copy), read_only=True)
        assert con.execute(STATE_SQL).fetchone()[:4] in VALID_STATES
        con.close()


def test_two_uploads_of_different_versions_of_one_vote_one_lands_and_the_other_is_refused(fresh_db):
    versions = [Source(f"version_{n}.csv", data=("vote_id,date,title,yes,no\n"
                                                 f"V1,2024-01-01,Budget,{50 + n},40\n").encode()) for n in range(2)]
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def run(source: Source):
        def go():
            start.wait()
            try:
                outcomes[source.name] = import_files(fresh_db, [source]).batch_id
            except ImportRejected as rejected:
                outcomes[source.name] = str(rejected)
        return go

    run_threads([run(v) for v in versions])
    landed = [name for name, o in outcomes.items() if isinstance(o, int)]
    refused = [o for o in outcomes.values() if isinstance(o, str)]
    assert len(landed) == 1 and len(refused) == 1
    assert "already stored with different values" in refused[0] and "--replace" in refused[0]
    yes = fresh_db.execute("select yes from votes").fetchall()
    assert yes == [(50 + int(landed[0][-5]),)]  # the vote as the upload that landed has it
    assert len(store.list_batches(fresh_db)) == 1


def test_the_same_file_uploaded_four_times_at_once_is_stored_once(fresh_db):
    source_bytes = upload(2).data  # 3 votes x 150 members
    start = threading.Barrier(4)
    reports = []

    def go():
        start.wait()
        reports.append(import_files(fresh_db, [Source("same.csv", data=source_bytes)]))

    run_threads([go] * 4)
    assert sorted(r.batch_id is not None for r in reports) == [False, False, False, True]
    assert all(r.already_imported is not None for r in reports if r.batch_id is None)
    assert store.table_counts(fresh_db)["member_votes"] == 3 * MEMBERS_PER_VOTE


def test_undo_while_uploading_and_reading_leaves_exactly_the_other_batches(fresh_db):
    first = import_files(fresh_db, [upload(0)]).batch_id
    start = threading.Barrier(3)
    done = threading.Event()
    seen = []

    def undo():
        start.wait()
        store.undo_batch(fresh_db, first)

    def add():
        start.wait()
        import_files(fresh_db, [upload(1)])

    def read():
        start.wait()
        cursor = fresh_db.cursor()
        while not done.is_set():
            seen.append(cursor.execute(STATE_SQL).fetchone()[:4])

    def writers():
        run_threads([undo, add])
        done.set()

    run_threads([writers, read])
    # Upload 0 (1 vote) gone, upload 1 (2 votes x 150) there; readers saw {0}, {0,1}, {} or {1}, nothing between.
    assert fresh_db.execute(STATE_SQL).fetchone()[:4] == counts_of(1)
    allowed = {counts_of(0), (3, 450, 3, 2), (0, 0, 0, 0), counts_of(1)}
    assert set(seen) <= allowed
