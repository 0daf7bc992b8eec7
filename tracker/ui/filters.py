"""Filters that live in the URL: read from st.query_params on load, written back when they change."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import streamlit as st

from tracker import metrics
from tracker.model import PERIODS
from tracker.ui.widgets import md_escape

EARLIEST, LATEST = date(1800, 1, 1), date(2100, 12, 31)
MAX_SEARCH_CHARS = 200


def _init(key: str, param: str, parse: Callable[[str | None], object], what: str = "",
          default: object = None) -> None:
    """The widget's value from the URL on first load; a value `parse` refuses (None) falls back with a notice."""
    if key not in st.session_state:
        raw = st.query_params.get(param)
        value = parse(raw)
        if value is None and raw not in (None, ""):
            _notice(param, raw, what)
        st.session_state[key] = default if value is None else value
    else:
        # Widgets on another page are new widgets: re-setting the value carries the filter over (without it a
        # sidebar radio would fall back to its first option when the user opens another page).
        st.session_state[key] = st.session_state[key]


def _notice(param: str, raw: str, what: str) -> None:
    """One line saying which part of the link was not used, with the value shown as plain text."""
    shown = raw if len(raw) <= 40 else raw[:39] + "…"
    st.caption(":material/link_off: " + md_escape(f"The link's {param}={shown} is not {what or 'a known value'}; "
                                                  "the default is shown instead."))


def _write(param: str, value: str | None) -> None:
    if value in (None, ""):
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != value:
        st.query_params[param] = value


def parse_date(raw: str | None) -> date | None:
    """A date from the URL (YYYY-MM-DD) between 1800 and 2100, None when missing, malformed or out of range."""
    try:
        value = date.fromisoformat(raw.strip()) if raw and len(raw) <= 40 else None
    except ValueError:
        return None
    return value if value is not None and EARLIEST <= value <= LATEST else None


def _date_param(param: str, key: str) -> None:
    _init(key, param, parse_date, f"a date between {EARLIEST} and {LATEST} (YYYY-MM-DD)")


def choice(label: str, param: str, options: Sequence[str], key: str, none_label: str = "All",
           format_func: Callable[[str], str] = str, sidebar: bool = True) -> str | None:
    """A selectbox whose value (None = all) is kept in the URL; unknown values in the URL are ignored."""
    # "" stands for "all": a None value would show as an empty selectbox.
    values = ["", *options]
    _init(key, param, lambda raw: raw if raw in options else ("" if raw in (None, "") else None),
          f"one of the {label.lower()} choices", default="")
    if st.session_state[key] not in values:
        st.session_state[key] = ""
    where = st.sidebar if sidebar else st
    value = where.selectbox(label, values, key=key, format_func=lambda v: none_label if v == "" else format_func(v))
    _write(param, value)
    return value or None


def text(label: str, param: str, key: str, sidebar: bool = True) -> str:
    """A text input kept in the URL."""
    _init(key, param, lambda raw: raw if raw is None or len(raw) <= MAX_SEARCH_CHARS else None,
          f"a search of at most {MAX_SEARCH_CHARS} characters", default="")
    if st.session_state[key] is None:
        st.session_state[key] = ""
    where = st.sidebar if sidebar else st
    value = where.text_input(label, key=key)
    _write(param, value.strip())
    return value.strip()


def date_range(param_from: str = "from", param_to: str = "to", key: str = "f") -> tuple[date | None, date | None]:
    """Two date inputs (either may be empty) kept in the URL as YYYY-MM-DD."""
    _date_param(param_from, f"{key}_from")
    _date_param(param_to, f"{key}_to")
    first = st.sidebar.date_input("From", key=f"{key}_from", min_value=EARLIEST, max_value=LATEST,
                                  format="YYYY-MM-DD")
    last = st.sidebar.date_input("To", key=f"{key}_to", min_value=EARLIEST, max_value=LATEST, format="YYYY-MM-DD")
    _write(param_from, first.isoformat() if first else None)
    _write(param_to, last.isoformat() if last else None)
    if first and last and first > last:
        st.sidebar.warning("The start date is after the end date: no vote can match.")
    return first, last


def parties(label: str, options: Sequence[str], key: str = "f_parties", param: str = "parties") -> tuple[str, ...]:
    """A multiselect of parties kept in the URL as a comma-separated list (unknown labels dropped)."""
    def parse(raw: str | None) -> list[str] | None:
        wanted = [p for p in (raw or "").split(",") if p]
        known = [p for p in wanted if p in options]
        return known if len(known) == len(wanted) or known else None

    _init(key, param, parse, "a list of known parties", default=[])
    if st.session_state[key] is None:
        st.session_state[key] = []
    st.session_state[key] = [p for p in st.session_state[key] if p in options]
    value = st.sidebar.multiselect(label, list(options), key=key, placeholder="All parties")
    # Labels may contain commas only in theory; they are matched against the stored labels when read back.
    _write(param, ",".join(value) if value else None)
    return tuple(value)


def page_number(pages: int, key: str, param: str = "page") -> int:
    """Which page (1..pages) of a long list to show, kept in the URL; a page past the end shows the last one."""
    _init(key, param, lambda raw: int(raw) if raw and raw.isdigit() and 1 <= int(raw) <= 1_000_000 else
          (1 if raw in (None, "") else None), "a page number", default=1)
    st.session_state[key] = min(max(1, int(st.session_state[key] or 1)), pages)
    left, _ = st.columns([1, 5])
    value = left.number_input(f"Page (of {pages:,})", min_value=1, max_value=pages, step=1, key=key)
    _write(param, None if value == 1 else str(value))
    return int(value)


def period(key: str = "f_period", param: str = "period") -> str:
    """Month, quarter or year, kept in the URL."""
    _init(key, param, lambda raw: raw if raw in PERIODS else ("year" if raw in (None, "") else None),
          "month, quarter or year", default="year")
    value = st.sidebar.radio("Period", PERIODS, key=key, horizontal=True)
    _write(param, None if value == "year" else value)
    return value


def common(assemblies: Sequence[str], assembly_names: dict[str, str], key: str = "f") -> metrics.Filters:
    """Assembly and date range, the filters every page shares."""
    assembly = choice("Assembly", "assembly", assemblies, f"{key}_assembly", "All assemblies",
                      format_func=lambda a: assembly_names.get(a, a)) if len(assemblies) > 1 else (
        assemblies[0] if assemblies else None)
    first, last = date_range(key=key)
    return metrics.Filters(assembly=assembly, date_from=first, date_to=last)


def describe(filters: metrics.Filters, assembly_names: dict[str, str] | None = None, **more: object) -> str:
    """The filters in words, for exported charts."""
    parts = []
    if filters.assembly:
        parts.append((assembly_names or {}).get(filters.assembly, filters.assembly))
    if filters.date_from or filters.date_to:
        parts.append(f"{filters.date_from or 'start'} to {filters.date_to or 'latest'}")
    else:
        parts.append("all dates")
    if filters.parties:
        parts.append("parties: " + ", ".join(filters.parties))
    parts += [f"{k.replace('_', ' ')}: {v}" for k, v in more.items() if v]
    return " · ".join(parts)


def name_parts(filters: metrics.Filters, *more: object) -> list[object]:
    """The filters as parts of a file name."""
    return [filters.assembly, filters.date_from, filters.date_to, *filters.parties, *more]
