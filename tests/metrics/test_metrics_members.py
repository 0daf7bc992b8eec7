"""Metrics counted from member votes, on a hand-made seven-member chamber.

tests/data/metrics_member_votes.csv (parties A, B, C; blocs Gov = A + C, Opp = B):

    member  V1 2020-01-10   V2 2020-02-10   V3 2020-05-10   V4 2021-01-10
    a1 A    yes             yes             yes             no
    a2 A    yes             no              yes             no
    a3 A    no              abstain         yes             yes
    b1 B    no              absent          no              yes
    s1      B no            B absent        A no            A no         (changes party)
    c1 C    yes             yes             absent          no           (one-member party)
    n1 B    not_member      not_member      no              abstain      (joins mid-term)

Party positions: V1 A yes (2–1), B no, C yes; V2 A split (1–1–1), B none (all absent), C yes;
V3 A yes (3–1), B no, C none (absent); V4 A no (1–3), B split (1 yes, 1 abstain), C no.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tests.conftest import FIXTURES
from tests.conftest import one_row as one
from tracker import metrics
from tracker.ingest import import_files
from tracker.metrics import Filters


@pytest.fixture
def chamber(fresh_db):
    """The seven-member chamber imported as one batch."""
    import_files(fresh_db, [FIXTURES / "metrics_member_votes.csv", FIXTURES / "metrics_parties.csv"])
    return fresh_db


@pytest.fixture(params=["sql", "matrix"])
def path(request, chamber) -> dict:
    """Member metrics computed in SQL, or from the dense member vote matrix: both must give the hand-worked values."""
    return {"matrix": metrics.member_vote_matrix(chamber) if request.param == "matrix" else None}


def test_party_counts_and_positions_come_from_member_votes(chamber):
    frame = metrics.cohesion(chamber, Filters())
    a1 = one(frame, vote_id="V1", party="A")     # 2 yes, 1 no: Rice 1/3, AI (2 − ½·1)/3 = 0.5
    assert (a1.yes, a1.no, a1.abstain, a1.position) == (2, 1, 0, "yes")
    assert math.isclose(a1.rice, 1 / 3) and math.isclose(a1.agreement_index, 0.5)
    a2 = one(frame, vote_id="V2", party="A")     # 1–1–1: a tie for first is split; Rice 0, AI 0
    assert a2.position == "split" and a2.rice == 0.0 and a2.agreement_index == 0.0
    b4 = one(frame, vote_id="V4", party="B")     # 1 yes, 1 abstain: split; Rice |1−0|/1 = 1, AI (1 − ½)/2
    assert b4.position == "split" and b4.rice == 1.0 and math.isclose(b4.agreement_index, 0.25)


def test_all_absent_party_has_no_position_and_no_index(chamber):
    frame = metrics.cohesion(chamber, Filters())
    b2 = one(frame, vote_id="V2", party="B")     # b1 and s1 absent, n1 not yet a member
    assert (b2.yes, b2.no, b2.abstain, b2.absent) == (0, 0, 0, 2)
    assert pd.isna(b2.position) and pd.isna(b2.rice) and pd.isna(b2.agreement_index)
    c3 = one(frame, vote_id="V3", party="C")     # the one-member party's only member was absent
    assert pd.isna(c3.position) and pd.isna(c3.rice)


def test_cohesion_trend_by_year_and_quarter(chamber):
    yearly = metrics.cohesion_trend(chamber, Filters(period="year"))
    a = one(yearly, party="A", period=pd.Timestamp("2020-01-01"))
    # A in 2020: Rice 1/3, 0, 1/2 → mean 5/18; AI 0.5, 0, 0.625 → mean 0.375.
    assert a.votes == 3 and math.isclose(a.mean_rice, 5 / 18) and math.isclose(a.mean_agreement_index, 0.375)
    b = one(yearly, party="B", period=pd.Timestamp("2020-01-01"))
    # B in 2020: V1 and V3 Rice 1, V2 undefined (all absent): 3 votes, 2 covered.
    assert (b.votes, b.rice_votes, b.agreement_votes, b.mean_rice) == (3, 2, 2, 1.0)
    quarterly = metrics.cohesion_trend(chamber, Filters(period="quarter"))
    assert sorted(quarterly.loc[quarterly["party"] == "A", "period"].dt.strftime("%Y-%m").tolist()) == \
        ["2020-01", "2020-04", "2021-01"]


def test_outcomes_from_member_counts(chamber):
    frame = metrics.outcomes(chamber, Filters())
    v1 = one(frame, vote_id="V1")   # 3–3 tie fails under simple majority though 'approved'
    assert (v1.yes, v1.no, v1.threshold, bool(v1.passed), v1.votes_to_flip) == (3, 3, 4, False, 1)
    assert bool(v1.agrees_with_official) is False and v1.tally_source == "members"
    v3 = one(frame, vote_id="V3")   # absolute of 7 seats: 4 needed, 3 yes; one more (c1 was absent) carries it
    assert (v3.threshold, bool(v3.passed), v3.margin, v3.votes_to_flip) == (4, False, -1, 1)
    v4 = one(frame, vote_id="V4")   # 2/3 cast, 2–4: ceil(2/3·6) = 4 needed; two no→yes give 4–2
    assert (v4.threshold, bool(v4.passed), v4.margin, v4.votes_to_flip) == (4, False, -2, 2)


def test_pivotal_parties_from_member_counts(chamber):
    frame = metrics.pivotal_parties(chamber, Filters())
    # V1 3–3: B's 2 no → yes gives 5–1 (passes); A's swap gives 2–4; C's gives 2–4.
    assert [bool(one(frame, vote_id="V1", party=p).pivotal) for p in "ABC"] == [False, True, False]
    # V2 2–1: C's yes → no gives 1–2 (fails); A's 1–1 swap changes nothing; B cast nothing.
    assert [bool(one(frame, vote_id="V2", party=p).pivotal) for p in "ABC"] == [False, False, True]


def test_alignment_compares_only_non_split_positions(chamber):
    frame = metrics.party_alignment(chamber, Filters())
    # A–B: V1 yes/no, V3 yes/no → 0 of 2. A–C: V1 yes/yes, V4 no/no → 2 of 2. B–C: V1 no/yes → 0 of 1.
    assert (one(frame, party_a="A", party_b="B").votes_compared, one(frame, party_a="A", party_b="B").agreement) \
        == (2, 0.0)
    assert (one(frame, party_a="C", party_b="A").votes_compared, one(frame, party_a="C", party_b="A").agreement) \
        == (2, 1.0)
    assert one(frame, party_a="B", party_b="C").votes_compared == 1
    assert one(frame, party_a="A", party_b="A").votes_compared == 3   # V1, V3, V4 (V2 split)


def test_alignment_trend_splits_by_period(chamber):
    frame = metrics.alignment_trend(chamber, Filters(period="year", parties=("A", "C")))
    assert one(frame, period=pd.Timestamp("2020-01-01"), party_a="A", party_b="C").votes_compared == 1   # V1
    assert one(frame, period=pd.Timestamp("2021-01-01"), party_a="A", party_b="C").votes_compared == 1   # V4
    assert set(frame["party_a"]) == {"A", "C"}


def test_alignment_with_a_reference_party(chamber):
    frame = metrics.alignment_with_reference(chamber, Filters(reference="A"))
    # vs A in 2020: B on V1 and V3, both opposite → 0 of 2; C on V1 → 1 of 1. In 2021: C on V4; B split.
    assert (one(frame, period=pd.Timestamp("2020-01-01"), party="B").votes_compared,
            one(frame, period=pd.Timestamp("2020-01-01"), party="B").agreement) == (2, 0.0)
    assert one(frame, period=pd.Timestamp("2020-01-01"), party="C").agreement == 1.0
    assert "A" not in set(frame["party"])
    assert one(frame, period=pd.Timestamp("2021-01-01"), party="C").votes_compared == 1


def test_alignment_with_a_bloc_takes_the_position_most_of_its_parties_took(chamber):
    frame = metrics.alignment_with_reference(chamber, Filters(reference="bloc:Gov"))
    # Gov (A, C): V1 yes, V2 yes (C; A split), V3 yes (A; C none), V4 no.
    # C in 2020: V1 and V2 agree → 2 of 2; B in 2020: V1 and V3 disagree → 0 of 2.
    assert (one(frame, period=pd.Timestamp("2020-01-01"), party="C").votes_compared,
            one(frame, period=pd.Timestamp("2020-01-01"), party="C").agreement) == (2, 1.0)
    assert one(frame, period=pd.Timestamp("2020-01-01"), party="B").agreement == 0.0


@pytest.mark.parametrize("reference", ["Z", "bloc:Nowhere"])
def test_unknown_reference_is_a_clear_error(chamber, reference):
    with pytest.raises(ValueError, match="no (party|bloc)"):
        metrics.alignment_with_reference(chamber, Filters(reference=reference))


def test_member_participation_loyalty_and_rebellions(chamber, path):
    frame = metrics.member_stats(chamber, Filters(), **path).set_index("member_id")
    # a3: 4 cast of 4; judged on V1, V3, V4 (V2 A split); with party only on V3 → loyalty 1/3, 2 rebellions.
    a3 = frame.loc["a3"]
    assert (a3.votes_in_office, a3.votes_cast, a3.participation) == (4, 4, 1.0)
    assert (a3.votes_with_party, a3.rebellions) == (1, 2) and math.isclose(a3.loyalty, 1 / 3)
    # b1: absent on V2 → 3 of 4 cast; V4 B split is not judged → 2 of 2 with party.
    b1 = frame.loc["b1"]
    assert (b1.votes_cast, b1.participation, b1.votes_with_party, b1.loyalty, b1.rebellions) == (3, 0.75, 2, 1.0, 0)
    assert frame.loc["a1", "name"] == "Ana Alba"


def test_member_who_joins_mid_term_is_counted_only_while_in_office(chamber, path):
    n1 = metrics.member_stats(chamber, Filters(), **path).set_index("member_id").loc["n1"]
    # not_member on V1 and V2: 2 votes in office, both cast; V3 with B (no), V4 B split → 1 of 1.
    assert (n1.votes_in_office, n1.votes_cast, n1.participation, n1.votes_with_party, n1.loyalty) == \
        (2, 2, 1.0, 1, 1.0)


def test_member_who_changes_party_is_judged_against_the_party_of_each_vote(chamber, path):
    s1 = metrics.member_stats(chamber, Filters(), **path).set_index("member_id").loc["s1"]
    # V1 with B (no = no), V2 absent, V3 in A (no ≠ yes), V4 in A (no = no): 2 of 3, 1 rebellion; now in A.
    assert (s1.party, s1.votes_cast, s1.votes_with_party, s1.rebellions) == ("A", 3, 2, 1)
    only_b = metrics.member_stats(chamber, Filters(parties=("B",)), **path).set_index("member_id").loc["s1"]
    # While in B: V1 (no) and V2 (absent).
    assert (only_b.party, only_b.votes_in_office, only_b.votes_cast, only_b.participation) == ("B", 2, 1, 0.5)


def test_rebellions_list_each_vote_against_the_party(chamber, path):
    frame = metrics.rebellions(chamber, Filters(), **path)
    columns = ["vote_id", "member_id", "position", "party_position"]
    assert list(frame[columns].itertuples(index=False, name=None)) == [
        ("V1", "a3", "no", "yes"), ("V3", "s1", "no", "yes"), ("V4", "a3", "yes", "no")]
    assert one(frame, vote_id="V3").party == "A"


def test_date_filter_restricts_member_metrics(chamber, path):
    frame = metrics.member_stats(chamber, Filters(date_from="2020-03-01"), **path).set_index("member_id")
    assert frame.loc["a3", "votes_in_office"] == 2 and frame.loc["a3", "rebellions"] == 1   # V3, V4


def test_latest_rebellions_come_newest_first_and_stop_at_the_limit(chamber, path):
    # The three rebellions (V1 a3, V3 s1, V4 a3); the latest two, newest first: V4 a3, then V3 s1.
    frame = metrics.rebellions(chamber, Filters(), latest=2, **path)
    assert list(frame[["vote_id", "member_id"]].itertuples(index=False, name=None)) == [("V4", "a3"), ("V3", "s1")]


def test_rebellions_in_a_party_filter_and_date_range(chamber, path):
    # From 2020-03-01 in party A: V3 s1 (no against A's yes) and V4 a3 (yes against A's no).
    frame = metrics.rebellions(chamber, Filters(date_from="2020-03-01", parties=("A",)), **path)
    assert list(frame[["vote_id", "member_id", "party"]].itertuples(index=False, name=None)) == [
        ("V3", "s1", "A"), ("V4", "a3", "A")]


def test_member_vote_matrix_is_not_built_above_its_cell_limit(chamber):
    # 7 members × 4 votes = 28 cells.
    assert metrics.member_vote_matrix(chamber, max_cells=27) is None
    matrix = metrics.member_vote_matrix(chamber, max_cells=28)
    assert matrix.positions.shape == (7, 4) and list(matrix.votes["vote_id"]) == ["V1", "V2", "V3", "V4"]


def test_kept_member_vote_matrix_is_reloaded_until_the_next_import(chamber, db_path, write_csv):
    built = metrics.member_vote_matrix(chamber, keep=True)
    kept_files = list(db_path.parent.glob("*.member-matrix-*.npz"))
    assert len(kept_files) == 1
    reloaded = metrics.member_vote_matrix(chamber, keep=True)
    for field in ("positions", "parties", "party_positions", "lines", "in_office", "cast", "with_party", "against"):
        assert (getattr(reloaded, field) == getattr(built, field)).all(), field
    assert list(reloaded.members) == list(built.members) and list(reloaded.names) == list(built.names)
    pd.testing.assert_frame_equal(reloaded.votes, built.votes)
    # A new vote makes the kept codes stale: the matrix is read again and has the new column.
    import_files(chamber, [write_csv("more.csv", "vote_id,date,title,member_id,party,position\n"
                                                 "V9,2021-06-01,Later,a1,A,no\n")])
    after = metrics.member_vote_matrix(chamber, keep=True)
    assert list(after.votes["vote_id"])[-1] == "V9" and after.positions.shape[1] == built.positions.shape[1] + 1


def test_member_vote_matrix_window_follows_the_date_filter(chamber):
    matrix = metrics.member_vote_matrix(chamber)
    assert matrix.window(Filters(date_from="2020-02-01", date_to="2020-05-10")) == slice(1, 3)   # V2, V3
    assert matrix.window(Filters(date_from="2022-01-01")) == slice(4, 4)
    with pytest.raises(ValueError, match="assembly"):
        matrix.window(Filters(assembly="elsewhere"))


def test_member_alignment_counts_votes_both_cast(chamber):
    frame = metrics.member_alignment(chamber, Filters())
    # a1–a2: same on V1, V3, V4, different on V2 → 3 of 4.
    assert (one(frame, member_a="a1", member_b="a2").votes_compared,
            one(frame, member_a="a1", member_b="a2").agreement) == (4, 0.75)
    # b1–s1: V2 both absent is not compared; V1, V3 same, V4 different → 2 of 3.
    pair = one(frame, member_a="s1", member_b="b1")
    assert pair.votes_compared == 3 and math.isclose(pair.agreement, 2 / 3)
    # a3–n1: V3 yes/no, V4 yes/abstain → 0 of 2. c1–a1: V1, V2, V4 → 3 of 3.
    assert one(frame, member_a="a3", member_b="n1").agreement == 0.0
    assert one(frame, member_a="c1", member_b="a1").agreement == 1.0
    assert not ((frame["member_a"] == frame["member_b"]).any())


def test_cohesion_summary_averages_known_indices_per_party(chamber):
    summary = metrics.cohesion_summary(chamber, Filters()).set_index("party")
    # A: Rice 1/3 (V1), 0 (V2), 1/2 (V3), |1−3|/4 = 1/2 (V4) → mean 1/3 over 4 votes.
    assert summary.loc["A", "votes"] == 4 and math.isclose(summary.loc["A", "mean_rice"], 1 / 3)
    # C: V1 and V2 Rice 1, V3 unknown (absent), V4 1 → 3 of 4 votes covered.
    assert (summary.loc["C", "votes"], summary.loc["C", "rice_votes"], summary.loc["C", "mean_rice"]) == (4, 3, 1.0)
    assert list(summary.columns) == ["votes", "mean_rice", "rice_votes", "mean_agreement_index",
                                     "agreement_votes"]


def test_position_grid_of_the_latest_votes(chamber):
    grid = metrics.party_position_grid(chamber, Filters(), latest=2)
    assert sorted(set(grid["vote_id"])) == ["V3", "V4"] and len(grid) == 6   # 2 votes × 3 parties
    assert list(grid["vote_id"])[0] == "V3"   # oldest first, as the full grid


def test_position_grid_has_one_row_per_party_and_vote(chamber):
    grid = metrics.party_position_grid(chamber, Filters())
    assert len(grid) == 12   # 4 votes × 3 parties
    assert one(grid, vote_id="V2", party="A").position == "split"
    assert pd.isna(one(grid, vote_id="V2", party="B").position)


def test_too_few_members_for_ideal_points_gives_an_empty_frame(chamber):
    # Seven members with four votes each: all fall below the 20-vote minimum.
    frame = metrics.ideal_points(chamber, Filters())
    assert frame.empty and list(frame.columns) == [
        "member_id", "name", "party", "dim1", "dim2", "votes", "dim1_se", "dim2_se", "dim1_low", "dim1_high",
        "dim2_low", "dim2_high"]
    assert metrics.party_centroids(frame).empty


def test_latest_party_is_found_however_far_back_a_members_last_known_party_lies():
    import types

    import numpy as np

    from tracker.metrics.matrix import latest_party

    votes = 2_000   # more than the first blocks searched from the newest vote (256, then 1,024 columns)
    party = np.zeros((4, votes), dtype=np.int16)
    mask = np.ones((4, votes), dtype=bool)
    party[0, [5, votes - 1]] = [1, 2]        # known on the newest vote: B
    party[1, 10] = 1                         # known once, 1,990 votes back: A
    party[3, [100, 1_500]] = [3, 1]          # A at 1,500 is outside the mask (not in office): C at 100
    mask[3, 1_500] = False
    matrix = types.SimpleNamespace(party_labels=np.array(["A", "B", "C"], dtype=object))
    assert latest_party(matrix, party, mask).tolist() == ["B", "A", None, "C"]
    assert latest_party(matrix, party[:, :0], mask[:, :0]).tolist() == [None, None, None, None]
    # The fit passes its yes/no codes as the mask: cast (+1 or −1) where the mask held
    codes = np.where(mask, np.int8(-1), np.int8(0))
    codes[0, votes - 1] = 1
    assert latest_party(matrix, party, codes).tolist() == ["B", "A", None, "C"]
