"""Audit and recovery: every import and undo is logged; backup copies a running database; restore brings it back."""

from __future__ import annotations

import hashlib
import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from tracker import config, metrics, store
from tracker.ingest import import_files
from tracker.store import backup

ENV = {**os.environ, "PYTHONPATH": str(config.PROJECT_DIR)}

# Two votes of one member each: 2 votes, 2 member votes, 1 member, 1 party (label only).
SMALL_MEMBER_VOTES = ("vote_id,date,title,member_id,party,position\n"
                      "X1,2024-01-01,Extra one,M1,P,yes\nX2,2024-01-02,Extra two,M1,P,no\n")


def cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tracker", "--db", str(db), *args], capture_output=True, text=True,
                          env=ENV, cwd=config.PROJECT_DIR, timeout=120)


class HeldOpen:
    """A program outside the tracker's Store (DuckDB itself) with the database file open read-write, its last
    import committed but left in the WAL."""

    def __init__(self, db: Path, snapshot_file: Path, files: list[Path]):
        code = textwrap.dedent(f"""
            import pickle, sys
            import duckdb
            from tracker import store
            from tracker.ingest import import_files
            con = duckdb.connect({str(db)!r})
            con.execute("set checkpoint_threshold = '1GB'")  # keep committed rows in the WAL only
            import_files(con, {[str(f) for f in files]!r}, new_parties=True)
            with open({str(snapshot_file)!r}, "wb") as out:
                pickle.dump(store.snapshot(con), out)
            print("ready", flush=True)
            sys.stdin.readline()
            con.close()
        """)
        self.process = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True, env=ENV, cwd=config.PROJECT_DIR)
        assert self.process.stdout.readline().strip() == "ready"

    def __enter__(self) -> HeldOpen:
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.communicate("done\n", timeout=60)


def snapshot_of(path: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return store.snapshot(con)
    finally:
        con.close()


def without_audit(snapshot: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    return {t: rows for t, rows in snapshot.items() if t != "audit_log"}


def test_backup_while_another_process_has_the_database_open_holds_its_committed_import(tmp_path, write_csv):
    db, out, held_snapshot = tmp_path / "live.duckdb", tmp_path / "backup.duckdb", tmp_path / "held.pickle"
    cli(db, "init")
    extra = write_csv("extra.csv", SMALL_MEMBER_VOTES)
    with HeldOpen(db, held_snapshot, [extra]):
        assert backup.wal_file(db).exists()  # the extra batch is only in the WAL, not yet in the main file
        # Read-only commands read the published copy: they work even while another program holds the file.
        assert cli(db, "batches").returncode == 0
        done = cli(db, "backup", str(out))
        assert done.returncode == 0, done.stderr
        expected = pickle.loads(held_snapshot.read_bytes())
    # The copy opens on its own (no WAL beside it) and holds the sample plus the extra batch, as the holder saw it.
    assert not backup.wal_file(out).exists()
    copied = snapshot_of(out)
    assert copied == expected
    assert {r[0] for r in copied["votes"]} >= {"X1", "X2"}
    assert f"sha256 {hashlib.sha256(out.read_bytes()).hexdigest()}" in done.stdout


def test_backup_of_a_database_nobody_has_open_equals_it(sample_db, db_path, tmp_path):
    expected = store.snapshot(sample_db)
    sample_db.close()
    result = backup.backup(db_path, tmp_path / "copy.duckdb")
    assert snapshot_of(result.path) == expected
    assert result.counts["votes"] == 45 and result.counts["party_positions"] == 59  # the sample's numbers


def test_backup_waits_for_a_running_import_and_gives_up_cleanly(sample_db, db_path, tmp_path):
    out = tmp_path / "busy.duckdb"
    sample_db.close()
    with store.hold(db_path):  # as an import in the dashboard would, for its whole transaction
        done = cli(db_path, "backup", str(out), "--wait", "0.5")
    assert done.returncode == 1
    assert "busy with an import or undo" in done.stderr
    assert not out.exists() and not list(tmp_path.glob(".backup-*"))


def test_backup_refuses_to_overwrite_a_file_unless_forced(sample_db, db_path, tmp_path):
    sample_db.close()
    out = tmp_path / "keep.duckdb"
    out.write_bytes(b"precious")
    done = cli(db_path, "backup", str(out))
    assert done.returncode == 1 and "exists already" in done.stderr and "--force" in done.stderr
    assert out.read_bytes() == b"precious"
    assert cli(db_path, "backup", str(out), "--force").returncode == 0
    assert snapshot_of(out)["votes"]


def test_restore_brings_back_the_backup_and_keeps_the_previous_database(sample_db, db_path, tmp_path, write_csv):
    saved = tmp_path / "saved.duckdb"
    sample_db.close()
    assert cli(db_path, "backup", str(saved)).returncode == 0
    assert cli(db_path, "import", "--new-parties", str(write_csv("extra.csv", SMALL_MEMBER_VOTES))).returncode == 0
    after_import = snapshot_of(db_path)
    done = cli(db_path, "restore", str(saved))
    assert done.returncode == 0, done.stderr
    restored = snapshot_of(db_path)
    assert without_audit(restored) == without_audit(snapshot_of(saved))
    assert len(restored["votes"]) == 45  # the sample again, without X1 and X2
    assert snapshot_of(Path(str(db_path) + ".before-restore")) == after_import
    restore_rows = [r for r in restored["audit_log"] if r[1] == "restore"]
    assert len(restore_rows) == 1 and restore_rows[0][3] == "saved.duckdb"
    assert restore_rows[0][4] == hashlib.sha256(saved.read_bytes()).hexdigest()


def test_restore_is_refused_while_another_process_has_the_database_open(tmp_path, write_csv):
    db, saved, held_snapshot = tmp_path / "live.duckdb", tmp_path / "saved.duckdb", tmp_path / "held.pickle"
    cli(db, "init")
    assert cli(db, "backup", str(saved)).returncode == 0
    with HeldOpen(db, held_snapshot, [write_csv("extra.csv", SMALL_MEMBER_VOTES)]):
        done = cli(db, "restore", str(saved))
    assert done.returncode == 1
    assert "open in another process" in done.stderr and "Nothing was changed" in done.stderr
    assert snapshot_of(db) == pickle.loads(held_snapshot.read_bytes())
    assert not Path(str(db) + ".before-restore").exists()


@pytest.mark.parametrize("content, reason", [
    (b"vote_id,date\nV1,2020-01-01\n", "not a DuckDB database that opens"),
    (None, "not a vote tracker database"),
])
def test_restore_refuses_a_file_that_is_not_a_tracker_backup(sample_db, db_path, tmp_path, content, reason):
    before = store.snapshot(sample_db)
    sample_db.close()
    bad = tmp_path / "bad.duckdb"
    if content is None:
        duckdb.connect(str(bad)).execute("create table something_else (x integer)").close()
    else:
        bad.write_bytes(content)
    done = cli(db_path, "restore", str(bad))
    assert done.returncode == 1 and reason in done.stderr
    assert snapshot_of(db_path) == before
    assert not Path(str(db_path) + ".before-restore").exists()
    assert not list(tmp_path.glob(".*restore*"))


def test_import_and_undo_are_logged_with_time_file_checksum_and_editor(fresh_db, write_csv):
    path = write_csv("roll call.csv", SMALL_MEMBER_VOTES)
    report = import_files(fresh_db, [path], editor=True)
    store.undo_batch(fresh_db, report.batch_id, editor=False)
    rows = fresh_db.execute("select logged_at, action, batch_id, file_name, sha256, editor from audit_log"
                            " order by logged_at, action").fetchall()
    checksum = hashlib.sha256(path.read_bytes()).hexdigest()
    assert [r[1:] for r in rows] == [("import", report.batch_id, "roll call.csv", checksum, True),
                                     ("undo", report.batch_id, "roll call.csv", checksum, False)]
    assert all(r[0] is not None for r in rows)


def test_an_import_holds_the_cross_process_lock_until_it_commits(fresh_db, db_path, tmp_path, write_csv):
    out = tmp_path / "during.duckdb"
    attempts = []

    def progress(fraction: float, message: str) -> None:
        # Called inside the import's transaction: a backup from another process must wait, not copy half of it.
        if fraction == 1.0:
            attempts.append(cli(db_path, "backup", str(out), "--wait", "0.3"))

    import_files(fresh_db, [write_csv("extra.csv", SMALL_MEMBER_VOTES)], progress=progress)
    assert len(attempts) == 1 and attempts[0].returncode == 1 and "busy" in attempts[0].stderr
    done = cli(db_path, "backup", str(out))  # after the commit the lock is free again
    assert done.returncode == 0, done.stderr
    assert len(snapshot_of(out)["member_votes"]) == 2


# Three members of Red on one vote, all yes: Red's position is yes and nobody rebels.
THREE_MEMBERS = ("vote_id,date,title,member_id,member_name,party,position\n"
                 "R1,2024-03-01,Roads,a,Ana,Red,yes\nR1,2024-03-01,Roads,b,Ben,Red,yes\n"
                 "R1,2024-03-01,Roads,c,Cai,Red,yes\n")


def test_after_restore_the_members_page_counts_the_restored_votes_not_the_kept_files(db_path, tmp_path, write_csv):
    saved = tmp_path / "saved.duckdb"
    assert cli(db_path, "import", str(write_csv("three.csv", THREE_MEMBERS))).returncode == 0
    assert cli(db_path, "backup", str(saved)).returncode == 0
    # Cai now votes no: Red is still yes (2 to 1), so Cai has 1 rebellion, and the import keeps that beside the db.
    changed = write_csv("changed.csv", THREE_MEMBERS.replace("Cai,Red,yes", "Cai,Red,no"))
    done = cli(db_path, "import", "--replace", str(changed))
    assert done.returncode == 0, done.stderr
    assert list(db_path.parent.glob("*.member-matrix-*.npz"))
    done = cli(db_path, "restore", str(saved))
    assert done.returncode == 0, done.stderr
    con = store.connect(db_path)
    try:
        assert con.execute("select position from member_votes where member_id = 'c'").fetchone() == ("yes",)
        matrix = metrics.member_vote_matrix(con, metrics.Filters(), keep=True)  # as the Members page asks
        stats = metrics.member_stats(con, metrics.Filters(), matrix=matrix)
        assert dict(zip(stats["member_id"], stats["rebellions"], strict=True)) == {"a": 0, "b": 0, "c": 0}
        assert metrics.rebellions(con, metrics.Filters(), matrix=matrix).empty
        assert metrics.rebellions(con, metrics.Filters()).empty  # the SQL path says the same
    finally:
        con.close()


def test_restore_gives_a_version_never_seen_before_and_clears_the_kept_files(db_path, tmp_path, write_csv):
    saved = tmp_path / "saved.duckdb"
    assert cli(db_path, "import", str(write_csv("three.csv", THREE_MEMBERS))).returncode == 0
    assert cli(db_path, "backup", str(saved)).returncode == 0
    seen = []
    for n in range(2):
        changed = write_csv(f"changed_{n}.csv", THREE_MEMBERS.replace("Cai,Red,yes", f"Cai,Red,{('no', 'abstain')[n]}"))
        assert cli(db_path, "import", "--replace", str(changed)).returncode == 0
        with store.Store.open(db_path) as kept:
            seen.append(kept.version)
            kept.sidecar.write_bytes("note.bin", str(kept.version), b"answers this version only")
        assert cli(db_path, "restore", str(saved)).returncode == 0
        with store.Store.open(db_path) as restored:
            assert restored.sidecar.files() == []
            assert restored.version not in seen
            seen.append(restored.version)
    assert len(set(seen)) == 4
