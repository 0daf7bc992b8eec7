"""Opening a database: the schema, transactions, the memory cap, and the tables derived from stored rows."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tracker.store.engine import duckdb
from tracker.store.lock import writing

SCHEMA = (Path(__file__).parent.parent / "schema.sql").read_text(encoding="utf-8")

# The store's own facts about the database file, not data: the generation token renewed on init and restore.
META_TABLE = "store_meta"
_META = f"create table if not exists {META_TABLE} (key varchar primary key, value varchar not null)"

DATA_TABLES = ("assemblies", "parties", "votes", "party_positions", "members", "member_votes")


def open_connection(path: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (and, when new, create) the database file with its schema; ':memory:' for an in-memory one (Store only)."""
    if str(path) != ":memory:" and not read_only:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    if not read_only:
        create_schema(con)
    return con


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the tables and views that do not exist yet (and store party_votes where it was still a view)."""
    with writing(con):  # a write: a backup copying the files meanwhile would catch it half-done
        cursor = con.cursor()
        was_view = cursor.execute("select count(*) from duckdb_views() where view_name = 'party_votes'"
                                  " and schema_name = 'main' and not temporary").fetchone()[0]
        if was_view:
            cursor.execute("drop view party_votes")
        cursor.execute(SCHEMA)
        _add_seat_order(cursor)
        cursor.execute(_META)
        cursor.execute(f"insert into {META_TABLE} select 'generation', $token"
                       f" where not exists (select 1 from {META_TABLE} where key = 'generation')",
                       {"token": _token()})
        if was_view:
            refresh_party_votes(cursor, "select vote_id from votes")
        cursor.close()


def _add_seat_order(cursor: duckdb.DuckDBPyConnection) -> None:
    """Give a database made before parties had a seat order that column (in parties and replaced_parties)."""
    present = cursor.execute("select count(*) from duckdb_columns() where table_name = 'parties'"
                             " and column_name = 'seat_order' and schema_name = 'main'").fetchone()[0]
    if present:
        return
    cursor.execute("alter table parties add column seat_order integer")
    # replaced_parties keeps parties' column order with replaced_by last, so `select *, $b from parties` fits it.
    cursor.execute("create table replaced_parties_new as select * exclude (replaced_by),"
                   " null::integer as seat_order, replaced_by from replaced_parties")
    cursor.execute("drop table replaced_parties")
    cursor.execute("alter table replaced_parties_new rename to replaced_parties")


def _token() -> str:
    """16 random hex digits from the system's source of randomness (as secrets.token_hex, without its import)."""
    return os.urandom(8).hex()


def renew_generation(cursor: duckdb.DuckDBPyConnection) -> str:
    """Give the database a new generation token (after a restore), so no version seen before comes back."""
    token = _token()
    cursor.execute(_META)
    cursor.execute(f"insert or replace into {META_TABLE} values ('generation', $token)", {"token": token})
    return token


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor inside one transaction: committed when the block ends, rolled back on any exception."""
    # The write lock (<db>.lock too) is held for the whole transaction so a backup never copies half of it.
    with writing(con):
        cursor = con.cursor()
        cursor.execute("begin transaction")
        try:
            yield cursor
            cursor.execute("commit")
        except BaseException:
            cursor.execute("rollback")
            raise
        finally:
            cursor.close()


_MEMORY_SIZE = re.compile(r"^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$", re.IGNORECASE)


def import_memory_limit() -> str:
    """DuckDB's memory cap while an import runs (env TRACKER_IMPORT_MEMORY, default 2500MB)."""
    limit = os.environ.get("TRACKER_IMPORT_MEMORY", "2500MB").strip()
    if not _MEMORY_SIZE.match(limit):
        raise ValueError(f"TRACKER_IMPORT_MEMORY={limit!r} is not a size such as 2GB or 1500MB.")
    return limit


@contextmanager
def capped_memory(con: duckdb.DuckDBPyConnection, limit: str | None = None) -> Iterator[None]:
    """Cap DuckDB's memory for a block so a large import spills to disk instead of filling the server's RAM."""
    limit = limit or import_memory_limit()
    cursor = con.cursor()
    cursor.execute(f"set memory_limit = '{limit}'")  # validated above: SET takes no bound parameters
    try:
        yield
    finally:
        # Back to DuckDB's default (80 % of RAM), which the store otherwise never changes.
        cursor.execute("reset memory_limit")
        cursor.close()


def refresh_party_votes(cursor: duckdb.DuckDBPyConnection, affected_votes_sql: str,
                        parameters: dict | None = None) -> None:
    """Store party_votes afresh, from party tallies and stated positions, for the votes the query selects."""
    cursor.execute(f"create or replace temp table refreshed_votes as {affected_votes_sql}", parameters or {})
    cursor.execute("delete from party_votes where vote_id in (select vote_id from refreshed_votes)")
    cursor.execute("insert into party_votes by name select * from party_votes_live"
                   " where vote_id in (select vote_id from refreshed_votes)")
    cursor.execute("drop table refreshed_votes")


def rebuild_party_tallies(cursor: duckdb.DuckDBPyConnection, affected_votes_sql: str,
                          parameters: dict | None = None) -> None:
    """Recount per-party tallies from member votes for the votes the query selects."""
    cursor.execute(f"create or replace temp table affected_votes as {affected_votes_sql}", parameters or {})
    cursor.execute("delete from party_tallies where vote_id in (select vote_id from affected_votes)")
    cursor.execute(
        """
        insert into party_tallies
        select vote_id, coalesce(party, '(no party)'),
               count(*) filter (where position = 'yes'),
               count(*) filter (where position = 'no'),
               count(*) filter (where position = 'abstain'),
               count(*) filter (where position = 'absent'),
               count(*) filter (where position <> 'not_member')
        from member_votes
        where vote_id in (select vote_id from affected_votes)
        group by all
        """
    )
    cursor.execute("drop table affected_votes")
