"""The dashboard's Store and its cached readers, keyed by the database's version."""

from __future__ import annotations

import dataclasses
import threading
import time

import numpy as np
import pandas as pd
import streamlit as st

from tracker import config, metrics, queries, store
from tracker.access import AttemptCounter
from tracker.metrics.filters import parameters
from tracker.sample import build_sample_database


@st.cache_resource(show_spinner=False)
def open_store(path: str) -> store.Store:
    """One Store per database file per process; every query uses a cursor of its own."""
    return store.connect(path)


_BUILD_LOCK = threading.Lock()


def database_path() -> str:
    """The database file this process shows (env TRACKER_DB, else data/tracker.duckdb)."""
    return str(config.database_path())


def database() -> store.Store:
    """The process's Store (reading the newest published copy); a missing file is built from the sample data."""
    path = config.database_path()
    try:
        with _BUILD_LOCK:
            if not path.exists():
                with st.spinner("Building the database from the sample data (first start only)..."):
                    build_sample_database(path)
        return open_store(str(path))
    except (store.DatabaseDamaged, store.DatabaseBusy, store.LockTimeout) as problem:
        st.error(str(problem))
        st.stop()


def import_notice() -> str | None:
    """'An import is running…' while another write holds the lock for more than a moment, else None."""
    path = config.database_path()
    if not store.is_busy(path):
        return None
    published = database().published_at
    as_of = time.strftime("%H:%M", time.localtime(published)) if published else "the last import"
    return f"An import is running; showing the data as of {as_of}. The pages update when it has finished."


def version() -> store.Version:
    """The database's current version: changes with every import and undo."""
    return database().version


@st.cache_resource(show_spinner=False)
def password_attempts() -> AttemptCounter:
    """Failed editor-password attempts in this process, for the growing delay."""
    return AttemptCounter()


def filters_key(filters: metrics.Filters) -> tuple:
    """A Filters as a plain tuple, for cache keys."""
    return dataclasses.astuple(filters)


# The metrics a page may read through metric(); not cohesion_trend, which Trends works out from rows.
METRIC_FUNCTIONS = {"outcomes", "cohesion", "cohesion_summary", "alignment_trend", "alignment_with_reference",
                    "pivotal_parties", "member_stats", "rebellions", "member_alignment", "party_position_grid"}


@st.cache_data(show_spinner=False, max_entries=256)
def _metric(db: str, version: int, name: str, key: tuple) -> pd.DataFrame:
    return getattr(metrics, name)(database(), metrics.Filters(*key))


def metric(name: str, filters: metrics.Filters) -> pd.DataFrame:
    """A metric table from tracker.metrics (a whitelisted function name), cached until the next import or undo."""
    if name not in METRIC_FUNCTIONS:
        raise ValueError(f"Unknown metric '{name}'.")
    return _metric(database_path(), version(), name, filters_key(filters))


def outcomes(filters: metrics.Filters) -> pd.DataFrame:
    """Each vote's outcome in the filters' assembly and dates: the assembly's computed once per version, then cut.

    A vote's outcome does not depend on the date range, so a new range is a slice of 20,000 rows (about 1 ms at
    14 M member votes) instead of a new query (about 100 ms); rows, order and columns are the metric's own.
    """
    bounds = parameters(filters)  # a bad date raises ValueError here, as the metric would
    every = metric("outcomes", metrics.Filters(assembly=filters.assembly))
    return _in_dates(every, bounds["date_from"], bounds["date_to"])


def vote_outcome(vote_id: str, assembly: str | None) -> dict | None:
    """One vote's row of the outcomes metric, missing values as None (None when it has no row), looked up by id.

    Opening a vote used to copy the assembly's cached outcomes (20,000 rows at 14 M member votes, 4 MB) and cut them
    by the vote's date, to keep one row; the rows are kept once per version, shared, with an index by vote id.
    """
    every, row_of = _outcomes_by_vote(database_path(), version(), assembly)
    row = row_of.get(vote_id)
    return None if row is None else queries.known(every.iloc[row].to_dict())


@st.cache_resource(show_spinner=False, max_entries=4)
def _outcomes_by_vote(db: str, version: int, assembly: str | None) -> tuple[pd.DataFrame, dict[str, int]]:
    # cache_resource: read-only and shared, not copied on each read as cache_data's tables are.
    every = metric("outcomes", metrics.Filters(assembly=assembly))
    return every, {vote: row for row, vote in enumerate(every["vote_id"].tolist())}


def _in_dates(frame: pd.DataFrame, date_from: object, date_to: object) -> pd.DataFrame:
    """The rows of a frame with a `date` column from date_from to date_to (both days kept; undated rows dropped when
    either end is given, as the query drops them).

    Compared in numpy, and a run of rows (the frames here are in date order) is a slice, not a copy of each column:
    0.4 ms instead of 2.4 for 20,000 votes.
    """
    dates = frame["date"].to_numpy()
    if dates.dtype.kind != "M":   # not datetime64: compared by pandas
        keep = pd.Series(True, index=frame.index)
        if date_from is not None:
            keep &= frame["date"] >= pd.Timestamp(date_from)
        if date_to is not None:
            keep &= frame["date"] <= pd.Timestamp(date_to)
        return frame[keep].reset_index(drop=True)
    keep = np.ones(len(dates), dtype=bool)   # NaT is neither before nor after a date: dropped by either end
    if date_from is not None:
        keep &= dates >= np.datetime64(pd.Timestamp(date_from))
    if date_to is not None:
        keep &= dates <= np.datetime64(pd.Timestamp(date_to))
    rows = np.flatnonzero(keep)
    if len(rows) and rows[-1] - rows[0] + 1 == len(rows):
        return frame.iloc[rows[0]:rows[-1] + 1].reset_index(drop=True)
    return frame.take(rows).reset_index(drop=True)


def search_votes(search: queries.VoteSearch) -> pd.DataFrame:
    """The Votes page's matches: the search without its dates read once per version, then cut by date.

    A new date range is then a slice of the matches (a few ms at 20,000 votes) instead of a new query (about 90 ms
    at 14 M member votes); rows, order and columns are the query's own.
    """
    if search.date_from is None and search.date_to is None:
        return read("search_votes", search)
    every = read("search_votes", dataclasses.replace(search, date_from=None, date_to=None))
    return _in_dates(every, search.date_from, search.date_to)


def cohesion_trend(filters: metrics.Filters) -> pd.DataFrame:
    """The metric cohesion_trend cut from the assembly's party cohesion per vote (read once per version) by dates and
    parties, then averaged per period: 3-5 ms at 14 M member votes instead of a query of 12-35 ms; rows, order and
    counts are the SQL metric's own, the means equal within rounding (tests/metrics/test_party_matrix.py)."""
    return metrics.cohesion_trend_from_rows(_party_cohesion_rows(database_path(), version(), filters.assembly or None),
                                            filters)


@st.cache_resource(show_spinner=False, max_entries=4)
def _party_cohesion_rows(db: str, version: int, assembly: str | None) -> metrics.PartyCohesionRows:
    # cache_resource: read-only arrays, shared instead of copied on each read.
    return metrics.party_cohesion_rows(database(), assembly)


@st.cache_resource(show_spinner=False, max_entries=2)
def _member_matrix(db: str, version: int, assembly: str | None) -> metrics.MemberVoteMatrix | None:
    # cache_resource, not cache_data: the matrices (tens of MB) are read-only and shared instead of copied per rerun.
    return metrics.member_vote_matrix(database(), metrics.Filters(assembly=assembly), keep=True)


def member_matrix(assembly: str | None) -> metrics.MemberVoteMatrix | None:
    """All member votes of an assembly as code matrices (None when too large): built once per database version."""
    return _member_matrix(database_path(), version(), assembly or None)


@st.cache_resource(show_spinner=False, max_entries=4)
def _party_positions(db: str, version: int, assembly: str | None) -> metrics.PartyPositionMatrix:
    return metrics.party_position_matrix(database(), assembly)


def party_alignment(filters: metrics.Filters) -> pd.DataFrame:
    """The metric party_alignment cut from the assembly's party positions (read once per version) by dates and parties.

    A new date range is then a few ms at 20,000 votes instead of a self-join of party_votes (25–50 ms at 14 M member
    votes); rows, order and numbers are the SQL metric's own (tests/ui/test_cache.py).
    """
    parameters(filters)  # a bad date raises ValueError here, as the metric would
    return metrics.alignment_from_matrix(_party_positions(database_path(), version(), filters.assembly or None),
                                         filters)


def warm() -> None:
    """Read the slowest first reads of the assembly the pages open with into the caches: every vote's outcome, its
    party positions, the Votes page's list, each party's cohesion per vote, and its member vote matrix when one is
    kept (loading it is half a second at 14 M member votes; building it is not done)."""
    import tracker.metrics.kept as kept

    assembly = metrics.default_assembly(database())
    outcomes(metrics.Filters(assembly=assembly))
    _party_positions(database_path(), version(), assembly)
    search_votes(queries.VoteSearch(assembly=assembly))   # the Votes page before any search (about 0.1 s at 14 M)
    _party_cohesion_rows(database_path(), version(), assembly)   # the Trends page (about 0.1 s at 14 M)
    if kept.has_arrays(database(), assembly):
        member_matrix(assembly)


REBELLIONS_SHOWN = 500
GRID_VOTES_SHOWN = 200   # a votes × parties grid wider than this is not readable on a screen


@st.cache_data(show_spinner=False, max_entries=64)
def _latest_position_grid(db: str, version: int, key: tuple) -> pd.DataFrame:
    return metrics.party_position_grid(database(), metrics.Filters(*key), latest=GRID_VOTES_SHOWN)


def latest_position_grid(filters: metrics.Filters) -> pd.DataFrame:
    """Party positions on the latest GRID_VOTES_SHOWN votes in range (oldest first)."""
    return _latest_position_grid(database_path(), version(), filters_key(filters))


@st.cache_data(show_spinner=False, max_entries=64)
def _member_stats(db: str, version: int, key: tuple) -> pd.DataFrame:
    filters = metrics.Filters(*key)
    return metrics.member_stats(database(), filters, matrix=member_matrix(filters.assembly))


def member_stats(filters: metrics.Filters) -> pd.DataFrame:
    """Per-member statistics for the filters."""
    return _member_stats(database_path(), version(), filters_key(filters))


@st.cache_data(show_spinner=False, max_entries=64)
def _rebellions(db: str, version: int, key: tuple) -> pd.DataFrame:
    filters = metrics.Filters(*key)
    return metrics.rebellions(database(), filters, latest=REBELLIONS_SHOWN, matrix=member_matrix(filters.assembly))


def rebellions(filters: metrics.Filters) -> pd.DataFrame:
    """The latest REBELLIONS_SHOWN rebellions (newest first) for the filters."""
    return _rebellions(database_path(), version(), filters_key(filters))


# Up to this many members × votes in the whole assembly, the map is fitted on the first visit (about a second);
# above it the page asks first (a few seconds). Either way one fit over all votes is kept beside the database for
# this version, and the filters only choose which of its members are shown.
FIT_ON_FILTER_CELLS = 2_000_000


@st.cache_data(show_spinner=False, max_entries=16)
def _stored_fit(db: str, version: int, assembly: str | None, fit: bool) -> metrics.MemberMap | None:
    kept = metrics.stored_member_map(database(), assembly)
    if kept is None and fit:
        kept = metrics.fit_and_store_member_map(database(), assembly, matrix=member_matrix(assembly))
    return kept


# Maps this process fitted on request ("Fit the map"), by database file, version and assembly: drawn as they are
# on that run and the runs after it, where reading back the copy just kept took 30-70 ms inside the dashboard at
# 14 M. Shared by all sessions, like the caches above; nothing changes a map in place (oriented() copies).
_fitted_maps: dict[tuple[str, int, str | None], metrics.MemberMap] = {}
FITTED_MAPS_KEPT = 8


def ideal_points(filters: metrics.Filters) -> metrics.MemberMap | None:
    """The assembly's map fitted on all its votes (fitted now when small enough); None while it waits for fit_map.

    ValueError when the member votes cannot be read into a matrix (too many, or a member twice on one vote).
    """
    assembly = filters.assembly or None
    fitted = _fitted_maps.get((database_path(), version(), assembly))
    if fitted is not None:
        return fitted
    kept = _stored_fit(database_path(), version(), assembly, False)
    if kept is not None:
        return kept
    matrix = member_matrix(assembly)
    if matrix is not None and len(matrix.members) * len(matrix.votes) > FIT_ON_FILTER_CELLS:
        return None
    return _stored_fit(database_path(), version(), assembly, True)


def fit_map(assembly: str | None) -> metrics.MemberMap:
    """Fit the map on all votes of the assembly and keep it beside the database (for this version); the map."""
    fitted = metrics.fit_and_store_member_map(database(), assembly or None, matrix=member_matrix(assembly))
    _stored_fit.clear()
    if len(_fitted_maps) >= FITTED_MAPS_KEPT:
        _fitted_maps.clear()
    _fitted_maps[(database_path(), version(), assembly or None)] = fitted
    return fitted


@st.cache_data(show_spinner=False, max_entries=256)
def _read(db: str, version: int, name: str, args: tuple) -> object:
    return getattr(queries, name)(database(), *args)


_READERS = {"assemblies", "synthetic_assemblies", "parties", "blocs", "stages", "date_bounds", "has_member_votes",
            "search_votes", "vote_detail", "vote_parties", "matter_stages", "stage_moves"}


def read(name: str, *args: object):
    """A reader from tracker.queries by name (a whitelist), cached until the next import or undo."""
    if name not in _READERS:
        raise ValueError(f"Unknown reader '{name}'.")
    return _read(database_path(), version(), name, args)


def is_empty() -> bool:
    """True when no vote is stored (asked once per version: every page asks on every rerun)."""
    return _is_empty(database_path(), version())


@st.cache_data(show_spinner=False, max_entries=4)
def _is_empty(db: str, version: int) -> bool:
    return store.is_empty(database())


def clear_caches() -> None:
    """Forget every cached table (after an import or undo)."""
    st.cache_data.clear()
    _fitted_maps.clear()
    _member_matrix.clear()
    _outcomes_by_vote.clear()
    _party_cohesion_rows.clear()
