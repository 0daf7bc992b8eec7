"""The Parties page's alignment heatmap and positions grid as HTML: the downloaded figures' cells, texts and colours."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pandas as pd

from tests.charts.markup import by_class, keyboard_stops, parsed
from tracker import charts
from tracker.charts.heatmap_html import CSS, alignment_html, cell_colour, positions_html, text_colour
from tracker.charts.style import POSITION_COLOURS


def alignment() -> pd.DataFrame:
    """Three parties: A and B agree on 3 of 4 votes compared, A and C on 1 of 2; B and C never voted together."""
    return pd.DataFrame({"party_a": ["A", "A", "A", "B", "C"], "party_b": ["A", "B", "C", "B", "C"],
                         "votes_compared": [5, 4, 2, 4, 2], "agreement": [1.0, 0.75, 0.5, 1.0, 1.0]})


def cells(markup: str) -> list[ET.Element]:
    """The grid's cells, row by row (labels left out)."""
    grid = next(e for e in ET.fromstring(markup).iter() if "tracker-heat-grid" in (e.get("class") or "").split())
    return [e for e in grid if not (e.get("class") or "").startswith("tracker-heat")]


def test_every_cell_shows_the_figures_percentage_with_its_hover_text():
    markup = alignment_html(alignment(), "Party alignment")
    figure = charts.alignment_heatmap(alignment(), "Party alignment")
    shown = ["".join(e.itertext()) for e in cells(markup)]
    assert shown == [t for row in figure.data[0].text for t in row]
    assert shown == ["100%", "75%", "50%", "75%", "100%", "", "50%", "", "100%"]
    hovers = [e.get("title") for e in cells(markup)]
    assert hovers[1] == "A and B: same position on 75% of 4 votes compared"
    assert hovers[3] == "B and A: same position on 75% of 4 votes compared"
    assert hovers[5] is None   # B and C compared no vote: an empty cell, as the figure leaves it
    kinds = ("tracker-heat-label", "tracker-heat-x")
    labels = [e.text for e in ET.fromstring(markup).iter() if e.get("class") in kinds]
    assert labels == ["A", "B", "C", "A", "B", "C"] and list(figure.data[0].x) == ["A", "B", "C"]
    # Two of the three pairs compared a vote (A and B, A and C); a party with itself is not a pair.
    grid = next(e for e in ET.fromstring(markup).iter() if "tracker-heat-grid" in (e.get("class") or "").split())
    assert grid.get("aria-label") == "Party alignment: 3 parties, 2 pairs of them compared"
    assert keyboard_stops(ET.fromstring(markup)) == [("img", "Party alignment: 3 parties, 2 pairs of them compared")]
    # Each number is marked by its length, so that the page hides it in a cell too narrow for all of it.
    assert [e.get("class") for e in cells(markup)][:3] == ["c4", "c3", "c3"]


def test_cells_take_the_figures_colour_scale_and_a_readable_text_colour():
    # By hand from plotly's Cividis stops: 0 is #00224e, 1 is #fee838, and 0.5 lies halfway between the stops at
    # 4/9 (#707173) and 5/9 (#8a8678): (112 + 138) / 2 = 125, (113 + 134) / 2 = 123.5, (115 + 120) / 2 = 117.5.
    assert cell_colour(0.0) == (0, 34, 78) and cell_colour(1.0) == (254, 232, 56)
    assert cell_colour(0.5) == (125, 124, 118)
    assert text_colour(cell_colour(0.0)) == "#FFFFFF" and text_colour(cell_colour(1.0)) == "#000000"
    styles = [e.get("style") for e in cells(alignment_html(alignment(), "Party alignment"))]
    assert styles[0] == "background:rgb(254, 232, 56);color:#000000"   # 100 %
    # 50 %: perceived brightness (125 × 299 + 124 × 587 + 118 × 114) / 1000 = 123.6, under 128: white text.
    assert styles[2] == "background:rgb(125, 124, 118);color:#FFFFFF"


def test_party_labels_from_an_upload_are_escaped():
    pairs = pd.DataFrame({"party_a": ["<b>X</b>"], "party_b": ["Tom & 'Jerry'"], "votes_compared": [3],
                          "agreement": [1 / 3]})
    markup = alignment_html(pairs, "A & B")
    assert "<b>X" not in markup
    titles = [e.get("title") for e in cells(markup) if e.get("title")]
    assert titles == ["<b>X</b> and Tom & 'Jerry': same position on 33% of 3 votes compared",
                      "Tom & 'Jerry' and <b>X</b>: same position on 33% of 3 votes compared"]


def test_no_pair_of_parties_says_so():
    markup = alignment_html(pd.DataFrame(columns=["party_a", "party_b", "votes_compared", "agreement"]), "Alignment")
    assert "No two parties took a position on the same vote" in markup and "tracker-heat-grid" not in markup


def positions() -> pd.DataFrame:
    """Two votes, newest listed first: on V2 A yes and B split, on V1 A no and B absent (no colour for it)."""
    return pd.DataFrame({"vote_id": ["V2", "V2", "V1", "V1"],
                         "date": pd.to_datetime(["2020-02-01", "2020-02-01", "2020-01-15", "2020-01-15"]),
                         "title": ["Budget <2020> & more", "Budget <2020> & more", "A" * 90, "A" * 90],
                         "party": ["A", "B", "A", "B"], "position": ["yes", "split", "no", "absent"]})


def colour_of_class(name: str | None) -> str | None:
    """The background the page's CSS gives a positions cell of this class (None: no class, no colour)."""
    if name is None:
        return None
    return re.search(r"\.tracker-heat-grid\.positions > \." + name + r" \{ background: (#\w+); \}", CSS).group(1)


def test_each_vote_is_a_row_of_its_parties_positions_oldest_first_as_in_the_figure():
    markup = positions_html(positions(), "Party positions by vote")
    root = parsed(markup)
    figure = charts.position_grid(positions(), "Party positions by vote")
    labels = [e.text for e in by_class(root, "tracker-heat-label")]
    assert labels == ["V1 2020-01-15", "V2 2020-02-01"] == list(figure.data[0].y)
    assert [e.text for e in by_class(root, "tracker-heat-x")] == ["A", "B"] == list(figure.data[0].x)
    # Row by row: V1 A no, B absent (an empty cell, as the figure's NaN); V2 A yes, B split. Hover: the title's first
    # 80 characters, the party and its position.
    said = [(colour_of_class(e.get("class")), e.get("title")) for e in cells(markup)]
    assert said == [(POSITION_COLOURS["no"], "A" * 80 + "\nA: no"), (None, None),
                    (POSITION_COLOURS["yes"], "Budget <2020> & more\nA: yes"),
                    (POSITION_COLOURS["split"], "Budget <2020> & more\nB: split")]
    assert [[None if v != v else int(v) for v in row] for row in figure.data[0].z] == [[3, None], [0, 2]]
    assert "&lt;2020&gt; &amp; more&#10;A: yes" in markup   # escaped, the line break kept for the hover
    assert ["".join(li.itertext()) for li in root.iter("li")] == list(figure.data[0].colorbar.ticktext)
    assert by_class(root, "tracker-heat-grid")[0].get("aria-label") == "Party positions by vote: 2 votes by 2 parties"
    assert keyboard_stops(root) == [("img", "Party positions by vote: 2 votes by 2 parties")]


def test_no_positions_say_so():
    markup = positions_html(positions().iloc[0:0], "Party positions by vote")
    assert "No party positions are known for the filtered votes." in markup and "tracker-heat-grid" not in markup
