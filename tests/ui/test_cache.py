"""The dashboard's caches give what the queries give: outcomes and vote searches cut by date are the query's rows."""

from __future__ import annotations

import dataclasses
import datetime

import numpy as np
import pandas as pd
import pytest

from tracker import metrics, queries, store
from tracker.ui import cache

RANGES = [(None, None), ("2020-01-01", "2022-12-30"), ("2022-12-30", "2022-12-30"), ("2016-01-05", None),
          (None, "2016-12-31"), ("2030-01-01", None), ("2023-01-01", "2016-01-01")]


@pytest.mark.parametrize(("date_from", "date_to"), RANGES)
def test_outcomes_in_a_date_range_are_the_metrics_rows_for_that_range(sample_db_path, monkeypatch, date_from,
                                                                      date_to):
    monkeypatch.setenv("TRACKER_DB", str(sample_db_path))
    chosen = metrics.Filters(assembly="an-2015", date_from=date_from, date_to=date_to)
    assert_the_querys_rows(cache.outcomes(chosen), sample_db_path, lambda db: metrics.outcomes(db, chosen))


def assert_the_querys_rows(shown: pd.DataFrame, db_path, query) -> None:
    """A frame cut from a cached one is what the query gives on the database itself."""
    db = store.connect(db_path, read_only=True)
    try:
        expected = query(db)
    finally:
        db.close()
    if expected.empty:  # nothing in the range: the page says so; an empty query result has no column types
        assert shown.empty and list(shown.columns) == list(expected.columns)
    else:
        pd.testing.assert_frame_equal(shown, expected)


@pytest.mark.parametrize("parties", [(), ("VP", "PJ")])
@pytest.mark.parametrize(("date_from", "date_to"), RANGES)
def test_party_alignment_in_a_date_range_is_the_metrics_rows_for_that_range(sample_db_path, monkeypatch, date_from,
                                                                            date_to, parties):
    monkeypatch.setenv("TRACKER_DB", str(sample_db_path))
    chosen = metrics.Filters(assembly="an-2015", date_from=date_from, date_to=date_to, parties=parties)
    assert_the_querys_rows(cache.party_alignment(chosen), sample_db_path,
                           lambda db: metrics.party_alignment(db, chosen))


def test_outcomes_cut_by_date_keep_the_votes_of_both_end_days(sample_db_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DB", str(sample_db_path))
    assert len(cache.outcomes(metrics.Filters(assembly="an-2015"))) == 45  # the sample's 45 votes
    shown = cache.outcomes(metrics.Filters(assembly="an-2015", date_from="2022-12-22", date_to="2022-12-30"))
    assert shown["vote_id"].tolist() == ["V43", "V44"]  # first and second discussion of the G3 bill


def test_a_votes_outcome_is_its_row_of_the_metric_for_its_assembly(sample_db_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DB", str(sample_db_path))
    db = store.connect(sample_db_path, read_only=True)
    try:
        expected = metrics.outcomes(db, metrics.Filters(assembly="an-2015"))
        assert len(expected) == 45   # the sample's 45 votes, each looked up
        for _, row in expected.iterrows():
            shown = cache.vote_outcome(row["vote_id"], "an-2015")
            assert shown == queries.known(row.to_dict())
        # 30 Dec 2022, the interim government dissolved: 72 to 29, a simple majority of 30 needed, 42 to spare.
        v44 = cache.vote_outcome("V44", "an-2015")
        assert (v44["date"], v44["yes"], v44["no"], v44["threshold"], v44["passed"], v44["margin"]) == (
            pd.Timestamp("2022-12-30"), 72, 29, 30, True, 42)
    finally:
        db.close()
    assert cache.vote_outcome("no such vote", "an-2015") is None
    assert cache.vote_outcome("V45", "another assembly") is None


def test_a_bad_date_in_the_range_is_the_metrics_error(sample_db_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DB", str(sample_db_path))
    with pytest.raises(ValueError, match="is not a date"):
        cache.outcomes(metrics.Filters(date_from="2020-02-30"))
    with pytest.raises(ValueError, match="is not a date"):
        cache.party_alignment(metrics.Filters(date_from="2020-02-30"))


SEARCHES = [queries.VoteSearch(), queries.VoteSearch(text="transition statute"), queries.VoteSearch(result="passed"),
            queries.VoteSearch(party="VP", party_position="no"), queries.VoteSearch(text="no such words")]


@pytest.mark.parametrize("search", SEARCHES)
@pytest.mark.parametrize(("date_from", "date_to"), RANGES)
def test_vote_searches_in_a_date_range_are_the_querys_rows_for_that_range(sample_db_path, monkeypatch, search,
                                                                          date_from, date_to):
    monkeypatch.setenv("TRACKER_DB", str(sample_db_path))
    dated = dataclasses.replace(search, date_from=_date(date_from), date_to=_date(date_to))
    assert_the_querys_rows(cache.search_votes(dated), sample_db_path, lambda db: queries.search_votes(db, dated))


def test_vote_search_cut_by_date_keeps_the_votes_of_both_end_days(sample_db_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DB", str(sample_db_path))
    assert len(cache.search_votes(queries.VoteSearch())) == 45  # the sample's 45 votes
    shown = cache.search_votes(queries.VoteSearch(date_from=datetime.date(2022, 12, 22),
                                                  date_to=datetime.date(2022, 12, 30)))
    assert shown["vote_id"].tolist() == ["V44", "V43"]  # newest first: second, then first discussion of the G3 bill


def _date(text: str | None) -> datetime.date | None:
    return None if text is None else datetime.date.fromisoformat(text)


def test_a_date_range_cut_keeps_the_rows_a_comparison_of_each_row_keeps():
    # Sorted and shuffled frames with undated rows among them, each end given or not.
    rng = np.random.default_rng(11)
    for n in rng.integers(0, 40, size=200):
        dates = pd.Series(pd.to_datetime(rng.integers(17_000, 17_400, size=n).astype("datetime64[D]")),
                          dtype="datetime64[us]").mask(rng.random(n) < 0.15)
        if rng.random() < 0.5:
            dates = dates.sort_values(na_position="last").reset_index(drop=True)
        frame = pd.DataFrame({"vote_id": [f"v{i}" for i in range(n)], "date": dates})
        ends = [None, *pd.to_datetime(rng.integers(16_990, 17_410, size=2).astype("datetime64[D]")).date]
        date_from, date_to = rng.choice(3), rng.choice(3)
        date_from, date_to = ends[date_from], ends[date_to]
        keep = pd.Series(True, index=frame.index)
        if date_from is not None:
            keep &= frame["date"] >= pd.Timestamp(date_from)
        if date_to is not None:
            keep &= frame["date"] <= pd.Timestamp(date_to)
        pd.testing.assert_frame_equal(cache._in_dates(frame, date_from, date_to),
                                      frame[keep].reset_index(drop=True))
