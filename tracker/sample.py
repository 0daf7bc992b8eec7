"""The sample database: built from data/*.csv, for `python -m tracker init` and the dashboard's first start."""

from __future__ import annotations

import shutil
from pathlib import Path

from tracker import config, store
from tracker.ingest import ImportReport, import_files
from tracker.store import publish


def build_sample_database(db_path: Path, force: bool = False) -> ImportReport:
    """Create the database from data/*.csv (one batch); with force, replace an existing one nobody has open."""
    if force and db_path.exists():
        with store.hold(db_path, timeout=config.lock_wait()):
            refuse_while_open(db_path)
            remove_database(db_path)
            return _build(db_path)
    return _build(db_path)


def _build(db_path: Path) -> ImportReport:
    db = store.connect(db_path)
    try:
        return import_files(db, config.sample_files())
    finally:
        db.close()


def refuse_while_open(db_path: Path) -> None:
    """Raise DatabaseBusy, naming the processes, when any process reads the database or holds its file open."""
    readers = publish.readers_of(db_path)
    if readers:
        raise store.DatabaseBusy(
            f"{db_path} is open in {', '.join(readers)}. Replacing it now would pull the data from under that "
            "process (a dashboard or a command). Stop it first, then run this again; nothing was changed. To go "
            "back to an earlier state while it runs, use `python -m tracker undo BATCH` or `restore BACKUP_FILE`.")
    import duckdb

    try:
        duckdb.connect(str(db_path)).close()
    except duckdb.IOException as error:
        if "lock" in str(error).lower():
            raise store.DatabaseBusy(f"{db_path} is held open by another program ({str(error).splitlines()[0]}). "
                                     "Close it, then run this again; nothing was changed.") from None
    except duckdb.Error:
        pass  # a damaged file: replacing it is what the user asked for


def remove_database(db_path: Path) -> None:
    """Delete the database file, its WAL, its published copies and kept files (the caller holds the lock)."""
    store.Sidecar(db_path).clear()
    for copy in publish.copies(db_path):
        copy.unlink(missing_ok=True)
        shutil.rmtree(Path(str(copy) + ".tmp"), ignore_errors=True)
    for path in (db_path, Path(str(db_path) + ".wal"), publish.pointer_file(db_path)):
        path.unlink(missing_ok=True)
