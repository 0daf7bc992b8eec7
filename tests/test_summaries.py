"""Summaries of metric tables for the pages: headline figures and votes per period by hand, and the numpy code
against the pandas code it replaced on random frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tracker import summaries


def test_headline_counts_votes_share_passed_and_turnout_by_hand():
    # Three votes: passed, failed, unknown -> share passed 1/2; turnout only where yes, no, abstain and seats known:
    # (60+30+10)/200 = 0.5 and (20+70+0)/100 = 0.9 -> 0.7.
    outcomes = pd.DataFrame({
        "vote_id": ["a", "b", "c"], "date": pd.to_datetime(["2020-01-01", "2020-05-01", "2021-02-03"]),
        "outcome": ["passed", "failed", None],
        "yes": pd.array([60, 20, 5], dtype="Int64"), "no": pd.array([30, 70, None], dtype="Int64"),
        "abstain": pd.array([10, 0, None], dtype="Int64"), "seats": pd.array([200, 100, 100], dtype="Int64")})
    figures = summaries.headline(outcomes)
    assert figures["votes"] == 3 and figures["share_passed"] == 0.5 and figures["votes_with_result"] == 2
    assert figures["average_turnout"] == pytest.approx(0.7) and figures["votes_with_turnout"] == 2
    assert str(figures["first_date"]) == "2020-01-01" and str(figures["last_date"]) == "2021-02-03"


def test_outcomes_by_period_counts_votes_passed_failed_and_unknown():
    # Q1 2020: a passed, b unknown -> 2 votes; Q2: c failed -> 1 vote; d has no date and is left out.
    outcomes = pd.DataFrame({"vote_id": ["a", "b", "c", "d"],
                             "date": pd.to_datetime(["2020-01-05", "2020-02-01", "2020-04-01", None]),
                             "outcome": ["passed", None, "failed", "passed"]})
    quarters = summaries.outcomes_by_period(outcomes, "quarter")
    assert quarters.to_dict("records") == [
        {"period": pd.Timestamp("2020-01-01").date(), "votes": 2, "passed": 1, "failed": 0, "unknown": 1},
        {"period": pd.Timestamp("2020-04-01").date(), "votes": 1, "passed": 0, "failed": 1, "unknown": 0}]


def _by_period_with_pivot_table(outcomes: pd.DataFrame, period: str) -> pd.DataFrame:
    """outcomes_by_period as first written, with pandas' pivot_table: the reference for the numpy one."""
    dated = outcomes.dropna(subset=["date"]).copy()
    if dated.empty:
        return pd.DataFrame(columns=["period", "votes", "passed", "failed", "unknown"])
    frequency = {"month": "M", "quarter": "Q", "year": "Y"}[period]
    dated["period"] = pd.to_datetime(dated["date"]).dt.to_period(frequency).dt.start_time.dt.date
    dated["outcome"] = dated["outcome"].fillna("unknown")
    counts = dated.pivot_table(index="period", columns="outcome", values="vote_id", aggfunc="count", fill_value=0)
    counts = counts.reindex(columns=["passed", "failed", "unknown"], fill_value=0)
    counts.insert(0, "votes", counts.sum(axis=1))
    counts = counts.reset_index()
    counts.columns.name = None
    return counts


@pytest.mark.parametrize("period", ["month", "quarter", "year"])
def test_outcomes_by_period_counts_as_a_pivot_table_does(period):
    # Random votes over 1799-2101 (dates missing, outcomes missing, 'unknown' and one no column holds), 100 times.
    rng = np.random.default_rng(7)
    for n in rng.integers(0, 60, size=100):
        days = rng.integers(-62_000, 47_500, size=n).astype("datetime64[D]")
        dates = pd.Series(pd.to_datetime(days), dtype="datetime64[us]").mask(rng.random(n) < 0.1)
        outcome = pd.Series(rng.choice(["passed", "failed", "unknown", "tied", None], size=n), dtype="string")
        if rng.random() < 0.3:
            dates = dates.dt.date   # dates as Python dates, as some readers give them
        frame = pd.DataFrame({"vote_id": [f"v{i}" for i in range(n)], "date": dates, "outcome": outcome})
        counted, expected = summaries.outcomes_by_period(frame, period), _by_period_with_pivot_table(frame, period)
        assert counted.to_dict("records") == expected.to_dict("records")
        assert list(counted.columns) == list(expected.columns)


def test_the_newest_votes_are_the_first_rows_of_the_votes_sorted_by_date_and_id():
    # Many votes a day (ties broken by vote id, descending), undated ones, fewer votes than asked for.
    rng = np.random.default_rng(3)
    for n in rng.integers(0, 80, size=200):
        dates = pd.Series(pd.to_datetime(rng.integers(18_000, 18_030, size=n).astype("datetime64[D]")),
                          dtype="datetime64[us]").mask(rng.random(n) < 0.3)
        votes = pd.DataFrame({"vote_id": [f"V{i:03d}" for i in rng.permutation(n)], "date": dates,
                              "title": [f"t{i}" for i in range(n)]})
        for wanted in (1, 15, 40):
            pd.testing.assert_frame_equal(summaries.newest(votes, wanted),
                                          votes.sort_values(["date", "vote_id"], ascending=False).head(wanted))
