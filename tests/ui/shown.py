"""What a page shows in AppTest, read back as a reader would see it: its plain HTML tables and its lists."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pandas as pd
from streamlit.testing.v1 import AppTest


class _Tables(HTMLParser):
    """Every <table> of an HTML text: headings, cell texts and each cell's links (text, address)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self._cell: list[str] | None = None
        self._links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._link_text: list[str] = []
        self._swatch: str | None = None
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table":
            self.tables.append({"columns": [], "rows": [], "links": []})
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and self.tables and not self._in_head:
            self.tables[-1]["rows"].append([])
            self.tables[-1]["links"].append([])
        elif tag in ("th", "td"):
            self._cell, self._links, self._swatch = [], [], None
        elif tag == "a" and self._cell is not None:
            self._href, self._link_text = found.get("href") or "", []
        elif tag == "span" and self._cell is not None and "tracker-swatch" in (found.get("class") or ""):
            self._swatch = found.get("aria-label")

    def handle_endtag(self, tag: str) -> None:
        if tag == "thead":
            self._in_head = False
        elif tag == "a" and self._href is not None:
            self._links.append(("".join(self._link_text), self._href))
            self._href = None
        elif tag in ("th", "td") and self._cell is not None:
            text = self._swatch or "".join(self._cell).strip()
            table = self.tables[-1]
            if self._in_head:
                table["columns"].append(text)
            else:
                table["rows"][-1].append(text)
                table["links"][-1].append(self._links)
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._href is not None:
            self._link_text.append(data)


def html_tables(app: AppTest) -> list[pd.DataFrame]:
    """The page's plain tables (widgets.small_table) as text frames; `.attrs["links"]` holds each row's links."""
    frames = []
    for element in app.get("html"):
        parser = _Tables()
        parser.feed(element.proto.body)
        for table in parser.tables:
            rows = list(zip(table["rows"], table["links"], strict=True))
            frame = pd.DataFrame([r for r, _ in rows], columns=table["columns"])
            frame.attrs["links"] = [dict(zip(table["columns"], links, strict=True)) for _, links in rows]
            frames.append(frame)
    return frames


def _list(app: AppTest, kind: str) -> dict:
    for element in app.get("bidi_component"):
        if element.proto.component_name.endswith("tracker_list"):
            given = json.loads(element.proto.json)   # the rows as one JSON text, and the open vote beside them
            listed = json.loads(given["list"]) | {"current": given["current"]}
            if listed["kind"] == kind:
                return listed
    raise AssertionError(f"the page shows no {kind}")


def vote_list(app: AppTest) -> pd.DataFrame:
    """The Votes page's list of votes (tracker/ui/lists.py) as the text of its cells."""
    listed = _list(app, "vote-list")
    return pd.DataFrame(listed["rows"], columns=listed["columns"])


def member_list(app: AppTest) -> pd.DataFrame:
    """A vote's member list (tracker/ui/lists.py) as the text of its cells, before any name search typed in the page
    (`.attrs["search"]` holds the search box as sent: label, searched column, text)."""
    listed = _list(app, "member-list")
    frame = pd.DataFrame(listed["rows"], columns=listed["columns"])
    frame.attrs["search"] = listed["search"]
    return frame


def rebellion_list(app: AppTest) -> pd.DataFrame | None:
    """The Members page's list of rebellions (tracker/ui/lists.py) as the text of its cells; None when not shown."""
    try:
        listed = _list(app, "rebellion-list")
    except AssertionError:
        return None
    frame = pd.DataFrame(listed["rows"], columns=listed["columns"])
    frame.attrs["link_page"], frame.attrs["first"] = listed["link_page"], listed["first"]
    return frame
