"""Party positions as a parties × votes matrix, and each party's cohesion on each vote, read once per database
version, so alignment and cohesion per date range are a slice.

The same numbers as `parties.party_alignment` and `parties.cohesion_trend` (SQL), row for row: the dashboard's Parties
and Trends pages cut a new date range from these instead of querying party_votes again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tracker.metrics.codes import (
    VOTE_COLUMNS,
    allowed_parties,
    date_window,
    fetch_columns,
    first_months,
    vote_dates,
)
from tracker.metrics.filters import Filters
from tracker.metrics.parties import INDICES_SQL
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


COHESION_TREND_COLUMNS = ["period", "party", "votes", "mean_rice", "mean_agreement_index", "rice_votes",
                          "agreement_votes"]


@dataclass(frozen=True)
class PartyCohesionRows:
    """Each party's Rice index and Agreement Index on each dated vote of an assembly, by date; an unknown index is 0
    with a known flag of 0, so that sums and counts are weighted sums over a slice, without copies."""

    assembly: str | None
    parties: np.ndarray         # party labels, sorted
    dates: np.ndarray           # datetime64[D] per row, ascending
    months: np.ndarray          # per row, its month counted from January 1970 (int64)
    party: np.ndarray           # per row, the index of its party in `parties` (int64)
    rice: np.ndarray            # float64 per row, 0 where unknown
    rice_known: np.ndarray      # float64 per row, 1 where the Rice index is known, else 0
    agreement: np.ndarray       # float64 per row, 0 where unknown
    agreement_known: np.ndarray


def party_cohesion_rows(db: Store, assembly: str | None) -> PartyCohesionRows:
    """The rows cohesion_trend averages, for every dated vote of an assembly (None: all votes), each index computed
    by the SQL cohesion uses."""
    rows = fetch_columns(db, f"""
        select fv.date::date as date, p.party, {INDICES_SQL}
        from party_votes p join fv using (vote_id)
        where fv.date is not null
        order by fv.date""", Filters(assembly=assembly))
    labels, party = np.unique(np.asarray(rows["party"], dtype=str), return_inverse=True)
    dates = np.asarray(rows["date"]).astype("datetime64[D]")
    months = dates.astype("datetime64[M]").astype(np.int64)   # once: a calendar conversion of every row
    indices = []
    for column in ("rice", "agreement_index"):
        values = np.ma.asarray(rows[column], dtype=np.float64)
        known = ~np.ma.getmaskarray(values) & ~np.isnan(np.ma.filled(values, 0.0))
        indices += [np.where(known, np.ma.filled(values, 0.0), 0.0), known.astype(np.float64)]
    return PartyCohesionRows(assembly, labels.astype(object), dates, months, party.astype(np.int64), *indices)


def cohesion_trend_from_rows(rows: PartyCohesionRows, filters: Filters) -> pd.DataFrame:
    """Mean Rice and Agreement Index per period and party, with the votes each mean covers, as
    `parties.cohesion_trend` gives them (means as sums over counts: equal to SQL's avg within rounding)."""
    if (filters.assembly or None) != rows.assembly:
        raise ValueError(f"These cohesion rows hold assembly {rows.assembly!r}, not {filters.assembly!r}.")
    window = date_window(rows.dates, filters)   # a bad date or period raises here, as the SQL would
    party, months = rows.party[window], rows.months[window]
    weights = {"rice": rows.rice[window], "rice_known": rows.rice_known[window],
               "agreement": rows.agreement[window], "agreement_known": rows.agreement_known[window]}
    if filters.parties:   # else every row counts, and slices of the rows are read without a copy
        kept = allowed_parties(rows.parties, filters)[1:][party]
        party, months = party[kept], months[kept]
        weights = {name: values[kept] for name, values in weights.items()}
    # The rows are in date order, so their periods are too: a new period starts where the period changes.
    each = first_months(months, filters.period)
    new = np.ones(len(each), dtype=bool)
    new[1:] = each[1:] != each[:-1]
    starts, period = each[new], np.cumsum(new) - 1
    width = len(rows.parties)
    group = period * width + party
    cells = len(starts) * width
    votes = np.bincount(group, minlength=cells)
    columns = {}
    for mean, count, index in (("mean_rice", "rice_votes", "rice"),
                               ("mean_agreement_index", "agreement_votes", "agreement")):
        # Counts summed as float64 ones and zeros: exact for whole numbers far beyond any number of votes.
        counted = np.bincount(group, weights=weights[f"{index}_known"], minlength=cells)
        total = np.bincount(group, weights=weights[index], minlength=cells)
        columns[mean] = np.divide(total, counted, out=np.full(cells, np.nan), where=counted > 0)
        columns[count] = counted.astype(np.int64)
    present = np.flatnonzero(votes)
    frame = pd.DataFrame({"period": starts[present // width].astype("datetime64[M]").astype("datetime64[us]"),
                          # text as DuckDB gives it: str, or object when there is no row
                          "party": pd.array(rows.parties[present % width], dtype="str" if len(present) else object),
                          "votes": votes[present]})
    for name, column in columns.items():
        frame[name] = column[present]
    return frame[COHESION_TREND_COLUMNS]
