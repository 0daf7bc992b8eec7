"""Ideal points: recovery of known positions from synthetic votes, the selection thresholds and the sign."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tracker import ideal_points as ideal
from tracker import metrics
from tracker.ingest import import_files


def synthetic_votes(members: int, votes: int, dims: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Votes drawn from a logistic model around known positions; 10 % of cells missing."""
    rng = np.random.default_rng(seed)
    truth = rng.normal(size=(members, dims))
    slopes = rng.normal(size=(votes, dims)) * 2.5
    cuts = rng.normal(size=votes)
    chance = 1 / (1 + np.exp(-(cuts + truth @ slopes.T)))
    matrix = np.where(rng.random((members, votes)) < chance, 1, -1).astype(np.int8)
    matrix[rng.random((members, votes)) < 0.10] = 0
    return matrix, truth


def explained(fitted: np.ndarray, truth: np.ndarray) -> float:
    """R² of a true coordinate regressed on both fitted dimensions (the 2-D fit is identified up to rotation)."""
    design = np.column_stack([np.ones(len(fitted)), fitted])
    coef, *_ = np.linalg.lstsq(design, truth, rcond=None)
    residual = truth - design @ coef
    return 1 - (residual ** 2).sum() / ((truth - truth.mean()) ** 2).sum()


def test_first_dimension_recovers_one_dimensional_positions():
    matrix, truth = synthetic_votes(120, 300, 1, seed=3)
    fit = ideal.fit(matrix)
    assert abs(np.corrcoef(fit.points[:, 0], truth[:, 0])[0, 1]) >= 0.95


def test_two_dimensions_recover_two_dimensional_positions():
    matrix, truth = synthetic_votes(150, 500, 2, seed=5)
    fit = ideal.fit(matrix)
    assert explained(fit.points, truth[:, 0]) >= 0.9 and explained(fit.points, truth[:, 1]) >= 0.9


def test_refinement_fits_better_than_the_spectral_start():
    matrix, truth = synthetic_votes(100, 300, 1, seed=11)
    spectral = ideal.fit(matrix, iterations=0).points[:, 0]
    refined = ideal.fit(matrix).points[:, 0]
    assert abs(np.corrcoef(refined, truth[:, 0])[0, 1]) > abs(np.corrcoef(spectral, truth[:, 0])[0, 1])


def test_lopsided_votes_and_members_with_few_votes_are_left_out():
    matrix, _ = synthetic_votes(60, 100, 1, seed=7)
    matrix[:, 0] = 1                 # unanimous
    matrix[:, 1] = 1
    matrix[0, 1] = -1                # 1 of 60 against: 1.7 % < 2.5 %
    matrix[:, 2] = 1
    matrix[:2, 2] = -1               # 2 of 60 against: 3.3 % is kept
    matrix[5, 20:] = 0               # member 5 voted on 20 votes, 3 of them dropped → 17 < 20
    members, votes = ideal.select(matrix)
    assert not votes[0] and not votes[1] and votes[2]
    assert not members[5] and members.sum() == 59
    fit = ideal.fit(matrix)
    assert np.isnan(fit.points[5]).all() and fit.votes_used[5] == 0


def test_a_vote_left_lopsided_by_a_member_left_out_is_left_out_in_the_next_round():
    matrix, _ = synthetic_votes(40, 100, 1, seed=3)
    matrix[3, 10:] = 0               # member 3 voted on 10 votes only: left out in the first round
    matrix[:, 0] = 1
    matrix[3, 0] = -1                # 1 of 40 against (2.5 %, kept) until member 3 goes: then 0 of 39
    first_round = ideal.select(matrix.copy(), min_votes=0)
    assert first_round[1][0]         # with every member kept, vote 0 is scaled
    members, votes = ideal.select(matrix)
    assert not members[3] and members.sum() == 39
    assert not votes[0]
    # The other votes are judged on the 39 members kept, as if member 3 had never been there.
    assert np.array_equal(votes[1:], ideal.select(np.delete(matrix, 3, axis=0)[:, 1:], min_votes=0)[1])


def _select_by_recounting(matrix, min_votes=ideal.MIN_VOTES, min_minority=ideal.MIN_MINORITY):
    """select as its docstring says it, recounting the kept members' cells every round."""
    members, votes = np.ones(matrix.shape[0], bool), np.ones(matrix.shape[1], bool)
    for _ in range(10):
        yes, no = (matrix[members] == 1).sum(axis=0), (matrix[members] == -1).sum(axis=0)
        new_votes = (yes + no > 0) & (np.minimum(yes, no) / np.maximum(yes + no, 1) >= min_minority)
        new_members = members & ((matrix[:, new_votes] != 0).sum(axis=1) >= min_votes)
        if (new_votes == votes).all() and (new_members == members).all():
            break
        votes, members = new_votes, new_members
    return members, votes


def test_cells_counted_a_few_members_at_a_time_are_the_counts_over_the_whole_matrix():
    rng = np.random.default_rng(11)
    codes = rng.choice(np.array([-1, 0, 1], dtype=np.int8), size=(2 * ideal.ROWS_AT_ONCE + 22, 300),
                       p=[0.3, 0.2, 0.5])
    for code, cells in ((1, codes == 1), (-1, codes == -1), (None, codes != 0)):
        assert np.array_equal(ideal.coded_cells(codes, 0, code), cells.sum(axis=0))
        assert np.array_equal(ideal.coded_cells(codes, 1, code), cells.sum(axis=1))
    # select's rounds on more members than one group: lopsided votes, and members who voted on few
    codes[:, :40] = 1
    codes[:3, :40] = -1               # 3 of 150 against: 2 % < 2.5 %
    codes[3, :15] = -1                # a fourth on votes 0-14 (2.7 %: kept in the first round) ...
    codes[3, 15:] = 0                 # ... who cast 15 votes: left out, and votes 0-14 with him in the second
    codes[100:110, 25:] = 0           # ten members in the second group of 64 who voted only on dropped votes
    members, votes = ideal.select(codes)
    expected_members, expected_votes = _select_by_recounting(codes)
    assert np.array_equal(members, expected_members) and np.array_equal(votes, expected_votes)
    assert not votes[:40].any() and votes[40:].all()
    assert np.flatnonzero(~members).tolist() == [3, *range(100, 110)]
    first_round = ideal.select(codes, min_votes=0)[1]
    assert first_round[:15].all() and not first_round[15:40].any()


def test_sign_puts_the_named_party_on_the_right():
    matrix, truth = synthetic_votes(80, 200, 1, seed=13)
    for right in (truth[:, 0] > 0, truth[:, 0] < 0):
        fit = ideal.fit(matrix, right=right)
        assert fit.points[right, 0].mean() > 0 and fit.points[right, 1].mean() >= 0


def test_points_lie_in_the_unit_circle():
    matrix, _ = synthetic_votes(50, 150, 2, seed=17)
    points = ideal.fit(matrix).points
    assert np.sqrt((points ** 2).sum(axis=1)).max() <= 1 + 1e-9


def test_too_little_data_gives_no_fit():
    assert ideal.fit(np.ones((2, 50), dtype=np.int8)) is None


def test_party_centroids_average_members():
    points = pd.DataFrame({"member_id": ["a", "b", "c"], "party": ["X", "X", "Y"],
                           "dim1": [0.2, 0.4, -0.5], "dim2": [0.0, 0.2, 0.1]})
    centroids = metrics.party_centroids(points).set_index("party")
    assert centroids.loc["X", "members"] == 2 and np.isclose(centroids.loc["X", "dim1"], 0.3)
    assert np.isclose(centroids.loc["X", "dim2"], 0.1) and centroids.loc["Y", "dim1"] == -0.5


def test_party_centroids_leave_out_members_without_a_party_and_run_from_left_to_right():
    points = pd.DataFrame({"member_id": ["a", "b", "c", "d"], "party": ["X", None, "Y", "Y"],
                           "dim1": [0.6, -0.9, -0.5, -0.1], "dim2": [0.1, 0.9, 0.0, 0.4]})
    centroids = metrics.party_centroids(points)
    assert centroids["party"].tolist() == ["Y", "X"]            # Y's mean dim1 −0.3 is left of X's 0.6
    assert centroids["members"].tolist() == [2, 1]
    assert np.allclose(centroids[["dim1", "dim2"]].to_numpy(), [[-0.3, 0.2], [0.6, 0.1]])


def test_fit_on_an_evenly_spaced_sample_of_votes_still_recovers_positions():
    matrix, truth = synthetic_votes(120, 600, 1, seed=19)
    fit = ideal.fit(matrix, max_votes=200)
    assert abs(np.corrcoef(fit.points[:, 0], truth[:, 0])[0, 1]) >= 0.95
    assert fit.votes_used.max() <= 200


def test_sample_keeps_at_most_the_limit_spread_over_the_selected_votes():
    selected = np.zeros(10, dtype=bool)
    selected[[1, 2, 4, 6, 8, 9]] = True
    # Six selected votes, three kept: positions 0, 2.5→2 (numpy rounds half to even), 5 of [1, 2, 4, 6, 8, 9].
    assert np.flatnonzero(ideal.sample_votes(selected, 3)).tolist() == [1, 4, 9]
    assert (ideal.sample_votes(selected, 6) == selected).all()


@pytest.fixture
def scaled_db(fresh_db, write_csv):
    """40 members of parties L and R on 80 votes drawn around known one-dimensional positions."""
    matrix, _ = synthetic_votes(40, 80, 1, seed=23)
    lines = ["vote_id,date,title,member_id,member_name,party,position"]
    for v in range(matrix.shape[1]):
        for m in range(matrix.shape[0]):
            position = {1: "yes", -1: "no", 0: "absent"}[int(matrix[m, v])]
            lines.append(f"V{v:03d},2020-{1 + v // 28:02d}-{1 + v % 28:02d},Vote {v},m{m:02d},Member {m},"
                         f"{'L' if m < 20 else 'R'},{position}")
    import_files(fresh_db, [write_csv("member_votes.csv", "\n".join(lines) + "\n")])
    return fresh_db


def test_all_votes_fit_is_stored_beside_the_database_until_the_next_import(scaled_db, write_csv):
    assert metrics.stored_ideal_points(scaled_db, None) is None
    fitted = metrics.fit_and_store_ideal_points(scaled_db, None)
    stored = metrics.stored_ideal_points(scaled_db, None)
    assert len(fitted) == 40 and stored is not None
    pd.testing.assert_frame_equal(stored[fitted.columns], fitted, check_dtype=False)
    assert metrics.stored_ideal_points(scaled_db, "another-assembly") is None
    import_files(scaled_db, [write_csv("parties.csv", "party,name\nL,Left\n")])   # a new version of the database
    assert metrics.stored_ideal_points(scaled_db, None) is None


def test_points_in_range_shows_fitted_members_with_their_party_in_the_range():
    fit = pd.DataFrame({"member_id": ["a", "b", "c"], "name": ["A", "B", "C"], "party": ["X", "X", "Y"],
                        "dim1": [0.5, -0.2, 0.1], "dim2": [0.0, 0.3, -0.1], "votes": [30, 25, 40]})
    # In the range only b (now in party Z) and c voted; a is not shown, b shows Z.
    stats = pd.DataFrame({"member_id": ["b", "c"], "name": ["B", "C"], "party": ["Z", "Y"]})
    shown = metrics.points_in_range(fit, stats)
    assert shown["member_id"].tolist() == ["b", "c"] and shown["party"].tolist() == ["Z", "Y"]
    assert list(shown.columns) == ["member_id", "name", "party", "dim1", "dim2", "votes"]


def test_yes_no_codes_made_a_few_members_at_a_time_are_one_for_yes_minus_one_for_no_else_zero():
    from tracker.metrics.codes import OTHER_POSITION, POSITION_CODES
    from tracker.metrics.points import _yes_no

    stored = np.array([0, *POSITION_CODES.values(), OTHER_POSITION], dtype=np.int8)
    positions = np.random.default_rng(5).choice(stored, size=(2 * ideal.ROWS_AT_ONCE + 22, 90))
    window = positions[:, 10:80]   # the map passes a date range's columns: a view, not a copy
    codes = _yes_no(window)
    assert codes.dtype == np.int8
    expected = np.where(window == POSITION_CODES["yes"], 1, np.where(window == POSITION_CODES["no"], -1, 0))
    assert np.array_equal(codes, expected)
    assert set(np.unique(codes)) == {-1, 0, 1}
