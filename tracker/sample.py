"""The sample database: built from data/*.csv, for `python -m tracker init` and the dashboard's first start."""

from __future__ import annotations

from pathlib import Path

from tracker import config, store
from tracker.ingest import ImportReport, import_files


def build_sample_database(db_path: Path, force: bool = False) -> ImportReport:
    """Create the database from data/*.csv (one batch); with force, delete an existing file first."""
    if force:
        for suffix in ("", ".wal"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
    db = store.connect(db_path)
    try:
        return import_files(db, config.sample_files())
    finally:
        db.close()
