"""The Members page's map in AppTest: one fit whatever the dates, the party on the right, intervals, cutting lines."""

from __future__ import annotations

import base64
import datetime
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import demo_database
from tests.ui.test_ui import charts
from tracker import config

APP = str(config.DASHBOARD)


@pytest.fixture(scope="module")
def demo_db_path(tmp_path_factory):
    """A synthetic parliament: 60 members in 4 parties on 80 votes."""
    return demo_database(tmp_path_factory.mktemp("member_map"), members=60, votes=80, parties=4, seed=7)


def members_page(db, monkeypatch, query: dict | None = None) -> AppTest:
    monkeypatch.setenv("TRACKER_DB", str(db))
    app = AppTest.from_file(APP, default_timeout=90)
    app.query_params.update({"section": "Where members stand", **(query or {})})
    app.run()
    app.switch_page("tracker/ui/pages/members.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def values(array) -> list:
    """A plotly array as a list (plotly packs numeric arrays as base64 'bdata')."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"])).tolist()
    return list(array)


def the_map(app: AppTest) -> dict:
    return next(c for c in charts(app) if "placed by their votes" in json.dumps(c))


def positions(app: AppTest, colour_traces_only: bool = True) -> dict[str, tuple[float, float]]:
    """Member name → (dim1, dim2) of every member drawn in a party's colour."""
    found = {}
    for trace in the_map(app)["data"]:
        if trace.get("name") in ("outside the filters", "party centre", "cutting line") or "hovertext" not in trace:
            continue
        if trace["name"].startswith("wrong side"):
            continue
        for name, x, y in zip(trace["hovertext"], values(trace["x"]), values(trace["y"]), strict=True):
            found[name] = (x, y)
    return found


def test_same_member_keeps_the_same_coordinates_when_the_date_filter_changes(demo_db_path, monkeypatch):
    app = members_page(demo_db_path, monkeypatch)
    before = positions(app)
    assert len(before) >= 50
    app.date_input(key="f_from").set_value(datetime.date(2023, 7, 1)).run()
    assert not app.exception, [e.value for e in app.exception]
    after = positions(app)
    assert after and set(after) <= set(before)
    for name, point in after.items():
        assert np.allclose(point, before[name]), name
    # With one party chosen, the other members are still drawn, grey, at their place.
    party = app.multiselect(key="f_parties").options[0]
    app.multiselect(key="f_parties").set_value([party]).run()
    shown = positions(app)
    grey = next(t for t in the_map(app)["data"] if t.get("name") == "outside the filters")
    assert shown and len(grey["hovertext"]) + len(shown) == len(before)
    for name, x, y in zip(grey["hovertext"], values(grey["x"]), values(grey["y"]), strict=True):
        assert np.allclose((x, y), before[name]), name


def test_axes_name_the_party_on_the_right_and_the_choice_flips_them(demo_db_path, monkeypatch):
    app = members_page(demo_db_path, monkeypatch)
    layout = the_map(app)["layout"]
    assert layout["xaxis"]["title"]["text"].startswith("dimension 1: ")
    assert layout["xaxis"]["title"]["text"].endswith(" to the right")
    assert "APRE" in " ".join(c.value for c in app.caption)
    before = positions(app)
    parties = app.selectbox(key="members_right").options
    app.selectbox(key="members_right").select_index(len(parties) - 1).run()
    chosen = app.selectbox(key="members_right").value
    assert the_map(app)["layout"]["xaxis"]["title"]["text"] == f"dimension 1: {chosen} to the right"
    after = positions(app)
    assert all(np.allclose(np.abs(after[n]), np.abs(before[n])) for n in before)


def test_intervals_draw_error_bars_and_a_vote_draws_its_cutting_line(demo_db_path, monkeypatch):
    app = members_page(demo_db_path, monkeypatch)
    assert not any("error_x" in t for t in the_map(app)["data"])
    app.toggle(key="members_intervals").set_value(True).run()
    bars = [t for t in the_map(app)["data"] if t.get("error_x")]
    assert bars and all(min(values(t["error_x"]["array"])) > 0 for t in bars)
    app.selectbox(key="members_cut").select_index(1).run()
    assert not app.exception, [e.value for e in app.exception]
    names = [t.get("name", "") for t in the_map(app)["data"]]
    assert "cutting line" in names
    assert any("on its wrong side" in c.value for c in app.caption)
    assert app.query_params.get("cut")


def test_cutting_line_choices_are_the_scaled_votes_in_the_date_range_newest_first(demo_db_path, monkeypatch):
    from tracker import store
    from tracker.metrics import default_assembly, points

    app = members_page(demo_db_path, monkeypatch, {"from": "2010-01-01"})
    db = store.connect(demo_db_path, read_only=True)
    try:
        scaled = set(points.stored_member_map(db, default_assembly(db)).votes["vote_id"])
        in_range = db.read("select vote_id from votes where date >= $first order by date desc, vote_id desc",
                           first=datetime.date(2010, 1, 1))["vote_id"].tolist()
    finally:
        db.close()
    expected = [v for v in in_range if v in scaled]
    assert 0 < len(expected) < len(in_range)   # a vote of 2015 in the range is too lopsided to be scaled
    listed = app.selectbox(key="members_cut").options[1:]   # "date · title (vote id)"
    assert [label.rsplit(" (", 1)[1].rstrip(")") for label in listed] == expected
