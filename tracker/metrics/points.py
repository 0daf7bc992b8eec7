"""Ideal points of members: the fit over the member-vote matrix, the fit kept beside the database, party centroids.

The estimator itself is tracker.ideal_points; this module chooses the votes, the sign and what is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

import tracker.metrics.kept as kept
from tracker import ideal_points as ideal
from tracker.metrics.codes import POSITION_CODES
from tracker.metrics.filters import Filters, default_assembly
from tracker.metrics.matrix import MemberVoteMatrix, kept_matrix, latest_party, required_matrix
from tracker.nominate.votes import cutting_line as chord
from tracker.store import Store

IDEAL_POINT_COLUMNS = ["member_id", "name", "party", "dim1", "dim2", "votes", "dim1_se", "dim2_se",
                       "dim1_low", "dim1_high", "dim2_low", "dim2_high"]
MAP_VOTE_COLUMNS = ["vote_id", "yes_dim1", "yes_dim2", "no_dim1", "no_dim2", "midpoint_dim1", "midpoint_dim2",
                    "normal_dim1", "normal_dim2"]
# All votes are scaled up to this many members × votes (1,000 × 25,000 fits in about 6 s); above it, an evenly
# spaced sample of votes that keeps the fit within that size.
FULL_FIT_CELLS = 25_000_000


@dataclass(frozen=True)
class MemberMap:
    """One fit of members: their points, each scaled vote's outcome points, how well it classifies, what fixed signs.

    classification: correct_1d, apre_1d, correct_2d, apre_2d, votes and choices (empty when nothing was fitted);
    right_party: the party whose mean is positive on both dimensions (None: the signs as fitted).
    """

    points: pd.DataFrame
    votes: pd.DataFrame
    classification: dict
    right_party: str | None = None

    @property
    def parties(self) -> list[str]:
        """The parties of the placed members, largest first (ties by name)."""
        sizes = self.points["party"].dropna().astype(str).value_counts()
        return sorted(sizes.index, key=lambda party: (-sizes[party], party))

    def axis_titles(self) -> tuple[str, str]:
        """What each axis means by its sign: 'dimension 1: CDU/CSU to the right'."""
        if self.right_party is None:
            return "dimension 1 (sign as fitted)", "dimension 2 (sign as fitted)"
        return f"dimension 1: {self.right_party} to the right", f"dimension 2: {self.right_party} up"

    def oriented(self, right_party: str | None) -> MemberMap:
        """The same fit with each axis flipped so the mean of right_party's members is positive (None: the largest)."""
        parties = self.parties
        if right_party is None:
            if not parties:
                return self
            right_party = parties[0]
        if right_party not in parties:
            raise ValueError(f"No member of party '{right_party}' is on the map; choose one of: {', '.join(parties)}.")
        chosen = self.points["party"].astype(str) == right_party
        means = self.points.loc[chosen, ["dim1", "dim2"]].mean().to_numpy()
        points, votes = self.points.copy(), self.votes.copy()
        for k, mean in enumerate(means, start=1):
            if mean < 0:
                points[f"dim{k}"] = -points[f"dim{k}"]
                points[f"dim{k}_low"], points[f"dim{k}_high"] = -points[f"dim{k}_high"], -points[f"dim{k}_low"]
                for part in ("yes", "no", "midpoint", "normal"):
                    votes[f"{part}_dim{k}"] = -votes[f"{part}_dim{k}"]
        return replace(self, points=points.sort_values("dim1", ignore_index=True), votes=votes,
                       right_party=right_party)


def _yes_no(position: np.ndarray) -> np.ndarray:
    """Position codes (POSITION_CODES) as the fit's int8 +1 yes, −1 no, 0 otherwise.

    Two comparisons and a subtraction over the cells: a lookup table indexed by every cell took 30 ms at 14 M, this
    9 ms.
    """
    yes_no = (position == POSITION_CODES["yes"]).view(np.int8)
    said_no = np.empty((min(ideal.ROWS_AT_ONCE, len(position)), position.shape[1]), dtype=bool)
    for lo in range(0, len(position), ideal.ROWS_AT_ONCE):   # a few members at a time: no second 14 MB array
        part = position[lo:lo + ideal.ROWS_AT_ONCE]
        yes_no[lo:lo + len(part)] -= np.equal(part, POSITION_CODES["no"], out=said_no[:len(part)]).view(np.int8)
    return yes_no


EMPTY_MAP = MemberMap(pd.DataFrame(columns=IDEAL_POINT_COLUMNS), pd.DataFrame(columns=MAP_VOTE_COLUMNS), {})


def member_map(matrix: MemberVoteMatrix, filters: Filters, min_votes: int = ideal.MIN_VOTES,
               min_minority: float = ideal.MIN_MINORITY) -> MemberMap:
    """Fit all members on the yes/no votes in the filter's date range (signs as fitted; see MemberMap.oriented)."""
    window = matrix.window(filters)
    position = matrix.positions[:, window]
    yes_no = _yes_no(position)
    # The party a member belonged to at their latest yes/no vote in the range.
    parties = latest_party(matrix, matrix.parties[:, window], yes_no)
    voted = np.flatnonzero(yes_no.any(axis=1))
    if len(voted) == 0:
        return EMPTY_MAP
    if len(voted) < len(yes_no):   # (a copy of every cell otherwise)
        yes_no, parties = yes_no[voted], parties[voted]
    cells = yes_no.shape[0] * yes_no.shape[1]
    max_votes = None if cells <= FULL_FIT_CELLS else max(FULL_FIT_CELLS // yes_no.shape[0], 2)
    fit = ideal.fit(yes_no, min_votes=min_votes, min_minority=min_minority, max_votes=max_votes)
    if fit is None:
        return EMPTY_MAP
    used = ~np.isnan(fit.points[:, 0])
    who = pd.DataFrame({"member_id": matrix.members.to_numpy()[voted][used], "name": matrix.names[voted][used],
                        "party": parties[used]})
    points = pd.concat([who, ideal.point_table(fit)[used].reset_index(drop=True)], axis=1)
    votes = ideal.vote_table(fit)
    vote_ids = matrix.votes["vote_id"].iloc[window].to_numpy()
    votes.insert(0, "vote_id", vote_ids[votes.pop("vote").to_numpy(dtype=np.int64)])
    return MemberMap(points[IDEAL_POINT_COLUMNS].sort_values("dim1", ignore_index=True),
                     votes[MAP_VOTE_COLUMNS], fit.classification.as_dict() if fit.classification else {})


def ideal_points(db: Store, filters: Filters, right_party: str | None = None,
                 min_votes: int = ideal.MIN_VOTES, min_minority: float = ideal.MIN_MINORITY,
                 matrix: MemberVoteMatrix | None = None) -> pd.DataFrame:
    """2-D ideal points of members from their yes/no votes; fitted on all parties, then filtered to the chosen ones.

    The right_party's mean is made positive on both dimensions (default: the party with most members placed);
    ValueError when no member of it is placed.
    """
    if matrix is None and right_party is None and (min_votes, min_minority) == (ideal.MIN_VOTES, ideal.MIN_MINORITY):
        stored = kept.fit_query(db, filters)   # the same fit, kept for this version: read, not fitted again
        if stored is not None:
            return stored.read(db)[IDEAL_POINT_COLUMNS]
    matrix = matrix or required_matrix(db, filters)
    frame = member_map(matrix, filters, min_votes, min_minority).oriented(right_party).points
    if filters.parties:
        frame = frame[frame["party"].isin(filters.parties)]
    return frame[IDEAL_POINT_COLUMNS].sort_values("dim1", ignore_index=True)


# One fit over all votes per database version (and assembly), kept in files beside the database, so the map is
# fitted once per import and keeps its axes whatever dates and parties the page shows.


def fit_and_store_member_map(db: Store, assembly: str | None,
                             matrix: MemberVoteMatrix | None = None) -> MemberMap:
    """Fit the map on all votes of the assembly (signs from its largest party) and keep it for this version."""
    filters = Filters(assembly=assembly)
    fitted = member_map(matrix or required_matrix(db, filters), filters).oriented(None)
    kept.save_fit(db, assembly, fitted.points, fitted.votes,
                  {"classification": fitted.classification, "right_party": fitted.right_party})
    return fitted


def keep_member_matrix_and_map(db: Store, progress: Callable[[str], None] | None = None) -> bool:
    """After an import: keep the member vote matrix and the all-votes map of the assembly the pages open with.

    So the Members page's first visit reads both instead of building them (seconds at 14 M member votes); progress
    hears what is being done. False (nothing kept) when there are no member votes or the matrix would be too large.
    """
    if db.path is None:
        return False   # an in-memory database has nowhere to keep them
    say = progress or (lambda message: None)
    assembly = default_assembly(db)
    of = f" of {assembly}" if assembly else ""
    say(f"Keeping the member vote matrix{of} for the Members page")
    matrix = kept_matrix(db)
    if matrix is None:
        return False
    if stored_member_map(db, assembly) is not None:
        return True   # kept already for this version (nothing new was imported)
    say(f"Fitting the members' map{of} on all its votes")
    try:
        fit_and_store_member_map(db, assembly, matrix=matrix)
    except OSError:
        return False  # a cache: without it the page fits the map itself
    return True


def stored_member_map(db: Store, assembly: str | None) -> MemberMap | None:
    """The kept all-votes map for this database version and assembly, or None when there is none."""
    parts = kept.load_fit_parts(db, assembly)
    if parts is None:
        return None
    points, votes, about = parts
    return MemberMap(points, votes, about.get("classification") or {}, about.get("right_party"))


def stored_ideal_points(db: Store, assembly: str | None) -> pd.DataFrame | None:
    """The stored all-votes fit's points for this database version and assembly, or None when there is none."""
    return kept.load_fit(db, assembly)


def fit_and_store_ideal_points(db: Store, assembly: str | None,
                               matrix: MemberVoteMatrix | None = None) -> pd.DataFrame:
    """Fit ideal points on all votes of the assembly and keep them beside the database for this version."""
    return fit_and_store_member_map(db, assembly, matrix).points


def points_in_range(fit: pd.DataFrame, stats: pd.DataFrame) -> pd.DataFrame:
    """An all-votes fit shown for the members in a filtered member_stats table, with their party in that range."""
    if fit.empty or stats.empty:
        return pd.DataFrame(columns=IDEAL_POINT_COLUMNS)
    fitted = [c for c in fit.columns if c not in ("name", "party")]
    shown = fit[fitted].merge(stats[["member_id", "name", "party"]], on="member_id")
    return shown[[c for c in IDEAL_POINT_COLUMNS if c in shown.columns]].sort_values("dim1", ignore_index=True)


def party_centroids(points: pd.DataFrame) -> pd.DataFrame:
    """Mean ideal point per party and how many members it averages (members without a party left out)."""
    if points.empty:
        return pd.DataFrame(columns=["party", "dim1", "dim2", "members"])
    # Counted with numpy: pandas' groupby took 20 ms for 700 members, on every run of the Members map.
    codes, parties = pd.factorize(points["party"], sort=True)
    placed = codes >= 0
    members = np.bincount(codes[placed], minlength=len(parties))
    means = {}
    for dim in ("dim1", "dim2"):
        values = points[dim].to_numpy(dtype=float)
        known = placed & ~np.isnan(values)
        total = np.bincount(codes[known], weights=values[known], minlength=len(parties))
        counted = np.bincount(codes[known], minlength=len(parties))
        means[dim] = np.divide(total, counted, out=np.full(len(parties), np.nan), where=counted > 0)
    return (pd.DataFrame({"party": np.asarray(parties, dtype=object), **means, "members": members})
            .sort_values("dim1", ignore_index=True))


@dataclass(frozen=True)
class VoteCut:
    """A vote's cutting line on a map (where the model predicts 50/50) and the placed members who voted yes or no.

    start, end: the line's ends inside the unit circle (None when it misses it); normal points to the yes side;
    members: member_id, name, party, position (yes or no), dim1, dim2 and wrong (on the other side of the line).
    """

    vote_id: str
    start: np.ndarray | None
    end: np.ndarray | None
    midpoint: np.ndarray
    normal: np.ndarray
    members: pd.DataFrame

    @property
    def wrong(self) -> pd.DataFrame:
        """The members whose vote the line puts on the wrong side."""
        return self.members[self.members["wrong"]]


def vote_cut(fitted: MemberMap, matrix: MemberVoteMatrix, vote_id: str) -> VoteCut | None:
    """The cutting line of one scaled vote on the map, with each placed member's yes or no on it; None if not scaled."""
    row = fitted.votes[fitted.votes["vote_id"].astype(str) == str(vote_id)]
    columns = np.flatnonzero(matrix.votes["vote_id"].astype(str).to_numpy() == str(vote_id))
    if row.empty or len(columns) == 0 or fitted.points.empty:
        return None
    vote = row.iloc[0]
    yes = np.array([vote["yes_dim1"], vote["yes_dim2"]], dtype=float)
    no = np.array([vote["no_dim1"], vote["no_dim2"]], dtype=float)
    codes = pd.Series(matrix.positions[:, columns[0]], index=matrix.members.astype(str))
    code = codes.reindex(fitted.points["member_id"].astype(str)).fillna(0).to_numpy()
    cast = np.where(code == 1, 1, np.where(code == 2, -1, 0))
    points = fitted.points[["dim1", "dim2"]].to_numpy(dtype=float)
    line = chord(points, yes, no, cast)
    wrong = np.zeros(len(points), dtype=bool)
    wrong[line.wrong] = True
    members = fitted.points[["member_id", "name", "party", "dim1", "dim2"]].assign(
        position=np.where(cast == 1, "yes", "no"), wrong=wrong)[cast != 0].reset_index(drop=True)
    return VoteCut(str(vote_id), line.start, line.end, line.midpoint, line.normal,
                   members[["member_id", "name", "party", "position", "dim1", "dim2", "wrong"]])
