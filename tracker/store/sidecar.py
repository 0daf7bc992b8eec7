"""The files kept beside a database file: caches that answer one key (a database version), written atomically."""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from tracker.store.engine import duckdb
from tracker.store.files import glob_escape
from tracker.store.lock import database_file

T = TypeVar("T")

# Files that metrics.py writes beside the database by itself today (the fit and the member vote codes); they go
# with the Store's own when it clears, until metrics writes through the Sidecar too.
OLDER_PATTERNS = ("{db}.ideal-points.parquet", "{db}.ideal-points.parquet.tmp", "{db}.member-matrix-*.npz")


class Sidecar:
    """The files beside one database (none for an in-memory one): `<db>.sidecar.<name>.<key hash><ext>`."""

    def __init__(self, database: str | os.PathLike[str] | None):
        self.database = Path(database) if database is not None else None

    @classmethod
    def of(cls, con: duckdb.DuckDBPyConnection) -> Sidecar:
        """The sidecar of the database behind a connection, cursor or Store."""
        return cls(database_file(con))

    def path(self, name: str, key: str) -> Path | None:
        """Where the file `name` (e.g. 'member-matrix.npz') that answers `key` lives; None in memory."""
        if self.database is None:
            return None
        stem, ext = os.path.splitext(name)
        return self.database.with_name(f"{self._prefix}{stem}.{_key_hash(key)}{ext}")

    def save(self, name: str, key: str, write: Callable[[Path], object]) -> Path | None:
        """Write the file for `key` through `write(temporary_path)`, then move it into place and drop other keys'."""
        path = self.path(name, key)
        if path is None:
            return None
        stem, ext = os.path.splitext(name)
        # Ends in the file's own extension: numpy and pandas pick the format (and numpy the name) from it.
        temporary = path.with_name(f"{self._prefix}tmp-{os.getpid()}-{threading.get_ident()}-{stem}{ext}")
        try:
            write(temporary)
            os.replace(temporary, path)  # readers see the old file or the new one, never half of one
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        slot = re.compile(re.escape(f"{self._prefix}{stem}.") + r"[0-9a-f]{16}" + re.escape(ext) + "$")
        for other in self.database.parent.glob(f"{self._prefix}*"):
            if other != path and slot.match(other.name):
                other.unlink(missing_ok=True)
        return path

    def write_bytes(self, name: str, key: str, data: bytes) -> Path | None:
        """Keep bytes for `key`."""
        return self.save(name, key, lambda path: path.write_bytes(data))

    def load(self, name: str, key: str, read: Callable[[Path], T]) -> T | None:
        """What `read` makes of the file for `key`; None when there is none or it cannot be read (a cache miss)."""
        path = self.path(name, key)
        if path is None or not path.exists():
            return None
        try:
            return read(path)
        except (OSError, ValueError, KeyError):  # replaced or removed meanwhile, or cut short: build it again
            return None

    def read_bytes(self, name: str, key: str) -> bytes | None:
        """The bytes kept for `key`, or None."""
        return self.load(name, key, Path.read_bytes)

    def files(self) -> list[Path]:
        """Every file kept beside the database, older metrics files included."""
        if self.database is None:
            return []
        folder, escaped = self.database.parent, glob_escape(self.database.name)
        found = set(folder.glob(f"{glob_escape(self._prefix)}*"))
        for pattern in OLDER_PATTERNS:
            found.update(folder.glob(pattern.format(db=escaped)))
        return sorted(found)

    def clear(self) -> int:
        """Remove every kept file (after an import, undo or restore); returns how many were removed."""
        removed = 0
        for path in self.files():
            try:
                path.unlink()
                removed += 1
            except FileNotFoundError:
                pass  # another process cleared it first
        return removed

    @property
    def _prefix(self) -> str:
        return f"{self.database.name}.sidecar."


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:16]
