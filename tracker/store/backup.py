"""Backup and restore of the database file, safe while the dashboard runs: `python -m tracker backup|restore`."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tracker import store
from tracker.store.engine import duckdb
from tracker.store.files import fsync, fsync_directory

# A backup must hold these tables to be restored over the live database.
REQUIRED_TABLES = ("import_batches", "audit_log", "votes", "party_positions", "member_votes", "parties")
COPY_ATTEMPTS = 5


class BackupError(Exception):
    """A backup or restore was refused; the message says why and what to do. Nothing was changed."""


@dataclass(frozen=True)
class BackupResult:
    """A finished backup: where it is, its checksum and how many rows of each table it holds."""

    path: Path
    sha256: str
    size: int
    counts: dict[str, int]

    def text(self) -> str:
        """The result as a line a person reads."""
        rows = ", ".join(f"{n:,} {table}" for table, n in self.counts.items())
        return f"Wrote {self.path} ({self.size / 2**20:,.1f} MB, sha256 {self.sha256}): {rows}."


def wal_file(db_path: str | os.PathLike[str]) -> Path:
    """The write-ahead log that belongs to a database file."""
    return Path(str(db_path) + ".wal")


def backup(db_path: str | os.PathLike[str], target: str | os.PathLike[str], wait: float = 60.0,
           force: bool = False) -> BackupResult:
    """Write a consistent single-file copy of the database, also while another process has it open."""
    db_path, target = Path(db_path), Path(target)
    if not db_path.is_file():
        raise BackupError(f"There is no database at {db_path}. Check --db or TRACKER_DB.")
    if target.resolve() in (db_path.resolve(), wal_file(db_path).resolve()):
        raise BackupError(f"The backup cannot overwrite the database itself ({target}). Choose another file name.")
    if target.exists() and not force:
        raise BackupError(f"{target} exists already. Choose another file name, or add --force to overwrite it.")
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".backup-", dir=target.parent))
    try:
        copy = work / "copy.duckdb"
        _copy_files(db_path, copy, wait)
        # Opening the copy replays its WAL; the checkpoint folds it into one self-contained file.
        counts = _check_database(copy, f"The copy of {db_path}", read_only=False, checkpoint=True)
        fsync(copy)
        os.replace(copy, target)
        fsync_directory(target.parent)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return BackupResult(target, _sha256(target), target.stat().st_size, counts)


def _copy_files(db_path: Path, copy: Path, wait: float) -> None:
    """Copy the database and its WAL while holding the write lock, until a copy is taken with neither changing."""
    wal = wal_file(db_path)
    for _ in range(COPY_ATTEMPTS):
        # Writers (import, undo, schema) hold the lock for their whole transaction, so between them the file and
        # its WAL are a committed state. A checkpoint on close or on open happens outside the lock: the stat
        # comparison catches it, and the copy is taken again.
        with store.hold(db_path, timeout=wait):
            before = _stats(db_path, wal)
            try:
                shutil.copyfile(db_path, copy)
                if wal.exists():
                    shutil.copyfile(wal, wal_file(copy))
            except FileNotFoundError:
                pass  # the WAL was checkpointed away while we copied: take the copy again
            else:
                if _stats(db_path, wal) == before:
                    return
        wal_file(copy).unlink(missing_ok=True)
        time.sleep(0.2)
    raise BackupError(f"{db_path} kept changing while it was copied ({COPY_ATTEMPTS} attempts). "
                      "Run the backup again in a moment.")


def _stats(*paths: Path) -> tuple:
    """Size and modification time of each file (None when absent), to notice a change during a copy."""
    result = []
    for path in paths:
        try:
            stat = path.stat()
            result.append((stat.st_size, stat.st_mtime_ns, stat.st_ino))
        except FileNotFoundError:
            result.append(None)
    return tuple(result)


def _check_database(path: Path, what: str, read_only: bool, checkpoint: bool = False) -> dict[str, int]:
    """Open a database file, check it holds the tracker's tables, and count their rows."""
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as error:
        raise BackupError(f"{what} is not a DuckDB database that opens ({_first_line(error)}). "
                          "Choose a file written by `python -m tracker backup`.") from None
    try:
        tables = {r[0] for r in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'main'").fetchall()}
        missing = [t for t in REQUIRED_TABLES if t not in tables]
        if missing:
            raise BackupError(f"{what} is a DuckDB database but not a vote tracker database (it lacks the tables "
                              f"{', '.join(missing)}). Choose a file written by `python -m tracker backup`.")
        counts = {t: int(con.execute(f"select count(*) from {t}").fetchone()[0]) for t in REQUIRED_TABLES}
        if checkpoint:
            con.execute("checkpoint")
        return counts
    finally:
        con.close()


def restore(db_path: str | os.PathLike[str], backup_file: str | os.PathLike[str]) -> str:
    """Replace the database with a backup, keeping the current file as `<db>.before-restore`; says what it did."""
    db_path, backup_file = Path(db_path), Path(backup_file)
    if not backup_file.is_file():
        raise BackupError(f"There is no backup file {backup_file}.")
    if backup_file.resolve() == db_path.resolve():
        raise BackupError(f"{backup_file} is the database itself. Choose a backup file.")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    staged = db_path.with_name(f".{db_path.name}.restore-{os.getpid()}")
    kept = Path(str(db_path) + ".before-restore")
    try:
        shutil.copyfile(backup_file, staged)
        counts = _check_database(staged, f"The backup {backup_file}", read_only=False, checkpoint=True)
        _renew_generation(staged)
        fsync(staged)
        with store.hold(db_path, timeout=10):
            if db_path.exists():
                _close_cleanly(db_path)
                kept.unlink(missing_ok=True)
                os.link(db_path, kept)  # the current database stays reachable under the new name
                if wal_file(db_path).exists():
                    os.replace(wal_file(db_path), wal_file(kept))
            os.replace(staged, db_path)
            fsync_directory(db_path.parent)
            # The files kept beside the database answered the one just replaced.
            store.Sidecar(db_path).clear()
            # Logged (and published to the dashboards) before the lock goes: no other write comes in between.
            con = store.connect(db_path)
            try:
                previous = f"; the previous database is kept as {kept}" if kept.exists() else ""
                with con.transaction() as cursor:
                    store.log(cursor, "restore", None, backup_file.name, _sha256(backup_file), False,
                              f"restored from {backup_file}{previous}")
            finally:
                con.close()
    finally:
        staged.unlink(missing_ok=True)
        wal_file(staged).unlink(missing_ok=True)
    rows = ", ".join(f"{n:,} {t}" for t, n in counts.items() if t in ("votes", "member_votes", "import_batches"))
    return f"Restored {db_path} from {backup_file} ({rows}){previous}."


def _renew_generation(path: Path) -> None:
    """Give the copy to restore a new generation, so no version of the replaced database (or its past) returns."""
    con = duckdb.connect(str(path))
    try:
        store.renew_generation(con)
        con.execute("checkpoint")
    finally:
        con.close()


def _close_cleanly(db_path: Path) -> None:
    """Open and checkpoint the database so it is one self-contained file, or refuse if another process has it."""
    try:
        con = duckdb.connect(str(db_path))
    except duckdb.IOException as error:
        if "lock" in str(error).lower():
            raise BackupError(f"{db_path} is open in another process (the dashboard or another command): "
                              "stop it, then run restore again. Nothing was changed.") from None
        raise BackupError(f"{db_path} could not be opened ({_first_line(error)}). Nothing was changed.") from None
    except duckdb.Error as error:
        raise BackupError(f"{db_path} could not be opened ({_first_line(error)}). Nothing was changed.") from None
    try:
        con.execute("checkpoint")
    finally:
        con.close()


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()
