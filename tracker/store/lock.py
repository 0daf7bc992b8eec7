"""The write lock, one policy: one writer per process (a re-entrant lock) and per database file (`<db>.lock`)."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

# DuckDB lets one process write at a time, with optimistic conflicts between transactions: imports, undos and
# backups are serialised so two uploads never race on the same rows (readers are never blocked). flock locks belong
# to an open file, not a thread, so the threads of one process share each file's lock through this table, guarded
# by this re-entrant lock (a thread that holds it may take it again, e.g. a backup inside an import).
WRITE_LOCK = threading.RLock()
_held: dict[str, tuple[int, int]] = {}  # lock file -> (file descriptor, depth)


class LockTimeout(Exception):
    """The database stayed busy (an import or undo in another process) for longer than we were willing to wait."""


def lock_file(db_path: str | os.PathLike[str]) -> Path:
    """The lock file that belongs to a database file."""
    return Path(str(db_path) + ".lock")


def database_file(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The file behind a connection (or a Store, or a cursor), or None for an in-memory database."""
    row = con.cursor().execute(
        "select path from duckdb_databases() where database_name = current_database()").fetchone()
    return Path(row[0]) if row and row[0] else None


@contextmanager
def hold(db_path: str | os.PathLike[str] | None, timeout: float | None = None) -> Iterator[None]:
    """Hold the write lock for the block (the file's too, unless in memory); wait at most `timeout` seconds."""
    deadline = None if timeout is None else time.monotonic() + timeout
    if not WRITE_LOCK.acquire(timeout=-1 if timeout is None else timeout):
        raise LockTimeout(f"{db_path or 'The database'} is busy with an import or undo in this process; "
                          "try again in a moment.")
    try:
        if db_path is None:
            yield
            return
        key = str(lock_file(Path(db_path).resolve()))
        fd, depth = _held.get(key, (-1, 0))
        if depth == 0:
            fd = _acquire(key, deadline, db_path)
        _held[key] = (fd, depth + 1)
        try:
            yield
        finally:
            fd, depth = _held[key]
            if depth == 1:
                del _held[key]
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)
            else:
                _held[key] = (fd, depth - 1)
    finally:
        WRITE_LOCK.release()


def _acquire(key: str, deadline: float | None, db_path: str | os.PathLike[str]) -> int:
    """Open the lock file and take an exclusive flock on it, polling until the deadline."""
    fd = os.open(key, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if deadline is None:
            fcntl.flock(fd, fcntl.LOCK_EX)
            return fd
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(f"{db_path} stayed busy with an import or undo in another process; "
                                      "try again when it has finished.") from None
                time.sleep(0.05)
    except BaseException:
        os.close(fd)
        raise


@contextmanager
def writing(con: duckdb.DuckDBPyConnection, timeout: float | None = None) -> Iterator[None]:
    """Hold the write lock of the database behind a connection (the process's alone for an in-memory one)."""
    with hold(database_file(con), timeout):
        yield
