"""The argument parser: global options, and each command group's sub-commands."""

from __future__ import annotations

import argparse
import importlib

# The module of tracker.cli that adds each command. A command line naming one builds only its group: importing and
# building all six groups cost every `export` about 10 ms of its 0.3 s.
COMMAND_MODULES = {"import": "imports", "batches": "imports", "undo": "imports", "export": "export",
                   "init": "sample", "demo": "demo", "backup": "backup", "restore": "backup", "card": "card"}


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser: for the command `argv` names, else for every command (help, a typo, no command)."""
    parser = argparse.ArgumentParser(prog="python -m tracker", description="Parliamentary vote tracker.")
    parser.add_argument("--db", help="database file (default: env TRACKER_DB, else data/tracker.duckdb)")
    commands = parser.add_subparsers(dest="command", required=True)
    named = command_named(argv or [])
    groups = [COMMAND_MODULES[named]] if named in COMMAND_MODULES else dict.fromkeys(COMMAND_MODULES.values())
    for group in groups:
        importlib.import_module(f"tracker.cli.{group}").add_commands(commands)
    for sub in commands.choices.values():
        sub.add_argument("--db", dest="sub_db", help=argparse.SUPPRESS)
    return parser


def command_named(argv: list[str]) -> str | None:
    """The command a command line names: its first word that is neither an option nor the value of --db."""
    words = iter(argv)
    for word in words:
        if word == "--db":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None
