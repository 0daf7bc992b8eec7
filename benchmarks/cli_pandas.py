"""The plain pandas script `export` is measured against: one metric from a Parquet file of all member votes, to CSV.

Run as a process of its own: `python benchmarks/cli_pandas.py METRIC MEMBER_VOTES.parquet OUT.csv`. It imports
pandas (and numpy), reads every member vote, computes the metric the obvious groupby way (benchmarks/baseline.py)
over all votes, and writes the result as CSV, as a notebook or a small script would.
"""

from __future__ import annotations

import sys

import pandas as pd
from baseline import BASELINES
from common import Window


def main(metric: str, member_votes: str, out: str) -> int:
    """Compute and write one metric; 2 for a metric without a pandas baseline."""
    if metric not in BASELINES:
        print(f"No pandas baseline for {metric}.", file=sys.stderr)
        return 2
    frame = pd.read_parquet(member_votes)
    dates = frame["date"]
    everything = Window(str(dates.min().date()), str(dates.max().date()))
    BASELINES[metric][0](frame, everything).to_csv(out, index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
