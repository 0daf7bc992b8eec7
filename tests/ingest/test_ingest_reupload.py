"""Uploading again: unchanged files add nothing, changed votes need --replace, and undo removes one batch."""

from __future__ import annotations

import pytest

from tests.conftest import rows
from tracker import store
from tracker.ingest import ImportRejected, import_files

VOTES = "vote_id,date,title,yes,no,abstain,absent\nV1,2020-03-01,Budget,3,1,1,0\nV2,2020-03-02,Tax,,,,\n"
PARTIES = "vote_id,party,yes,no,abstain,absent,position\nV1,Red,3,0,0,0,\nV1,Blue,0,1,1,0,\nV2,Red,,,,,for\n"
MEMBER_VOTE = "vote_id,date,title\nM1,2021-05-05,Member vote\n"
MEMBERS = "vote_id,member_id,party,position\nM1,m1,Red,yes\nM1,m2,Red,no\nM1,m3,Blue,no\n"


def data_tables(con) -> dict[str, list[tuple]]:
    """The snapshot without the batch bookkeeping (import_batches, audit_log), for before/after comparisons."""
    return {t: r for t, r in store.snapshot(con).items() if t not in ("import_batches", "audit_log")}


def test_reupload_of_same_file_adds_nothing_and_says_so(fresh_db, write_csv):
    path = write_csv("votes.csv", VOTES)
    first = import_files(fresh_db, [path])
    before = store.snapshot(fresh_db)
    again = import_files(fresh_db, [path])
    assert again.already_imported == first.batch_id and again.batch_id is None
    assert f"identical to batch {first.batch_id}" in again.text() and "nothing was added" in again.text()
    assert store.snapshot(fresh_db) == before


def test_same_rows_in_a_different_file_add_nothing(fresh_db, write_csv):
    import_files(fresh_db, [write_csv("votes.csv", VOTES)])
    before = store.snapshot(fresh_db)
    # Same votes, columns in another order and Windows line endings: other bytes, same values.
    other = "title,vote_id,date,yes,no,abstain,absent\r\nBudget,V1,2020-03-01,3,1,1,0\r\nTax,V2,2020-03-02,,,,\r\n"
    report = import_files(fresh_db, [write_csv("copy.csv", other)])
    assert report.nothing_added and report.unchanged_votes == 2
    assert "Nothing new" in report.text()
    assert store.snapshot(fresh_db) == before


def test_overlapping_upload_adds_only_the_new_vote(fresh_db, write_csv):
    import_files(fresh_db, [write_csv("votes.csv", VOTES)])
    report = import_files(fresh_db, [write_csv("more.csv", VOTES + "V3,2020-03-03,New,1,1,1,1\n")])
    assert report.added["votes"] == 1 and report.unchanged_votes == 2
    assert "2 votes already stored with the same values were skipped." in report.text()
    assert rows(fresh_db, "select vote_id, batch_id from votes order by 1") == [("V1", 1), ("V2", 1), ("V3", 2)]


def test_reupload_of_sample_adds_nothing(sample_db):
    from tracker import config

    before = data_tables(sample_db)
    for path in config.sample_files():
        report = import_files(sample_db, [path])
        assert report.nothing_added, path.name
    assert data_tables(sample_db) == before


def test_changed_vote_is_rejected_without_replace(fresh_db, write_csv):
    import_files(fresh_db, [write_csv("votes.csv", VOTES)])
    before = store.snapshot(fresh_db)
    changed = VOTES.replace("V1,2020-03-01,Budget,3,1,1,0", "V1,2020-03-01,Budget,4,0,1,0")
    with pytest.raises(ImportRejected) as info:
        import_files(fresh_db, [write_csv("votes2.csv", changed)])
    message = str(info.value)
    assert "votes2.csv, row 2: Vote 'V1' is already stored with different values: yes 3 → 4; no 1 → 0." in message
    assert "--replace" in message
    assert store.snapshot(fresh_db) == before


def test_replace_overwrites_the_vote_and_says_what_changed(fresh_db, write_csv):
    import_files(fresh_db, [write_csv("votes.csv", VOTES)])
    changed = VOTES.replace("V1,2020-03-01,Budget,3,1,1,0", "V1,2020-03-01,Budget,4,0,1,0")
    report = import_files(fresh_db, [write_csv("votes2.csv", changed)], replace=True)
    assert report.replaced == ["vote V1: yes 3 → 4; no 1 → 0"]
    assert "Replaced vote V1: yes 3 → 4; no 1 → 0" in report.text()
    assert rows(fresh_db, "select vote_id, yes, no, batch_id from votes order by 1") == [
        ("V1", 4, 0, 2), ("V2", None, None, 1)]


def test_replace_keeps_stored_values_of_columns_the_file_does_not_have(fresh_db, write_csv):
    import_files(fresh_db, [write_csv("votes.csv", "vote_id,date,title,yes,source_url\nV1,2020-03-01,Budget,3,"
                                                   "https://example.org/1\n")])
    # A party file that repeats the vote's columns with a corrected title: tallies and source stay.
    fix = "vote_id,date,title,party,position\nV1,2020-03-01,Budget law,Red,for\n"
    report = import_files(fresh_db, [write_csv("fix.csv", fix)], replace=True)
    assert report.replaced == ["vote V1: title Budget → Budget law"]
    assert rows(fresh_db, "select title, yes, source_url from votes") == [("Budget law", 3, "https://example.org/1")]


def test_replacing_party_rows_of_a_vote_says_which_stored_rows_go(fresh_db, write_csv):
    import_files(fresh_db, [write_csv("votes.csv", VOTES), write_csv("p.csv", PARTIES)])
    new = "vote_id,party,yes,no,abstain,absent\nV1,Red,2,0,0,0\n"
    report = import_files(fresh_db, [write_csv("p2.csv", new)], replace=True)
    assert report.replaced == ["vote V1: party Red: yes 3 → 2; party Blue: not in the upload, removed"]
    assert rows(fresh_db, "select vote_id, party, yes from party_positions order by 1, 2") == [
        ("V1", "Red", 2), ("V2", "Red", None)]


def test_replaced_member_votes_recount_party_tallies(fresh_db, write_csv):
    import_files(fresh_db, [write_csv("v.csv", MEMBER_VOTE), write_csv("m.csv", MEMBERS)])
    import_files(fresh_db, [write_csv("m2.csv", MEMBERS.replace("M1,m2,Red,no", "M1,m2,Red,yes"))], replace=True)
    # Red: m1 yes, m2 yes now. Blue: m3 no.
    assert rows(fresh_db, "select party, yes, no from party_tallies order by 1") == [("Blue", 0, 1), ("Red", 2, 0)]


def test_undo_removes_the_batch_completely(fresh_db, write_csv):
    import_files(fresh_db, [write_csv("votes.csv", VOTES), write_csv("p.csv", PARTIES)])
    before = data_tables(fresh_db)
    batch = import_files(fresh_db, [write_csv("v.csv", MEMBER_VOTE), write_csv("m.csv", MEMBERS)]).batch_id
    assert rows(fresh_db, "select count(*) from party_tallies") == [(2,)]
    message = store.undo_batch(fresh_db, batch)
    assert "removed 1 vote, 0 party positions, 3 member votes, 3 members, 0 parties, 0 assemblies" in message
    assert data_tables(fresh_db) == before
    assert [r[0] for r in rows(fresh_db, "select batch_id from import_batches")] == [1]
    assert rows(fresh_db, "select action, batch_id from audit_log order by logged_at, action") == [
        ("import", 1), ("import", 2), ("undo", 2)]


def test_undo_of_a_replacing_batch_puts_the_old_rows_back(fresh_db, write_csv):
    import_files(fresh_db, [write_csv("votes.csv", VOTES), write_csv("p.csv", PARTIES)])
    before = data_tables(fresh_db)
    changed = VOTES.replace("V1,2020-03-01,Budget,3,1,1,0", "V1,2020-03-01,Budget,3,1,1,2")
    batch = import_files(fresh_db, [write_csv("v2.csv", changed)], replace=True).batch_id
    assert rows(fresh_db, "select absent from votes where vote_id = 'V1'") == [(2,)]
    message = store.undo_batch(fresh_db, batch)
    assert "put back 1 vote that it had replaced" in message
    assert data_tables(fresh_db) == before


def test_undo_of_replaced_member_votes_restores_the_old_tallies(fresh_db, write_csv):
    import_files(fresh_db, [write_csv("v.csv", MEMBER_VOTE), write_csv("m.csv", MEMBERS)])
    before = data_tables(fresh_db)
    batch = import_files(fresh_db, [write_csv("m2.csv", MEMBERS.replace("M1,m2,Red,no", "M1,m2,Red,yes"))],
                         replace=True).batch_id
    store.undo_batch(fresh_db, batch)
    assert data_tables(fresh_db) == before
    assert rows(fresh_db, "select party, yes, no from party_tallies order by 1") == [("Blue", 0, 1), ("Red", 1, 1)]


def test_undo_of_a_batch_whose_rows_a_later_batch_replaced_is_refused(fresh_db, write_csv):
    import_files(fresh_db, [write_csv("votes.csv", VOTES)])
    import_files(fresh_db, [write_csv("v2.csv", VOTES.replace(",3,1,1,0", ",4,0,1,0"))], replace=True)
    before = store.snapshot(fresh_db)
    with pytest.raises(store.UndoRefused, match="Some rows of batch 1 were replaced by batch 2. Undo batch 2 first"):
        store.undo_batch(fresh_db, 1)
    assert store.snapshot(fresh_db) == before


def test_undo_of_a_batch_whose_votes_another_batch_extended_is_refused_until_that_one_is_undone(fresh_db, write_csv):
    import_files(fresh_db, [write_csv("votes.csv", VOTES)])
    import_files(fresh_db, [write_csv("p.csv", PARTIES)])
    before = store.snapshot(fresh_db)
    with pytest.raises(store.UndoRefused, match="Batch 1 holds votes that batch 2 added rows to. Undo batch 2 first"):
        store.undo_batch(fresh_db, 1)
    assert store.snapshot(fresh_db) == before
    store.undo_batch(fresh_db, 2)
    store.undo_batch(fresh_db, 1)
    assert all(not r for t, r in data_tables(fresh_db).items())


def test_undo_of_members_added_to_a_stored_vote_recounts_its_tallies(fresh_db, write_csv):
    import_files(fresh_db, [write_csv("v.csv", MEMBER_VOTE), write_csv("m.csv", MEMBERS)])
    later = import_files(fresh_db, [write_csv("m2.csv", "vote_id,member_id,party,position\nM1,m4,Blue,yes\n")])
    assert rows(fresh_db, "select party, yes, no from party_tallies order by 1") == [("Blue", 1, 1), ("Red", 1, 1)]
    store.undo_batch(fresh_db, later.batch_id)
    assert rows(fresh_db, "select party, yes, no from party_tallies order by 1") == [("Blue", 0, 1), ("Red", 1, 1)]
    assert rows(fresh_db, "select member_id from members order by 1") == [("m1",), ("m2",), ("m3",)]


def test_undo_of_unknown_batch_is_refused(fresh_db):
    with pytest.raises(store.UndoRefused, match="There is no import batch 7"):
        store.undo_batch(fresh_db, 7)


def test_batch_ids_are_never_reused(fresh_db, write_csv):
    first = import_files(fresh_db, [write_csv("votes.csv", VOTES)]).batch_id
    store.undo_batch(fresh_db, first)
    again = import_files(fresh_db, [write_csv("votes.csv", VOTES)])
    assert again.already_imported is None and again.batch_id == first + 1


def test_parties_file_fills_in_parties_known_only_by_their_label(fresh_db, write_csv):
    import_files(fresh_db, [write_csv("votes.csv", VOTES), write_csv("p.csv", PARTIES)])
    details = "party,name,bloc,colour\nRed,Red Party,Left,#ff0000\n"
    report = import_files(fresh_db, [write_csv("parties.csv", details)])
    assert report.filled_parties == ["Red"] and report.batch_id is not None
    assert ("Filled in the details of 1 party known until now only by their label: Red."
            in report.text())
    assert rows(fresh_db, "select party, name, bloc, colour from parties order by 1") == [
        ("Blue", "Blue", None, None), ("Red", "Red Party", "Left", "#ff0000")]
    # Undo puts the label-only party back.
    store.undo_batch(fresh_db, report.batch_id)
    assert rows(fresh_db, "select party, name, bloc, batch_id from parties order by 1") == [
        ("Blue", "Blue", None, 1), ("Red", "Red", None, 1)]


def test_changed_party_details_need_replace(fresh_db, write_csv):
    import_files(fresh_db, [write_csv("parties.csv", "party,name,bloc\nRed,Red Party,Left\n")])
    before = store.snapshot(fresh_db)
    other = write_csv("parties2.csv", "party,name,bloc\nRed,Red Party,Centre\n")
    with pytest.raises(ImportRejected, match="Party 'Red' is already stored with different values: bloc Left → Centre"):
        import_files(fresh_db, [other])
    assert store.snapshot(fresh_db) == before
    report = import_files(fresh_db, [other], replace=True)
    assert "Replaced party Red: bloc Left → Centre" in report.text()
    assert rows(fresh_db, "select name, bloc from parties") == [("Red Party", "Centre")]


def test_unchanged_parties_and_assemblies_with_dates_and_numbers_add_nothing(fresh_db, write_csv):
    # Dates and integers come back from DuckDB and pandas in different types; equal values must compare equal.
    text = ("assembly,name,seats,start_date,end_date\nan,Asamblea,167,2016-01-05,\n")
    parties = "party,name,seats,colour\nPJ,Primero Justicia,33,\n"
    import_files(fresh_db, [write_csv("a.csv", text), write_csv("p.csv", parties)])
    report = import_files(fresh_db, [write_csv("a2.csv", text.replace("2016-01-05", "05.01.2016")),
                                     write_csv("p2.csv", parties)])
    assert report.nothing_added


def test_unchanged_votes_with_every_column_add_nothing(fresh_db, write_csv):
    text = ("vote_id,assembly,date,title,stage,matter,yes,no,abstain,absent,majority,seats,result,source_url,note\n"
            "V1,an,2020-01-01,A,first,m,1,2,3,4,3/5_present,200,approved,https://x.org,n\n"
            "V2,an,2020-01-02,B,,,,,,,,,,,\n")
    import_files(fresh_db, [write_csv("v.csv", text)])
    again = text.replace("2020-01-01", "01/01/2020").replace(",3/5_present,", ",3/5 present,")
    report = import_files(fresh_db, [write_csv("v2.csv", again)])
    assert report.nothing_added and report.unchanged_votes == 2


def test_dry_run_of_a_replacement_changes_nothing(fresh_db, write_csv):
    import_files(fresh_db, [write_csv("votes.csv", VOTES)])
    before = store.snapshot(fresh_db)
    report = import_files(fresh_db, [write_csv("v2.csv", VOTES.replace(",3,1,1,0", ",4,0,1,0"))], replace=True,
                          dry_run=True)
    assert "Would replace vote V1: yes 3 → 4; no 1 → 0" in report.text()
    assert store.snapshot(fresh_db) == before


def test_replacement_that_contradicts_stored_party_counts_is_rejected(fresh_db, write_csv):
    import_files(fresh_db, [write_csv("votes.csv", VOTES), write_csv("p.csv", PARTIES)])
    before = store.snapshot(fresh_db)
    # Blue's stored count says no 1; the new tally says no 0.
    with pytest.raises(ImportRejected, match="party counts of vote 'V1' add up to more than the vote's stated "
                                             r"tally: no 1 \(vote says 0\)"):
        import_files(fresh_db, [write_csv("v2.csv", VOTES.replace(",3,1,1,0", ",4,0,1,0"))], replace=True)
    assert store.snapshot(fresh_db) == before


def test_original_file_with_replace_restores_values_a_later_batch_replaced(fresh_db, write_csv):
    original = write_csv("votes.csv", VOTES)
    import_files(fresh_db, [original])
    import_files(fresh_db, [write_csv("v2.csv", VOTES.replace(",3,1,1,0", ",4,0,1,0"))], replace=True)
    assert import_files(fresh_db, [original]).already_imported == 1  # without --replace: the same bytes, no change
    report = import_files(fresh_db, [original], replace=True)
    assert report.replaced == ["vote V1: yes 4 → 3; no 0 → 1"]
    assert rows(fresh_db, "select yes, no from votes where vote_id = 'V1'") == [(3, 1)]


def test_report_of_an_identical_upload_does_not_claim_zero_rows(fresh_db, write_csv):
    path = write_csv("votes.csv", VOTES)
    import_files(fresh_db, [path])
    text = import_files(fresh_db, [path]).text()
    assert text.splitlines()[0] == "votes.csv: vote tallies (UTF-8, comma-separated)"
