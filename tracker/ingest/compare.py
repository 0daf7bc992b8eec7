"""The upload against the store: unchanged rows are dropped, changed ones are refused unless replace is asked for."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from tracker import store
from tracker.ingest import formats as F
from tracker.ingest.problems import Problem
from tracker.ingest.report import ImportReport


@dataclass
class Replacements:
    """What the batch replaces: votes (with which of their row kinds), parties and assemblies."""

    votes: list[store.Replacement]
    parties: list[str]
    assemblies: list[str]


def compare_with_store(cursor: duckdb.DuckDBPyConnection, replace: bool, report: ImportReport,
                       problems: list[Problem]) -> Replacements:
    """Sort staged rows already in the database into unchanged (dropped) and changed (rejected unless replace)."""
    changes: dict[str, list[str]] = {}
    where_first: dict[str, tuple[str, int]] = {}
    stored = cursor.execute(
        "select s.*, to_json(v) as stored from stage_votes s join votes v using (vote_id)").df()
    for record in stored.to_dict("records"):
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
    return Replacements(replacements, replaced_parties, replaced_assemblies)


_REFERENCE_COLUMNS = {
    "parties": ("name", "bloc", "colour", "seats", "source_url", "note", "seat_order"),
    "assemblies": ("name", "country", "seats", "start_date", "end_date", "source_url", "note"),
}


def _compare_reference(cursor: duckdb.DuckDBPyConnection, table: str, key: str, replace: bool,
                       report: ImportReport, problems: list[Problem]) -> list[str]:
    """Parties or assemblies already stored: unchanged ones are dropped, changed ones need --replace.

    A party known only by its label (met on vote rows, no details) gets its details filled in without --replace.
    """
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
