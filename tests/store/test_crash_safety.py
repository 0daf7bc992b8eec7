"""A process killed (SIGKILL) in the middle of an import or a restore leaves a database that opens and holds either
the whole batch or none of it."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tracker import config, store

ENV = {**os.environ, "PYTHONPATH": str(config.PROJECT_DIR)}
ROUNDS = 8
VOTES, MEMBERS, PARTIES = 300, 1000, 7

# The sample (batch 1): 45 votes, 21 parties, 59 party positions, 1 assembly, no member votes.
BEFORE = {"votes": 45, "member_votes": 0, "members": 0, "parties": 21, "party_tallies": 0, "import_batches": 1,
          "audit_log": 1}
# Plus the generated batch: 300 votes x 1,000 members = 300,000 member votes, 1,000 members, 7 new parties, and
# party tallies for 300 votes x 7 parties = 2,100; one more batch and one more audit entry.
FULL = {"votes": 45 + VOTES, "member_votes": VOTES * MEMBERS, "members": MEMBERS, "parties": 21 + PARTIES,
        "party_tallies": VOTES * PARTIES, "import_batches": 2, "audit_log": 2}


def write_roll_calls(path: Path) -> None:
    """300,000 member votes (15 MB): every member on every vote, parties P0..P6 by member number."""
    positions = ("yes", "no", "abstain", "absent")
    with open(path, "w", encoding="utf-8", newline="") as out:
        # seats: the votes go to the sample's only assembly (167 seats), and these chambers have MEMBERS seats.
        out.write("vote_id,date,title,member_id,member_name,party,position,seats\n")
        for v in range(VOTES):
            date = f"2023-{1 + v % 12:02d}-{1 + v % 28:02d}"
            out.writelines(f"B-{v},{date},Bill {v},M{m},Member {m},P{m % PARTIES},{positions[(m * 7 + v) % 4]},"
                           f"{MEMBERS}\n" for m in range(MEMBERS))


def counts(path: Path) -> dict[str, int]:
    """Rows per table, after opening the database as the dashboard would (which replays a left-over WAL)."""
    con = duckdb.connect(str(path))
    try:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in BEFORE}
    finally:
        con.close()


def cli(db: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tracker", "--db", str(db), *args], env=ENV,
                            cwd=config.PROJECT_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.fixture(scope="module")
def sample_file(tmp_path_factory) -> Path:
    """The sample database, closed (a single file, no WAL)."""
    path = tmp_path_factory.mktemp("crash") / "sample.duckdb"
    assert cli(path, "init").wait(timeout=120) == 0
    return path


@pytest.mark.slow
def test_import_killed_at_random_moments_leaves_all_or_nothing(sample_file, tmp_path):
    roll_calls = tmp_path / "roll_calls.csv"
    write_roll_calls(roll_calls)
    con = duckdb.connect(str(sample_file), read_only=True)
    before_snapshot = store.snapshot(con)
    con.close()
    # One uncut run: it ends in the full state, and its length tells where to aim the kills (never asserted).
    uncut = tmp_path / "uncut.duckdb"
    shutil.copyfile(sample_file, uncut)
    started = time.monotonic()
    assert cli(uncut, "import", "--new-parties", str(roll_calls)).wait(timeout=300) == 0
    duration = time.monotonic() - started
    assert counts(uncut) == FULL
    chance = random.Random(20240607)
    # When the import commits, counted from its launch: at most the uncut run's length, and at most the moment of any
    # kill that found the batch already committed. A busy machine can make the uncut run far slower than the rounds,
    # so each such kill moves the aim earlier, and rounds go on (up to twice as many) until one kill has landed
    # before the commit.
    commit_by = duration
    outcomes = []
    for n in range(2 * ROUNDS):
        if n >= ROUNDS and any(k and not full for k, full in outcomes):
            break
        db = tmp_path / f"round_{n}.duckdb"
        shutil.copyfile(sample_file, db)
        process = cli(db, "import", "--new-parties", str(roll_calls))
        launched = time.monotonic()
        # Even rounds: anywhere from start-up to the end; odd rounds: the last third, where rows are written and
        # the transaction commits (and DuckDB checkpoints the WAL into the file).
        low = 0.2 if n % 2 == 0 else 0.65
        aim = launched + commit_by * chance.uniform(low, 1.05)
        while process.poll() is None and time.monotonic() < aim:  # watched, so an early end is seen when it happens
            time.sleep(0.005)
        killed = process.poll() is None
        if killed:
            process.send_signal(signal.SIGKILL)
        elapsed = time.monotonic() - launched
        code = process.wait(timeout=120)
        # 0 after a kill: the import ended between the poll and the signal (the signal then hits a finished process).
        assert code in ((-signal.SIGKILL, 0) if killed else (0,)), process.stderr.read().decode()
        killed = code == -signal.SIGKILL
        found = counts(db)
        assert found in (BEFORE, FULL), f"round {n}: a partial batch {found}"
        if not killed:
            assert found == FULL, f"round {n}: an import that ran to the end left {found}"
        if found == FULL:  # it had committed by now: aim earlier
            commit_by = min(commit_by, elapsed)
        if found == BEFORE:
            con = duckdb.connect(str(db), read_only=True)
            assert store.snapshot(con) == before_snapshot  # not one stray row in any table
            con.close()
        outcomes.append((killed, found == FULL))
    # The database a kill left behind takes the same import afterwards, completely.
    last_killed_empty = next((n for n, (k, full) in enumerate(outcomes) if k and not full), None)
    assert last_killed_empty is not None, f"no kill landed before the commit: {outcomes}"
    db = tmp_path / f"round_{last_killed_empty}.duckdb"
    assert cli(db, "import", "--new-parties", str(roll_calls)).wait(timeout=120) == 0
    assert counts(db) == FULL
    assert sum(k for k, _ in outcomes) >= len(outcomes) // 2, f"most rounds should be killed mid-way: {outcomes}"


@pytest.mark.slow
def test_restore_killed_at_random_moments_leaves_the_old_or_the_new_database(sample_file, tmp_path):
    empty = tmp_path / "empty.duckdb"
    store.connect(empty).close()
    # One uncut run: it ends with the sample restored, and its length tells where to aim the kills (never asserted).
    uncut = tmp_path / "uncut.duckdb"
    shutil.copyfile(empty, uncut)
    started = time.monotonic()
    assert cli(uncut, "restore", str(sample_file)).wait(timeout=120) == 0
    duration = time.monotonic() - started
    assert counts(uncut)["votes"] == 45
    chance = random.Random(99)
    killed_rounds = 0
    for n in range(6):
        db = tmp_path / f"restore_{n}.duckdb"
        shutil.copyfile(empty, db)
        process = cli(db, "restore", str(sample_file))
        time.sleep(duration * chance.uniform(0.3, 1.0))
        killed = process.poll() is None
        if killed:
            process.send_signal(signal.SIGKILL)
        code = process.wait(timeout=120)
        # 0 after a kill: the restore ended between the poll and the signal.
        assert code in ((-signal.SIGKILL, 0) if killed else (0,)), process.stderr.read().decode()
        killed_rounds += code == -signal.SIGKILL
        found = counts(db)
        assert found["votes"] in (0, 45) and found["import_batches"] == found["votes"] // 45, found
        if code == 0:
            assert found["votes"] == 45, f"round {n}: a restore that ran to the end left {found}"
    assert killed_rounds >= 1, "no kill landed while a restore was running"
