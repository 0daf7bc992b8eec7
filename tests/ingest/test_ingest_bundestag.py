"""The real Bundestag roll calls (18th term) import through the native member-votes path once renamed."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import BUNDESTAG_POSITIONS
from tracker import store
from tracker.ingest import import_files

pytestmark = pytest.mark.slow

POSITIONS = BUNDESTAG_POSITIONS


@pytest.fixture(scope="module")
def bundestag(bundestag_raw, bundestag_native_csv, tmp_path_factory):
    """The raw rows, and a store with the file imported after renaming its columns to our native names."""
    native = pd.read_csv(bundestag_native_csv, dtype=str, keep_default_na=False)
    con = store.connect(tmp_path_factory.mktemp("bundestag") / "tracker.duckdb")
    report = import_files(con, [bundestag_native_csv])
    yield bundestag_raw, native, con, report
    con.close()


def test_bundestag_file_imports_every_row_as_member_votes(bundestag):
    raw, native, con, report = bundestag
    assert report.files[0].kind == "member votes"
    assert report.added["member votes"] == len(raw) == 131_751
    assert report.added["votes"] == native["vote_id"].nunique() == 209
    assert con.execute("select count(*) from member_votes").fetchone()[0] == len(raw)


def test_bundestag_tallies_equal_the_counts_of_its_rows(bundestag):
    raw, native, con, _ = bundestag
    expected = (native.assign(position=native["position"].map(POSITIONS))
                .pivot_table(index="vote_id", columns="position", aggfunc="size", fill_value=0)
                .reindex(columns=["yes", "no", "abstain", "absent"], fill_value=0))
    stored = con.execute("select vote_id, yes, no, abstain, absent from vote_tallies").df().set_index("vote_id")
    stored = stored.sort_index().astype("int64")
    expected = expected.sort_index().astype("int64")
    expected.columns.name = None
    pd.testing.assert_frame_equal(stored, expected, check_names=False)


def test_bundestag_party_tallies_equal_the_counts_per_party(bundestag):
    raw, native, con, _ = bundestag
    expected = native.groupby(["vote_id", "party"]).size().sort_index()
    stored = con.execute("select vote_id, party, members from party_tallies").df()
    stored = stored.set_index(["vote_id", "party"])["members"].sort_index().astype("int64")
    assert stored.to_dict() == expected.to_dict()


def test_bundestag_keeps_german_names_and_original_labels(bundestag):
    _, native, con, _ = bundestag
    labels = {r[0] for r in con.execute("select distinct position_label from member_votes").fetchall()}
    assert labels == set(native["position"].unique()) <= set(POSITIONS)
    umlaut = native.loc[native["member_name"].str.contains("ü"), "member_name"].iloc[0]
    assert con.execute("select count(*) from members where name = $n", {"n": umlaut}).fetchone()[0] == 1
    assert "BÜ90/GR" in {r[0] for r in con.execute("select party from parties").fetchall()}


def test_bundestag_reupload_adds_nothing(bundestag, tmp_path):
    _, native, con, _ = bundestag
    before = store.snapshot(con)
    copy = tmp_path / "copy.csv"
    native.iloc[::-1].to_csv(copy, index=False)  # same rows, other order: other bytes
    report = import_files(con, [copy])
    assert report.nothing_added and report.unchanged_votes == 209
    assert store.snapshot(con) == before
