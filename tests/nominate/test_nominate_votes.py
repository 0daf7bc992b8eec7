"""Correct classification and APRE of a fitted map, against counts worked out by hand and against every cut tried."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from tracker.nominate.votes import best_cut_errors, classify, predicted_yes

# Four members on a line (dim2 alternating), three votes: 1 yes, −1 no, 0 not cast.
POINTS = np.array([[-0.9, 0.1], [-0.3, -0.1], [0.2, 0.1], [0.8, -0.1]])
VOTES = np.array([[-1, 1, 1],
                  [-1, -1, 0],
                  [1, 1, -1],
                  [1, -1, -1]], dtype=np.int8)
YES = np.array([[0.5, 0.0], [0.0, 0.5], [-0.5, 0.0]])
NO = np.array([[-0.5, 0.0], [0.0, -0.5], [0.5, 0.0]])


def test_best_cut_on_dimension_1_counts_the_fewest_errors_of_any_cut_by_hand():
    # Vote 1 splits at the middle (0 errors); vote 2 alternates yes, no, yes, no: the best cut (yes on the left,
    # after the first or the third member) errs once; vote 3: yes on the left of the two noes (0 errors).
    assert best_cut_errors(POINTS[:, 0], VOTES).tolist() == [0, 1, 0]


def test_classification_and_apre_match_the_hand_counts():
    got = classify(POINTS, YES, NO, VOTES)
    # 11 choices cast; minority votes 2 + 2 + 1 = 5. Dimension 1 alone errs once (vote 2); both dimensions put every
    # member on the side of their vote (vote 2's outcome points split the members by dim2).
    assert got.choices == 11 and got.votes == 3
    assert got.correct_1d == pytest.approx(10 / 11) and got.apre_1d == pytest.approx((5 - 1) / 5)
    assert got.correct_2d == 1.0 and got.apre_2d == 1.0


@pytest.mark.parametrize("workers", [1, 2, 3, 5])
def test_classification_counted_in_parts_of_the_votes_matches_the_hand_counts(workers, monkeypatch):
    from tracker.nominate import blas, votes

    monkeypatch.setattr(votes, "WORKERS", workers)   # the votes cut into this many parts (3 votes: at most 3)
    monkeypatch.setattr(blas, "WORKERS", workers)
    got = classify(POINTS, YES, NO, VOTES)
    assert (got.choices, got.votes, got.correct_1d, got.apre_1d) == (11, 3, pytest.approx(10 / 11), pytest.approx(0.8))
    assert got.correct_2d == 1.0 and got.apre_2d == 1.0


@pytest.mark.parametrize("block", [1, 2, 3, 2_048])
def test_counts_made_a_block_of_votes_at_a_time_match_the_hand_counts(block):
    from tracker.nominate.votes import _counts

    # (2-D errors, minority votes, choices, best-cut errors on dimension 1), as worked out above
    assert _counts(POINTS, YES, NO, VOTES, 0, 3, block=block) == (0, 5, 11, 1)
    # votes 2 and 3 alone: 4 + 3 choices, minorities 2 + 1, vote 2's one best-cut error
    assert _counts(POINTS, YES, NO, VOTES, 1, 3, block=block) == (0, 3, 7, 1)


def test_classification_counts_are_plain_integers_for_json():
    got = classify(POINTS, YES, NO, VOTES).as_dict()
    assert type(got["choices"]) is int and type(got["votes"]) is int


@pytest.mark.parametrize("seed", range(5))
def test_best_cut_equals_trying_every_cut_and_both_sides(seed):
    rng = np.random.default_rng(seed)
    members, votes = 9, 40
    dim1 = rng.choice([-0.5, 0.0, 0.3, 0.7], size=members)   # ties: members at one place keep their row order
    matrix = rng.choice(np.array([-1, 0, 1], np.int8), size=(members, votes), p=[0.4, 0.2, 0.4])
    order = np.argsort(dim1, kind="stable")
    sorted_votes = matrix[order]
    expected = []
    for v in range(votes):
        column = sorted_votes[:, v]
        errors = []
        for k, yes_right in itertools.product(range(members + 1), (True, False)):
            left, right = column[:k], column[k:]
            if yes_right:
                errors.append(int((left == 1).sum() + (right == -1).sum()))
            else:
                errors.append(int((left == -1).sum() + (right == 1).sum()))
        expected.append(min(errors))
    assert best_cut_errors(dim1, matrix).tolist() == expected


@pytest.mark.parametrize("block", [1, 2, 3, 2_048])
def test_predictions_made_a_block_of_votes_at_a_time_are_those_of_the_whole_matrix(block):
    rng = np.random.default_rng(block)
    points, yes, no = rng.uniform(-1, 1, (30, 2)), rng.normal(size=(7, 2)), rng.normal(size=(7, 2))
    squared = lambda outcome: ((points[:, None, :] - outcome[None]) ** 2).sum(axis=2)   # noqa: E731
    nearer_yes = squared(yes) < squared(no)
    assert np.array_equal(predicted_yes(points, yes, no, block=block), nearer_yes)
