"""Metrics over stated tallies and party positions, and the pure helpers, against hand-worked values."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tests.conftest import FIXTURES
from tests.conftest import one_row as row
from tracker import metrics
from tracker.ingest import import_files
from tracker.metrics import Filters
from tracker.metrics.filters import NO_ASSEMBLY


@pytest.fixture
def stated_db(fresh_db):
    """Five votes with stated tallies (some unknown) and party positions stated as labels or counts."""
    import_files(fresh_db, [FIXTURES / "metrics_stated_votes.csv", FIXTURES / "metrics_stated_positions.csv",
                            FIXTURES / "metrics_assembly.csv"])
    return fresh_db


# --- pure helpers -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("yes", "no", "expected"), [
    (10, 0, 1.0),          # |10 − 0| / 10
    (3, 1, 0.5),           # |3 − 1| / 4
    (2, 2, 0.0),           # a dead heat
    (0, 0, None),          # nobody voted yes or no: undefined
    (5, None, None),       # unknown count: never read as 0
])
def test_rice_index_matches_hand_values(yes, no, expected):
    assert metrics.rice_index(yes, no) == expected


@pytest.mark.parametrize(("yes", "no", "abstain", "expected"), [
    (10, 0, 0, 1.0),           # (10 − ½·0) / 10
    (1, 1, 1, 0.0),            # (1 − ½·2) / 3: a perfect three-way split
    (3, 1, 0, 0.625),          # (3 − ½·1) / 4
    (0, 25, 5, 0.75),          # (25 − ½·5) / 30
    (1, 0, 1, 0.25),           # (1 − ½·1) / 2
    (0, 0, 0, None),
    (4, 1, None, None),
])
def test_agreement_index_matches_hand_values(yes, no, abstain, expected):
    assert metrics.agreement_index(yes, no, abstain) == expected


@pytest.mark.parametrize(("yes", "no", "abstain", "expected"), [
    (5, 1, 0, "yes"), (1, 5, 2, "no"), (1, 1, 3, "abstain"), (2, 2, 0, "split"), (1, 1, 1, "split"),
    (0, 2, 2, "split"), (0, 0, 0, None),
])
def test_party_position_is_most_common_and_a_tie_is_split(yes, no, abstain, expected):
    assert metrics.party_position(yes, no, abstain) == expected


@pytest.mark.parametrize(("rule", "yes", "no", "abstain", "seats", "expected"), [
    ("simple", 72, 29, 8, 167, 30),             # yes must exceed no: 29 + 1
    ("simple", 72, None, 8, 167, None),         # no unknown: threshold unknown
    ("absolute", None, None, None, 167, 84),    # more than half the seats: 167 // 2 + 1
    ("absolute", 81, None, None, 163, 82),      # 163 // 2 + 1
    ("two_thirds_cast", 72, 29, 8, 167, 68),    # ceil(2/3 · 101) = ceil(67.33)
    ("two_thirds_cast", 60, 30, 0, None, 60),   # 2/3 · 90 = 60 exactly
    ("two_thirds_seats", None, None, None, 167, 112),  # ceil(111.33)
    ("two_thirds_seats", None, None, None, 163, 109),  # ceil(108.67)
    ("3/5_present", 60, 30, 10, None, 60),      # 3/5 · 100
    ("3/5_present", 60, 30, None, None, None),  # abstentions unknown
    ("1/2_seats", 1, 0, 0, 9, 5),               # ceil(4.5)
    ("two_thirds_cast", 0, 0, 0, 100, 1),       # nothing cast: still at least one yes
])
def test_vote_threshold_is_yes_votes_needed(rule, yes, no, abstain, seats, expected):
    assert metrics.vote_threshold(rule, yes, no, abstain, seats) == expected


@pytest.mark.parametrize(("rule", "yes", "no", "abstain", "seats", "absent", "expected"), [
    # 72–29 simple: 22 yes voters switching to no give 50–51 (fails); 21 give 51–50 (still passes).
    ("simple", 72, 29, 8, 167, None, 22),
    # 3–3 tie fails: one no voter switching to yes gives 4–2.
    ("simple", 3, 3, 0, None, 0, 1),
    # 2–4 fails: two no→yes give 4–2; one gives 3–3, a tie that still fails.
    ("simple", 2, 4, 0, None, 0, 2),
    # Nobody voted; one of the 5 seats must come and vote yes.
    ("simple", 0, 0, 0, 5, None, 1),
    # Nobody voted and nobody else could: no change reverses it.
    ("simple", 0, 0, 0, None, 0, None),
    ("simple", None, 3, 0, 10, None, None),
    # absolute, 109 of 167 (threshold 84): 26 yes voters leaving yes give 83.
    ("absolute", 109, None, None, 167, None, 26),
    # absolute, 81 of 167: 3 more yes votes reach 84.
    ("absolute", 81, None, None, 167, None, 3),
    # 2/3 cast, 72–29: 5 yes→no give 67–34, 67 < 2/3·101 = 67.33; 4 give 68–33, 68 ≥ 67.33.
    ("two_thirds_cast", 72, 29, 8, None, None, 5),
    # 2/3 cast, 2–4 fails: 2 no→yes give 4–2, 4 ≥ 4; 1 gives 3–3, 3 < 4.
    ("two_thirds_cast", 2, 4, 1, None, None, 2),
    # 3/5 present, 60–30–10 passes exactly: one yes→no gives 59 < 60.
    ("3/5_present", 60, 30, 10, None, None, 1),
    # 3/5 present, 50–40–10 fails (needs 60): 10 no→yes give 60–30–10.
    ("3/5_present", 50, 40, 10, None, None, 10),
    ("3/5_present", 50, 40, None, None, None, None),
])
def test_votes_to_flip_is_fewest_members_reversing_the_result(rule, yes, no, abstain, seats, absent, expected):
    assert metrics.votes_to_flip(rule, yes, no, abstain, seats, absent) == expected


def test_votes_to_flip_agrees_with_brute_force_on_small_chambers():
    # Every 7-seat chamber: the smallest number of members moved (between yes, no, abstain, absent) that reverses.
    from itertools import product

    tallies = [(y, n, a) for y, n, a in product(range(8), repeat=3) if y + n + a <= 7]
    for rule in ("simple", "absolute", "two_thirds_cast", "two_thirds_seats", "3/5_present"):
        passes = {t: metrics.vote_passed(rule, *t, 7) for t in tallies}
        for y, n, a in tallies:
            moves = [sum(max(0, old - new) for old, new in ((y, y2), (n, n2), (a, a2), (7 - y - n - a, 7 - sum(t))))
                     for t in tallies if passes[t] != passes[(y, n, a)] for y2, n2, a2 in [t]]
            assert metrics.votes_to_flip(rule, y, n, a, 7) == (min(moves) if moves else None), (rule, y, n, a)


# --- outcomes -----------------------------------------------------------------------------------------------------

def test_outcomes_recompute_results_from_stated_tallies(stated_db):
    frame = metrics.outcomes(stated_db, Filters())
    assert list(frame.columns[:14]) == ["vote_id", "date", "title", "rule", "yes", "no", "abstain", "absent",
                                        "threshold", "passed", "margin", "official_result", "agrees_with_official",
                                        "votes_to_flip"]
    s1 = row(frame, vote_id="S1")   # 72–29–8 simple: threshold 30, margin 42, 22 to flip
    assert (s1.threshold, bool(s1.passed), s1.margin, s1.votes_to_flip) == (30, True, 42, 22)
    assert bool(s1.agrees_with_official) is True
    assert s1.seats == 167 and s1.tally_source == "stated"


def test_outcome_that_contradicts_the_official_result_is_flagged(stated_db):
    frame = metrics.outcomes(stated_db, Filters())
    s2 = row(frame, vote_id="S2")   # absolute: 81 < 84 of 167 seats, yet 'proclaimed'
    assert (s2.threshold, bool(s2.passed), s2.margin, s2.votes_to_flip) == (84, False, -3, 3)
    assert bool(s2.agrees_with_official) is False
    s5 = row(frame, vote_id="S5")   # 3/5 present: 60 ≥ 60 of 100, yet 'rejected'
    assert (s5.threshold, bool(s5.passed), s5.margin) == (60, True, 0)
    assert bool(s5.agrees_with_official) is False


def test_outcome_with_unknown_counts_is_unknown_not_failed(stated_db):
    frame = metrics.outcomes(stated_db, Filters())
    s3 = row(frame, vote_id="S3")   # only 'approved' is known
    assert pd.isna(s3.passed) and pd.isna(s3.threshold) and pd.isna(s3.votes_to_flip) and pd.isna(s3.yes)
    assert pd.isna(s3.agrees_with_official) and s3.official_result == "approved"
    s4 = row(frame, vote_id="S4")   # two thirds of the vote's own 163 seats: threshold known, result not
    assert s4.threshold == 109 and pd.isna(s4.passed)


def test_outcomes_of_the_venezuelan_sample_include_the_72_29_8_vote(sample_db):
    frame = metrics.outcomes(sample_db, Filters(date_from="2022-12-30", date_to="2022-12-30"))
    assert frame["vote_id"].tolist() == ["V44"]
    v44 = frame.iloc[0]
    assert (v44.yes, v44.no, v44.abstain, v44.threshold, v44.margin, v44.votes_to_flip) == (72, 29, 8, 30, 42, 22)


def test_outcome_is_the_official_result_when_stated_else_the_recomputed_one(stated_db):
    frame = metrics.outcomes(stated_db, Filters())
    s2 = row(frame, vote_id="S2")   # computed failed (81 < 84) but officially 'proclaimed': what happened is passed
    assert (s2.outcome, s2.outcome_source) == ("passed", "official")
    s5 = row(frame, vote_id="S5")   # computed passed (60 ≥ 60) but officially 'rejected'
    assert (s5.outcome, s5.outcome_source) == ("failed", "official")
    s3 = row(frame, vote_id="S3")   # only 'approved' known
    assert (s3.outcome, s3.outcome_source) == ("passed", "official")


def test_outcomes_of_the_sample_read_the_words_before_brackets(sample_db):
    frame = metrics.outcomes(sample_db, Filters())
    v10 = row(frame, vote_id="V10")   # "approved (extension rejected)": the motion to reject was approved
    assert (bool(v10.official_passed), v10.outcome) == (True, "passed")
    v15 = row(frame, vote_id="V15")   # "not voted (no quorum)"
    assert (bool(v15.official_passed), v15.outcome) == (False, "failed")


# --- cohesion -----------------------------------------------------------------------------------------------------

def test_cohesion_from_stated_counts_and_null_for_stated_positions_only(stated_db):
    frame = metrics.cohesion(stated_db, Filters())
    p = row(frame, vote_id="S2", party="P")          # 40–2–0: Rice 38/42, AI (40 − ½·2)/42 = 39/42
    assert math.isclose(p.rice, 38 / 42) and math.isclose(p.agreement_index, 39 / 42) and p.position == "yes"
    q = row(frame, vote_id="S5", party="Q")          # 0–25–5: Rice 1, AI (25 − ½·5)/30 = 0.75
    assert q.rice == 1.0 and math.isclose(q.agreement_index, 0.75)
    stated = row(frame, vote_id="S1", party="P")     # 'for' only: indices unknown, not 1.0
    assert stated.position == "yes" and pd.isna(stated.rice) and pd.isna(stated.agreement_index)
    partial = row(frame, vote_id="S1", party="R")    # 20 yes, no and abstain unknown
    assert pd.isna(partial.rice) and pd.isna(partial.agreement_index)


def test_cohesion_trend_means_ignore_unknown_indices_and_count_covered_votes(stated_db):
    frame = metrics.cohesion_trend(stated_db, Filters(period="year"))
    # P in 2023: S2 (Rice 38/42) and S5 (Rice 1); in 2022 only S1 with a stated position.
    p2023 = frame[(frame["party"] == "P") & (frame["period"] == pd.Timestamp("2023-01-01"))].iloc[0]
    assert p2023.votes == 2 and p2023.rice_votes == 2 and math.isclose(p2023.mean_rice, (38 / 42 + 1) / 2)
    p2022 = frame[(frame["party"] == "P") & (frame["period"] == pd.Timestamp("2022-01-01"))].iloc[0]
    assert p2022.votes == 1 and p2022.rice_votes == 0 and pd.isna(p2022.mean_rice)


# --- alignment and pivotal ----------------------------------------------------------------------------------------

def test_alignment_uses_stated_and_counted_positions(stated_db):
    frame = metrics.party_alignment(stated_db, Filters())
    # P vs Q: S1 yes/no, S2 yes/no, S5 yes/no: 3 compared, none equal. P vs R: S1 only, both yes.
    assert (row(frame, party_a="P", party_b="Q").votes_compared, row(frame, party_a="P", party_b="Q").agreement) \
        == (3, 0.0)
    assert row(frame, party_a="R", party_b="P").agreement == 1.0
    assert row(frame, party_a="P", party_b="P").agreement == 1.0


def test_party_filter_keeps_only_pairs_inside_the_set(stated_db):
    frame = metrics.party_alignment(stated_db, Filters(parties=("P", "R")))
    assert set(frame["party_a"]) | set(frame["party_b"]) == {"P", "R"}


def test_pivotal_when_swapping_a_partys_yes_and_no_reverses_the_result(stated_db):
    frame = metrics.pivotal_parties(stated_db, Filters())
    # S5 (3/5 present, 60–30–10): P's 30 yes → no gives 30–60–10, short of 60: pivotal.
    assert bool(row(frame, vote_id="S5", party="P").pivotal) is True
    # Q's 25 no → yes gives 85–5–10: still passes.
    assert bool(row(frame, vote_id="S5", party="Q").pivotal) is False
    # S2 (absolute, 81 yes): P's swap leaves 43 yes, still short of 84; the unknown no count does not matter.
    assert bool(row(frame, vote_id="S2", party="P").pivotal) is False
    # A party with only a stated position: its counts are unknown, so is the answer.
    assert pd.isna(row(frame, vote_id="S1", party="P").pivotal)


# --- filters ------------------------------------------------------------------------------------------------------

def test_date_range_is_inclusive_and_assembly_filters_votes(stated_db):
    frame = metrics.outcomes(stated_db, Filters(date_from="2023-01-05", date_to="2023-03-01"))
    assert frame["vote_id"].tolist() == ["S2", "S3", "S4"]
    assert metrics.outcomes(stated_db, Filters(assembly="elsewhere")).empty
    assert len(metrics.outcomes(stated_db, Filters(assembly="chamber"))) == 5


def test_pages_open_with_the_only_assembly_and_with_all_when_there_are_several(stated_db, write_csv):
    assert metrics.default_assembly(stated_db) == "chamber"
    import_files(stated_db, [write_csv("senate.csv", "assembly,name,seats\nsenate,Made-up senate,50\n")])
    assert metrics.default_assembly(stated_db) is None


def test_pages_open_with_no_assembly_when_every_vote_names_none_and_with_all_on_an_empty_store(fresh_db, write_csv):
    assert metrics.default_assembly(fresh_db) is None
    import_files(fresh_db, [write_csv("votes.csv", "vote_id,date,title,yes,no\nV1,2024-01-01,A vote,3,1\n")])
    assert metrics.default_assembly(fresh_db) == NO_ASSEMBLY


@pytest.mark.parametrize("filters", [Filters(date_from="2023-13-01"), Filters(date_to="yesterday")])
def test_bad_date_is_a_clear_error(stated_db, filters):
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        metrics.outcomes(stated_db, filters)


def test_unknown_period_is_refused(stated_db):
    with pytest.raises(ValueError, match="month, quarter, year"):
        metrics.cohesion_trend(stated_db, Filters(period="week; drop table votes"))


METRIC_NAMES = ["alignment", "alignment-trend", "cohesion", "cohesion-trend", "ideal-points", "member-alignment",
                "members", "outcomes", "pivotal"]


def test_the_registry_lists_every_metric():
    assert sorted(metrics.METRICS) == METRIC_NAMES


@pytest.mark.parametrize("name", METRIC_NAMES)
def test_every_metric_returns_its_columns_on_an_empty_store(fresh_db, name):
    expected = {
        "outcomes": ["vote_id", "date", "title", "rule", "yes", "no", "abstain", "absent", "threshold", "passed",
                     "margin", "official_result", "agrees_with_official", "votes_to_flip", "seats", "tally_source",
                     "stage", "matter", "official_passed", "outcome", "outcome_source"],
        "cohesion": ["vote_id", "date", "party", "yes", "no", "abstain", "absent", "position", "rice",
                     "agreement_index", "source"],
        "cohesion-trend": ["period", "party", "votes", "mean_rice", "mean_agreement_index", "rice_votes",
                           "agreement_votes"],
        "alignment": ["party_a", "party_b", "votes_compared", "agreement"],
        "alignment-trend": ["period", "party_a", "party_b", "votes_compared", "agreement"],
        "pivotal": ["vote_id", "party", "pivotal", "party_yes", "party_no"],
        "members": ["member_id", "name", "party", "votes_in_office", "votes_cast", "participation",
                    "votes_with_party", "loyalty", "rebellions"],
        "member-alignment": ["member_a", "member_b", "votes_compared", "agreement"],
        "ideal-points": ["member_id", "name", "party", "dim1", "dim2", "votes", "dim1_se", "dim2_se", "dim1_low",
                         "dim1_high", "dim2_low", "dim2_high"],
    }[name]
    frame = metrics.METRICS[name](fresh_db, Filters())
    assert frame.empty and list(frame.columns) == expected
