"""Agreement between every two members (member-alignment), counted with numpy over the member vote codes.

numpy only, no pandas: `export member-alignment` takes the codes kept beside the database (or reads them from
DuckDB), counts the pairs here and hands them back to DuckDB to write; the page wraps the same pairs in a DataFrame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import tracker.metrics.kept as kept
from tracker.metrics.codes import (
    MAX_MATRIX_CELLS,
    allowed_parties,
    code_cells,
    code_matrices,
    date_window,
    member_ids,
    party_labels,
    vote_dates,
)
from tracker.metrics.filters import Filters
from tracker.store import Store
from tracker.table_query import TableQuery

MEMBER_ALIGNMENT_COLUMNS = ("member_a", "member_b", "votes_compared", "agreement")


@dataclass(frozen=True)
class MemberPairs:
    """Every ordered pair (a, b), a ≠ b, of members who both cast a vote on one vote at least, row by row of ids."""

    ids: np.ndarray              # member_id of each member who cast a vote, in member_id order
    a: np.ndarray                # index into ids, ascending; then b ascending
    b: np.ndarray
    votes_compared: np.ndarray   # int64: votes both cast (yes, no or abstain)
    agreement: np.ndarray        # float64: the share of those on which they voted the same


def member_pairs(ids: np.ndarray, dates: np.ndarray, positions: np.ndarray, parties: np.ndarray,
                 labels: np.ndarray | list[str], filters: Filters) -> MemberPairs:
    """The pairs over the votes in the filter's date range, counting each member's votes while in a chosen party."""
    window = date_window(dates, filters)
    position = positions[:, window]
    cast = (position >= 1) & (position <= 3)
    allowed = allowed_parties(labels, filters)
    if not allowed.all():
        cast &= allowed[parties[:, window]]
    voting = np.flatnonzero(cast.any(axis=1))
    if len(voting) < 2:
        nothing = np.zeros(0, dtype=np.int64)
        return MemberPairs(np.asarray(ids)[voting], nothing, nothing, nothing, np.zeros(0))
    if len(voting) < len(cast):
        position, cast = position[voting], cast[voting]
    agreed, compared = _agreed_and_compared(position, cast)
    a, b = np.nonzero(compared > 0)
    keep = a != b
    a, b = a[keep], b[keep]
    return MemberPairs(np.asarray(ids)[voting], a, b, compared[a, b].round().astype(np.int64),
                       agreed[a, b] / compared[a, b])


# Votes counted at a time: the block's yes|no|abstain|cast indicators (members x 4 x this, float32) are filled in
# place and used again for every block; fresh arrays for all votes at once were 25 MB at 700 x 3,000, and fresh
# memory is what a one-off command pays for most.
PAIR_BLOCK = 512


def _agreed_and_compared(position: np.ndarray, cast: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per pair of rows: votes on which both cast the same vote (yes, no or abstain), and votes both cast."""
    rows, columns = position.shape
    width = min(PAIR_BLOCK, columns)
    compared = np.zeros((rows, rows))
    agreed = np.zeros_like(compared)
    # Agreed = one product of the yes|no|abstain one-hot blocks side by side; compared = one of the cast indicator.
    # float32 counts are exact below 2^24 and each block's product is added into float64.
    one_hot = np.empty((rows, 3 * width), dtype=np.float32)
    indicator = np.empty((rows, width), dtype=np.float32)
    same = np.empty((rows, width), dtype=bool)
    for start in range(0, columns, width):
        part, voted = position[:, start:start + width], cast[:, start:start + width]
        w = part.shape[1]
        for k, code in enumerate((1, 2, 3)):
            np.equal(part, code, out=same[:, :w])
            np.logical_and(same[:, :w], voted, out=same[:, :w])
            one_hot[:, k * w:(k + 1) * w] = same[:, :w]
        block = one_hot[:, :3 * w]
        agreed += block @ block.T
        np.copyto(indicator[:, :w], voted)
        counted = indicator[:, :w]
        compared += counted @ counted.T
    return agreed, compared


def stored_member_pairs(db: Store, filters: Filters) -> MemberPairs:
    """The pairs from the member vote codes kept beside the database, else read from it (ValueError when too many)."""
    for assembly in kept.answering_assemblies(db, filters.assembly):
        arrays = kept.load_arrays(db, assembly)
        if arrays is not None:
            return member_pairs(arrays["members"], arrays["dates"].astype("datetime64[D]"), arrays["positions"],
                                arrays["parties"], arrays["party_labels"], filters)
    everyone = Filters(filters.assembly, filters.date_from, filters.date_to)
    dates, ids, labels = vote_dates(db, everyone), member_ids(db), party_labels(db)
    codes = None
    if len(dates) * len(ids) <= MAX_MATRIX_CELLS:
        codes = code_matrices(code_cells(db, everyone, labels), len(ids), len(dates))
    if codes is None:
        raise ValueError("Too many members × votes (or a member recorded twice on one vote) for this metric: "
                         "narrow the date range or choose one assembly.")
    return member_pairs(ids, dates, *codes, labels, filters)


def member_alignment_query(db: Store, filters: Filters) -> TableQuery:
    """member-alignment as a query over the counted pairs (numpy arrays DuckDB reads), in the DataFrame's order."""
    pairs = stored_member_pairs(db, filters)
    from tracker.export import plain_texts

    ids = [str(i) for i in pairs.ids]
    # No sort (a third of the export's time at 490,000 pairs): the pairs come in order of a, then b, and a select
    # over one table with no join keeps its rows' order (DuckDB's order preservation), also through COPY.
    return TableQuery("""
        select ($member_ids::varchar[])[a + 1] as member_a, ($member_ids::varchar[])[b + 1] as member_b,
               votes_compared, agreement
        from member_pairs""", (), {"member_ids": ids}, MEMBER_ALIGNMENT_COLUMNS,
                      {"member_pairs": {"a": pairs.a, "b": pairs.b, "votes_compared": pairs.votes_compared,
                                        "agreement": pairs.agreement}},
                      # The ids checked once here rather than the safety of every cell in the CSV (25 ms of it)
                      ("member_a", "member_b") if plain_texts(ids) else ())
