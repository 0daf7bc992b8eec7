"""`python -m tracker backup|restore`: a consistent copy of the database, and putting one back."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tracker.cli.common import EXIT_OK, EXIT_REJECTED


def add_commands(commands: argparse._SubParsersAction) -> None:
    """The `backup` and `restore` sub-commands."""
    p = commands.add_parser("backup", help="write a consistent copy of the database (also while the app runs)")
    p.add_argument("out", type=Path, help="the backup file to write")
    p.add_argument("--wait", type=float, default=60.0, help="seconds to wait for a running import (default 60)")
    p.add_argument("--force", action="store_true", help="overwrite the backup file if it exists")
    p.set_defaults(run=run_backup_or_restore)
    p = commands.add_parser("restore", help="replace the database with a backup (the app must be stopped)")
    p.add_argument("file", type=Path, help="a file written by `backup`")
    p.set_defaults(run=run_backup_or_restore)


def run_backup_or_restore(db_path: Path, args: argparse.Namespace) -> int:
    """Run `backup` or `restore`; 0 when done, 1 when refused (the reason on standard error).

    Neither opens the store first: the database may be open in the dashboard.
    """
    from tracker import store
    from tracker.store import backup

    try:
        if args.command == "backup":
            print(backup.backup(db_path, args.out, wait=args.wait, force=args.force).text())
        else:
            print(backup.restore(db_path, args.file))
    except (backup.BackupError, store.LockTimeout) as refused:
        print(str(refused), file=sys.stderr)
        return EXIT_REJECTED
    return EXIT_OK
