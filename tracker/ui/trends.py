"""Trends: cohesion or alignment by month, quarter or year, for chosen parties."""

from __future__ import annotations

import functools

import streamlit as st

from tracker import charts, summaries
from tracker.charts import bars_html, points_html, publish
from tracker.metrics import Filters
from tracker.ui import cache, filters, widgets
from tracker.ui.choices import COHESION_NEEDS_COUNTS, SHARE_SAME, against_reference, party_filters

MEASURES = {
    "outcomes": "Outcomes: votes passed, failed and of unknown result",
    "agreement_index": "Cohesion: Agreement Index",
    "rice": "Cohesion: Rice index",
    "reference": "Alignment with the reference party or bloc",
    "pairs": "Alignment between pairs of the chosen parties",
}


def render() -> None:
    """Draw the Trends page."""
    st.title("Trends")
    if cache.is_empty():
        widgets.empty_database_message()
        return
    chosen, names, colours = party_filters()
    # The default measure is the empty choice, so it is not listed twice.
    measure = filters.choice("Measure", "measure", [m for m in MEASURES if m != "agreement_index"], "t_measure",
                             MEASURES["agreement_index"], format_func=MEASURES.get, sidebar=False) or "agreement_index"
    text = filters.describe(chosen, names, period=chosen.period)
    parts = filters.name_parts(chosen, chosen.period)
    try:
        if measure == "outcomes":
            # Outcomes are per vote, not per party: the party choice does not narrow them.
            votes = Filters(chosen.assembly, chosen.date_from, chosen.date_to, period=chosen.period)
            text = filters.describe(votes, names, period=chosen.period)
            parts = filters.name_parts(votes, chosen.period)
            frame = summaries.outcomes_by_period(cache.outcomes(votes), chosen.period)
            if chosen.parties:
                st.caption("Outcomes count every vote: the party choice does not apply to them.")
            title = f"Votes passed and failed by {chosen.period}"
        elif measure in ("agreement_index", "rice"):
            frame = cache.cohesion_trend(chosen)
            value, count = ("mean_agreement_index", "agreement_votes") if measure == "agreement_index" else (
                "mean_rice", "rice_votes")
            title = f"{MEASURES[measure]} by {chosen.period}"
            lines = dict(value=value, group="party", colours=colours, value_label="mean index (1 = fully united)",
                         hover_count=count)
        elif measure == "reference":
            if chosen.reference is None:
                st.info("Choose a reference party or bloc in the sidebar.")
                return
            frame, title, lines = against_reference(chosen, colours)
            parts.append(chosen.reference)
        else:
            if len(chosen.parties) < 2:
                st.info("Choose two or more parties in the sidebar to compare their alignment over time.")
                return
            frame = cache.metric("alignment_trend", chosen)
            # Each pair once (A and B, never B and A), and never a party with itself.
            frame = frame[frame["party_a"].astype(str) < frame["party_b"].astype(str)].reset_index(drop=True)
            frame["pair"] = frame["party_a"].astype(str) + " and " + frame["party_b"].astype(str)
            title = f"Alignment between parties by {chosen.period}"
            lines = dict(value="agreement", group="pair", colours={}, value_label=SHARE_SAME,
                         hover_count="votes_compared")
    except ValueError as bad:
        st.warning(str(bad))
        return
    if frame.empty:
        st.info("No data for this measure with these filters. Widen the date range or choose other parties.")
    elif measure in ("agreement_index", "rice") and frame[lines["value"]].isna().all():
        st.info(f"{COHESION_NEEDS_COUNTS} The alignment measures compare positions.")
    # Drawn as HTML, so that a filter change redraws no plotly chart; the plotly figure is built for the Download menu.
    if measure == "outcomes":
        markup = bars_html.outcomes_by_period_html(frame, title, chosen.period, height=300)
        figure = functools.partial(charts.outcomes_over_time, frame, title)
    else:
        markup = points_html.trend_lines_html(frame, title=title, period=chosen.period, **lines)
        figure = functools.partial(charts.trend_lines, frame, title=title, **lines)
    widgets.drawn_chart(markup, figure, frame, f"trend-{measure}", parts, key="trends",
                        caption=publish.generic_caption(title, text))
    numbers = st.expander("The numbers behind the chart", key="trends_numbers", on_change="rerun")
    with numbers:
        if numbers.open:   # a data grid is drawn only on request: it costs as much as the chart on every change
            widgets.table(frame, key="trends_table")
