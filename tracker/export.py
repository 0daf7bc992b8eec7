"""Tables and figures to files: CSV, Parquet, JSON, PNG, SVG and HTML."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tracker.store import Store

if TYPE_CHECKING:
    import pandas as pd

TABLES = {
    "votes": "select * from vote_tallies order by date, vote_id",
    "party-tallies": "select * from party_votes order by vote_id, party",
    "member-votes": "select mv.vote_id, mv.member_id, m.name as member_name, mv.party, mv.position,"
                    " mv.position_label, mv.batch_id from member_votes mv left join members m using (member_id)"
                    " order by mv.vote_id, mv.member_id",
}

# Cells a spreadsheet would run as a formula; numbers stay numbers because only text cells are touched.
_FORMULA_START = re.compile(r"^[=+\-@\t\r]")


def table_or_metric(db: Store, what: str, assembly: str | None = None,
                    date_from: str | None = None, date_to: str | None = None,
                    parties: Sequence[str] | None = None, period: str = "year") -> pd.DataFrame:
    """A stored table by name, or a metric from tracker.metrics; KeyError names the choices."""
    if what in TABLES:
        return db.cursor().execute(TABLES[what]).df()
    from tracker import metrics

    if what in metrics.METRICS:
        return metrics.METRICS[what](db, metrics.Filters(assembly=assembly, date_from=date_from, date_to=date_to,
                                                          parties=tuple(parties or ()), period=period))
    choices = ", ".join([*TABLES, *metrics.METRICS])
    raise KeyError(f"Unknown export '{what}'. Choose one of: {choices}.")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that start like a formula with an apostrophe, so spreadsheets show them as text."""
    import pandas as pd  # here, not at the top: `export` writes through DuckDB without pandas

    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(
                lambda v: "'" + v if isinstance(v, str) and _FORMULA_START.match(v) else v)
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
