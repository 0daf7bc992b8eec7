"""What data each dashboard page loads: the non-UI functions its script calls, timed together as the page's data.

Kept by hand from reading tracker/ui (a page's cached readers in tracker/ui/data.py call these); the benchmark test
checks that every function listed here exists, so a renamed function cannot silently drop out of the benchmark.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

import duckdb
from common import PROJECT, Window

from tracker import metrics

# page title -> dotted names of the functions it calls after a filter change (each takes (con, Filters)).
PAGES: dict[str, list[str]] = {
    "Votes": ["tracker.metrics.outcomes"],
    "Parties": ["tracker.metrics.cohesion", "tracker.metrics.cohesion_trend", "tracker.metrics.pivotal_parties"],
    "Alignment": ["tracker.metrics.party_alignment", "tracker.metrics.alignment_trend",
                  "tracker.metrics.alignment_with_reference"],
    "Members": ["tracker.metrics.member_stats", "tracker.metrics.rebellions"],
    "Ideal points": ["tracker.metrics.ideal_points"],
}


def resolve(dotted: str) -> Callable:
    """The function a dotted name points at; AttributeError or ImportError when it is gone."""
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


def page_functions() -> dict[str, list[str]]:
    """Per page, the functions its data comes from."""
    return {page: list(names) for page, names in PAGES.items()}


def _reference(con: duckdb.DuckDBPyConnection) -> str | None:
    """The largest party, as the reference a user would pick first on the alignment page."""
    row = con.cursor().execute("select party from parties order by seats desc nulls last, party limit 1").fetchone()
    return row[0] if row else None


def page_calls(con: duckdb.DuckDBPyConnection) -> dict[str, Callable[[Window], list]]:
    """Per page, one call that runs every query the page runs for a filter window."""
    reference = _reference(con)
    calls = {}
    for page, names in PAGES.items():
        functions = [resolve(n) for n in names]

        def load(window: Window, functions: list[Callable] = functions) -> list:
            filters = metrics.Filters(date_from=window.date_from, date_to=window.date_to, reference=reference)
            return [f(con, filters) for f in functions]

        calls[page] = load
    return calls


def app_pages() -> list[str]:
    """The page scripts AppTest can open (paths relative to the project), the entry page first; none before the UI."""
    app = PROJECT / "app.py"
    pages_dir = PROJECT / "tracker" / "ui" / "pages"
    if not app.exists() or "tracker.ui" not in app.read_text(encoding="utf-8"):
        return []
    found = sorted(str(p.relative_to(PROJECT)) for p in pages_dir.glob("*.py")) if pages_dir.is_dir() else []
    return ["app.py", *[p for p in found if not Path(p).name.startswith("_")]]
