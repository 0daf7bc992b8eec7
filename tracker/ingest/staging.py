"""Staging: the upload's rows, converted and checked chunk by chunk, in temp tables shaped like the stored ones."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tracker.ingest import formats as F
from tracker.ingest.inputs import Input
from tracker.ingest.problems import Problem
from tracker.ingest.report import FileSummary, ImportReport

Progress = Callable[[float, str], None]
T = TypeVar("T")

# Stop reading more rows once this many problems are known: the report is capped anyway.
PROBLEM_LIMIT = 500

_STAGE_DDL = """
create or replace temp table stage_votes (
    vote_id varchar, assembly varchar, date date, title varchar, stage varchar, matter varchar,
    yes integer, no integer, abstain integer, absent integer, majority varchar, seats integer, result varchar,
    source_url varchar, note varchar, given varchar, file varchar, row integer);
create or replace temp table stage_vote_info (
    vote_id varchar, assembly varchar, date date, title varchar, stage varchar, matter varchar,
    majority varchar, seats integer, result varchar, given varchar, file varchar, row integer);
create or replace temp table stage_party_positions (
    vote_id varchar, party varchar, yes integer, no integer, abstain integer, absent integer,
    position varchar, position_label varchar, source_url varchar, note varchar, file varchar, row integer);
create or replace temp table stage_member_votes (
    vote_id varchar, member_id varchar, party varchar, position varchar, position_label varchar,
    file varchar, row integer);
create or replace temp table stage_members (member_id varchar, name varchar);
create or replace temp table stage_parties (
    party varchar, name varchar, bloc varchar, colour varchar, seats integer, source_url varchar, note varchar,
    seat_order integer, given varchar, file varchar, row integer);
create or replace temp table stage_assemblies (
    assembly varchar, name varchar, country varchar, seats integer, start_date date, end_date date,
    source_url varchar, note varchar, given varchar, file varchar, row integer);
"""

# Vote columns that party and member files may repeat on every row (their note and source_url are the row's own).
VOTE_INFO_FIELDS = ("assembly", "date", "title", "stage", "matter", "majority", "seats", "result")


def create_stage_tables(cursor: duckdb.DuckDBPyConnection) -> None:
    """Empty staging tables for this upload (temp tables: they vanish with the transaction's connection)."""
    cursor.execute(_STAGE_DDL)


def stage_files(cursor: duckdb.DuckDBPyConnection, inputs: list[Input], report: ImportReport,
                problems: list[Problem], progress: Progress | None) -> int:
    """Read every input in chunks, convert and check its rows, and append them to the staging tables."""
    total_bytes = sum(i.size for i in inputs) or 1
    done_bytes = 0
    total_rows = 0
    for item in inputs:
        rows = 0
        for data, chunk_problems in read_ahead(_converted_chunks(item)):
            problems += chunk_problems
            rows += len(data)
            if len(problems) >= PROBLEM_LIMIT:
                problems.append(Problem(item.name, f"Stopped checking after {len(problems)} problems.",
                                        "Fix the problems listed and upload again."))
                break
            if not chunk_problems:
                _stage_chunk(cursor, item.name, item.fmt, data)
            if progress:
                estimate = min(done_bytes + item.size * min(1.0, rows * 80 / max(item.size, 1)), total_bytes)
                progress(0.85 * estimate / total_bytes, f"Read {rows:,} rows of {item.name}")
        if rows == 0 and not problems:
            problems.append(Problem(item.name, "The file has a header but no data rows.",
                                    "Add at least one row below the header.", row=2))
        done_bytes += item.size
        total_rows += rows
        report.files.append(FileSummary(item.label or item.name, item.fmt.kind, rows, item.encoding, item.delimiter,
                                        item.fmt.ignored))
    return total_rows


def _converted_chunks(item: Input) -> Iterator[tuple[pd.DataFrame, list[Problem]]]:
    """The input's chunks, converted and checked row by row."""
    for chunk in item.chunks():
        yield F.convert_chunk(item.name, item.fmt, chunk)


def read_ahead(chunks: Iterator[T]) -> Iterator[T]:
    """The same chunks, the next one read and converted by a helper thread while the caller stages this one.

    Arrow's parsing and DuckDB's inserts run without the GIL, so the two overlap on two cores. Errors are raised
    here, in order; when the caller stops early the helper stops too.
    """
    handed: queue.Queue[tuple[str, object]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def hand(kind: str, value: object) -> bool:
        while not stop.is_set():
            try:
                handed.put((kind, value), timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for chunk in chunks:
                if not hand("chunk", chunk):
                    return
            hand("end", None)
        except BaseException as error:  # handed to the caller, who raises it
            hand("error", error)

    helper = threading.Thread(target=produce, name="import-read-ahead", daemon=True)
    helper.start()
    try:
        while True:
            kind, value = handed.get()
            if kind == "end":
                return
            if kind == "error":
                raise value  # type: ignore[misc]
            yield value  # type: ignore[misc]
    finally:
        stop.set()
        helper.join()
        close = getattr(chunks, "close", None)
        if close:
            close()  # the generator's own cleanup (closing the file), now that no thread runs it


def _given(data: pd.DataFrame, fields: Sequence[str]) -> str:
    return ",".join(f for f in fields if f in data.columns)


def _stage_chunk(cursor: duckdb.DuckDBPyConnection, file_name: str, fmt: F.FileFormat, data: pd.DataFrame) -> None:
    """Append one converted chunk to the staging table of its format."""
    targets = {
        F.VOTE_TALLIES: ("stage_votes", F.ALL_VOTE_COLUMNS, _given(data, F.ALL_VOTE_COLUMNS)),
        F.PARTIES: ("stage_parties", ("party", "name", "bloc", "colour", "seats", "source_url", "note", "seat_order"),
                    None),
        F.ASSEMBLIES: ("stage_assemblies", ("assembly", "name", "country", "seats", "start_date", "end_date",
                                            "source_url", "note"), None),
    }
    if fmt.kind in targets:
        table, columns, given = targets[fmt.kind]
        _insert(cursor, table, data, file_name, columns, given if given is not None else _given(data, columns))
        return
    info_fields = [f for f in VOTE_INFO_FIELDS if f in data.columns]
    if info_fields:
        # Vote columns repeat on every member row: stage each distinct set once (with its first row).
        _insert(cursor, "stage_vote_info", data, file_name, ("vote_id", *VOTE_INFO_FIELDS), ",".join(info_fields),
                distinct_on=("vote_id", *info_fields))
    if fmt.kind == F.PARTY_POSITIONS:
        _insert(cursor, "stage_party_positions", data, file_name,
                ("vote_id", "party", *F.COUNTS, "position", "position_label", "source_url", "note"), None)
    else:
        _insert(cursor, "stage_member_votes", data, file_name,
                ("vote_id", "member_id", "party", "position", "position_label"), None)
        names = data["member_name"] if "member_name" in data else data["member_id"]
        members = pa.table({"member_id": pa.array(data["member_id"], type=pa.string()),
                            "name": pa.array(names, type=pa.string())})
        cursor.from_arrow(members).distinct().insert_into("stage_members")


_STAGE_COLUMNS: dict[str, list[str]] = {}


def _insert(cursor: duckdb.DuckDBPyConnection, table: str, data: pd.DataFrame, file_name: str,
            columns: Sequence[str], given: str | None, distinct_on: Sequence[str] = ()) -> None:
    """Insert the chunk's columns (null where the file lacks one) into a staging table, through Arrow."""
    if distinct_on:
        wanted = [name for name in data.columns if name in (*columns, *distinct_on, "_row")]
        data = _first_of_each(data[wanted], list(distinct_on))
    if table not in _STAGE_COLUMNS:
        _STAGE_COLUMNS[table] = [r[0] for r in cursor.execute(f"describe {table}").fetchall()]
    n = len(data)
    arrays = []
    for name in _STAGE_COLUMNS[table]:
        if name == "given":
            arrays.append(_repeated(given, n))
        elif name == "file":
            arrays.append(_repeated(file_name, n))
        elif name == "row":
            arrays.append(pa.Array.from_pandas(data["_row"]).cast(pa.int32()))
        elif name in columns and name in data:
            arrays.append(pa.Array.from_pandas(data[name]))
        else:
            arrays.append(pa.nulls(n))
    chunk = pa.table(arrays, names=_STAGE_COLUMNS[table])
    # A relation, not a registered view: a view dropped inside a transaction keeps its data alive until commit.
    cursor.from_arrow(chunk).insert_into(table)


def _first_of_each(data: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The first row of each distinct set of values in columns (as drop_duplicates keeps them).

    A row equal to the one before it is never a first: dropping those first (Arrow compares whole columns) leaves
    a few hundred rows of a member-vote chunk for drop_duplicates, which hashes every row.
    """
    n = len(data)
    if n < 2:
        return data
    repeat = None
    for name in columns:
        values = pa.array(data[name])
        same = pc.fill_null(pc.equal(values.slice(1), values.slice(0, n - 1)), False)  # unknowns: kept, compared below
        repeat = same if repeat is None else pc.and_(repeat, same)
    keep = np.concatenate(([True], ~repeat.to_numpy(zero_copy_only=False)))
    return data.loc[keep].drop_duplicates(subset=columns, keep="first")


def _repeated(text: str | None, n: int) -> pa.DictionaryArray:
    """One text on n rows, dictionary-encoded (built from n zero codes, not a list of n strings: 100 times faster)."""
    return pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, dtype=np.int32)), pa.array([text], type=pa.string()))


def add_votes_from_details(cursor: duckdb.DuckDBPyConnection) -> None:
    """Vote columns repeated on party or member rows become a vote row, for votes no tallies file gives."""
    cursor.execute(
        f"""
        insert into stage_votes (vote_id, {', '.join(VOTE_INFO_FIELDS)}, given, file, row)
        select distinct on (vote_id) vote_id, {', '.join(VOTE_INFO_FIELDS)}, given, file, row
        from stage_vote_info where vote_id not in (select vote_id from stage_votes)
        order by vote_id, row
        """)


def add_party_labels(cursor: duckdb.DuckDBPyConnection) -> None:
    """Party labels met on vote rows become parties (named by their label) when not known yet."""
    cursor.execute(
        """
        insert into stage_parties (party, name, given)
        select distinct party, party, '' from (
            select party from stage_party_positions union select party from stage_member_votes)
        where party is not null and party not in (select party from stage_parties)
          and party not in (select party from parties)
        """)


def counts_to_add(cursor: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """How many rows of each kind the batch adds."""
    queries = {
        "votes": "select count(*) from stage_votes",
        "parties": "select count(*) from stage_parties",
        "party positions": "select count(*) from stage_party_positions",
        "members": "select count(distinct member_id) from stage_members where member_id not in "
                   "(select member_id from members)",
        "member votes": "select count(*) from stage_member_votes",
        "assemblies": "select count(*) from stage_assemblies",
    }
    return {what: int(cursor.execute(sql).fetchone()[0]) for what, sql in queries.items()}
