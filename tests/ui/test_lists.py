"""The plain lists' cells (votes, members): what each row shows, worked out by hand from a few awkward votes."""

from __future__ import annotations

import pandas as pd

from tracker.ui import lists

COLUMNS = ["date", "vote_id", "title", "yes", "no", "result"]


def test_cells_show_dates_whole_counts_and_a_dash_for_anything_unknown():
    frame = pd.DataFrame({
        "date": pd.to_datetime(["2022-12-30", None]),
        "vote_id": ["V44", "X"],
        "title": ["Transition Statute reform", None],
        "yes": pd.array([72, None], dtype="Int64"),
        "no": [29.0, float("nan")],
        "result": ["approved", pd.NA],
    })
    assert lists.cells(frame, COLUMNS) == [
        ["2022-12-30", "V44", "Transition Statute reform", "72", "29", "approved"],
        ["–", "X", "–", "–", "–", "–"],
    ]


def test_cells_show_text_on_one_line_without_bidi_controls_and_markup_as_written():
    frame = pd.DataFrame({"date": pd.to_datetime(["2024-01-02"]), "vote_id": ["<b>1</b>"],
                          "title": ["Line one\nline two \u202eevil"], "yes": [1], "no": [0], "result": ["=1+1"]})
    (row,) = lists.cells(frame, COLUMNS)
    # The browser shows each cell as text (textContent), so markup stays as written and cannot run.
    assert row == ["2024-01-02", "<b>1</b>", "Line one line two evil", "1", "0", "=1+1"]


def test_cells_read_arrow_backed_columns_as_the_database_returns_them():
    frame = pd.DataFrame({
        "date": pd.array([pd.Timestamp("2020-05-01").date(), None], dtype="date32[pyarrow]"),
        "vote_id": pd.array(["A", "B"], dtype="string[pyarrow]"),
        "title": pd.array(["t", None], dtype="string[pyarrow]"),
        "yes": pd.array([3, None], dtype="int32[pyarrow]"),
        "no": pd.array([None, 4], dtype="int64[pyarrow]"),
        "result": pd.array([None, "failed"], dtype="string[pyarrow]"),
    })
    assert lists.cells(frame, COLUMNS) == [["2020-05-01", "A", "t", "3", "–", "–"],
                                               ["–", "B", "–", "–", "4", "failed"]]
