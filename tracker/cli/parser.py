"""The argument parser: global options, and each command group's sub-commands."""

from __future__ import annotations

import argparse

from tracker.cli import backup, card, demo, export, imports, sample


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command; each sub-command's `run` default says which function runs it."""
    parser = argparse.ArgumentParser(prog="python -m tracker", description="Parliamentary vote tracker.")
    parser.add_argument("--db", help="database file (default: env TRACKER_DB, else data/tracker.duckdb)")
    commands = parser.add_subparsers(dest="command", required=True)
    imports.add_commands(commands)
    export.add_commands(commands)
    sample.add_commands(commands)
    demo.add_commands(commands)
    backup.add_commands(commands)
    card.add_commands(commands)
    for sub in commands.choices.values():
        sub.add_argument("--db", dest="sub_db", help=argparse.SUPPRESS)
    return parser
