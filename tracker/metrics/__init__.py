"""The numbers journalists publish: outcomes, cohesion, alignment, pivotal parties, members, ideal points.

Every metric is defined in docs/metrics.md. One module per concern; this package re-exports the public names, so
`from tracker import metrics; metrics.outcomes(db, filters)` works everywhere, and METRICS is the registry the CLI,
the exports and the benchmarks list.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from tracker.metrics.filters import Filters, default_assembly
from tracker.metrics.majority import flips, thresholds, vote_passed, vote_threshold, votes_to_flip
from tracker.metrics.matrix import (
    MAX_MATRIX_CELLS,
    NO_PARTY,
    POSITION_CODES,
    MemberVoteMatrix,
    keep_member_vote_matrix,
    load_matrix,
    member_vote_matrix,
)
from tracker.metrics.members import MEMBER_COLUMNS, member_alignment, member_stats, rebellions
from tracker.metrics.parties import (
    COHESION_COLUMNS,
    COHESION_SUMMARY_COLUMNS,
    REFERENCE_COLUMNS,
    agreement_index,
    alignment_trend,
    alignment_with_reference,
    cohesion,
    cohesion_summary,
    cohesion_trend,
    party_alignment,
    party_position_grid,
    rice_index,
)
from tracker.metrics.points import (
    IDEAL_POINT_COLUMNS,
    MAP_VOTE_COLUMNS,
    MemberMap,
    VoteCut,
    fit_and_store_ideal_points,
    fit_and_store_member_map,
    ideal_points,
    keep_member_matrix_and_map,
    member_map,
    party_centroids,
    points_in_range,
    stored_ideal_points,
    stored_member_map,
    vote_cut,
)
from tracker.metrics.results import OUTCOME_COLUMNS, outcomes, pivotal_parties
from tracker.model import PERIODS, party_position
from tracker.store import Store

METRICS: dict[str, Callable[[Store, Filters], pd.DataFrame]] = {
    "outcomes": outcomes,
    "cohesion": cohesion,
    "cohesion-trend": cohesion_trend,
    "alignment": party_alignment,
    "alignment-trend": alignment_trend,
    "pivotal": pivotal_parties,
    "members": member_stats,
    "member-alignment": member_alignment,
    "ideal-points": ideal_points,
}

__all__ = [
    "COHESION_COLUMNS", "COHESION_SUMMARY_COLUMNS", "IDEAL_POINT_COLUMNS", "MAP_VOTE_COLUMNS", "MAX_MATRIX_CELLS",
    "MEMBER_COLUMNS", "METRICS", "NO_PARTY", "OUTCOME_COLUMNS", "PERIODS", "POSITION_CODES", "REFERENCE_COLUMNS",
    "Filters", "MemberMap", "MemberVoteMatrix", "VoteCut", "agreement_index", "alignment_trend",
    "alignment_with_reference", "cohesion", "cohesion_summary", "cohesion_trend", "default_assembly",
    "fit_and_store_ideal_points", "fit_and_store_member_map", "flips", "ideal_points", "keep_member_matrix_and_map",
    "keep_member_vote_matrix", "load_matrix", "member_alignment", "member_map", "member_stats", "member_vote_matrix",
    "outcomes", "party_alignment", "party_centroids", "party_position", "party_position_grid", "pivotal_parties",
    "points_in_range", "rebellions", "rice_index", "stored_ideal_points", "stored_member_map", "thresholds", "vote_cut",
    "vote_passed", "vote_threshold", "votes_to_flip",
]
