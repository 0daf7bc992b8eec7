"""A vote's page in AppTest: the headline line, who did what, every chart's CSV holds its data, the member list."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from tests.conftest import FIXTURES
from tests.ui.shown import html_tables
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
    listed = next(d.value for d in app.dataframe if "rebel" in d.value.columns)
    # Carla Cruz voted no while party A voted yes on M1: a rebel.
    assert members.loc[members["name"] == "Carla Cruz", "rebel"].item()
    assert len(listed) == len(members) and (listed["rebel"] == "rebel").sum() == int(members["rebel"].sum())
    app.multiselect(key="vote_member_party").select("B").run()
    listed = next(d.value for d in app.dataframe if "rebel" in d.value.columns)
    assert set(listed["party"]) == {"B"}
    assert "members_m1.csv" in csv_downloads
