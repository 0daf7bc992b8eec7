"""Ideal points of members: the fit over the member-vote matrix, the fit kept beside the database, party centroids.

The estimator itself is tracker.ideal_points; this module chooses the votes, the sign and what is kept.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import tracker.metrics.kept as kept
from tracker import ideal_points as ideal
from tracker.metrics.filters import Filters
from tracker.metrics.matrix import MemberVoteMatrix, latest_party, required_matrix
from tracker.store import Store

IDEAL_POINT_COLUMNS = ["member_id", "name", "party", "dim1", "dim2", "votes"]


def ideal_points(db: Store, filters: Filters, right_party: str | None = None,
                 min_votes: int = ideal.MIN_VOTES, min_minority: float = ideal.MIN_MINORITY,
                 matrix: MemberVoteMatrix | None = None) -> pd.DataFrame:
    """2-D ideal points of members from their yes/no votes; fitted on all parties, then filtered to the chosen ones."""
    matrix = matrix or required_matrix(db, filters)
    window = matrix.window(filters)
    position = matrix.positions[:, window]
    yes_no = np.where(position == 1, 1, np.where(position == 2, -1, 0)).astype(np.int8)
    # The party a member belonged to at their latest yes/no vote in the range.
    parties = latest_party(matrix, matrix.parties[:, window], (position == 1) | (position == 2))
    voted = np.flatnonzero((yes_no != 0).any(axis=1))
    if len(voted) == 0:
        return pd.DataFrame(columns=IDEAL_POINT_COLUMNS)
    yes_no, parties = yes_no[voted], parties[voted]
    if right_party is None:
        labels, sizes = np.unique(parties[pd.notna(parties)].astype(str), return_counts=True)
        right_party = str(labels[np.argmax(sizes)]) if len(labels) else None
    fit = ideal.fit(yes_no, min_votes=min_votes, min_minority=min_minority,
                    right=None if right_party is None else parties == right_party)
    if fit is None:
        return pd.DataFrame(columns=IDEAL_POINT_COLUMNS)
    used = ~np.isnan(fit.points[:, 0])
    frame = pd.DataFrame({"member_id": matrix.members.to_numpy()[voted][used],
                          "name": matrix.names[voted][used], "party": parties[used],
                          "dim1": fit.points[used, 0], "dim2": fit.points[used, 1], "votes": fit.votes_used[used]})
    if filters.parties:
        frame = frame[frame["party"].isin(filters.parties)]
    return frame[IDEAL_POINT_COLUMNS].sort_values("dim1", ignore_index=True)


# One fit over all votes per database version (and assembly), kept in a file beside the database, so a large
# parliament's map is fitted once per import instead of on every filter change.


def stored_ideal_points(db: Store, assembly: str | None) -> pd.DataFrame | None:
    """The stored all-votes fit for this database version and assembly, or None when there is none."""
    return kept.load_fit(db, assembly)


def fit_and_store_ideal_points(db: Store, assembly: str | None,
                               matrix: MemberVoteMatrix | None = None) -> pd.DataFrame:
    """Fit ideal points on all votes of the assembly and keep them beside the database for this version."""
    points = ideal_points(db, Filters(assembly=assembly), matrix=matrix)
    kept.save_fit(db, assembly, points)
    return points


def points_in_range(fit: pd.DataFrame, stats: pd.DataFrame) -> pd.DataFrame:
    """An all-votes fit shown for the members in a filtered member_stats table, with their party in that range."""
    if fit.empty or stats.empty:
        return pd.DataFrame(columns=IDEAL_POINT_COLUMNS)
    shown = fit[["member_id", "dim1", "dim2", "votes"]].merge(stats[["member_id", "name", "party"]], on="member_id")
    return shown[IDEAL_POINT_COLUMNS].sort_values("dim1", ignore_index=True)


def party_centroids(points: pd.DataFrame) -> pd.DataFrame:
    """Mean ideal point per party and how many members it averages."""
    if points.empty:
        return pd.DataFrame(columns=["party", "dim1", "dim2", "members"])
    return (points.groupby("party", as_index=False)
            .agg(dim1=("dim1", "mean"), dim2=("dim2", "mean"), members=("member_id", "count"))
            .sort_values("dim1", ignore_index=True))
