"""Import CSV files into a database in this process and print seconds, rows and peak memory as JSON."""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracker import store  # noqa: E402
from tracker.ingest import import_files  # noqa: E402


def peak_rss_bytes() -> int:
    """This process's peak resident memory (VmHWM), in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main(db: str, files: list[str]) -> dict:
    """Import the files as one batch into db (a new file) and measure it."""
    con = store.connect(db)
    started = time.perf_counter()
    report = import_files(con, files)
    seconds = time.perf_counter() - started
    con.close()
    return {"seconds": seconds, "member_votes": report.added.get("member votes", 0), "batch_id": report.batch_id,
            "peak_rss_bytes": peak_rss_bytes()}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2:])))
