"""Votes: a searchable table, and one vote's page (arch, party breakdown, stages, sources)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tracker import charts, queries
from tracker.metrics import Filters
from tracker.ui import cache, filters, widgets
from tracker.ui.choices import assembly_choices

RESULT_LABELS = {"passed": "Passed (official)", "failed": "Failed (official)", "unclear": "No clear official result"}
TABLE_COLUMNS = ["date", "vote_id", "title", "stage", "yes", "no", "abstain", "absent", "result"]


def render() -> None:
    """Draw the Votes page."""
    st.title("Votes")
    if cache.is_empty():
        widgets.empty_database_message()
        return
    ids, names = assembly_choices()
    search = _search_filters(ids, names)
    try:
        found = cache.read("search_votes", search)
    except ValueError as bad:
        st.warning(str(bad))
        return
    st.caption(f"{len(found):,} vote matches." if len(found) == 1 else f"{len(found):,} votes match.")
    chosen = _vote_table(found)
    if chosen is None:
        return
    st.divider()
    vote_page(chosen, names)


def _search_filters(ids: list[str], names: dict[str, str]) -> queries.VoteSearch:
    text = filters.text("Search titles, ids and notes", "q", "v_text")
    base = filters.common(ids, names)
    stage = filters.choice("Stage", "stage", cache.read("stages"), "v_stage", "All stages")
    result = filters.choice("Official result", "result", list(queries.OFFICIAL_RESULTS), "v_result", "Any result",
                            format_func=RESULT_LABELS.get)
    party_list = cache.read("parties")["party"].astype(str).tolist()
    party = filters.choice("Party took a position", "party", party_list, "v_party", "Any party")
    position = filters.choice("... and its position was", "position", list(queries.PARTY_POSITIONS), "v_position",
                              "Any position") if party else None
    return queries.VoteSearch(text=text, date_from=base.date_from, date_to=base.date_to, assembly=base.assembly,
                              stage=stage, result=result, party=party, party_position=position)


def _vote_table(found: pd.DataFrame) -> str | None:
    """The table of matching votes; returns the vote to show (from a row click or the URL)."""
    if found.empty:
        st.info("No vote matches these filters. Clear the search text or widen the date range.")
        return None
    table = found[TABLE_COLUMNS].reset_index(drop=True)
    event = widgets.table(table, key="v_table", on_select="rerun", selection_mode="single-row",
                         column_config={"date": st.column_config.DateColumn("date", format="YYYY-MM-DD"),
                                        "title": st.column_config.TextColumn("title", width="large")})
    vote_ids = found["vote_id"].astype(str).tolist()
    rows = event.selection.rows if event is not None else []
    clicked = vote_ids[rows[0]] if rows and rows[0] < len(vote_ids) else None
    # A click opens the vote once; afterwards the selectbox (and the URL) may choose another.
    if clicked is not None and st.session_state.get("v_clicked") != clicked:
        st.session_state["v_vote"] = clicked
    st.session_state["v_clicked"] = clicked
    labels = dict(zip(vote_ids, found["title"].fillna("").astype(str), strict=False))
    return filters.choice("Open a vote", "vote", vote_ids, "v_vote", "Choose a vote (or click a row above)",
                          format_func=lambda v: f"{v} · {labels.get(v, '')[:90]}", sidebar=False)


def vote_page(vote_id: str, assembly_names: dict[str, str]) -> None:
    """One vote: facts, hemicycle, party breakdown with the threshold and verdict, linked stages, sources."""
    vote = cache.read("vote_detail", vote_id)
    if vote is None:
        st.warning(f"There is no vote {widgets.md_escape(vote_id)} in the database.")
        return
    title = str(vote.get("title") or vote_id)
    widgets.heading(f"{vote_id}: {title}", 2)
    date = pd.Timestamp(vote["date"]).date() if vote.get("date") is not None else None
    facts = [f"Date: {date or 'unknown'}", f"Assembly: {vote.get('assembly_name') or 'unknown'}",
             f"Stage: {vote.get('stage') or 'not recorded'}",
             f"Majority rule: {vote.get('majority') or 'not recorded'}",
             f"Official result: {vote.get('result') or 'not recorded'}"]
    st.text("\n".join(facts))
    filter_parts = [vote_id, vote.get("assembly"), date]
    per_vote = Filters(assembly=vote.get("assembly"), date_from=date, date_to=date)
    outcome = _outcome(vote_id, per_vote)
    verdict = _verdict(outcome)
    st.markdown(f"**{widgets.md_escape(verdict)}**")
    parties_on_vote = cache.read("vote_parties", vote_id)
    left, right = st.columns(2)
    with left:
        groups, seats, basis = queries.seat_groups(vote, parties_on_vote)
        seat_frame = charts.hemicycle_seats(groups, seats)
        chart_title = f"{vote_id}: seats by {basis}"
        if basis == "party position" and not groups.empty:
            st.caption("Only party positions are known for this vote: each party's seats are coloured by its "
                       "position; seats of parties with no known position are grey.")
        widgets.chart(charts.hemicycle(seat_frame, chart_title, basis), seat_frame[["party", "position"]],
                      "hemicycle", f"{vote_id}: {title}", filter_parts, "", key="vote_hemicycle")
    with right:
        total = {c: vote.get(c) for c in charts.COUNTS}
        threshold = None if outcome is None else outcome.get("threshold")
        bars_title = f"{vote_id}: votes by party"
        counted = parties_on_vote[parties_on_vote[list(charts.COUNTS)].notna().any(axis=1)]
        fig = charts.party_breakdown(counted, total, threshold, _short_verdict(outcome), bars_title)
        widgets.chart(fig, counted[["party", *charts.COUNTS]], "party-breakdown", f"{vote_id}: {title}",
                      filter_parts, verdict, key="vote_breakdown")
    if not parties_on_vote.empty:
        st.subheader("Party positions")
        shown = parties_on_vote.rename(columns={"position_label": "as reported", "source": "known from"})
        widgets.table(shown[["party", "position", "as reported", "yes", "no", "abstain", "absent", "known from"]],
                      key="vote_parties")
    else:
        st.caption("No party positions are recorded for this vote.")
    if vote.get("matter"):
        _stages(str(vote["matter"]), filter_parts)
    if vote.get("note"):
        st.subheader("Note")
        st.text(str(vote["note"]))
    st.subheader("Sources")
    widgets.source_links(queries.source_links(vote.get("source_url")))


def _outcome(vote_id: str, per_vote: Filters) -> dict | None:
    try:
        frame = cache.metric("outcomes", per_vote)
    except ValueError:
        return None
    row = frame[frame["vote_id"] == vote_id]
    if row.empty:
        return None
    return {k: (None if queries.is_missing(v) else v) for k, v in row.iloc[0].to_dict().items()}


def _verdict(outcome: dict | None) -> str:
    """Passed / failed, by how many votes, or why it cannot be said."""
    if outcome is None or outcome.get("passed") is None:
        official = (outcome or {}).get("official_result")
        known = f" Official result as reported: {official}." if official else ""
        return "The counts needed to recompute the result under its majority rule are not known." + known
    margin = int(outcome["margin"]) if outcome.get("margin") is not None else None
    threshold = outcome.get("threshold")
    if outcome["passed"]:
        text = f"Passed: {outcome['yes']} yes against {threshold} needed"
        text += f" ({margin} more than needed)." if margin is not None else "."
    else:
        text = f"Failed: {outcome['yes']} yes against {threshold} needed"
        text += f" ({-margin} short)." if margin is not None else "."
    flip = outcome.get("votes_to_flip")
    if flip is not None:
        text += f" {int(flip)} votes changing side would flip it."
    if outcome.get("agrees_with_official") is False:
        text += " This differs from the official result as reported."
    return text


def _short_verdict(outcome: dict | None) -> str:
    """'Passed by 42 votes' / 'Failed by 3 votes' / 'Result not computable', for a chart's subtitle."""
    if outcome is None or outcome.get("passed") is None or outcome.get("margin") is None:
        return "Result cannot be recomputed from the known counts"
    margin = int(outcome["margin"])
    if outcome["passed"]:
        return f"Passed with {margin} yes more than needed" if margin else "Passed with exactly the yes needed"
    return f"Failed: {-margin} yes short"


def _stages(matter: str, filter_parts: list[object]) -> None:
    stages = cache.read("matter_stages", matter)
    if len(stages) < 2:
        return
    st.subheader("Stages of this matter")
    columns = st.columns(len(stages))
    for column, record in zip(columns, stages.to_dict("records"), strict=False):
        with column:
            date = pd.Timestamp(record["date"]).date() if not queries.is_missing(record["date"]) else "date unknown"
            st.markdown(f"**{widgets.md_escape(record['stage'] or 'stage')}** · {date}")
            st.text(" · ".join(f"{c}: {widgets.UNKNOWN_CELL if queries.is_missing(record[c]) else int(record[c])}"
                               for c in charts.COUNTS))
            st.caption(widgets.md_escape(f"{record['vote_id']}: {record['result'] or 'no result recorded'}"))
    title = f"Stages of {matter}"
    fig = charts.stage_comparison(stages, title)
    widgets.chart(fig, stages, "stages", title, [matter], "", key="vote_stages")
    moves = cache.read("stage_moves", matter)
    if not moves.empty:
        st.caption("Party positions at each stage (moved = the party's position changed between stages).")
        widgets.table(moves, key="vote_moves")
