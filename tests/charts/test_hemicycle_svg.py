"""The parliament chart as the page's SVG: the same seats, colours, counts and legend as the downloaded figure."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pandas as pd

from tests.charts.markup import keyboard_stops
from tracker import charts
from tracker.charts.hemicycle_svg import SCALE

SVG = "{http://www.w3.org/2000/svg}"


def drawn(markup: str) -> ET.Element:
    """The markup's SVG element, parsed as XML (so it must be well formed)."""
    svg = re.search(r"<svg.*</svg>", markup, re.S).group(0)
    return ET.fromstring(svg.replace("<svg ", "<svg xmlns='http://www.w3.org/2000/svg' ", 1))


def legend(markup: str) -> list[str]:
    return re.findall(r"<li>(?:<span[^>]*></span>)?([^<]*)</li>", markup)


def vote_seats() -> pd.DataFrame:
    groups = pd.DataFrame({"party": ["A", "A", "B", "B", None], "position": ["yes", "no", "no", "absent", "yes"],
                           "seats": [5, 1, 3, 2, 1]})
    return charts.hemicycle_seats(groups, 14, charts.seating_order(pd.DataFrame({"party": ["A", "B"]})))


def test_every_seat_is_a_circle_where_the_figure_puts_it_coloured_by_its_position():
    seats = vote_seats()
    svg = drawn(charts.hemicycle_svg(seats, "Parliament"))
    circles = [(group.get("fill"), circle) for group in svg.iter(f"{SVG}g") for circle in group.iter(f"{SVG}circle")]
    assert len(circles) == len(seats) == 14
    placed = {(round(float(c.get("cx")) / SCALE, 3), round(-float(c.get("cy")) / SCALE, 3)): fill
              for fill, c in circles}
    for x, y, position in zip(seats["x"], seats["y"], seats["position"], strict=True):
        assert placed[(round(x, 3), round(y, 3))] == charts.POSITION_COLOURS[position]


def test_the_legend_and_counts_say_what_the_downloaded_figure_says():
    seats = vote_seats()
    names = {"A": "Party A", "B": "B"}
    fig = charts.hemicycle(seats, "Parliament", colours={"A": "#112233"}, threshold=8, names=names)
    markup = charts.hemicycle_svg(seats, "Parliament", colours={"A": "#112233"}, threshold=8, names=names)
    assert legend(markup) == [t.name for t in fig.data]
    assert legend(markup) == ["Yes (6)", "No (4)", "Absent (2)", "Unknown (2)", "A · Party A (6)", "B (5)"]
    texts = [t.text for t in drawn(markup).iter(f"{SVG}text")]
    assert texts == ["14 seats", "8 yes needed"]
    assert drawn(markup).get("aria-label") == "14 seats: 6 yes, 4 no, 2 absent, 2 unknown; 8 yes needed"
    assert keyboard_stops(drawn(markup)) == [("img", "14 seats: 6 yes, 4 no, 2 absent, 2 unknown; 8 yes needed")]
    bands = {p.find(f"{SVG}title").text: p.get("stroke") for p in drawn(markup).iter(f"{SVG}path")}
    assert bands["A · Party A: 6 seats"] == "#112233"


def test_each_seat_says_on_hover_what_the_figure_says():
    groups = pd.DataFrame({"party": ["A", "A"], "position": ["yes", "no"], "seats": [1, 1],
                           "member": ["Ana", "Bo"]})
    seats = charts.hemicycle_seats(groups, 2)
    hover = [c.find(f"{SVG}title").text for c in drawn(charts.hemicycle_svg(seats, "P")).iter(f"{SVG}circle")]
    fig = charts.hemicycle(seats, "P")
    assert sorted(hover) == sorted(h for t in fig.data if t.legendgroup == "position" for h in t.hovertext)
    assert sorted(hover) == ["Ana · A: Yes", "Bo · A: No"]


def test_text_from_uploads_stays_text():
    groups = pd.DataFrame({"party": ["<b>P</b>"], "position": ["yes"], "seats": [1],
                           "member": ["O'Neil <script>alert(1)</script>"]})
    seats = charts.hemicycle_seats(groups, 1)
    markup = charts.hemicycle_svg(seats, "<a href='javascript:x'>t</a>", names={"<b>P</b>": "\"Q\" & co"})
    assert "<script" not in markup and "<b>" not in markup and "<a " not in markup
    assert "&lt;b&gt;P&lt;/b&gt; · &quot;Q&quot; &amp; co (1)" in markup
    assert [c.find(f"{SVG}title").text for c in drawn(markup).iter(f"{SVG}circle")] == [
        "O'Neil <script>alert(1)</script> · <b>P</b>: Yes"]   # as text, once parsed


def test_a_vote_without_seats_says_so():
    empty = charts.hemicycle_seats(pd.DataFrame(columns=["party", "position", "seats"]), None)
    markup = charts.hemicycle_svg(empty, "Parliament")
    assert "No seat count is known for this vote." in markup and "<svg" not in markup


def test_a_colour_that_is_not_a_colour_cannot_leave_its_attribute():
    seats = charts.hemicycle_seats(pd.DataFrame({"party": ["A"], "position": ["yes"], "seats": [2]}), 2)
    markup = charts.hemicycle_svg(seats, "P", colours={"A": "red' onmouseover='alert(1)"})
    assert "onmouseover='" not in markup and drawn(markup).find(f"{SVG}path").get("stroke").startswith("red'")
