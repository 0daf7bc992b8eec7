"""What the store holds, in brief: its version for keying caches, row counts, and a full snapshot for tests."""

from __future__ import annotations

from typing import NamedTuple

from tracker.store.engine import duckdb
from tracker.store.schema import DATA_TABLES, META_TABLE


class Version(NamedTuple):
    """The database's generation (renewed on init and restore) and how many changes its audit log records."""

    generation: str
    changes: int

    def __str__(self) -> str:
        return f"{self.generation}.{self.changes}"


def database_version(con: duckdb.DuckDBPyConnection) -> Version:
    """A value that changes with every import, undo and restore and never comes back, for keying caches."""
    cursor = con.cursor()
    try:
        row = cursor.execute(f"select (select max(value) from {META_TABLE} where key = 'generation'),"
                             " (select count(*) from audit_log)").fetchone()
    except duckdb.CatalogException:  # a database from before the generation token, opened read-only
        row = ("", cursor.execute("select count(*) from audit_log").fetchone()[0])
    finally:
        cursor.close()
    return Version(row[0] or "", int(row[1]))


def is_empty(con: duckdb.DuckDBPyConnection) -> bool:
    """True when no vote is stored."""
    return con.cursor().execute("select count(*) from votes").fetchone()[0] == 0


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows per data table."""
    cursor = con.cursor()
    return {t: int(cursor.execute(f"select count(*) from {t}").fetchone()[0]) for t in DATA_TABLES}


def snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every stored table's rows, sorted: two snapshots are equal exactly when nothing stored changed."""
    cursor = con.cursor()
    tables = [r[0] for r in cursor.execute(
        "select table_name from duckdb_tables() where database_name = current_database()"
        " and schema_name = 'main' and not temporary and table_name <> $meta order by 1",
        {"meta": META_TABLE}).fetchall()]
    return {t: sorted(cursor.execute(f"select * from {t}").fetchall(), key=repr) for t in tables}
