"""The Votes page's list of matching votes: a plain table whose row opens the vote at once, each title a link.

Streamlit's data grid waits about 150 ms after a row is clicked before it tells the server (it collects a selection),
which was a fifth of what opening a vote cost. Here a click is sent as it happens. Each title is also a link to the
vote's own address, so a vote can be opened in a new tab or copied; the headings sort the rows shown.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from tracker.ui.widgets import UNKNOWN_CELL, plain_text

NUMBER_COLUMNS = ("yes", "no", "abstain", "absent")

_JS = """
const NUMBERS = new Set(%(numbers)s);
function compare(a, b, numeric, ascending) {
  if (a === b) return 0;
  if (a === '%(unknown)s') return 1;   // unknown cells last, whichever way the column is sorted
  if (b === '%(unknown)s') return -1;
  return (ascending ? 1 : -1) * (numeric ? Number(a) - Number(b) : a.localeCompare(b));
}
function address(id) {
  const url = new URL(window.location.href);
  url.searchParams.set('vote', id);
  return url.pathname + url.search;
}
function draw(root, list) {
  const { columns, rows, current, id_column, title_column } = list;
  const sort = root.__sort;
  let shown = rows.map((row, i) => [row, i]);
  if (sort) {
    const at = columns.indexOf(sort.column), numeric = NUMBERS.has(sort.column);
    shown.sort((x, y) => compare(x[0][at], y[0][at], numeric, sort.ascending) || x[1] - y[1]);
  }
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  for (const name of columns) {
    const th = document.createElement('th');
    th.scope = 'col';
    if (NUMBERS.has(name)) th.className = 'n';
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = name;
    button.title = 'Sort the votes shown by ' + name;
    if (sort && sort.column === name) {
      th.setAttribute('aria-sort', sort.ascending ? 'ascending' : 'descending');
      button.textContent = name + (sort.ascending ? ' ↑' : ' ↓');
    }
    button.onclick = () => {
      root.__sort = sort && sort.column === name ? { column: name, ascending: !sort.ascending }
                                                 : { column: name, ascending: !NUMBERS.has(name) && name !== 'date' };
      draw(root, list);
    };
    th.appendChild(button);
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const [row] of shown) {
    const tr = body.insertRow();
    const id = row[id_column];
    tr.dataset.vote = id;
    if (id === current) tr.setAttribute('aria-current', 'true');
    row.forEach((value, i) => {
      const td = tr.insertCell();
      if (NUMBERS.has(columns[i])) td.className = 'n';
      else if (i === id_column || columns[i] === 'date') td.className = 'k';
      if (i === title_column) {
        const link = document.createElement('a');
        link.href = address(id);
        link.textContent = value || id;
        link.title = value;
        td.className = 'title';
        td.appendChild(link);
      } else {
        td.textContent = value;
      }
    });
  }
  root.replaceChildren(table);
}
export default function ({ data, parentElement, setTriggerValue }) {
  let root = parentElement.querySelector(':scope > .tracker-vote-list');
  if (!root) {
    root = document.createElement('div');
    root.className = 'tracker-vote-list';
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
      const row = link && link.closest('tr[data-vote]');
      if (row) link.href = address(row.dataset.vote);
    };
    root.addEventListener('pointerover', refresh);
    root.addEventListener('focusin', refresh);
  }
  root.__send = setTriggerValue;   // this mount's sender, for the listener set up on the first
  if (root.__data === data) return;
  root.__data = data;
  draw(root, JSON.parse(data));
}
"""

_CSS = """
.tracker-vote-list { max-height: 440px; overflow: auto; border: 1px solid rgba(128, 128, 128, 0.2);
  border-radius: 8px; font-size: 14px; line-height: 1.5; color: var(--st-text-color); }
.tracker-vote-list table { border-collapse: collapse; width: 100%; }
.tracker-vote-list th { position: sticky; top: 0; background: var(--st-background-color, #fff); z-index: 1;
  text-align: left; font-weight: 400; padding: 0; border-bottom: 1px solid rgba(128, 128, 128, 0.3); }
.tracker-vote-list th button { all: unset; box-sizing: border-box; width: 100%; padding: 4px 6px; cursor: pointer;
  opacity: 0.7; white-space: nowrap; }
.tracker-vote-list th button:focus-visible { outline: 2px solid var(--st-primary-color); }
.tracker-vote-list th.n button { text-align: right; }
.tracker-vote-list td { padding: 4px 6px; border-bottom: 1px solid rgba(128, 128, 128, 0.15); }
.tracker-vote-list td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.tracker-vote-list td.k { white-space: nowrap; }
.tracker-vote-list td.title { min-width: 16rem; }
.tracker-vote-list td.title a { color: var(--st-link-color, rgb(36, 79, 180)); }
.tracker-vote-list tbody tr { cursor: pointer; }
.tracker-vote-list tbody tr:hover { background: rgba(128, 128, 128, 0.08); }
.tracker-vote-list tbody tr[aria-current] { background: rgba(128, 128, 128, 0.18); }
"""

_list = st.components.v2.component(
    "tracker_vote_list",
    js=_JS % {"numbers": json.dumps(list(NUMBER_COLUMNS)), "unknown": UNKNOWN_CELL},
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
    """The rows as the list shows them: text on one line, dates as YYYY-MM-DD, whole counts, unknown as –."""
    values = [frame[column].tolist() for column in columns]
    return [[_cell(column, value) for column, value in zip(columns, row, strict=True)]
            for row in zip(*values, strict=True)]


def vote_list(frame: pd.DataFrame, columns: Sequence[str], current: str | None, key: str) -> str | None:
    """Draw the votes; returns the vote whose row was clicked in the run that click caused, else None."""
    columns = list(columns)
    data = json.dumps({"columns": columns, "rows": cells(frame, columns), "current": current,
                       "id_column": columns.index("vote_id"), "title_column": columns.index("title")})
    result = _list(data=data, key=key, on_opened_change=lambda: None, height="content")
    return result.opened if result is not None else None
