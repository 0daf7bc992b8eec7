"""Import batches: the one place that writes a batch into the store, lists batches and undoes one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from tracker.store.engine import duckdb
from tracker.store.schema import rebuild_party_tallies, refresh_party_votes, transaction
from tracker.store.sidecar import Sidecar

if TYPE_CHECKING:
    import pandas as pd


def next_batch_id(cursor: duckdb.DuckDBPyConnection) -> int:
    """One more than any batch id used before (undone ones included, so ids are never reused)."""
    row = cursor.execute(
        "select greatest(coalesce((select max(batch_id) from import_batches), 0),"
        " coalesce((select max(batch_id) from audit_log), 0)) + 1"
    ).fetchone()
    return int(row[0])


def list_batches(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Import batches, newest first."""
    return con.cursor().execute(
        "select batch_id, file_name, sha256, rows, imported_at, editor, summary"
        " from import_batches order by batch_id desc"
    ).df()


def find_batch_by_sha256(cursor: duckdb.DuckDBPyConnection, sha256: str) -> tuple[int, datetime] | None:
    """The batch that imported exactly these bytes, if any."""
    row = cursor.execute(
        "select batch_id, imported_at from import_batches where sha256 = $sha order by batch_id limit 1",
        {"sha": sha256},
    ).fetchone()
    return (int(row[0]), row[1]) if row else None


def log(cursor: duckdb.DuckDBPyConnection, action: str, batch_id: int | None, file_name: str | None,
        sha256: str | None, editor: bool, detail: str) -> None:
    """Append to the audit log (inside the caller's transaction)."""
    cursor.execute(
        "insert into audit_log values (now()::timestamp, $action, $batch, $file, $sha, $editor, $detail)",
        {"action": action, "batch": batch_id, "file": file_name, "sha": sha256, "editor": editor, "detail": detail},
    )


@dataclass(frozen=True)
class Replacement:
    """Stored rows of one vote that an upload replaces (with --replace)."""

    vote_id: str
    vote_row: bool
    party_rows: bool
    member_rows: bool


def write_batch(cursor: duckdb.DuckDBPyConnection, batch_id: int, file_name: str, sha256: str, rows: int,
                editor: bool, summary: str, replacements: list[Replacement],
                replaced_parties: list[str], replaced_assemblies: list[str]) -> None:
    """Move the staged rows (temp tables stage_*) into the store as one batch, inside the caller's transaction."""
    cursor.execute(
        "insert into import_batches values ($id, $file, $sha, $rows, now()::timestamp, $editor, $summary)",
        {"id": batch_id, "file": file_name, "sha": sha256, "rows": rows, "editor": editor, "summary": summary},
    )
    replaced_member_votes: list[str] = []
    if replacements:
        import pandas as pd  # here, not at the top: every command imports the store, few replace rows

        frame = pd.DataFrame([r.__dict__ for r in replacements])
        cursor.register("replacements", frame)
        for table, flag in (("votes", "vote_row"), ("party_positions", "party_rows"), ("member_votes", "member_rows")):
            # Kept aside, not lost: undoing this batch puts them back.
            selected = f"vote_id in (select vote_id from replacements where {flag})"
            cursor.execute(f"insert into replaced_{table} select *, $b from {table} where {selected}", {"b": batch_id})
            cursor.execute(f"delete from {table} where {selected}")
        cursor.unregister("replacements")
        replaced_member_votes = [r.vote_id for r in replacements if r.member_rows]
    for table, key, replaced in (("assemblies", "assembly", replaced_assemblies),
                                 ("parties", "party", replaced_parties)):
        if replaced:
            selected = f"{key} in (select unnest($keys::varchar[]))"
            cursor.execute(f"insert into replaced_{table} select *, $b from {table} where {selected}",
                           {"b": batch_id, "keys": replaced})
            cursor.execute(f"delete from {table} where {selected}", {"keys": replaced})
    cursor.execute(
        "insert into assemblies select assembly, name, country, seats, start_date, end_date, source_url, note, $b"
        " from stage_assemblies where assembly not in (select assembly from assemblies)", {"b": batch_id})
    cursor.execute(
        "insert into parties select party, name, bloc, colour, seats, source_url, note, $b, seat_order"
        " from stage_parties where party not in (select party from parties)", {"b": batch_id})
    cursor.execute(
        "insert into votes select vote_id, assembly, date, title, stage, matter, yes, no, abstain, absent,"
        " coalesce(majority, 'simple'), seats, result, source_url, note, $b from stage_votes", {"b": batch_id})
    cursor.execute(
        "insert into party_positions select vote_id, party, yes, no, abstain, absent, position, position_label,"
        " source_url, note, $b from stage_party_positions", {"b": batch_id})
    cursor.execute(
        "insert into members select member_id, any_value(name), $b from stage_members"
        " where member_id not in (select member_id from members) group by member_id", {"b": batch_id})
    cursor.execute(
        "insert into member_votes select vote_id, member_id, party, position, position_label, $b"
        " from stage_member_votes", {"b": batch_id})
    # The votes with member rows in this batch: one scan of the staged rows serves both refreshes below.
    cursor.execute("create or replace temp table batch_member_vote_ids as"
                   " select distinct vote_id from stage_member_votes")
    rebuild_party_tallies(cursor, "select vote_id from batch_member_vote_ids"
                                  " union select unnest($replaced::varchar[]) as vote_id",
                          {"replaced": replaced_member_votes})
    refresh_party_votes(cursor, "select vote_id from batch_member_vote_ids union select vote_id from"
                                " stage_party_positions union select unnest($replaced::varchar[]) as vote_id",
                        {"replaced": [r.vote_id for r in replacements]})
    cursor.execute("drop table batch_member_vote_ids")
    log(cursor, "import", batch_id, file_name, sha256, editor, summary)
    # The files kept beside the database answered the store without this batch.
    Sidecar.of(cursor).clear()


class UndoRefused(Exception):
    """Undo would leave other batches' rows pointing at votes that no longer exist, or rows replaced twice."""


def undo_batch(con: duckdb.DuckDBPyConnection, batch_id: int, editor: bool = False) -> str:
    """Remove every row a batch added and put back the rows it replaced, in one transaction; says what changed."""
    with transaction(con) as cursor:
        batch = cursor.execute("select file_name, sha256 from import_batches where batch_id = $b",
                               {"b": batch_id}).fetchone()
        if batch is None:
            raise UndoRefused(f"There is no import batch {batch_id}. Run `python -m tracker batches` to list them.")
        replacers = cursor.execute(
            " union ".join(f"select replaced_by from replaced_{t} where batch_id = $b" for t in REPLACEABLE)
            + " order by 1", {"b": batch_id}).fetchall()
        if replacers:
            later = ", ".join(str(r[0]) for r in replacers)
            raise UndoRefused(f"Some rows of batch {batch_id} were replaced by batch {later}. "
                              f"Undo batch {later} first, then batch {batch_id}.")
        # Votes that disappear: the batch's own, except those it replaced (the older version comes back).
        cursor.execute(
            "create or replace temp table undo_gone_votes as select vote_id from votes where batch_id = $b"
            " and vote_id not in (select vote_id from replaced_votes where replaced_by = $b)", {"b": batch_id})
        dependants = cursor.execute(
            """
            select distinct batch_id from (
                select batch_id from party_positions where vote_id in (select vote_id from undo_gone_votes)
                union all
                select batch_id from member_votes where vote_id in (select vote_id from undo_gone_votes)
            ) where batch_id <> $b order by 1
            """, {"b": batch_id}).fetchall()
        if dependants:
            later = ", ".join(str(r[0]) for r in dependants)
            raise UndoRefused(f"Batch {batch_id} holds votes that batch {later} added rows to. "
                              f"Undo batch {later} first, then batch {batch_id}.")
        cursor.execute(
            "create or replace temp table undo_votes as select distinct vote_id from member_votes where batch_id = $b"
            " union select vote_id from replaced_member_votes where replaced_by = $b", {"b": batch_id})
        cursor.execute(
            "create or replace temp table undo_party_votes as select vote_id from undo_votes"
            " union select vote_id from party_positions where batch_id = $b"
            " union select vote_id from replaced_party_positions where replaced_by = $b", {"b": batch_id})
        removed = {}
        for table in ("member_votes", "party_positions", "votes"):
            removed[table] = cursor.execute(f"delete from {table} where batch_id = $b", {"b": batch_id}).fetchone()[0]
        restored = {table: _restore(cursor, table, batch_id) for table in ("member_votes", "party_positions", "votes")}
        for table, key in (("parties", "party"), ("assemblies", "assembly")):
            cursor.execute(f"delete from {table} where batch_id = $b and {key} in"
                           f" (select {key} from replaced_{table} where replaced_by = $b)", {"b": batch_id})
            restored[table] = _restore(cursor, table, batch_id)
        # Parties, members and assemblies another batch still uses are kept, handed to that batch.
        for table, key, used_by in (
            ("members", "member_id", ("member_votes",)),
            ("parties", "party", ("member_votes", "party_positions")),
            ("assemblies", "assembly", ("votes",)),
        ):
            users = " union ".join(f"select {key} as k, batch_id from {t}" for t in used_by)
            cursor.execute(
                f"update {table} set batch_id = u.batch_id from (select k, min(batch_id) as batch_id"
                f" from ({users}) group by k) u where {table}.{key} = u.k and {table}.batch_id = $b",
                {"b": batch_id})
            removed[table] = cursor.execute(f"delete from {table} where batch_id = $b", {"b": batch_id}).fetchone()[0]
        rebuild_party_tallies(cursor, "select vote_id from undo_votes")
        refresh_party_votes(cursor, "select vote_id from undo_party_votes")
        cursor.execute("drop table undo_votes")
        cursor.execute("drop table undo_party_votes")
        cursor.execute("drop table undo_gone_votes")
        cursor.execute("delete from import_batches where batch_id = $b", {"b": batch_id})
        tables = ("votes", "party_positions", "member_votes", "members", "parties", "assemblies")
        detail = "removed " + ", ".join(_count(removed[t], t) for t in tables)
        put_back = [_count(n, t) for t, n in restored.items() if n]
        if put_back:
            detail += f"; put back {', '.join(put_back)} that it had replaced"
        log(cursor, "undo", batch_id, batch[0], batch[1], editor, detail)
    Sidecar.of(con).clear()  # they answered the store with this batch
    return f"Undid batch {batch_id} ({batch[0]}): {detail}."


REPLACEABLE = ("assemblies", "parties", "votes", "party_positions", "member_votes")


def _restore(cursor: duckdb.DuckDBPyConnection, table: str, batch_id: int) -> int:
    """Put back the rows of a table that a batch replaced; returns how many."""
    columns = [r[0] for r in cursor.execute(f"describe {table}").fetchall()]
    restored = cursor.execute(f"insert into {table} select {', '.join(columns)} from replaced_{table}"
                              " where replaced_by = $b", {"b": batch_id}).fetchone()[0]
    cursor.execute(f"delete from replaced_{table} where replaced_by = $b", {"b": batch_id})
    return int(restored)


_NOUNS = {"votes": ("vote", "votes"), "party_positions": ("party position", "party positions"),
          "member_votes": ("member vote", "member votes"), "members": ("member", "members"),
          "parties": ("party", "parties"), "assemblies": ("assembly", "assemblies")}


def _count(n: int, table: str) -> str:
    """'1 vote', '3 party positions': a count of a table's rows in words."""
    singular, plural = _NOUNS[table]
    return f"{n:,} {singular if n == 1 else plural}"
