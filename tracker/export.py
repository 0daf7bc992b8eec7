"""Tables and figures to files: CSV, Parquet, JSON, PNG, SVG and HTML."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

import duckdb
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


def table_or_metric(con: duckdb.DuckDBPyConnection, what: str, assembly: str | None = None,
                    date_from: str | None = None, date_to: str | None = None,
                    parties: Sequence[str] | None = None, period: str = "year") -> pd.DataFrame:
    """A stored table by name, or a metric from tracker.metrics; KeyError names the choices."""
    if what in TABLES:
        return con.cursor().execute(TABLES[what]).df()
    from tracker import metrics

    if what in metrics.METRICS:
        return metrics.METRICS[what](con, metrics.Filters(assembly=assembly, date_from=date_from, date_to=date_to,
                                                          parties=tuple(parties or ()), period=period))
    choices = ", ".join([*TABLES, *metrics.METRICS])
    raise KeyError(f"Unknown export '{what}'. Choose one of: {choices}.")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that start like a formula with an apostrophe, so spreadsheets show them as text."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(
                lambda v: "'" + v if isinstance(v, str) and _FORMULA_START.match(v) else v)
    return safe


def table_bytes(frame: pd.DataFrame, file_format: str) -> bytes:
    """A DataFrame as CSV (UTF-8, formulas neutralised), Parquet or JSON records."""
    if file_format == "csv":
        return neutralise_formulas(frame).to_csv(index=False).encode("utf-8")
    if file_format == "parquet":
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        return buffer.getvalue()
    if file_format == "json":
        return frame.to_json(orient="records", date_format="iso", force_ascii=False, indent=1).encode("utf-8")
    raise ValueError(f"Unknown format '{file_format}': use csv, parquet or json.")
