"""Metrics on the real Bundestag roll calls of the 18th electoral period (skipped when ../shared is absent)."""

from __future__ import annotations

import pandas as pd
import pytest

from tracker import metrics, store
from tracker.ingest import import_files
from tracker.metrics import Filters


@pytest.fixture(scope="module")
def bundestag(bundestag_raw, bundestag_native_csv, tmp_path_factory):
    """A store holding the 131,751 member votes, imported from the native member-votes conversion."""
    con = store.connect(tmp_path_factory.mktemp("bundestag") / "tracker.duckdb")
    import_files(con, [bundestag_native_csv])
    yield con, bundestag_raw
    con.close()


def test_party_counts_equal_the_rows_of_each_party(bundestag):
    con, source = bundestag
    counted = metrics.cohesion(con, Filters())
    source = source.assign(vote_id=source["Wahlperiode"] + "-" + source["Sitzungnr"] + "-" + source["Abstimmnr"])
    expected = (source.groupby(["vote_id", "Fraktion/Gruppe"])["vote"].value_counts().unstack(fill_value=0)
                .rename(columns={"ja": "yes", "nein": "no", "Enthaltung": "abstain", "nichtabgegeben": "absent"}))
    merged = counted.set_index(["vote_id", "party"])[["yes", "no", "abstain", "absent"]].astype(int)
    expected.index.names = ["vote_id", "party"]
    pd.testing.assert_frame_equal(merged.sort_index(), expected[["yes", "no", "abstain", "absent"]].sort_index(),
                                  check_names=False)


def test_mean_agreement_index_is_between_0_and_1_and_cdu_csu_above_09(bundestag):
    con, _ = bundestag
    frame = metrics.cohesion(con, Filters())
    means = frame.groupby("party")["agreement_index"].mean()
    assert ((means >= 0) & (means <= 1)).all()
    assert means["CDU/CSU"] > 0.9


def test_first_dimension_separates_the_government_from_die_linke(bundestag):
    con, _ = bundestag
    points = metrics.ideal_points(con, Filters())
    assert len(points) > 600
    linke = points.loc[points["party"] == "DIE LINKE.", "dim1"]
    government = points.loc[points["party"].isin(["CDU/CSU", "SPD"]), "dim1"]
    # Every Left member lies left of every member of the governing coalition, and CDU/CSU is on the right.
    assert linke.max() < government.min()
    assert metrics.party_centroids(points).set_index("party").loc["CDU/CSU", "dim1"] > 0


def test_members_votes_in_office_add_up_to_their_rows(bundestag):
    con, source = bundestag
    frame = metrics.member_stats(con, Filters())
    assert frame["votes_in_office"].sum() == len(source)
    assert frame["votes_cast"].sum() == int((source["vote"] != "nichtabgegeben").sum())
    assert frame["loyalty"].dropna().between(0, 1).all()   # null for members never judged


def test_member_vote_matrix_gives_the_same_member_tables_as_sql(bundestag):
    # 2015 only, and one party: the dense path must agree with the SQL one row for row.
    con, _ = bundestag
    matrix = metrics.member_vote_matrix(con)
    for filters in (Filters(date_from="2015-01-01", date_to="2015-12-31"), Filters(parties=("DIE LINKE.",))):
        pd.testing.assert_frame_equal(metrics.member_stats(con, filters, matrix=matrix),
                                      metrics.member_stats(con, filters), check_dtype=False)
        dense = metrics.rebellions(con, filters, latest=300, matrix=matrix)
        assert len(dense) > 0
        pd.testing.assert_frame_equal(dense, metrics.rebellions(con, filters, latest=300), check_dtype=False)
