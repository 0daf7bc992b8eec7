"""The command line: `python -m tracker import|batches|undo|export|init ...`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tracker import backup, config, demo, store
from tracker.ingest import ImportRejected, ProfileError, ReadOptions, import_files, load_profile, profile_dir

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2



def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    parser = argparse.ArgumentParser(prog="python -m tracker", description="Parliamentary vote tracker.")
    parser.add_argument("--db", help="database file (default: env TRACKER_DB, else data/tracker.duckdb)")
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("import", help="validate and load vote CSV files as one batch")
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    p.add_argument("--replace", action="store_true", help="replace stored votes whose values changed")
    p.add_argument("--mapping", type=Path, action="append", default=[],
                   help="mapping profile (JSON) for CSV files in a shape the importer does not know")
    p.add_argument("--sheet", help="the sheet to read from Excel workbooks (default: the first)")

    commands.add_parser("batches", help="list import batches")

    p = commands.add_parser("undo", help="remove one import batch completely")
    p.add_argument("batch", type=int)

    p = commands.add_parser("export", help="write stored tables (or metrics) to a file")
    p.add_argument("what", help="votes, party-tallies, member-votes, or a metric name")
    p.add_argument("--format", choices=("csv", "parquet", "json"), default="csv")
    p.add_argument("--out", type=Path, help="output file (default: standard output for csv and json)")
    p.add_argument("--assembly")
    p.add_argument("--from", dest="date_from")
    p.add_argument("--to", dest="date_to")
    p.add_argument("--party", action="append")
    p.add_argument("--period", choices=("month", "quarter", "year"), default="year")

    p = commands.add_parser("init", help="build the database from the sample data in data/")
    p.add_argument("--force", action="store_true", help="delete the existing database first")
    demo.add_command(commands)
    backup.add_commands(commands)
    for sub in commands.choices.values():
        sub.add_argument("--db", dest="sub_db", help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit code (0 ok, 1 input rejected, 2 wrong usage)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return EXIT_OK if not exit_.code else EXIT_USAGE
    db_path = config.database_path(args.sub_db or args.db)
    if args.command == "init":
        return _init(db_path, args.force)
    if args.command == "demo":
        return demo.run_command(db_path, args)
    if args.command in ("backup", "restore"):  # before connecting: the database may be open in the dashboard
        return backup.run_command(db_path, args)
    con = store.connect(db_path)
    try:
        if args.command == "import":
            return _import(con, args)
        if args.command == "batches":
            frame = store.list_batches(con)
            if frame.empty:
                print("No import batches yet.")
            else:
                print(frame.drop(columns=["summary"]).to_string(index=False))
            return EXIT_OK
        if args.command == "undo":
            try:
                print(store.undo_batch(con, args.batch))
            except store.UndoRefused as refused:
                print(str(refused), file=sys.stderr)
                return EXIT_REJECTED
            return EXIT_OK
        if args.command == "export":
            return _export(con, args)
    finally:
        con.close()
    return EXIT_USAGE


def _import(con, args: argparse.Namespace) -> int:
    missing = [str(f) for f in args.files if not f.is_file()]
    if missing:
        print(f"No such file: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    try:
        chosen = [load_profile(path) for path in args.mapping]
    except ProfileError as error:
        print(str(error), file=sys.stderr)
        return EXIT_USAGE
    reading = ReadOptions(profile_dir(config.database_path(args.sub_db or args.db)), tuple(chosen), args.sheet)
    try:
        report = import_files(con, args.files, replace=args.replace, dry_run=args.dry_run, reading=reading)
    except ImportRejected as rejected:
        print(str(rejected), file=sys.stderr)
        return EXIT_REJECTED
    print(report.text())
    if report.batch_id is not None and report.added.get("member votes"):
        from tracker import metrics

        # Ready the Members page's member vote codes now, while the import's cost is expected anyway.
        metrics.keep_member_vote_matrix(con)
    return EXIT_OK


def _init(db_path: Path, force: bool) -> int:
    if db_path.exists() and not force:
        print(f"{db_path} exists already; use --force to rebuild it from the sample data.", file=sys.stderr)
        return EXIT_USAGE
    try:
        report = build_sample_database(db_path, force=force)
    except ImportRejected as rejected:
        print(str(rejected), file=sys.stderr)
        return EXIT_REJECTED
    print(f"Built {db_path} from the sample data.\n{report.text()}")
    return EXIT_OK


def build_sample_database(db_path: Path, force: bool = False):
    """Create the database from data/*.csv (one batch); with force, delete an existing file first."""
    if force:
        for suffix in ("", ".wal"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
    con = store.connect(db_path)
    try:
        return import_files(con, config.sample_files())
    finally:
        con.close()


def _export(con, args: argparse.Namespace) -> int:
    from tracker import export

    try:
        frame = export.table_or_metric(con, args.what, assembly=args.assembly, date_from=args.date_from,
                                       date_to=args.date_to, parties=args.party, period=args.period)
    except KeyError as unknown:
        print(str(unknown.args[0]), file=sys.stderr)
        return EXIT_USAGE
    except ValueError as bad:
        print(str(bad), file=sys.stderr)
        return EXIT_USAGE
    if args.format == "parquet" and args.out is None:
        print("Parquet needs --out FILE.", file=sys.stderr)
        return EXIT_USAGE
    data = export.table_bytes(frame, args.format)
    if args.out is None:
        sys.stdout.write(data.decode("utf-8"))
    else:
        args.out.write_bytes(data)
        print(f"Wrote {len(frame):,} row{'' if len(frame) == 1 else 's'} to {args.out}", file=sys.stderr)
    return EXIT_OK
