"""Stored tables to CSV, Parquet and JSON, with the ids and labels as the user gave them."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from tracker import export
from tracker.ingest import import_files

VOTES = "vote_id,date,title,yes,no,abstain,absent\nV-1,2020-03-01,=SUM(A1),,,,\n"
MEMBERS = ("vote_id,member_id,member_name,party,position\n"
           "V-1,m1,Ana Núñez,PJ,Sí\nV-1,m2,Jörg Weiß,PSUV,voto salvado\nV-1,m3,Li,PSUV,A FAVOR\n")


@pytest.fixture
def stored(fresh_db, write_csv):
    import_files(fresh_db, [write_csv("v.csv", VOTES), write_csv("m.csv", MEMBERS)])
    return fresh_db


def test_votes_table_has_effective_tallies_and_dates(stored):
    frame = export.table_or_metric(stored, "votes")
    # Members: m1 yes, m3 yes, m2 abstain.
    assert frame[["vote_id", "yes", "no", "abstain", "absent", "tally_source"]].values.tolist() == [
        ["V-1", 2, 0, 1, 0, "members"]]


def test_member_votes_keep_names_and_original_labels(stored):
    frame = export.table_or_metric(stored, "member-votes")
    assert frame[["member_id", "member_name", "party", "position", "position_label"]].values.tolist() == [
        ["m1", "Ana Núñez", "PJ", "yes", "Sí"], ["m2", "Jörg Weiß", "PSUV", "abstain", "voto salvado"],
        ["m3", "Li", "PSUV", "yes", "A FAVOR"]]


def test_party_tallies_table(stored):
    frame = export.table_or_metric(stored, "party-tallies")
    # PSUV: m2 abstain, m3 yes: a tie, so split.
    assert frame[["party", "yes", "abstain", "position"]].values.tolist() == [["PJ", 1, 0, "yes"],
                                                                            ["PSUV", 1, 1, "split"]]


def test_unknown_table_names_the_choices(stored):
    with pytest.raises(KeyError, match="Unknown export 'nope'. Choose one of: votes, party-tallies, member-votes"):
        export.table_or_metric(stored, "nope")


def test_csv_neutralises_formulas_and_round_trips_names(stored):
    data = export.table_bytes(export.table_or_metric(stored, "votes"), "csv")
    back = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    assert back.loc[0, "title"] == "'=SUM(A1)"
    assert back.loc[0, "date"] == "2020-03-01"
    names = pd.read_csv(io.BytesIO(export.table_bytes(export.table_or_metric(stored, "member-votes"), "csv")))
    assert names["member_name"].tolist() == ["Ana Núñez", "Jörg Weiß", "Li"]


def test_json_writes_dates_as_dates_and_unknown_as_null(fresh_db, write_csv):
    import_files(fresh_db, [write_csv("v.csv", "vote_id,date,title,yes,no\nV1,2020-03-01,A / B,3,\n")])
    records = json.loads(export.table_bytes(export.table_or_metric(fresh_db, "votes"), "json"))
    assert records[0]["date"] == "2020-03-01" and records[0]["yes"] == 3 and records[0]["no"] is None
    assert records[0]["title"] == "A / B"


def test_parquet_keeps_types(stored):
    frame = export.table_or_metric(stored, "votes")
    back = pd.read_parquet(io.BytesIO(export.table_bytes(frame, "parquet")))
    assert back.loc[0, "vote_id"] == "V-1" and back.loc[0, "title"] == "=SUM(A1)"  # no apostrophe outside CSV
    assert str(back.loc[0, "date"]) == "2020-03-01"
    assert int(back.loc[0, "yes"]) == 2


def test_unknown_format_is_an_error():
    with pytest.raises(ValueError, match="use csv, parquet or json"):
        export.table_bytes(pd.DataFrame({"a": [1]}), "xlsx")
