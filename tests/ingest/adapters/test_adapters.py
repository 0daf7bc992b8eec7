"""Datasets from other tools (VoteView, HowTheyVote.eu, Bundestag lists, ZIP, Excel) imported end to end."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.conftest import rows
from tracker import store
from tracker.ingest import ImportRejected, ReadOptions, Source, import_files
from tracker.ingest.adapters import archive

FIXTURES = Path(__file__).resolve().parents[2] / "data"
VOTEVIEW = sorted((FIXTURES / "voteview").glob("*.csv"))
HOWTHEYVOTE = sorted((FIXTURES / "howtheyvote").glob("*.csv"))
BUNDESTAG = FIXTURES / "bundestag_small.csv"


def rejected(con, files, **options) -> str:
    """Import files that must be rejected; assert nothing stored changed and return the message."""
    before = store.snapshot(con)
    with pytest.raises(ImportRejected) as info:
        import_files(con, files, **options)
    assert store.snapshot(con) == before
    return str(info.value)


def tallies(con, vote_id: str) -> tuple:
    return rows(con, "select yes, no, abstain, absent from vote_tallies where vote_id = $v", v=vote_id)[0]


# --- VoteView -----------------------------------------------------------------------------------------------------
# H118 fixture by hand (cast codes per roll call; DOE is not a member on roll call 1, the President's row is dropped):
#   RC1: VELÁZQUEZ 1, GARCÍA 1, McCARTHY 6, JORDAN 6, O'NÉILL 9, DOE 0  -> yes 2, no 2, abstain 0, absent 1 (5 rows)
#   RC2: VELÁZQUEZ 6, GARCÍA 5, McCARTHY 1, JORDAN 2, O'NÉILL 7, DOE 1  -> yes 3, no 2, abstain 1, absent 0 (6 rows)
#   RC3: VELÁZQUEZ 1, GARCÍA 1, McCARTHY 1, JORDAN 4, O'NÉILL 1, DOE 9  -> yes 4, no 1, abstain 0, absent 1 (6 rows)


def test_voteview_congress_imports_votes_tallies_and_member_votes(fresh_db):
    report = import_files(fresh_db, VOTEVIEW)
    assert report.added["votes"] == 3 and report.added["member votes"] == 17 and report.added["members"] == 6
    assert tallies(fresh_db, "H118-1") == (2, 2, 0, 1)
    assert tallies(fresh_db, "H118-2") == (3, 2, 1, 0)
    assert tallies(fresh_db, "H118-3") == (4, 1, 0, 1)
    # yea_count / nay_count are stored as the stated tallies, and they agree with the member votes.
    assert rows(fresh_db, "select vote_id, yes, no, abstain from votes order by vote_id") == [
        ("H118-1", 2, 2, None), ("H118-2", 3, 2, None), ("H118-3", 4, 1, None)]


def test_voteview_votes_carry_date_title_chamber_and_result(fresh_db):
    import_files(fresh_db, VOTEVIEW)
    assert rows(fresh_db, "select vote_id, assembly, date::varchar, title, stage, matter, result from votes "
                "order by vote_id") == [
        ("H118-1", "us-house-118", "2023-01-03", "Election of the Speaker", "Election of the Speaker", None, None),
        ("H118-2", "us-house-118", "2023-01-09", "Adopting the Rules of the House for the One Hundred Eighteenth "
         "Congress", "On Agreeing to the Resolution", "HRES5", "Passed"),
        ("H118-3", "us-house-118", "2023-01-10", 'Establishing the Select Subcommittee — "Weaponization" of the '
         "Federal Government", "On Agreeing to the Resolution", "HRES12", "Passed")]
    assert rows(fresh_db, "select assembly, name, country, seats from assemblies") == [
        ("us-house-118", "U.S. House of Representatives, 118th Congress", "United States", 435)]


def test_voteview_party_codes_become_party_labels_and_codes_stay_when_unnamed(fresh_db):
    import_files(fresh_db, VOTEVIEW)
    assert rows(fresh_db, "select party, name from parties order by party") == [
        ("370", "VoteView party code 370"), ("Democrat", "Democratic Party"), ("Independent", "Independent"),
        ("Republican", "Republican Party")]
    assert rows(fresh_db, "select member_id, party, position, position_label from member_votes "
                "where vote_id = 'H118-2' order by member_id") == [
        ("icpsr-20738", "Republican", "yes", "yea"), ("icpsr-20771", "Republican", "yes", "yea"),
        ("icpsr-21559", "Democrat", "no", "nay"), ("icpsr-29378", "Democrat", "no", "nay"),
        ("icpsr-99001", "Independent", "abstain", "present"), ("icpsr-99002", "370", "yes", "yea")]


def test_voteview_parties_file_names_other_party_codes(fresh_db, tmp_path):
    parties = tmp_path / "HSall_parties.csv"
    parties.write_text("congress,chamber,party_code,party_name,n_members\n118,House,370,Progressive Party,1\n")
    import_files(fresh_db, [*VOTEVIEW, parties])
    assert rows(fresh_db, "select party, name from parties where party like 'Prog%'") == [
        ("Progressive Party", "Progressive Party")]
    assert rows(fresh_db, "select party from member_votes where member_id = 'icpsr-99002' limit 1") == [
        ("Progressive Party",)]


def test_voteview_names_keep_accents_from_a_windows_1252_file(fresh_db, tmp_path):
    for path in VOTEVIEW:
        (tmp_path / path.name).write_bytes(path.read_text(encoding="utf-8").replace("—", "-").encode("cp1252"))
    import_files(fresh_db, sorted(tmp_path.glob("*.csv")))
    assert rows(fresh_db, "select name from members where member_id in ('icpsr-29378', 'icpsr-21559', "
                "'icpsr-99001') order by member_id") == [
        ("GARCÍA, Jesús G. (Chuy)",), ("VELÁZQUEZ, Nydia Margarita",), ("O'NÉILL, Pat",)]


def test_voteview_tally_that_disagrees_with_member_votes_is_rejected_per_vote(fresh_db, tmp_path):
    for path in VOTEVIEW:
        text = path.read_text(encoding="utf-8")
        if path.name.endswith("_rollcalls.csv"):  # RC2 states 4 yeas (members: 3), RC3 states 2 nays (members: 1)
            text = text.replace("118,House,2,2023-01-09,1,20,3,2", "118,House,2,2023-01-09,1,20,4,2")
            text = text.replace("118,House,3,2023-01-10,1,25,4,1", "118,House,3,2023-01-10,1,25,4,2")
        (tmp_path / path.name).write_text(text, encoding="utf-8")
    message = rejected(fresh_db, sorted(tmp_path.glob("*.csv")))
    assert "vote 'H118-2' count yes 3 (stated 4)" in message
    assert "vote 'H118-3' count no 1 (stated 2)" in message
    assert "H118-1" not in message


def test_voteview_votes_without_members_file_are_rejected_with_the_file_to_add(fresh_db):
    message = rejected(fresh_db, [p for p in VOTEVIEW if "members" not in p.name])
    assert "VoteView votes need the members file(s)" in message and "_members.csv" in message


def test_voteview_member_missing_from_members_file_is_reported_with_row(fresh_db, tmp_path):
    for path in VOTEVIEW:
        text = path.read_text(encoding="utf-8")
        if path.name.endswith("_votes.csv"):
            text += "118,House,3,55555,1,\n"
        (tmp_path / path.name).write_text(text, encoding="utf-8")
    message = rejected(fresh_db, sorted(tmp_path.glob("*.csv")))
    assert "H118_votes.csv, row 21, column 'icpsr': Member icpsr 55555" in message


def test_voteview_unknown_cast_code_is_reported_with_row(fresh_db, tmp_path):
    for path in VOTEVIEW:
        text = path.read_text(encoding="utf-8")
        if path.name.endswith("_votes.csv"):
            text = text.replace("118,House,3,99002,9,", "118,House,3,99002,12,")
        (tmp_path / path.name).write_text(text, encoding="utf-8")
    message = rejected(fresh_db, sorted(tmp_path.glob("*.csv")))
    assert "row 20, column 'cast_code': Cast code '12' is not a VoteView cast code" in message


def test_voteview_files_are_recognised_by_content_not_name(fresh_db):
    renamed = [Source(f"download{i}.csv", data=p.read_bytes()) for i, p in enumerate(VOTEVIEW)]
    assert import_files(fresh_db, renamed).added["member votes"] == 17


def test_voteview_reupload_adds_nothing(fresh_db):
    import_files(fresh_db, VOTEVIEW)
    assert import_files(fresh_db, VOTEVIEW).already_imported == 1


# --- HowTheyVote.eu -----------------------------------------------------------------------------------------------
# Vote 101 (2020-01-15), no group_code in the rows: Kohút EPP FOR, Müller GREEN_EFA (until 2020-06-30) AGAINST,
#   Ødegård SD ABSTENTION, Lefèvre EPP DID_NOT_VOTE -> yes 1, no 1, abstain 1, absent 1.
# Vote 102 (2020-09-17): Kohút FOR, Müller FOR (group from memberships: SD since 2020-07-01), Ødegård AGAINST,
#   Lefèvre FOR -> yes 3, no 1; EPP yes 2, SD yes 1 / no 1.


def test_howtheyvote_export_imports_with_groups_on_the_vote_date(fresh_db):
    report = import_files(fresh_db, HOWTHEYVOTE)
    assert report.added["votes"] == 2 and report.added["member votes"] == 8 and report.added["members"] == 4
    assert tallies(fresh_db, "EP-101") == (1, 1, 1, 1)
    assert tallies(fresh_db, "EP-102") == (3, 1, 0, 0)
    assert rows(fresh_db, "select vote_id, party from member_votes where member_id = 'mep-1002' order by 1") == [
        ("EP-101", "GREEN_EFA"), ("EP-102", "SD")]
    assert rows(fresh_db, "select party, yes, no from party_tallies where vote_id = 'EP-102' order by 1") == [
        ("EPP", 2, 0), ("SD", 1, 1)]


def test_howtheyvote_names_titles_and_groups_are_stored(fresh_db):
    import_files(fresh_db, HOWTHEYVOTE)
    assert rows(fresh_db, "select name from members order by member_id") == [
        ("Łukasz Kohút",), ("Zoé Müller",), ("Anna Ødegård",), ("Jean-Pierre Lefèvre",)]
    assert rows(fresh_db, "select vote_id, date::varchar, title, matter from votes order by 1") == [
        ("EP-101", "2020-01-15", "Rapport sur la politique étrangère et de sécurité commune", "2019/2136(INI)"),
        ("EP-102", "2020-09-17", "Situation in Russia: the poisoning of Alexei Navalny", "2020/2777(RSP)")]
    assert rows(fresh_db, "select party, name from parties order by 1") == [
        ("EPP", "European People's Party"), ("GREEN_EFA", "Greens/European Free Alliance"),
        ("SD", "Progressive Alliance of Socialists and Democrats")]
    assert rows(fresh_db, "select position_label from member_votes where vote_id = 'EP-101' order by member_id") == [
        ("FOR",), ("AGAINST",), ("ABSTENTION",), ("DID_NOT_VOTE",)]


def zipped(files: list[Path], extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive_file:
        for path in files:
            archive_file.write(path, f"export/{path.name}")
        for name, data in (extra or {}).items():
            archive_file.writestr(name, data)
    return buffer.getvalue()


def test_howtheyvote_zip_imports_as_one_batch_and_skips_readme(fresh_db):
    data = zipped(HOWTHEYVOTE, {"export/README.md": b"# Tables", "export/last_updated.txt": b"2024-01-01"})
    report = import_files(fresh_db, [Source("export.zip", data=data)])
    assert report.batch_id == 1 and report.added["member votes"] == 8
    assert "not used: export.zip/countries.csv" in report.text()


def test_zip_with_a_program_inside_is_refused(fresh_db):
    message = rejected(fresh_db, [Source("export.zip", data=zipped(HOWTHEYVOTE, {"run.exe": b"MZ"}))])
    assert "not CSV or Excel tables: run.exe" in message


def test_zip_bomb_is_refused_before_unpacking(fresh_db, monkeypatch):
    # 3 MB of zeros compress to a few KB: over 20 times, and over the (lowered) 1 MB floor.
    monkeypatch.setattr(archive, "RATIO_FLOOR", 2**20)
    data = zipped([], {"votes.csv": b"vote_id,date,title\n" + b"0" * 3 * 2**20})
    message = rejected(fresh_db, [Source("bomb.zip", data=data)])
    assert "archives over 1 GB unpacked, or over 200 MB and 20 times their size, are refused" in message


def test_howtheyvote_member_votes_without_votes_file_are_rejected(fresh_db):
    message = rejected(fresh_db, [p for p in HOWTHEYVOTE if p.name != "votes.csv"])
    assert "lacks votes.csv" in message


# --- Bundestag ----------------------------------------------------------------------------------------------------
# Vote BT18-3-1: ja 4 (M. Beck, S. Müller (Erlangen), Jung, Steinbach), nein 2 (V. Beck, Kühn), Enthaltung 1
#   (S. Müller (Braunschweig)), nichtabgegeben 1 (von Stetten).
# Vote BT18-211-4: ja 4 (Müller Erlangen, Müller Braunschweig, Jung, von Stetten), nein 3 (both Becks,
#   Steinbach, now Fraktionslos), Enthaltung 1 (Kühn).
# People: 8. Jung is "Jung (Konstanz)" then "Jung": one person. The two Stefan Müllers vote in the same vote: two.


def test_bundestag_list_imports_with_vote_ids_from_period_sitting_and_number(fresh_db):
    report = import_files(fresh_db, [BUNDESTAG])
    assert report.added["votes"] == 2 and report.added["member votes"] == 16 and report.added["members"] == 8
    assert tallies(fresh_db, "BT18-3-1") == (4, 2, 1, 1)
    assert tallies(fresh_db, "BT18-211-4") == (4, 3, 1, 0)
    assert rows(fresh_db, "select vote_id, assembly, date::varchar, title from votes order by date") == [
        ("BT18-3-1", "bundestag-18", "2013-11-28",
         "Fortsetzung der Beteiligung bewaffneter deutscher Streitkräfte (UNMISS)"),
        ("BT18-211-4", "bundestag-18", "2017-01-19", "Gesetz zur Änderung des Bundesverfassungsschutzgesetzes")]


def test_bundestag_member_keeps_one_id_across_label_and_group_changes(fresh_db):
    import_files(fresh_db, [BUNDESTAG])
    assert rows(fresh_db, "select vote_id, party from member_votes where member_id = 'bt-erika-steinbach' "
                "order by vote_id") == [("BT18-211-4", "Fraktionslos"), ("BT18-3-1", "CDU/CSU")]
    assert rows(fresh_db, "select count(*) from member_votes where member_id = 'bt-andreas-jung'") == [(2,)]
    assert rows(fresh_db, "select count(*) from member_votes where member_id = 'bt-christian-frhr-von-stetten'") == [
        (2,)]


def test_bundestag_namesakes_who_vote_together_stay_apart(fresh_db):
    import_files(fresh_db, [BUNDESTAG])
    assert rows(fresh_db, "select member_id, name from members where member_id like 'bt-stefan-muller%' "
                "order by 1") == [("bt-stefan-muller-braunschweig", "Stefan Müller (Braunschweig)"),
                                  ("bt-stefan-muller-erlangen", "Dr. Stefan Müller (Erlangen)")]


def test_bundestag_umlauts_survive_a_windows_1252_file(fresh_db, tmp_path):
    latin = tmp_path / "abstimmungen.csv"
    latin.write_bytes(BUNDESTAG.read_text(encoding="utf-8").encode("cp1252"))
    import_files(fresh_db, [latin])
    assert rows(fresh_db, "select name from members where member_id = 'bt-volker-beck'") == [("Volker Beck (Köln)",)]
    assert rows(fresh_db, "select name from parties where party = 'BÜ90/GR'") == [("Bündnis 90/Die Grünen",)]


# --- Excel --------------------------------------------------------------------------------------------------------


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, table in sheets.items():
        sheet = book.create_sheet(name)
        for row in table:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_excel_first_sheet_is_read_like_a_csv(fresh_db):
    import datetime

    data = workbook({"Votos": [["vote_id", "date", "title", "yes", "no"],
                               ["X1", datetime.datetime(2021, 3, 4), "Ley de Educación", 90.0, 10]],
                     "Notes": [["nothing", "here"]]})
    import_files(fresh_db, [Source("votos.xlsx", data=data)])
    assert rows(fresh_db, "select vote_id, date::varchar, title, yes, no from votes") == [
        ("X1", "2021-03-04", "Ley de Educación", 90, 10)]


def test_excel_chosen_sheet_is_read_and_a_missing_sheet_is_named(fresh_db):
    data = workbook({"Cover": [["about", "this"]], "Votes": [["vote_id", "date", "title"], ["X2", "2021-05-06", "B"]]})
    import_files(fresh_db, [Source("book.xlsx", data=data)], reading=ReadOptions(sheet="Votes"))
    assert rows(fresh_db, "select vote_id from votes") == [("X2",)]
    message = rejected(fresh_db, [Source("book.xlsx", data=data)], reading=ReadOptions(sheet="Tallies"))
    assert "no sheet named 'Tallies' (sheets: Cover, Votes)" in message


def test_excel_workbook_holding_a_dataset_is_recognised(fresh_db):
    table = [line.split(",") for line in BUNDESTAG.read_text(encoding="utf-8").splitlines()]
    import_files(fresh_db, [Source("bt.xlsx", data=workbook({"Sheet1": table}))])
    assert tallies(fresh_db, "BT18-3-1") == (4, 2, 1, 1)


# --- mixed and ambiguous uploads ----------------------------------------------------------------------------------


def test_upload_mixing_two_datasets_is_rejected(fresh_db):
    message = rejected(fresh_db, [*VOTEVIEW, BUNDESTAG])
    assert "This upload mixes files of Bundestag, VoteView" in message


def test_dataset_with_an_unrelated_native_file_is_rejected(fresh_db, tmp_path):
    native = tmp_path / "votes.csv"
    native.write_text("vote_id,date,title\nV1,2020-01-01,Budget\n")
    message = rejected(fresh_db, [*HOWTHEYVOTE, native])
    assert "votes.csv: These files are not part of the HowTheyVote.eu dataset" in message


def test_file_whose_header_fits_two_datasets_asks_which(fresh_db, tmp_path):
    both = tmp_path / "both.csv"
    both.write_text("congress,chamber,rollnumber,icpsr,cast_code,vote_id,member_id,position\n"
                    "118,House,1,29378,1,101,1001,FOR\n")
    message = rejected(fresh_db, [both])
    assert "This file could be VoteView votes or HowTheyVote.eu member votes" in message
    assert "Say which" in message


def test_unknown_csv_asks_for_a_mapping(fresh_db, tmp_path):
    odd = tmp_path / "odd.csv"
    odd.write_text("Sitzung,Wer,Wie\n1,Anna,dafür\n")
    message = rejected(fresh_db, [odd])
    assert "The format of this file is not recognised (columns: Sitzung, Wer, Wie)" in message
    assert "--mapping FILE" in message
