"""The cross-process write lock: a `<db>.lock` file that writers hold for a whole transaction and backups for a copy."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

# flock locks belong to an open file, not a thread: threads of one process share the lock through this table
# (guarded by an RLock, so a thread that holds it may take it again, e.g. a backup inside an import).
_PROCESS_LOCK = threading.RLock()
_held: dict[str, tuple[int, int]] = {}  # lock file -> (file descriptor, depth)


class LockTimeout(Exception):
    """The database stayed busy (an import or undo in another process) for longer than we were willing to wait."""


def lock_file(db_path: str | os.PathLike[str]) -> Path:
    """The lock file that belongs to a database file."""
    return Path(str(db_path) + ".lock")


def database_file(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The file behind a connection, or None for an in-memory database."""
    row = con.cursor().execute(
        "select path from duckdb_databases() where database_name = current_database()").fetchone()
    return Path(row[0]) if row and row[0] else None


@contextmanager
def hold(db_path: str | os.PathLike[str] | None, timeout: float | None = None) -> Iterator[None]:
    """Hold the database's write lock for the block; wait at most `timeout` seconds (None: as long as it takes)."""
    if db_path is None:
        yield
        return
    key = str(lock_file(Path(db_path).resolve()))
    deadline = None if timeout is None else time.monotonic() + timeout
    if not _PROCESS_LOCK.acquire(timeout=-1 if timeout is None else timeout):
        raise LockTimeout(f"{db_path} is busy with an import or undo in this process; try again in a moment.")
    try:
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
        _PROCESS_LOCK.release()


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
def writing(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Hold the write lock of the database behind a connection (nothing for an in-memory one)."""
    with hold(database_file(con)):
        yield
