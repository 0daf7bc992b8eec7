"""Many processes on one database: the CLI while a dashboard reads it, readers and writers killed mid-way."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import textwrap
import time

import duckdb
import pytest

from tests.store.processes import ENV, cli, free_port, member_file, start_dashboard, stop, tally_file
from tracker import config, store

READER = textwrap.dedent("""
    import sys, time
    from tracker import store
    db = store.connect(sys.argv[1], read_only=True)
    while True:
        db.refresh()
        print(db.one("select count(*) from votes")[0], db.one("select count(*) from member_votes")[0], flush=True)
        time.sleep(0.05)
""")


def reader(db) -> subprocess.Popen:
    """A process reading the database in a loop, as a dashboard does, printing the counts it sees."""
    return subprocess.Popen([sys.executable, "-c", READER, str(db)], stdout=subprocess.PIPE, text=True, env=ENV,
                            cwd=config.PROJECT_DIR)


def test_every_cli_command_works_while_a_dashboard_has_the_database_open(tmp_path):
    db = tmp_path / "tracker.duckdb"
    assert cli(db, "init").returncode == 0
    dashboard = start_dashboard(db, free_port(), tmp_path / "dashboard.log")
    holder = reader(db)  # the dashboard opens its Store on a session's first page: this one has it open already
    try:
        assert holder.stdout.readline().split() == ["45", "0"]
        done = cli(db, "import", str(tally_file(tmp_path, 1)))
        assert done.returncode == 0, done.stderr
        for command in (["batches"], ["export", "votes"], ["export", "cohesion"], ["undo", "2"], ["batches"]):
            done = cli(db, *command)
            assert done.returncode == 0, (command, done.stderr)
            assert "Traceback" not in done.stderr
        assert [line.split()[0] for line in done.stdout.splitlines()[1:]] == ["1"]  # batch 2 is gone
        deadline = time.monotonic() + 5
        while holder.stdout.readline().split() != ["45", "0"] and time.monotonic() < deadline:
            pass  # the reader saw the import, then the undo
        assert dashboard.poll() is None and holder.poll() is None
    finally:
        stop(holder)
        stop(dashboard)


def test_a_write_that_cannot_get_the_lock_names_its_holder_and_says_what_to_do(tmp_path):
    db = tmp_path / "tracker.duckdb"
    assert cli(db, "init").returncode == 0
    with store.hold(db):
        done = subprocess.run([sys.executable, "-m", "tracker", "--db", str(db), "undo", "1"], capture_output=True,
                              text=True, env={**ENV, "TRACKER_LOCK_WAIT": "0.5"}, cwd=config.PROJECT_DIR, timeout=60)
        read = cli(db, "batches")  # a read never waits for the writer
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "busy with an import or undo" in done.stderr and f"process {__import__('os').getpid()}" in done.stderr
    assert "run this one again" in done.stderr
    assert read.returncode == 0 and read.stdout.strip()


def test_init_force_refuses_while_a_process_reads_the_database(tmp_path):
    db = tmp_path / "tracker.duckdb"
    assert cli(db, "init").returncode == 0
    assert cli(db, "import", str(tally_file(tmp_path, 1))).returncode == 0
    holder = reader(db)
    try:
        holder.stdout.readline()
        done = cli(db, "init", "--force")
    finally:
        stop(holder)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"pid {holder.pid}" in done.stderr and "Stop it first" in done.stderr
    assert "2" in cli(db, "batches").stdout  # nothing was lost
    assert cli(db, "init", "--force").returncode == 0  # nobody reads it now


def test_a_damaged_database_gets_a_message_that_names_the_problem(tmp_path):
    db = tmp_path / "tracker.duckdb"
    db.write_bytes(b"this is not a database" * 1000)
    done = cli(db, "batches")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "cannot be read as a vote tracker database" in done.stderr and "not a valid DuckDB" in done.stderr
    assert "python -m tracker restore" in done.stderr


@pytest.mark.slow
def test_readers_and_a_writer_killed_at_random_moments_leave_the_database_whole(tmp_path):
    db = tmp_path / "tracker.duckdb"
    assert cli(db, "init").returncode == 0
    big = member_file(tmp_path, 1, member_votes=200_000)
    survivor = reader(db)
    chance = random.Random(13)
    try:
        survivor.stdout.readline()
        for _ in range(4):  # readers killed at random moments while a survivor keeps reading
            victim = reader(db)
            time.sleep(chance.uniform(0.1, 1.5))
            victim.send_signal(signal.SIGKILL)
            victim.wait(timeout=30)
        probe = tmp_path / "probe.duckdb"  # how long a whole import takes here, so the kills land inside one
        assert cli(probe, "init").returncode == 0
        started = time.monotonic()
        assert cli(probe, "import", str(big)).returncode == 0
        whole = time.monotonic() - started
        killed = 0
        for _ in range(3):  # a writer killed mid-import
            writer = subprocess.Popen([sys.executable, "-m", "tracker", "--db", str(db), "import", str(big)],
                                      env=ENV, cwd=config.PROJECT_DIR, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
            time.sleep(chance.uniform(0.4, 0.9) * whole)
            if writer.poll() is None:
                writer.send_signal(signal.SIGKILL)
                killed += 1
            writer.wait(timeout=120)
            counts = cli(db, "export", "member-votes", "--format", "csv")
            assert counts.returncode == 0, counts.stderr
            rows = len(counts.stdout.splitlines()) - 1
            assert rows in (0, 200_000), f"a partial batch: {rows} member votes"
            if rows:
                break
        assert killed >= 1
        assert survivor.poll() is None  # still serving
        seen = survivor.stdout.readline().split()
        assert seen[0] in ("45", str(45 + 1250)) and seen[1] in ("0", "200000")
        done = cli(db, "import", str(big))  # a kill left nothing that stops the same import afterwards
        assert done.returncode == 0, done.stderr
        con = duckdb.connect(str(db), read_only=True)
        assert con.execute("select count(*) from member_votes").fetchone() == (200_000,)
        con.close()
    finally:
        stop(survivor)
