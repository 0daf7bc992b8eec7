"""Trends' lines, Members' participation and loyalty and the map as the page's HTML: the downloaded figures' points."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from tests.charts.markup import by_class, keyboard_stops, parsed, percent
from tracker import charts
from tracker.charts import publish
from tracker.charts.points_html import (
    member_map_html,
    member_scatter_html,
    nice_range,
    percent_format,
    trend_lines_html,
)


def points(markup: str) -> list[ET.Element]:
    """A line's plotted points: the plot's boxes with a hover text."""
    plot = by_class(parsed(markup), "tracker-xy-plot")[0]
    return [e for e in plot if e.tag == "span"]


def circles(markup: str, kind: str) -> list[ET.Element]:
    """The members drawn as circles of one kind: 'm' on the scatter, 'p' in a party's colour on the map, 'o' outside
    the filters."""
    return [e for e in parsed(markup).iter() if e.tag == "circle" and e.get("class") == kind]


def hover(circle: ET.Element) -> str:
    return circle.find("title").text


def place(circle: ET.Element) -> tuple[float, float]:
    """Where a circle is, in percent of the plot across and down."""
    return float(circle.get("cx").removesuffix("%")), float(circle.get("cy").removesuffix("%"))


def cohesion() -> pd.DataFrame:
    """Two parties by year, rows out of order: A in 2016 and 2018 (none in 2017), B in 2017 only, one B without a
    value."""
    return pd.DataFrame({
        "period": [dt.date(2018, 1, 1), dt.date(2016, 1, 1), dt.date(2017, 1, 1), dt.date(2018, 1, 1)],
        "party": ["A", "A", "B", "B"],
        "mean_agreement_index": [1.0, 0.5, 0.75, None],
        "agreement_votes": [12, 3, 1_500, 0]})


def lines_of(frame: pd.DataFrame, period: str = "year") -> str:
    return trend_lines_html(frame, "mean_agreement_index", "party", {"A": "#112233"}, "Cohesion by year",
                            "mean index", period, "agreement_votes")


def test_each_party_has_the_figures_points_with_the_period_value_and_votes_on_hover():
    drawn = [p.get("title") for p in points(lines_of(cohesion()))]
    assert drawn == ["A\n2016: 0.50\nvotes: 3", "A\n2018: 1.00\nvotes: 12", "B\n2017: 0.75\nvotes: 1,500"]
    figure = charts.trend_lines(cohesion(), "mean_agreement_index", "party", {"A": "#112233"}, "Cohesion by year",
                                "mean index", "agreement_votes")
    assert [(t.name, list(t.y)) for t in figure.data] == [("A", [0.5, 1.0]), ("B", [0.75])]


def test_periods_are_spaced_evenly_from_the_first_to_the_last_on_the_figures_fixed_axis():
    drawn = points(lines_of(cohesion()))
    # Three years, 2016 to 2018: each point at the middle of its year's third of the width.
    assert [percent(p, "left") for p in drawn] == [pytest.approx(100 / 6, abs=1e-3), pytest.approx(500 / 6, abs=1e-3),
                                                    pytest.approx(50)]
    # The axis runs from -0.02 to 1.02: 0.5 is at (0.52 / 1.04) of the height from the bottom, 1 at 1.02 / 1.04.
    assert [percent(p, "top") for p in drawn] == [pytest.approx(50), pytest.approx(100 - 102 / 1.04, abs=1e-3),
                                                   pytest.approx(100 - 77 / 1.04, abs=1e-3)]
    ticks = [(t.text, percent(t, "bottom")) for t in by_class(parsed(lines_of(cohesion())), "tracker-xy-yticks")[0]]
    assert [t for t, _ in ticks] == ["0", "0.2", "0.4", "0.6", "0.8", "1"]
    assert ticks[0][1] == pytest.approx(2 / 1.04, abs=1e-3)


def test_a_partys_line_joins_its_points_in_time_order_in_its_colour():
    root = parsed(lines_of(cohesion()))
    lines = [(e.get("stroke"), e.get("points")) for e in root.iter() if e.tag == "polyline"]
    # A's rows come 2018 first; its line still runs 2016 → 2018. B's colour comes from the palette.
    assert lines[0] == ("#112233", "16.667,50 83.333,1.923")
    assert lines[1] == (charts.colour_of("B", {}), "50,25.962")
    legend = [(li.text if li.text else "".join(li.itertext())) for li in by_class(root, "tracker-bars-legend")[0]]
    assert legend == ["A", "B"]


def test_months_are_named_under_the_axis_and_on_hover():
    frame = pd.DataFrame({"period": [dt.date(2022, 11, 1), dt.date(2023, 1, 1)], "party": ["A", "A"],
                          "mean_agreement_index": [0.9, 0.8], "agreement_votes": [2, 2]})
    markup = lines_of(frame, "month")
    assert [p.get("title").split("\n")[1] for p in points(markup)] == ["Nov 2022: 0.90", "Jan 2023: 0.80"]
    labels = [t.text for t in by_class(parsed(markup), "tracker-xy-xticks")[0]]
    assert labels == ["Nov 2022", "Dec 2022", "Jan 2023"]


def test_no_value_to_draw_says_so():
    frame = cohesion().assign(mean_agreement_index=None)
    markup = lines_of(frame)
    assert "Not enough data for this chart with the current filters." in markup and "tracker-xy" not in markup


def test_names_from_an_upload_are_escaped_and_the_markup_stays_well_formed():
    frame = cohesion().assign(party=["<b>A&B's</b>", "<b>A&B's</b>", "C", "C"])
    markup = lines_of(frame)
    root = parsed(markup)
    assert "<b>A" not in markup
    assert points(markup)[0].get("title").startswith("<b>A&B's</b>\n2016")
    assert "<b>A&B's</b> 0.50 in 2016 to 1.00 in 2018" in by_class(root, "tracker-xy")[0].get("aria-label")


@pytest.mark.parametrize(("low", "high", "ends", "ticks"), [
    (0.8, 1.0, (0.79, 1.01), [0.8, 0.85, 0.9, 0.95, 1.0]),          # 0.22 / 6 = 0.037: steps of 0.05
    (0.0, 1.0, (-0.05, 1.05), [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]),      # 1.1 / 6 = 0.18: steps of 0.2
    (0.95, 0.99, (0.948, 0.992), [0.95, 0.96, 0.97, 0.98, 0.99]),    # 0.044 / 6 = 0.0073: steps of 0.01
    (0.5, 0.5, (0.475, 0.525), [0.48, 0.49, 0.5, 0.51, 0.52]),       # one value: 5 % of it each side
])
def test_axes_end_five_percent_beyond_the_values_with_round_ticks(low, high, ends, ticks):
    start, end, drawn = nice_range(low, high)
    assert (start, end) == pytest.approx(ends)
    assert drawn == pytest.approx(ticks)


@pytest.mark.parametrize(("ticks", "fmt"), [([0.8, 0.85], ".0%"), ([0.9, 0.925], ".1%"), ([0.5, 0.502], ".1%"),
                                            ([0.0, 0.2], ".0%")])
def test_percent_ticks_have_the_fewest_decimals_that_tell_them_apart(ticks, fmt):
    assert percent_format(ticks) == fmt


def members() -> pd.DataFrame:
    return pd.DataFrame({"member_id": ["m1", "m2", "m3", "m4"], "name": ["Ana", None, "Bo", "Cy"],
                         "party": ["B", "A", None, "A"], "participation": [0.8, 1.0, 0.9, 0.95],
                         "loyalty": [1.0, 0.8, 0.9, None], "rebellions": [0, 4, 1, 2]})


def test_each_member_is_a_point_with_the_figures_hover_numbers():
    markup = member_scatter_html(members(), {"A": "#0000FF"}, "Members")
    drawn = circles(markup, "m")
    # Cy has no loyalty: not drawn, as in the figure. Parties in order, members without a party last.
    assert [hover(p) for p in drawn] == [
        "m2 (A)\nparticipation 100%, loyalty 80%, rebellions 4",
        "Ana (B)\nparticipation 80%, loyalty 100%, rebellions 0",
        "Bo (no party)\nparticipation 90%, loyalty 90%, rebellions 1"]
    figure = charts.member_scatter(members(), {"A": "#0000FF"}, "Members")
    assert [(t.name, list(t.x), list(t.y)) for t in figure.data] == [
        ("A", [1.0], [0.8]), ("B", [0.8], [1.0]), ("no party", [0.9], [0.9])]
    assert drawn[0].get("fill") == "#0000FF"
    legend = ["".join(li.itertext()) for li in by_class(parsed(markup), "tracker-bars-legend")[0]]
    assert legend == ["A", "B", "no party"]


def test_members_are_circles_8_px_across_in_an_svg_that_is_not_stretched():
    markup = member_scatter_html(members(), {}, "Members")
    [layer] = by_class(parsed(markup), "tracker-xy-points")
    # No viewBox: the SVG's units are pixels, so a circle stays round however wide the plot is, while its place is a
    # percentage of the plot's size.
    assert layer.tag == "svg" and layer.get("viewBox") is None
    assert [c.get("r") for c in layer] == ["4", "4", "4"] and all(c.tag == "circle" for c in layer)
    assert all(c.get("cx").endswith("%") and c.get("cy").endswith("%") for c in layer)


def test_members_are_placed_on_axes_round_them():
    drawn = circles(member_scatter_html(members(), {}, "Members"), "m")
    # Both axes run 0.79 to 1.01 (0.8 to 1.0 and 5 % of 0.2 each side): 0.8 is at 0.01 / 0.22 of the way.
    at_80, at_90, at_100 = (100 * v / 0.22 for v in (0.01, 0.11, 0.21))
    assert [place(p) for p in drawn] == [
        (pytest.approx(at_100, abs=1e-3), pytest.approx(100 - at_80, abs=1e-3)),
        (pytest.approx(at_80, abs=1e-3), pytest.approx(100 - at_100, abs=1e-3)),
        (pytest.approx(at_90, abs=1e-3), pytest.approx(100 - at_90, abs=1e-3))]
    root = parsed(member_scatter_html(members(), {}, "Members"))
    assert [t.text for t in by_class(root, "tracker-xy-xticks")[0]] == ["80%", "85%", "90%", "95%", "100%"]
    label = by_class(root, "tracker-xy")[0].get("aria-label")
    assert "3 members (A 1, B 1, no party 1); participation 80% to 100%, loyalty 80% to 100%" in label
    assert keyboard_stops(root) == [("img", label)]   # one stop of the Tab key, before any member's circle


def test_no_member_with_both_shares_says_so():
    markup = member_scatter_html(members().assign(loyalty=None), {}, "Members")
    assert "No member has both participation and loyalty" in markup and "tracker-xy" not in markup


def placed() -> pd.DataFrame:
    """Three members on the map, one without a name, with their 90 % intervals."""
    return pd.DataFrame({"member_id": ["m1", "m2", "m3"], "name": ["Ana", None, "<Bo>"], "party": ["A", "A", "B"],
                         "dim1": [0.0, 0.55, -1.1], "dim2": [0.0, -0.55, 1.1],
                         "dim1_low": [-0.11, 0.5, -1.1], "dim1_high": [0.11, 0.6, -1.0],
                         "dim2_low": [-0.22, -0.6, 1.0], "dim2_high": [0.22, -0.5, 1.1]})


def centres() -> pd.DataFrame:
    return pd.DataFrame({"party": ["A", "B"], "dim1": [0.275, -1.1], "dim2": [-0.275, 1.1], "members": [2, 1]})


class Cut:
    """A vote's cutting line as metrics.VoteCut gives it: the line x = 0.55 across the circle, yes to the right."""
    start, end, normal = np.array([0.55, -0.8]), np.array([0.55, 0.8]), np.array([1.0, 0.0])
    wrong = pd.DataFrame({"member_id": ["m2"], "name": [None], "position": ["no"], "dim1": [0.55], "dim2": [-0.55]})


def the_map(**options) -> str:
    return member_map_html(placed(), centres(), {"A": "#0000FF"}, "Members placed", **options)


def marks_of(markup: str, tag: str = "span", kind: str | None = None) -> list[ET.Element]:
    plot = by_class(parsed(markup), "tracker-xy-plot")[0]
    return [e for e in plot if e.tag == tag and (kind is None or e.get("class") == kind)]


def test_map_members_sit_on_the_fixed_axes_with_the_figures_hover_names():
    markup = the_map()
    drawn = circles(markup, "p")
    # The axes run −1.1 to 1.1: (0, 0) is the middle, (0.55, −0.55) three quarters across and down, (−1.1, 1.1) the
    # top left corner.
    assert [place(p) for p in drawn] == [(50, 50), (75, 75), (0, 0)]
    assert [hover(p) for p in drawn] == ["Ana\nA", "m2\nA", "<Bo>\nB"]
    assert {p.get("r") for p in drawn} == {"3.5"}
    figure = charts.ideal_points_map(placed(), centres(), {"A": "#0000FF"}, "Members placed")
    assert [(t.name, list(t.x)) for t in figure.data if t.name in ("A", "B")] == [("A", [0.0, 0.55]), ("B", [-1.1])]
    assert drawn[0].get("fill") == "#0000FF" and "&lt;Bo&gt;" in markup and "<Bo>" not in markup
    circle = next(e for e in parsed(markup).iter() if e.tag == "circle")
    assert float(circle.get("r")) == pytest.approx(100 / 2.2, abs=1e-3)   # the unit circle
    ticks = [t.text for t in by_class(parsed(markup), "tracker-xy-xticks")[0]]
    assert ticks == ["\u22121", "\u22120.5", "0", "0.5", "1"]


def test_each_party_centre_is_marked_and_named_above_it():
    markup = the_map()
    crosses = marks_of(markup, tag="b")
    assert [(c.get("title"), percent(c, "left"), percent(c, "top")) for c in crosses] == [
        ("A centre", 62.5, 62.5), ("B centre", 0, 0)]
    assert [e.text for e in marks_of(markup, tag="em")] == ["A", "B"]
    legend = ["".join(li.itertext()) for li in by_class(parsed(markup), "tracker-bars-legend")[0]]
    assert legend == ["A", "B", "×party centre"]


def test_party_centre_labels_that_would_cover_one_another_are_lifted_in_the_page_and_the_figure():
    # By hand, in units of the axes (a character 0.033 wide, a label 0.09 high, 0.035 above its centre): CDU/CSU's
    # label (8 characters with the margin: 0.264 wide) over (0.05, 0.02) spans −0.082…0.182 and 0.055…0.145; SPD's
    # (0.132 wide) over (0, 0) would span −0.066…0.066 and 0.035…0.125, so it is lifted to start at 0.145:
    # (0.145 − 0.035) / 0.09 = 1.222 label heights, 26 px. LINKE, far off, stays.
    close = pd.DataFrame({"party": ["SPD", "CDU/CSU", "LINKE"], "dim1": [0.0, 0.05, 0.5], "dim2": [0.0, 0.02, 0.5],
                          "members": [1, 1, 1]})
    assert charts.label_lifts(close["party"], close["dim1"].tolist(), close["dim2"].tolist()) == pytest.approx(
        [1.2222, 0, 0], abs=1e-4)
    labels = marks_of(member_map_html(placed(), close, {}, "Members placed"), tag="em")
    assert [(e.text, "--lift:26px" in e.get("style")) for e in labels] == [
        ("SPD", True), ("CDU/CSU", False), ("LINKE", False)]
    figure = charts.ideal_points_map(placed(), close, {}, "Members placed")
    assert [(a.text, a.yshift) for a in figure.layout.annotations] == [
        ("<b>SPD</b>", 42), ("<b>CDU/CSU</b>", 16), ("<b>LINKE</b>", 16)]
    # Apart, no label moves.
    assert "--lift" not in the_map()


def test_members_outside_the_filters_are_grey_and_said_so():
    others = pd.DataFrame({"member_id": ["m9"], "name": ["Cy"], "dim1": [1.1], "dim2": [-1.1]})
    markup = the_map(others=others)
    [grey] = circles(markup, "o")
    assert hover(grey) == "Cy\noutside the filters"
    assert place(grey) == (100, 100) and grey.get("r") == "3"
    assert grey.get("fill") == "#CCCCCC"
    label = by_class(parsed(markup), "tracker-xy")[0].get("aria-label")
    assert "3 members placed (A 2, B 1), 1 more outside the filters" in label
    assert keyboard_stops(parsed(markup)) == [("img", label)]


def test_intervals_are_strokes_from_each_end_to_the_other_on_both_dimensions():
    assert not [e for e in parsed(the_map()).iter() if e.tag == "path"]
    paths = {e.get("stroke"): e.get("d") for e in parsed(the_map(intervals=True)).iter() if e.tag == "path"}
    # Ana at (0, 0): dim 1 from −0.11 to 0.11 is 45 % to 55 % across; dim 2 from −0.22 to 0.22 is 60 % to 40 % down.
    assert paths["#0000FF"].startswith("M45,50H55M50,60V40M")
    assert paths[charts.colour_of("B", {})] == "M0,0H4.545M0,4.545V0"


def test_a_votes_cutting_line_is_dashed_with_its_yes_side_and_the_wrong_side_ringed():
    markup = the_map(cut=Cut())
    dashed = next(e for e in parsed(markup).iter() if e.tag == "line" and e.get("stroke-dasharray"))
    assert [float(dashed.get(k)) for k in ("x1", "y1", "x2", "y2")] == pytest.approx(
        [75, 50 + 80 / 2.2, 75, 50 - 80 / 2.2], abs=1e-3)
    # The arrow from the line's middle (0.55, 0) to the yes side, 0.18 to the right; "yes side" past its head.
    head = next(e for e in parsed(markup).iter() if e.tag == "polygon").get("points").split()[0]
    assert [float(v) for v in head.split(",")] == pytest.approx([100 * (0.73 + 1.1) / 2.2, 50], abs=1e-3)
    [yes] = [e for e in marks_of(markup, tag="em") if e.get("class") == "yes"]
    assert yes.text == "yes side" and percent(yes, "left") == pytest.approx(100 * (0.82 + 1.1) / 2.2, abs=1e-3)
    [ring] = marks_of(markup, kind="w")
    # Drawn in the figure's order: members, then the centres and their names, then the line and its rings on top.
    plot = by_class(parsed(markup), "tracker-xy-plot")[0]
    layers = [e.get("class") or e.tag for e in plot if e.tag != "i"]   # grid lines aside
    assert layers == ["svg", "tracker-xy-points", "b", "em", "b", "em", "svg", "yes", "w"]
    assert ring.get("title") == "m2 voted no: on the wrong side" and percent(ring, "left") == 75
    legend = ["".join(li.itertext()) for li in by_class(parsed(markup), "tracker-bars-legend")[0]]
    assert legend == ["A", "B", "cutting line", "wrong side of the line (1)", "×party centre"]


def test_a_map_with_no_member_placed_says_so():
    markup = member_map_html(placed().iloc[0:0], centres().iloc[0:0], {}, "Members placed")
    assert "Too few member votes to place members on a map." in markup and "tracker-xy" not in markup


@pytest.mark.parametrize("preset", ["social", "square", "print"])
def test_a_downloaded_map_keeps_both_axes_at_the_unit_circle_whatever_the_images_shape(preset):
    # A wide social card used to stretch dimension 1 to −3…3 around the square plot; now the plot narrows instead.
    figure = charts.ideal_points_map(placed(), centres(), {"A": "#0000FF"}, "Members placed")
    svg = publish.export_image(figure, publish.generic_caption("Members placed", "All votes"), "svg", preset).decode()
    for axis in ("xtick", "ytick"):
        ticks = re.findall(f'<g class="{axis}">.*?>([^<]*)</text>', svg)
        assert ticks == ["\u22121", "\u22120.5", "0", "0.5", "1"], (axis, ticks)
