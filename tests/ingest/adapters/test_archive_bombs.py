"""Excel and ZIP bombs: limits apply while the workbook is read, and archives hold a bounded number of files."""

from __future__ import annotations

import io
import re
import time
import zipfile

import pytest
from openpyxl import Workbook

from tracker import store
from tracker.ingest import ImportRejected, Source, import_files
from tracker.ingest.adapters import archive


def workbook(rows: list[list[object]], dimension: str | None = None) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    if dimension is None:
        return buffer.getvalue()
    # Rewrite the sheet's declared dimension, as a hostile file would.
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{dimension}"/>'.encode(), data)
                assert dimension.encode() in data
            dst.writestr(item, data)
    return out.getvalue()


def rejected(db, source: Source) -> list[str]:
    before = store.snapshot(db)
    with pytest.raises(ImportRejected) as caught:
        import_files(db, [source])
    assert store.snapshot(db) == before
    return [str(p) for p in caught.value.problems]


ROWS = [["vote_id", "date", "title", "yes", "no"], ["V1", "2024-01-01", "Budget", 3, 1]]


def test_a_workbook_declaring_every_cell_of_the_sheet_imports_its_one_row_quickly(fresh_db):
    data = workbook(ROWS, dimension="A1:XFD1048576")
    assert len(data) < 10_000
    started = time.monotonic()
    import_files(fresh_db, [Source("bomb.xlsx", data=data)])
    assert time.monotonic() - started < 10
    assert fresh_db.one("select title from votes") == ("Budget",)


def test_a_workbook_past_the_row_limit_stops_while_reading(fresh_db, monkeypatch):
    monkeypatch.setenv("TRACKER_MAX_ROWS", "5")
    data = workbook([ROWS[0]] + [[f"V{i}", "2024-01-01", "T", 1, 1] for i in range(50)])
    problems = rejected(fresh_db, Source("long.xlsx", data=data))
    assert problems == ["long.xlsx, row 7: The workbook's sheet holds more than 5 rows; reading stopped here and "
                        "nothing was stored. Fix: Save the sheet as CSV and upload that (split it when it is large), "
                        "or delete the unused rows and columns."]


def test_a_workbook_row_wider_than_the_limit_is_refused(fresh_db):
    problems = rejected(fresh_db, Source("wide.xlsx", data=workbook([ROWS[0], ["x"] * 1001])))
    assert "a row of 1,001 cells (the limit is 1,000)" in problems[0] and "row 2" in problems[0]


def test_a_workbook_that_expands_past_the_ratio_is_refused_before_openpyxl_reads_it(fresh_db, monkeypatch):
    monkeypatch.setattr(archive, "RATIO_FLOOR", 100_000)
    data = workbook([ROWS[0]] + [["V1", "2024-01-01", "x" * 2000, 1, 1] for _ in range(200)])
    problems = rejected(fresh_db, Source("dense.xlsx", data=data))
    assert "zip bomb" in problems[0]


def test_an_archive_of_too_many_files_is_refused(fresh_db):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        for i in range(archive.MAX_ENTRIES + 1):
            zipped.writestr(f"v{i}.csv", f"vote_id,date,title,yes,no\nV{i},2024-01-01,T,1,1\n")
    problems = rejected(fresh_db, Source("many.zip", data=buffer.getvalue()))
    assert problems == [f"many.zip: The archive holds {archive.MAX_ENTRIES + 1:,} files; archives of more than "
                        f"{archive.MAX_ENTRIES:,} files are refused. Fix: Combine the tables into a few CSV files "
                        "(one per table), or import them with `python -m tracker import`."]
