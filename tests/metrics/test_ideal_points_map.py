"""The ideal-point map: uncertainty columns, the party that fixes the signs, the kept all-votes fit, stable axes
and cutting lines."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

import tracker.metrics.matrix as matrix_module
import tracker.metrics.points as points_module
from tracker import cli, metrics
from tracker.ingest import import_files
from tracker.metrics import Filters
from tracker.metrics.filters import NO_ASSEMBLY

MEMBERS, VOTES = 40, 90


@pytest.fixture
def chamber_db(fresh_db, write_csv):
    """40 members (L: truth < 0, R: truth > 0) on 90 one-dimensional logistic votes over 2020–2022.

    Vote V000 splits them exactly by side, except member m00 (the leftmost) who votes yes with the right.
    """
    rng = np.random.default_rng(29)
    truth = np.sort(rng.normal(size=MEMBERS))
    slopes, cuts = rng.normal(size=VOTES) * 3, rng.normal(size=VOTES) * 0.8
    chance = 1 / (1 + np.exp(-(cuts + np.outer(truth, slopes))))
    matrix = np.where(rng.random((MEMBERS, VOTES)) < chance, 1, -1)
    matrix[:, 0] = np.where(truth > 0, 1, -1)
    matrix[0, 0] = 1
    lines = ["vote_id,date,title,member_id,member_name,party,position"]
    for v in range(VOTES):
        date = f"{2020 + v // 30}-{1 + (v % 30) // 3:02d}-{1 + v % 3:02d}"
        for m in range(MEMBERS):
            lines.append(f"V{v:03d},{date},Vote {v},m{m:02d},Member {m},{'L' if truth[m] < 0 else 'R'},"
                         f"{'yes' if matrix[m, v] == 1 else 'no'}")
    import_files(fresh_db, [write_csv("member_votes.csv", "\n".join(lines) + "\n")])
    return fresh_db


def test_ideal_points_carry_standard_errors_and_90_percent_intervals(chamber_db):
    points = metrics.ideal_points(chamber_db, Filters())
    assert list(points.columns) == metrics.IDEAL_POINT_COLUMNS and len(points) == MEMBERS
    assert (points["dim1_se"] > 0).all() and (points["dim2_se"] > 0).all()
    for k in (1, 2):
        # The 90 % interval is the estimate ± 1.645 standard errors.
        assert np.allclose(points[f"dim{k}_high"] - points[f"dim{k}"], 1.6449 * points[f"dim{k}_se"])
        assert np.allclose(points[f"dim{k}"] - points[f"dim{k}_low"], 1.6449 * points[f"dim{k}_se"])


@pytest.mark.parametrize("right", ["L", "R"])
def test_the_chosen_party_is_on_the_right_and_only_signs_change(chamber_db, right):
    default = metrics.ideal_points(chamber_db, Filters()).set_index("member_id")
    chosen = metrics.ideal_points(chamber_db, Filters(), right_party=right).set_index("member_id")
    assert chosen.loc[chosen["party"] == right, "dim1"].mean() > 0
    assert chosen.loc[chosen["party"] == right, "dim2"].mean() > 0
    chosen = chosen.loc[default.index]
    assert np.allclose(chosen["dim1"].abs(), default["dim1"].abs())
    assert np.allclose(chosen["dim1_high"] - chosen["dim1_low"], default["dim1_high"] - default["dim1_low"])
    assert (chosen["dim1_low"] <= chosen["dim1"]).all() and (chosen["dim1"] <= chosen["dim1_high"]).all()


def test_the_default_right_party_is_the_largest_and_an_unknown_one_is_refused(chamber_db):
    fitted = metrics.member_map(metrics.member_vote_matrix(chamber_db), Filters()).oriented(None)
    sizes = fitted.points["party"].value_counts()
    largest = sorted(sizes.index, key=lambda party: (-sizes[party], party))[0]   # ties go to the first name
    assert fitted.right_party == largest
    assert fitted.axis_titles() == (f"dimension 1: {largest} to the right", f"dimension 2: {largest} up")
    with pytest.raises(ValueError, match="choose one of"):
        metrics.ideal_points(chamber_db, Filters(), right_party="Nobody")


def test_kept_map_answers_with_the_same_points_votes_and_classification(chamber_db):
    assert metrics.stored_member_map(chamber_db, None) is None
    fitted = metrics.fit_and_store_member_map(chamber_db, None)
    kept = metrics.stored_member_map(chamber_db, None)
    pd.testing.assert_frame_equal(kept.points, fitted.points, check_dtype=False)
    pd.testing.assert_frame_equal(kept.votes, fitted.votes, check_dtype=False)
    assert kept.classification == fitted.classification and kept.right_party == fitted.right_party
    about = kept.classification
    # Logistic votes on one dimension: most choices fall on the predicted side (dimension 1's best cutting points,
    # found freely per vote, may beat the 2-D model's own lines), and APRE is the share of minority votes explained.
    assert 0.75 < about["correct_1d"] <= 1 and 0.75 < about["correct_2d"] <= 1 and about["votes"] == VOTES
    assert 0 < about["apre_1d"] <= 1 and 0 < about["apre_2d"] <= 1
    assert set(kept.votes["vote_id"]) <= {f"V{v:03d}" for v in range(VOTES)}


def test_keeping_after_an_import_stores_the_matrix_and_map_the_members_page_opens_with(chamber_db, monkeypatch):
    # The chamber's votes name no assembly, so the pages open with NO_ASSEMBLY: that is what must be kept.
    assert metrics.default_assembly(chamber_db) == NO_ASSEMBLY
    assert metrics.keep_member_matrix_and_map(chamber_db) is True
    kept = metrics.stored_member_map(chamber_db, NO_ASSEMBLY)
    assert kept is not None and len(kept.points) == MEMBERS

    def fail(*args, **kwargs):
        pytest.fail("built again instead of read from the kept files")

    monkeypatch.setattr(matrix_module, "_build_member_vote_matrix", fail)
    monkeypatch.setattr(points_module, "member_map", fail)
    loaded = metrics.member_vote_matrix(chamber_db, Filters(assembly=NO_ASSEMBLY), keep=True)
    assert loaded.positions.shape == (MEMBERS, VOTES)
    assert metrics.keep_member_matrix_and_map(chamber_db) is True   # kept already: neither built nor fitted again


def test_nothing_is_kept_when_no_member_votes_are_stored(sample_db):
    assert metrics.keep_member_matrix_and_map(sample_db) is False
    assert metrics.stored_member_map(sample_db, "an-2015") is None


def test_same_member_keeps_the_same_coordinates_when_the_date_range_changes(chamber_db):
    kept = metrics.fit_and_store_member_map(chamber_db, None)
    matrix = metrics.member_vote_matrix(chamber_db)
    shown = []
    for date_from, date_to in ((None, None), ("2021-01-01", "2021-12-31"), ("2022-01-01", None)):
        filters = Filters(date_from=date_from, date_to=date_to)
        stats = metrics.member_stats(chamber_db, filters, matrix=matrix)
        shown.append(metrics.points_in_range(kept.points, stats).set_index("member_id"))
    for later in shown[1:]:
        assert len(later) == MEMBERS
        pd.testing.assert_frame_equal(later[["dim1", "dim2", "dim1_se"]], shown[0].loc[later.index,
                                                                                       ["dim1", "dim2", "dim1_se"]])
    # A refit on one year alone would move members: the kept fit is what keeps the axes.
    refit = metrics.ideal_points(chamber_db, Filters(date_from="2021-01-01", date_to="2021-12-31"))
    assert not np.allclose(refit.set_index("member_id").loc[shown[0].index, "dim1"], shown[0]["dim1"])


def test_cutting_line_rings_the_member_who_voted_with_the_other_side(chamber_db):
    fitted = metrics.fit_and_store_member_map(chamber_db, None).oriented("R")
    cut = metrics.vote_cut(fitted, metrics.member_vote_matrix(chamber_db), "V000")
    assert len(cut.members) == MEMBERS and cut.start is not None and cut.end is not None
    assert np.isclose(np.linalg.norm(cut.start), 1) and np.isclose(np.linalg.norm(cut.end), 1)
    # The rest voted by side, so m00 (leftmost, voted yes with R) is on the wrong side; otherwise at most a member
    # next to the split (truth near 0, estimated with noise) may be.
    wrong = cut.wrong.set_index("member_id")["position"]
    assert wrong["m00"] == "yes" and set(wrong.index) - {"m00"} <= {"m18", "m19", "m20", "m21"}
    # Wrong means: the recorded vote is not on the side of the line the normal (towards yes) says.
    members = cut.members
    said_yes = (members[["dim1", "dim2"]].to_numpy() - cut.midpoint) @ cut.normal > 0
    assert (members["wrong"] == (said_yes != (members["position"] == "yes"))).all()
    assert metrics.vote_cut(fitted, metrics.member_vote_matrix(chamber_db), "no-such-vote") is None


def test_cli_export_names_the_party_on_the_right(db_path, chamber_db, capsys):
    chamber_db.close()   # the command opens db_path itself
    for right in ("L", "R"):
        assert cli.main(["--db", str(db_path), "export", "ideal-points", "--right-party", right]) == 0
        frame = pd.read_csv(io.StringIO(capsys.readouterr().out))
        assert list(frame.columns) == metrics.IDEAL_POINT_COLUMNS
        assert frame.loc[frame["party"] == right, "dim1"].mean() > 0
    assert cli.main(["--db", str(db_path), "export", "ideal-points", "--right-party", "Nobody"]) == 2
    assert "choose one of: " in capsys.readouterr().err
    assert cli.main(["--db", str(db_path), "export", "cohesion", "--right-party", "L"]) == 2
