"""The write lock, one policy: one writer per process (a re-entrant lock) and per database file (`<db>.lock`)."""

from __future__ import annotations

import fcntl
import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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


def database_file(con) -> Path | None:
    """The file behind a connection (or a Store, or a cursor), or None for an in-memory database."""
    if hasattr(con, "write_lock"):  # a Store: its own file, not the published copy it reads
        return con.path
    row = con.cursor().execute(
        "select path from duckdb_databases() where database_name = current_database()").fetchone()
    return Path(row[0]) if row and row[0] else None


def holder(db_path: str | os.PathLike[str]) -> str:
    """Who holds the write lock of a database, in words (the holder writes its pid and command into the file)."""
    try:
        facts = json.loads(lock_file(Path(db_path).resolve()).read_text() or "{}")
    except (OSError, ValueError):
        facts = {}
    if not facts.get("pid"):
        return "another process"
    since = time.strftime("%H:%M:%S", time.localtime(facts.get("since", time.time())))
    return f"process {facts['pid']} ({facts.get('command') or 'unknown command'}, writing since {since})"


def busy_message(db_path: str | os.PathLike[str], waited: float | None) -> str:
    """What a command says when the write lock stayed taken: who holds it and what to do."""
    waited_text = f" for {waited:g} s" if waited is not None else ""
    return (f"{db_path} is busy with an import or undo: {holder(db_path)} holds its write lock, and it stayed "
            f"busy{waited_text}. Nothing was changed. Wait for that command to finish and run this one again (or "
            "let it wait longer: TRACKER_LOCK_WAIT=600); the dashboards keep showing the last committed data.")


@contextmanager
def hold(db_path: str | os.PathLike[str] | None, timeout: float | None = None) -> Iterator[None]:
    """Hold the write lock for the block (the file's too, unless in memory); wait at most `timeout` seconds."""
    deadline = None if timeout is None else time.monotonic() + timeout
    if not WRITE_LOCK.acquire(timeout=-1 if timeout is None else timeout):
        raise LockTimeout(f"{db_path or 'The database'} is busy with an import or undo in this process (another "
                          "session of this dashboard); nothing was changed. Try again when it has finished.")
    try:
        if db_path is None:
            yield
            return
        key = str(lock_file(Path(db_path).resolve()))
        fd, depth = _held.get(key, (-1, 0))
        if depth == 0:
            fd = _acquire(key, deadline, db_path, timeout)
        _held[key] = (fd, depth + 1)
        try:
            yield
        finally:
            fd, depth = _held[key]
            if depth == 1:
                del _held[key]
                os.ftruncate(fd, 0)
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)
            else:
                _held[key] = (fd, depth - 1)
    finally:
        WRITE_LOCK.release()


def held_here(db_path: str | os.PathLike[str]) -> bool:
    """True when this process holds the file lock of the database (whichever thread took it)."""
    return str(lock_file(Path(db_path).resolve())) in _held


def _acquire(key: str, deadline: float | None, db_path: str | os.PathLike[str], timeout: float | None) -> int:
    """Open the lock file, take an exclusive flock on it (polling until the deadline), and sign it."""
    fd = os.open(key, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if deadline is None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        else:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise LockTimeout(busy_message(db_path, timeout)) from None
                    time.sleep(0.05)
        signature = {"pid": os.getpid(), "command": _command_line()[:200], "since": time.time()}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(signature).encode(), 0)
        return fd
    except BaseException:
        os.close(fd)
        raise


def _command_line() -> str:
    """This process's command as a person typed it: `python -m tracker import x.csv`, `streamlit run app.py`."""
    words = ["python -m tracker" if a.endswith(os.path.join("tracker", "__main__.py")) else a for a in sys.argv]
    if words and not words[0].startswith("python -m"):
        words[0] = os.path.basename(words[0])
    return " ".join(words)


def is_busy(db_path: str | os.PathLike[str]) -> bool:
    """True while some process (this one included) holds the database's write lock; never waits."""
    path = lock_file(Path(db_path).resolve())
    if str(path) in _held:
        return True
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


@contextmanager
def writing(con, timeout: float | None = None) -> Iterator[None]:
    """Hold the write lock of the database behind a connection or Store (the process's alone in memory)."""
    if hasattr(con, "write_lock"):  # a Store: it opens its writer and publishes what was committed
        with con.write_lock(timeout):
            yield
        return
    with hold(database_file(con), timeout):
        yield

