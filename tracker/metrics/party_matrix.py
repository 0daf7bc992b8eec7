"""Party positions as a parties × votes matrix, read once per database version, so alignment per date range is a slice.

The same numbers as `parties.party_alignment` (SQL), row for row: the dashboard's Parties page cuts a new date range
from this matrix instead of joining party_votes with itself again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tracker.metrics.codes import VOTE_COLUMNS, allowed_parties, date_window, fetch_columns, vote_dates
from tracker.metrics.filters import Filters
from tracker.store import Store

COMPARED = ("yes", "no", "abstain")   # positions alignment compares; split and anything else are left out
ALIGNMENT_COLUMNS = ["party_a", "party_b", "votes_compared", "agreement"]


@dataclass(frozen=True)
class PartyPositionMatrix:
    """Each party's compared position on each vote of an assembly, votes in date order (undated last)."""

    assembly: str | None
    parties: np.ndarray     # party labels, sorted (row order)
    dates: np.ndarray       # datetime64[D] per vote column, NaT for an undated vote
    positions: np.ndarray   # int8 parties × votes: 1 + index into COMPARED, 0 = no compared position


def party_position_matrix(db: Store, assembly: str | None) -> PartyPositionMatrix:
    """The stored party positions of an assembly's votes (None: all votes) as a matrix."""
    filters = Filters(assembly=assembly)
    dates = vote_dates(db, filters)
    rows = fetch_columns(db, f"""
        , {VOTE_COLUMNS}
        select vi.v, p.party,
               (case p.position when 'yes' then 1 when 'no' then 2 else 3 end)::tinyint as code
        from party_votes p join vi using (vote_id)
        where p.position in ('yes', 'no', 'abstain')""", filters)
    labels, codes = np.unique(np.asarray(rows["party"], dtype=str), return_inverse=True)
    positions = np.zeros((len(labels), len(dates)), dtype=np.int8)
    positions[codes, np.asarray(rows["v"], dtype=np.int64)] = np.asarray(rows["code"])
    return PartyPositionMatrix(assembly, labels.astype(object), dates, positions)


def alignment_from_matrix(matrix: PartyPositionMatrix, filters: Filters) -> pd.DataFrame:
    """Share of votes on which two parties took the same compared position, as `parties.party_alignment` gives it."""
    if (filters.assembly or None) != matrix.assembly:
        raise ValueError(f"This party position matrix holds assembly {matrix.assembly!r}, not {filters.assembly!r}.")
    window = matrix.positions[:, date_window(matrix.dates, filters)]
    kept = allowed_parties(matrix.parties, filters)[1:]
    window, labels = window[kept], matrix.parties[kept]
    # Counts as float64 matrix products: exact for whole numbers far beyond any number of votes.
    cast = (window > 0).astype(np.float64)
    compared = cast @ cast.T
    same = np.zeros_like(compared)
    for code in range(1, len(COMPARED) + 1):
        took = (window == code).astype(np.float64)
        same += took @ took.T
    a, b = np.nonzero(compared)
    return pd.DataFrame({"party_a": labels[a], "party_b": labels[b],
                         "votes_compared": compared[a, b].astype(np.int64),
                         "agreement": same[a, b] / compared[a, b]}, columns=ALIGNMENT_COLUMNS)
