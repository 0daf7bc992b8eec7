"""`python -m tracker import|batches|undo`: load files as one batch, list the batches, remove one."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tracker.cli.common import EXIT_OK, EXIT_REJECTED, EXIT_USAGE, Steps, with_connection


def add_commands(commands: argparse._SubParsersAction) -> None:
    """The `import`, `batches` and `undo` sub-commands."""
    p = commands.add_parser("import", help="validate and load vote CSV files as one batch")
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    p.add_argument("--replace", action="store_true", help="replace stored votes whose values changed")
    p.add_argument("--mapping", type=Path, action="append", default=[],
                   help="mapping profile (JSON) for CSV files in a shape the importer does not know")
    p.add_argument("--sheet", help="the sheet to read from Excel workbooks (default: the first)")
    p.add_argument("--assembly", help="the assembly (its id) of votes that name none; needed when several are "
                   "stored, else they go to the only one")
    p.add_argument("--new-parties", action="store_true",
                   help="confirm party labels the database does not know yet (without it they are refused, "
                        "with the closest stored parties suggested)")
    p.set_defaults(run=run_import)

    p = commands.add_parser("batches", help="list import batches")
    p.set_defaults(run=run_batches)

    p = commands.add_parser("undo", help="remove one import batch completely")
    p.add_argument("batch", type=int)
    p.set_defaults(run=run_undo)


@with_connection
def run_import(db, db_path: Path, args: argparse.Namespace) -> int:
    """Run `import`: 0 when checked (and loaded), 1 when the input is rejected, 2 for a missing file or profile."""
    missing = [str(f) for f in args.files if not f.is_file()]
    if missing:
        print(f"No such file: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    from tracker import metrics  # before the import: after its commit the process only keeps the member tables
    from tracker.ingest import ImportRejected, ProfileError, ReadOptions, import_files, load_profile, profile_dir

    try:
        chosen = [load_profile(path) for path in args.mapping]
    except ProfileError as error:
        print(str(error), file=sys.stderr)
        return EXIT_USAGE
    reading = ReadOptions(profile_dir(db_path), tuple(chosen), args.sheet)
    try:
        report = import_files(db, args.files, replace=args.replace, dry_run=args.dry_run, reading=reading,
                              assembly=args.assembly, new_parties=args.new_parties)
    except ImportRejected as rejected:
        print(str(rejected), file=sys.stderr)
        return EXIT_REJECTED
    print(report.text())
    if report.batch_id is not None and report.added.get("member votes"):
        # Ready the Members page's matrix and map now, while the import's cost is expected anyway.
        steps = Steps()
        try:
            metrics.keep_member_matrix_and_map(db, progress=steps)
        finally:
            steps.finish()
    return EXIT_OK


@with_connection
def run_batches(db, db_path: Path, args: argparse.Namespace) -> int:
    """Run `batches`: print the import batches, newest last."""
    from tracker import store

    frame = store.list_batches(db)
    if frame.empty:
        print("No import batches yet.")
    else:
        print(frame.drop(columns=["summary"]).to_string(index=False))
    return EXIT_OK


@with_connection
def run_undo(db, db_path: Path, args: argparse.Namespace) -> int:
    """Run `undo`: 0 when the batch is removed, 1 when the store refuses (the reason on standard error)."""
    from tracker import store

    try:
        print(store.undo_batch(db, args.batch))
    except store.UndoRefused as refused:
        print(str(refused), file=sys.stderr)
        return EXIT_REJECTED
    return EXIT_OK
