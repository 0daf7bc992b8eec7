"""The metrics computed the obvious way with pandas, on one DataFrame of all member votes, to compare with ours.

This is how most notebooks and dashboards do it: load every member vote, filter the rows, then groupby. Each
function returns the same rows and columns as the metric in tracker.metrics, so results can be checked for equality.
The baselines cover the simple majority rule only (every synthetic vote uses it).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from common import Window, time_ms

if TYPE_CHECKING:  # only pandas and numpy at run time: cli_pandas.py times a script that imports this module
    import duckdb

CAST = ["yes", "no", "abstain"]


def load_member_votes(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every member vote with its vote's date, as one DataFrame (strings as pandas' default string dtype)."""
    return con.cursor().execute(
        "select mv.vote_id, mv.member_id, m.name, mv.party, mv.position, v.date, v.majority, v.seats as vote_seats,"
        " a.seats as assembly_seats from member_votes mv join votes v using (vote_id)"
        " left join members m using (member_id) left join assemblies a on a.assembly = v.assembly").df()


def _in_window(frame: pd.DataFrame, window: Window) -> pd.DataFrame:
    dates = frame["date"]
    return frame[(dates >= pd.Timestamp(window.date_from)) & (dates <= pd.Timestamp(window.date_to))]


def _party_counts(rows: pd.DataFrame) -> pd.DataFrame:
    """Per vote and party: yes, no, abstain and absent counts, the position and both cohesion indices."""
    counts = rows.groupby(["vote_id", "party", "position"]).size().unstack(fill_value=0)
    for position in ("yes", "no", "abstain", "absent"):
        if position not in counts:
            counts[position] = 0
    counts = counts.reset_index()
    yes, no, abstain = counts["yes"], counts["no"], counts["abstain"]
    top = np.maximum(np.maximum(yes, no), abstain)
    cast = yes + no + abstain
    counts["position"] = np.select(
        [yes > np.maximum(no, abstain), no > np.maximum(yes, abstain), abstain > np.maximum(yes, no), cast > 0],
        ["yes", "no", "abstain", "split"], default=None)
    counts["rice"] = ((yes - no).abs() / (yes + no)).where(yes + no > 0)
    counts["agreement_index"] = ((top - 0.5 * (cast - top)) / cast).where(cast > 0)
    return counts


def _vote_counts(rows: pd.DataFrame) -> pd.DataFrame:
    counts = rows.groupby(["vote_id", "position"]).size().unstack(fill_value=0)
    for position in ("yes", "no", "abstain", "absent"):
        if position not in counts:
            counts[position] = 0
    seats = rows.groupby("vote_id")[["vote_seats", "assembly_seats", "date", "majority"]].first()
    counts = counts.join(seats).reset_index()
    counts["seats"] = counts["vote_seats"].fillna(counts["assembly_seats"])
    if (counts["majority"] != "simple").any():
        raise ValueError("The pandas baseline covers the simple majority rule only.")
    return counts


def outcomes(frame: pd.DataFrame, window: Window) -> pd.DataFrame:
    """Result per vote under the simple majority: yes must reach no + 1."""
    votes = _vote_counts(_in_window(frame, window))
    votes["threshold"] = votes["no"] + 1
    votes["passed"] = votes["yes"] >= votes["threshold"]
    votes["margin"] = votes["yes"] - votes["threshold"]
    flip = np.where(votes["passed"], (votes["yes"] - votes["no"] + 1) // 2, (votes["no"] - votes["yes"] + 2) // 2)
    nobody = (votes["yes"] == 0) & (votes["no"] == 0) & ~votes["passed"]
    idle = votes["seats"] - votes["yes"] - votes["no"]
    votes["votes_to_flip"] = np.where(nobody, np.where(idle >= 1, 1, np.nan), flip)
    return votes


def cohesion(frame: pd.DataFrame, window: Window) -> pd.DataFrame:
    """Counts, position, Rice index and Agreement Index per vote and party."""
    return _party_counts(_in_window(frame, window))


def _with_period(rows: pd.DataFrame, party_rows: pd.DataFrame) -> pd.DataFrame:
    dates = rows.groupby("vote_id")["date"].first()
    party_rows = party_rows.join(dates, on="vote_id")
    party_rows["period"] = party_rows["date"].dt.to_period("Y").dt.start_time
    return party_rows


def cohesion_trend(frame: pd.DataFrame, window: Window) -> pd.DataFrame:
    """Mean indices per party and year."""
    rows = _in_window(frame, window)
    parties = _with_period(rows, _party_counts(rows))
    return parties.groupby(["period", "party"]).agg(
        votes=("vote_id", "size"), mean_rice=("rice", "mean"), mean_agreement_index=("agreement_index", "mean"),
        rice_votes=("rice", "count"), agreement_votes=("agreement_index", "count")).reset_index()


def _alignment(parties: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    positions = parties[parties["position"].isin(CAST)]
    pairs = positions.merge(positions, on="vote_id", suffixes=("_a", "_b"))
    pairs["same"] = (pairs["position_a"] == pairs["position_b"]).astype(float)
    keys = [f"{c}_a" for c in by] + ["party_a", "party_b"]
    result = pairs.groupby(keys).agg(votes_compared=("same", "size"), agreement=("same", "mean")).reset_index()
    return result.rename(columns={f"{c}_a": c for c in by})


def alignment(frame: pd.DataFrame, window: Window) -> pd.DataFrame:
    """Share of votes on which two parties took the same position."""
    return _alignment(_party_counts(_in_window(frame, window)), [])


def alignment_trend(frame: pd.DataFrame, window: Window) -> pd.DataFrame:
    """Party alignment per year."""
    rows = _in_window(frame, window)
    return _alignment(_with_period(rows, _party_counts(rows)), ["period"])


def pivotal(frame: pd.DataFrame, window: Window) -> pd.DataFrame:
    """Whether swapping a party's yes and no votes flips the simple-majority result."""
    rows = _in_window(frame, window)
    parties = _party_counts(rows)
    votes = _vote_counts(rows)[["vote_id", "yes", "no"]]
    both = parties.merge(votes, on="vote_id", suffixes=("_party", ""))
    before = both["yes"] >= both["no"] + 1
    yes = both["yes"] - both["yes_party"] + both["no_party"]
    no = both["no"] - both["no_party"] + both["yes_party"]
    both["pivotal"] = before != (yes >= no + 1)
    return both.rename(columns={"yes_party": "party_yes", "no_party": "party_no"})


def members(frame: pd.DataFrame, window: Window) -> pd.DataFrame:
    """Participation, loyalty and rebellions per member."""
    rows = _in_window(frame, window)
    rows = rows[rows["position"] != "not_member"]
    lines = _party_counts(rows)[["vote_id", "party", "position"]].rename(columns={"position": "party_position"})
    rows = rows.merge(lines, on=["vote_id", "party"], how="left")
    cast = rows["position"].isin(CAST)
    judged = cast & rows["party_position"].isin(CAST) & rows["party"].notna()
    rows = rows.assign(cast=cast, judged=judged, with_party=judged & (rows["position"] == rows["party_position"]))
    latest = rows.sort_values("date").groupby("member_id")[["party", "name"]].last()
    stats = rows.groupby("member_id").agg(votes_in_office=("position", "size"), votes_cast=("cast", "sum"),
                                          judged=("judged", "sum"), votes_with_party=("with_party", "sum"))
    stats = stats.join(latest).reset_index()
    stats["participation"] = stats["votes_cast"] / stats["votes_in_office"]
    stats["loyalty"] = (stats["votes_with_party"] / stats["judged"]).where(stats["judged"] > 0)
    stats["rebellions"] = stats["judged"] - stats["votes_with_party"]
    return stats


def member_alignment(frame: pd.DataFrame, window: Window) -> pd.DataFrame:
    """Pairwise agreement of members: a pivot to members x votes, then each member against all others.

    The textbook self-merge on vote_id would build members² x votes rows (10 billion at 14 million member votes),
    so the baseline is the next most obvious way: pivot, then compare one member's row with the whole matrix.
    """
    rows = _in_window(frame, window)
    rows = rows[rows["position"].isin(CAST)]
    codes = rows["position"].map({"yes": 1, "no": 2, "abstain": 3}).astype(np.int8)
    wide = rows.assign(code=codes).pivot(index="member_id", columns="vote_id", values="code").fillna(0)
    matrix = wide.to_numpy(dtype=np.int8)
    voted = matrix > 0
    ids = wide.index.to_numpy()
    parts = []
    for i in range(len(ids)):
        both = voted & voted[i]
        compared = both.sum(axis=1)
        agreed = (both & (matrix == matrix[i])).sum(axis=1)
        keep = (compared > 0) & (np.arange(len(ids)) != i)
        parts.append(pd.DataFrame({"member_a": ids[i], "member_b": ids[keep], "votes_compared": compared[keep],
                                   "agreement": agreed[keep] / compared[keep]}))
    return pd.concat(parts, ignore_index=True)


# name -> (baseline, key columns, compared columns)
BASELINES: dict[str, tuple[Callable[[pd.DataFrame, Window], pd.DataFrame], list[str], list[str]]] = {
    "outcomes": (outcomes, ["vote_id"], ["yes", "no", "abstain", "absent", "threshold", "passed", "margin",
                                         "votes_to_flip"]),
    "cohesion": (cohesion, ["vote_id", "party"], ["yes", "no", "abstain", "absent", "position", "rice",
                                                  "agreement_index"]),
    "cohesion-trend": (cohesion_trend, ["period", "party"], ["votes", "mean_rice", "mean_agreement_index",
                                                             "rice_votes", "agreement_votes"]),
    "alignment": (alignment, ["party_a", "party_b"], ["votes_compared", "agreement"]),
    "alignment-trend": (alignment_trend, ["period", "party_a", "party_b"], ["votes_compared", "agreement"]),
    "pivotal": (pivotal, ["vote_id", "party"], ["pivotal", "party_yes", "party_no"]),
    "members": (members, ["member_id"], ["name", "party", "votes_in_office", "votes_cast", "participation",
                                         "votes_with_party", "loyalty", "rebellions"]),
    "member-alignment": (member_alignment, ["member_a", "member_b"], ["votes_compared", "agreement"]),
}


def metric_calls(con: duckdb.DuckDBPyConnection) -> dict[str, Callable[[Window], pd.DataFrame]]:
    """Every exported metric of tracker.metrics, as a call taking a filter window."""
    from tracker import metrics

    return {name: (lambda w, f=function: f(con, metrics.Filters(date_from=w.date_from, date_to=w.date_to)))
            for name, function in metrics.METRICS.items()}


def _comparable(frame: pd.DataFrame, keys: list[str], columns: list[str]) -> pd.DataFrame:
    """Selected columns in plain types (floats with NaN, text with ''), sorted by the keys."""
    out = {}
    for column in keys + columns:
        values = frame[column]
        if column in ("period", "date"):
            out[column] = pd.to_datetime(values).dt.strftime("%Y-%m-%d").to_numpy(dtype=object)
        elif pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
            out[column] = pd.to_numeric(values.astype("Float64"), errors="coerce").to_numpy(dtype=float,
                                                                                          na_value=np.nan)
        else:
            out[column] = values.astype(object).where(values.notna(), "").astype(str).to_numpy(dtype=object)
    return pd.DataFrame(out).sort_values(keys, ignore_index=True)


def same_result(ours: pd.DataFrame, theirs: pd.DataFrame, keys: list[str], columns: list[str]) -> bool | str:
    """True when both hold the same rows and values (floats to 1e-9), else what differs first."""
    a, b = _comparable(ours, keys, columns), _comparable(theirs, keys, columns)
    if len(a) != len(b):
        return f"{len(a)} rows (ours) vs {len(b)} (pandas)"
    for column in keys + columns:
        left, right = a[column].to_numpy(), b[column].to_numpy()
        if left.dtype == float:
            equal = np.isclose(left, right, rtol=1e-9, atol=1e-12, equal_nan=True)
        else:
            equal = left == right
        if not equal.all():
            row = int(np.argmin(equal))
            return f"column {column} differs at {dict(a.loc[row, keys])}: ours {left[row]}, pandas {right[row]}"
    return True


def compare(con: duckdb.DuckDBPyConnection, metric_calls: dict[str, Callable[[Window], pd.DataFrame]],
            windows: list[Window], repeat: int = 3) -> dict:
    """Load all member votes into pandas, time each baseline (median of `repeat` windows) and check it equals ours."""
    started = time.perf_counter()
    frame = load_member_votes(con)
    results: dict = {"load_seconds": time.perf_counter() - started,
                     "frame_gb": frame.memory_usage(deep=True).sum() / 1e9, "rows": len(frame), "metrics": {}}
    for name in metric_calls:
        if name not in BASELINES:
            results["metrics"][name] = {"error": "no pandas baseline"}
            continue
        function, keys, columns = BASELINES[name]
        try:
            times = []
            first = None
            for window in windows[:repeat]:
                ms, result = time_ms(lambda w=window, f=function: f(frame, w))
                times.append(ms)
                first = result if first is None else first
            equal = same_result(metric_calls[name](windows[0]), first, keys, columns)
            results["metrics"][name] = {"ms": statistics.median(times), "runs": len(times), "equal": equal}
        except Exception as error:  # reported in the table, the run goes on
            results["metrics"][name] = {"error": f"{type(error).__name__}: {error}"}
    return results
