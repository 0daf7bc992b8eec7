"""What the command modules share: the exit codes, a Store for the length of one command, and error messages."""

from __future__ import annotations

import argparse
import functools
import time
from collections.abc import Callable
from pathlib import Path

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2

Command = Callable[[Path, argparse.Namespace], int]

# Commands that only read: they open the newest published copy and never wait for a writer.
READ_ONLY_COMMANDS = frozenset({"export", "batches"})


class Steps:
    """A progress callback for long commands: prints each step as it starts and its seconds when it ends."""

    def __init__(self) -> None:
        self._started: float | None = None

    def __call__(self, step: str) -> None:
        self.finish()
        print(f"{step}...", end="", flush=True)
        self._started = time.perf_counter()

    def finish(self) -> None:
        """End the current step's line with its seconds (nothing when no step runs)."""
        if self._started is not None:
            print(f" {time.perf_counter() - self._started:.1f} s", flush=True)
            self._started = None


def with_connection(command: Callable[..., int]) -> Command:
    """A command run as command(db, db_path, args) on a Store opened for it and closed afterwards."""

    @functools.wraps(command)
    def run(db_path: Path, args: argparse.Namespace) -> int:
        from tracker import store  # pandas and duckdb: not needed for --help

        read_only = getattr(args, "command", None) in READ_ONLY_COMMANDS and db_path.exists()
        db = store.connect(db_path, read_only=read_only)
        try:
            return command(db, db_path, args)
        finally:
            db.close()

    return run


def problem_message(error: BaseException, db_path: Path) -> str:
    """What a user reads instead of a traceback: what went wrong, with the file, and what to do."""
    kind, text = type(error).__name__, str(error).strip()
    first = text.splitlines()[0] if text else kind
    if kind in ("LockTimeout", "DatabaseBusy", "DatabaseDamaged", "BackupError", "ReadOnlyStore", "UndoRefused",
                "DemoRefused", "ImportRejected", "FileNotFoundError") and text:
        return text
    if type(error).__module__.startswith(("duckdb", "_duckdb")):
        if "lock" in text.lower():
            return (f"{db_path} is held open by another program ({first}). Close that program (an older dashboard "
                    "or a DuckDB shell) and run the command again. Nothing was changed.")
        return (f"The database {db_path} could not be used: {first}. If the file is damaged, restore the last "
                "backup with `python -m tracker restore BACKUP_FILE`. Nothing was changed.")
    if isinstance(error, MemoryError):
        return ("The command ran out of memory. Lower TRACKER_IMPORT_MEMORY or split the file into smaller ones. "
                "Nothing was changed.")
    if isinstance(error, OSError):
        where = f" ({error.filename})" if error.filename else ""
        return f"A file could not be read or written{where}: {error.strerror or first}. Check the path, its " \
               "permissions and the free disk space, then run the command again."
    return (f"The command stopped on an unexpected problem ({kind}: {first}). Nothing was changed unless the "
            "output above says so. Run it again with TRACKER_DEBUG=1 to see the details, and report them.")
