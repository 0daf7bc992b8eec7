"""Numbers and dates at the edge of their types, long texts, open quotes and mixed encodings: a problem, not a crash."""

from __future__ import annotations

import pytest

from tracker import store
from tracker.ingest import ImportRejected, Source, import_files

HUGE = ["2147483648", "3000000000", str(2**63), str(2**64), "99999999999999999999999", "1e30", "inf", "Infinity",
        "-inf", "nan", "100001"]
EDGE_DATES = ["0001-01-01", "1677-09-21", "2262-04-12", "9999-12-31", "1799-12-31", "2101-01-01", "01.01.0001",
              "31/12/9999", "31.12.9999", "9999/12/31", "1677-09-21T00:00:00", "2262-04-12 12:00"]


def rejected(db, text: str | bytes, name: str = "f.csv") -> list[str]:
    before = store.snapshot(db)
    with pytest.raises(ImportRejected) as caught:
        import_files(db, [Source(name, data=text if isinstance(text, bytes) else text.encode())])
    assert store.snapshot(db) == before
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("value", HUGE)
@pytest.mark.parametrize("column", ["yes", "seats"])
def test_counts_and_seats_past_the_integer_types_are_a_problem_naming_file_row_and_column(fresh_db, value, column):
    counts = {"yes": "1", "seats": "10"} | {column: value}
    problems = rejected(fresh_db, f"vote_id,date,title,yes,no,seats\nV1,2024-01-01,T,{counts['yes']},1,"
                                  f"{counts['seats']}\n")
    assert len(problems) == 1
    assert problems[0].startswith(f"f.csv, row 2, column '{column}': '{value}' is not a whole number between")
    assert ("A count must be a whole number between 0 and the assembly's seats" in problems[0]) == (column == "yes")


@pytest.mark.parametrize("value", EDGE_DATES)
@pytest.mark.parametrize(("header", "row"), [("vote_id,date,title,yes,no", "V1,{},T,1,1"),
                                            ("assembly,name,seats,start_date", "A1,X,10,{}")])
def test_dates_outside_1800_to_2100_in_any_notation_are_a_problem(fresh_db, value, header, row):
    problems = rejected(fresh_db, f"{header}\n{row.format(value)}\n")
    assert len(problems) == 1
    column = header.split(",")[header.split(",").index("date" if "date," in header else "start_date")]
    assert problems[0].startswith(f"f.csv, row 2, column '{column}': '{value}' is not accepted")
    assert "dates before 1800 or after 2100 are not accepted" in problems[0] and "Check the year" in problems[0]


@pytest.mark.parametrize(("value", "why"), [("30/02/2023", "February 2023 has 28 days, so there is no day 30"),
                                            ("2024-02-30", "February 2024 has 29 days, so there is no day 30"),
                                            ("31.04.2020", "April 2020 has 30 days, so there is no day 31"),
                                            ("2020-13-01", "there is no month 13")])
def test_a_date_that_does_not_exist_says_what_is_wrong_with_it(fresh_db, value, why):
    problems = rejected(fresh_db, f"vote_id,date,title,yes,no\nV1,{value},T,1,1\n")
    assert problems[0].startswith(f"f.csv, row 2, column 'date': '{value}' is not a date: {why}")
    assert "YYYY-MM-DD" not in problems[0]


def test_dates_at_1800_and_2100_are_accepted(fresh_db):
    import_files(fresh_db, [Source("f.csv", data=b"vote_id,date,title,yes,no\nV1,1800-01-01,A,1,1\n"
                                                 b"V2,31.12.2100,B,1,1\n")])
    assert fresh_db.read("select vote_id, date::varchar as d from votes order by 1")["d"].tolist() == [
        "1800-01-01", "2100-12-31"]


def test_a_forty_megabyte_title_is_refused_with_its_length(fresh_db):
    title = "x" * 40_000_000
    problems = rejected(fresh_db, f"vote_id,date,title,yes,no\nV1,2024-01-01,{title},1,1\n")
    assert problems[0].startswith("f.csv, row 2, column 'title': 'xxx")
    assert "is too long (40,000,000 characters; title is limited to 20,000)" in problems[0]


def test_a_long_party_label_is_refused(fresh_db):
    problems = rejected(fresh_db, "vote_id,party,position\nV1," + "P" * 5000 + ",for\n")
    assert "column 'party'" in problems[0] and "party is limited to 1,000" in problems[0]


def test_an_unbalanced_quote_that_swallows_the_following_rows_is_named(fresh_db):
    text = ('vote_id,date,title,yes,no\nV1,2024-01-01,"Budget,3,1\nV2,2024-01-02,Tax,4,2\n'
            'V3,2024-01-03,Roads",5,0\n')
    problems = rejected(fresh_db, text)
    assert problems == ['f.csv, row 2: A double quote (") opens a cell in this row and is not closed where the cell '
                        'ends, so the rows after it would be read into that one cell. Fix: Close the quote at the end '
                        'of the cell, or remove the stray quote (a quote inside a quoted cell is written twice: "").']


def test_a_quote_left_open_to_the_end_of_the_file_is_named(fresh_db):
    problems = rejected(fresh_db, 'vote_id,date,title,yes,no\nV1,2024-01-01,A,1,1\nV2,2024-01-02,"Tax,4,2\n'
                                  'V3,2024-01-03,Roads,5,0\n')
    assert problems[0].startswith('f.csv, row 3: A double quote (") opens a cell in this row and is not closed')


def test_a_quoted_cell_with_a_line_break_is_still_accepted(fresh_db):
    import_files(fresh_db, [Source("f.csv", data=b'vote_id,date,title,yes,no\nV1,2024-01-01,"Two\nlines",1,1\n')])
    assert fresh_db.one("select title from votes") == ("Two\nlines",)


def test_one_bad_byte_in_a_utf8_file_is_named_by_its_row_instead_of_switching_to_cp1252(fresh_db):
    data = "vote_id,date,title,yes,no\nV1,2024-01-01,Ley de Amnistía,3,1\nV2,2024-01-02,Tax,4,2\n".encode()
    problems = rejected(fresh_db, data + b"V3,2024-01-03,Caf\xe9,5,0\n")
    assert problems == ["f.csv, row 4: The file is UTF-8 text except for byte 0xE9 in this row, which is not UTF-8 "
                        "(the file mixes two encodings, or the byte is damaged). Fix: Correct the character in this "
                        "row (or save the whole file again as UTF-8) and upload it again."]


def test_a_real_cp1252_file_is_still_read_as_cp1252(fresh_db):
    import_files(fresh_db, [Source("f.csv", data="vote_id,date,title,yes,no\nV1,2024-01-01,Café “x”,3,1\n"
                                   .encode("cp1252"))])
    assert fresh_db.one("select title from votes") == ("Café “x”",)


def test_a_title_broken_over_lines_with_commas_of_its_own_is_not_taken_for_swallowed_rows(fresh_db):
    # As in the Bundestag's 18th term: "... Grundgesetzes (Artikel 90, 91c, 104b, ...)" over three lines.
    title = "Entwurf eines Gesetzes zur Änderung des \nGrundgesetzes (Artikel 90, 91c, 104b, 104c, 107, 108)\n143d"
    data = f'vote_id,date,title,yes,no\nV1,2017-06-01,"{title}",1,1\nV2,2017-06-02,Tax,4,2\n'.encode()
    import_files(fresh_db, [Source("f.csv", data=data)])
    assert fresh_db.one("select title from votes where vote_id = 'V1'") == (title,)
