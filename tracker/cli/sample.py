"""`python -m tracker init`: build the database from the sample data in data/."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tracker.cli.common import EXIT_OK, EXIT_REJECTED, EXIT_USAGE


def add_commands(commands: argparse._SubParsersAction) -> None:
    """The `init` sub-command."""
    p = commands.add_parser("init", help="build the database from the sample data in data/")
    p.add_argument("--force", action="store_true", help="replace the existing database (refused while it is open)")
    p.set_defaults(run=run_init)


def run_init(db_path: Path, args: argparse.Namespace) -> int:
    """Run `init`: 0 when built, 1 when the sample is rejected, 2 when the database exists without --force."""
    if db_path.exists() and not args.force:
        print(f"{db_path} exists already; use --force to rebuild it from the sample data.", file=sys.stderr)
        return EXIT_USAGE
    from tracker import store
    from tracker.ingest import ImportRejected
    from tracker.sample import build_sample_database

    try:
        report = build_sample_database(db_path, force=args.force)
    except (ImportRejected, store.DatabaseBusy, store.LockTimeout) as rejected:
        print(str(rejected), file=sys.stderr)
        return EXIT_REJECTED
    print(f"Built {db_path} from the sample data.\n{report.text()}")
    return EXIT_OK
