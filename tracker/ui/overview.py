"""Overview: headline figures, outcomes over time and the latest votes."""

from __future__ import annotations

import functools

import streamlit as st

from tracker import charts, summaries
from tracker.charts import bars_html, publish
from tracker.metrics import Filters
from tracker.ui import cache, filters, widgets
from tracker.ui.choices import assembly_choices


def render() -> None:
    """Draw the Overview page."""
    st.title("Overview")
    if cache.is_empty():
        widgets.empty_database_message()
        return
    ids, names = assembly_choices()
    base = filters.common(ids, names)
    period = filters.period()
    chosen = Filters(assembly=base.assembly, date_from=base.date_from, date_to=base.date_to, period=period)
    try:
        outcomes = cache.outcomes(chosen)
    except ValueError as bad:
        st.warning(widgets.md_escape(bad))
        return
    if outcomes.empty:
        st.info("No vote matches these filters. Widen the date range or choose another assembly.")
        return
    figures = summaries.headline(outcomes)
    # A row that wraps, each figure as wide as its text: five equal columns cut dates short ("2016-01…") on a laptop.
    row = st.container(horizontal=True, gap="medium", key="overview_figures")
    row.metric("Votes", f"{figures['votes']:,}", width="content")
    share = figures["share_passed"]
    row.metric("Share passed", "unknown" if share is None else f"{share:.0%}", width="content",
               help=f"Of the {figures['votes_with_result']} votes whose outcome is known: the official result where "
                    "one is stated, else the result recomputed from the counts under the vote's majority rule.")
    turnout = figures["average_turnout"]
    row.metric("Average turnout", "unknown" if turnout is None else f"{turnout:.0%}", width="content",
               help=f"(yes + no + abstain) / seats, averaged over the {figures['votes_with_turnout']} votes where all "
                    "of these are known.")
    row.metric("First vote", str(figures["first_date"] or "unknown"), width="content")
    row.metric("Last vote", str(figures["last_date"] or "unknown"), width="content")
    unknown = int(outcomes["outcome"].isna().sum())
    if unknown:
        st.caption(f"{unknown} of {len(outcomes)} votes have neither an official result nor counts that decide "
                   "them; they are shown as 'Unknown' below.")
    by_period = summaries.outcomes_by_period(outcomes, period)
    title = f"Votes passed and failed by {period}"
    # Drawn as HTML, so that the Overview loads no plotly.js; the plotly figure is built for the Download menu.
    widgets.drawn_chart(bars_html.outcomes_by_period_html(by_period, title, period, height=300),
                        functools.partial(charts.outcomes_over_time, by_period, title), by_period,
                        f"outcomes-by-{period}", filters.name_parts(chosen), key="overview_outcomes",
                        caption=publish.generic_caption(title, filters.describe(chosen, names)))
    st.subheader("Latest votes")
    latest = summaries.newest(outcomes, 15)[
        ["date", "vote_id", "title", "yes", "no", "abstain", "absent", "outcome", "outcome_source",
         "official_result"]]
    widgets.small_table(latest.rename(columns={"outcome_source": "outcome from", "official_result": "as reported"}),
                        dates=["date"])
    st.caption("*outcome from*: official, the result as reported; computed, recomputed from the counts under the "
               "vote's majority rule (on each vote's page).")
    st.page_link("tracker/ui/pages/votes.py", label="Search all votes", icon=":material/search:")
