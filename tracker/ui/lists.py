"""Plain lists drawn by the browser: the Votes page's votes (a row opens its vote at once, a title links to it), a
vote's members (a name search that filters as it is typed) and the Members page's rebellions (a vote's title links to
its page on the Votes page). Headings sort the rows shown.

Streamlit's data grid waits about 150 ms after a row is clicked before it tells the server (it collects a selection),
which was a fifth of what opening a vote cost, and a search typed in a text box reruns the page and redraws the grid.
Here a click is sent as it happens, and the member search filters rows in the page without asking the server.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from tracker.ui.widgets import UNKNOWN_CELL, plain_text

NUMBER_COLUMNS = ("yes", "no", "abstain", "absent")
REBELLIONS_FIRST = 100      # rows of the rebellions drawn until "Show all" is pressed
SEND_SEARCH_AFTER_MS = 250   # typing pauses this long before the search reaches the server (for the CSV only)

_JS = """
const UNKNOWN = '%(unknown)s';
function compare(a, b, numeric, ascending) {
  if (a === b) return 0;
  if (a === UNKNOWN) return 1;   // unknown cells last, whichever way the column is sorted
  if (b === UNKNOWN) return -1;
  return (ascending ? 1 : -1) * (numeric ? Number(a) - Number(b) : a.localeCompare(b));
}
function address(id, page) {
  // This page's address (its filters) with the vote; on another page's list, the same address on that page.
  const url = new URL(window.location.href);
  if (page) {
    url.pathname = url.pathname.replace(/[^/]*$/, page);
    url.searchParams.delete('section');   // this page's open section, which that page does not have
  }
  url.searchParams.set('vote', id);
  return url.pathname + url.search;
}
function matches(row, list, query) {
  if (!query) return true;
  const text = row[list.search.column];
  return text !== UNKNOWN && text.toLowerCase().includes(query);
}
function draw(root, list) {
  const { columns, rows, numbers, current, id_column, title_column, noun, link_page, first } = list;
  const sort = root.__sort, query = list.search ? root.__query.trim().toLowerCase() : '';
  let shown = rows.map((row, i) => [row, i]).filter(([row]) => matches(row, list, query));
  if (sort) {
    const at = columns.indexOf(sort.column), numeric = numbers.includes(sort.column);
    shown.sort((x, y) => compare(x[0][at], y[0][at], numeric, sort.ascending) || x[1] - y[1]);
  }
  if (list.search) {
    root.__count.textContent = query
      ? `${shown.length.toLocaleString('en')} of ${rows.length.toLocaleString('en')} ${noun} shown`
      : `${rows.length.toLocaleString('en')} ${noun}`;
  }
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  for (const name of columns) {
    const th = document.createElement('th');
    th.scope = 'col';
    if (numbers.includes(name)) th.className = 'n';
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = name;
    button.title = `Sort the ${noun} shown by ${name}`;
    if (sort && sort.column === name) {
      th.setAttribute('aria-sort', sort.ascending ? 'ascending' : 'descending');
      button.textContent = name + (sort.ascending ? ' ↑' : ' ↓');
    }
    button.onclick = () => {
      const first = !numbers.includes(name) && name !== 'date';   // text A to Z; counts and dates largest first
      root.__sort = sort && sort.column === name ? { column: name, ascending: !sort.ascending }
                                                 : { column: name, ascending: first };
      draw(root, list);
    };
    th.appendChild(button);
    head.appendChild(th);
  }
  const body = table.createTBody();
  // A long list draws its first rows until asked for all (laying out every row of 500 cost the browser 0.1 s).
  const limit = first && !root.__all ? Math.min(first, shown.length) : shown.length;
  for (const [row] of shown.slice(0, limit)) {
    const tr = body.insertRow();
    const id = id_column === null ? null : row[id_column];
    if (id !== null) {
      tr.dataset.id = id;
      if (!link_page) {   // a row of this page's own votes: a click opens it here
        tr.dataset.vote = id;
        if (id === current) tr.setAttribute('aria-current', 'true');
      }
    }
    row.forEach((value, i) => {
      const td = tr.insertCell();
      if (numbers.includes(columns[i])) td.className = 'n';
      else if (i === id_column || columns[i] === 'date') td.className = 'k';
      if (i === title_column) {
        const link = document.createElement('a');
        link.href = address(id, link_page);
        link.textContent = value || id;
        link.title = value;
        td.className = 'title';
        td.appendChild(link);
      } else {
        td.textContent = value;
      }
    });
  }
  if (list.search && query && !shown.length) {
    const td = body.insertRow().insertCell();
    td.colSpan = columns.length;
    td.className = 'none';
    const all = rows.length.toLocaleString('en');
    td.textContent = `No ${noun} match “${root.__query.trim()}”. Clear the search to see all ${all}.`;
  }
  root.__rows.replaceChildren(table);
  root.__more.replaceChildren();
  if (limit < shown.length) {
    const more = document.createElement('button');
    more.type = 'button';
    more.textContent = `Show all ${shown.length.toLocaleString('en')} ${noun}`;
    more.onclick = () => { root.__all = true; draw(root, root.__list); };
    const said = document.createElement('span');
    said.textContent = `The first ${limit.toLocaleString('en')} are shown.`;
    root.__more.append(said, more);
  }
}
function searchBox(root, list) {
  // The search filters the rows here as it is typed; the server hears it after a pause (for the CSV of the rows shown).
  const bar = document.createElement('div');
  bar.className = 'search';
  const label = document.createElement('label');
  const caption = document.createElement('span');
  caption.textContent = list.search.label;
  const input = document.createElement('input');
  input.type = 'search';
  input.autocomplete = 'off';
  input.spellcheck = false;
  input.value = list.search.query;
  input.placeholder = list.search.placeholder;
  label.append(caption, input);
  root.__count = document.createElement('span');
  root.__count.className = 'count';
  root.__count.setAttribute('aria-live', 'polite');
  bar.append(label, root.__count);
  root.__query = input.value;
  let pending = null;
  const send = () => { clearTimeout(pending); pending = null; root.__state('search', input.value); };
  input.addEventListener('input', () => {
    root.__query = input.value;
    draw(root, root.__list);
    clearTimeout(pending);
    pending = setTimeout(send, %(send_after)d);
  });
  input.addEventListener('change', send);   // Enter, or leaving the box: at once
  return bar;
}
function mark(root, current) {
  // Only the open vote changed (a click, or the selectbox below): the rows stay, the mark moves.
  for (const row of root.querySelectorAll('tr[data-vote]')) {
    if (row.dataset.vote === current) row.setAttribute('aria-current', 'true');
    else row.removeAttribute('aria-current');
  }
}
export default function ({ data: given, parentElement, setTriggerValue, setStateValue }) {
  const { list: data, current } = given;
  let root = parentElement.querySelector(':scope > .tracker-list');
  const list = root && root.__data === data ? root.__list : JSON.parse(data);   // parsed once per new list
  list.current = current;
  if (!root) {
    root = document.createElement('div');
    root.className = 'tracker-list tracker-' + list.kind;
    root.__rows = document.createElement('div');
    root.__rows.className = 'rows';
    root.__more = document.createElement('div');
    root.__more.className = 'more';
    if (list.search) root.append(searchBox(root, list));
    root.append(root.__rows, root.__more);
    parentElement.appendChild(root);
    // A plain click opens the vote here and now; a click with a modifier (new tab, new window) is the link's own.
    root.addEventListener('click', (event) => {
      const row = event.target.closest('tr[data-vote]');
      if (!row || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      for (const other of root.querySelectorAll('tr[aria-current]')) other.removeAttribute('aria-current');
      row.setAttribute('aria-current', 'true');
      root.__send('opened', row.dataset.vote);
    });
    // The link follows the address as it is when used (filters change it after the list is drawn).
    const refresh = (event) => {
      const link = event.target.closest && event.target.closest('a');
      const row = link && link.closest('tr[data-id]');
      if (row) link.href = address(row.dataset.id, root.__list.link_page);
    };
    root.addEventListener('pointerover', refresh);
    root.addEventListener('focusin', refresh);
  }
  root.__send = setTriggerValue;   // this mount's senders, for the listeners set up on the first
  root.__state = setStateValue;
  if (root.__data === data) {
    mark(root, current);
    return;
  }
  root.__data = data;
  root.__list = list;
  draw(root, list);
}
"""

_CSS = """
.tracker-list { font-size: 14px; line-height: 1.5; color: var(--st-text-color); }
.tracker-list .rows { max-height: 440px; overflow: auto; border: 1px solid rgba(128, 128, 128, 0.2);
  border-radius: 8px; }
.tracker-list table { border-collapse: collapse; width: 100%; }
.tracker-list th { position: sticky; top: 0; background: var(--st-background-color, #fff); z-index: 1;
  text-align: left; font-weight: 400; padding: 0; border-bottom: 1px solid rgba(128, 128, 128, 0.3); }
.tracker-list th button { all: unset; box-sizing: border-box; width: 100%; padding: 4px 6px; cursor: pointer;
  opacity: 0.7; white-space: nowrap; }
.tracker-list th button:focus-visible { outline: 2px solid var(--st-primary-color); }
.tracker-list th.n button { text-align: right; }
.tracker-list td { padding: 4px 6px; border-bottom: 1px solid rgba(128, 128, 128, 0.15); }
.tracker-list td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.tracker-list td.k { white-space: nowrap; }
.tracker-list td.none { opacity: 0.7; font-style: italic; }
.tracker-list td.title { min-width: 16rem; }
.tracker-list td.title a { color: var(--st-link-color, rgb(36, 79, 180)); }
.tracker-list tbody tr[data-vote] { cursor: pointer; }
.tracker-list tbody tr:hover { background: rgba(128, 128, 128, 0.08); }
.tracker-list tbody tr[aria-current] { background: rgba(128, 128, 128, 0.18); }
.tracker-list .search { display: flex; align-items: flex-end; gap: 1rem; margin-bottom: 0.5rem; }
.tracker-list .search label { display: flex; flex-direction: column; gap: 0.25rem; flex: 0 1 24rem; }
.tracker-list .search input { font: inherit; color: inherit; padding: 0.4rem 0.75rem; border-radius: 0.5rem;
  border: 1px solid var(--st-secondary-background-color, #f0f2f6);
  background: var(--st-secondary-background-color, #f0f2f6); }
.tracker-list .search input:focus { outline: none; border-color: var(--st-primary-color, #ff4b4b); }
.tracker-list .search .count { opacity: 0.7; padding-bottom: 0.45rem; }
.tracker-list .more { display: flex; align-items: center; gap: 0.75rem; }
.tracker-list .more:not(:empty) { margin-top: 0.5rem; }
.tracker-list .more span { opacity: 0.7; }
.tracker-list .more button { font: inherit; color: inherit; cursor: pointer; padding: 0.25rem 0.75rem;
  border-radius: 0.5rem; border: 1px solid rgba(128, 128, 128, 0.4); background: transparent; }
.tracker-list .more button:hover { border-color: var(--st-primary-color, #ff4b4b); }
"""

_list = st.components.v2.component(
    "tracker_list",
    js=_JS % {"unknown": UNKNOWN_CELL, "send_after": SEND_SEARCH_AFTER_MS},
    css=_CSS, isolate_styles=False)


def _cell(column: str, value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return UNKNOWN_CELL
    if column == "date":
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if column in NUMBER_COLUMNS:
        return str(int(value))
    return plain_text(value)


def cells(frame: pd.DataFrame, columns: Sequence[str]) -> list[list[str]]:
    """The rows as a list shows them: text on one line, dates as YYYY-MM-DD, whole counts, unknown as –."""
    values = [frame[column].tolist() for column in columns]
    return [[_cell(column, value) for column, value in zip(columns, row, strict=True)]
            for row in zip(*values, strict=True)]


def _listed(kind: str, noun: str, frame: pd.DataFrame, columns: Sequence[str], **more: object) -> str:
    """A list's rows and settings as the one JSON text the component is given."""
    columns = list(columns)
    settings = {"numbers": [c for c in columns if c in NUMBER_COLUMNS], "id_column": None, "title_column": None,
                "link_page": None, "search": None, "first": None} | more
    return json.dumps({"kind": kind, "noun": noun, "columns": columns, "rows": cells(frame, columns)} | settings)


def vote_list(frame: pd.DataFrame, columns: Sequence[str], current: str | None, key: str) -> str | None:
    """Draw the votes; returns the vote whose row was clicked in the run that click caused, else None."""
    data = _listed("vote-list", "votes", frame, columns, id_column=list(columns).index("vote_id"),
                   title_column=list(columns).index("title"))
    # The open vote apart from the rows: opening another redraws no row, it only moves the mark.
    result = _list(data={"list": data, "current": current}, key=key, on_opened_change=lambda: None,
                   height="content")
    return result.opened if result is not None else None


def member_list(frame: pd.DataFrame, columns: Sequence[str], key: str) -> str:
    """Draw the members with a name search that filters as it is typed; returns the search as the server last heard
    it (the text typed stays in the page; it reaches the server after a pause, or on Enter)."""
    query = str((st.session_state.get(key) or {}).get("search") or "")   # what was typed before, if any
    data = _listed("member-list", "members", frame, columns, numbers=[],
                   search={"label": "Search member names", "column": list(columns).index("name"), "query": query,
                           "placeholder": "Part of a name, any case"})
    result = _list(data={"list": data, "current": None}, key=key, default={"search": query},
                   on_search_change=lambda: None, height="content")
    return str(result.search or "") if result is not None else query


def rebellion_list(frame: pd.DataFrame, columns: Sequence[str], key: str) -> None:
    """Draw the rebellions; each vote's title links to that vote on the Votes page, with this page's filters."""
    data = _listed("rebellion-list", "rebellions", frame, columns, id_column=list(columns).index("vote_id"),
                   title_column=list(columns).index("title"), link_page="votes", first=REBELLIONS_FIRST)
    _list(data={"list": data, "current": None}, key=key, height="content")
