"""The position vocabulary and the tie rule written once in tracker.model, and the Python twins of SQL metrics."""

from __future__ import annotations

import itertools

import duckdb
import pandas as pd
import pytest

from tests.conftest import FIXTURES
from tracker import metrics, model, store
from tracker.ingest import import_files
from tracker.metrics import Filters


def test_the_vocabulary_is_written_out_once():
    assert model.PARTY_POSITIONS == ("yes", "no", "abstain", "split")
    assert model.PERIODS == ("month", "quarter", "year")
    assert metrics.PERIODS is model.PERIODS and metrics.party_position is model.party_position


def test_schema_holds_the_tie_rule_as_model_writes_it():
    # store.py runs schema.sql verbatim; its party_votes_live view must hold the generated expression.
    expected = model.party_position_sql("coalesce(yes, 0)", "coalesce(no, 0)", "coalesce(abstain, 0)")
    assert " ".join(expected.split()) in " ".join(store.SCHEMA.split())


@pytest.mark.parametrize(("yes", "no", "abstain", "expected"), [
    (5, 2, 1, "yes"), (2, 5, 1, "no"), (1, 2, 5, "abstain"),
    (3, 3, 1, "split"),    # yes and no tie for most
    (0, 2, 2, "split"),    # no and abstain tie for most
    (1, 1, 1, "split"),    # all three tie
    (0, 0, 1, "abstain"),
])
def test_sql_tie_rule_gives_the_hand_worked_position(yes, no, abstain, expected):
    sql = f"select {model.party_position_sql('$y', '$n', '$a')}"
    assert duckdb.execute(sql, {"y": yes, "n": no, "a": abstain}).fetchone()[0] == expected


def test_sql_and_python_tie_rules_agree_on_every_small_count():
    counts = [c for c in itertools.product(range(4), repeat=3) if sum(c) > 0]   # 63 combinations
    frame = pd.DataFrame(counts, columns=["y", "n", "a"])
    con = duckdb.connect()
    con.register("counts", frame)
    got = con.execute(f"select y, n, a, {model.party_position_sql('y', 'n', 'a')} as p from counts").fetchall()
    assert len(got) == 63
    assert all(p == model.party_position(y, n, a) for y, n, a, p in got)


@pytest.fixture
def stated_db(fresh_db):
    """Five votes with stated tallies (some unknown) and party positions stated as labels or counts."""
    import_files(fresh_db, [FIXTURES / "metrics_stated_votes.csv", FIXTURES / "metrics_stated_positions.csv",
                            FIXTURES / "metrics_assembly.csv"])
    return fresh_db


@pytest.fixture
def member_db(fresh_db):
    """Member-level votes: the party counts come from members (tests/data/metrics_member_votes.csv)."""
    import_files(fresh_db, [FIXTURES / "metrics_member_votes.csv", FIXTURES / "metrics_parties.csv"])
    return fresh_db


def _known(value: object) -> object:
    return None if pd.isna(value) else int(value)


@pytest.mark.parametrize("database", ["stated_db", "member_db", "sample_db"])
def test_python_rice_and_agreement_index_agree_with_the_sql(database, request):
    con = request.getfixturevalue(database)
    rows = metrics.cohesion(con, Filters())
    assert len(rows) > 0
    for row in rows.itertuples():
        yes, no, abstain = _known(row.yes), _known(row.no), _known(row.abstain)
        rice, agreement = metrics.rice_index(yes, no), metrics.agreement_index(yes, no, abstain)
        assert (rice is None) == pd.isna(row.rice) and (rice is None or rice == pytest.approx(row.rice))
        assert (agreement is None) == pd.isna(row.agreement_index)
        assert agreement is None or agreement == pytest.approx(row.agreement_index)
        if yes is not None and no is not None and abstain is not None and yes + no + abstain > 0:
            assert row.position == model.party_position(yes, no, abstain)


def test_the_comparison_covers_known_and_unknown_indices(stated_db):
    # The stated fixture has parties with counts (an index) and with only a position (no index): both are compared.
    rows = metrics.cohesion(stated_db, Filters())
    assert rows["rice"].notna().any() and rows["rice"].isna().any()
