"""The Store: the one owner of a database file's connection, its write lock, version and sidecar files."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from tracker.store.lock import database_file, hold
from tracker.store.schema import open_connection, transaction
from tracker.store.sidecar import Sidecar
from tracker.store.state import Version, database_version


class StoreClosed(RuntimeError):
    """The Store was used after close()."""


class ReadOnlyStore(RuntimeError):
    """A write was asked of a Store opened read-only."""


class Store:
    """One database file (or an in-memory database) and the connection this process reads and writes it through.

    Thread policy: one DuckDB connection per Store; every read runs on a cursor of its own (safe across threads),
    every write inside `transaction()`, which holds the one write lock. Functions written for a bare connection
    work with a Store too: it has `cursor()`.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, read_only: bool = False, *,
                 connection: duckdb.DuckDBPyConnection | None = None):
        if connection is not None:
            self._connection, self._owned = connection, False
            self.path = database_file(connection)
        else:
            self.path = Path(path) if path is not None else None
            if read_only and self.path is None:
                raise ValueError("An in-memory database cannot be opened read-only: it would have no tables.")
            self._connection, self._owned = open_connection(self.path or ":memory:", read_only=read_only), True
        self.read_only = read_only
        self.sidecar = Sidecar(self.path)
        self._closed = False

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None, read_only: bool = False) -> Store:
        """Open (and, when new and writable, create) the database file; None for an in-memory database."""
        return cls(path, read_only=read_only)

    @classmethod
    def over(cls, connection: duckdb.DuckDBPyConnection) -> Store:
        """A Store around a connection someone else opened (and will close)."""
        return cls(connection=connection)

    def __repr__(self) -> str:
        mode = " read-only" if self.read_only else ""
        return f"<Store {self.path or ':memory:'}{mode}{' closed' if self._closed else ''}>"

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """The shared connection (prefer `cursor()` per query or thread)."""
        if self._closed:
            raise StoreClosed(f"The store of {self.path or 'an in-memory database'} has been closed.")
        return self._connection

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor of its own, for code that needs relations or Arrow; close it when done."""
        return self.connection.cursor()

    def execute(self, sql: str, parameters: dict | list | None = None) -> duckdb.DuckDBPyConnection:
        """Run one statement on a cursor of its own and return that cursor for fetching (like a connection's)."""
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

    def write_lock(self, timeout: float | None = None) -> AbstractContextManager[None]:
        """Hold the one write lock (this process's and, for a file, `<db>.lock`); LockTimeout after `timeout` s."""
        return hold(self.path, timeout)

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
        return database_version(self)

    def close(self) -> None:
        """Close the connection (unless someone else owns it); idempotent."""
        if self._closed:
            return
        self._closed = True
        if self._owned:
            self._connection.close()


def connect(path: str | os.PathLike[str] | None = None, read_only: bool = False) -> Store:
    """The Store of a database file (created with its schema when new and writable); None for an in-memory one."""
    return Store(path, read_only=read_only)
