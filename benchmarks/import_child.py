"""Import CSV files into a database in this process and print seconds, rows and peak memory as JSON.

With --floor, the same member-vote files go into a new database file by a plain DuckDB read_csv instead: the floor
the import's own reading, checks and writing are measured against.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def peak_rss_bytes() -> int:
    """This process's peak resident memory (VmHWM), in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def cpu_seconds() -> float:
    """User and system CPU time of this process so far (all its threads): steadier than wall time on a busy machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(db: str, files: list[str]) -> dict:
    """Import the files as one batch into db (a new file) and measure it."""
    from tracker import store
    from tracker.ingest import import_files

    con = store.connect(db)
    started, cpu = time.perf_counter(), cpu_seconds()
    report = import_files(con, files)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    con.close()
    return {"seconds": seconds, "cpu_seconds": cpu, "member_votes": report.added.get("member votes", 0),
            "batch_id": report.batch_id, "peak_rss_bytes": peak_rss_bytes()}


def floor(db: str, files: list[str]) -> dict:
    """Read the member-vote files into one table of a new database file with DuckDB alone, and measure it."""
    import duckdb

    started, cpu = time.perf_counter(), cpu_seconds()
    con = duckdb.connect(db)
    con.execute("create table member_votes as select * from read_csv($files)", {"files": files})
    rows = con.execute("select count(*) from member_votes").fetchone()[0]
    con.close()   # checkpoints the table into the file, as the import's commit does
    return {"seconds": time.perf_counter() - started, "cpu_seconds": cpu_seconds() - cpu, "member_votes": rows,
            "peak_rss_bytes": peak_rss_bytes()}


if __name__ == "__main__":
    if sys.argv[1] == "--floor":
        print(json.dumps(floor(sys.argv[2], sys.argv[3:])))
    else:
        print(json.dumps(main(sys.argv[1], sys.argv[2:])))
