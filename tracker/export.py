"""Tables to files: CSV (formulas neutralised), Parquet and JSON, from a DataFrame or straight from DuckDB."""

from __future__ import annotations

import io
import json
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.store import Store
from tracker.table_query import TableQuery, rows_column

if TYPE_CHECKING:
    import pandas as pd

    from tracker.metrics import Filters

TABLES = {
    "votes": TableQuery("select * from vote_tallies", ("date", "vote_id")),
    "party-tallies": TableQuery("select * from party_votes", ("vote_id", "party")),
    "member-votes": TableQuery("select mv.vote_id, mv.member_id, m.name as member_name, mv.party, mv.position,"
                               " mv.position_label, mv.batch_id from member_votes mv"
                               " left join members m using (member_id)", ("vote_id", "member_id")),
}

# Cells a spreadsheet would run as a formula; numbers stay numbers because only text cells are touched.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START = re.compile("^[" + re.escape("".join(FORMULA_STARTS)) + "]")

# DuckDB's memory while it writes a file: above it, sorting a large table spills to a temporary folder, so that
# exporting 25 M member votes stays under 1 GB of memory in all.
COPY_MEMORY = "500MB"
_COPY_OPTIONS = {"csv": r"format csv, header true, new_line '\r\n'", "parquet": "format parquet",
                 "json": "format json, array true"}


def _filters(assembly: str | None, date_from: str | None, date_to: str | None, parties: Sequence[str] | None,
             period: str) -> Filters:
    from tracker.metrics import Filters

    return Filters(assembly=assembly, date_from=date_from, date_to=date_to, parties=tuple(parties or ()),
                   period=period)


def _unknown(what: str) -> KeyError:
    from tracker.metrics import METRIC_NAMES

    return KeyError(f"Unknown export '{what}'. Choose one of: {', '.join([*TABLES, *METRIC_NAMES])}.")


def table_or_metric(db: Store, what: str, assembly: str | None = None,
                    date_from: str | None = None, date_to: str | None = None,
                    parties: Sequence[str] | None = None, period: str = "year") -> pd.DataFrame:
    """A stored table by name, or a metric from tracker.metrics; KeyError names the choices."""
    if what in TABLES:
        return TABLES[what].read(db)
    from tracker import metrics

    if what in metrics.METRIC_NAMES:
        return metrics.METRICS[what](db, _filters(assembly, date_from, date_to, parties, period))
    raise _unknown(what)


def table_query(db: Store, what: str, assembly: str | None = None,
                date_from: str | None = None, date_to: str | None = None,
                parties: Sequence[str] | None = None, period: str = "year") -> TableQuery | None:
    """A stored table or a metric as one query DuckDB writes itself; None for a metric that needs pandas."""
    if what in TABLES:
        return TABLES[what]
    from tracker import metrics

    if what in metrics.METRIC_NAMES:
        return metrics.metric_query(what, db, _filters(assembly, date_from, date_to, parties, period))
    raise _unknown(what)


def write_table(db: Store, table: TableQuery, file_format: str, path: Path) -> int:
    """Write a table to a file with DuckDB's COPY, streaming, cell for cell as table_bytes; returns the row count."""
    if file_format not in _COPY_OPTIONS:
        raise ValueError(f"Unknown format '{file_format}': use csv, parquet or json.")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"There is no folder {path.parent} to write {path.name} into.")
    from tracker.store.engine import duckdb

    with table.cursor(db) as cursor, tempfile.TemporaryDirectory(prefix="tracker-export-") as spill:
        shown = None
        if file_format != "parquet":
            described = cursor.execute(f"describe {table.sql()}", dict(table.values)).fetchall()
            shown = [_cell(name, kind, file_format, name in table.plain_text) for name, kind, *_ in described]
        statement = f"copy ({table.sql(shown)}) to $file ({_COPY_OPTIONS[file_format]})"
        values = {**table.values, "file": str(path)}
        if "$formula_starts" in statement:
            values["formula_starts"] = "".join(FORMULA_STARTS)   # each one character
        # SET takes no bound parameters: the size is a constant and the folder our own (quotes doubled all the same).
        cursor.execute(f"set memory_limit = '{COPY_MEMORY}'")
        cursor.execute("set temp_directory = '" + spill.replace("'", "''") + "'")
        try:
            return cursor.execute(statement, values).fetchone()[0]
        except duckdb.IOException as error:
            raise OSError(0, str(error).strip().splitlines()[0], str(path)) from None
        finally:
            cursor.execute("reset memory_limit")


def _cell(name: str, kind: str, file_format: str, plain: bool = False) -> str:
    """A column as table_bytes writes it: NaN unknown, decimals as floats; in CSV text made safe (unless known to be
    plain), True and False."""
    cell = rows_column(name)
    if kind in ("DOUBLE", "FLOAT"):
        cell = f"nullif({cell}, 'nan'::double)"
    elif kind.startswith("DECIMAL") or kind in ("HUGEINT", "UHUGEINT"):
        cell = f"{cell}::double"   # as pandas reads them
    if file_format == "csv" and kind == "VARCHAR" and not plain:
        # Empty text is written as nothing, like unknown text, as pandas writes it. The first character is looked
        # up in a string of them, not a list: DuckDB makes a list lookup a join, a hash probe a row that also
        # gives up the rows' order.
        cell = (f"case when {cell} <> '' and contains($formula_starts, left({cell}, 1)) then '''' || {cell}"
                f" else nullif({cell}, '') end")
    elif file_format == "csv" and kind == "BOOLEAN":
        cell = f"case when {cell} then 'True' when not {cell} then 'False' end"
    return f"{cell} as " + '"' + name.replace('"', '""') + '"'


def plain_texts(texts: Sequence[str]) -> bool:
    """True when no text is empty or starts like a formula: CSV can write them as they are (TableQuery.plain_text)."""
    return all(text and not _FORMULA_START.match(text) for text in texts)


def neutralise_cell(value: object) -> object:
    """A text that starts like a formula with an apostrophe before it; anything else as it is."""
    return "'" + value if isinstance(value, str) and _FORMULA_START.match(value) else value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that start like a formula with an apostrophe, so spreadsheets show them as text."""
    import pandas as pd  # here, not at the top: `export` writes through DuckDB without pandas

    safe = frame.copy()
    for column in safe.columns:
        values = safe[column]
        if isinstance(values.dtype, pd.StringDtype):   # text only: one vectorised match (a 700-row table was 10 ms)
            risky = values.str.match(_FORMULA_START.pattern).fillna(False).astype(bool)
            if risky.any():
                safe[column] = values.where(~risky, "'" + values)
        elif values.dtype == object or pd.api.types.is_string_dtype(values):   # mixed values, categories: each cell
            safe[column] = values.map(neutralise_cell)
    return safe


def table_bytes(frame: pd.DataFrame, file_format: str) -> bytes:
    """A DataFrame as CSV (UTF-8, formulas neutralised), Parquet or JSON records; dates stay dates (YYYY-MM-DD)."""
    frame = _dates_as_dates(frame)
    if file_format == "csv":
        # CRLF rows (RFC 4180): the csv writer then quotes cells holding a bare carriage return, which would
        # otherwise end the row in a spreadsheet and start a new, unneutralised cell ("x\r=cmd").
        return neutralise_formulas(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8")
    if file_format == "parquet":
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        return buffer.getvalue()
    if file_format == "json":
        records = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
        return json.dumps(records, ensure_ascii=False, indent=1, default=_json_value).encode("utf-8")
    raise ValueError(f"Unknown format '{file_format}': use csv, parquet or json.")


def _dates_as_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Timestamp columns that only hold midnights (DuckDB dates read by pandas) as dates."""
    import pandas as pd

    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_datetime64_any_dtype(values) and getattr(values.dt, "tz", None) is None:
            present = values.dropna()
            if (present == present.dt.normalize()).all():
                out[column] = pd.Series([v.date() if pd.notna(v) else None for v in values], index=values.index,
                                        dtype=object)
    return out


def _json_value(value: object) -> object:
    """JSON for what json cannot write itself: dates and times as ISO text, numpy numbers as numbers."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return str(value)
