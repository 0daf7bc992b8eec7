"""The native CSV formats, every kind of bad input, encodings, delimiters and the templates."""

from __future__ import annotations

import pytest

from tests.conftest import rows
from tracker import config, store
from tracker.ingest import ImportRejected, Source, import_files

TEMPLATES = config.PROJECT_DIR / "docs" / "templates"

VOTES = "vote_id,date,title,yes,no,abstain,absent\nV1,2020-03-01,Budget,3,1,1,0\nV2,2020-03-02,Tax,,,,\n"


def rejected(con, files, **options) -> str:
    """Import files that must be rejected; assert nothing stored changed and return the message."""
    before = store.snapshot(con)
    with pytest.raises(ImportRejected) as info:
        import_files(con, files, **options)
    assert store.snapshot(con) == before
    return str(info.value)


# --- formats ------------------------------------------------------------------------------------------------------


def test_vote_tallies_are_stored_with_unknown_counts_as_null(fresh_db, write_csv):
    report = import_files(fresh_db, [write_csv("votes.csv", VOTES)])
    assert report.added["votes"] == 2
    assert rows(fresh_db, "select vote_id, yes, no, abstain, absent, majority from votes order by 1") == [
        ("V1", 3, 1, 1, 0, "simple"), ("V2", None, None, None, None, "simple")]


def test_optional_vote_columns_are_stored(fresh_db, write_csv):
    text = ("vote_id,assembly,date,title,stage,yes,no,abstain,absent,majority,result,seats,source_url\n"
            "V1,senate,2021-06-30,Bill 7,second reading,40,10,2,8,two thirds,Approved,60,https://example.org/v1\n")
    import_files(fresh_db, [write_csv("votes.csv", text)])
    assert rows(fresh_db, "select assembly, stage, majority, result, seats, source_url, date::varchar from votes") == [
        ("senate", "second reading", "two_thirds_seats", "Approved", 60, "https://example.org/v1", "2021-06-30")]


def test_spanish_headers_are_recognised(fresh_db, write_csv):
    text = ("votacion,fecha,titulo,a_favor,en_contra,abstenciones,ausentes\n"
            "V1,2016-01-22,Decreto,107,53,0,3\n"
            "V1b,2016-01-23,Ley,,,,\n")
    import_files(fresh_db, [write_csv("votaciones.csv", text)])
    assert rows(fresh_db, "select vote_id, title, yes, no, abstain, absent from votes order by 1") == [
        ("V1", "Decreto", 107, 53, 0, 3), ("V1b", "Ley", None, None, None, None)]


def test_headers_match_case_and_accent_insensitively_in_german_and_english(fresh_db, write_csv):
    text = "ABSTIMMUNG;Datum;Titel;Ja;Nein;Enthaltungen;Nicht abgegeben\nA1;28.11.2013;UNMISS;450;2;5;3\n"
    import_files(fresh_db, [write_csv("abstimmungen.csv", text)])
    assert rows(fresh_db, "select vote_id, date::varchar, yes, no, abstain, absent from votes") == [
        ("A1", "2013-11-28", 450, 2, 5, 3)]


def test_party_positions_keep_counts_stated_position_and_original_label(fresh_db, write_csv):
    parties = ("vote_id,party,yes,no,abstain,absent,position\n"
               "V1,Red,3,0,0,0,\n"
               "V1,Blue,0,0,1,0,voto salvado\n"    # 'voto salvado' is an abstention
               "V2,Red,,,,,A favor\n"
               "V2,Blue,,,,,dividido\n")
    import_files(fresh_db, [write_csv("votes.csv", VOTES), write_csv("parties.csv", parties)])
    assert rows(fresh_db, "select vote_id, party, yes, no, abstain, position, position_label from party_positions"
                          " order by 1, 2") == [
        ("V1", "Blue", 0, 0, 1, "abstain", "voto salvado"),
        ("V1", "Red", 3, 0, 0, None, None),
        ("V2", "Blue", None, None, None, "split", "dividido"),
        ("V2", "Red", None, None, None, "yes", "A favor"),
    ]
    # party_votes: Red on V1 has counts 3/0/0 so its position is yes; Blue on V2 keeps the stated split.
    assert rows(fresh_db, "select vote_id, party, position from party_votes order by 1, 2") == [
        ("V1", "Blue", "abstain"), ("V1", "Red", "yes"), ("V2", "Blue", "split"), ("V2", "Red", "yes")]


def test_party_labels_met_on_vote_rows_become_parties(fresh_db, write_csv):
    parties = "vote_id,party,position\nV1,Red,for\nV1,Blue,against\n"
    import_files(fresh_db, [write_csv("votes.csv", VOTES), write_csv("parties.csv", parties)])
    assert rows(fresh_db, "select party, name, bloc from parties order by 1") == [
        ("Blue", "Blue", None), ("Red", "Red", None)]


MEMBERS = ("vote_id,member_id,member_name,party,position\n"
           "M1,m1,Ana Núñez,Red,sí\n"
           "M1,m2,Jörg Müller,Red,Ja\n"
           "M1,m3,Zoë Weiß,Blue,nein\n"
           "M1,m4,Iñaki Peña,Blue,Enthaltung\n"
           "M1,m5,Li Wei,Blue,nichtabgegeben\n"
           "M1,m6,Sam Roe,Blue,not a member\n")
MEMBER_VOTE = "vote_id,date,title\nM1,2021-05-05,Member vote\n"


def test_member_votes_are_stored_and_tallied_per_party(fresh_db, write_csv):
    report = import_files(fresh_db, [write_csv("v.csv", MEMBER_VOTE), write_csv("members.csv", MEMBERS)])
    assert report.added["member votes"] == 6 and report.added["members"] == 6
    assert rows(fresh_db, "select member_id, position, position_label from member_votes order by 1") == [
        ("m1", "yes", "sí"), ("m2", "yes", "Ja"), ("m3", "no", "nein"), ("m4", "abstain", "Enthaltung"),
        ("m5", "absent", "nichtabgegeben"), ("m6", "not_member", "not a member")]
    # Red: m1, m2 yes. Blue: m3 no, m4 abstain, m5 absent, m6 not a member (not counted among members).
    assert rows(fresh_db, "select party, yes, no, abstain, absent, members from party_tallies order by 1") == [
        ("Blue", 0, 1, 1, 1, 3), ("Red", 2, 0, 0, 0, 2)]
    # Vote tallies summed from members: yes 2, no 1, abstain 1, absent 1 (not_member kept apart from absent).
    assert rows(fresh_db, "select yes, no, abstain, absent, tally_source from vote_tallies") == [
        (2, 1, 1, 1, "members")]


def test_member_votes_by_name_only_with_vote_columns_create_the_vote(fresh_db, write_csv):
    text = ("votacion,fecha,titulo,diputado,partido,voto\n"
            "X1,2017-03-30,Acuerdo,María Pérez,PJ,A favor\n"
            "X1,2017-03-30,Acuerdo,José Gómez,PSUV,En contra\n")
    import_files(fresh_db, [write_csv("nominal.csv", text)])
    assert rows(fresh_db, "select vote_id, title, date::varchar from votes") == [("X1", "Acuerdo", "2017-03-30")]
    assert rows(fresh_db, "select member_id, name from members order by 1") == [
        ("José Gómez", "José Gómez"), ("María Pérez", "María Pérez")]


def test_parties_and_assemblies_files_are_stored(fresh_db, write_csv):
    assemblies = "assembly,name,country,seats,start_date,end_date\nan,Asamblea Nacional,Venezuela,167,2016-01-05,\n"
    parties = "party,name,bloc,colour,seats\nPJ,Primero Justicia,MUD,#ffcc00,33\n"
    import_files(fresh_db, [write_csv("assemblies.csv", assemblies), write_csv("parties.csv", parties)])
    assert rows(fresh_db, "select assembly, name, country, seats, start_date::varchar, end_date from assemblies") == [
        ("an", "Asamblea Nacional", "Venezuela", 167, "2016-01-05", None)]
    assert rows(fresh_db, "select party, name, bloc, colour, seats from parties") == [
        ("PJ", "Primero Justicia", "MUD", "#ffcc00", 33)]


def test_vote_seats_fall_back_to_the_assembly(fresh_db, write_csv):
    assemblies = "assembly,seats\nan,167\n"
    votes = "vote_id,assembly,date,title,yes,seats\nV1,an,2016-01-05,A,100,\nV2,an,2016-01-06,B,100,163\n"
    import_files(fresh_db, [write_csv("a.csv", assemblies), write_csv("v.csv", votes)])
    assert rows(fresh_db, "select vote_id, seats from vote_tallies order by 1") == [("V1", 167), ("V2", 163)]


def test_upload_from_bytes_and_from_a_file_object(fresh_db):
    import io

    report = import_files(fresh_db, [Source("a.csv", data=VOTES.encode()), ])
    assert report.added["votes"] == 2
    other = "vote_id,date,title\nV3,2020-01-01,Third\n"
    stream = io.BytesIO(other.encode())
    stream.read()  # a stream already read to the end, as upload widgets may hand over
    report = import_files(fresh_db, [Source("b.csv", data=stream)])
    assert report.added["votes"] == 1


def test_ignored_columns_are_reported(fresh_db, write_csv):
    report = import_files(fresh_db, [write_csv("v.csv", "vote_id,date,title,colour_of_the_day\nV1,2020-01-01,A,red\n")])
    assert report.files[0].ignored_columns == ["colour_of_the_day"]
    assert "ignored columns: colour_of_the_day" in report.text()


def test_dry_run_reports_but_writes_nothing(fresh_db, write_csv):
    before = store.snapshot(fresh_db)
    report = import_files(fresh_db, [write_csv("votes.csv", VOTES)], dry_run=True)
    assert report.added["votes"] == 2 and report.batch_id is None
    assert "Would add: 2 votes." in report.text() and "Dry run: nothing was written." in report.text()
    assert store.snapshot(fresh_db) == before


def test_report_says_what_was_added_in_words(fresh_db, write_csv):
    report = import_files(fresh_db, [write_csv("v.csv", "vote_id,date,title\nV1,2020-01-01,A\n")])
    text = report.text()
    assert "v.csv: vote tallies, 1 row (UTF-8, comma-separated)" in text
    assert "Added: 1 vote." in text
    assert f"Batch id: {report.batch_id}" in text


# --- errors -------------------------------------------------------------------------------------------------------


def test_missing_required_column_is_rejected(fresh_db, write_csv):
    message = rejected(fresh_db, [write_csv("v.csv", "vote_id,date,yes\nV1,2020-01-01,3\n")])
    assert "v.csv, row 1, column 'title'" in message and "required column 'title' is missing" in message


def test_member_votes_without_party_column_are_rejected(fresh_db, write_csv):
    message = rejected(fresh_db, [write_csv("m.csv", "vote_id,member_name,position\nV1,Ana,yes\n")])
    assert "column 'party'" in message and "missing" in message


def test_header_without_vote_id_is_rejected_and_lists_the_columns(fresh_db, write_csv):
    message = rejected(fresh_db, [write_csv("x.csv", "when,what\n2020,thing\n")])
    assert "x.csv, row 1" in message and "when, what" in message and "data-format.md" in message


def test_unknown_position_labels_are_listed_with_their_rows(fresh_db, write_csv):
    text = "vote_id,member_id,party,position\nM1,m1,A,yes\nM1,m2,A,perhaps\nM1,m3,A,perhaps\nM1,m4,A,maybe\n"
    message = rejected(fresh_db, [write_csv("v.csv", MEMBER_VOTE), write_csv("m.csv", text)])
    assert "m.csv, row 3, column 'position': Unknown position label 'perhaps' in rows 3 and 4." in message
    assert "Unknown position label 'maybe' in row 5." in message
    assert "voto salvado" in message  # the fix lists known labels


@pytest.mark.parametrize(("value", "row_text"), [("three", "'three' is not a whole number"),
                                                 ("-1", "'-1' is not a whole number"),
                                                 ("2.5", "'2.5' is not a whole number")])
def test_bad_counts_are_rejected(fresh_db, write_csv, value, row_text):
    message = rejected(fresh_db, [write_csv("v.csv", f"vote_id,date,title,yes\nV1,2020-01-01,A,1\nV2,2020-01-01,B,"
                                                     f"{value}\n")])
    assert f"v.csv, row 3, column 'yes': {row_text}" in message


def test_bad_dates_are_rejected(fresh_db, write_csv):
    message = rejected(fresh_db, [write_csv("v.csv", "vote_id,date,title\nV1,2020-02-30,A\nV2,yesterday,B\n")])
    assert "row 2, column 'date': '2020-02-30' is not a date" in message
    assert "row 3, column 'date': 'yesterday' is not a date" in message
    assert "YYYY-MM-DD" in message


@pytest.mark.parametrize("written", ["2020-03-01", "01.03.2020", "01/03/2020", "2020/03/01", "2020-03-01T10:00:00"])
def test_accepted_date_forms(fresh_db, write_csv, written):
    import_files(fresh_db, [write_csv("v.csv", f"vote_id,date,title\nV1,{written},A\n")])
    assert rows(fresh_db, "select date::varchar from votes") == [("2020-03-01",)]


def test_unknown_majority_rule_is_rejected(fresh_db, write_csv):
    message = rejected(fresh_db, [write_csv("v.csv", "vote_id,date,title,majority\nV1,2020-01-01,A,most\n")])
    assert "column 'majority': 'most' is not a majority rule we know" in message


def test_member_votes_that_disagree_with_stated_tally_are_rejected(fresh_db, write_csv):
    # Members: 2 yes, 1 no, 1 abstain, 1 absent; the vote states yes 3.
    vote = "vote_id,date,title,yes\nM1,2021-05-05,Member vote,3\n"
    message = rejected(fresh_db, [write_csv("v.csv", vote), write_csv("m.csv", MEMBERS)])
    assert "member votes of vote 'M1' count yes 2 (stated 3)" in message
    assert "m.csv, row 2" in message


def test_party_counts_above_the_vote_tally_are_rejected(fresh_db, write_csv):
    # V1 states yes 3; Red 2 + Blue 2 = 4 yes.
    parties = "vote_id,party,yes\nV1,Red,2\nV1,Blue,2\n"
    message = rejected(fresh_db, [write_csv("v.csv", VOTES), write_csv("p.csv", parties)])
    assert "party counts of vote 'V1' add up to more than the vote's stated tally: yes 4 (vote says 3)" in message


def test_party_counts_that_disagree_with_member_votes_are_rejected(fresh_db, write_csv):
    parties = "vote_id,party,yes,no\nM1,Red,1,0\n"   # Red's members: 2 yes
    message = rejected(fresh_db, [write_csv("v.csv", MEMBER_VOTE), write_csv("m.csv", MEMBERS),
                                  write_csv("p.csv", parties)])
    assert "stated counts of party 'Red' on vote 'M1' disagree with its members' votes" in message


def test_stated_party_position_that_contradicts_its_counts_is_rejected(fresh_db, write_csv):
    parties = "vote_id,party,yes,no,position\nV1,Red,3,0,against\n"
    message = rejected(fresh_db, [write_csv("v.csv", VOTES), write_csv("p.csv", parties)])
    assert "Party 'Red' on vote 'V1' is stated as 'no' but its counts are yes 3" in message


def test_more_votes_than_seats_is_rejected(fresh_db, write_csv):
    # 3 + 1 + 1 + 0 = 5 votes in a chamber of 4 seats.
    votes = "vote_id,date,title,yes,no,abstain,absent,seats\nV1,2020-01-01,A,3,1,1,0,4\n"
    message = rejected(fresh_db, [write_csv("v.csv", votes)])
    assert "v.csv, row 2: Vote 'V1' has 5 votes or members but the chamber has 4 seats." in message


def test_more_members_than_assembly_seats_is_rejected(fresh_db, write_csv):
    # Six rows, of which m6 is 'not a member' and does not hold a seat: 5 members in a 4-seat assembly.
    assemblies = "assembly,seats\ntiny,4\n"
    vote = "vote_id,assembly,date,title\nM1,tiny,2021-05-05,Member vote\n"
    message = rejected(fresh_db, [write_csv("a.csv", assemblies), write_csv("v.csv", vote),
                                  write_csv("m.csv", MEMBERS)])
    assert "Vote 'M1' has 5 votes or members but the chamber has 4 seats." in message


def test_same_member_twice_on_one_vote_is_rejected(fresh_db, write_csv):
    text = "vote_id,member_id,party,position\nM1,m1,A,yes\nM1,m2,A,no\nM1,m1,A,no\n"
    message = rejected(fresh_db, [write_csv("v.csv", MEMBER_VOTE), write_csv("m.csv", text)])
    assert "m.csv, row 4: Member 'm1' appears more than once on vote 'M1' (rows 2 and 4)." in message


def test_same_vote_twice_in_a_file_is_rejected(fresh_db, write_csv):
    message = rejected(fresh_db, [write_csv("v.csv", "vote_id,date,title\nV1,2020-01-01,A\nV1,2020-01-01,A\n")])
    assert "Vote 'V1' appears more than once (rows 2 and 3)." in message


def test_party_positions_for_an_unknown_vote_are_rejected(fresh_db, write_csv):
    message = rejected(fresh_db, [write_csv("p.csv", "vote_id,party,position\nNOPE,Red,for\n")])
    assert "p.csv, row 2, column 'vote_id': Vote 'NOPE' is not in the database or in this upload." in message


def test_empty_required_cells_are_rejected(fresh_db, write_csv):
    message = rejected(fresh_db, [write_csv("v.csv", "vote_id,date,title\n,2020-01-01,A\nV2,2020-01-01,\n")])
    assert "row 2, column 'vote_id': The cell is empty." in message
    assert "row 3, column 'title': The cell is empty." in message


def test_vote_details_that_differ_between_rows_of_one_vote_are_rejected(fresh_db, write_csv):
    text = "vote_id,date,title,member_id,party,position\nX,2020-01-01,A,m1,P,yes\nX,2020-01-02,A,m2,P,no\n"
    message = rejected(fresh_db, [write_csv("m.csv", text)])
    assert "Vote 'X' has different vote details (date, title, ...) on rows 2 and 3." in message


def test_a_row_with_too_many_cells_is_rejected_with_its_row(fresh_db, write_csv):
    text = 'vote_id,date,title\nV1,2020-01-01,"two\nlines"\nV2,2020-01-01,B,extra\n'
    message = rejected(fresh_db, [write_csv("v.csv", text)])
    # The quoted cell spans two lines but is one spreadsheet row: V2 is row 3.
    assert "v.csv, row 3: This row has 4 cells but the header has 3 columns." in message


def test_empty_file_is_rejected(fresh_db, write_csv):
    assert "v.csv: The file is empty." in rejected(fresh_db, [write_csv("v.csv", "")])
    assert "w.csv: The file is empty." in rejected(fresh_db, [write_csv("w.csv", b"\xef\xbb\xbf\r\n \n")])


def test_header_only_file_is_rejected(fresh_db, write_csv):
    message = rejected(fresh_db, [write_csv("v.csv", "vote_id,date,title\n")])
    assert "v.csv, row 2: The file has a header but no data rows." in message


@pytest.mark.parametrize(("content", "what"), [
    (b"PK\x03\x04" + bytes(200), "ZIP archive or workbook could not be opened"),
    (b"%PDF-1.7\n" + bytes(range(256)), "This is not a CSV file: it looks like a PDF"),
    (b"\x89PNG\r\n\x1a\n" + bytes(100), "This is not a CSV file: it looks like a PNG image"),
    (bytes(range(256)) * 4, "This is not a CSV text file: it contains binary data"),
    ("vote_id,date,title\nV1,2020-01-01,A\n".encode("utf-16"), "or is UTF-16 encoded"),
], ids=["broken-zip", "pdf", "png", "binary", "utf-16"])
def test_file_that_is_not_csv_is_rejected(fresh_db, write_csv, content, what):
    message = rejected(fresh_db, [write_csv("upload.csv", content)])
    assert "upload.csv: " in message and what in message


def test_one_bad_file_rejects_the_whole_upload(fresh_db, write_csv):
    good = write_csv("good.csv", VOTES)
    bad = write_csv("bad.csv", "vote_id,party,position\nV1,Red,perhaps\n")
    message = rejected(fresh_db, [good, bad])
    assert "bad.csv" in message and store.is_empty(fresh_db)


def test_every_problem_is_listed_up_to_a_cap(fresh_db, write_csv):
    # 80 bad dates and 80 bad counts: 10 shown per column plus a line counting the rest of each.
    body = "".join(f"V{i},not-a-date,T,x\n" for i in range(80))
    message = rejected(fresh_db, [write_csv("v.csv", "vote_id,date,title,yes\n" + body)])
    assert "(22 problems)" in message
    assert "70 more rows in column 'date' have the same problem." in message
    assert "70 more rows in column 'yes' have the same problem." in message


def test_problem_list_is_capped_for_display():
    from tracker.ingest.problems import MAX_PROBLEMS_SHOWN, Problem, describe_problems

    text = describe_problems([Problem("f.csv", f"bad {i}.", row=i + 2) for i in range(MAX_PROBLEMS_SHOWN + 7)])
    assert text.count("\n- f.csv") == MAX_PROBLEMS_SHOWN
    assert text.endswith("... and 7 more problems of the same kinds.")


def test_rejection_leaves_a_populated_database_exactly_as_before(sample_db, write_csv):
    bad = "vote_id,date,title,yes\nNEW,2020-01-01,New,1\nV04,2016-01-22,X,-5\n"
    message = rejected(sample_db, [write_csv("v.csv", bad)])
    assert "'-5' is not a whole number" in message


# --- encodings and delimiters -------------------------------------------------------------------------------------

NAMES = ("vote_id;member_name;party;position\n"
         "M1;José Núñez Peña;AD;sí\n"
         "M1;Jürgen Weiß-Größer;CDU/CSU;Enthaltung\n"
         "M1;Zoë Ça;Ñ;en contra\n")


@pytest.mark.parametrize(("encoding", "prefix"), [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("latin-1", b""),
                                                  ("cp1252", b"")])
def test_encodings_keep_spanish_and_german_names(fresh_db, write_csv, encoding, prefix):
    content = prefix + NAMES.replace("Zoë Ça", "Zoë Ça – Œ" if encoding == "cp1252" else "Zoë Ça").encode(encoding)
    import_files(fresh_db, [write_csv("v.csv", MEMBER_VOTE), write_csv("m.csv", content)])
    names = [r[0] for r in rows(fresh_db, "select name from members order by 1")]
    expected_last = "Zoë Ça – Œ" if encoding == "cp1252" else "Zoë Ça"
    assert names == ["José Núñez Peña", "Jürgen Weiß-Größer", expected_last]
    assert rows(fresh_db, "select distinct party from member_votes order by 1") == [("AD",), ("CDU/CSU",), ("Ñ",)]


def test_bom_does_not_hide_the_first_column(fresh_db, write_csv):
    import_files(fresh_db, [write_csv("v.csv", b"\xef\xbb\xbf" + VOTES.encode())])
    assert rows(fresh_db, "select count(*) from votes") == [(2,)]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiters(fresh_db, write_csv, delimiter):
    text = (VOTES.replace(",", delimiter) + "V3" + delimiter + "2020-03-03" + delimiter
            + '"Budget, amended; again"' + delimiter * 4 + "\n")
    report = import_files(fresh_db, [write_csv("v.csv", text)])
    assert report.files[0].delimiter == delimiter
    assert rows(fresh_db, "select title from votes where vote_id = 'V3'") == [("Budget, amended; again",)]
    assert rows(fresh_db, "select yes from votes where vote_id = 'V1'") == [(3,)]


def test_crlf_line_endings_and_blank_lines(fresh_db, write_csv):
    text = "vote_id,date,title\r\nV1,2020-01-01,A\r\n\r\nV2,2020-01-02,B\r\n"
    import_files(fresh_db, [write_csv("v.csv", text)])
    assert rows(fresh_db, "select vote_id, title from votes order by 1") == [("V1", "A"), ("V2", "B")]


# --- templates ----------------------------------------------------------------------------------------------------


def test_every_template_imports_cleanly_into_a_fresh_database(fresh_db):
    names = ["assemblies.csv", "parties.csv", "vote_tallies.csv", "party_positions.csv", "member_votes.csv"]
    paths = [TEMPLATES / n for n in names]
    report = import_files(fresh_db, paths)
    kinds = {f.name: f.kind for f in report.files}
    assert kinds == {"assemblies.csv": "assemblies", "parties.csv": "parties", "vote_tallies.csv": "vote tallies",
                     "party_positions.csv": "party positions", "member_votes.csv": "member votes"}
    assert all(f.rows >= 2 and not f.ignored_columns for f in report.files)
    assert all(v.startswith("EXAMPLE-") for (v,) in rows(fresh_db, "select vote_id from votes"))


def test_templates_show_the_columns_of_their_format():
    from tracker.ingest.read import sniff

    expected = {
        "vote_tallies.csv": "vote_id,assembly,date,title,stage,matter,yes,no,abstain,absent,majority,seats,result,"
                            "source_url,note",
        "party_positions.csv": "vote_id,party,yes,no,abstain,absent,position,source_url,note",
        "member_votes.csv": "vote_id,member_id,member_name,party,position",
        "parties.csv": "party,name,bloc,colour,seats,source_url,note",
        "assemblies.csv": "assembly,name,country,seats,start_date,end_date,source_url,note",
    }
    for name, header in expected.items():
        assert ",".join(sniff(Source.from_path(TEMPLATES / name)).header) == header, name


def test_problems_name_the_column_as_the_file_writes_it(fresh_db, write_csv):
    message = rejected(fresh_db, [write_csv("v.csv", "votacion,fecha,titulo,a_favor\nV1,ayer,Ley,x\n")])
    assert "v.csv, row 2, column 'fecha': 'ayer' is not a date" in message
    assert "v.csv, row 2, column 'a_favor': 'x' is not a whole number" in message


def test_a_bad_date_is_reported_once_not_also_as_empty(fresh_db, write_csv):
    message = rejected(fresh_db, [write_csv("v.csv", "vote_id,date,title\nV1,31.02.2020,A\n")])
    assert "(1 problem)" in message and "is not a date" in message


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("text", ["vote_id,date,title\nV1,2020-01-01,A,lost\nV2,2020-01-01,B\n",
                                  "vote_id,date,title\rV1,2020-01-01,A,\rV2,2020-01-01,B\r"])
def test_extra_cells_in_the_first_data_row_are_rejected_not_dropped(fresh_db, write_csv, text):
    message = rejected(fresh_db, [write_csv("v.csv", text)])
    assert "v.csv, row 2: This row has 4 cells but the header has 3 columns." in message


def test_header_cell_with_a_line_break_inside_quotes(fresh_db, write_csv):
    text = 'vote_id,"Vote\ndate",title\nV1,2020-01-01,A\nV2,2020-01-02,B,extra\n'
    message = rejected(fresh_db, [write_csv("v.csv", text)])
    # 'Vote date' is read as the date column, and V2 is still spreadsheet row 3.
    assert "v.csv, row 3: This row has 4 cells but the header has 3 columns." in message
    import_files(fresh_db, [write_csv("w.csv", text.replace(",extra", ""))])
    assert rows(fresh_db, "select vote_id, date::varchar from votes order by 1") == [
        ("V1", "2020-01-01"), ("V2", "2020-01-02")]


def test_vote_details_on_member_rows_must_agree_with_the_vote_tallies_file(fresh_db, write_csv):
    members = "vote_id,date,title,member_id,party,position\nM1,2021-05-06,Member vote,m1,Red,yes\n"
    message = rejected(fresh_db, [write_csv("v.csv", MEMBER_VOTE), write_csv("m.csv", members)])
    assert ("m.csv, row 2, column 'date': Vote 'M1' has date '2021-05-06' here but '2021-05-05' in v.csv, row 2."
            in message)
