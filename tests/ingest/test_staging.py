"""read_ahead: the staging loop's helper thread hands over the same chunks, raises their errors, stops when asked."""

from __future__ import annotations

import threading

import pandas as pd
import pytest

from tracker.ingest.staging import _first_of_each, read_ahead


def test_read_ahead_yields_every_chunk_in_order() -> None:
    assert list(read_ahead(iter(range(50)))) == list(range(50))


def test_read_ahead_raises_the_readers_error_after_the_chunks_before_it() -> None:
    def chunks():
        yield 1
        yield 2
        raise ValueError("row 7 is broken")

    seen = []
    with pytest.raises(ValueError, match="row 7"):
        for chunk in read_ahead(chunks()):
            seen.append(chunk)
    assert seen == [1, 2]


def test_read_ahead_stops_reading_and_closes_the_file_when_the_caller_stops() -> None:
    closed = threading.Event()
    read = []

    def chunks():
        try:
            for i in range(1_000):
                read.append(i)
                yield i
        finally:
            closed.set()

    for chunk in read_ahead(chunks()):
        if chunk == 3:
            break
    assert closed.is_set()
    assert len(read) <= 6   # the one handed, at most one waiting and one being read


def test_first_of_each_keeps_the_rows_drop_duplicates_keeps() -> None:
    # Rows 0, 2 and 3 are firsts; row 1 repeats row 0, row 4 repeats row 2 (not the row before it), row 5 row 3.
    data = pd.DataFrame({"vote_id": ["a", "a", "b", None, "b", None], "seats": pd.array([1, 1, 2, 3, 2, 3], "Int64")},
                        index=[9, 8, 7, 6, 5, 4])
    kept = _first_of_each(data, ["vote_id", "seats"])
    assert kept.equals(data.drop_duplicates(subset=["vote_id", "seats"], keep="first"))
    assert list(kept.index) == [9, 7, 6]
