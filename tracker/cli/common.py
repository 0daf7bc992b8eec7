"""What the command modules share: the exit codes and a database connection for the length of one command."""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable
from pathlib import Path

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2

Command = Callable[[Path, argparse.Namespace], int]


def with_connection(command: Callable[..., int]) -> Command:
    """A command run as command(db, db_path, args) on a connection opened for it and closed afterwards."""

    @functools.wraps(command)
    def run(db_path: Path, args: argparse.Namespace) -> int:
        from tracker import store  # pandas and duckdb: not needed for --help

        db = store.connect(db_path)
        try:
            return command(db, db_path, args)
        finally:
            db.close()

    return run
