"""Mapping profiles: made on the Data page (AppTest), saved beside the database, reused by upload and CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tracker import cli, store
from tracker.ingest import (
    ImportRejected,
    Profile,
    ProfileError,
    ReadOptions,
    Source,
    import_files,
    load_profile,
    save_profile,
    signature,
)
from tracker.ingest import formats as F

# A chamber's own export: the vote id is sitting + number, dates are DD/MM/YYYY, positions are in its own words.
# By hand: vote 7-1 (2022-03-01): Ana dafür, Ben dagegen, Cleo weg -> yes 1, no 1, absent 1.
#          vote 7-2 (2022-03-02): Ana dafür, Ben dafür, Cleo enthalten -> yes 2, abstain 1.
CHAMBER = ("Sitzung;Nr;Tag;Thema;Wer;Fraktion;Wie\n"
           "7;1;01/03/2022;Haushalt;Ana Šimić;Grün;dafür\n"
           "7;1;01/03/2022;Haushalt;Ben Ørsted;Rot;dagegen\n"
           "7;1;01/03/2022;Haushalt;Cleo Ávila;Rot;weg\n"
           "7;2;02/03/2022;Schulen;Ana Šimić;Grün;dafür\n"
           "7;2;02/03/2022;Schulen;Ben Ørsted;Rot;dafür\n"
           "7;2;02/03/2022;Schulen;Cleo Ávila;Rot;enthalten\n")
HEADER = ["Sitzung", "Nr", "Tag", "Thema", "Wer", "Fraktion", "Wie"]


def chamber_profile(name: str = "Landtag export") -> Profile:
    return Profile(name=name, header=HEADER, kind=F.MEMBER_VOTES,
                   columns={"vote_id": ["Sitzung", "Nr"], "date": "Tag", "title": "Thema", "member_name": "Wer",
                            "party": "Fraktion", "position": "Wie"},
                   date_format="%d/%m/%Y", labels={"dafür": "yes", "dagegen": "no", "weg": "absent",
                                                   "enthalten": "abstain"})


def stored_tallies(con) -> list[tuple]:
    return con.execute("select vote_id, date::varchar, title, yes, no, abstain, absent from vote_tallies "
                       "order by vote_id").fetchall()


EXPECTED = [("7-1", "2022-03-01", "Haushalt", 1, 1, 0, 1), ("7-2", "2022-03-02", "Schulen", 2, 0, 1, 0)]


def test_profile_signature_ignores_case_accents_and_spacing_but_not_order():
    assert signature(["Vote ID", "Fecha"]) == signature(["vote_id", "fécha "])
    assert signature(["Fecha", "Vote ID"]) != signature(["Vote ID", "Fecha"])


def test_saved_profile_is_reused_for_a_file_of_the_same_shape(fresh_db, tmp_path, write_csv):
    save_profile(chamber_profile(), tmp_path / "mappings")
    report = import_files(fresh_db, [write_csv("landtag.csv", CHAMBER)], reading=ReadOptions(tmp_path / "mappings"))
    assert stored_tallies(fresh_db) == EXPECTED
    assert "read with mapping profile 'Landtag export'" in report.text()
    assert fresh_db.execute("select name from members order by name").fetchall() == [
        ("Ana Šimić",), ("Ben Ørsted",), ("Cleo Ávila",)]


def test_file_of_another_shape_is_not_read_with_the_profile(fresh_db, tmp_path, write_csv):
    save_profile(chamber_profile(), tmp_path / "mappings")
    with pytest.raises(ImportRejected) as info:
        import_files(fresh_db, [write_csv("other.csv", CHAMBER.replace("Wie", "Stimme abgegeben"))],
                     reading=ReadOptions(tmp_path / "mappings"))
    assert "format of this file is not recognised" in str(info.value)


def test_profile_with_an_unmapped_label_leaves_it_for_the_importer_to_report(fresh_db, tmp_path, write_csv):
    profile = chamber_profile()
    del profile.labels["weg"]
    with pytest.raises(ImportRejected) as info:
        import_files(fresh_db, [write_csv("landtag.csv", CHAMBER)], reading=ReadOptions(tmp_path / "none", (profile,)))
    assert "Unknown position label 'weg' in row 4" in str(info.value)


def test_profile_that_names_a_missing_column_cannot_be_saved(tmp_path):
    profile = chamber_profile()
    profile.columns["party"] = "Partei"
    with pytest.raises(ProfileError, match="Column 'Partei' \\(for party\\) is not in the header"):
        save_profile(profile, tmp_path)
    assert not list(tmp_path.glob("*.json"))


def test_broken_profile_file_is_reported_with_its_line(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"name": "x",\n "header": [}\n')
    with pytest.raises(ProfileError, match="broken.json, line 2: not valid JSON"):
        load_profile(path)


def test_cli_imports_with_mapping_file_and_reuses_saved_profiles(tmp_path, write_csv, capsys):
    path = save_profile(chamber_profile(), tmp_path / "elsewhere")
    csv = write_csv("landtag.csv", CHAMBER)
    first, second = tmp_path / "a" / "tracker.duckdb", tmp_path / "b" / "tracker.duckdb"
    assert cli.main(["--db", str(first), "import", str(csv), "--mapping", str(path)]) == cli.EXIT_OK
    assert "read with mapping profile 'Landtag export'" in capsys.readouterr().out
    # Without --mapping, the same file is refused by a database with no saved profile ...
    assert cli.main(["--db", str(second), "import", str(csv)]) == cli.EXIT_REJECTED
    # ... and read automatically once the profile sits in <db dir>/mappings.
    save_profile(chamber_profile(), second.parent / "mappings")
    assert cli.main(["--db", str(second), "import", str(csv)]) == cli.EXIT_OK
    for db in (first, second):
        con = store.connect(db)
        assert stored_tallies(con) == EXPECTED
        con.close()


def test_cli_reports_an_unusable_mapping_file(tmp_path, write_csv, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"name": "x", "header": ["a"], "kind": "member votes", "columns": {}}))
    code = cli.main(["--db", str(tmp_path / "t.duckdb"), "import", str(write_csv("x.csv", CHAMBER)),
                     "--mapping", str(bad)])
    assert code == cli.EXIT_USAGE
    assert "Choose the column for 'vote_id'." in capsys.readouterr().err


# --- the Data page form (AppTest) -----------------------------------------------------------------------------------


def form_script(csv_path: str, db_dir: str) -> None:
    """A tiny page that renders the mapping form for one uploaded file."""
    from pathlib import Path

    import streamlit as st

    from tracker.ingest import Source
    from tracker.ui.mapping import mapping_form

    profile = mapping_form([Source.from_path(csv_path)], Path(db_dir))
    if profile is not None:
        st.write(f"saved {profile.name}")


def test_profile_made_in_the_form_is_saved_and_used_by_the_cli(tmp_path, write_csv):
    csv = write_csv("landtag.csv", CHAMBER)
    app = AppTest.from_function(form_script, kwargs={"csv_path": str(csv), "db_dir": str(tmp_path)})
    app.run(timeout=30)
    assert not app.exception
    app.text_input(key="mapping-name").input("Landtag export")
    app.selectbox(key="mapping-kind").select(F.MEMBER_VOTES)
    app.run()
    app.multiselect(key="mapping-vote_id").select("Sitzung").select("Nr")
    app.selectbox(key="mapping-date").select("Tag")
    app.selectbox(key="mapping-title").select("Thema")
    app.selectbox(key="mapping-member_name").select("Wer")
    app.selectbox(key="mapping-party").select("Fraktion")
    app.selectbox(key="mapping-position").select("Wie")
    app.text_input(key="mapping-date-format").input("%d/%m/%Y")
    app.run()
    questions = {box.label: box for box in app.selectbox if box.label.startswith("What does the position")}
    # "enthalten" is a label the importer knows (abstain), so the form does not ask about it.
    assert sorted(questions) == ["What does the position 'dafür' mean?", "What does the position 'dagegen' mean?",
                                 "What does the position 'weg' mean?"]
    # Saving before every label is answered is refused and writes nothing.
    app.button(key="mapping-save").click().run()
    assert "Say what the position 'dafür' means" in app.error[0].value
    assert not (tmp_path / "mappings").exists()
    questions = {box.label: box for box in app.selectbox if box.label.startswith("What does the position")}
    for label, meaning in (("dafür", "yes"), ("dagegen", "no"), ("weg", "absent")):
        questions[f"What does the position '{label}' mean?"].select(meaning)
    app.run()
    app.button(key="mapping-save").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert any("saved Landtag export" in m.value for m in app.markdown)
    saved = tmp_path / "mappings" / "landtag-export.json"
    assert load_profile(saved).columns["vote_id"] == ["Sitzung", "Nr"]
    db = tmp_path / "tracker.duckdb"
    assert cli.main(["--db", str(db), "import", str(csv)]) == cli.EXIT_OK
    con = store.connect(db)
    assert stored_tallies(con) == EXPECTED
    con.close()


def test_form_suggests_columns_our_aliases_know(tmp_path, write_csv):
    csv = write_csv("sheet.csv", "Votación;Fecha;Título;Diputado;Partido;Voto\n1;2020-01-01;Ley;Ana;X;sí\n")
    Path(tmp_path / "db").mkdir()
    app = AppTest.from_function(form_script, kwargs={"csv_path": str(csv), "db_dir": str(tmp_path / "db")})
    app.run(timeout=30)
    # The header is native (Votación = vote id), so nothing needs a mapping and the form stays empty.
    assert not app.selectbox and not app.exception
    odd = write_csv("odd.csv", "Wer;Partido;Voto;Fecha\nAna;X;sí;2020-01-01\n")
    app = AppTest.from_function(form_script, kwargs={"csv_path": str(odd), "db_dir": str(tmp_path / "db")})
    app.run(timeout=30)
    assert app.selectbox(key="mapping-party").value == "Partido"
    assert app.selectbox(key="mapping-date").value == "Fecha"


def test_uploaded_bytes_can_be_mapped_too(fresh_db, tmp_path):
    save_profile(chamber_profile(), tmp_path / "mappings")
    import_files(fresh_db, [Source("upload.csv", data=CHAMBER.encode("utf-8"))],
                 reading=ReadOptions(tmp_path / "mappings"))
    assert stored_tallies(fresh_db) == EXPECTED
