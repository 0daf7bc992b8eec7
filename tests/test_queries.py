"""Dashboard queries on the sample and a small member-level record: search, one vote, seats, downloads."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tracker import queries
from tracker.ingest import import_files

MEMBER_CSV = Path(__file__).parent / "data" / "ui_member_votes.csv"


@pytest.fixture
def member_db(fresh_db):
    """Three votes of six members in parties A (m1-m3) and B (m4-m6); see tests/data/ui_member_votes.csv."""
    import_files(fresh_db, [MEMBER_CSV])
    return fresh_db


def test_text_search_matches_titles_case_insensitively(sample_db):
    found = queries.search_votes(sample_db, queries.VoteSearch(text="BONO"))
    assert found["vote_id"].tolist() == ["V05"]


def test_search_text_with_sql_wildcards_matches_literally(sample_db):
    # As a LIKE pattern "V0_" would match V02..V09; as text it matches nothing.
    assert queries.search_votes(sample_db, queries.VoteSearch(text="V0_")).empty


def test_party_position_filter_finds_the_votes_where_the_party_took_it(sample_db):
    found = queries.search_votes(sample_db, queries.VoteSearch(party="PSUV", party_position="no"))
    assert set(found["vote_id"]) == {"V04", "V08", "V09", "V14"}


def test_official_result_filter_uses_the_result_as_given(sample_db):
    # The sample's 45 results: V15 "not voted (no quorum)" failed; the other 44 say approved, elected or proclaimed
    # (words in brackets do not count: V04 "approved (decree disapproved)", V10 "approved (extension rejected)").
    failed = queries.search_votes(sample_db, queries.VoteSearch(result="failed"))
    assert failed["vote_id"].tolist() == ["V15"] and failed["official"].tolist() == ["failed"]
    passed = queries.search_votes(sample_db, queries.VoteSearch(result="passed"))
    assert len(passed) == 44 and {"V02", "V04", "V10", "V35a", "V35b", "V46"} <= set(passed["vote_id"])
    assert "V15" not in set(passed["vote_id"]) and set(passed["official"]) == {"passed"}
    assert queries.search_votes(sample_db, queries.VoteSearch(result="unclear")).empty
    every = len(queries.search_votes(sample_db, queries.VoteSearch()))
    split = sum(len(queries.search_votes(sample_db, queries.VoteSearch(result=r)))
                for r in ("passed", "failed", "unclear"))
    assert every == split == 45


def test_official_results_in_words_we_cannot_read_are_unclear(fresh_db, write_csv):
    import_files(fresh_db, [write_csv("votes.csv", "vote_id,date,title,yes,no,result\n"
                                      "a,2020-01-01,A,10,2,adopted\nb,2020-01-02,B,2,10,rejected\n"
                                      "c,2020-01-03,C,5,5,postponed\nd,2020-01-04,D,6,5,\n")])
    found = queries.search_votes(fresh_db, queries.VoteSearch()).sort_values("vote_id")
    assert found["official"].tolist() == ["passed", "failed", "unclear", "unclear"]
    unclear = queries.search_votes(fresh_db, queries.VoteSearch(result="unclear"))
    assert sorted(unclear["vote_id"]) == ["c", "d"]


def test_unknown_filter_values_are_refused_with_the_choices(sample_db):
    with pytest.raises(ValueError, match="passed, failed, unclear"):
        queries.search_votes(sample_db, queries.VoteSearch(result="won"))


def test_seat_groups_use_stated_tallies_when_parties_have_no_counts(sample_db):
    # V04: 107 yes, 53 no, 3 absent stated; PSUV has only a position -> seats by position, 163 seats.
    vote = queries.vote_detail(sample_db, "V04")
    groups, seats, basis = queries.seat_groups(vote, queries.vote_parties(sample_db, "V04"))
    assert basis == "position" and seats == 163
    assert dict(zip(groups["position"], groups["seats"], strict=True)) == {"yes": 107, "no": 53, "absent": 3}


def test_seat_groups_colour_party_seats_by_position_when_only_positions_are_known(sample_db):
    # V42 has no tallies; AD (25 seats), PJ (33), UNT (18) and VP (14) are stated as for: 90 yes seats of 167.
    vote = queries.vote_detail(sample_db, "V42")
    assert all(vote[c] is None for c in ("yes", "no", "abstain", "absent"))
    groups, seats, basis = queries.seat_groups(vote, queries.vote_parties(sample_db, "V42"))
    assert basis == "party position" and seats == 167
    assert dict(zip(groups["party"], groups["seats"], strict=True)) == {"AD": 25, "PJ": 33, "UNT": 18, "VP": 14}
    assert set(groups["position"]) == {"yes"}


def test_seat_groups_from_member_votes_count_each_party_and_position(member_db):
    # M1: A = 2 yes + 1 no; B = 2 no + 1 absent.
    groups, seats, basis = queries.seat_groups(queries.vote_detail(member_db, "M1"),
                                               queries.vote_parties(member_db, "M1"))
    counted = groups[groups["seats"] > 0].set_index(["party", "position"])["seats"].to_dict()
    assert counted == {("A", "yes"): 2, ("A", "no"): 1, ("B", "no"): 2, ("B", "absent"): 1}
    assert seats is None and basis == "position"


def test_stage_moves_mark_the_party_that_changed_position(member_db):
    # M1 -> M2: A yes -> yes; B no (2 no) -> split (1 yes, 1 no, 1 abstain).
    moves = queries.stage_moves(member_db, "budget-2020").set_index("party")
    assert moves.loc["A", "moved"] == False  # noqa: E712 - numpy bool
    assert moves.loc["B", "M1"] == "no" and moves.loc["B", "M2"] == "split" and moves.loc["B", "moved"]


def test_stored_table_refuses_names_outside_the_list(sample_db):
    with pytest.raises(ValueError, match="Unknown table"):
        queries.stored_table(sample_db, "votes; drop table votes")


def test_database_snapshot_is_a_duckdb_file_with_every_vote(sample_db, tmp_path):
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(queries.database_snapshot(sample_db))
    con = duckdb.connect(str(copy), read_only=True)
    assert con.execute("select count(*) from votes").fetchone()[0] == 45
    con.close()


def test_synthetic_assemblies_are_found_by_name_or_note(fresh_db, write_csv):
    import_files(fresh_db, [write_csv("assemblies.csv", "assembly,name,note\nx,Demo chamber (synthetic),\n"
                                                        "y,Real chamber,\nz,Other,Synthetic test data\n")])
    assert queries.synthetic_assemblies(fresh_db) == ["Demo chamber (synthetic)", "Other"]


def test_rebels_are_members_who_cast_a_vote_against_their_partys_stated_one(member_db, tmp_path):
    # Checked against the pandas rule it replaced (cast: yes, no, abstain; against a cast party position) on the
    # hand-made votes and on a generated parliament's (absent members, abstentions, split parties).
    import pandas as pd

    from tests.conftest import demo_database
    from tracker import store

    generated = store.connect(demo_database(tmp_path / "demo", members=80, votes=30, parties=5, seed=3))
    rebels = 0
    for db in (member_db, generated):
        for (vote_id,) in db.execute("select distinct vote_id from member_votes").fetchall():
            members = queries.vote_members(db, vote_id)
            counted = ["yes", "no", "abstain"]
            before = (members["position"].isin(counted) & members["party_position"].isin(counted)
                      & (members["position"] != members["party_position"]))
            pd.testing.assert_series_equal(members["rebel"], before, check_names=False)
            assert members["rebel"].dtype == bool
            rebels += int(members["rebel"].sum())
    generated.close()
    assert rebels >= 2   # Carla Cruz on M1, and the generated parliament's
