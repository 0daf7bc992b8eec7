"""The native CSV formats: detect which one a header is, and check and convert its rows."""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tracker.ingest.problems import Problem, rows_text
from tracker.model import (
    MAJORITY_RULES,
    canonical_column,
    fold,
    parse_majority_rule,
    party_position_from_label,
    position_from_label,
)

VOTE_TALLIES = "vote tallies"
PARTY_POSITIONS = "party positions"
MEMBER_VOTES = "member votes"
PARTIES = "parties"
ASSEMBLIES = "assemblies"

VOTE_FIELDS = ("assembly", "date", "title", "stage", "matter", "majority", "seats", "result", "source_url", "note")
COUNTS = ("yes", "no", "abstain", "absent")
# The columns are 32-bit integers; no assembly has near 100,000 seats, and four counts of that still add up safely.
MAX_COUNT = 100_000
ALL_VOTE_COLUMNS = ("vote_id",) + VOTE_FIELDS[:5] + COUNTS + VOTE_FIELDS[5:]

REQUIRED = {
    VOTE_TALLIES: ("vote_id", "date", "title"),
    PARTY_POSITIONS: ("vote_id", "party"),
    MEMBER_VOTES: ("vote_id", "party", "position"),
    PARTIES: ("party",),
    ASSEMBLIES: ("assembly",),
}

KNOWN_COLUMNS = {
    VOTE_TALLIES: set(ALL_VOTE_COLUMNS),
    PARTY_POSITIONS: {"vote_id", "party", "position", *COUNTS, *VOTE_FIELDS},
    MEMBER_VOTES: {"vote_id", "member_id", "member_name", "party", "position", *VOTE_FIELDS},
    PARTIES: {"party", "name", "bloc", "colour", "seats", "source_url", "note", "seat_order"},
    ASSEMBLIES: {"assembly", "name", "country", "seats", "start_date", "end_date", "source_url", "note"},
}

_EXAMPLE_HEADERS = (
    "vote tallies: vote_id,date,title,yes,no,abstain,absent; party positions: vote_id,party,position (or counts); "
    "member votes: vote_id,member_id or member_name,party,position"
)


@dataclass(frozen=True)
class FileFormat:
    """What a file holds and what each of its columns means."""

    kind: str
    columns: list[str]          # our name for each header cell, in file order
    ignored: list[str]          # header cells we do not use
    header: list[str] = field(default_factory=list)  # the header cells as written, when known


def detect_format(file_name: str, header: list[str]) -> tuple[FileFormat | None, list[Problem]]:
    """The format a header belongs to, by its column names (case-, accent- and language-insensitive)."""
    if not any(header):
        return None, [Problem(file_name, "The first row (the header) is empty.",
                              f"Put the column names in the first row, e.g. {_EXAMPLE_HEADERS}.", row=1)]
    columns = [canonical_column(h) for h in header]
    names = set(columns)
    if "vote_id" in names and "member_name" not in names and "member_id" not in names and "name" in names \
            and "position" in names:
        columns = ["member_name" if c == "name" else c for c in columns]
        names = set(columns)
    if "vote_id" in names:
        if "member_id" in names or "member_name" in names:
            kind = MEMBER_VOTES
        elif "party" in names:
            kind = PARTY_POSITIONS
        else:
            kind = VOTE_TALLIES
    elif "party" in names:
        kind = PARTIES
    elif "assembly" in names:
        kind = ASSEMBLIES
    else:
        return None, [Problem(file_name, "The header has no vote id column, so the file's format is unknown "
                              f"(columns found: {', '.join(h for h in header if h) or 'none'}).",
                              f"Name the columns as in one of our formats: {_EXAMPLE_HEADERS}. "
                              "See docs/data-format.md for templates.", row=1)]
    problems = []
    seen: dict[str, str] = {}
    for raw, column in zip(header, columns, strict=True):
        if column in seen and column in KNOWN_COLUMNS[kind]:
            problems.append(Problem(file_name, f"Columns '{seen[column]}' and '{raw}' both mean '{column}'.",
                                    "Keep one of them or rename the other.", row=1, column=raw))
        seen.setdefault(column, raw)
    for column in REQUIRED[kind]:
        if column not in names:
            problems.append(Problem(file_name, f"This looks like a {kind} file but the required column "
                                    f"'{column}' is missing.", f"Add a column named '{column}'. {_EXAMPLE_HEADERS}.",
                                    row=1, column=column))
    if kind == PARTY_POSITIONS and "position" not in names and not names & set(COUNTS):
        problems.append(Problem(file_name, "A party positions file needs a 'position' column or counts "
                                "(yes, no, abstain, absent).", "Add a 'position' column (for / against / "
                                "abstain / split) or the counts.", row=1))
    if kind == MEMBER_VOTES and "member_id" not in names and "member_name" not in names:
        problems.append(Problem(file_name, "A member votes file needs 'member_id' or 'member_name'.",
                                "Add a column with each member's id or name.", row=1))
    ignored = [raw for raw, column in zip(header, columns, strict=True) if column not in KNOWN_COLUMNS[kind]]
    return FileFormat(kind, columns, ignored, list(header)), problems


# --- rows ---------------------------------------------------------------------------------------------------------

ROW_PROBLEMS_PER_COLUMN = 10


def convert_chunk(file_name: str, fmt: FileFormat, raw: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """Rename a chunk to our columns, convert types and list every row problem found."""
    raw = raw.reset_index(drop=True)
    columns = {"_row": raw["_row"]}
    for i, column in enumerate(fmt.columns):
        if column in KNOWN_COLUMNS[fmt.kind] and column not in columns:
            columns[column] = raw[f"c{i}"]
    data = pd.DataFrame(columns)
    # Empty as written (a bad date also ends up null after conversion, but is reported as a bad date only).
    blank = {column: data[column] == "" for column in ("vote_id", "party", "assembly", "date", "title")
             if column in data}
    problems: list[Problem] = []
    for column in list(data.columns):
        if column == "_row":
            continue
        values = data[column]
        if column in COUNTS or column in ("seats", "seat_order"):
            data[column] = _counts(file_name, column, values, data["_row"], problems, positive=column == "seats")
        elif column in ("date", "start_date", "end_date"):
            data[column] = _dates(file_name, column, values, data["_row"], problems)
        elif column == "majority":
            data[column] = _majorities(file_name, values, data["_row"], problems)
        elif column == "position":
            member = fmt.kind == MEMBER_VOTES
            data["position_label"] = _blank_as_none(values)
            data[column] = _positions(file_name, values, data["_row"], problems, member=member)
        else:
            _long_texts(file_name, column, values, data["_row"], problems)
            data[column] = _blank_as_none(values)
    for column in ("vote_id", "party", "assembly"):
        if column in REQUIRED[fmt.kind] and column in data:
            _required_cells(file_name, column, data["_row"], blank[column], problems)
    if fmt.kind == MEMBER_VOTES:
        if "member_id" not in data:
            data["member_id"] = data["member_name"]
        elif "member_name" in data:
            data["member_id"] = data["member_id"].fillna(data["member_name"])
        _required_cells(file_name, "member_id or member_name", data["_row"], data["member_id"].isna(), problems)
    if fmt.kind == VOTE_TALLIES:
        for column in ("date", "title"):
            _required_cells(file_name, column, data["_row"], blank[column], problems)
    return data, [_as_written(problem, fmt) for problem in problems]


def _as_written(problem: Problem, fmt: FileFormat) -> Problem:
    """A problem that names its column as the file's header does ('fecha'), when that differs from ours."""
    if fmt.header and problem.column in fmt.columns:
        written = fmt.header[fmt.columns.index(problem.column)]
        if written and written != problem.column:
            return replace(problem, column=written)
    return problem


def _bad_rows(file_name: str, column: str, rows: pd.Series, bad: pd.Series, values: pd.Series, what: str,
              fix: str, problems: list[Problem]) -> None:
    """One problem per bad row (capped), then one that counts the rest."""
    bad_rows = rows[bad].tolist()
    bad_values = values[bad].tolist()
    for row, value in list(zip(bad_rows, bad_values, strict=True))[:ROW_PROBLEMS_PER_COLUMN]:
        problems.append(Problem(file_name, f"'{_short(value)}' {what}.", fix, row=int(row), column=column))
    if len(bad_rows) > ROW_PROBLEMS_PER_COLUMN:
        problems.append(Problem(file_name, f"{len(bad_rows) - ROW_PROBLEMS_PER_COLUMN} more rows in column "
                                f"'{column}' have the same problem.", fix, column=column))


# A 40 MB title hangs the browser that shows it; real titles and notes stay far below these.
LONG_TEXT_COLUMNS = ("title", "note", "source_url", "name")
MAX_TEXT_CHARS, MAX_LABEL_CHARS = 20_000, 1_000


def _long_texts(file_name: str, column: str, values: pd.Series, rows: pd.Series, problems: list[Problem]) -> None:
    """Text cells over the length limit of their column (titles and notes 20,000 characters, labels 1,000)."""
    limit = MAX_TEXT_CHARS if column in LONG_TEXT_COLUMNS else MAX_LABEL_CHARS
    if _byte_lengths(values)[1] <= limit:
        return  # no more characters than bytes: counting characters (decoding every cell) can only agree
    lengths = values.str.len()
    bad = lengths > limit
    if bad.any():
        _bad_rows(file_name, column, rows, bad, values, f"is too long ({int(lengths[bad].max()):,} characters; "
                  f"{column} is limited to {limit:,})", "Shorten the cell (is a closing quote missing, so that "
                  "the following rows ended up in it?), or move the long text to a document linked by source_url.",
                  problems)


def _byte_lengths(values: pd.Series) -> tuple[int, int]:
    """The fewest and the most bytes of a text cell in the column (from Arrow's offsets, without decoding)."""
    lengths = pc.binary_length(pa.array(values, type=pa.string(), from_pandas=True))
    least, most = pc.min_max(lengths).values()
    return least.as_py() or 0, most.as_py() or 0


def _blank_as_none(values: pd.Series) -> pd.Series:
    """Empty cells as unknown (None); a column with no empty cell, as it is."""
    if len(values) and _byte_lengths(values)[0] > 0:
        return values
    return values.where(values != "", None)


def _short(value: object, limit: int = 60) -> str:
    text = str(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _counts(file_name: str, column: str, values: pd.Series, rows: pd.Series, problems: list[Problem],
            positive: bool = False) -> pd.Series:
    """Whole numbers from 0 (seats: 1) to MAX_COUNT; empty stays unknown (null)."""
    cleaned = values.str.replace(r"[\s\u00a0]", "", regex=True)
    # As floats: numbers past int64 (2^63) or written as 1e30 or inf become large floats, caught by the bound below.
    number = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    filled = cleaned != ""
    bad = filled & ~(np.isfinite(number) & (number >= (1 if positive else 0)) & (number <= MAX_COUNT)
                     & (number == number.round()))
    if bad.any():
        need = (f"a whole number between 1 and {MAX_COUNT:,}" if positive else
                f"a whole number between 0 and the assembly's seats (at most {MAX_COUNT:,})")
        what = "Seats must be" if positive else "A count must be"
        _bad_rows(file_name, column, rows, bad, values, f"is not {need}",
                  f"{what} {need}: write it without decimals or thousands separators, or leave the cell empty when "
                  "unknown.", problems)
    number = number.where(filled & ~bad)
    return number.astype("Int64")


# Day, month and year in the four ways dates are written; a time after an ISO date is dropped.
_DATE_PATTERNS = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[T ].*)?$"),
    re.compile(r"^(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})$"),
    re.compile(r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})$"),
    re.compile(r"^(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})$"),
)
EARLIEST_YEAR, LATEST_YEAR = 1800, 2100
_NOT_A_DATE, _YEAR_OUT_OF_RANGE, _NO_SUCH_DAY = "not a date", "year", "day"
_DATE_FIXES = {
    _NOT_A_DATE: ("is not a date", "Write dates as YYYY-MM-DD (e.g. 2022-12-30)."),
    _YEAR_OUT_OF_RANGE: (f"is not accepted: dates before {EARLIEST_YEAR} or after {LATEST_YEAR} are not accepted",
                         "Check the year (a typo such as 0202 or 9999 for a missing date?); leave the cell empty when "
                         "the date is unknown."),
}


def _distinct(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Codes and distinct values: a million rows of a vote file hold a few thousand distinct dates or labels."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes, pd.Series(np.asarray(uniques, dtype=object))


_TEXT = pd.StringDtype("pyarrow", na_value=np.nan)   # pandas' own str dtype, as inferred from Python strings


def _spread(codes: np.ndarray, per_value: pd.Series, index: pd.Index) -> pd.Series:
    """Per-row texts (or None) from texts computed once per distinct value; Arrow's take, not Python objects."""
    texts = pa.array(per_value, type=pa.string(), from_pandas=True).take(pa.array(codes))  # NaN: none
    return pd.Series(pd.array(texts, dtype=_TEXT), index=index)


def _dates(file_name: str, column: str, values: pd.Series, rows: pd.Series, problems: list[Problem]) -> pd.Series:
    """Dates in ISO form (YYYY-MM-DD), or DD.MM.YYYY / DD/MM/YYYY; a time part is dropped."""
    codes, distinct = _distinct(values)
    parsed = [parse_date(str(value)) for value in distinct]
    iso = pd.Series([text for text, _ in parsed], dtype=object)
    # Reasons are worked out per distinct value and spread to the rows only when one is wrong: per-row Python work
    # here was a tenth of a large import's time.
    reasons = [reason for _, reason in parsed]
    for reason in (_NOT_A_DATE, _YEAR_OUT_OF_RANGE):
        if reason in reasons:
            what, fix = _DATE_FIXES[reason]
            _bad_rows(file_name, column, rows, _rows_with(codes, reasons, reason, values.index), values, what, fix,
                      problems)
    no_such_day = [r for r in pd.unique(pd.Series(reasons, dtype=object))
                   if isinstance(r, str) and r.startswith(_NO_SUCH_DAY)]
    for reason in no_such_day:
        _bad_rows(file_name, column, rows, _rows_with(codes, reasons, reason, values.index), values,
                  f"is not a date: {reason[len(_NO_SUCH_DAY) + 1:]}",
                  "Check the day and the month (and that day and month are not swapped).", problems)
    return _spread(codes, iso, values.index)


def _rows_with(codes: np.ndarray, reasons: list[str | None], reason: str, index: pd.Index) -> pd.Series:
    """Which rows hold a distinct value that has this reason."""
    return pd.Series(np.array([r == reason for r in reasons], dtype=bool)[codes], index=index)


def parse_date(text: str) -> tuple[str | None, str | None]:
    """ISO date text and None, or None and why the text is not an accepted date (empty text: None, None)."""
    if text == "":
        return None, None
    match = next((m for m in (p.match(text) for p in _DATE_PATTERNS) if m), None)
    if match is None:
        return None, _NOT_A_DATE
    year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        return None, _YEAR_OUT_OF_RANGE
    if not 1 <= month <= 12:
        return None, f"{_NO_SUCH_DAY} there is no month {month} (months are 1 to 12)"
    try:
        return datetime.date(year, month, day).isoformat(), None
    except ValueError:
        last = calendar.monthrange(year, month)[1]
        return None, (f"{_NO_SUCH_DAY} {calendar.month_name[month]} {year} has {last} days, so there is no day "
                      f"{day}")


def _majorities(file_name: str, values: pd.Series, rows: pd.Series, problems: list[Problem]) -> pd.Series:
    """Majority rules in our names (simple, absolute, two_thirds_cast, two_thirds_seats, 3/5_present ...)."""
    rules = {value: parse_majority_rule(value) for value in values.unique()}
    bad = values.map(lambda v: rules[v] is None).astype(bool)
    if bad.any():
        _bad_rows(file_name, "majority", rows, bad, values, "is not a majority rule we know",
                  f"Use one of {', '.join(MAJORITY_RULES)}, or a fraction such as 3/5_cast, 3/5_present or "
                  "3/5_seats; leave empty for simple.", problems)
    return values.map(lambda v: rules[v].name if rules[v] else None)


def _positions(file_name: str, values: pd.Series, rows: pd.Series, problems: list[Problem], member: bool) -> pd.Series:
    """Position labels matched case- and accent-insensitively; unknown labels are listed with their rows."""
    mapping: dict[str, str | None] = {}
    unknown: list[str] = []
    for label in pd.unique(values):
        if label == "":
            mapping[label] = None
            continue
        if member:
            position = position_from_label(label)
        else:
            position = party_position_from_label(label)
            if position is None and position_from_label(label) is not None:
                mapping[label] = None  # a party "absent" is no position
                continue
        mapping[label] = position.value if position else None
        if position is None:
            unknown.append(label)
    for label in unknown:
        where = rows[values == label].tolist()
        choices = ("yes / no / abstain / absent (also: for, against, sí, a favor, en contra, ja, nein, Enthaltung, "
                   "voto salvado, not voting, ausente, nichtabgegeben, not a member)") if member else \
            "for / against / abstain / split (also: yes, no, sí, en contra, voto salvado, Enthaltung)"
        problems.append(Problem(file_name, f"Unknown position label '{_short(label)}' in {rows_text(where)}.",
                                f"Use a known label: {choices}.", row=where[0], column="position"))
    if member:
        empty = values == ""
        if empty.any():
            _required_cells(file_name, "position", rows, empty, problems,
                            "Give every member vote a position (use 'absent' when the member did not vote).")
    codes, distinct = _distinct(values)
    return _spread(codes, distinct.map(mapping), values.index)


def _required_cells(file_name: str, column: str, rows: pd.Series, empty: pd.Series, problems: list[Problem],
                    fix: str | None = None) -> None:
    """Cells that must not be empty."""
    bad_rows = rows[empty].tolist()
    fix = fix or f"Fill in '{column}' on every row."
    for row in bad_rows[:ROW_PROBLEMS_PER_COLUMN]:
        problems.append(Problem(file_name, "The cell is empty.", fix, row=int(row), column=column))
    if len(bad_rows) > ROW_PROBLEMS_PER_COLUMN:
        problems.append(Problem(file_name, f"{len(bad_rows) - ROW_PROBLEMS_PER_COLUMN} more rows in column "
                                f"'{column}' are empty too.", fix, column=column))


def folded_labels(values: pd.Series) -> pd.Series:
    """Labels folded for comparison (used for party and member names)."""
    return values.map(lambda v: fold(v) if isinstance(v, str) else v)
