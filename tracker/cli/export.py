"""`python -m tracker export`: a stored table or a metric to CSV, Parquet or JSON."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tracker.cli.common import EXIT_OK, EXIT_USAGE, with_connection


def add_commands(commands: argparse._SubParsersAction) -> None:
    """The `export` sub-command."""
    p = commands.add_parser("export", help="write stored tables (or metrics) to a file")
    p.add_argument("what", help="votes, party-tallies, member-votes, or a metric name")
    p.add_argument("--format", choices=("csv", "parquet", "json"), default="csv")
    p.add_argument("--out", type=Path, help="output file (default: standard output for csv and json)")
    p.add_argument("--assembly")
    p.add_argument("--from", dest="date_from")
    p.add_argument("--to", dest="date_to")
    p.add_argument("--party", action="append")
    p.add_argument("--period", choices=("month", "quarter", "year"), default="year")
    p.add_argument("--right-party", help="ideal-points only: the party whose members' mean is made positive on both "
                                         "dimensions (default: the party with most members placed)")
    p.set_defaults(run=run_export)


@with_connection
def run_export(db, db_path: Path, args: argparse.Namespace) -> int:
    """Run `export`: 0 when written, 2 for an unknown table, metric or party, a bad filter, or Parquet without --out."""
    from tracker import export

    if args.right_party is not None and args.what != "ideal-points":
        print("--right-party applies to ideal-points only.", file=sys.stderr)
        return EXIT_USAGE
    chosen = {"assembly": args.assembly, "date_from": args.date_from, "date_to": args.date_to, "parties": args.party,
              "period": args.period}
    try:
        if args.right_party is not None:
            from tracker import metrics

            table, frame = None, metrics.ideal_points(
                db, metrics.Filters(assembly=args.assembly, date_from=args.date_from, date_to=args.date_to,
                                    parties=tuple(args.party or ())), right_party=args.right_party)
        else:
            # DuckDB writes the file itself when the table or metric is one query; else the DataFrame is written.
            table = export.table_query(db, args.what, **chosen)
            frame = export.table_or_metric(db, args.what, **chosen) if table is None else None
    except KeyError as unknown:
        print(str(unknown.args[0]), file=sys.stderr)
        return EXIT_USAGE
    except ValueError as bad:
        print(str(bad), file=sys.stderr)
        return EXIT_USAGE
    if args.format == "parquet" and args.out is None:
        print("Parquet needs --out FILE.", file=sys.stderr)
        return EXIT_USAGE
    if frame is not None:
        rows = _write_frame(frame, args.format, args.out)
    elif args.out is not None:
        rows = export.write_table(db, table, args.format, args.out)
    else:
        rows = _write_to_stdout(db, table, args.format)
    if args.out is not None:
        print(f"Wrote {rows:,} row{'' if rows == 1 else 's'} to {args.out}", file=sys.stderr)
    return EXIT_OK


def _write_frame(frame, file_format: str, out: Path | None) -> int:
    """A DataFrame to the file, or to standard output; the number of rows."""
    from tracker import export

    data = export.table_bytes(frame, file_format)
    if out is None:
        sys.stdout.write(data.decode("utf-8"))
    else:
        out.write_bytes(data)
    return len(frame)


def _write_to_stdout(db, table, file_format: str) -> int:
    """What DuckDB writes into a temporary file, copied to standard output a megabyte at a time; the number of rows."""
    import shutil
    import tempfile

    from tracker import export

    with tempfile.TemporaryDirectory(prefix="tracker-export-") as folder:
        path = Path(folder) / f"export.{file_format}"
        rows = export.write_table(db, table, file_format, path)
        with path.open(encoding="utf-8", newline="") as written:
            shutil.copyfileobj(written, sys.stdout, 1 << 20)
    return rows
