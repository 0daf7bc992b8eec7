"""Votes: a searchable table, and one vote's page (arch, party breakdown, stages, sources)."""

from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

from tracker import charts, figure_export, queries, summaries, vote_story
from tracker.charts import bars_html, publish
from tracker.export import table_bytes
from tracker.metrics import Filters
from tracker.ui import cache, filters, lists, timing, vote_members, widgets
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
        found = cache.search_votes(search)
    except ValueError as bad:
        st.warning(str(bad))
        return
    st.caption(f"{len(found):,} vote matches." if len(found) == 1 else f"{len(found):,} votes match.")
    if not found.empty:
        _matches_over_time(search, found, names)
        st.download_button("All matching votes (CSV)", key="v_matches_csv", on_click="ignore", mime="text/csv",
                           data=functools.partial(table_bytes, found, "csv"),
                           file_name=figure_export.file_name("votes", [search.text, search.assembly,
                                                                       search.date_from, search.date_to], "csv"),
                           help="Every vote that matches the search, not only the page shown")
    _list_and_vote(found, names)


@timing.fragment
def _list_and_vote(found: pd.DataFrame, names: dict[str, str]) -> None:
    """The matching votes and the one open: a click in the list reruns only this part, not the search above it."""
    chosen = _vote_table(found)
    if chosen is None:
        return
    st.divider()
    # A vote opened by the page's address (a link, a shared view) lies below the list: the page scrolls to it once.
    if chosen == st.session_state.get(LINKED_VOTE_KEY):
        widgets.scroll_here(chosen, key="v_linked_vote")
    else:
        st.session_state.pop(LINKED_VOTE_KEY, None)   # opened by the reader here: no scrolling, now or on return
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


OFFICIAL_NAMES = {"passed": "Passed (official)", "failed": "Failed (official)", "unknown": "No clear official result"}


@st.cache_data(show_spinner=False, max_entries=64)
def _matches_by_year(db: str, version: object, search: queries.VoteSearch, _found: pd.DataFrame) -> pd.DataFrame:
    # Keyed by the search; `_found` (its matches, which the page has already read) is not hashed.
    official = _found["official"].where(_found["official"].isin(["passed", "failed"]))
    return summaries.outcomes_by_period(_found.assign(outcome=official), "year")


def _matches_over_time(search: queries.VoteSearch, found: pd.DataFrame, names: dict[str, str]) -> None:
    """The matching votes per year by official result: where in time the search's votes lie."""
    by_year = _matches_by_year(cache.database_path(), cache.version(), search, found)
    title = "Matching votes by year and official result"
    shown = Filters(assembly=search.assembly, date_from=search.date_from, date_to=search.date_to)
    described = filters.describe(shown, names, search=search.text, stage=search.stage, result=search.result,
                                 party=search.party, position=search.party_position)
    # Drawn as HTML, so that the Votes page loads no plotly.js; the plotly figure is built for the Download menu.
    widgets.drawn_chart(bars_html.outcomes_by_period_html(by_year, title, "year", OFFICIAL_NAMES),
                        functools.partial(charts.outcomes_over_time, by_year, title, height=260, names=OFFICIAL_NAMES),
                        by_year, "matching-votes-by-year", [search.text, *filters.name_parts(shown)],
                        key="votes_by_year", caption=publish.generic_caption(title, described))


ROWS_PER_PAGE = 100   # a page of the table; the whole list is in the search's CSV, not on the screen
LINKED_VOTE_KEY = "v_linked_vote_id"   # the vote the page's address opened (scrolled to once), until another opens


def _vote_table(found: pd.DataFrame) -> str | None:
    """One page of the matching votes; returns the vote to show (from a row click, the list below, or the URL)."""
    if found.empty:
        st.info("No vote matches these filters. Clear the search text or widen the date range.")
        return None
    pages = -(-len(found) // ROWS_PER_PAGE)
    page = filters.page_number(pages, "v_page") if pages > 1 else 1
    first = (page - 1) * ROWS_PER_PAGE
    shown = found.iloc[first:first + ROWS_PER_PAGE]
    if pages > 1:
        st.caption(f"Votes {first + 1:,}–{first + len(shown):,} of {len(found):,}, newest first: choose another "
                   "page above the table, or narrow the search.")
    vote_ids = shown["vote_id"].astype(str).tolist()
    if "v_vote" not in st.session_state and st.query_params.get("vote"):
        st.session_state[LINKED_VOTE_KEY] = st.query_params.get("vote")   # the address opens it, not a click
    current = st.session_state.get("v_vote") or st.query_params.get("vote")
    # The list's key names its page and rows, so that a sort chosen on one page or search is not kept on another.
    rows_key = f"v_list_{page}_{hash(tuple(vote_ids)) & 0xFFFFFFFF:x}"
    opened = lists.vote_list(shown, TABLE_COLUMNS, current, key=rows_key)
    if opened in vote_ids:
        st.session_state["v_vote"] = current = opened
    labels = dict(zip(vote_ids, shown["title"].fillna("").astype(str), strict=False))
    # The list holds this page's votes and the one open now (from a link, a click or an earlier page), so it stays
    # short however many votes match; a link to a vote that does not exist is refused with a notice.
    if current and current not in labels and cache.read("vote_detail", current) is not None:
        vote_ids.append(current)
    return filters.choice("Open a vote", "vote", vote_ids, "v_vote", "Choose a vote (or click a row above)",
                          format_func=lambda v: f"{v} · {labels.get(v, '')[:90]}" if v in labels else v,
                          sidebar=False)


def vote_page(vote_id: str, assembly_names: dict[str, str]) -> None:
    """One vote: headline, who did what, parliament chart, party bars and table, members, share card, sources."""
    vote = cache.read("vote_detail", vote_id)
    if vote is None:
        st.warning(f"There is no vote {widgets.md_escape(vote_id)} in the database.")
        return
    title = str(vote.get("title") or vote_id)
    widgets.heading(f"{vote_id}: {title}", 2)
    date = pd.Timestamp(vote["date"]).date() if vote.get("date") is not None else None
    filter_parts = [vote_id, vote.get("assembly"), date]
    outcome = cache.vote_outcome(vote_id, vote.get("assembly"))
    parties_on_vote = cache.read("vote_parties", vote_id)
    members = _members(vote_id)
    party_table = cache.read("parties")
    story = vote_story.tell(vote, parties_on_vote, members, outcome, party_table)
    # Bold only the tool's own words (result and tally): the stage and other data text stay plain text.
    result, _, rest = story.headline.partition(" · ")
    st.markdown(f"**{widgets.md_escape(result)}**" + (f" · {widgets.md_escape(rest)}" if rest else ""))
    if story.summary:
        st.markdown(widgets.md_escape(story.summary))
        st.caption(f"Who did what, from {story.summary_basis}.")
    verdict = _verdict(outcome)
    st.text(f"Assembly: {vote.get('assembly_name') or 'unknown'} · {verdict}")
    colours = charts.party_colours(party_table)
    notes = str(vote.get("note") or "")
    caption = publish.Caption(title, story.subtitle, notes, story.source)
    if story.basis == "party position":
        st.caption("Only party positions are known for this vote: each party's seats are coloured by its stated "
                   "position; seats of parties with no known position are grey.")
    # Drawn as SVG (a few ms in the browser, where plotly.js took about 140 ms for 700 seats); the plotly figure is
    # built only for the Download menu.
    widgets.drawn_chart(vote_story.parliament_svg(story, parties_on_vote, colours),
                        functools.partial(vote_story.parliament_chart, story, parties_on_vote, colours, width=700,
                                          height=460),
                        story.seats[["party", "position", "member"]], "parliament", filter_parts,
                        key="vote_hemicycle", caption=caption)
    total = {c: vote.get(c) for c in charts.COUNTS}
    threshold = None if outcome is None else outcome.get("threshold")
    rows = charts.breakdown_rows(parties_on_vote, total)
    short = _short_verdict(outcome)
    # As HTML too: with the parliament chart, a vote's page then needs no plotly.js unless the vote has stages.
    widgets.drawn_chart(bars_html.breakdown_html(rows, threshold, short, "Votes by party"),
                        functools.partial(charts.party_breakdown, parties_on_vote, total, threshold, short,
                                          "Votes by party", rows),
                        rows, "party-breakdown", filter_parts, key="vote_breakdown", caption=caption)
    if not parties_on_vote.empty:
        _party_table(parties_on_vote, colours, filter_parts)
    else:
        st.caption("No party positions are recorded for this vote.")
    if not members.empty:
        vote_members.member_list(members, vote_id)
    _share_card(story, parties_on_vote, colours, vote_id)
    if vote.get("matter"):
        _stages(str(vote["matter"]), filter_parts)
    if vote.get("note"):
        st.subheader("Note")
        st.text(notes)
    st.subheader("Sources")
    widgets.source_links(queries.source_links(vote.get("source_url")))


@st.cache_data(show_spinner=False, max_entries=64)
def _cached_members(db: str, version: object, vote_id: str) -> pd.DataFrame:
    return queries.vote_members(cache.database(), vote_id)


def _members(vote_id: str) -> pd.DataFrame:
    """How each member voted (empty when only tallies or party positions are stored)."""
    return _cached_members(cache.database_path(), cache.version(), vote_id)


def _party_table(parties_on_vote: pd.DataFrame, colours: dict[str, str], filter_parts: list[object]) -> None:
    """Every party of the vote in full: colour, label, name, position, counts where known, source, caveat; a CSV."""
    st.subheader("Party positions")
    shown = parties_on_vote.rename(columns={"position_label": "as reported", "source": "known from",
                                            "source_url": "source", "note": "caveat"})
    shown["colour"] = [widgets.swatch(charts.colour_of(str(p), colours)) for p in shown["party"]]
    shown["source"] = shown["source"].map(widgets.link_html)
    counted = [c for c in ("yes", "no", "abstain", "absent") if shown[c].notna().any()]  # none when no tallies
    columns = ["colour", "party", "name", "position", "as reported", *counted, "known from", "source", "caveat"]
    # A plain table, not a data grid: a vote's few parties read in full (caveats wrap).
    widgets.small_table(shown[columns], html_columns=("colour", "source"))
    st.download_button("Party positions (CSV)", key="vote_parties_csv", on_click="ignore", mime="text/csv",
                       data=functools.partial(table_bytes, parties_on_vote, "csv"),
                       file_name=figure_export.file_name("party-positions", filter_parts, "csv"),
                       help="The table above with every column, sources as full addresses")


def _share_card(story: vote_story.VoteStory, parties_on_vote: pd.DataFrame, colours: dict[str, str],
                vote_id: str) -> None:
    """The vote's 1200×630 share card as PNG, SVG or PDF, drawn only when a button is pressed."""
    st.subheader("Share card")
    headline = st.text_input("Card headline", value=story.title, key="vote_card_headline")
    if widgets.image_export_problem() is not None:
        st.caption(widgets.image_export_problem())
        return
    row = st.container(horizontal=True, gap="small", key="vote_card_downloads")
    with row:
        for fmt in ("png", "svg", "pdf"):
            st.download_button(f"Card {fmt.upper()}", key=f"vote_card_{fmt}", on_click="ignore",
                               data=functools.partial(_card_bytes, story, parties_on_vote, colours,
                                                      headline or story.title, fmt),
                               file_name=figure_export.file_name("card", [vote_id], fmt),
                               mime=figure_export.MIME_TYPES[fmt])


def _card_bytes(story: vote_story.VoteStory, parties_on_vote: pd.DataFrame, colours: dict[str, str], headline: str,
                fmt: str) -> bytes:
    """The share card drawn and rendered, when its download is pressed."""
    card = vote_story.card(story, parties_on_vote, colours, headline)
    return figure_export.image_bytes(card, fmt, 1200, 630, 1)


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
            st.markdown(f"{widgets.md_escape(record['stage'] or 'stage')} · {date}")
            st.text(" · ".join(f"{c}: {widgets.UNKNOWN_CELL if queries.is_missing(record[c]) else int(record[c])}"
                               for c in charts.COUNTS))
            st.caption(widgets.md_escape(f"{record['vote_id']}: {record['result'] or 'no result recorded'}"))
    title = f"Stages of {matter}"
    if stages[list(charts.COUNTS)].notna().to_numpy().any():   # else the stages above say every count is unknown
        widgets.drawn_chart(bars_html.stages_html(stages, title),
                            functools.partial(charts.stage_comparison, stages, title), stages, "stages", [matter],
                            key="vote_stages", caption=publish.generic_caption(title, ""))
    moves = cache.read("stage_moves", matter)
    if not moves.empty:
        st.caption("Party positions at each stage (moved = the party's position changed between stages).")
        widgets.small_table(moves.assign(moved=moves["moved"].map({True: "moved", False: ""})))
