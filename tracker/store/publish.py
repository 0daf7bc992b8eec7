"""Published copies: readers open an immutable copy of the database that a writer replaces after each commit.

DuckDB lets one process open a file read-write or many open it read-only, and a read-only opener blocks a writer
in another process. So no reader ever opens the database file itself: the writer (holding the write lock) closes
it after a commit, copies it to `<db>.published-<n>.duckdb` and swaps the small pointer file `<db>.published`
atomically. A reader opens the newest copy read-only, holding a shared flock on it; a copy no reader holds any
more is removed by whoever comes next.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from tracker.store.engine import duckdb
from tracker.store.files import fsync, fsync_directory, glob_escape
from tracker.store.sidecar import Sidecar


class DatabaseDamaged(Exception):
    """The database file cannot be read as a DuckDB database; the message names the file, the problem and the fix."""


class DatabaseBusy(Exception):
    """Another process has the database open and the command would replace the file under it; nothing changed."""


@dataclass(frozen=True)
class Pointer:
    """What the pointer file says: the newest copy, its number, the database file it was made from and when."""

    seq: int
    copy: str
    source: tuple
    published_at: float


def pointer_file(db_path: Path) -> Path:
    """The small file naming the newest published copy."""
    return db_path.with_name(db_path.name + ".published")


def pointer_stamp(db_path: Path) -> tuple | None:
    """A cheap fingerprint of the pointer file (one stat): it changes with every publish."""
    try:
        stat = os.stat(pointer_file(db_path))
    except FileNotFoundError:
        return None
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


def read_pointer(db_path: Path) -> Pointer | None:
    """The pointer file's content, or None when nothing was published yet."""
    try:
        facts = json.loads(pointer_file(db_path).read_text())
        return Pointer(int(facts["seq"]), str(facts["copy"]), tuple(facts["source"]), float(facts["at"]))
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return None


def source_stamp(db_path: Path) -> tuple:
    """Size, modification time and inode of the database file and its WAL: what a copy was made from."""
    result = []
    for path in (db_path, Path(str(db_path) + ".wal")):
        try:
            stat = os.stat(path)
            result.append([stat.st_size, stat.st_mtime_ns, stat.st_ino])
        except FileNotFoundError:
            result.append(None)
    return tuple(tuple(r) if r else None for r in result)


def publish(db_path: Path) -> Pointer:
    """Copy the database (closed, the write lock held by the caller) to a new published copy and point to it."""
    wal = Path(str(db_path) + ".wal")
    if wal.exists():  # a writer killed after its commit: opening and closing folds its WAL into the file
        duckdb.connect(str(db_path)).close()
    current = read_pointer(db_path)
    source = source_stamp(db_path)
    if current is not None and tuple(map(_as_tuple, current.source)) == source \
            and db_path.with_name(current.copy).exists():
        return current  # nothing was committed since the last copy (a dry run, a refused upload)
    seq = (current.seq if current else 0) + 1
    name = f"{db_path.name}.published-{seq:06d}.duckdb"
    staged = db_path.with_name(f".{db_path.name}.publishing-{os.getpid()}")
    try:
        shutil.copyfile(db_path, staged)
        fsync(staged)
        os.replace(staged, db_path.with_name(name))
    finally:
        staged.unlink(missing_ok=True)
    pointer = Pointer(seq, name, source, time.time())
    staged_pointer = db_path.with_name(f".{db_path.name}.pointer-{os.getpid()}")
    staged_pointer.write_text(json.dumps({"seq": seq, "copy": name, "source": source, "at": pointer.published_at}))
    os.replace(staged_pointer, pointer_file(db_path))  # readers see the old copy or the new one, never half of one
    fsync_directory(db_path.parent)
    remove_unused(db_path, below=seq)
    return pointer


def _as_tuple(value: object) -> tuple | None:
    return tuple(value) if value is not None else None


@dataclass
class Reader:
    """A read-only connection to one published copy, the flock that marks the copy in use, and when it was left."""

    connection: duckdb.DuckDBPyConnection
    fd: int
    seq: int
    stamp: tuple | None
    left_at: float | None = None
    version: object = None   # the copy's Version, read once: a published copy never changes

    def close(self) -> None:
        """Close the connection and let the copy go."""
        try:
            self.connection.close()
        finally:
            os.close(self.fd)


def open_newest(db_path: Path) -> Reader | None:
    """A reader of the newest published copy (None when nothing is published); retries if a copy goes meanwhile."""
    for _ in range(50):
        stamp = pointer_stamp(db_path)
        pointer = read_pointer(db_path)
        if pointer is None:
            return None
        copy = db_path.with_name(pointer.copy)
        try:
            fd = os.open(copy, os.O_RDONLY)
        except FileNotFoundError:
            time.sleep(0.01)
            continue
        fcntl.flock(fd, fcntl.LOCK_SH)
        if os.fstat(fd).st_nlink == 0:  # removed between reading the pointer and locking it: take the newer one
            os.close(fd)
            continue
        try:
            connection = attach_read_only(copy, catalog_name(db_path))
        except duckdb.Error as error:
            os.close(fd)
            raise damaged(db_path, error) from None
        except BaseException:
            os.close(fd)
            raise
        return Reader(connection, fd, pointer.seq, stamp)
    raise DatabaseDamaged(f"The published copies of {db_path} kept disappearing while being opened. "
                          "Check that no program deletes files in its folder, then reload.")


def attach_read_only(copy: Path, catalog: str) -> duckdb.DuckDBPyConnection:
    """A connection whose one database is the copy, attached read-only under the database file's own name.

    Attached rather than opened read-only: the connection stays free to attach files of its own read-write (the
    database download); the in-memory database it starts with is detached so every cursor reads the copy.
    """
    connection = duckdb.connect(":memory:")
    try:
        quoted, name = str(copy).replace("'", "''"), catalog.replace('"', '""')
        connection.execute(f"attach '{quoted}' as \"{name}\" (read_only)")  # ATTACH takes no bound parameters
        connection.execute(f'use "{name}"')
        connection.execute("detach memory")
    except BaseException:
        connection.close()
        raise
    return connection


def catalog_name(db_path: Path) -> str:
    """The name a reader gives its copy: the database file's stem, as the writer's connection calls it."""
    stem = db_path.name.split(".")[0] or "published"
    return "published" if stem.lower() in ("memory", "system", "temp", "main") else stem


_COPY = re.compile(r"\.published-(\d{6,})\.duckdb$")


def copies(db_path: Path) -> list[Path]:
    """Every published copy of the database on disk, oldest first."""
    prefix = db_path.name + ".published-"
    found = [p for p in db_path.parent.glob(f"{glob_escape(prefix)}*.duckdb") if _COPY.search(p.name)]
    return sorted(found, key=lambda p: int(_COPY.search(p.name).group(1)))


def remove_unused(db_path: Path, below: int) -> int:
    """Remove the published copies older than `below` that no reader holds; returns how many were removed."""
    removed = 0
    for copy in copies(db_path):
        if int(_COPY.search(copy.name).group(1)) >= below:
            continue
        try:
            fd = os.open(copy, os.O_RDONLY)
        except FileNotFoundError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue  # a reader still uses it: a later commit removes it
        try:
            copy.unlink(missing_ok=True)
            Path(str(copy) + ".wal").unlink(missing_ok=True)
            shutil.rmtree(Path(str(copy) + ".tmp"), ignore_errors=True)
            removed += 1
        finally:
            os.close(fd)
    return removed


def readers_of(db_path: Path) -> list[str]:
    """The processes that have a published copy open, as 'pid N (command)'; empty when none does."""
    busy = []
    for copy in copies(db_path):
        try:
            fd = os.open(copy, os.O_RDONLY)
        except FileNotFoundError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            busy.append(os.stat(copy).st_ino)
        finally:
            os.close(fd)
    if not busy:
        return []
    return _lock_holders(set(busy)) or ["another process"]


def _lock_holders(inodes: set[int]) -> list[str]:
    """Processes holding a lock on any of these inodes, from /proc/locks (Linux), with their command lines."""
    pids = set()
    try:
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return []
    for line in lines:
        parts = line.split()
        if len(parts) >= 6 and parts[1] == "FLOCK" and parts[4].isdigit():
            if int(parts[5].rsplit(":", 1)[-1]) in inodes and int(parts[4]) != os.getpid():
                pids.add(int(parts[4]))
    described = []
    for pid in sorted(pids):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            command = "unknown command"
        described.append(f"pid {pid} ({command.strip()[:120]})")
    return described


def damaged(db_path: Path, error: Exception) -> DatabaseDamaged:
    """The message for a database file DuckDB cannot read: what is wrong, and what to do."""
    detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return DatabaseDamaged(
        f"{db_path} cannot be read as a vote tracker database: {detail}. The file is damaged or is not a DuckDB "
        "database. Restore the last backup with `python -m tracker restore BACKUP_FILE`, or move the file aside "
        "and run `python -m tracker init` to start from the sample data.")


def refuse_while_open(db_path: Path) -> None:
    """Raise DatabaseBusy, naming the processes, when any process reads the database or holds its file open."""
    readers = readers_of(db_path)
    if readers:
        raise DatabaseBusy(
            f"{db_path} is open in {', '.join(readers)}. Replacing it now would pull the data from under that "
            "process (a dashboard or a command). Stop it first, then run this again; nothing was changed. To go "
            "back to an earlier state while it runs, use `python -m tracker undo BATCH` or `restore BACKUP_FILE`.")
    try:
        duckdb.connect(str(db_path)).close()
    except duckdb.IOException as error:
        if "lock" in str(error).lower():
            raise DatabaseBusy(f"{db_path} is held open by another program ({str(error).splitlines()[0]}). "
                               "Close it, then run this again; nothing was changed.") from None
    except duckdb.Error:
        pass  # a damaged file: replacing it is what the user asked for


def remove_database(db_path: Path) -> None:
    """Delete the database file, its WAL, its published copies and kept files (the caller holds the lock)."""
    Sidecar(db_path).clear()
    for copy in copies(db_path):
        copy.unlink(missing_ok=True)
        shutil.rmtree(Path(str(copy) + ".tmp"), ignore_errors=True)
    for path in (db_path, Path(str(db_path) + ".wal"), pointer_file(db_path)):
        path.unlink(missing_ok=True)
