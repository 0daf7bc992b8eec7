"""Members: participation, loyalty, rebellions and a 2-D map (when member votes exist)."""

from __future__ import annotations

import streamlit as st

from tracker import charts
from tracker.ui import cache, filters, widgets
from tracker.ui.choices import party_filters


def render() -> None:
    """Draw the Members page."""
    st.title("Members")
    if cache.is_empty():
        widgets.empty_database_message()
        return
    if not cache.read("has_member_votes"):
        st.info("No member-level votes are stored (only vote tallies and party positions), so there is nothing to "
                "show per member. Upload a member votes file on the Data page.")
        return
    chosen, names, colours = party_filters()
    text = filters.describe(chosen, names)
    try:
        stats, rebels = cache.member_tables(chosen)
    except ValueError as bad:
        st.warning(widgets.md_escape(bad))
        return
    if stats.empty:
        st.info("No member voted on the votes matching these filters.")
        return
    title = "Members: participation and loyalty to party"
    widgets.chart(charts.member_scatter(stats, colours, title), stats, "member-participation-loyalty", title,
                  filters.name_parts(chosen), text, key="members_scatter")
    widgets.table(stats.sort_values(["party", "name"]), key="members_table",
                 column_config={"participation": st.column_config.NumberColumn(format="percent"),
                                "loyalty": st.column_config.NumberColumn(format="percent")})
    st.subheader("Rebellions")
    if rebels.empty:
        st.caption("No member voted against their party's position on these votes.")
    else:
        total = int(stats["rebellions"].sum())
        shown = f"the latest {len(rebels):,} are listed, newest first" if total > len(rebels) else "newest first"
        st.caption(f"{total:,} votes cast against the member's party position ({shown}; the CSV download of the "
                   "table holds the rows listed, `python -m tracker export` all of them).")
        widgets.table(rebels, key="members_rebellions",
                      column_config={"date": st.column_config.DateColumn("date", format="YYYY-MM-DD"),
                                     "title": st.column_config.TextColumn("title", width="large")})
    st.subheader("Where members stand")
    try:
        shown = cache.ideal_points(chosen, stats)
    except ValueError as bad:
        st.info(f"The map cannot be drawn: {widgets.md_escape(bad)}")
        return
    if shown is None:
        st.info("The map places members by all their yes/no votes. On this many votes it is fitted once per import "
                "(it takes a few seconds) and then shown for whichever dates and parties you choose.")
        if st.button("Fit the map", key="members_fit_map", type="primary"):
            with st.spinner("Fitting the map on all votes..."):
                cache.fit_map(chosen.assembly)
            st.rerun()
        return
    points, centroids, fitted_on = shown
    if fitted_on == "all votes":
        st.caption("Positions come from one fit on all votes stored (refitted after each import); the filters choose "
                   "which members are shown, with the party each belonged to in the chosen range.")
    title = "Members placed by their votes (two dimensions)"
    widgets.chart(charts.ideal_points_map(points, centroids, colours, title), points, "member-map", title,
                  filters.name_parts(chosen), text, key="members_map")
