"""The numbers journalists publish: outcomes, cohesion, alignment, pivotal parties, members, ideal points.

Every metric is defined in docs/metrics.md. One module per concern; this package re-exports the public names, so
`from tracker import metrics; metrics.outcomes(db, filters)` works everywhere, and METRICS is the registry the CLI,
the exports and the benchmarks list. The names load on first use (PEP 562 `__getattr__`): importing the package
imports neither pandas nor numpy, so `python -m tracker export cohesion` does not pay half a second for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tracker.metrics.filters import Filters
    from tracker.store import Store
    from tracker.table_query import TableQuery

# Each metric by the name the CLI and the exports use: the function computing it as a DataFrame, and the function
# giving it as one query DuckDB writes itself (`export`'s fast path; None: the DataFrame is the only way).
_METRIC_HOMES = {
    "outcomes": ("results.outcomes", "results.outcomes_query"),
    "cohesion": ("parties.cohesion", "parties.cohesion_query"),
    "cohesion-trend": ("parties.cohesion_trend", "parties.cohesion_trend_query"),
    "alignment": ("parties.party_alignment", "parties.party_alignment_query"),
    "alignment-trend": ("parties.alignment_trend", "parties.alignment_trend_query"),
    "pivotal": ("results.pivotal_parties", "results.pivotal_query"),
    "members": ("members.member_stats", "members.member_stats_query"),
    "member-alignment": ("members.member_alignment", "pairs.member_alignment_query"),
    "ideal-points": ("points.ideal_points", "kept.fit_query"),
}
METRIC_NAMES = tuple(_METRIC_HOMES)

# Where each public name lives (a module of this package, or tracker.model).
_HOMES = {
    "filters": ("Filters", "default_assembly"),
    "majority": ("vote_passed", "vote_threshold", "votes_to_flip"),
    "codes": ("MAX_MATRIX_CELLS", "POSITION_CODES"),
    "matrix": ("NO_PARTY", "MemberVoteMatrix", "keep_member_vote_matrix", "load_matrix", "member_vote_matrix"),
    "members": ("MEMBER_COLUMNS", "member_alignment", "member_stats", "rebellions"),
    "parties": ("COHESION_COLUMNS", "COHESION_SUMMARY_COLUMNS", "REFERENCE_COLUMNS", "agreement_index",
                "alignment_trend", "alignment_with_reference", "cohesion", "cohesion_summary", "cohesion_trend",
                "party_alignment", "party_position_grid", "rice_index"),
    "party_matrix": ("PartyCohesionRows", "PartyPositionMatrix", "alignment_from_matrix", "cohesion_trend_from_rows",
                     "party_cohesion_rows", "party_position_matrix"),
    "points": ("IDEAL_POINT_COLUMNS", "MAP_VOTE_COLUMNS", "MemberMap", "VoteCut", "fit_and_store_ideal_points",
               "fit_and_store_member_map", "ideal_points", "keep_member_matrix_and_map", "member_map",
               "party_centroids", "points_in_range", "stored_ideal_points", "stored_member_map", "vote_cut"),
    "results": ("OUTCOME_COLUMNS", "outcomes", "pivotal_parties"),
    "tracker.model": ("PERIODS", "party_position"),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = sorted(["METRICS", "METRIC_NAMES", "metric_query", *_HOME_OF])


def _module(name: str):
    return importlib.import_module(name if "." in name else f"{__name__}.{name}")


def _function(home: str):
    module, _, name = home.rpartition(".")
    return getattr(_module(module), name)


def metric_query(name: str, db: Store, filters: Filters) -> TableQuery | None:
    """A metric as one query DuckDB can write itself (loading no pandas); None when only its DataFrame function can."""
    home = _METRIC_HOMES[name][1]
    return None if home is None else _function(home)(db, filters)


def __getattr__(name: str) -> object:
    """A public name, imported from its module on first use and kept here."""
    if name == "METRICS":
        value: object = {metric: _function(frame) for metric, (frame, _) in _METRIC_HOMES.items()}
    elif name in _HOME_OF:
        value = getattr(_module(_HOME_OF[name]), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
