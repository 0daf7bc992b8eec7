"""Many processes, measured (not asserted): the cost of a version check per rerun, and commit-to-visible time.

    python benchmarks/processes.py

Page latency with 1, 3 and 6 dashboard processes is not measured yet (see docs/deployment.md).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracker import config, store  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "tracker.duckdb"
        subprocess.run([sys.executable, "-m", "tracker", "--db", str(db_path), "init"], check=True,
                       capture_output=True, cwd=config.PROJECT_DIR)
        db = store.connect(db_path, read_only=True)
        runs = 20_000
        started = time.perf_counter()
        for _ in range(runs):
            db.refresh()
        print(f"version check (no change): {(time.perf_counter() - started) / runs * 1e6:.1f} µs per rerun")
        started = time.perf_counter()
        for _ in range(200):
            _ = db.version
        print(f"Store.version query: {(time.perf_counter() - started) / 200 * 1e3:.2f} ms")
        seen = []
        for k in range(5):
            csv = Path(folder) / f"t{k}.csv"
            csv.write_text(f"vote_id,assembly,date,title,yes,no\nB{k},an-2015,2019-01-0{k + 1},Bench {k},90,60\n")
            before = db.version
            writer = store.connect(db_path)
            from tracker.ingest import import_files

            import_files(writer, [csv])
            committed = time.perf_counter()
            writer.close()
            while db.version == before:
                db.refresh()
            seen.append(time.perf_counter() - committed)
        print(f"commit to visible in another Store: max {max(seen) * 1e3:.1f} ms over {len(seen)} commits")
        db.close()


if __name__ == "__main__":
    main()
