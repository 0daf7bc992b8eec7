"""Member metrics over a MemberVoteMatrix (numpy counts): the Members page's fast path, the same rows as members.py."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracker.metrics.filters import Filters
from tracker.metrics.matrix import POSITION_NAMES, MemberVoteMatrix, latest_party
from tracker.nominate.votes import true_cells


def _dense_cells(matrix: MemberVoteMatrix, filters: Filters) -> dict[str, object]:
    """The masks member metrics count, over the filter's votes and parties (members × votes in the window)."""
    window = matrix.window(filters)
    cells = {"window": window, "position": matrix.positions[:, window], "party": matrix.parties[:, window],
             "line": matrix.lines[:, window]}
    kept = matrix.allowed_parties(filters)[cells["party"]] if filters.parties else None
    for name in ("in_office", "cast", "with_party", "against"):
        mask = getattr(matrix, name)[:, window]
        cells[name] = mask if kept is None else mask & kept
    return cells


def member_stats_dense(matrix: MemberVoteMatrix, filters: Filters) -> pd.DataFrame:
    """member_stats counted over the matrix."""
    cells = _dense_cells(matrix, filters)
    in_office = true_cells(cells["in_office"], axis=1)
    cast = true_cells(cells["cast"], axis=1)
    with_party = true_cells(cells["with_party"], axis=1)
    judged = with_party + true_cells(cells["against"], axis=1)
    frame = pd.DataFrame({
        "member_id": matrix.members, "name": matrix.names,
        "party": latest_party(matrix, cells["party"], cells["in_office"]),
        "votes_in_office": in_office, "votes_cast": cast,
        "participation": cast / np.maximum(in_office, 1), "votes_with_party": with_party,
        "loyalty": np.where(judged > 0, with_party / np.maximum(judged, 1), np.nan),
        "rebellions": judged - with_party})[in_office > 0]
    return frame.sort_values(["party", "name", "member_id"], na_position="last", ignore_index=True)


def rebellions_dense(matrix: MemberVoteMatrix, filters: Filters, latest: int | None) -> pd.DataFrame:
    """rebellions unpacked from the matrix."""
    cells = _dense_cells(matrix, filters)
    against = cells["against"]
    first = 0
    if latest is not None:
        # Only the newest votes that hold the latest N rebellions are unpacked.
        from_the_end = np.cumsum(true_cells(against, axis=0)[::-1])
        first = max(0, against.shape[1] - 1 - int(np.searchsorted(from_the_end, latest)))
    member, column = np.nonzero(against[:, first:])
    column = column + first
    votes = matrix.votes.iloc[cells["window"]].reset_index(drop=True)
    labels = np.concatenate([[None], matrix.party_labels]).astype(object)
    frame = pd.DataFrame({"column": column, "vote_id": votes["vote_id"].to_numpy()[column],
                          "date": votes["date"].to_numpy()[column], "title": votes["title"].to_numpy()[column],
                          "member_id": matrix.members.to_numpy()[member], "name": matrix.names[member],
                          "party": labels[cells["party"][member, column]],
                          "position": POSITION_NAMES[cells["position"][member, column]],
                          "party_position": POSITION_NAMES[cells["line"][member, column]]})
    newest_first = latest is not None
    frame = frame.sort_values(["column", "party", "member_id"], ascending=[not newest_first, True, True],
                              ignore_index=True)
    if latest is not None:
        frame = frame.head(latest)
    return frame.drop(columns="column")
