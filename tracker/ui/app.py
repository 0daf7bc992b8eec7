"""The dashboard's frame: page config, the database, the synthetic-data banner and the navigation."""

from __future__ import annotations

import streamlit as st

from tracker.ui import cache, timing, widgets

# An emoji: Streamlit draws it in the page; a Material symbol would be fetched from fonts.gstatic.com on every page
# load, and missing offline.
PAGE_ICON = "🗳️"
PAGES = {
    "overview": ("tracker/ui/pages/overview.py", "Overview", ":material/dashboard:"),
    "votes": ("tracker/ui/pages/votes.py", "Votes", ":material/how_to_vote:"),
    "parties": ("tracker/ui/pages/parties.py", "Parties", ":material/groups:"),
    "trends": ("tracker/ui/pages/trends.py", "Trends", ":material/trending_up:"),
    "members": ("tracker/ui/pages/members.py", "Members", ":material/person:"),
    "data": ("tracker/ui/pages/data.py", "Data", ":material/upload_file:"),
}


def run() -> None:
    """Set up the page, open (or build) the database once per process, and run the chosen page."""
    with timing.rerun("script") as timed:
        st.set_page_config(page_title="Parliamentary vote tracker", page_icon=PAGE_ICON, layout="wide")
        cache.database()
        if notice := cache.import_notice():
            st.caption(notice)
        widgets.banner_if_synthetic(cache.read("synthetic_assemblies"))
        shown = [name for name in PAGES if name != "members" or cache.read("has_member_votes")]
        pages = [st.Page(PAGES[name][0], title=PAGES[name][1], icon=PAGES[name][2], url_path=name,
                         default=(name == "overview")) for name in shown]
        page = st.navigation(pages, position="top")
        timed["page"] = page.url_path
        page.run()

