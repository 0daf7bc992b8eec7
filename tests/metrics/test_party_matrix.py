"""Party alignment and cohesion trends cut from arrays read once: hand values, and the SQL metrics' rows on every
filter tried."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from tests.conftest import FIXTURES
from tests.conftest import one_row as one
from tracker import metrics
from tracker.ingest import import_files
from tracker.metrics import Filters
from tracker.metrics.filters import NO_ASSEMBLY, default_assembly


@pytest.fixture
def chamber(fresh_db):
    """The seven-member chamber of tests/metrics/test_metrics_members.py (its docstring lists the party positions)."""
    import_files(fresh_db, [FIXTURES / "metrics_member_votes.csv", FIXTURES / "metrics_parties.csv"])
    return fresh_db


def aligned(db, filters: Filters) -> pd.DataFrame:
    return metrics.alignment_from_matrix(metrics.party_position_matrix(db, filters.assembly or None), filters)


def test_alignment_counts_the_votes_both_parties_took_yes_no_or_abstain(chamber):
    # Party positions: V1 A yes, B no, C yes; V2 A split, C yes; V3 A yes, B no; V4 A no, B split, C no.
    frame = aligned(chamber, Filters())
    assert (one(frame, party_a="A", party_b="C").votes_compared, one(frame, party_a="A", party_b="C").agreement) \
        == (2, 1.0)                                                      # V1 yes–yes, V4 no–no
    assert (one(frame, party_a="A", party_b="B").votes_compared, one(frame, party_a="A", party_b="B").agreement) \
        == (2, 0.0)                                                      # V1 and V3 yes–no
    assert (one(frame, party_a="B", party_b="C").votes_compared, one(frame, party_a="B", party_b="C").agreement) \
        == (1, 0.0)                                                      # V1 only
    assert one(frame, party_a="A", party_b="A").votes_compared == 3      # V2 is split
    assert len(frame) == 9


def test_a_date_range_keeps_only_pairs_compared_inside_it(chamber):
    frame = aligned(chamber, Filters(date_from="2020-02-01", date_to="2020-12-31"))   # V2 and V3
    assert not ((frame["party_a"] == "A") & (frame["party_b"] == "C")).any()   # A split on V2, C absent on V3
    assert (one(frame, party_a="B", party_b="A").votes_compared, one(frame, party_a="B", party_b="A").agreement) \
        == (1, 0.0)


def test_a_matrix_of_another_assembly_is_refused(chamber):
    with pytest.raises(ValueError, match="holds assembly"):
        metrics.alignment_from_matrix(metrics.party_position_matrix(chamber, None), Filters(assembly="other"))


FILTERS = [{}, {"date_from": "2020-01-10", "date_to": "2020-01-10"}, {"date_from": "2020-05-10"},
           {"date_to": "2020-12-31"}, {"parties": ("A", "C")}, {"parties": ("B",), "date_from": "2020-05-01"},
           {"date_from": "2030-01-01"}, {"date_from": "2021-01-01", "date_to": "2020-01-01"},
           {"parties": ("nobody",)}]


@pytest.mark.parametrize("assembly", [None, NO_ASSEMBLY])
@pytest.mark.parametrize("chosen", FILTERS)
def test_alignment_from_the_matrix_is_the_sql_metrics_rows_on_member_votes(chamber, assembly, chosen):
    filters = Filters(assembly=assembly, **chosen)
    assert_same_rows(aligned(chamber, filters), metrics.party_alignment(chamber, filters))


@pytest.mark.parametrize("chosen", [{}, {"date_from": "2023-01-01"}, {"parties": ("P", "R")},
                                    {"date_from": "2023-01-05", "date_to": "2023-03-01"}])
def test_alignment_from_the_matrix_is_the_sql_metrics_rows_on_stated_positions(fresh_db, chosen):
    import_files(fresh_db, [FIXTURES / "metrics_stated_votes.csv", FIXTURES / "metrics_stated_positions.csv",
                            FIXTURES / "metrics_assembly.csv"])
    for assembly in (None, "chamber"):
        filters = Filters(assembly=assembly, **chosen)
        assert_same_rows(aligned(fresh_db, filters), metrics.party_alignment(fresh_db, filters))


def test_alignment_from_the_matrix_is_the_sql_metrics_rows_on_the_sample(sample_db):
    assembly = default_assembly(sample_db)
    for chosen in ({}, {"date_from": "2022-12-22", "date_to": "2022-12-30"}, {"date_from": "2016-01-05"},
                   {"parties": ("VP", "PJ", "AD")}):
        filters = Filters(assembly=assembly, **chosen)
        expected = metrics.party_alignment(sample_db, filters)
        assert not expected.empty
        assert_same_rows(aligned(sample_db, filters), expected)


def test_cohesion_trend_from_the_rows_is_the_sql_metrics_rows_on_the_sample(sample_db):
    assembly = default_assembly(sample_db)
    for chosen in ({}, {"date_from": "2022-12-22", "date_to": "2022-12-30"}, {"period": "month"},
                   {"parties": ("VP", "PJ", "AD"), "period": "quarter"}):
        filters = Filters(assembly=assembly, **chosen)
        assert_same_trend(trend(sample_db, filters), metrics.cohesion_trend(sample_db, filters), empty=False)


@pytest.mark.slow
def test_alignment_and_cohesion_trend_from_arrays_are_the_sql_metrics_rows_on_the_bundestag(bundestag_native_csv,
                                                                                             fresh_db):
    import_files(fresh_db, [bundestag_native_csv])
    assembly = default_assembly(fresh_db)
    matrix = metrics.party_position_matrix(fresh_db, assembly)
    rows = metrics.party_cohesion_rows(fresh_db, assembly)
    assert len(matrix.parties) >= 4
    for chosen in ({}, {"date_from": "2015-01-01", "period": "month"},
                   {"date_from": "2014-03-01", "date_to": "2016-06-30", "period": "quarter"},
                   {"parties": tuple(matrix.parties[:2])}):
        filters = Filters(assembly=assembly, **chosen)
        expected = metrics.party_alignment(fresh_db, filters)
        assert len(expected) >= 4   # both parties and both orders at least
        assert_same_rows(metrics.alignment_from_matrix(matrix, filters), expected)
        assert_same_trend(metrics.cohesion_trend_from_rows(rows, filters), metrics.cohesion_trend(fresh_db, filters),
                          empty=False)


def assert_same_rows(found: pd.DataFrame, expected: pd.DataFrame) -> None:
    """The same rows in the same order with the same numbers, bit for bit (an empty result: the same columns)."""
    if expected.empty:
        assert found.empty and list(found.columns) == list(expected.columns)
    else:
        pd.testing.assert_frame_equal(found, expected, check_exact=True)


def trend(db, filters: Filters) -> pd.DataFrame:
    return metrics.cohesion_trend_from_rows(metrics.party_cohesion_rows(db, filters.assembly or None), filters)


def test_cohesion_trend_from_the_rows_averages_each_partys_indices_per_period(chamber):
    yearly = trend(chamber, Filters(period="year"))
    a = one(yearly, party="A", period=pd.Timestamp("2020-01-01"))
    # A in 2020: Rice 1/3, 0, 1/2 → mean 5/18; AI 0.5, 0, 0.625 → mean 0.375.
    assert a.votes == 3 and math.isclose(a.mean_rice, 5 / 18) and math.isclose(a.mean_agreement_index, 0.375)
    b = one(yearly, party="B", period=pd.Timestamp("2020-01-01"))
    # B in 2020: V1 and V3 Rice 1, V2 undefined (all absent): 3 votes, 2 covered.
    assert (b.votes, b.rice_votes, b.agreement_votes, b.mean_rice) == (3, 2, 2, 1.0)
    quarterly = trend(chamber, Filters(period="quarter", parties=("A",)))
    assert quarterly["period"].dt.strftime("%Y-%m").tolist() == ["2020-01", "2020-04", "2021-01"]
    assert set(quarterly["party"]) == {"A"}


def test_cohesion_rows_of_another_assembly_are_refused(chamber):
    with pytest.raises(ValueError, match="hold assembly"):
        metrics.cohesion_trend_from_rows(metrics.party_cohesion_rows(chamber, None), Filters(assembly="other"))


def test_a_bad_date_or_period_is_the_sql_metrics_error(chamber):
    rows = metrics.party_cohesion_rows(chamber, None)
    for bad in (Filters(date_from="2020-13-01"), Filters(period="week")):
        with pytest.raises(ValueError) as from_sql:
            metrics.cohesion_trend(chamber, bad)
        with pytest.raises(ValueError, match=re.escape(str(from_sql.value))):
            metrics.cohesion_trend_from_rows(rows, bad)


def assert_same_trend(found: pd.DataFrame, expected: pd.DataFrame, empty: bool = True) -> None:
    """The SQL's rows, order, counts and types; means equal within rounding (a sum over a count against SQL's avg,
    which adds in an order of its own). empty=False: the rows must not be empty."""
    assert empty or not expected.empty
    if expected.empty:
        assert found.empty and list(found.columns) == list(expected.columns)
    else:
        pd.testing.assert_frame_equal(found, expected, check_exact=False, rtol=1e-12, atol=0)
        for mean in ("mean_rice", "mean_agreement_index"):
            assert np.array_equal(np.isnan(found[mean]), np.isnan(expected[mean]))


@pytest.mark.parametrize("assembly", [None, NO_ASSEMBLY])
@pytest.mark.parametrize("chosen", FILTERS)
def test_cohesion_trend_from_the_rows_is_the_sql_metrics_rows_on_member_votes(chamber, assembly, chosen):
    for period in ("month", "quarter", "year"):
        filters = Filters(assembly=assembly, period=period, **chosen)
        assert_same_trend(trend(chamber, filters), metrics.cohesion_trend(chamber, filters))


def test_cohesion_trend_from_the_rows_is_the_sql_metrics_rows_on_stated_counts_and_positions(fresh_db):
    import_files(fresh_db, [FIXTURES / "metrics_stated_votes.csv", FIXTURES / "metrics_stated_positions.csv",
                            FIXTURES / "metrics_assembly.csv"])
    for assembly in (None, "chamber"):
        for chosen in ({}, {"date_from": "2023-01-01"}, {"parties": ("P", "R")},
                       {"date_from": "2023-01-05", "date_to": "2023-03-01", "period": "month"}):
            filters = Filters(assembly=assembly, **chosen)
            assert_same_trend(trend(fresh_db, filters), metrics.cohesion_trend(fresh_db, filters))
