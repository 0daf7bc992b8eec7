"""What the benchmark modules share: filter windows and a timer."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

BENCHMARKS = Path(__file__).resolve().parent
PROJECT = BENCHMARKS.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

if TYPE_CHECKING:  # not imported at run time: the plain pandas script (cli_pandas.py) loads this module
    import duckdb


@dataclass(frozen=True)
class Window:
    """One filter setting: a date range, as a user would pick it on a page."""

    date_from: str
    date_to: str


def filter_windows(con: duckdb.DuckDBPyConnection, count: int) -> list[Window]:
    """Distinct date ranges, each covering most of the term, so no result cache can answer a later one."""
    first, last = con.cursor().execute("select min(date), max(date) from votes").fetchone()
    span = (last - first).days
    return [Window((first + timedelta(days=int(span * 0.01 * i))).isoformat(),
                   (last - timedelta(days=int(span * 0.007 * i))).isoformat()) for i in range(count)]


def time_ms(call: Callable[[], object]) -> tuple[float, object]:
    """Milliseconds one call takes, and its result."""
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000, result
