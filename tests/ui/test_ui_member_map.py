"""The Members page's map in AppTest: one fit whatever the dates, the party on the right, intervals, cutting lines."""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import demo_database
from tests.ui.test_ui import drawn, plotly_charts
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


def the_map(app: AppTest) -> ET.Element:
    """The map, drawn as HTML (tracker/charts/points_html.py), parsed."""
    assert not plotly_charts(app)   # no plotly chart: the map is the page's markup
    return ET.fromstring(next(m for m in drawn(app) if "placed by their votes" in m))


def marks(app: AppTest, kind: str) -> list[tuple[str, float, float]]:
    """The map's points of one kind ('p' a party's member, 'o' outside the filters, 'w' a wrong-side ring) as (hover
    text, dim1, dim2), read back from their place on the axes' −1.1 to 1.1."""
    plot = next(e for e in the_map(app).iter() if e.get("class") == "tracker-xy-plot")
    found = []
    for mark in plot.findall(f"span[@class='{kind}']"):   # a ring
        left, top = (float(re.search(side + r":(-?[0-9.]+)%", mark.get("style")).group(1)) for side in ("left", "top"))
        found.append((mark.get("title"), -1.1 + 2.2 * left / 100, 1.1 - 2.2 * top / 100))
    for mark in plot.findall(f"svg/circle[@class='{kind}']"):   # a member
        left, top = (float(mark.get(at).removesuffix("%")) for at in ("cx", "cy"))
        found.append((mark.find("title").text, -1.1 + 2.2 * left / 100, 1.1 - 2.2 * top / 100))
    return found


def positions(app: AppTest) -> dict[str, tuple[float, float]]:
    """Member name → (dim1, dim2) of every member drawn in a party's colour."""
    return {title.split("\n")[0]: (x, y) for title, x, y in marks(app, "p")}


def axis_title(app: AppTest, name: str) -> str:
    return next(e.text for e in the_map(app).iter() if e.get("class") == name)


def test_same_member_keeps_the_same_coordinates_when_the_date_filter_changes(demo_db_path, monkeypatch):
    app = members_page(demo_db_path, monkeypatch)
    before = positions(app)
    assert len(before) >= 50
    app.date_input(key="f_from").set_value(datetime.date(2023, 7, 1)).run()
    assert not app.exception, [e.value for e in app.exception]
    after = positions(app)
    assert after and set(after) <= set(before)
    for name, point in after.items():
        assert np.allclose(point, before[name], atol=1e-4), name
    # With one party chosen, the other members are still drawn, grey, at their place.
    party = app.multiselect(key="f_parties").options[0]
    app.multiselect(key="f_parties").set_value([party]).run()
    shown = positions(app)
    grey = marks(app, "o")
    assert shown and len(grey) + len(shown) == len(before)
    for title, x, y in grey:
        name, said = title.split("\n")
        assert said == "outside the filters" and np.allclose((x, y), before[name], atol=1e-4), name


def test_axes_name_the_party_on_the_right_and_the_choice_flips_them(demo_db_path, monkeypatch):
    app = members_page(demo_db_path, monkeypatch)
    x_title = axis_title(app, "tracker-xy-xaxis")
    assert x_title.startswith("dimension 1: ") and x_title.endswith(" to the right")
    assert axis_title(app, "tracker-vbars-axis").startswith("dimension 2: ")
    assert "APRE" in " ".join(c.value for c in app.caption)
    before = positions(app)
    parties = app.selectbox(key="members_right").options
    app.selectbox(key="members_right").select_index(len(parties) - 1).run()
    chosen = app.selectbox(key="members_right").value
    assert axis_title(app, "tracker-xy-xaxis") == f"dimension 1: {chosen} to the right"
    after = positions(app)
    assert all(np.allclose(np.abs(after[n]), np.abs(before[n]), atol=1e-4) for n in before)


def test_intervals_draw_error_bars_and_a_vote_draws_its_cutting_line(demo_db_path, monkeypatch):
    app = members_page(demo_db_path, monkeypatch)
    assert not [e for e in the_map(app).iter() if e.tag == "path"]
    app.toggle(key="members_intervals").set_value(True).run()
    # Each member's interval on both dimensions: a horizontal and a vertical stroke, each of some length.
    paths = [e.get("d") for e in the_map(app).iter() if e.tag == "path"]
    strokes = [(float(a), float(b)) for d in paths for a, b in re.findall(r"M(-?[0-9.]+),[0-9.-]+H(-?[0-9.]+)", d)]
    assert len(strokes) == len(positions(app)) and all(b > a for a, b in strokes)
    app.selectbox(key="members_cut").select_index(1).run()
    assert not app.exception, [e.value for e in app.exception]
    legend = ["".join(li.itertext()) for li in the_map(app).iter("li")]
    assert "cutting line" in legend and [e for e in the_map(app).iter() if e.get("stroke-dasharray")]
    rings = marks(app, "w")
    assert rings and f"wrong side of the line ({len(rings)})" in legend
    assert all(title.endswith(": on the wrong side") for title, _, _ in rings)
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


@pytest.mark.parametrize("unknown", [None, float("nan")])
def test_a_cutting_line_choice_says_the_votes_date_title_and_id_with_unknown_ones_left_empty(unknown):
    import pandas as pd

    from tracker.ui.members import vote_labels

    stamps = pd.DataFrame({"vote_id": ["v1", "v2", "v3"],
                           "date": [pd.Timestamp("2022-12-30"), pd.NaT, pd.Timestamp("1799-03-04")],
                           "title": ["Dissolve the interim government", unknown, "A <b>bill</b>"]})
    assert vote_labels(stamps) == {"v1": "2022-12-30 · Dissolve the interim government (v1)", "v2": " ·  (v2)",
                                   "v3": "1799-03-04 · A <b>bill</b> (v3)"}
    days = stamps.assign(date=[datetime.date(2022, 12, 30), None, datetime.date(1799, 3, 4)])   # dates as objects
    assert vote_labels(days) == vote_labels(stamps)
    assert vote_labels(stamps.iloc[0:0]) == {}


def test_a_map_fitted_on_request_is_drawn_from_the_fit_itself_and_kept_for_later_processes(tmp_path, monkeypatch):
    from tracker import metrics
    from tracker.ui import cache

    db = demo_database(tmp_path, members=60, votes=80, parties=4, seed=7)
    for kept in db.parent.glob(db.name + ".*ideal-point*"):
        kept.unlink()
    monkeypatch.setattr(cache, "FIT_ON_FILTER_CELLS", 0)   # the page asks before fitting, as on a large assembly
    reads = []
    read = metrics.stored_member_map
    monkeypatch.setattr(metrics, "stored_member_map", lambda *args: reads.append(args) or read(*args))
    app = members_page(db, monkeypatch)
    reads.clear()
    app.button(key="members_fit_map").click().run()
    assert not app.exception, [e.value for e in app.exception]
    fitted = positions(app)
    assert len(fitted) >= 50
    app.toggle(key="members_intervals").set_value(True).run()
    assert positions(app) == fitted
    assert reads == []   # neither the run of the click nor the next read the copy just kept back
    assert list(db.parent.glob(db.name + ".sidecar.ideal-points-*.parquet"))
    # A process that did not fit it (here: the caches emptied, as after a restart) reads the kept copy: same places.
    cache.clear_caches()
    app.run()
    assert reads and positions(app).keys() == fitted.keys()
    for name, point in positions(app).items():
        assert np.allclose(point, fitted[name], atol=1e-9), name


def test_a_second_dimension_that_classifies_no_better_than_the_first_is_flagged_as_noise():
    from types import SimpleNamespace

    from tracker.ui.members import second_dimension_note

    def fit(one: float, two: float) -> SimpleNamespace:
        return SimpleNamespace(classification={"correct_1d": one, "correct_2d": two})

    assert second_dimension_note(fit(0.90, 0.95)) is None            # the second dimension adds something
    assert second_dimension_note(SimpleNamespace(classification={})) is None   # nothing known: nothing said
    for one, two in ((0.9358, 0.9315), (0.92, 0.92)):
        note = second_dimension_note(fit(one, two))
        assert note.startswith("Read this map from left to right only.")
        assert f"({two:.1%} against {one:.1%})" in note


def test_the_synthetic_parliaments_map_warns_that_up_and_down_is_noise(demo_db_path, monkeypatch):
    # The demo places members on one dimension only, so its second dimension classifies no better than the first.
    from tracker import store
    from tracker.metrics import kept

    with store.connect(demo_db_path, read_only=True) as db:
        about = kept.load_fit_parts(db, "synthetic")[2]["classification"]
    assert about["correct_2d"] <= about["correct_1d"]
    app = members_page(demo_db_path, monkeypatch)
    [warning] = [w.value for w in app.warning if w.value.startswith("Read this map")]
    assert f"({about['correct_2d']:.1%} against {about['correct_1d']:.1%})" in warning


def test_a_downloaded_map_carries_the_note_only_when_its_second_dimension_adds_nothing():
    from types import SimpleNamespace

    from tracker.ui.members import FLAT_MAP_NOTE, map_caption, second_dimension_note

    def caption(one: float, two: float):
        fitted = SimpleNamespace(classification={"correct_1d": one, "correct_2d": two})
        return map_caption("Map", "All votes", second_dimension_note(fitted) is not None)

    flat = caption(0.93, 0.92)
    assert (flat.headline, flat.subtitle, flat.notes) == ("Map", "All votes", FLAT_MAP_NOTE)
    shaped = caption(0.80, 0.86)
    assert shaped.notes == "" and shaped.source == flat.source
