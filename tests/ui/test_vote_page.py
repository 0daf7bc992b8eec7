"""A vote's page in AppTest: the headline line, who did what, every chart's CSV holds its data, the member list."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from tests.conftest import FIXTURES
from tests.ui.shown import html_tables, member_list
from tracker import charts, config, queries, store
from tracker.ingest import import_files

APP = str(config.DASHBOARD)


@pytest.fixture
def csv_downloads(monkeypatch):
    """The CSV files the page's download buttons hold: file name -> bytes (deferred ones are made here)."""
    made: dict[str, bytes] = {}
    add, add_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def spy(self, data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        if is_for_static_download and mimetype == "text/csv":
            made[file_name] = data
        return add(self, data, mimetype, coordinates, file_name, is_for_static_download)

    def spy_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        if mimetype == "text/csv":
            made[file_name] = data_callable()
        return add_deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", spy)
    monkeypatch.setattr(MediaFileManager, "add_deferred", spy_deferred)
    return made


def open_vote(db_path, monkeypatch, vote_id: str) -> AppTest:
    monkeypatch.setenv("TRACKER_DB", str(db_path))
    app = AppTest.from_file(APP, default_timeout=90)
    app.query_params.update({"vote": vote_id})
    app.run()
    app.switch_page("tracker/ui/pages/votes.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_v44_page_says_the_result_and_who_did_what_and_every_csv_holds_its_chart(sample_db, db_path, monkeypatch,
                                                                                  csv_downloads):
    vote = queries.vote_detail(sample_db, "V44")
    parties = queries.vote_parties(sample_db, "V44")
    sample_db.close()
    app = open_vote(db_path, monkeypatch, "V44")
    for chart in ("vote_hemicycle", "vote_breakdown"):   # their Download menus opened
        app.session_state[f"{chart}_downloads"] = True
    app.run()
    said = "\n".join(m.value for m in app.markdown).replace("\\", "").replace("**", "")  # as a reader sees it
    assert "Approved 72–29–8 · simple majority · second discussion · 30 Dec 2022" in said
    assert "Against: Voluntad Popular" in said
    shown = {name: pd.read_csv(io.BytesIO(data)) for name, data in csv_downloads.items()}
    assert shown and all(len(frame) > 0 for frame in shown.values())
    bars = shown["party-breakdown_v44_an-2015_2022-12-30.csv"]
    expected = charts.breakdown_rows(parties, {c: vote.get(c) for c in charts.COUNTS})
    assert bars["party"].tolist() == expected["party"].tolist()
    assert bars["yes"].fillna(-1).astype(int).tolist() == expected["yes"].fillna(-1).astype(int).tolist()
    seats = shown["parliament_v44_an-2015_2022-12-30.csv"]
    assert len(seats) == 167 and (seats["position"] == "yes").sum() == 80  # PJ 33 + AD 25 + UNT 18 + MPV 4
    table = next(t for t in html_tables(app) if "caveat" in t.columns)  # every party, caveats in full
    assert table["party"].tolist() == sorted(parties["party"]) and "Voluntad Popular" in table["name"].tolist()
    sources = [row["source"] for row in table.attrs["links"]]   # each source linked by its site's name
    assert all(links and all(url.startswith("https://") and site in url for site, url in links) for links in sources)
    assert table["colour"].str.fullmatch(r"#[0-9A-Fa-f]{6}").all()   # every party's swatch, named by its colour
    assert "yes" not in table.columns  # only stated positions on V44: no count column of en dashes
    listed = shown["party-positions_v44_an-2015_2022-12-30.csv"]
    assert listed["party"].tolist() == table["party"].tolist() and listed["source_url"].str.startswith("https://").all()


def test_member_list_shows_rebels_and_filters_by_party(db_path, monkeypatch, csv_downloads):
    db = store.connect(db_path)
    import_files(db, [FIXTURES / "ui_member_votes.csv"])
    members = queries.vote_members(db, "M1")
    db.close()
    app = open_vote(db_path, monkeypatch, "M1")
    assert "Against their party: Carla Cruz (A)." in [c.value.replace("\\", "") for c in app.caption]
    app.session_state["vote_member_list"] = True   # the list opened
    app.run()
    listed = member_list(app)
    # Carla Cruz voted no while party A voted yes on M1: a rebel.
    assert members.loc[members["name"] == "Carla Cruz", "rebel"].item()
    assert len(listed) == len(members) and (listed["rebel"] == "rebel").sum() == int(members["rebel"].sum())
    app.multiselect(key="vote_member_party").select("B").run()
    listed = member_list(app)
    assert set(listed["party"]) == {"B"}
    assert pd.read_csv(io.BytesIO(csv_downloads["members_m1.csv"]))["name"].tolist() == [
        "Dario Diaz", "Elena Eco", "Fabio Faro"]


def test_member_search_typed_in_the_page_narrows_the_csv_once_the_server_hears_it(db_path, monkeypatch,
                                                                                csv_downloads):
    db = store.connect(db_path)
    import_files(db, [FIXTURES / "ui_member_votes.csv"])
    db.close()
    app = open_vote(db_path, monkeypatch, "M1")
    app.session_state["vote_member_list"] = True
    app.run()
    listed = member_list(app)
    assert listed.attrs["search"]["label"] == "Search member names" and listed.attrs["search"]["query"] == ""
    assert listed.columns[listed.attrs["search"]["column"]] == "name"   # the box searches names
    # What the page sends after typing "ar" (any case): the rows stay whole (the browser filters them), the CSV follows.
    app.session_state["vote_member_list_rows"] = {"search": "AR"}
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert len(member_list(app)) == 6 and member_list(app).attrs["search"]["query"] == "AR"
    assert pd.read_csv(io.BytesIO(csv_downloads["members_m1.csv"]))["name"].tolist() == [
        "Carla Cruz", "Dario Diaz", "Fabio Faro"]
