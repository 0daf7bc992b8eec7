"""The Parties page's alignment heatmap as HTML: the downloaded figure's cells, percentages and colours."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd

from tracker import charts
from tracker.charts.heatmap_html import alignment_html, cell_colour, text_colour


def alignment() -> pd.DataFrame:
    """Three parties: A and B agree on 3 of 4 votes compared, A and C on 1 of 2; B and C never voted together."""
    return pd.DataFrame({"party_a": ["A", "A", "A", "B", "C"], "party_b": ["A", "B", "C", "B", "C"],
                         "votes_compared": [5, 4, 2, 4, 2], "agreement": [1.0, 0.75, 0.5, 1.0, 1.0]})


def cells(markup: str) -> list[ET.Element]:
    """The grid's cells, row by row (labels left out)."""
    grid = next(e for e in ET.fromstring(markup).iter() if e.get("class") == "tracker-heat-grid")
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
    grid = next(e for e in ET.fromstring(markup).iter() if e.get("class") == "tracker-heat-grid")
    assert grid.get("aria-label") == "Party alignment: 3 parties, 2 pairs of them compared"
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
