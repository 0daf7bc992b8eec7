"""Ideal points on legislatures drawn from the model: interval coverage, cutting lines and the per-vote parameters."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.linalg import orthogonal_procrustes

from tracker import ideal_points as ideal


def legislature(members: int, votes: int, seed: int, beta: float = 15.0, weight: float = 0.5):
    """Votes drawn from the fitted model itself: members uniform in the disc, yes and no points around random lines."""
    rng = np.random.default_rng(seed)
    radius, angle = np.sqrt(rng.random(members)) * 0.95, rng.random(members) * 2 * np.pi
    truth = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    direction = rng.normal(size=(votes, 2))
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    middle, spacing = rng.uniform(-0.7, 0.7, size=(votes, 2)), rng.uniform(0.2, 0.6, size=(votes, 1))
    yes, no = middle + spacing * direction, middle - spacing * direction
    kernel = [np.exp(-0.5 * weight ** 2 * ((truth[:, None, :] - point[None]) ** 2).sum(axis=-1)) for point in (yes, no)]
    chance = 1 / (1 + np.exp(-beta * (kernel[0] - kernel[1])))
    matrix = np.where(rng.random(chance.shape) < chance, 1, -1).astype(np.int8)
    matrix[rng.random(chance.shape) < 0.10] = 0
    return matrix, truth


@pytest.mark.parametrize("seed", [1, 2])
def test_about_nine_in_ten_true_positions_fall_inside_their_90_percent_intervals(seed):
    matrix, truth = legislature(300, 400, seed)
    fit = ideal.fit(matrix, max_votes=None)
    # The fit is identified up to rotation, reflection, shift and scale: align it to the truth, intervals with it.
    fitted, true = fit.points - fit.points.mean(axis=0), truth - truth.mean(axis=0)
    rotation, total = orthogonal_procrustes(fitted, true)
    scale = total / (fitted ** 2).sum()
    aligned = fitted @ rotation * scale
    covariance = scale ** 2 * np.einsum("ki,mkl,lj->mij", rotation, fit.covariance, rotation)
    se = np.sqrt(np.diagonal(covariance, axis1=1, axis2=2))
    inside = (np.abs(aligned - true) <= ideal.Z90 * se).mean(axis=0)
    assert ((inside >= 0.80) & (inside <= 0.97)).all(), inside


def test_point_table_has_standard_errors_and_intervals_around_each_point():
    matrix, _ = legislature(60, 150, seed=3)
    table = ideal.point_table(ideal.fit(matrix))
    assert list(table.columns) == ideal.POINT_COLUMNS and len(table) == 60
    assert (table["dim1_se"] > 0).all() and (table["dim1_low"] < table["dim1"]).all()
    assert np.allclose(table["dim2_high"] - table["dim2"], ideal.Z90 * table["dim2_se"])


def test_cutting_line_is_a_chord_of_the_unit_circle_splitting_the_predicted_yes_from_no():
    matrix, _ = legislature(80, 200, seed=4)
    fit = ideal.fit(matrix)
    votes = ideal.vote_table(fit)
    vote = int(votes["vote"].iloc[0])
    line = ideal.cutting_line(fit, matrix, vote)
    assert line.start is not None and np.isclose(np.linalg.norm(line.start), 1) and np.isclose(
        np.linalg.norm(line.end), 1)
    assert np.isclose((line.end - line.start) @ line.normal, 0)
    side = (fit.points - line.midpoint) @ line.normal > 0     # the yes side
    wrong = ((matrix[:, vote] == 1) & ~side) | ((matrix[:, vote] == -1) & side)
    assert line.wrong.tolist() == np.flatnonzero(wrong).tolist()
    assert len(line.wrong) < 0.25 * (matrix[:, vote] != 0).sum()


def test_a_vote_that_was_not_scaled_has_no_cutting_line():
    matrix, _ = legislature(60, 100, seed=5)
    matrix[:, 0] = 1                                          # unanimous: left out
    fit = ideal.fit(matrix)
    assert ideal.cutting_line(fit, matrix, 0) is None and 0 not in ideal.vote_table(fit)["vote"].tolist()


def test_orienting_on_the_other_group_flips_points_votes_and_says_why():
    matrix, truth = legislature(80, 200, seed=6)
    fit = ideal.fit(matrix)
    left = fit.points[:, 0] < 0
    flipped = ideal.orient(fit, left, "Party L")
    assert flipped.points[left, 0].mean() > 0 and flipped.orientation.startswith("dimension 1: Party L to the right")
    assert np.allclose(np.abs(flipped.points), np.abs(fit.points)) and np.allclose(flipped.covariance[:, 0, 0],
                                                                                   fit.covariance[:, 0, 0])
    line, same = ideal.cutting_line(fit, matrix, 5), ideal.cutting_line(flipped, matrix, 5)
    assert line.wrong.tolist() == same.wrong.tolist()
