"""Parties: alignment heatmap, cohesion, alignment with a reference over time, and the votes x parties grid."""

from __future__ import annotations

import streamlit as st

from tracker import charts
from tracker.ui import cache, filters, widgets
from tracker.ui.choices import party_filters, reference_label


def render() -> None:
    """Draw the Parties page."""
    st.title("Parties")
    if cache.is_empty():
        widgets.empty_database_message()
        return
    chosen, names, colours = party_filters()
    text = filters.describe(chosen, names)
    try:
        alignment = cache.metric("party_alignment", chosen)
        summary = cache.metric("cohesion_summary", chosen)
        grid = cache.latest_position_grid(chosen)
    except ValueError as bad:
        st.warning(widgets.md_escape(bad))
        return
    if summary.empty and grid.empty:
        st.info("No party took a recorded position on the votes matching these filters. Widen the filters, or "
                "upload party positions or member votes.")
        return
    title = "Party alignment: share of votes with the same position"
    widgets.chart(charts.alignment_heatmap(alignment, title), alignment, "party-alignment", title,
                  filters.name_parts(chosen), text, key="parties_alignment")
    st.subheader("Cohesion")
    title = "Party cohesion: mean Agreement Index and Rice index"
    widgets.chart(charts.cohesion_bars(summary, colours, title), summary, "party-cohesion", title,
                  filters.name_parts(chosen), text, key="parties_cohesion")
    no_counts = summary[summary["agreement_votes"] == 0]["party"].astype(str).tolist()
    if no_counts:
        st.caption("No counts are known for: " + widgets.md_escape(", ".join(no_counts)) +
                   " (only their positions are recorded), so their cohesion cannot be computed.")
    st.subheader("Alignment with a reference")
    if chosen.reference is None:
        st.info("Choose a reference party or bloc in the sidebar to see how often each party took its position.")
    else:
        reference = cache.metric("alignment_with_reference", chosen)
        title = f"Alignment with {reference_label(chosen.reference)} by {chosen.period}"
        fig = charts.trend_lines(reference, "agreement", "party", colours, title, "share of votes with the same "
                                 "position", hover_count="votes_compared")
        widgets.chart(fig, reference, "alignment-with-reference", title,
                      filters.name_parts(chosen, chosen.reference, chosen.period), text, key="parties_reference")
    st.subheader("Positions on each vote")
    votes_shown = grid["vote_id"].nunique()
    if votes_shown >= cache.GRID_VOTES_SHOWN:
        st.caption(f"The latest {votes_shown:,} votes in the chosen range (narrow the dates to see earlier ones).")
    title = "Party positions by vote"
    widgets.chart(charts.position_grid(grid, title), grid, "party-positions", title, filters.name_parts(chosen),
                  text, key="parties_grid")
