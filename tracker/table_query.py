"""A table as one SQL statement: what the dashboard reads as a DataFrame and `export` hands to DuckDB's COPY."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

    from tracker.store import Store


@dataclass(frozen=True)
class TableQuery:
    """The rows of a table as SQL with bound parameters, the columns shown, and the order of the rows.

    The order is kept apart from the rows so that a writer can change how cells are shown (CSV text) and still sort
    at the top level of the statement: DuckDB keeps a subquery's order only by chance.
    """

    rows: str                                   # a select (CTEs allowed) giving the rows in no particular order
    order: tuple[str, ...]                      # columns of `rows` the table is sorted by (ascending, nulls last)
    values: Mapping[str, object] = field(default_factory=dict)   # the bound parameters ($name) the rows use
    columns: tuple[str, ...] | None = None      # the columns shown, in order (None: every column of `rows`)
    arrays: Mapping[str, Mapping[str, object]] = field(default_factory=dict)  # numpy columns the rows read, by table
    # Text columns whose every cell was checked where the query was made (export.plain_texts): never empty, never
    # starting like a formula; a CSV writer writes them as they are.
    plain_text: tuple[str, ...] = ()

    def sql(self, shown: Sequence[str] | None = None) -> str:
        """The statement: `shown` (expressions over rows_column(name); default the columns) over the sorted rows."""
        if shown is None:
            shown = ["table_rows.*"] if self.columns is None else [rows_column(c) for c in self.columns]
        order = ", ".join(rows_column(c) for c in self.order)
        return f"select {', '.join(shown)} from (\n{self.rows}\n) table_rows" + (f" order by {order}" if order else "")

    @contextmanager
    def cursor(self, db: Store) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of the store with the query's numpy columns registered as tables; closed afterwards."""
        cursor = db.cursor()
        try:
            for name, columns in self.arrays.items():
                cursor.register(name, dict(columns))
            yield cursor
        finally:
            cursor.close()

    def read(self, db: Store) -> pd.DataFrame:
        """The table as a DataFrame (DuckDB imports pandas for it)."""
        with self.cursor(db) as cursor:
            return cursor.execute(self.sql(), dict(self.values)).df()


def rows_column(name: str) -> str:
    """A column of the rows, quoted: `table_rows."name"`."""
    return 'table_rows."' + name.replace('"', '""') + '"'
