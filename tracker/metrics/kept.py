"""Files kept beside the database: the member-vote codes (.npz) and the all-votes ideal-point fit (.parquet).

Both are caches keyed by the database version, so they answer only the data they were built from; the one place
that knows their paths, keys and atomic writes (a later step moves this behind the store's sidecar files).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from tracker import store

FIT_FILE_SUFFIX = ".ideal-points.parquet"
MATRIX_FILE_SUFFIX = ".member-matrix"


def _database_file(con: duckdb.DuckDBPyConnection) -> Path | None:
    row = con.cursor().execute("select path from duckdb_databases() where database_name = current_database()"
                               ).fetchone()
    return Path(row[0]) if row and row[0] else None


def path_for(con: duckdb.DuckDBPyConnection, what: str, assembly: str | None = None) -> Path | None:
    """Where the `fit` (all assemblies, one file) or an assembly's `matrix` is kept; None for an in-memory database."""
    database = _database_file(con)
    if database is None:
        return None
    if what == "fit":
        return database.with_name(database.name + FIT_FILE_SUFFIX)
    if what == "matrix":
        tag = hashlib.sha256((assembly or "").encode()).hexdigest()[:12]
        return database.with_name(database.name + f"{MATRIX_FILE_SUFFIX}-{tag}.npz")
    raise ValueError(f"Unknown kept file '{what}': use fit or matrix.")


def key(con: duckdb.DuckDBPyConnection, assembly: str | None) -> str:
    """The database version, its vote and member vote counts, and the assembly: a kept file answers only this key."""
    counts = con.cursor().execute("select (select count(*) from votes), (select count(*) from member_votes)"
                                  ).fetchone()
    return f"{store.database_version(con)}:{counts[0]}:{counts[1]}:{assembly or ''}"


def save_arrays(path: Path, key: str, arrays: dict[str, np.ndarray]) -> None:
    """Write arrays (no pickled objects) with their key atomically; a cache, so a failure only costs speed."""
    temporary = path.with_name(path.name + ".tmp.npz")
    try:
        np.savez(temporary, key=np.array(key), **arrays)
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)


def load_arrays(path: Path, key: str) -> dict[str, np.ndarray] | None:
    """The kept arrays when the file exists and answers this key, else None."""
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as kept:
            if str(kept["key"]) != key:
                return None
            return {name: kept[name] for name in kept.files if name != "key"}
    except (OSError, ValueError, KeyError):
        return None


def load_fit(path: Path, key: str) -> pd.DataFrame | None:
    """The kept fit rows for this key, or None when there are none."""
    if not path.exists():
        return None
    stored = pd.read_parquet(path)
    fit = stored[stored["key"] == key]
    return None if fit.empty else fit.drop(columns="key").reset_index(drop=True)


def save_fit(path: Path, key: str, points: pd.DataFrame) -> None:
    """Keep a fit under its key beside the fits of other assemblies of the same version (older versions dropped)."""
    kept = pd.read_parquet(path) if path.exists() else pd.DataFrame(columns=["key", *points.columns])
    # Fits of other versions are stale; other assemblies' fits of this version stay.
    current = key.rsplit(":", 1)[0] + ":"
    kept = kept[kept["key"].str.startswith(current) & (kept["key"] != key)]
    fresh = points.assign(key=key)
    frames = [f for f in (kept, fresh) if not f.empty]
    out = pd.concat(frames, ignore_index=True) if frames else fresh
    temporary = path.with_name(path.name + ".tmp")
    out.astype({"key": str}).to_parquet(temporary, index=False)
    os.replace(temporary, path)   # readers see the old file or the new one, never half of one
