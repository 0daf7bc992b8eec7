"""Import a synthetic HSall-shaped VoteView upload of N member-vote rows and print time and peak RSS.

The data is clearly synthetic (generated members named "SYNTHETIC, Member N"): one House of 435 members per
congress, as many roll calls as needed for N rows. Usage: python benchmarks/voteview_stream.py [ROWS] [--keep DIR]
"""

from __future__ import annotations

import argparse
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MEMBERS = 435
ROLLCALLS_PER_CONGRESS = 1_000


def write_files(directory: Path, rows: int) -> list[Path]:
    """HSall_members.csv, HSall_rollcalls.csv and HSall_votes.csv with `rows` vote rows (cast codes 1, 6, 9)."""
    rollcalls = -(-rows // MEMBERS)
    congresses = -(-rollcalls // ROLLCALLS_PER_CONGRESS)
    members, calls, votes = (directory / f"HSall_{t}.csv" for t in ("members", "rollcalls", "votes"))
    with members.open("w") as out:
        out.write("congress,chamber,icpsr,state_abbrev,party_code,bioname\n")
        for congress in range(1, congresses + 1):
            for m in range(MEMBERS):
                out.write(f"{congress},House,{10_000 + m},XX,{100 if m % 2 else 200},\"SYNTHETIC, Member {m}\"\n")
    # Cast code by member: even members yea (1), odd members nay (6), every 7th not voting (9).
    codes = ["9" if m % 7 == 0 else ("1" if m % 2 == 0 else "6") for m in range(MEMBERS)]
    with calls.open("w") as out, votes.open("w") as vout:
        out.write("congress,chamber,rollnumber,date,yea_count,nay_count,vote_result,vote_desc,vote_question\n")
        vout.write("congress,chamber,rollnumber,icpsr,cast_code,prob\n")
        written = 0
        for r in range(rollcalls):
            congress, number = r // ROLLCALLS_PER_CONGRESS + 1, r % ROLLCALLS_PER_CONGRESS + 1
            take = min(MEMBERS, rows - written)
            y = sum(1 for c in codes[:take] if c == "1")
            n = sum(1 for c in codes[:take] if c == "6")
            day = f"2001-01-{(number % 28) + 1:02d}"
            out.write(f"{congress},House,{number},{day},{y},{n},Passed,Synthetic,On Passage\n")
            lines = [f"{congress},House,{number},{10_000 + m},{codes[m]},0.9\n" for m in range(take)]
            vout.write("".join(lines))
            written += take
    return [members, calls, votes]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("rows", type=int, nargs="?", default=25_000_000)
    parser.add_argument("--keep", type=Path, help="write the files and the database here (default: a temp dir)")
    parser.add_argument("--memory-limit", default=None,
                        help="DuckDB memory_limit for the import, e.g. 1GB (staging tables then spill to disk)")
    args = parser.parse_args()
    from tracker import store
    from tracker.ingest import import_files

    directory = args.keep or Path(tempfile.mkdtemp(prefix="voteview-bench-"))
    directory.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    files = write_files(directory, args.rows)
    generated = time.perf_counter() - start
    size = files[2].stat().st_size
    con = store.connect(directory / "bench.duckdb")
    if args.memory_limit:
        if not re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]i?B", args.memory_limit):
            parser.error("--memory-limit takes a size such as 1GB or 512MB")
        con.execute(f"set memory_limit = '{args.memory_limit}'")  # a setting, not a value: checked above
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    report = import_files(con, files)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    con.close()
    print(f"rows: {args.rows:,} (votes file {size / 2**20:,.0f} MB, generated in {generated:.1f} s)")
    print(f"import: {elapsed:.1f} s, {args.rows / elapsed:,.0f} rows/s")
    print(f"peak RSS: {peak / 1024:,.0f} MB (before import: {rss_before / 1024:,.0f} MB)")
    print(report.text().splitlines()[-2])


if __name__ == "__main__":
    main()
