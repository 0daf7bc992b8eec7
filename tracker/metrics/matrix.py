"""Member votes as a dense members × votes matrix of codes, built once per database version, for fast member metrics."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

import tracker.metrics.kept as kept
from tracker.metrics.codes import (
    MAX_MATRIX_CELLS,
    POSITION_CODES,
    VOTE_COLUMNS,
    allowed_parties,
    code_cells,
    code_matrices,
    date_window,
    party_labels,
)
from tracker.metrics.filters import ALL_VOTES, Filters, default_assembly, query
from tracker.store import Store

# Names of the codes of MemberVoteMatrix.positions (0 = no row) and .party_positions (0 = no position).
POSITION_NAMES = np.array([None, "yes", "no", "abstain", "absent", "not_member", "split", None], dtype=object)
NO_PARTY = "(no party)"   # the party_tallies label of members without a party


@dataclass(frozen=True)
class MemberVoteMatrix:
    """Member votes as members × votes code matrices, votes in date order, for fast member metrics per date range."""

    assembly: str | None
    members: pd.Index             # member_id, sorted
    names: np.ndarray             # member names (None when unknown)
    votes: pd.DataFrame           # vote_id, date, title in column order (date, then vote_id; undated last)
    positions: np.ndarray         # int8 members × votes: POSITION_CODES, 0 = no row
    parties: np.ndarray           # int16 members × votes: 1 + index into party_labels, 0 = no party or no row
    party_labels: np.ndarray      # party labels (from party_votes)
    party_positions: np.ndarray   # int8 (1 + parties) × votes: each party's effective position; row 0 = NO_PARTY
    lines: np.ndarray             # int8 members × votes: the position of the member's party at that vote
    in_office: np.ndarray         # bool members × votes: a row other than not_member
    cast: np.ndarray              # bool: in office and voted yes, no or abstain
    with_party: np.ndarray        # bool: cast, the party (not null) took yes/no/abstain, and the member's was the same
    against: np.ndarray           # bool: as with_party, but the member's position differed (a rebellion)

    def window(self, filters: Filters) -> slice:
        """The columns of the votes in the filter's date range (undated votes only when no date is set)."""
        if (filters.assembly or None) != self.assembly:
            raise ValueError(f"This member vote matrix holds assembly {self.assembly!r}, not {filters.assembly!r}.")
        return date_window(self.votes["date"].to_numpy(dtype="datetime64[D]"), filters)

    def allowed_parties(self, filters: Filters) -> np.ndarray:
        """Per party code (0 = no party), whether the party filter keeps it."""
        return allowed_parties(self.party_labels, filters)


def member_vote_matrix(db: Store, filters: Filters = ALL_VOTES,
                       max_cells: int = MAX_MATRIX_CELLS, keep: bool = False) -> MemberVoteMatrix | None:
    """The member votes on the filter's votes (assembly and dates; parties are applied later) as code matrices.

    None when members × votes exceeds max_cells or a member has two rows on one vote (the SQL paths handle those).
    With keep, the codes are kept in a file beside the database until the next import or undo, so a new process
    (a restarted dashboard) loads them instead of reading every member vote again.
    """
    keep = keep and not (filters.date_from or filters.date_to)
    if keep:
        loaded = load_matrix(db, filters.assembly)
        if loaded is not None:
            return loaded
    matrix = _build_member_vote_matrix(db, filters, max_cells)
    if keep and matrix is not None:
        kept.save_arrays(db, filters.assembly, _arrays(matrix))
    return matrix


def keep_member_vote_matrix(db: Store) -> bool:
    """After an import: keep the member vote codes of the assembly the pages open with, so the Members page opens fast.

    False (nothing kept) when there are no member votes or the matrix would be too large to build.
    """
    return kept_matrix(db) is not None


def kept_matrix(db: Store) -> MemberVoteMatrix | None:
    """The member vote matrix of the assembly the pages open with (default_assembly), built and kept if need be.

    None when there are no member votes or the matrix would be too large to build.
    """
    if db.one("select count(*) from (select 1 from member_votes limit 1)")[0] == 0:
        return None
    return member_vote_matrix(db, Filters(assembly=default_assembly(db)), keep=True)


def _arrays(matrix: MemberVoteMatrix) -> dict[str, np.ndarray]:
    """The codes and labels as plain arrays (strings, no objects) for a kept file."""
    names, titles = matrix.names, matrix.votes["title"]
    return {"members": np.array(matrix.members.astype(str), dtype=str),
            "names": np.array([n if n is not None else "" for n in names], dtype=str),
            "names_null": np.array([n is None for n in names], dtype=bool),
            "vote_ids": np.array(matrix.votes["vote_id"].astype(str), dtype=str),
            "dates": matrix.votes["date"].to_numpy(dtype="datetime64[us]"),
            "titles": np.array(titles.fillna("").astype(str), dtype=str), "titles_null": titles.isna().to_numpy(),
            "positions": matrix.positions, "parties": matrix.parties,
            "party_labels": np.array(matrix.party_labels.astype(str), dtype=str),
            "party_positions": matrix.party_positions}


def load_matrix(db: Store, assembly: str | None) -> MemberVoteMatrix | None:
    """The kept codes of an assembly when they answer this database version, else None."""
    arrays = kept.load_arrays(db, assembly)
    if arrays is None:
        return None
    try:
        names = np.where(arrays["names_null"], None, arrays["names"].astype(object))
        titles = pd.Series(arrays["titles"].astype(object)).where(~arrays["titles_null"], None)
        votes = pd.DataFrame({"vote_id": pd.Series(arrays["vote_ids"], dtype="str"),
                              "date": pd.Series(arrays["dates"], dtype="datetime64[us]"),
                              "title": titles.astype("str")})
        votes["title"] = votes["title"].where(~arrays["titles_null"], None)
        members = pd.Index(arrays["members"], dtype="str", name="member_id")
        return _matrix_from_codes(assembly, members, names, votes, arrays["positions"], arrays["parties"],
                                  [str(x) for x in arrays["party_labels"]], arrays["party_positions"])
    except (ValueError, KeyError):
        return None


def _build_member_vote_matrix(db: Store, filters: Filters,
                              max_cells: int) -> MemberVoteMatrix | None:
    """Read the member votes from the database into code matrices."""
    votes = query(db, "select vote_id, date, title from fv order by date nulls last, vote_id", filters)
    members = query(db, """
        select d.member_id, m.name from (select distinct member_id from member_votes) d
        left join members m using (member_id) order by d.member_id""", filters)
    if len(votes) * len(members) > max_cells:
        return None
    label_list = party_labels(db)
    codes = code_matrices(code_cells(db, filters, label_list), len(members), len(votes))
    if codes is None:
        return None   # a member with two rows on one vote: only the SQL path counts both
    positions, parties = codes
    stated = query(db, f"""
        , {VOTE_COLUMNS}
        select vi.v, p.party, p.position from party_votes p join vi using (vote_id)
        where p.position is not null""", filters)
    party_positions = np.zeros((len(label_list) + 1, len(votes)), dtype=np.int8)
    rows = pd.Series(range(1, len(label_list) + 1), index=label_list).reindex(stated["party"].astype(str)).to_numpy(
        dtype=np.int64)
    codes = stated["position"].map(POSITION_CODES).fillna(0).to_numpy(dtype=np.int8)
    party_positions[rows, stated["v"].to_numpy(dtype=np.int64)] = codes
    if NO_PARTY in label_list:
        party_positions[0] = party_positions[label_list.index(NO_PARTY) + 1]
    return _matrix_from_codes(filters.assembly or None, pd.Index(members["member_id"]),
                              members["name"].astype(object).where(members["name"].notna(), None).to_numpy(),
                              votes, positions, parties, label_list, party_positions)


def _matrix_from_codes(assembly: str | None, members: pd.Index, names: np.ndarray, votes: pd.DataFrame,
                       positions: np.ndarray, parties: np.ndarray, label_list: list[str],
                       party_positions: np.ndarray) -> MemberVoteMatrix:
    """The matrix with what every member metric needs worked out from the codes."""
    # The party's position at each cell: row `party` of party_positions, column of the cell. Computed once here
    # so a filter change only slices and counts.
    width = positions.shape[1]
    lines = party_positions.T.ravel()[np.arange(width, dtype=np.int32) * party_positions.shape[0] + parties]
    in_office = (positions > 0) & (positions != POSITION_CODES["not_member"])
    cast = in_office & (positions <= 3)
    judged = cast & (lines >= 1) & (lines <= 3) & (parties > 0)
    with_party = judged & (positions == lines)
    arrays = (positions, parties, party_positions, lines, in_office, cast, with_party, judged & ~with_party)
    for array in arrays:
        array.flags.writeable = False   # shared between reruns and sessions: never changed after building
    return MemberVoteMatrix(assembly, members, names, votes, positions, parties,
                            np.array(label_list, dtype=object), *arrays[2:])


def latest_party(matrix: MemberVoteMatrix, party: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Per member, the party label at the latest column where mask is not 0 (True, or a vote code) and the party is
    known (else None)."""
    labels = np.concatenate([[None], matrix.party_labels]).astype(object)
    codes = np.zeros(len(party), dtype=np.int64)
    # From the newest votes backwards, a block at a time, for the members not yet placed: most members have a
    # known party on the latest votes, so this reads a sliver of the window instead of all of it twice.
    pending = np.arange(len(party))
    end, width = party.shape[1], 256
    while pending.size and end > 0:
        start = max(0, end - width)
        known = (mask[pending, start:end] != 0) & (party[pending, start:end] > 0)
        found = known.any(axis=1)
        if found.any():
            last = known.shape[1] - 1 - np.argmax(known[found, ::-1], axis=1)
            codes[pending[found]] = party[pending[found], start + last]
        pending = pending[~found]
        end, width = start, width * 4
    return labels[codes]


def required_matrix(db: Store, filters: Filters) -> MemberVoteMatrix:
    everyone = Filters(filters.assembly, filters.date_from, filters.date_to, (), filters.period, filters.reference)
    matrix = member_vote_matrix(db, everyone)
    if matrix is None:
        raise ValueError("Too many members × votes (or a member recorded twice on one vote) for this metric: "
                         "narrow the date range or choose one assembly.")
    return matrix
