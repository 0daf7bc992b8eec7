"""Issue 11's flows on the Data page in AppTest: undo and import twice, fresh state after a change, new parties,
the assembly choice, problems as a readable list, the mapping form for tally files, Trends pairs."""

from __future__ import annotations

from tests.ui.test_ui import NEW_VOTE, open_app, page_path, show, texts, upload
from tracker import store
from tracker.ingest import import_files

SECOND = "vote_id,assembly,date,title,yes,no\nN2,an-2015,2024-04-01,Second law,80,40\n"


MEMBERS = ("vote_id,date,title,member_id,party,position\n"
           "M1,2024-02-01,Member vote,m1,PJ,yes\nM1,2024-02-01,Member vote,m2,VP,no\n")


def batches(db) -> list[int]:
    con = store.connect(db)
    try:
        return [r[0] for r in con.execute("select batch_id from import_batches order by 1").fetchall()]
    finally:
        con.close()


def test_two_clicks_on_undo_remove_one_batch(sample_db_path, monkeypatch, write_csv):
    con = store.connect(sample_db_path)
    import_files(con, [write_csv("n1.csv", NEW_VOTE)])
    import_files(con, [write_csv("n2.csv", SECOND)])
    con.close()
    app = show(open_app(sample_db_path, monkeypatch), "data")
    assert app.selectbox(key="d_undo_batch").value == 3   # the newest batch
    app.checkbox(key="d_undo_confirm").check().run()
    app.button(key="d_undo").click().run()
    assert any("Undid batch 3" in s.value for s in app.success)
    assert batches(sample_db_path) == [1, 2]
    # The page started again: batch 3 is gone from the list, the box unticked, the button off.
    assert app.selectbox(key="d_undo_batch").options == ["2: n1.csv", "1: " + app.selectbox(
        key="d_undo_batch").options[1].split(": ", 1)[1]]
    assert app.checkbox(key="d_undo_confirm").value is False
    assert app.button(key="d_undo").disabled   # (the browser test clicks it again)


def test_second_click_on_import_imports_nothing_and_the_button_is_gone(sample_db_path, monkeypatch):
    app = show(open_app(sample_db_path, monkeypatch), "data")
    upload(app, "water.csv", NEW_VOTE.encode())
    app.button(key="d_import").click().run()
    assert any("Imported." in s.value for s in app.success)
    assert "identical to batch 2" in texts(app)
    assert "d_import" not in [b.key for b in app.button]
    assert batches(sample_db_path) == [1, 2]


def test_after_a_member_vote_upload_the_navigation_and_selectors_show_the_new_state(sample_db_path, monkeypatch):
    app = show(open_app(sample_db_path, monkeypatch), "data")
    votes_before = next(o for o in app.selectbox(key="d_table").options if o.startswith("member_votes"))
    assert votes_before == "member_votes (0 rows)"
    upload(app, "members.csv", MEMBERS.encode())
    assert "d_import" in [b.key for b in app.button], texts(app)
    app.button(key="d_import").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert any(o.startswith("member_votes (") and o != votes_before for o in app.selectbox(key="d_table").options)
    assert app.selectbox(key="d_undo_batch").value == 2
    app.switch_page(page_path("members")).run()   # in the navigation without a reload
    assert not app.exception, [e.value for e in app.exception]
    assert any(t.value == "Members" for t in app.title)


def test_misspelled_party_is_refused_on_the_data_page_with_the_suggestion(sample_db_path, monkeypatch):
    app = show(open_app(sample_db_path, monkeypatch), "data")
    upload(app, "p.csv", b"vote_id,party,position\nV04,Voluntad Popuar,for\n")
    assert "Did you mean VP, Voluntad Popular?" in texts(app)
    assert "d_import" not in [b.key for b in app.button]
    # Listed as text that wraps, not only inside a table cell.
    assert any("Voluntad Popuar" in m.value and "Fix:" in m.value for m in app.markdown)
    assert app.checkbox(key="d_new_parties").value is False


def test_several_assemblies_ask_which_one_gets_votes_without_one(sample_db_path, monkeypatch, write_csv):
    con = store.connect(sample_db_path)
    import_files(con, [write_csv("a.csv", "assembly,name\nbt,Bundestag\n")])
    con.close()
    app = show(open_app(sample_db_path, monkeypatch), "data")
    upload(app, "es.csv", "votación,fecha,título,a favor\nES9,2024-05-02,Ley,10\n".encode())
    assert "name no assembly" in texts(app)
    app.selectbox(key="d_assembly").select("bt").run()
    app.button(key="d_import").click().run()
    con = store.connect(sample_db_path)
    assert con.execute("select assembly from votes where vote_id = 'ES9'").fetchone() == ("bt",)
    con.close()


def test_votes_without_assembly_are_counted_on_the_overview(fresh_db, db_path, monkeypatch, write_csv):
    import_files(fresh_db, [write_csv("v.csv", "vote_id,date,title,yes,no\nOLD1,2020-01-01,Old vote,3,1\n")])
    import_files(fresh_db, [write_csv("a.csv", "assembly,name\nan,Asamblea\n"),
                            write_csv("w.csv", "vote_id,assembly,date,title,yes,no\nNEW1,an,2021-01-01,New,3,1\n")])
    fresh_db.close()
    app = open_app(db_path, monkeypatch)
    assert app.metric[0].value == "2"
    assert "No assembly (votes stored without one)" in app.sidebar.selectbox[0].options


def test_mapping_form_for_a_tally_file_without_ids_offers_numbering(sample_db_path, monkeypatch):
    app = show(open_app(sample_db_path, monkeypatch), "data")
    upload(app, "plenary.csv", "Fecha,Asunto,Sí,No\n2024-03-01,Ley A,90,40\n".encode())
    assert app.selectbox(key="mapping-kind").value == "vote tallies"
    assert "let the tracker number the votes by date" in texts(app)
    assert app.checkbox(key="mapping-number-votes").value is True
    app.selectbox(key="mapping-title").select("Asunto").run()
    app.button(key="mapping-save").click().run()
    assert not app.exception, [e.value for e in app.exception]
    app.button(key="d_import").click().run()
    con = store.connect(sample_db_path)
    assert con.execute("select title from votes where vote_id = 'plenary-2024-03-01-1'").fetchone() == ("Ley A",)
    con.close()


def test_trends_pairs_are_each_pair_once_and_never_a_party_with_itself(sample_db_path, monkeypatch):
    app = open_app(sample_db_path, monkeypatch, {"parties": "PJ,AD,PSUV", "measure": "pairs"})
    app = show(app, "trends")
    app.session_state["trends_numbers"] = True   # the numbers behind the chart, opened
    app.run()
    frame = next(d.value for d in app.dataframe if "party_a" in d.value.columns)
    pairs = set(zip(frame["party_a"], frame["party_b"], strict=True))
    assert pairs and all(a < b for a, b in pairs)
    assert len({(a, b) for a, b in pairs}) <= 3
