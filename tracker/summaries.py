"""Summaries of a metric table for the pages: the Overview's headline figures, votes per period, the newest votes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracker.metrics.codes import period_starts
from tracker.model import PERIODS


def headline(outcomes: pd.DataFrame) -> dict[str, object]:
    """Votes, share passed (of votes whose outcome is known, see docs/metrics.md), average turnout and date range.

    Turnout of a vote = (yes + no + abstain) / seats, for votes where all three counts and the seats are known.
    """
    passed = outcomes["outcome"].dropna() == "passed"
    known = outcomes.dropna(subset=["yes", "no", "abstain", "seats"])
    known = known[known["seats"] > 0]
    turnout = ((known["yes"] + known["no"] + known["abstain"]) / known["seats"]).astype(float)
    dates = pd.to_datetime(outcomes["date"]).dropna()
    return {
        "votes": len(outcomes),
        "share_passed": float(passed.astype(bool).mean()) if len(passed) else None,
        "votes_with_result": len(passed),
        "average_turnout": float(turnout.mean()) if len(turnout) else None,
        "votes_with_turnout": len(turnout),
        "first_date": dates.min().date() if len(dates) else None,
        "last_date": dates.max().date() if len(dates) else None,
    }


PERIOD_OUTCOME_COLUMNS = ["passed", "failed", "unknown"]


def outcomes_by_period(outcomes: pd.DataFrame, period: str) -> pd.DataFrame:
    """Votes, and of them passed, failed and of unknown outcome, per month, quarter or year (dated votes only).

    The outcome is tracker.metrics.outcomes' `outcome`: the official result where stated, else the recomputed one.
    """
    if period not in PERIODS:
        raise ValueError(f"Unknown period '{period}': use month, quarter or year.")
    dates = pd.to_datetime(outcomes["date"]).to_numpy(dtype="datetime64[us]")
    dated = ~np.isnat(dates)
    if not dated.any():
        return pd.DataFrame(columns=["period", "votes", *PERIOD_OUTCOME_COLUMNS])
    # Counted with numpy: pandas' pivot_table took 9 ms on 20,000 votes, three times that beside a drawing browser.
    outcome = outcomes["outcome"]
    unknown = outcome.isna() | outcome.eq("unknown")
    column = np.select([outcome.eq("passed").fillna(False).to_numpy(bool),
                        outcome.eq("failed").fillna(False).to_numpy(bool), unknown.fillna(True).to_numpy(bool)],
                       [0, 1, 2], default=-1)[dated]   # any other outcome is in no column, nor in votes
    starts, row = np.unique(period_starts(dates[dated], period), return_inverse=True)
    counted = column >= 0
    counts = np.bincount(row[counted] * 3 + column[counted], minlength=3 * len(starts)).reshape(-1, 3)
    frame = pd.DataFrame(counts, columns=PERIOD_OUTCOME_COLUMNS)
    frame.insert(0, "votes", counts.sum(axis=1))
    frame.insert(0, "period", starts.astype("datetime64[D]").astype(object))
    return frame


def newest(votes: pd.DataFrame, n: int) -> pd.DataFrame:
    """The n newest votes, newest first: by date, then by vote id, both descending, undated ones after the dated.

    The rows sort_values(["date", "vote_id"], ascending=False).head(n) gives, with only the votes of the newest n
    dates sorted: 1.3 ms instead of 3 on 20,000 votes.
    """
    dates = votes["date"].to_numpy()
    dated = np.flatnonzero(~np.isnat(dates)) if dates.dtype.kind == "M" else np.array([], dtype=np.int64)
    if len(dated) <= n:
        return votes.sort_values(["date", "vote_id"], ascending=False).head(n)
    stamps = dates[dated].view("i8")
    nth_newest = np.partition(stamps, len(stamps) - n)[len(stamps) - n]
    near = dated[stamps >= nth_newest]   # every vote on the dates of the newest n
    keys = list(zip(dates[near].view("i8").tolist(), votes["vote_id"].to_numpy()[near].tolist(), strict=True))
    order = sorted(range(len(near)), key=keys.__getitem__, reverse=True)
    return votes.take(near[order[:n]])
