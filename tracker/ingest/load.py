"""Import one upload (one or more files) as one batch: all of it, or nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from tracker import limits, store
from tracker.ingest import formats as F
from tracker.ingest.problems import ImportRejected, Problem, rows_text
from tracker.ingest.read import Source, read_chunks, sniff

Progress = Callable[[float, str], None]

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
    given varchar, file varchar, row integer);
create or replace temp table stage_assemblies (
    assembly varchar, name varchar, country varchar, seats integer, start_date date, end_date date,
    source_url varchar, note varchar, given varchar, file varchar, row integer);
"""

# Vote columns that party and member files may repeat on every row (their note and source_url are the row's own).
_VOTE_INFO_FIELDS = ("assembly", "date", "title", "stage", "matter", "majority", "seats", "result")


@dataclass
class FileSummary:
    """What was recognised in one file."""

    name: str
    kind: str
    rows: int
    encoding: str
    delimiter: str
    ignored_columns: list[str]


_NOUNS = {"votes": "vote", "parties": "party", "party positions": "party position", "members": "member",
          "member votes": "member vote", "assemblies": "assembly", "rows": "row"}


def count_of(n: int, what: str) -> str:
    """'1 vote', '2,500 member votes': a count in words, singular or plural."""
    return f"{n:,} {_NOUNS.get(what, what) if n == 1 else what}"


@dataclass
class ImportReport:
    """What an import did (or, on a dry run, would do)."""

    files: list[FileSummary] = field(default_factory=list)
    batch_id: int | None = None
    added: dict[str, int] = field(default_factory=dict)
    unchanged_votes: int = 0
    replaced: list[str] = field(default_factory=list)
    filled_parties: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    already_imported: int | None = None
    dry_run: bool = False

    @property
    def nothing_added(self) -> bool:
        """True when the upload added or changed no row."""
        return not any(self.added.values()) and not self.replaced and not self.filled_parties

    def text(self) -> str:
        """The report as lines a person reads."""
        lines = []
        for f in self.files:
            delim = {",": "comma", ";": "semicolon", "\t": "tab"}.get(f.delimiter, repr(f.delimiter))
            rows = "" if self.already_imported is not None else f", {count_of(f.rows, 'rows')}"
            lines.append(f"{f.name}: {f.kind}{rows} ({f.encoding.replace('-sig', '').upper()}, {delim}-separated)")
            if f.ignored_columns:
                lines.append(f"  ignored columns: {', '.join(f.ignored_columns)}")
        if self.already_imported is not None:
            lines.append(f"This upload is identical to batch {self.already_imported}, imported before: "
                         "nothing was added.")
            return "\n".join(lines)
        would = self.dry_run
        added = ", ".join(count_of(n, what) for what, n in self.added.items() if n)
        if self.nothing_added:
            lines.append("Nothing new: every vote in the upload is already stored with the same values "
                         f"({count_of(self.unchanged_votes, 'votes')}); nothing was added.")
        else:
            if added:
                lines.append(f"{'Would add' if would else 'Added'}: {added}.")
            if self.unchanged_votes:
                lines.append(f"{count_of(self.unchanged_votes, 'votes')} already stored with the same values "
                             f"{'would be' if would else 'were'} skipped.")
        lines += [("Would replace " if would else "Replaced ") + r for r in self.replaced]
        if self.filled_parties:
            lines.append(f"{'Would fill' if would else 'Filled'} in the details of "
                         f"{count_of(len(self.filled_parties), 'parties')} known until now only by their label: "
                         f"{', '.join(self.filled_parties)}.")
        lines += [f"Note: {w}" for w in self.warnings]
        if self.batch_id is not None:
            lines.append(f"Batch id: {self.batch_id} (undo with `python -m tracker undo {self.batch_id}`).")
        elif would:
            lines.append("Dry run: nothing was written.")
        return "\n".join(lines)


class _DryRunDone(Exception):
    """Raised to roll back a dry run after its report is ready."""


def import_files(con: duckdb.DuckDBPyConnection, files: Sequence[Source | str | Path], replace: bool = False,
                 dry_run: bool = False, editor: bool = False, progress: Progress | None = None) -> ImportReport:
    """Validate the files and store them as one batch; raise ImportRejected, changing nothing, on any problem."""
    sources = [f if isinstance(f, Source) else Source.from_path(f) for f in files]
    if not sources:
        raise ImportRejected([Problem("(no file)", "No file was given.", "Choose one or more CSV files.")])
    upload_limits = limits.upload_limits()
    limits.check_upload_size(sources, upload_limits)  # before any byte is read (the checksum reads them all)
    report = ImportReport(dry_run=dry_run)
    sha256 = sources[0].sha256() if len(sources) == 1 else hashlib.sha256(
        "".join(s.sha256() for s in sources).encode()).hexdigest()
    file_name = ", ".join(s.name for s in sources)
    problems: list[Problem] = []
    inputs = prepare_inputs(sources, problems)
    if problems:
        raise ImportRejected(problems)
    inputs = limits.limit_rows(inputs, upload_limits)
    try:
        with store.WRITE_LOCK, store.capped_memory(con), store.transaction(con) as cursor:
            # With --replace the same bytes are compared again: they may restore values a later batch replaced.
            previous = None if replace else store.find_batch_by_sha256(cursor, sha256)
            if previous is not None:
                report.files = [FileSummary(i.name, i.fmt.kind, 0, i.encoding, i.delimiter, i.fmt.ignored)
                                for i in inputs]
                report.already_imported = previous[0]
                return report
            cursor.execute(_STAGE_DDL)
            total_rows = _stage_files(cursor, inputs, report, problems, progress)
            if problems:
                raise ImportRejected(problems)
            if progress:
                progress(0.9, "Checking the upload against the database")
            _merge_vote_info(cursor, problems)
            _check_within_upload(cursor, problems)
            if problems:
                raise ImportRejected(problems)
            replacements, replaced_parties, replaced_assemblies = _compare_with_store(cursor, replace, report, problems)
            _add_party_labels(cursor)
            _check_tallies(cursor, problems)
            if problems:
                raise ImportRejected(problems)
            report.added = _counts_to_add(cursor)
            if report.nothing_added:
                return report
            if dry_run:
                raise _DryRunDone
            batch_id = store.next_batch_id(cursor)
            summary = "; ".join(f"{n} {what}" for what, n in report.added.items() if n)
            store.write_batch(cursor, batch_id, file_name, sha256, total_rows, editor, summary, replacements,
                              replaced_parties, replaced_assemblies)
            report.batch_id = batch_id
            if progress:
                progress(1.0, f"Imported batch {batch_id}")
    except _DryRunDone:
        pass
    return report


@dataclass
class Input:
    """One table to import: its name, format, and a way to read its rows in chunks of raw strings.

    Chunks have columns c0..cN (in the order of fmt.columns) and `_row`, the spreadsheet row number.
    Native CSV files and the adapters for other sources (tracker.ingest.adapters) both produce these.
    """

    name: str
    fmt: F.FileFormat
    chunks: Callable[[], Iterator[pd.DataFrame]]
    size: int
    encoding: str = "utf-8"
    delimiter: str = ","
    label: str | None = None  # what was recognised, e.g. "VoteView votes", shown in the report


def prepare_inputs(sources: Sequence[Source], problems: list[Problem]) -> list[Input]:
    """Recognise the files: datasets from other tools through their adapters, the rest as native CSV."""
    from tracker.ingest import adapters

    inputs, rest = adapters.recognise(sources, problems)
    for source in rest:
        try:
            layout = sniff(source)
        except ImportRejected as rejected:
            problems += rejected.problems
            continue
        fmt, header_problems = F.detect_format(source.name, layout.header)
        problems += header_problems
        if fmt is not None and not header_problems:
            inputs.append(Input(source.name, fmt, lambda s=source, lay=layout: read_chunks(s, lay), source.size(),
                                layout.encoding, layout.delimiter))
    return inputs


def _stage_files(cursor: duckdb.DuckDBPyConnection, inputs: list[Input], report: ImportReport,
                 problems: list[Problem], progress: Progress | None) -> int:
    """Read every input in chunks, convert and check its rows, and append them to the staging tables."""
    total_bytes = sum(i.size for i in inputs) or 1
    done_bytes = 0
    total_rows = 0
    for item in inputs:
        rows = 0
        for chunk in item.chunks():
            data, chunk_problems = F.convert_chunk(item.name, item.fmt, chunk)
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


def _given(data: pd.DataFrame, fields: Sequence[str]) -> str:
    return ",".join(f for f in fields if f in data.columns)


def _stage_chunk(cursor: duckdb.DuckDBPyConnection, file_name: str, fmt: F.FileFormat, data: pd.DataFrame) -> None:
    """Append one converted chunk to the staging table of its format."""
    targets = {
        F.VOTE_TALLIES: ("stage_votes", F.ALL_VOTE_COLUMNS, _given(data, F.ALL_VOTE_COLUMNS)),
        F.PARTIES: ("stage_parties", ("party", "name", "bloc", "colour", "seats", "source_url", "note"), None),
        F.ASSEMBLIES: ("stage_assemblies", ("assembly", "name", "country", "seats", "start_date", "end_date",
                                            "source_url", "note"), None),
    }
    if fmt.kind in targets:
        table, columns, given = targets[fmt.kind]
        _insert(cursor, table, data, file_name, columns, given if given is not None else _given(data, columns))
        return
    info_fields = [f for f in _VOTE_INFO_FIELDS if f in data.columns]
    if info_fields:
        # Vote columns repeat on every member row: stage each distinct set once (with its first row).
        _insert(cursor, "stage_vote_info", data, file_name, ("vote_id", *_VOTE_INFO_FIELDS), ",".join(info_fields),
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
        data = data.drop_duplicates(subset=list(distinct_on), keep="first")
    if table not in _STAGE_COLUMNS:
        _STAGE_COLUMNS[table] = [r[0] for r in cursor.execute(f"describe {table}").fetchall()]
    n = len(data)
    arrays = []
    for name in _STAGE_COLUMNS[table]:
        if name == "given":
            arrays.append(pa.array([given] * n, type=pa.string()).dictionary_encode())
        elif name == "file":
            arrays.append(pa.array([file_name] * n, type=pa.string()).dictionary_encode())
        elif name == "row":
            arrays.append(pa.Array.from_pandas(data["_row"]).cast(pa.int32()))
        elif name in columns and name in data:
            arrays.append(pa.Array.from_pandas(data[name]))
        else:
            arrays.append(pa.nulls(n))
    chunk = pa.table(arrays, names=_STAGE_COLUMNS[table])
    # A relation, not a registered view: a view dropped inside a transaction keeps its data alive until commit.
    cursor.from_arrow(chunk).insert_into(table)


def _merge_vote_info(cursor: duckdb.DuckDBPyConnection, problems: list[Problem]) -> None:
    """Vote columns repeated on party or member rows: one consistent set per vote, added as a vote row."""
    conflicting = cursor.execute(
        f"""
        select vote_id, any_value(file), list(row order by row)[1:5] from (
            select *, count(*) over (partition by vote_id) as n from (
                select distinct on (vote_id, {', '.join(_VOTE_INFO_FIELDS)}) * from stage_vote_info))
        where n > 1 group by vote_id order by vote_id limit 20
        """).fetchall()
    for vote_id, file_name, rows in conflicting:
        problems.append(Problem(file_name, f"Vote '{vote_id}' has different vote details (date, title, ...) on "
                                f"{rows_text(rows)}.", "Give every row of one vote the same date, title and stage.",
                                row=rows[0]))
    # The same vote in a vote tallies file of this upload: the repeated details must agree with it.
    against_tallies = cursor.execute(" union all ".join(
        f"select i.vote_id, i.file, min(i.row), '{f}', any_value(v.file), any_value(v.row),"
        f" any_value(i.{f})::varchar, any_value(v.{f})::varchar"
        f" from stage_vote_info i join stage_votes v using (vote_id)"
        f" where i.{f} is not null and v.{f} is not null and i.{f} <> v.{f} group by i.vote_id, i.file"
        for f in _VOTE_INFO_FIELDS) + " order by 3 limit 20").fetchall()
    for vote_id, file_name, row, column, tallies_file, tallies_row, value, stated in against_tallies:
        problems.append(Problem(file_name, f"Vote '{vote_id}' has {column} '{value}' here but '{stated}' in "
                                f"{tallies_file}, row {tallies_row}.", "Make the two files agree.", row=row,
                                column=column))
    cursor.execute(
        f"""
        insert into stage_votes (vote_id, {', '.join(_VOTE_INFO_FIELDS)}, given, file, row)
        select distinct on (vote_id) vote_id, {', '.join(_VOTE_INFO_FIELDS)}, given, file, row
        from stage_vote_info where vote_id not in (select vote_id from stage_votes)
        order by vote_id, row
        """)


def _check_within_upload(cursor: duckdb.DuckDBPyConnection, problems: list[Problem]) -> None:
    """Duplicates inside the upload and references to votes that exist nowhere."""
    checks = (
        ("stage_votes", "vote_id", "Vote '{0}' appears more than once ({1}).",
         "Keep one row per vote in a vote tallies file."),
        ("stage_party_positions", "vote_id, party", "Party '{0[1]}' appears more than once on vote '{0[0]}' ({1}).",
         "Keep one row per party and vote."),
        ("stage_member_votes", "vote_id, member_id", "Member '{0[1]}' appears more than once on vote '{0[0]}' ({1}).",
         "Keep one row per member and vote; two people with the same name need a member_id each."),
        ("stage_parties", "party", "Party '{0}' appears more than once ({1}).", "Keep one row per party."),
        ("stage_assemblies", "assembly", "Assembly '{0}' appears more than once ({1}).", "Keep one row per assembly."),
    )
    for table, key, message, fix in checks:
        # Keys are grouped by their 64-bit hash first: far less memory than grouping millions of strings.
        duplicates = cursor.execute(
            f"with clashes as (select hash({key}) as h from {table} group by h having count(*) > 1)"
            f" select {key}, any_value(file), list(row order by row) from {table}"
            f" where hash({key}) in (select h from clashes)"
            f" group by {key} having count(*) > 1 order by min(row) limit 20").fetchall()
        for dup in duplicates:
            *key_values, file_name, rows = dup
            shown = key_values[0] if len(key_values) == 1 else key_values
            problems.append(Problem(file_name, message.format(shown, rows_text(rows)), fix, row=rows[1]))
    missing = cursor.execute(
        """
        select vote_id, file, min(row) from (
            select vote_id, file, row from stage_party_positions union all
            select vote_id, file, row from stage_member_votes)
        where vote_id not in (select vote_id from stage_votes) and vote_id not in (select vote_id from votes)
        group by vote_id, file order by 3 limit 20
        """).fetchall()
    for vote_id, file_name, row in missing:
        problems.append(Problem(file_name, f"Vote '{vote_id}' is not in the database or in this upload.",
                                "Upload its vote tallies file with it, or add date and title columns to this file.",
                                row=row, column="vote_id"))
    new_without_details = cursor.execute(
        "select vote_id, file, row, date is null, title is null from stage_votes"
        " where (date is null or title is null) and vote_id not in (select vote_id from votes) order by row limit 20"
    ).fetchall()
    for vote_id, file_name, row, no_date, _ in new_without_details:
        column = "date" if no_date else "title"
        problems.append(Problem(file_name, f"New vote '{vote_id}' has no {column}.",
                                f"Give the vote a {column} (a new vote needs a date and a title).", row=row,
                                column=column))


def _compare_with_store(cursor: duckdb.DuckDBPyConnection, replace: bool, report: ImportReport,
                        problems: list[Problem]) -> tuple[list[store.Replacement], list[str], list[str]]:
    """Sort staged rows already in the database into unchanged (dropped) and changed (rejected unless replace)."""
    changes: dict[str, list[str]] = {}
    where_first: dict[str, tuple[str, int]] = {}
    stored = cursor.execute(
        "select s.*, to_json(v) as stored from stage_votes s join votes v using (vote_id)").df()
    for record in stored.to_dict("records"):
        import json

        old = json.loads(record["stored"])
        diffs = []
        for column in (record["given"] or "").split(","):
            if column in ("", "vote_id"):
                continue
            new_value, old_value = _plain(record[column]), _plain(old.get(column))
            if column == "majority":
                new_value = new_value or "simple"
            if new_value != old_value:
                diffs.append(f"{column} {_show(old_value)} → {_show(new_value)}")
        if diffs:
            changes.setdefault(record["vote_id"], []).extend(diffs)
            where_first.setdefault(record["vote_id"], (record["file"], int(record["row"])))
    for table, key, compared, label in (
        ("party_positions", "party", ("yes", "no", "abstain", "absent", "position"), "party"),
        ("member_votes", "member_id", ("party", "position"), "member"),
    ):
        differing = cursor.execute(
            f"""
            select s.vote_id, s.{key}, s.file, s.row, {', '.join(f's.{c}, t.{c}' for c in compared)}
            from stage_{table} s join {table} t on s.vote_id = t.vote_id and s.{key} = t.{key}
            where {' or '.join(f's.{c} is distinct from t.{c}' for c in compared)}
            order by s.row
            """).fetchall()
        for vote_id, key_value, file_name, row, *values in differing:
            diffs = [f"{c} {_show(values[2 * i + 1])} → {_show(values[2 * i])}" for i, c in enumerate(compared)
                     if values[2 * i] != values[2 * i + 1]]
            changes.setdefault(vote_id, []).append(f"{label} {key_value}: {', '.join(diffs)}")
            where_first.setdefault(vote_id, (file_name, int(row)))
    replacements = []
    changed = sorted(changes)
    for vote_id in changed:
        # Replacing a vote's party or member rows replaces all of them: say which stored rows go.
        for table, key, label in (("party_positions", "party", "party"), ("member_votes", "member_id", "member")):
            dropped = [r[0] for r in cursor.execute(
                f"select {key} from {table} t where vote_id = $v"
                f" and exists (select 1 from stage_{table} where vote_id = $v)"
                f" and not exists (select 1 from stage_{table} s where s.vote_id = $v and s.{key} = t.{key})"
                f" order by 1", {"v": vote_id}).fetchall()]
            if dropped:
                shown = ", ".join(dropped[:5]) + (f" and {len(dropped) - 5} more" if len(dropped) > 5 else "")
                changes[vote_id].append(f"{label} {shown}: not in the upload, removed")
    if changed and not replace:
        for vote_id in changed:
            file_name, row = where_first[vote_id]
            shown = "; ".join(changes[vote_id][:6]) + ("; ..." if len(changes[vote_id]) > 6 else "")
            problems.append(Problem(file_name, f"Vote '{vote_id}' is already stored with different values: {shown}.",
                                    "Import with --replace (on the Data page: 'Replace votes that changed') to "
                                    "overwrite it, or correct the file.", row=row))
    cursor.execute("create or replace temp table changed_votes (vote_id varchar)")
    if changed:
        cursor.execute("insert into changed_votes select unnest($ids::varchar[])", {"ids": changed})
        for vote_id in changed:
            kinds = cursor.execute(
                """select exists(select 1 from stage_votes where vote_id = $v),
                          exists(select 1 from stage_party_positions where vote_id = $v),
                          exists(select 1 from stage_member_votes where vote_id = $v)""", {"v": vote_id}).fetchone()
            replacements.append(store.Replacement(vote_id, *kinds))
            report.replaced.append(f"vote {vote_id}: " + "; ".join(changes[vote_id][:10]))
        _keep_stored_values(cursor, "stage_votes", "votes", "vote_id", F.ALL_VOTE_COLUMNS[1:])
    # Unchanged rows of unchanged votes are dropped, so a re-upload adds nothing.
    report.unchanged_votes = cursor.execute(
        "select count(*) from stage_votes where vote_id in (select vote_id from votes)"
        " and vote_id not in (select vote_id from changed_votes)").fetchone()[0]
    cursor.execute("delete from stage_votes where vote_id in (select vote_id from votes)"
                   " and vote_id not in (select vote_id from changed_votes)")
    for table, key in (("party_positions", "party"), ("member_votes", "member_id")):
        cursor.execute(
            f"delete from stage_{table} s where s.vote_id not in (select vote_id from changed_votes)"
            f" and exists (select 1 from {table} t where t.vote_id = s.vote_id and t.{key} = s.{key})")
    replaced_parties = _compare_reference(cursor, "parties", "party", replace, report, problems)
    replaced_assemblies = _compare_reference(cursor, "assemblies", "assembly", replace, report, problems)
    return replacements, replaced_parties, replaced_assemblies


_REFERENCE_COLUMNS = {
    "parties": ("name", "bloc", "colour", "seats", "source_url", "note"),
    "assemblies": ("name", "country", "seats", "start_date", "end_date", "source_url", "note"),
}


def _compare_reference(cursor: duckdb.DuckDBPyConnection, table: str, key: str, replace: bool,
                       report: ImportReport, problems: list[Problem]) -> list[str]:
    """Parties or assemblies already stored: unchanged ones are dropped, changed ones need --replace.

    A party known only by its label (met on vote rows, no details) gets its details filled in without --replace.
    """
    import json

    details = _REFERENCE_COLUMNS[table]
    rows = cursor.execute(f"select s.*, to_json(t) from stage_{table} s join {table} t using ({key})"
                          " order by s.row").fetchall()
    columns = [d[0] for d in cursor.description]
    changed, filled = [], []
    noun = "Party" if table == "parties" else "Assembly"
    for values in rows:
        record = dict(zip(columns, values, strict=True))
        old = json.loads(values[-1])
        diffs = [f"{c} {_show(_plain(old.get(c)))} → {_show(_plain(record[c]))}"
                 for c in (record["given"] or "").split(",")
                 if c not in ("", key) and _plain(record[c]) != _plain(old.get(c))]
        if not diffs:
            continue
        changed.append(record[key])
        label_only = table == "parties" and old.get("name") in (None, record[key]) and \
            all(old.get(c) is None for c in details if c != "name")
        if label_only:
            filled.append(record[key])
        elif replace:
            report.replaced.append(f"{noun.lower()} {record[key]}: {'; '.join(diffs)}")
        else:
            problems.append(Problem(record["file"], f"{noun} '{record[key]}' is already stored with different "
                                    f"values: {'; '.join(diffs)}.",
                                    "Import with --replace to overwrite it, or correct the file.",
                                    row=int(record["row"]), column=key))
    if filled:
        report.filled_parties += filled
    cursor.execute(f"delete from stage_{table} where {key} in (select {key} from {table})"
                   f" and {key} not in (select unnest($changed::varchar[]))", {"changed": changed})
    _keep_stored_values(cursor, f"stage_{table}", table, key, details)
    return changed


def _keep_stored_values(cursor: duckdb.DuckDBPyConnection, staged: str, stored: str, key: str,
                        columns: Sequence[str]) -> None:
    """Staged rows that replace stored ones keep the stored value of every column the file did not give."""
    assignments = ", ".join(
        f"{c} = case when list_contains(string_split(coalesce(s.given, ''), ','), '{c}') then s.{c} else t.{c} end"
        for c in columns)
    cursor.execute(f"update {staged} s set {assignments} from {stored} t where s.{key} = t.{key}")


def _plain(value: object) -> object:
    """A value in a form that compares equal whether it came from pandas, DuckDB or JSON."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _show(value: object) -> str:
    return "(empty)" if value is None else str(value)


def _add_party_labels(cursor: duckdb.DuckDBPyConnection) -> None:
    """Party labels met on vote rows become parties (named by their label) when not known yet."""
    cursor.execute(
        """
        insert into stage_parties (party, name, given)
        select distinct party, party, '' from (
            select party from stage_party_positions union select party from stage_member_votes)
        where party is not null and party not in (select party from stage_parties)
          and party not in (select party from parties)
        """)


def _check_tallies(cursor: duckdb.DuckDBPyConnection, problems: list[Problem]) -> None:
    """Member and party counts against the vote's stated tallies, stated positions against counts, votes vs seats."""
    # The vote as it will be after the import: staged rows win over stored ones.
    cursor.execute(
        """
        create or replace temp table check_votes as
        select vote_id, yes, no, abstain, absent, seats, assembly, file, row from stage_votes
        union all
        select vote_id, yes, no, abstain, absent, seats, assembly, 'stored rows of batch ' || batch_id, null from votes
        where vote_id not in (select vote_id from stage_votes)
          and vote_id in (select vote_id from stage_party_positions union select vote_id from stage_member_votes)
        """)
    replaced_members = "select vote_id from changed_votes where vote_id in (select vote_id from stage_member_votes)"
    cursor.execute(
        f"""
        create or replace temp table check_member_counts as
        select vote_id, coalesce(party, '(no party)') as party,
               count(*) filter (where position = 'yes') as yes, count(*) filter (where position = 'no') as no,
               count(*) filter (where position = 'abstain') as abstain,
               count(*) filter (where position = 'absent') as absent,
               count(*) filter (where position <> 'not_member') as members,
               min(row) as row, coalesce(arg_min(file, row), any_value(file)) as file
        from (
            select vote_id, party, position, file, row from stage_member_votes
            union all
            select vote_id, party, position, 'stored rows of batch ' || batch_id, null from member_votes
            where vote_id in (select vote_id from stage_member_votes) and vote_id not in ({replaced_members}))
        group by all
        """)
    # Counted per party above (one scan of the member rows); the checks below read these few rows.
    cursor.execute(
        """
        create or replace temp view check_member_totals as
        select vote_id, sum(yes) as yes, sum(no) as no, sum(abstain) as abstain, sum(absent) as absent,
               sum(members) as members, min(row) as row, coalesce(arg_min(file, row), any_value(file)) as file
        from check_member_counts group by vote_id
        """)
    member_counts = cursor.execute(
        """
        select m.vote_id, m.file, m.row, m.yes, m.no, m.abstain, m.absent, v.yes, v.no, v.abstain, v.absent
        from check_member_totals m join check_votes v using (vote_id)
        where v.yes <> m.yes or v.no <> m.no or v.abstain <> m.abstain or v.absent <> m.absent
        order by 3 limit 20
        """).fetchall()
    for vote_id, file_name, row, *counts in member_counts:
        counted, stated = counts[:4], counts[4:]
        diffs = [f"{c} {n} (stated {s})" for c, n, s in zip(F.COUNTS, counted, stated, strict=True)
                 if s is not None and s != n]
        problems.append(Problem(file_name, f"The member votes of vote '{vote_id}' count {', '.join(diffs)}: they "
                                "disagree with the vote's stated tally.", "Correct the member rows or the tally, or "
                                "leave the tally empty so it is counted from the member votes.", row=row))
    cursor.execute(
        """
        create or replace temp table check_parties as
        select vote_id, party, yes, no, abstain, absent, position, file, row from stage_party_positions
        union all
        select vote_id, party, yes, no, abstain, absent, position, 'stored rows of batch ' || batch_id, null
        from party_positions p
        where vote_id in (select vote_id from check_votes)
          and not exists (select 1 from stage_party_positions s where s.vote_id = p.vote_id and s.party = p.party)
        """)
    party_sums = cursor.execute(
        """
        select p.vote_id, any_value(p.file), min(p.row), sum(p.yes), sum(p.no), sum(p.abstain), sum(p.absent),
               any_value(v.yes), any_value(v.no), any_value(v.abstain), any_value(v.absent)
        from check_parties p join check_votes v using (vote_id)
        group by p.vote_id
        having sum(p.yes) > any_value(v.yes) or sum(p.no) > any_value(v.no)
            or sum(p.abstain) > any_value(v.abstain) or sum(p.absent) > any_value(v.absent)
        order by 3 limit 20
        """).fetchall()
    for vote_id, file_name, row, *counts in party_sums:
        summed, stated = counts[:4], counts[4:]
        diffs = [f"{c} {n} (vote says {s})" for c, n, s in zip(F.COUNTS, summed, stated, strict=True)
                 if n is not None and s is not None and n > s]
        problems.append(Problem(file_name, f"The party counts of vote '{vote_id}' add up to more "
                                f"than the vote's stated tally: {', '.join(diffs)}.",
                                "Correct the party counts or the vote's tally.", row=row))
    party_vs_members = cursor.execute(
        """
        select p.vote_id, p.party, p.file, p.row from check_parties p
        join check_member_counts m on p.vote_id = m.vote_id and p.party = m.party
        where (p.yes is not null and p.yes <> m.yes) or (p.no is not null and p.no <> m.no)
           or (p.abstain is not null and p.abstain <> m.abstain) or (p.absent is not null and p.absent <> m.absent)
        order by p.row limit 20
        """).fetchall()
    for vote_id, party, file_name, row in party_vs_members:
        problems.append(Problem(file_name, f"The stated counts of party '{party}' on vote "
                                f"'{vote_id}' disagree with its members' votes.",
                                "Correct the party counts or leave them empty.", row=row))
    stated_vs_counts = cursor.execute(
        """
        select vote_id, party, position, yes, no, abstain, file, row from stage_party_positions
        where position is not null and coalesce(yes, 0) + coalesce(no, 0) + coalesce(abstain, 0) > 0
          and position <> case
                when coalesce(yes, 0) > greatest(coalesce(no, 0), coalesce(abstain, 0)) then 'yes'
                when coalesce(no, 0) > greatest(coalesce(yes, 0), coalesce(abstain, 0)) then 'no'
                when coalesce(abstain, 0) > greatest(coalesce(yes, 0), coalesce(no, 0)) then 'abstain'
                else 'split' end
        order by row limit 20
        """).fetchall()
    for vote_id, party, position, yes, no, abstain, file_name, row in stated_vs_counts:
        problems.append(Problem(file_name, f"Party '{party}' on vote '{vote_id}' is stated as '{position}' but its "
                                f"counts are yes {yes}, no {no}, abstain {abstain}.",
                                "Correct the position or the counts (a tie for first is 'split').", row=row,
                                column="position"))
    over_seats = cursor.execute(
        """
        with seats as (
            select v.vote_id, v.file, v.row, coalesce(v.seats, sa.seats, a.seats) as seats,
                   coalesce(v.yes, m.yes, 0) + coalesce(v.no, m.no, 0) + coalesce(v.abstain, m.abstain, 0)
                   + coalesce(v.absent, m.absent, 0) as counted,
                   coalesce(m.members, 0) as members
            from check_votes v
            left join stage_assemblies sa on sa.assembly = v.assembly
            left join assemblies a on a.assembly = v.assembly
            left join check_member_totals m using (vote_id))
        select vote_id, file, row, seats, greatest(counted, members) from seats
        where seats is not null and greatest(counted, members) > seats order by row limit 20
        """).fetchall()
    for vote_id, file_name, row, seats, counted in over_seats:
        problems.append(Problem(file_name, f"Vote '{vote_id}' has {counted} votes or members but "
                                f"the chamber has {seats} seats.", "Correct the counts, or the vote's or assembly's "
                                "seats.", row=row))


def _counts_to_add(cursor: duckdb.DuckDBPyConnection) -> dict[str, int]:
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
