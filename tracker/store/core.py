"""The Store: the one owner of a database file's connections, its write lock, version and sidecar files."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from tracker import config
from tracker.store import publish
from tracker.store.engine import duckdb
from tracker.store.lock import LockTimeout, database_file, hold
from tracker.store.schema import create_schema, import_memory_limit, open_connection, transaction
from tracker.store.sidecar import Sidecar
from tracker.store.state import Version, database_version

if TYPE_CHECKING:
    import pandas as pd  # only read() returns a DataFrame, and DuckDB imports pandas for it

# A reader left behind by a newer copy is closed this long after (a query that started on it may still run).
OLD_READER_GRACE = 60.0
_WRITES = {"INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER", "CREATE_FUNC", "MERGE_INTO", "COPY_DATABASE"}


class StoreClosed(RuntimeError):
    """The Store was used after close()."""


class ReadOnlyStore(RuntimeError):
    """A write was asked of a Store opened read-only."""


class Store:
    """One database file (or an in-memory database) and the connections this process reads and writes it through.

    A file's readers never open the file itself: they read the newest published copy (read-only, switched to
    within one stat of a commit), so any process may write meanwhile. A write opens the file read-write under the
    one write lock, and on releasing it the Store closes the file and publishes a new copy. Thread policy: every
    read runs on a cursor of its own; the thread holding the write lock gets cursors of the writer.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, read_only: bool = False, *,
                 connection: duckdb.DuckDBPyConnection | None = None, lock_timeout: float | None = None):
        self.read_only, self._closed = read_only, False
        self.lock_timeout = config.lock_wait() if lock_timeout is None else lock_timeout
        self._readers: list[publish.Reader] = []
        self._writer: duckdb.DuckDBPyConnection | None = None
        self._writer_thread: int | None = None
        self._depth, self._schema_checked = 0, False
        self._guard = threading.RLock()
        if connection is not None:
            self._connection, self._owned = connection, False
            self.path = database_file(connection)
        else:
            self.path = Path(path) if path is not None else None
            if read_only and self.path is None:
                raise ValueError("An in-memory database cannot be opened read-only: it would have no tables.")
            self._connection, self._owned = (open_connection(":memory:"), True) if self.path is None else (None, True)
        self.sidecar = Sidecar(self.path)
        if self._connection is None:
            self._open_published()

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None, read_only: bool = False) -> Store:
        """Open (and, when new and writable, create) the database file; None for an in-memory database."""
        return cls(path, read_only=read_only)

    @classmethod
    def over(cls, connection: duckdb.DuckDBPyConnection) -> Store:
        """A Store around a connection someone else opened (and will close): it reads and writes through it."""
        return cls(connection=connection)

    def __repr__(self) -> str:
        mode = " read-only" if self.read_only else ""
        return f"<Store {self.path or ':memory:'}{mode}{' closed' if self._closed else ''}>"

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def publishes(self) -> bool:
        """True for a file opened by path: readers use published copies, writes open the file itself."""
        return self._connection is None

    @property
    def connection(self):
        """What code written for a bare connection may use: the connection itself, or for a file the Store."""
        self._check_open()
        return self if self.publishes else self._connection

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor of its own (the writer's inside the write lock, else the newest copy's); close it when done."""
        self._check_open()
        if not self.publishes:
            return self._connection.cursor()
        if self._writer_thread == threading.get_ident():
            return self._open_writer().cursor()
        return self._reader().connection.cursor()

    def execute(self, sql: str, parameters: dict | list | None = None) -> duckdb.DuckDBPyConnection:
        """Run one statement on a cursor of its own and return it; a write outside a transaction commits on its own."""
        if self.publishes and self._writer_thread != threading.get_ident() and _writes(sql):
            with self.write_lock():
                cursor = self.cursor()
                rows = cursor.execute(sql, parameters).fetchall()
                cursor.close()
            count = rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else None
            return self.cursor().execute("select $count as count", {"count": count})
        return self.cursor().execute(sql, parameters)

    def read(self, sql: str, **params: object) -> pd.DataFrame:
        """The rows of a query with named parameters ($name) as a DataFrame."""
        cursor = self.cursor()
        try:
            return cursor.execute(sql, params).df()
        finally:
            cursor.close()

    def one(self, sql: str, **params: object) -> tuple | None:
        """The first row of a query with named parameters, or None when there is none."""
        cursor = self.cursor()
        try:
            return cursor.execute(sql, params).fetchone()
        finally:
            cursor.close()

    @contextmanager
    def write_lock(self, timeout: float | None = None) -> Iterator[None]:
        """Hold the one write lock (this process's and `<db>.lock`); LockTimeout, naming the holder, after a wait."""
        timeout = self.lock_timeout if timeout is None else timeout
        if not self.publishes:
            with hold(self.path, timeout):
                yield
            return
        if self.read_only:
            raise ReadOnlyStore(f"{self.path} was opened read-only; open it for writing to change it.")
        with hold(self.path, timeout):
            me = threading.get_ident()
            self._writer_thread, self._depth = me, self._depth + 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._writer_thread = None
                    self._finish_write()

    @contextmanager
    def transaction(self, timeout: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor inside one transaction holding the write lock: committed at the end, rolled back on error."""
        if self.read_only:
            raise ReadOnlyStore(f"{self.path} was opened read-only; open it for writing to change it.")
        with self.write_lock(timeout), transaction(self.connection) as cursor:
            yield cursor

    @property
    def version(self) -> Version:
        """Changes with every import, undo and restore, and never repeats (restore renews the generation)."""
        if self.publishes and self._writer_thread != threading.get_ident():
            # A published copy never changes, so its version is read once (pages ask for it on every read).
            reader = self._reader()
            if reader.version is None:
                reader.version = database_version(reader.connection)
            return reader.version
        return database_version(self)

    def refresh(self) -> bool:
        """Switch to the newest published copy if there is one (one stat); True when the data changed."""
        if not self.publishes:
            return False
        before = self._readers[-1].seq if self._readers else None
        return self._reader().seq != before

    @property
    def published_at(self) -> float | None:
        """When the copy this Store reads was published (seconds since the epoch), None in memory."""
        if not self.publishes:
            return None
        pointer = publish.read_pointer(self.path)
        return pointer.published_at if pointer else None

    def close(self) -> None:
        """Close the connections (unless someone else owns them); idempotent."""
        with self._guard:
            if self._closed:
                return
            self._closed = True
            if not self._owned:
                return
            if self._connection is not None:
                self._connection.close()
            if self._writer is not None:
                self._writer.close()
                self._writer = None
            for reader in self._readers:
                reader.close()
            self._readers.clear()

    # --- the file behind: published copies, the writer -----------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise StoreClosed(f"The store of {self.path or 'an in-memory database'} has been closed.")

    def _open_published(self) -> None:
        """Open the newest copy, publishing one first when the file is new or was never published."""
        if not self.path.exists() and self.read_only:
            raise FileNotFoundError(f"There is no database at {self.path}. Check --db or TRACKER_DB, or run "
                                    "`python -m tracker init`.")
        if publish.read_pointer(self.path) is None or not self.path.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with hold(self.path, self.lock_timeout):  # a reader too: publishing changes no data
                if publish.read_pointer(self.path) is None or not self.path.exists():
                    self._write_schema_and_publish()
        elif not self.read_only:
            # A writer brings an older schema up to date and publishes a commit whose writer was killed before
            # publishing it; when another process is writing right now, that one does it.
            try:
                with hold(self.path, 0):
                    self._write_schema_and_publish()
            except (LockTimeout, publish.DatabaseBusy):
                pass  # its first write says so if the file stays held
        reader = publish.open_newest(self.path)
        if reader is None:
            raise publish.DatabaseDamaged(f"{self.path} has no published copy although one was just written. "
                                          "Check the folder's permissions and free space.")
        self._readers.append(reader)

    def _write_schema_and_publish(self) -> None:
        try:
            con = open_connection(self.path)
        except duckdb.IOException as error:
            if "lock" in str(error).lower():
                raise publish.DatabaseBusy(
                    f"{self.path} is held open by a program outside the tracker ({_first_line(error)}). "
                    "Close that program, then try again.") from None
            raise publish.damaged(self.path, error) from None
        except duckdb.Error as error:
            raise publish.damaged(self.path, error) from None
        con.close()
        self._schema_checked = True
        publish.publish(self.path)

    def _open_writer(self) -> duckdb.DuckDBPyConnection:
        """The writer connection to the file itself (only while this Store holds the write lock)."""
        if self._writer is None:
            try:
                self._writer = duckdb.connect(str(self.path))
            except duckdb.IOException as error:
                if "lock" in str(error).lower():
                    raise publish.DatabaseBusy(
                        f"{self.path} is held open by a program outside the tracker ({_first_line(error)}). "
                        "Close that program, then try again. Nothing was changed.") from None
                raise publish.damaged(self.path, error) from None
            except duckdb.Error as error:
                raise publish.damaged(self.path, error) from None
            self._writer.execute(f"set memory_limit = '{import_memory_limit()}'")  # validated: no parameters
            if not self._schema_checked:
                create_schema(self._writer)
                self._schema_checked = True
        return self._writer

    def _finish_write(self) -> None:
        """After the outermost write: close the file (a checkpoint) and publish what was committed."""
        if self._writer is not None:
            writer, self._writer = self._writer, None
            writer.close()
        if Path(str(self.path) + ".wal").exists() and os.path.getsize(str(self.path) + ".wal") > 0:
            return  # another Store of this process still has the file open: its own release publishes
        publish.publish(self.path)
        self._reader()

    def _reader(self) -> publish.Reader:
        """The reader of the newest copy: one stat of the pointer file, and a switch when it changed."""
        with self._guard:
            self._check_open()
            current = self._readers[-1]
            if publish.pointer_stamp(self.path) == current.stamp:
                return current
            newer = publish.open_newest(self.path)
            if newer is None or newer.seq == current.seq:
                if newer is not None:
                    newer.close()
                current.stamp = publish.pointer_stamp(self.path)
                return current
            now = time.monotonic()
            current.left_at = now
            self._readers.append(newer)
            for old in [r for r in self._readers[:-1] if r.left_at is not None and now - r.left_at > OLD_READER_GRACE]:
                old.close()
                self._readers.remove(old)
            publish.remove_unused(self.path, below=newer.seq)
            return newer


def _writes(sql: str) -> bool:
    """True when a statement changes the database (DuckDB's own parser says which kind it is)."""
    try:
        return any(s.type.name in _WRITES for s in duckdb.extract_statements(sql))
    except duckdb.Error:
        return False


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def connect(path: str | os.PathLike[str] | None = None, read_only: bool = False) -> Store:
    """The Store of a database file (created with its schema when new and writable); None for an in-memory one."""
    return Store(path, read_only=read_only)
