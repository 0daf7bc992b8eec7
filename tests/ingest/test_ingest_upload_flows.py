"""Issue 11's upload flows below the dashboard: assemblies, party labels, sum errors, generated ids, search."""

from __future__ import annotations

import pytest

from tracker import cli, queries, store
from tracker.ingest import ImportRejected, Profile, ReadOptions, Source, import_files, save_profile

# The Spanish journalist's file: no assembly column, one vote.
SPANISH = ("votación,fecha,título,a favor,en contra,abstenciones,fuente\n"
           "ES1,2024-05-02,Ley de Aguas de Guaidó,100,40,20,https://example.org/es1\n")


def rejected(db, files, **options) -> str:
    before = store.snapshot(db)
    with pytest.raises(ImportRejected) as caught:
        import_files(db, files, **options)
    assert store.snapshot(db) == before   # byte for byte as it was
    return str(caught.value)


# --- 1. votes need an assembly ------------------------------------------------------------------------------------

def test_vote_without_assembly_goes_to_the_only_assembly_and_the_report_says_so(sample_db, write_csv):
    report = import_files(sample_db, [write_csv("es.csv", SPANISH)])
    assert "goes to an-2015" in report.text() and "the only assembly stored" in report.text()
    assert sample_db.execute("select assembly from votes where vote_id = 'ES1'").fetchone() == ("an-2015",)


def test_vote_without_assembly_among_several_assemblies_is_refused_until_one_is_chosen(sample_db, write_csv):
    import_files(sample_db, [write_csv("a.csv", "assembly,name,seats\nbt-18,Bundestag,630\n")])
    message = rejected(sample_db, [write_csv("es.csv", SPANISH)])
    assert "name no assembly" in message and "an-2015" in message and "bt-18 (Bundestag)" in message
    assert "--assembly" in message
    import_files(sample_db, [write_csv("es.csv", SPANISH)], assembly="bt-18")
    assert sample_db.execute("select assembly from votes where vote_id = 'ES1'").fetchone() == ("bt-18",)


def test_unknown_assembly_id_is_refused_with_the_stored_ones_listed(sample_db, write_csv):
    votes = "vote_id,assembly,date,title,yes,no\nX1,Asamblea Nacional,2024-01-01,A law,10,5\n"
    message = rejected(sample_db, [write_csv("v.csv", votes)])
    assert "Assembly 'Asamblea Nacional' (1 vote) is not stored" in message
    assert "an-2015 (Asamblea Nacional de Venezuela (elected 2015))" in message
    assert "chosen assembly 'nope' is not stored" in rejected(sample_db, [write_csv("es.csv", SPANISH)],
                                                              assembly="nope")


def test_seats_are_checked_against_the_assembly_the_vote_goes_to(sample_db, write_csv):
    # 120 + 40 + 20 = 180 votes; an-2015 has 167 seats. Before, a vote without assembly skipped the check.
    votes = "vote_id,date,title,yes,no,abstain\nX2,2024-01-01,Too many,120,40,20\n"
    message = rejected(sample_db, [write_csv("v.csv", votes)])
    assert "Vote 'X2' has 180 votes or members but the chamber has 167 seats" in message
    assert "yes 120 + no 40 + abstain 20 = 180" in message and "assembly 'an-2015'" in message


def test_cli_import_takes_the_assembly(db_path, write_csv, capsys):
    assert cli.main(["--db", str(db_path), "init"]) == 0
    assert cli.main(["--db", str(db_path), "import", str(write_csv("a.csv", "assembly,name\nbt,Bundestag\n"))]) == 0
    assert cli.main(["--db", str(db_path), "import", str(write_csv("es.csv", SPANISH))]) == 1
    assert "name no assembly" in capsys.readouterr().err
    assert cli.main(["--db", str(db_path), "import", "--assembly", "bt", str(write_csv("es.csv", SPANISH))]) == 0
    assert "the assembly chosen for this upload" in capsys.readouterr().out


# --- 3. party labels ----------------------------------------------------------------------------------------------

MISSPELLED = "vote_id,party,position\nV04,Voluntad Popuar,for\nV04,Nuevo Bloque,for\n"


def test_misspelled_party_is_refused_with_the_closest_stored_party(sample_db, write_csv):
    message = rejected(sample_db, [write_csv("p.csv", MISSPELLED)])
    assert "Party 'Voluntad Popuar' is not in the database. Did you mean VP, Voluntad Popular?" in message
    assert "Party 'Nuevo Bloque' is not in the database." in message
    assert "--new-parties" in message


def test_new_parties_are_added_only_when_confirmed_and_named_in_the_report(sample_db, write_csv):
    parties = "vote_id,party,position\nV04,Nuevo Bloque,for\n"
    report = import_files(sample_db, [write_csv("p.csv", parties)], dry_run=True, new_parties=True)
    assert "New party to add (not stored before): Nuevo Bloque." in report.text()
    import_files(sample_db, [write_csv("p.csv", parties)], new_parties=True)
    assert sample_db.execute("select count(*) from parties where party = 'Nuevo Bloque'").fetchone() == (1,)


def test_full_party_names_and_other_spellings_map_to_their_label(sample_db, write_csv):
    parties = "vote_id,party,position\nV04,Primero Justicia,for\nV04,accion democratica,for\nV04,vp,for\n"
    report = import_files(sample_db, [write_csv("p.csv", parties)])
    assert "'Primero Justicia' was read as party PJ (its full name)" in report.text()
    assert report.added.get("parties", 0) == 0
    stored = sample_db.execute("select party from party_positions where vote_id = 'V04' and batch_id = $b"
                               " order by 1", {"b": report.batch_id}).fetchall()
    assert stored == [("AD",), ("PJ",), ("VP",)]


def test_cli_new_parties_confirms_new_labels(db_path, write_csv, capsys):
    assert cli.main(["--db", str(db_path), "init"]) == 0
    path = str(write_csv("p.csv", MISSPELLED))
    assert cli.main(["--db", str(db_path), "import", path]) == 1
    assert "Did you mean VP, Voluntad Popular?" in capsys.readouterr().err
    assert cli.main(["--db", str(db_path), "import", "--new-parties", path]) == 0


# --- 5. sum errors ------------------------------------------------------------------------------------------------

def test_party_sum_error_names_the_vote_the_parties_and_the_numbers(sample_db, write_csv):
    # V04 states yes 107; PJ 60 + VP 50 = 110.
    parties = "vote_id,party,yes\nV04,PJ,60\nV04,VP,50\n"
    message = rejected(sample_db, [write_csv("p.csv", parties)])
    assert "party counts of vote 'V04' add up to more than the vote's stated tally: yes 110 (vote says 107)" in message
    assert "yes: PJ 60 + VP 50 = 110" in message


# --- 6. tally files without an id column --------------------------------------------------------------------------

def test_tally_file_without_ids_is_numbered_by_date_through_its_mapping(sample_db, tmp_path):
    data = "Fecha,Asunto,Sí,No\n2024-03-01,Ley A,90,40\n2024-03-01,Ley B,80,50\n2024-03-02,Ley C,70,60\n".encode()
    header = ["Fecha", "Asunto", "Sí", "No"]
    incomplete = Profile("plenary", header, "vote tallies", {"date": "Fecha", "title": "Asunto"})
    assert any("let the tracker number the votes by date" in p for p in incomplete.problems())
    profile = Profile("plenary", header, "vote tallies", {"date": "Fecha", "title": "Asunto", "yes": "Sí",
                                                          "no": "No"}, number_votes=True)
    assert profile.problems() == []
    save_profile(profile, tmp_path / "mappings")
    reading = ReadOptions(tmp_path / "mappings")
    import_files(sample_db, [Source("plenary.csv", data=data)], reading=reading)
    assert sample_db.execute("select vote_id, yes from votes where vote_id like 'plenary-%' order by 1").fetchall() == [
        ("plenary-2024-03-01-1", 90), ("plenary-2024-03-01-2", 80), ("plenary-2024-03-02-1", 70)]
    again = import_files(sample_db, [Source("plenary-copy.csv", data=data + b"\n")], reading=reading)
    assert again.nothing_added   # the same file numbers its votes the same way


# --- 7. search ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["guaido", "GUAIDÓ", "  Ley de aguas  ", "es1"])
def test_search_ignores_accents_and_case_over_titles_and_ids(sample_db, write_csv, text):
    import_files(sample_db, [write_csv("es.csv", SPANISH)])
    assert "ES1" in queries.search_votes(sample_db, queries.VoteSearch(text=text))["vote_id"].tolist()


@pytest.mark.parametrize("text", ["Voluntad Popular", "voluntad popular", "VP", "vp"])
def test_search_finds_votes_by_party_label_and_full_name(sample_db, text):
    found = queries.search_votes(sample_db, queries.VoteSearch(text=text))["vote_id"].tolist()
    with_vp = [r[0] for r in sample_db.execute("select distinct vote_id from party_votes where party = 'VP'")
               .fetchall()]
    assert with_vp and set(with_vp) <= set(found)


def test_votes_stored_without_assembly_are_found_under_no_assembly(fresh_db, write_csv):
    # An older database: a vote without assembly next to an assembly's votes.
    import_files(fresh_db, [write_csv("v.csv", "vote_id,date,title\nOLD1,2020-01-01,Old vote\n")])
    import_files(fresh_db, [write_csv("a.csv", "assembly,name\nan,Asamblea\n"),
                            write_csv("w.csv", "vote_id,assembly,date,title\nNEW1,an,2021-01-01,New vote\n")])
    from tracker.metrics.filters import NO_ASSEMBLY

    found = queries.search_votes(fresh_db, queries.VoteSearch(assembly=NO_ASSEMBLY))
    assert found["vote_id"].tolist() == ["OLD1"]
    assert set(queries.search_votes(fresh_db, queries.VoteSearch())["vote_id"]) == {"OLD1", "NEW1"}
