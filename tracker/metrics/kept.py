"""What metrics keep beside the database, through the store's sidecar: member-vote codes and all-votes fits.

Both are caches keyed by the database version (and the assembly), so they answer only the data they were built
from; the store clears them on every import, undo and restore.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from tracker import store
from tracker.metrics.filters import NO_ASSEMBLY, Filters, metric_table, party_in
from tracker.table_query import TableQuery

if TYPE_CHECKING:  # imported where used: `export` reads a kept fit through DuckDB without either
    import numpy as np
    import pandas as pd


def _name(what: str, assembly: str | None, extension: str) -> str:
    return f"{what}-{hashlib.sha256((assembly or '').encode()).hexdigest()[:12]}{extension}"


def answering_assemblies(db: store.Store, assembly: str | None) -> list[str | None]:
    """Whose kept files answer a filter on `assembly`: its own, and for all votes also the only assembly stored."""
    if assembly is not None:
        return [assembly]
    cursor = db.cursor()
    try:
        found = cursor.execute("""
            select distinct coalesce(assembly, $no_assembly)
            from (select assembly from assemblies union all select assembly from votes) limit 2""",
                               {"no_assembly": NO_ASSEMBLY}).fetchall()
    finally:
        cursor.close()
    return [None, found[0][0]] if len(found) == 1 else [None]


def key(db: store.Store, assembly: str | None) -> str:
    """The database version, its vote and member vote counts, and the assembly: a kept file answers only this key."""
    counts = db.one("select (select count(*) from votes), (select count(*) from member_votes)")
    return f"{db.version}:{counts[0]}:{counts[1]}:{assembly or ''}"


def save_arrays(db: store.Store, assembly: str | None, arrays: dict[str, np.ndarray]) -> None:
    """Keep an assembly's code arrays (no pickled objects); a cache, so a failure only costs speed."""
    import numpy as np

    try:
        db.sidecar.save(_name("member-matrix", assembly, ".npz"), key(db, assembly),
                         lambda path: np.savez(path, **arrays))
    except OSError:
        pass


def has_arrays(db: store.Store, assembly: str | None) -> bool:
    """True when an assembly's code arrays are kept for this database version."""
    path = db.sidecar.path(_name("member-matrix", assembly, ".npz"), key(db, assembly))
    return path is not None and path.exists()


def load_arrays(db: store.Store, assembly: str | None) -> dict[str, np.ndarray] | None:
    """The kept arrays of an assembly when they answer this database version, else None."""
    import numpy as np

    def read(path) -> dict[str, np.ndarray]:
        with np.load(path, allow_pickle=False) as kept:
            return {name: kept[name] for name in kept.files}

    return db.sidecar.load(_name("member-matrix", assembly, ".npz"), key(db, assembly), read)


def save_fit(db: store.Store, assembly: str | None, points: pd.DataFrame, votes: pd.DataFrame | None = None,
             about: dict | None = None) -> None:
    """Keep an assembly's all-votes fit for this database version: points, its votes' outcome points, a summary."""
    version = key(db, assembly)
    if votes is not None:
        db.sidecar.save(_name("ideal-point-votes", assembly, ".parquet"), version,
                         lambda path: votes.to_parquet(path, index=False))
    if about is not None:
        db.sidecar.write_bytes(_name("ideal-point-fit", assembly, ".json"), version,
                               json.dumps(about, allow_nan=True).encode("utf-8"))
    # The points last: a reader that finds them for this version finds the other two as well.
    db.sidecar.save(_name("ideal-points", assembly, ".parquet"), version,
                     lambda path: points.to_parquet(path, index=False))


def fit_points_file(db: store.Store, assembly: str | None) -> Path | None:
    """The kept fit's points file (Parquet) of an assembly for this database version, or None when there is none."""
    path = db.sidecar.path(_name("ideal-points", assembly, ".parquet"), key(db, assembly))
    return path if path is not None and path.exists() else None


def load_fit(db: store.Store, assembly: str | None) -> pd.DataFrame | None:
    """The kept fit of an assembly for this database version, or None when there is none."""
    import pandas as pd

    return db.sidecar.load(_name("ideal-points", assembly, ".parquet"), key(db, assembly), pd.read_parquet)


def load_fit_parts(db: store.Store, assembly: str | None) -> tuple[pd.DataFrame, pd.DataFrame, dict] | None:
    """The kept points, votes and summary of an assembly's fit for this database version, or None if any is missing."""
    import pandas as pd

    version = key(db, assembly)
    points = db.sidecar.load(_name("ideal-points", assembly, ".parquet"), version, pd.read_parquet)
    votes = db.sidecar.load(_name("ideal-point-votes", assembly, ".parquet"), version, pd.read_parquet)
    about = db.sidecar.load(_name("ideal-point-fit", assembly, ".json"), version,
                            lambda path: json.loads(path.read_text(encoding="utf-8")))
    if points is None or votes is None or about is None:
        return None
    return points, votes, about


def fit_query(db: store.Store, filters: Filters) -> TableQuery | None:
    """ideal-points from the kept all-votes fit (its chosen parties, by dim1); None without one or with a date range."""
    if filters.date_from or filters.date_to:
        return None   # the kept fit is of all votes; a range is fitted afresh
    for assembly in answering_assemblies(db, filters.assembly):
        points = fit_points_file(db, assembly)
        if points is not None:
            return metric_table(f"""
                select * from read_parquet($points_file) where {party_in('party')}""", filters, ("dim1",),
                                points_file=str(points))
    return None
