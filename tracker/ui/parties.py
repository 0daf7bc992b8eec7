"""Parties: alignment heatmap, cohesion, alignment with a reference over time, and the votes x parties grid."""

from __future__ import annotations

import functools

import streamlit as st

from tracker import charts, metrics
from tracker.charts import bars_html, heatmap_html, points_html, publish
from tracker.charts.parties import COHESION_SERIES
from tracker.ui import cache, filters, widgets
from tracker.ui.choices import COHESION_NEEDS_COUNTS, against_reference, party_filters

# One chart at a time: only the open tab's numbers are computed and drawn, so a filter change redraws one chart.
# The open tab is kept in the URL (?chart=Cohesion).
TABS = ("Alignment", "Cohesion", "Against a reference", "Positions by vote")


def render() -> None:
    """Draw the Parties page."""
    st.title("Parties")
    if cache.is_empty():
        widgets.empty_database_message()
        return
    chosen, names, colours = party_filters()
    text = filters.describe(chosen, names)
    alignment_tab, cohesion_tab, reference_tab, grid_tab = st.tabs(TABS, key="chart", bind="query-params")
    try:
        with alignment_tab:
            if alignment_tab.open:
                _alignment(chosen, text)
        with cohesion_tab:
            if cohesion_tab.open:
                _cohesion(chosen, colours, text)
        with reference_tab:
            if reference_tab.open:
                _reference(chosen, colours, text)
        with grid_tab:
            if grid_tab.open:
                _grid(chosen, text)
    except ValueError as bad:
        st.warning(widgets.md_escape(bad))


NOTHING_RECORDED = ("No party took a recorded position on the votes matching these filters. Widen the filters, or "
                    "upload party positions or member votes.")


def _alignment(chosen: metrics.Filters, text: str) -> None:
    alignment = cache.party_alignment(chosen)
    if alignment.empty:
        st.info(NOTHING_RECORDED)
        return
    title = "Party alignment: share of votes with the same position"
    # Drawn as HTML (as every tab's chart), so that the page loads no plotly.js; the plotly figure is built for the
    # Download menu.
    widgets.drawn_chart(heatmap_html.alignment_html(alignment, title),
                        functools.partial(charts.alignment_heatmap, alignment, title), alignment, "party-alignment",
                        filters.name_parts(chosen), key="parties_alignment",
                        caption=publish.generic_caption(title, text))


def _cohesion(chosen: metrics.Filters, colours: dict[str, str], text: str) -> None:
    summary = cache.metric("cohesion_summary", chosen)
    if summary.empty:
        st.info(NOTHING_RECORDED)
        return
    if summary[[mean for mean, *_ in COHESION_SERIES]].isna().to_numpy().all():
        st.info(f"{COHESION_NEEDS_COUNTS} The Alignment, reference and Positions tabs compare positions.")
        return
    title = "Party cohesion: mean Agreement Index and Rice index"
    widgets.drawn_chart(bars_html.cohesion_bars_html(summary, title),
                        functools.partial(charts.cohesion_bars, summary, colours, title), summary, "party-cohesion",
                        filters.name_parts(chosen), key="parties_cohesion",
                        caption=publish.generic_caption(title, text))
    no_counts = summary[summary["agreement_votes"] == 0]["party"].astype(str).tolist()
    if no_counts:
        st.caption("No counts are known for: " + widgets.md_escape(", ".join(no_counts)) +
                   " (only their positions are recorded), so their cohesion cannot be computed.")


def _reference(chosen: metrics.Filters, colours: dict[str, str], text: str) -> None:
    if chosen.reference is None:
        st.info("Choose a reference party or bloc in the sidebar to see how often each party took its position.")
        return
    reference, title, lines = against_reference(chosen, colours)
    widgets.drawn_chart(points_html.trend_lines_html(reference, title=title, period=chosen.period, **lines),
                        functools.partial(charts.trend_lines, reference, title=title, **lines), reference,
                        "alignment-with-reference", filters.name_parts(chosen, chosen.reference, chosen.period),
                        key="parties_reference", caption=publish.generic_caption(title, text))


def _grid(chosen: metrics.Filters, text: str) -> None:
    grid = cache.latest_position_grid(chosen)
    if grid.empty:
        st.info(NOTHING_RECORDED)
        return
    votes_shown = grid["vote_id"].nunique()
    if votes_shown >= cache.GRID_VOTES_SHOWN:
        st.caption(f"The latest {votes_shown:,} votes in the chosen range (narrow the dates to see earlier ones; "
                   "`python -m tracker export cohesion` lists every vote's party positions).")
    title = "Party positions by vote"
    widgets.drawn_chart(heatmap_html.positions_html(grid, title), functools.partial(charts.position_grid, grid, title),
                        grid, "party-positions", filters.name_parts(chosen), key="parties_grid",
                        caption=publish.generic_caption(title, text))
