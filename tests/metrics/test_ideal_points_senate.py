"""Ideal points against the field's reference: the 90th US Senate with its published W-NOMINATE coordinates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.linalg import orthogonal_procrustes

from tracker import ideal_points as ideal

ROOT = Path(__file__).resolve().parents[2]
# ../shared beside the repository; a worktree under /work/wt/<name> has it one level further up.
SENATE = next((p for p in (ROOT / ".." / "shared" / "data" / "us_senate_90",
                           ROOT / ".." / ".." / "shared" / "data" / "us_senate_90") if p.is_dir()), None)
pytestmark = pytest.mark.skipif(SENATE is None, reason="../shared/data/us_senate_90 is not here")


def senate() -> tuple[pd.DataFrame, np.ndarray]:
    """Members (with published scores) and their members × roll calls matrix of +1 yes, −1 no, 0 otherwise."""
    members = pd.read_csv(SENATE / "members.csv")
    votes = pd.read_csv(SENATE / "member_votes.csv")
    row = pd.Series(np.arange(len(members)), index=members["member_id"])
    column = votes["vote_id"].str.split("-").str[1].astype(int) - 1
    matrix = np.zeros((len(members), column.max() + 1), dtype=np.int8)
    matrix[row[votes["member_id"]].to_numpy(), column.to_numpy()] = votes["position"].map({"yes": 1, "no": -1}
                                                                                         ).fillna(0).to_numpy()
    return members, matrix


def aligned_r(points: np.ndarray, reference: np.ndarray) -> list[float]:
    """r per dimension after rotating (and reflecting) the centred fit onto the centred reference."""
    a, b = points - points.mean(axis=0), reference - reference.mean(axis=0)
    rotation, _ = orthogonal_procrustes(a, b)
    return [float(np.corrcoef((a @ rotation)[:, k], b[:, k])[0, 1]) for k in range(2)]


@pytest.fixture(scope="module")
def senate_fit() -> tuple[pd.DataFrame, np.ndarray, ideal.IdealPoints]:
    members, matrix = senate()
    fit = ideal.fit(matrix, max_votes=None, right=(members["party"] == "R").to_numpy(), right_label="Republicans")
    return members, matrix, fit


def test_fit_matches_published_w_nominate_on_both_dimensions(senate_fit):
    members, _, fit = senate_fit
    assert not np.isnan(fit.points).any()          # all 102 members cast at least 20 contested votes
    r1, r2 = aligned_r(fit.points, members[["wnominate_dim1", "wnominate_dim2"]].to_numpy())
    assert r1 >= 0.995 and r2 >= 0.98


def test_fit_agrees_with_nokken_poole_about_as_well_as_w_nominate_does(senate_fit):
    members, _, fit = senate_fit
    known = members["nokken_poole_dim1"].notna().to_numpy()
    ours = aligned_r(fit.points[known], members.loc[known, ["nokken_poole_dim1", "nokken_poole_dim2"]].to_numpy())
    theirs = aligned_r(members.loc[known, ["wnominate_dim1", "wnominate_dim2"]].to_numpy(),
                       members.loc[known, ["nokken_poole_dim1", "nokken_poole_dim2"]].to_numpy())
    assert min(ours) >= 0.9 and ours[0] >= theirs[0] - 0.02


def test_republicans_are_on_the_right_and_the_orientation_says_so(senate_fit):
    members, _, fit = senate_fit
    republican = (members["party"] == "R").to_numpy()
    assert fit.points[republican, 0].mean() > 0 > fit.points[~republican, 0].mean()
    assert fit.orientation.startswith("dimension 1: Republicans to the right")


def test_two_dimensions_classify_more_votes_than_the_first_alone(senate_fit):
    _, _, fit = senate_fit
    c = fit.classification
    assert 0.8 < c.correct_1d < c.correct_2d < 1 and 0 < c.apre_1d < c.apre_2d < 1
    assert c.votes == 519            # 596 roll calls less 77 with a losing side under 2.5 %
