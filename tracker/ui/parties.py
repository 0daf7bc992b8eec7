"""Parties: alignment heatmap, cohesion, alignment with a reference over time, and the votes x parties grid."""

from __future__ import annotations

import streamlit as st

from tracker import charts
from tracker.metrics import Filters
from tracker.ui import data, filters, widgets
from tracker.ui.overview import assembly_choices


def reference_choices() -> list[str]:
    """Parties and blocs (as bloc:NAME) that alignment can be measured against."""
    return data.read("parties")["party"].astype(str).tolist() + [f"bloc:{b}" for b in data.read("blocs")]


def reference_label(reference: str) -> str:
    """'bloc:MUD' as 'MUD (bloc)'."""
    return f"{reference[5:]} (bloc)" if reference.startswith("bloc:") else reference


def party_filters() -> tuple[Filters, dict[str, str], dict[str, str]]:
    """Assembly, dates, parties, period and reference from the sidebar (and URL); with names and colours."""
    ids, names = assembly_choices()
    base = filters.common(ids, names)
    party_table = data.read("parties")
    chosen = filters.parties("Parties", party_table["party"].astype(str).tolist())
    period = filters.period()
    reference = filters.choice("Reference party or bloc", "reference", reference_choices(), "f_reference", "None",
                               format_func=reference_label)
    colours = charts.party_colours(party_table)
    return (Filters(assembly=base.assembly, date_from=base.date_from, date_to=base.date_to, parties=chosen,
                    period=period, reference=reference), names, colours)


def render() -> None:
    """Draw the Parties page."""
    st.title("Parties")
    if data.is_empty():
        widgets.empty_database_message()
        return
    chosen, names, colours = party_filters()
    text = filters.describe(chosen, names)
    try:
        alignment = data.metric("party_alignment", chosen)
        summary = data.metric("cohesion_summary", chosen)
        grid = data.latest_position_grid(chosen)
    except ValueError as bad:
        st.warning(str(bad))
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
        reference = data.metric("alignment_with_reference", chosen)
        title = f"Alignment with {reference_label(chosen.reference)} by {chosen.period}"
        fig = charts.trend_lines(reference, "agreement", "party", colours, title, "share of votes with the same "
                                 "position", hover_count="votes_compared")
        widgets.chart(fig, reference, "alignment-with-reference", title,
                      filters.name_parts(chosen, chosen.reference, chosen.period), text, key="parties_reference")
    st.subheader("Positions on each vote")
    votes_shown = grid["vote_id"].nunique()
    if votes_shown >= data.GRID_VOTES_SHOWN:
        st.caption(f"The latest {votes_shown:,} votes in the chosen range (narrow the dates to see earlier ones).")
    title = "Party positions by vote"
    widgets.chart(charts.position_grid(grid, title), grid, "party-positions", title, filters.name_parts(chosen),
                  text, key="parties_grid")
