"""The command line: `python -m tracker import|batches|undo|export|init|demo|backup|restore ...`."""

from __future__ import annotations

import os
import sys

from tracker import config
from tracker.cli.common import EXIT_OK, EXIT_REJECTED, EXIT_USAGE, problem_message
from tracker.cli.parser import build_parser

__all__ = ["EXIT_OK", "EXIT_REJECTED", "EXIT_USAGE", "build_parser", "main"]


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit code (0 ok, 1 input rejected or refused, 2 wrong usage); no traceback."""
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return EXIT_OK if not exit_.code else EXIT_USAGE
    db_path = config.database_path(args.sub_db or args.db)
    try:
        return args.run(db_path, args)
    except KeyboardInterrupt:
        print("Stopped. A write that had not finished was rolled back; nothing of it was stored.", file=sys.stderr)
        return EXIT_REJECTED
    except Exception as error:
        if os.environ.get("TRACKER_DEBUG"):
            raise
        print(problem_message(error, db_path), file=sys.stderr)
        return EXIT_REJECTED
