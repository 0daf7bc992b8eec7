"""The real Bundestag roll-call list (18th period) from ../shared, imported through the Bundestag adapter."""

from __future__ import annotations

import pandas as pd
import pytest

from tracker.ingest import import_files


@pytest.fixture(scope="module")
def bundestag_db(bundestag_csv, tmp_path_factory):
    from tracker import store

    con = store.connect(tmp_path_factory.mktemp("bt") / "tracker.duckdb")
    report = import_files(con, [bundestag_csv])
    yield con, report
    con.close()


def test_all_votes_and_member_votes_are_stored(bundestag_db):
    con, report = bundestag_db
    assert report.added["votes"] == 209 and report.added["member votes"] == 131_751
    assert con.execute("select count(*) from member_votes").fetchone()[0] == 131_751


def test_each_votes_counts_equal_the_counts_of_its_rows(bundestag_db, bundestag_csv):
    con, _ = bundestag_db
    raw = pd.read_csv(bundestag_csv, dtype=str, keep_default_na=False)
    raw["vote_id"] = "BT" + raw["Wahlperiode"] + "-" + raw["Sitzungnr"] + "-" + raw["Abstimmnr"]
    expected = raw.pivot_table(index="vote_id", columns="vote", values="Name", aggfunc="count", fill_value=0)
    stored = con.execute("select vote_id, yes, no, abstain, absent from vote_tallies").df().set_index("vote_id")
    assert len(stored) == 209
    for column, label in (("yes", "ja"), ("no", "nein"), ("abstain", "Enthaltung"), ("absent", "nichtabgegeben")):
        assert (stored[column].astype(int) == expected[label].reindex(stored.index)).all(), column
    # Totals from the data's README: ja 73,740; nein 43,734; Enthaltung 3,303; nichtabgegeben 10,974.
    assert stored[["yes", "no", "abstain", "absent"]].sum().tolist() == [73_740, 43_734, 3_303, 10_974]


def test_each_member_has_one_id(bundestag_db, bundestag_csv):
    con, report = bundestag_db
    # 669 name labels (Vorname + Name) are 660 people: 6 changed the bracketed place of their surname
    # (Jung (Konstanz) -> Jung, ...), 2 are spelt with and without an accent (André / Andre), and
    # "Frhr. Von" / "Frhr. von" Stetten is one Titel written two ways.
    assert con.execute("select count(*) from members").fetchone()[0] == 660
    assert con.execute("select count(distinct member_id) from member_votes").fetchone()[0] == 660
    per_vote = con.execute("select max(n) from (select count(*) as n from member_votes group by vote_id, member_id)")
    assert per_vote.fetchone()[0] == 1
    assert con.execute("select count(distinct party) from member_votes where member_id = 'bt-erika-steinbach'"
                       ).fetchone()[0] == 2
    assert "Andreas Jung = Andreas Jung (Konstanz): one person" in report.text()
