"""`python -m tracker demo`: generate a synthetic parliament, import it and keep the Members page's matrix and map."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from tracker.cli.common import EXIT_OK, EXIT_REJECTED, EXIT_USAGE, Steps

SIZES = ("members", "votes", "parties", "seed")


def add_commands(commands: argparse._SubParsersAction) -> None:
    """The `demo` sub-command; sizes left out take DemoSpec's defaults."""
    p = commands.add_parser("demo", help="generate a synthetic parliament (for exploring and benchmarking)")
    for size in SIZES:
        p.add_argument(f"--{size}", type=int)
    p.add_argument("--csv-dir", type=Path, help="keep the generated CSV files in this directory")
    p.add_argument("--force", action="store_true", help="add synthetic data even beside real votes")
    p.set_defaults(run=run_demo)


def run_demo(db_path: Path, args: argparse.Namespace) -> int:
    """Run `demo`: 0 when imported, 1 when refused or rejected, 2 for impossible sizes."""
    from tracker.demo import DemoSpec  # numpy and pyarrow: not needed for --help

    spec = DemoSpec(**{size: getattr(args, size) for size in SIZES if getattr(args, size) is not None})
    try:
        spec.check()
    except ValueError as bad:
        print(str(bad), file=sys.stderr)
        return EXIT_USAGE
    from tracker import store
    from tracker.demo import DemoRefused, build_demo
    from tracker.ingest import ImportRejected

    db = store.connect(db_path)
    steps = Steps()
    started = time.perf_counter()
    try:
        report = build_demo(db, spec, directory=args.csv_dir, force=args.force, progress=steps)
    except (DemoRefused, ImportRejected) as refused:
        steps.finish()
        print(str(refused), file=sys.stderr)
        return EXIT_REJECTED
    finally:
        steps.finish()
        db.close()
    print(f"Synthetic parliament in {db_path}: {spec.members:,} members, {spec.votes:,} votes, "
          f"{spec.parties} parties, seed {spec.seed}, in {time.perf_counter() - started:.1f} s.\n{report.text()}")
    return EXIT_OK
