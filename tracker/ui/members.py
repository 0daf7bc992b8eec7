"""Members: participation, loyalty, rebellions and a 2-D map (when member votes exist)."""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pandas as pd
import streamlit as st

from tracker import charts, figure_export, metrics
from tracker.charts import points_html, publish
from tracker.export import table_bytes
from tracker.metrics import Filters
from tracker.ui import cache, filters, lists, timing, widgets
from tracker.ui.choices import party_filters

VOTES_LISTED = 1_000    # a longer select would be slow to send and to scroll
EMPTY_CENTROIDS = pd.DataFrame(columns=["party", "dim1", "dim2", "members"])
SECTIONS = ("Participation and loyalty", "Rebellions", "Where members stand")
REBELLION_COLUMNS = ["date", "vote_id", "title", "name", "party", "position", "party_position"]


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
    chosen, names, colours = party_filters(over_time=False)   # nothing here is by period or against a reference
    text = filters.describe(chosen, names)
    try:
        stats = cache.member_stats(chosen)
    except ValueError as bad:
        st.warning(widgets.md_escape(bad))
        return
    if stats.empty:
        st.info("No member voted on the votes matching these filters.")
        return
    # One section at a time (kept in the URL as ?section=...): a filter change redraws only the open one.
    loyalty_tab, rebels_tab, map_tab = st.tabs(SECTIONS, key="section", bind="query-params")
    with loyalty_tab:
        if loyalty_tab.open:
            _participation(chosen, stats, colours, text)
    with rebels_tab:
        if rebels_tab.open:   # read only here: a filter change on another section does not pay for it
            _rebellions(chosen, stats, cache.rebellions(chosen))
    with map_tab:
        if map_tab.open:
            member_map(chosen, stats, colours, text)


def _participation(chosen: Filters, stats: pd.DataFrame, colours: dict[str, str], text: str) -> None:
    title = "Members: participation and loyalty to party"
    # Drawn as HTML, so that a filter change redraws no plotly chart; the plotly figure is built for the Download menu.
    widgets.drawn_chart(points_html.member_scatter_html(stats, colours, title),
                        functools.partial(charts.member_scatter, stats, colours, title), stats,
                        "member-participation-loyalty", filters.name_parts(chosen), key="members_scatter",
                        caption=publish.generic_caption(title, text))
    every = st.expander(f"Every member's numbers ({len(stats):,} members)", key="members_numbers",
                        on_change="rerun")
    with every:
        if every.open:   # drawn on request: a data grid costs as much as the chart on every filter change
            widgets.table(stats.sort_values(["party", "name"]), key="members_table",
                          column_config={"participation": st.column_config.NumberColumn(format="percent"),
                                         "loyalty": st.column_config.NumberColumn(format="percent")})


def _rebellions(chosen: Filters, stats: pd.DataFrame, rebels: pd.DataFrame) -> None:
    if rebels.empty:
        st.caption("No member voted against their party's position on these votes.")
        return
    total = int(stats["rebellions"].sum())
    shown = f"the latest {len(rebels):,} are listed, newest first" if total > len(rebels) else "newest first"
    st.caption(f"{total:,} votes cast against the member's party position ({shown}; a vote's title opens it on the "
               "Votes page; the CSV holds the rows listed, and `python -m tracker export members` each member's "
               "count).")
    # A plain list, not a data grid: the grid took 0.4-0.7 s to appear each time this tab was opened.
    lists.rebellion_list(rebels, REBELLION_COLUMNS, key="members_rebellions")
    st.download_button("Rebellions listed (CSV)", key="members_rebellions_csv", on_click="ignore", mime="text/csv",
                       data=functools.partial(table_bytes, rebels, "csv"),
                       file_name=figure_export.file_name("rebellions", filters.name_parts(chosen), "csv"),
                       help="The rebellions listed here, with each member's id")


@timing.fragment
def member_map(chosen: Filters, stats: pd.DataFrame, colours: dict[str, str], text: str) -> None:
    """The map of one all-votes fit: filtered members highlighted, a vote's cutting line on request (reruns alone)."""
    try:
        fitted = cache.ideal_points(chosen)
    except ValueError as bad:
        st.info(f"The map cannot be drawn: {widgets.md_escape(bad)}")
        return
    if fitted is None:
        fitted = _fit_on_request(chosen)
        if fitted is None:
            return
    parties = fitted.parties
    left, middle, right = st.columns(3)
    with left:
        party = filters.choice("Party on the right", "right", parties, "members_right", sidebar=False,
                               none_label=f"largest ({parties[0]})" if parties else "largest party")
    fitted = fitted.oriented(party)
    with middle:
        intervals = st.toggle("Show 90 % intervals", key="members_intervals",
                              help="Error bars: each coordinate's 90 % interval from the curvature of the fit")
    with right:
        others_shown = st.toggle("Show members outside the filters", value=True, key="members_others",
                                 help="Drawn grey, at their place in the same fit")
    points = metrics.points_in_range(fitted.points, stats)
    others = fitted.points[~_among(fitted.points["member_id"], points["member_id"])] if others_shown else None
    centroids = metrics.party_centroids(points) if not points.empty else EMPTY_CENTROIDS
    cut = vote_choice(chosen, fitted)
    flat = second_dimension_note(fitted)
    if flat:
        st.warning(flat, icon=":material/info:")
    title = "Members placed by their votes (two dimensions)"
    drawing = dict(others=others, intervals=intervals, cut=cut, axis_titles=fitted.axis_titles())
    # Drawn as HTML, so that the map appears as soon as it is fitted and a filter change redraws no plotly chart; the
    # plotly figure is built for the Download menu.
    widgets.drawn_chart(points_html.member_map_html(points, centroids, colours, title, **drawing),
                        functools.partial(charts.ideal_points_map, points, centroids, colours, title, **drawing),
                        points, "member-map", filters.name_parts(chosen), key="members_map",
                        caption=map_caption(title, text, flat is not None))
    st.caption(describe_fit(fitted))
    if cut is not None:
        wrong = cut.wrong
        st.caption(f"The dashed line is where the model predicts a 50/50 vote; {len(wrong):,} of "
                   f"{len(cut.members):,} placed members who voted yes or no are on its wrong side (ringed).")
        if not wrong.empty:
            widgets.table(wrong[["name", "party", "position", "dim1", "dim2"]], key="members_wrong_side")


def _fit_on_request(chosen: Filters) -> metrics.MemberMap | None:
    """A "Fit the map" button; once pressed, the map fitted and kept (drawn in this run: the rest of the page stays)."""
    ask = st.empty()
    with ask.container():
        st.info("The map places members by all their yes/no votes. On this many votes it is fitted once per import "
                "(it takes a few seconds) and then shown for whichever dates and parties you choose.")
        pressed = st.button("Fit the map", key="members_fit_map", type="primary")
    if not pressed:
        return None
    with st.spinner("Fitting the map on all votes..."):
        fitted = cache.fit_map(chosen.assembly)
    ask.empty()
    return fitted


def vote_choice(chosen: Filters, fitted: metrics.MemberMap) -> metrics.VoteCut | None:
    """A select of the scaled votes in the date range (newest first); the chosen one's cutting line."""
    matrix = cache.member_matrix(chosen.assembly)
    if matrix is None or fitted.votes.empty:
        return None
    in_range = matrix.votes.iloc[matrix.window(chosen)]
    scaled = in_range[_among(in_range["vote_id"], fitted.votes["vote_id"])].iloc[::-1]
    labels = vote_labels(scaled.head(VOTES_LISTED))
    vote = filters.choice("Cutting line of a vote", "cut", list(labels), "members_cut", sidebar=False,
                          none_label="No vote", format_func=lambda v: labels.get(v, v))
    if len(scaled) > VOTES_LISTED:
        st.caption(f"The latest {VOTES_LISTED:,} of {len(scaled):,} scaled votes in the range are listed: narrow "
                   "the dates to reach older ones.")
    return None if vote is None else metrics.vote_cut(fitted, matrix, vote)


def vote_labels(votes: pd.DataFrame) -> dict[str, str]:
    """Vote id → "date · title (vote id)", an unknown date or title left empty; made column by column (a loop over
    1,000 votes took 10 ms of each run of the map)."""
    ids = votes["vote_id"].astype(str).tolist()
    days = pd.to_datetime(votes["date"]).to_numpy(dtype="datetime64[D]")
    dates = np.where(np.isnat(days), "", np.datetime_as_string(days, unit="D")).tolist()
    titles = votes["title"].where(votes["title"].notna(), "").astype(str).tolist()
    return {v: f"{d} · {t} ({v})" for v, d, t in zip(ids, dates, titles, strict=True)}


def _among(ids: pd.Series, wanted: pd.Series) -> np.ndarray:
    """Whether each id is one of `wanted` (ids are never missing), through a set of Python strings.

    pandas' Series.isin on its Arrow-backed strings took 90–140 ms for 20,000 vote ids against 19,000 at 14 M (it
    converts the wanted values one by one); this takes about 4 ms.
    """
    wanted_ids = set(wanted.tolist())
    return np.fromiter((i in wanted_ids for i in ids.tolist()), dtype=bool, count=len(ids))


def second_dimension_note(fitted: metrics.MemberMap) -> str | None:
    """A warning when the second dimension classifies the votes no better than the first alone, else None."""
    about = fitted.classification
    if not about or about["correct_2d"] > about["correct_1d"]:
        return None
    return ("Read this map from left to right only. Here both dimensions together put no more yes/no choices on "
            f"the predicted side than the first alone ({about['correct_2d']:.1%} against {about['correct_1d']:.1%}), "
            "so up and down shows no pattern in these votes: how high a member sits is noise, and it can come out "
            "differently on another computer.")


# Printed under a downloaded map whose second dimension adds nothing (second_dimension_note), so that the warning
# travels with the image.
FLAT_MAP_NOTE = ("Read left to right only: up and down shows no pattern in these votes (both dimensions classify "
                 "them no better than the first alone).")


def map_caption(title: str, subtitle: str, flat: bool) -> publish.Caption:
    """The words around a downloaded map: with FLAT_MAP_NOTE when its second dimension adds nothing (`flat`)."""
    caption = publish.generic_caption(title, subtitle)
    return dataclasses.replace(caption, notes=FLAT_MAP_NOTE) if flat else caption


def describe_fit(fitted: metrics.MemberMap) -> str:
    """What the axes are and how well they classify the votes, in one sentence for a caption."""
    about = fitted.classification
    told = ("Positions come from one fit on all votes stored for this assembly (refitted after each import), so a "
            "member keeps their place whatever the filters; the filters choose which members are highlighted, with "
            "the party each belonged to in the chosen range.")
    if not about:
        return told
    return (f"{told} Dimension 1 alone puts {about['correct_1d']:.1%} of the {about['choices']:,} yes/no choices "
            f"on {about['votes']:,} scaled votes on the predicted side (APRE {about['apre_1d']:.2f}); both "
            f"dimensions {about['correct_2d']:.1%} (APRE {about['apre_2d']:.2f}).")
