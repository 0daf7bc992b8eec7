"""What data each dashboard page loads: the non-UI functions its script calls, timed together as the page's data.

Kept by hand from reading tracker/ui (pages call these through the cached readers of tracker/ui/cache.py); the
benchmark test checks that every function listed here exists and that PAGES and the loaders name the same pages.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
from common import PROJECT, Window

from tracker import metrics, queries, summaries

# Each page's data after a filter change: the functions its script calls through tracker/ui/cache.py (read from
# tracker/ui/*.py). Readers that do not depend on the filters (party lists, date bounds) are cached and left out.
PAGES: dict[str, list[str]] = {
    "Overview": ["tracker.metrics.outcomes", "tracker.summaries.headline", "tracker.summaries.outcomes_by_period"],
    "Votes: search": ["tracker.queries.search_votes"],
    "Votes: one vote": ["tracker.queries.vote_detail", "tracker.metrics.outcomes", "tracker.queries.vote_parties",
                        "tracker.queries.seat_groups"],
    "Parties": ["tracker.metrics.party_alignment", "tracker.metrics.cohesion_summary",
                "tracker.metrics.party_position_grid", "tracker.metrics.alignment_with_reference"],
    "Trends: cohesion": ["tracker.metrics.cohesion_trend"],
    "Trends: party pairs": ["tracker.metrics.alignment_trend"],
    "Trends: reference": ["tracker.metrics.alignment_with_reference"],
    # The button under the map on a large parliament: one fit over all votes, kept beside the database. Measured
    # before "Members" so that page finds the stored fit, as it does after the first click.
    "Members: fit the map (button)": ["tracker.metrics.fit_and_store_ideal_points"],
    "Members": ["tracker.metrics.member_stats", "tracker.metrics.rebellions", "tracker.metrics.stored_ideal_points",
                "tracker.metrics.points_in_range", "tracker.metrics.party_centroids"],
}
# Built once per database version and process by the page (tracker.ui.cache.member_matrix), so left out of the
# warm numbers like the other cached readers; the cold-process and first-call numbers include building it.
CACHED = ["tracker.metrics.member_vote_matrix"]
REBELLIONS_SHOWN = 500    # tracker.ui.cache.REBELLIONS_SHOWN
GRID_VOTES_SHOWN = 200    # tracker.ui.cache.GRID_VOTES_SHOWN


def _overview(con: duckdb.DuckDBPyConnection, f: metrics.Filters) -> list:
    outcomes = metrics.outcomes(con, f)
    return [outcomes, summaries.headline(outcomes), summaries.outcomes_by_period(outcomes, f.period)]


def _votes_search(con: duckdb.DuckDBPyConnection, f: metrics.Filters) -> list:
    return [queries.search_votes(con, queries.VoteSearch(date_from=date.fromisoformat(f.date_from),
                                                         date_to=date.fromisoformat(f.date_to)))]


def _one_vote(con: duckdb.DuckDBPyConnection, f: metrics.Filters) -> list:
    # The vote opened is the last one in the filtered range, so each filter window opens another vote.
    vote_id = con.cursor().execute("select max(vote_id) from votes where date <= $d",
                                   {"d": f.date_to}).fetchone()[0]
    vote = queries.vote_detail(con, vote_id)
    day = pd.Timestamp(vote["date"]).date()
    outcome = metrics.outcomes(con, metrics.Filters(assembly=vote.get("assembly"), date_from=day, date_to=day))
    parties_on_vote = queries.vote_parties(con, vote_id)
    return [vote, outcome, parties_on_vote, queries.seat_groups(vote, parties_on_vote)]


def _parties(con: duckdb.DuckDBPyConnection, f: metrics.Filters) -> list:
    return [metrics.party_alignment(con, f), metrics.cohesion_summary(con, f),
            metrics.party_position_grid(con, f, latest=GRID_VOTES_SHOWN), metrics.alignment_with_reference(con, f)]


_MATRICES: dict[int, metrics.MemberVoteMatrix | None] = {}


def _matrix(con: duckdb.DuckDBPyConnection) -> metrics.MemberVoteMatrix | None:
    """The member vote matrix of this connection's database, built on first use (as the page's cached reader)."""
    if id(con) not in _MATRICES:
        _MATRICES[id(con)] = metrics.member_vote_matrix(con, keep=True)
    return _MATRICES[id(con)]


def _fit_map(con: duckdb.DuckDBPyConnection, f: metrics.Filters) -> list:
    return [metrics.fit_and_store_ideal_points(con, None, matrix=_matrix(con))]


def _members(con: duckdb.DuckDBPyConnection, f: metrics.Filters) -> list:
    matrix = _matrix(con)
    stats = metrics.member_stats(con, f, matrix=matrix)
    rebels = metrics.rebellions(con, f, latest=REBELLIONS_SHOWN, matrix=matrix)
    fit = metrics.stored_ideal_points(con, None)
    points = metrics.points_in_range(fit, stats) if fit is not None else None
    return [stats, rebels, points, metrics.party_centroids(points) if points is not None else None]


_LOADERS: dict[str, Callable[[duckdb.DuckDBPyConnection, metrics.Filters], list]] = {
    "Overview": _overview,
    "Votes: search": _votes_search,
    "Votes: one vote": _one_vote,
    "Parties": _parties,
    "Trends: cohesion": lambda con, f: [metrics.cohesion_trend(con, f)],
    "Trends: party pairs": lambda con, f: [metrics.alignment_trend(con, f)],
    "Trends: reference": lambda con, f: [metrics.alignment_with_reference(con, f)],
    "Members: fit the map (button)": _fit_map,
    "Members": _members,
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

    def call(loader: Callable) -> Callable[[Window], list]:
        return lambda w: loader(con, metrics.Filters(date_from=w.date_from, date_to=w.date_to, reference=reference))

    return {page: call(loader) for page, loader in _LOADERS.items()}


def app_pages() -> list[str]:
    """The page scripts AppTest can open (paths relative to the project), the entry page first; none before the UI."""
    app = PROJECT / "dashboard.py"
    pages_dir = PROJECT / "tracker" / "ui" / "pages"
    if not app.exists() or "tracker.ui" not in app.read_text(encoding="utf-8"):
        return []
    found = sorted(str(p.relative_to(PROJECT)) for p in pages_dir.glob("*.py")) if pages_dir.is_dir() else []
    return ["dashboard.py", *[p for p in found if not Path(p).name.startswith("_")]]
