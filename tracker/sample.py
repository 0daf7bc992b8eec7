"""The sample database: built from data/*.csv, for `python -m tracker init` and the dashboard's first start."""

from __future__ import annotations

from pathlib import Path

from tracker import config, store
from tracker.ingest import ImportReport, import_files


def build_sample_database(db_path: Path, force: bool = False) -> ImportReport:
    """Create the database from data/*.csv (one batch); with force, replace an existing one nobody has open."""
    if force and db_path.exists():
        with store.hold(db_path, timeout=config.lock_wait()):
            store.refuse_while_open(db_path)
            store.remove_database(db_path)
            return _build(db_path)
    return _build(db_path)


def _build(db_path: Path) -> ImportReport:
    db = store.connect(db_path)
    try:
        return import_files(db, config.sample_files())
    finally:
        db.close()
