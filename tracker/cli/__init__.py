"""The command line: `python -m tracker import|batches|undo|export|init|demo|backup|restore ...`."""

from __future__ import annotations

from tracker import config
from tracker.cli.common import EXIT_OK, EXIT_REJECTED, EXIT_USAGE
from tracker.cli.parser import build_parser

__all__ = ["EXIT_OK", "EXIT_REJECTED", "EXIT_USAGE", "build_parser", "main"]


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit code (0 ok, 1 input rejected, 2 wrong usage)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return EXIT_OK if not exit_.code else EXIT_USAGE
    return args.run(config.database_path(args.sub_db or args.db), args)
