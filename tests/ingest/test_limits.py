"""Upload limits: size per file and rows per upload, settings with safe defaults, refused before the work is done."""

from __future__ import annotations

import io
import zipfile

import pytest

from tracker import store
from tracker.ingest import ImportRejected, Source, import_files, limits

HEADER = "vote_id,date,title,member_id,party,position\n"


def member_rows(n: int, vote: str = "V1") -> str:
    return "".join(f"{vote},2024-01-01,Budget,M{i},P,yes\n" for i in range(n))


def test_defaults_are_200_mb_and_30_million_rows():
    assert limits.upload_limits(environ={}, secrets={}) == limits.UploadLimits(200, 30_000_000)


def test_environment_wins_over_secrets_and_secrets_over_defaults():
    secrets = {"max_upload_mb": 5, "max_rows": 1000}
    assert limits.upload_limits({}, secrets) == limits.UploadLimits(5, 1000)
    assert limits.upload_limits({"TRACKER_MAX_UPLOAD_MB": "0.5", "TRACKER_MAX_ROWS": "1_000_000"}, secrets) == \
        limits.UploadLimits(0.5, 1_000_000)


def test_secrets_file_is_read_from_the_working_directory(tmp_path):
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text('max_rows = 12\neditor_password = "x"\n')
    assert limits.secrets_file_settings([tmp_path])["max_rows"] == 12


@pytest.mark.parametrize("name, value", [("TRACKER_MAX_ROWS", "lots"), ("TRACKER_MAX_ROWS", "-5"),
                                         ("TRACKER_MAX_ROWS", "1.5"), ("TRACKER_MAX_UPLOAD_MB", "0"),
                                         ("TRACKER_MAX_UPLOAD_MB", "nan"), ("TRACKER_MAX_UPLOAD_MB", "inf")])
def test_a_setting_that_is_not_a_positive_number_is_an_error_naming_it(name, value):
    with pytest.raises(limits.LimitSettingError, match=f"environment variable {name} is '{value}'.*Set it to"):
        limits.upload_limits({name: value}, {})


def test_file_over_the_size_limit_is_refused_before_any_byte_is_read(fresh_db, tmp_path):
    # A 300 MB file of NUL bytes (sparse: it takes no disk). Were it read, it would be refused for its binary
    # content, and hashing it would take seconds; the size check names the size instead.
    huge = tmp_path / "huge.csv"
    with open(huge, "wb") as out:
        out.truncate(300 * 2**20)
    before = store.snapshot(fresh_db)
    with pytest.raises(ImportRejected) as rejected:
        import_files(fresh_db, [huge])
    message = str(rejected.value)
    assert "huge.csv: The file is 300.0 MB; uploads are limited to 200.0 MB per file." in message
    assert "TRACKER_MAX_UPLOAD_MB" in message and "NUL" not in message
    assert store.snapshot(fresh_db) == before


def test_size_limit_applies_to_uploaded_bytes_too(fresh_db, monkeypatch):
    monkeypatch.setenv("TRACKER_MAX_UPLOAD_MB", "0.001")  # 1,048 bytes
    data = (HEADER + member_rows(40)).encode()  # header 44 bytes + 10 rows of 30 + 30 rows of 31 = 1,274 bytes
    with pytest.raises(ImportRejected, match="upload.csv: The file is 1,274 bytes; uploads are limited to 1,048 bytes"):
        import_files(fresh_db, [Source("upload.csv", data=data)])
    assert store.is_empty(fresh_db)


def test_upload_exactly_at_the_row_limit_is_stored(fresh_db, monkeypatch):
    monkeypatch.setenv("TRACKER_MAX_ROWS", "10")
    report = import_files(fresh_db, [Source("ten.csv", data=(HEADER + member_rows(10)).encode())])
    assert report.added["member votes"] == 10


def test_rows_of_all_files_count_together_against_the_limit(fresh_db, monkeypatch):
    monkeypatch.setenv("TRACKER_MAX_ROWS", "10")
    files = [Source("a.csv", data=(HEADER + member_rows(6, "V1")).encode()),
             Source("b.csv", data=(HEADER + member_rows(5, "V2")).encode())]  # 6 + 5 = 11 > 10
    with pytest.raises(ImportRejected) as rejected:
        import_files(fresh_db, files)
    assert "b.csv, row 6: The upload has more than 10 data rows" in str(rejected.value)
    assert store.is_empty(fresh_db) and store.list_batches(fresh_db).empty


def test_reading_stops_at_the_first_chunk_past_the_row_limit(fresh_db, monkeypatch):
    # Row 400,002 is broken (too many cells). Reading stops after the first chunk of 250,000 rows, so the refusal is
    # about the row limit and the broken row is never reached.
    monkeypatch.setenv("TRACKER_MAX_ROWS", "10")
    data = HEADER + member_rows(400_000) + "V1,2024-01-01,Budget,MX,P,yes,extra,cells\n"
    with pytest.raises(ImportRejected) as rejected:
        import_files(fresh_db, [Source("big.csv", data=data.encode())])
    message = str(rejected.value)
    assert "big.csv, row 250001: The upload has more than 10 data rows" in message
    assert "cells but the header" not in message
    assert store.is_empty(fresh_db)


def test_zip_that_unpacks_to_far_more_than_its_size_is_refused(fresh_db):
    # 300 MB of one repeated row compresses to well under 1 MB: a ratio over 300, refused before unpacking.
    buffer = io.BytesIO()
    row = b"V1,2024-01-01,Budget,M1,P,yes\n"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("votes.csv", "w") as entry:
            entry.write(HEADER.encode())
            block = row * (2**20 // len(row))
            for _ in range(300):
                entry.write(block)
    assert buffer.tell() < 2 * 2**20
    with pytest.raises(ImportRejected) as rejected:
        import_files(fresh_db, [Source("votes.zip", data=buffer.getvalue())])
    assert "votes.zip" in str(rejected.value) and "zip bomb" in str(rejected.value)
    assert store.is_empty(fresh_db)
