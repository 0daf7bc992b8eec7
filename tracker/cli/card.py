"""`python -m tracker card VOTE_ID --out card.png`: one vote's share card, the format from the extension."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tracker.cli.common import EXIT_OK, EXIT_USAGE, with_connection

FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


def add_commands(commands: argparse._SubParsersAction) -> None:
    """The `card` sub-command."""
    p = commands.add_parser("card", help="write one vote's 1200x630 share card (.png, .svg or .pdf)")
    p.add_argument("vote_id", help="the vote's id, e.g. V44")
    p.add_argument("--out", required=True, type=Path, help="the file to write: .png, .svg or .pdf")
    p.add_argument("--headline", help="the card's headline (default: the vote's title)")
    p.set_defaults(run=run_card)


@with_connection
def run_card(db, db_path: Path, args: argparse.Namespace) -> int:
    """Run `card`: 0 when written, 2 for an unknown extension or vote."""
    from tracker import charts, figure_export, queries, vote_story

    file_format = FORMATS.get(args.out.suffix.lower())
    if file_format is None:
        print(f"Unknown extension '{args.out.suffix}': use .png, .svg or .pdf.", file=sys.stderr)
        return EXIT_USAGE
    loaded = vote_story.load(db, args.vote_id)
    if loaded is None:
        print(f"There is no vote {args.vote_id} in {db_path}.", file=sys.stderr)
        return EXIT_USAGE
    story, _, parties = loaded
    fig = vote_story.card(story, parties, charts.party_colours(queries.parties(db)), args.headline)
    try:
        data = figure_export.image_bytes(fig, file_format, width=1200, height=630, scale=1)
    finally:
        figure_export.stop_image_server()
    args.out.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    print(f"Wrote {args.out} ({file_format.upper()}, 1200x630).")
    return EXIT_OK
