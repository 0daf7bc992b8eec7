"""Hostile content: HTML, markdown, script tags, control characters, SQL and spreadsheet formulas in uploaded
names are stored and exported as the text they are, never run, and the password never leaks."""

from __future__ import annotations

import csv
import io
import logging
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tracker import config, export, metrics, store
from tracker.ingest import Source, import_files

HOSTILE = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "**bold** _it_ [link](javascript:alert(1)) $x$",
    "'); DROP TABLE votes; --",
    'Robert"); DELETE FROM member_votes; --',
    "x' OR '1'='1",
    "$party",
    "%s%n{0}{{7*7}}",
    '=HYPERLINK("http://evil.example","click")',
    "=1+2",
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "bell\x07 escape\x1b[31m red",
    "line\nbreak",
    "\u202eright-to-left override",
    "../../etc/passwd",
    "名前 🗳️ ünïcödé",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def hostile_upload() -> Source:
    """One member vote per hostile string, used as vote id, title, member id, member name and party label."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["vote_id", "date", "title", "member_id", "member_name", "party", "position"])
    for text in HOSTILE:
        writer.writerow([text, "2024-01-01", text, text, text, text, "yes"])
    return Source("hostile.csv", data=buffer.getvalue().encode())


def test_hostile_names_are_stored_literally_and_every_table_survives(fresh_db):
    tables_before = set(store.snapshot(fresh_db))
    import_files(fresh_db, [hostile_upload()])
    assert set(store.snapshot(fresh_db)) == tables_before
    stored = {
        "votes": fresh_db.execute("select vote_id, title from votes").fetchall(),
        "members": fresh_db.execute("select member_id, name from members").fetchall(),
        "parties": fresh_db.execute("select party, name from parties").fetchall(),
        "member_votes": fresh_db.execute("select vote_id, member_id, party from member_votes").fetchall(),
    }
    for table, rows in stored.items():
        assert sorted(rows) == sorted((t,) * len(rows[0]) for t in HOSTILE), table
    # 18 votes with one yes each: the party tallies count them, 18 rows of yes = 1.
    assert fresh_db.execute("select count(*), sum(yes) from party_tallies").fetchone() == (len(HOSTILE), len(HOSTILE))


def test_undo_of_a_hostile_batch_removes_exactly_it(sample_db):
    before = store.snapshot(sample_db)
    batch = import_files(sample_db, [hostile_upload()], new_parties=True).batch_id
    store.undo_batch(sample_db, batch)
    after = store.snapshot(sample_db)
    assert {t: r for t, r in after.items() if t != "audit_log"} == {t: r for t, r in before.items() if t != "audit_log"}


@pytest.mark.parametrize("name", ["'); drop table import_batches; --.csv", "<script>alert(1)</script>.csv",
                                  "=cmd|' /C calc'!A0.csv"])
def test_hostile_file_names_are_logged_literally(fresh_db, name):
    data = b"vote_id,date,title,yes,no\nV1,2024-01-01,Budget,3,1\n"
    import_files(fresh_db, [Source(name, data=data)])
    assert fresh_db.execute("select file_name from import_batches").fetchall() == [(name,)]
    assert fresh_db.execute("select file_name from audit_log").fetchall() == [(name,)]


# Two votes per hostile string, so that every member has enough votes for the ideal-point fit (20).
ROLL_CALL_VOTES = [f"{text} {n}" for n in (1, 2) for text in HOSTILE]


def hostile_roll_calls() -> Source:
    """36 votes in an assembly with a hostile name, each cast by all 18 hostile members of 9 hostile parties.

    Member i sits in party HOSTILE[i % 9] and votes no on vote j when (i + j) % 3 == 0, else yes: so every vote has
    12 yes and 6 no, the two members of a party always vote alike, and two parties agree on every vote when their
    indexes are equal mod 3, else on one vote in three (both vote yes when j is in neither party's residue class).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["vote_id", "assembly", "date", "title", "member_id", "member_name", "party", "position"])
    for j, vote in enumerate(ROLL_CALL_VOTES):
        date = f"2024-{1 + j // 28:02d}-{1 + j % 28:02d}"
        for i, member in enumerate(HOSTILE):
            writer.writerow([vote, HOSTILE[3], date, vote, member, member, HOSTILE[i % 9],
                             "no" if (i + j) % 3 == 0 else "yes"])
    return Source("hostile_roll_calls.csv", data=buffer.getvalue().encode())


def test_metrics_filtered_by_hostile_party_and_assembly_names_run_as_plain_values(fresh_db):
    import_files(fresh_db, [hostile_roll_calls()])
    before = store.snapshot(fresh_db)
    chosen = tuple(HOSTILE[:8])  # party HOSTILE[8] and its members 8 and 17 are filtered out
    results = {}
    ran = 0
    for name, metric in metrics.METRICS.items():
        filters = metrics.Filters(assembly=HOSTILE[3], parties=chosen)
        try:
            results[name] = metric(fresh_db, filters)
        except ValueError as refused:  # a metric may refuse too little data; it must not be an SQL error
            assert "syntax" not in str(refused).lower() and "parser" not in str(refused).lower(), name
        ran += 1
    assert ran == len(metrics.METRICS) and ran > 5
    assert store.snapshot(fresh_db) == before
    # The hostile names come back as the same text, with the numbers worked out in hostile_roll_calls.
    outcomes = results["outcomes"]
    assert sorted(outcomes["vote_id"]) == sorted(ROLL_CALL_VOTES)
    assert list(outcomes["title"]) == list(outcomes["vote_id"])
    assert set(outcomes["yes"]) == {12} and set(outcomes["no"]) == {6} and outcomes["passed"].all()
    cohesion = results["cohesion"]
    assert set(cohesion["party"]) == set(chosen) and set(cohesion["vote_id"]) == set(ROLL_CALL_VOTES)
    assert len(cohesion) == 36 * 8 and set(cohesion["rice"]) == {1.0}
    alignment = results["alignment"]
    assert set(alignment["party_a"]) == set(chosen) and set(alignment["party_b"]) == set(chosen)
    for a, b, agreement in zip(alignment["party_a"], alignment["party_b"], alignment["agreement"], strict=True):
        same_class = HOSTILE.index(a) % 3 == HOSTILE.index(b) % 3
        assert agreement == pytest.approx(1.0 if same_class else 1 / 3), (a, b)
    parties_of = {member: HOSTILE[i % 9] for i, member in enumerate(HOSTILE) if i % 9 != 8}
    members = results["members"]
    assert dict(zip(members["member_id"], members["party"], strict=True)) == parties_of
    assert list(members["name"]) == list(members["member_id"])
    assert set(members["votes_cast"]) == {36} and set(members["rebellions"]) == {0}
    pairs = results["member-alignment"]
    assert set(pairs["member_a"]) | set(pairs["member_b"]) == set(parties_of)
    ideal = results["ideal-points"]
    assert set(ideal["member_id"]) == set(parties_of) and list(ideal["name"]) == list(ideal["member_id"])


def test_csv_export_neutralises_every_formula_cell_and_keeps_other_text(fresh_db):
    import_files(fresh_db, [hostile_upload()])
    data = export.table_bytes(export.table_or_metric(fresh_db, "member-votes"), "csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert len(rows) == len(HOSTILE)
    neutralised = 0
    for row in rows:
        original = row["member_name"] if row["member_name"] in HOSTILE else row["member_name"][1:]
        assert original in HOSTILE
        for column in ("vote_id", "member_id", "member_name", "party"):
            if original.startswith(FORMULA_START):
                assert row[column] == "'" + original
                neutralised += 1
            else:
                assert row[column] == original
    assert neutralised == 4 * 5  # =HYPERLINK, =1+2, +1+1, -2+3, @SUM: 5 strings in 4 text columns


def test_csv_export_neutralises_tab_and_carriage_return_but_keeps_numbers_numbers():
    frame = pd.DataFrame({"text": ["\t=cmd", "\r=cmd", "-5", "plain", "x\r=HYPERLINK(\"http://evil\")"],
                          "count": [-3, 0, 7, 12, 1], "share": [-1.5, 0.25, 1.0, 2.5, None]})
    rows = list(csv.reader(io.StringIO(export.table_bytes(frame, "csv").decode("utf-8"), newline="")))
    # A carriage return inside a cell stays inside it (quoted): it cannot start a new row with a live formula.
    assert [r[0] for r in rows[1:]] == ["'\t=cmd", "'\r=cmd", "'-5", "plain", "x\r=HYPERLINK(\"http://evil\")"]
    assert [r[1] for r in rows[1:]] == ["-3", "0", "7", "12", "1"]
    assert [r[2] for r in rows[1:]] == ["-1.5", "0.25", "1.0", "2.5", ""]


PASSWORD = "correct horse battery staple"


def test_editor_password_never_reaches_the_page_the_log_or_the_database(db_path, monkeypatch, caplog):
    con = store.connect(db_path)
    import_files(con, config.sample_files())
    con.close()
    monkeypatch.setenv("TRACKER_DB", str(db_path))
    monkeypatch.setenv("TRACKER_UPLOADS", "password")
    monkeypatch.setenv("TRACKER_EDITOR_PASSWORD", PASSWORD)
    caplog.set_level(logging.DEBUG)
    app = AppTest.from_file(str(config.DASHBOARD), default_timeout=90).run()
    app.switch_page("tracker/ui/pages/data.py").run()
    assert not app.exception
    app.text_input(key="d_password").input(PASSWORD[::-1])
    app.button[0].click().run()
    assert not app.get("file_uploader")  # a wrong password opens nothing
    assert "d_undo" not in [b.key for b in app.button]
    app.text_input(key="d_password").input(PASSWORD)
    app.button[0].click().run()
    assert app.get("file_uploader")
    page = "\n".join(str(e.value) for kind in ("markdown", "text", "caption", "info", "warning", "error",
                                               "success") for e in getattr(app, kind))
    assert PASSWORD not in page
    assert PASSWORD not in caplog.text
    con = store.connect(db_path)
    con.close()  # checkpointed: every stored byte is in the file
    assert PASSWORD.encode() not in Path(db_path).read_bytes()
