"""The member list of one vote: searchable, filterable by party and position, downloadable, rebels marked."""

from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

from tracker import figure_export
from tracker.export import table_bytes
from tracker.ui import lists, timing, widgets

POSITIONS = ("yes", "no", "abstain", "absent")


def filtered_members(members: pd.DataFrame, text: str, parties: list[str], positions: list[str]) -> pd.DataFrame:
    """The members whose name contains the text (any case), of the chosen parties and positions (none = all)."""
    shown = members
    if text.strip():
        shown = shown[shown["name"].fillna("").str.lower().str.contains(text.strip().lower(), regex=False)]
    if parties:
        shown = shown[shown["party"].isin(parties)]
    if positions:
        shown = shown[shown["position"].isin(positions)]
    return shown


REBELS_NAMED = 12   # up to this many rebels are named above the list


@timing.fragment
def member_list(members: pd.DataFrame, vote_id: str) -> None:
    """How each member voted, with rebels marked; the list is drawn when opened, and its filters rerun it alone."""
    st.subheader("How each member voted")
    rebels = members[members["rebel"].fillna(False).astype(bool)]
    st.caption(f"{len(members):,} members; {len(rebels):,} voted against their party's position (marked rebel).")
    if 0 < len(rebels) <= REBELS_NAMED:
        named = ", ".join(f"{name} ({party})" for name, party in zip(rebels["name"].fillna(rebels["member_id"]),
                                                                    rebels["party"].fillna("no party"), strict=True))
        st.caption(widgets.md_escape(f"Against their party: {named}."))
    listing = st.expander(f"The list of {len(members):,} members: search, filter by party and position, download",
                          key="vote_member_list", on_change="rerun")
    with listing:
        if listing.open:   # a data grid is drawn only on request
            _listing(members, vote_id)


def _listing(members: pd.DataFrame, vote_id: str) -> None:
    left, right = st.columns(2)
    with left:
        parties = st.multiselect("Party", sorted(members["party"].dropna().astype(str).unique()),
                                 key="vote_member_party")
    with right:
        positions = st.multiselect("Position", [p for p in POSITIONS if p in set(members["position"])],
                                   key="vote_member_position")
    chosen = filtered_members(members, "", parties, positions)
    table = chosen.assign(rebel=chosen["rebel"].map({True: "rebel", False: ""}))[
        ["name", "party", "position", "party_position", "rebel"]].rename(columns={"party_position": "party's position"})
    # The name search filters the rows in the browser as it is typed; the CSV below follows it once the server hears it.
    text = lists.member_list(table, list(table.columns), key="vote_member_list_rows")
    listed = table.loc[filtered_members(chosen, text, [], []).index]
    st.download_button("Members CSV", data=functools.partial(table_bytes, listed, "csv"), key="vote_member_csv",
                       on_click="ignore", file_name=figure_export.file_name("members", [vote_id], "csv"),
                       mime="text/csv", help="The members listed, as searched and filtered")
