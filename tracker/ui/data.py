"""The dashboard's database connection and its cached readers, keyed by the database's version."""

from __future__ import annotations

import dataclasses
import threading

import duckdb
import pandas as pd
import streamlit as st

from tracker import config, metrics, queries, store
from tracker.access import AttemptCounter


@st.cache_resource(show_spinner=False)
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    """One connection per database file per process; every query uses its own cursor."""
    return store.connect(path)


_BUILD_LOCK = threading.Lock()


def database_path() -> str:
    """The database file this process shows (env TRACKER_DB, else data/tracker.duckdb)."""
    return str(config.database_path())


def connection() -> duckdb.DuckDBPyConnection:
    """The process's connection; on first use of a missing file, it is built from the sample data."""
    path = config.database_path()
    with _BUILD_LOCK:
        if not path.exists():
            from tracker.cli import build_sample_database

            with st.spinner("Building the database from the sample data (first start only)..."):
                build_sample_database(path)
    return _connection(str(path))


def version() -> int:
    """The database's current version: changes with every import and undo."""
    return store.database_version(connection())


@st.cache_resource(show_spinner=False)
def password_attempts() -> AttemptCounter:
    """Failed editor-password attempts in this process, for the growing delay."""
    return AttemptCounter()


def filters_key(filters: metrics.Filters) -> tuple:
    """A Filters as a plain tuple, for cache keys."""
    return dataclasses.astuple(filters)


METRIC_FUNCTIONS = {"outcomes", "cohesion", "cohesion_trend", "party_alignment", "alignment_trend",
                    "alignment_with_reference", "pivotal_parties", "member_stats", "rebellions", "member_alignment",
                    "party_position_grid"}


@st.cache_data(show_spinner=False, max_entries=256)
def _metric(db: str, version: int, name: str, key: tuple) -> pd.DataFrame:
    return getattr(metrics, name)(connection(), metrics.Filters(*key))


def metric(name: str, filters: metrics.Filters) -> pd.DataFrame:
    """A metric table from tracker.metrics (a whitelisted function name), cached until the next import or undo."""
    if name not in METRIC_FUNCTIONS:
        raise ValueError(f"Unknown metric '{name}'.")
    return _metric(database_path(), version(), name, filters_key(filters))


@st.cache_data(show_spinner=False, max_entries=64)
def _ideal_points(db: str, version: int, key: tuple) -> tuple[pd.DataFrame, pd.DataFrame]:
    points = metrics.ideal_points(connection(), metrics.Filters(*key))
    return points, metrics.party_centroids(points) if not points.empty else pd.DataFrame(
        columns=["party", "dim1", "dim2", "members"])


def ideal_points(filters: metrics.Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Members' positions on two dimensions and each party's centre."""
    return _ideal_points(database_path(), version(), filters_key(filters))


@st.cache_data(show_spinner=False, max_entries=256)
def _read(db: str, version: int, name: str, args: tuple) -> object:
    return getattr(queries, name)(connection(), *args)


_READERS = {"assemblies", "synthetic_assemblies", "parties", "blocs", "stages", "date_bounds", "has_member_votes",
            "search_votes", "vote_detail", "vote_parties", "matter_stages", "stage_moves"}


def read(name: str, *args: object):
    """A reader from tracker.queries by name (a whitelist), cached until the next import or undo."""
    if name not in _READERS:
        raise ValueError(f"Unknown reader '{name}'.")
    return _read(database_path(), version(), name, args)


def is_empty() -> bool:
    """True when no vote is stored."""
    return store.is_empty(connection())


def clear_caches() -> None:
    """Forget every cached table (after an import or undo)."""
    st.cache_data.clear()
