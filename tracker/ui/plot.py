"""Charts in the page, drawn as our own markup: the parliament chart as SVG; a vote's party bars and stages, the Votes
page's matches by year, the Overview's and Trends' votes by period, the Parties page's heatmap, cohesion and positions
grid, the lines by period (Trends, Parties) and the Members page's participation, loyalty and map as HTML.

The browser shows them without any charting library: plotly.js took 0.3-0.5 s of a page load to start and redrew its
charts on every filter change. Each chart's plotly figure is built only for its Download menu (tracker/ui/widgets.py).
A rerun that draws the same markup leaves the chart's element alone.
"""

from __future__ import annotations

import streamlit as st

from tracker.charts.bars_html import CSS as BARS_CSS
from tracker.charts.heatmap_html import CSS as HEATMAP_CSS
from tracker.charts.hemicycle_svg import CSS as PARLIAMENT_CSS
from tracker.charts.points_html import CSS as POINTS_CSS

# The element the component draws in: made on its first mount, found again on every later one; its markup replaced
# only when it changed.
_DRAWN_JS = """
export default function ({ data, parentElement }) {
  let drawn = parentElement.querySelector(':scope > .tracker-drawn');
  if (!drawn) {
    drawn = document.createElement('div');
    drawn.className = 'tracker-drawn';
    parentElement.appendChild(drawn);
  }
  if (drawn.__markup !== data) {
    drawn.__markup = data;
    drawn.innerHTML = data;
  }
}
"""
# A chart is one stop of the Tab key (charts.style.AS_IMAGE): its focus ring shows when the keyboard reached it, not
# when a click or a tap did.
_FOCUS_CSS = ".tracker-drawn [tabindex]:focus:not(:focus-visible) { outline: none; }\n"
_drawn = st.components.v2.component("tracker_drawn", js=_DRAWN_JS,
                                    css=PARLIAMENT_CSS + BARS_CSS + HEATMAP_CSS + POINTS_CSS + _FOCUS_CSS,
                                    isolate_styles=False)


def drawn(markup: str, key: str) -> None:
    """Put a chart drawn as markup in the page (the parliament chart's SVG, the rest HTML; text escaped where made)."""
    _drawn(data=markup, key=key, height="content")
