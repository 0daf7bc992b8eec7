"""Property: whatever file arrives, the importer either imports it or rejects it changing nothing; it never crashes.

Run more examples with HYPOTHESIS_EXAMPLES=5000 python -m pytest tests/ingest/test_ingest_properties.py.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tracker import store
from tracker.ingest import ImportRejected, Source, import_files

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "60"))
# Derandomized for the default 60 and in CI (the same examples on every run, so CI does not fail by chance); other
# runs of more examples draw new ones each time, to find what CI has not tried.
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 60 or bool(os.environ.get("CI")),
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

HEADERS = ["vote_id", "votacion", "date", "fecha", "title", "titulo", "yes", "a_favor", "no", "en_contra", "abstain",
           "absent", "party", "partido", "position", "voto", "member_id", "member_name", "diputado", "seats",
           "majority", "assembly", "name", "bloc", "colour", "start_date", "result", "stage", "source_url", "x", ""]
CELLS = ["V04", "V05", "NEW-1", "NEW-2", "2016-01-22", "22.01.2016", "2020-02-30", "yesterday", "0", "1", "3", "163",
         "-1", "2.5", "1e3", "sí", "yes", "against", "voto salvado", "split", "absent", "not a member", "maybe",
         "PSUV", "PJ", "Ñandú", "Müller", "simple", "2/3", "3/5_present", "9/0", "an-2015", "", " ", '"', '""', "'",
         "=cmd()", "a,b", "a;b", "\t", "\n", "\r\n", "\x00", "\ufeff", "é" * 70]
# Values at the edge of their types (issue 16): past int32 and int64, infinities, dates pandas cannot hold.
EDGE_NUMBERS = ["2147483647", "2147483648", "3000000000", str(2**63 - 1), str(2**63), str(2**64), "1e30", "1e308",
                "1e309", "inf", "Infinity", "-Infinity", "NaN", "100000", "100001", "-0", "0.0", "1" * 40]
EDGE_DATES = ["0001-01-01", "1677-09-21", "1677-09-22", "2262-04-11", "2262-04-12", "9999-12-31", "1799-12-31",
              "1800-01-01", "2100-12-31", "2101-01-01", "30/02/2023", "29.02.2023", "29/02/2024", "31.12.9999",
              "0000-00-00", "2023-13-01", "2023-00-10", "9999/12/31", "2262-04-12T23:59:59"]


@st.composite
def csv_files(draw) -> bytes:
    """A CSV-like file: a header of known and unknown columns, rows of plausible and broken cells."""
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    header = draw(st.lists(st.sampled_from(HEADERS) | st.text(max_size=8), min_size=0, max_size=9))
    cells = st.sampled_from(CELLS) | st.sampled_from(EDGE_NUMBERS) | st.sampled_from(EDGE_DATES) | st.text(max_size=6)
    rows = draw(st.lists(st.lists(cells, max_size=11), max_size=8))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(delimiter.join(line) for line in [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):
        # Damage: cut the file short, or splice in raw bytes.
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(max_size=12)) + data[cut:] if draw(st.booleans()) else data[:cut]
    return data


VALID = {
    "vote_id": ["V04", "V05", "NEW-1", "NEW-2", "NEW-3"],
    "title": ["A", "Ley de Amnistía"], "yes": ["", "0", "1", "2", "100", *EDGE_NUMBERS],
    "no": ["", "0", "1", "53"], "abstain": ["", "0", "1"], "absent": ["", "0", "3", *EDGE_NUMBERS[:4]],
    "seats": ["", "5", "163", *EDGE_NUMBERS], "date": ["2016-01-22", "2020-01-01", *EDGE_DATES],
    "party": ["PSUV", "PJ", "NEW-P", "Ñandú"], "position": ["sí", "against", "voto salvado", "absent", "split"],
    "member_id": ["m1", "m2", "m3"], "member_name": ["Ana Núñez", "Jörg Weiß"], "majority": ["", "simple", "2/3"],
}
FORMATS = [["vote_id", "date", "title", "yes", "no", "abstain", "absent", "seats", "majority"],
           ["vote_id", "party", "yes", "no", "position"], ["vote_id", "party", "position"],
           ["vote_id", "member_id", "member_name", "party", "position", "date", "title"]]


@st.composite
def plausible_files(draw) -> bytes:
    """A file in one of our formats with mostly valid cells, so that imports also succeed (and get undone)."""
    header = draw(st.sampled_from(FORMATS))
    keys = 1 if header[1] == "date" else 2
    rows = draw(st.lists(st.tuples(*[st.sampled_from(VALID[c]) for c in header]), min_size=1, max_size=6,
                         unique_by=lambda row: row[:keys]))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    text = "\n".join(delimiter.join(line) for line in [header, *rows]) + "\n"
    return text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])))


# Any warning from the importer fails the test; not the one Hypothesis's own failure report raises when it imports
# mypy_extensions (that one turned a failure into an INTERNALERROR which hid the falsifying example).
@pytest.mark.filterwarnings("ignore:mypy_extensions.TypedDict is deprecated:DeprecationWarning")
@pytest.mark.filterwarnings("error")
@SETTINGS
@given(files=st.lists(plausible_files() | csv_files() | st.binary(max_size=300), min_size=1, max_size=2),
       replace=st.booleans())
def test_importer_never_crashes_and_rejection_changes_nothing(sample_db, files, replace):
    before = store.snapshot(sample_db)
    sources = [Source(f"upload{i}.csv", data=data) for i, data in enumerate(files)]
    try:
        report = import_files(sample_db, sources, replace=replace)
        event("imported")
    except ImportRejected as rejected:
        event("rejected")
        assert rejected.problems, "a rejection names at least one problem"
        assert all(p.file and p.message for p in rejected.problems)
        assert store.snapshot(sample_db) == before
    else:
        assert report.text()
        if report.batch_id is None:
            assert store.snapshot(sample_db) == before
        else:
            # Whatever was imported can be undone, leaving the data as it was.
            store.undo_batch(sample_db, report.batch_id)
            after = store.snapshot(sample_db)
            for table in before:
                if table not in ("import_batches", "audit_log"):
                    assert after[table] == before[table], table
