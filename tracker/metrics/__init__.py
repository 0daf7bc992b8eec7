"""The numbers journalists publish: outcomes, cohesion, alignment, pivotal parties, members, ideal points.

Every metric is defined in docs/metrics.md. One module per concern; this package re-exports the public names, so
`from tracker import metrics; metrics.outcomes(db, filters)` works everywhere, and METRICS is the registry the CLI,
the exports and the benchmarks list. The names load on first use (PEP 562 `__getattr__`): importing the package
imports neither pandas nor numpy, so `python -m tracker export cohesion` does not pay half a second for them.
"""

from __future__ import annotations

import importlib

# Each metric by the name the CLI and the exports use: the module and the function that computes it as a DataFrame.
_METRIC_HOMES = {
    "outcomes": ("results", "outcomes"),
    "cohesion": ("parties", "cohesion"),
    "cohesion-trend": ("parties", "cohesion_trend"),
    "alignment": ("parties", "party_alignment"),
    "alignment-trend": ("parties", "alignment_trend"),
    "pivotal": ("results", "pivotal_parties"),
    "members": ("members", "member_stats"),
    "member-alignment": ("members", "member_alignment"),
    "ideal-points": ("points", "ideal_points"),
}
METRIC_NAMES = tuple(_METRIC_HOMES)

# Where each public name lives (a module of this package, or tracker.model).
_HOMES = {
    "filters": ("Filters",),
    "majority": ("flips", "thresholds", "vote_passed", "vote_threshold", "votes_to_flip"),
    "matrix": ("MAX_MATRIX_CELLS", "NO_PARTY", "POSITION_CODES", "MemberVoteMatrix", "keep_member_vote_matrix",
               "load_matrix", "member_vote_matrix"),
    "members": ("MEMBER_COLUMNS", "member_alignment", "member_stats", "rebellions"),
    "parties": ("COHESION_COLUMNS", "COHESION_SUMMARY_COLUMNS", "REFERENCE_COLUMNS", "agreement_index",
                "alignment_trend", "alignment_with_reference", "cohesion", "cohesion_summary", "cohesion_trend",
                "party_alignment", "party_position_grid", "rice_index"),
    "points": ("IDEAL_POINT_COLUMNS", "MAP_VOTE_COLUMNS", "MemberMap", "VoteCut", "fit_and_store_ideal_points",
               "fit_and_store_member_map", "ideal_points", "member_map", "party_centroids", "points_in_range",
               "stored_ideal_points", "stored_member_map", "vote_cut"),
    "results": ("OUTCOME_COLUMNS", "outcomes", "pivotal_parties"),
    "tracker.model": ("PERIODS", "party_position"),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = sorted(["METRICS", "METRIC_NAMES", *_HOME_OF])


def _module(name: str):
    return importlib.import_module(name if "." in name else f"{__name__}.{name}")


def __getattr__(name: str) -> object:
    """A public name, imported from its module on first use and kept here."""
    if name == "METRICS":
        value: object = {metric: getattr(_module(module), function)
                         for metric, (module, function) in _METRIC_HOMES.items()}
    elif name in _HOME_OF:
        value = getattr(_module(_HOME_OF[name]), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
