"""Which assembly each new vote belongs to: the file's, the one chosen for the upload, or the only one stored."""

from __future__ import annotations

import duckdb

from tracker.ingest.problems import Problem
from tracker.ingest.report import ImportReport, count_of


def known_assemblies(cursor: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every assembly stored or given in the upload's assemblies file, with its name (the id if none)."""
    rows = cursor.execute(
        "select assembly, coalesce(name, assembly) from stage_assemblies union all"
        " select assembly, coalesce(name, assembly) from assemblies"
        " where assembly not in (select assembly from stage_assemblies) order by 1").fetchall()
    return {assembly: name for assembly, name in rows}


def listed(known: dict[str, str]) -> str:
    """'an-2015 (Asamblea Nacional), bt-18 (Bundestag)': the assemblies for a message."""
    return ", ".join(a if n == a else f"{a} ({n})" for a, n in known.items()) or "none"


def place_votes(cursor: duckdb.DuckDBPyConnection, chosen: str | None, report: ImportReport,
                problems: list[Problem]) -> None:
    """Give new votes without an assembly the chosen or only one; refuse unknown assemblies and unclear uploads."""
    known = known_assemblies(cursor)
    if chosen is not None and chosen not in known:
        problems.append(Problem("(upload)", f"The chosen assembly '{chosen}' is not stored. Stored assemblies: "
                                f"{listed(known)}.", "Choose one of the stored assemblies, or upload an assemblies "
                                "file that adds it (see docs/data-format.md)."))
        return
    unplaced = cursor.execute(
        "select count(*), arg_min(file, row), min(row) from stage_votes"
        " where assembly is null and vote_id not in (select vote_id from votes)").fetchone()
    count, file_name, row = unplaced
    if count:
        target = chosen if chosen is not None else (next(iter(known)) if len(known) == 1 else None)
        if target is None and len(known) > 1:
            problems.append(Problem(
                file_name, f"{count_of(count, 'votes')} of the upload name no assembly, and the database has "
                f"several: {listed(known)}.", "Choose the assembly of these votes (on the Data page: 'Assembly of "
                "votes that name none'; on the command line: --assembly ID), or add an assembly column.",
                row=row, column="assembly"))
            return
        if target is not None:
            cursor.execute("update stage_votes set assembly = $a"
                           " where assembly is null and vote_id not in (select vote_id from votes)", {"a": target})
            how = "the assembly chosen for this upload" if chosen is not None else "the only assembly stored"
            report.warnings.append(f"{count_of(count, 'votes')} named no assembly: "
                                   f"{'it goes' if count == 1 else 'they go'} to {listed({target: known[target]})}, "
                                   f"{how}.")
    if not known:
        return  # a first upload into a database without assemblies names them as it likes: nothing to check against
    # An assembly id the votes name must be stored or in the upload (a stored vote keeping its old one is left alone).
    unknown = cursor.execute(
        """
        select s.assembly, arg_min(s.file, s.row), min(s.row), count(*) from stage_votes s
        left join votes v using (vote_id)
        where s.assembly is not null and not list_contains($known::varchar[], s.assembly)
          and s.assembly is distinct from v.assembly
        group by s.assembly order by min(s.row) limit 20
        """, {"known": list(known)}).fetchall()
    for assembly, file_name, row, votes in unknown:
        problems.append(Problem(
            file_name, f"Assembly '{assembly}' ({count_of(votes, 'votes')}) is not stored. Stored assemblies: "
            f"{listed(known)}.", "Write the id of a stored assembly, or upload an assemblies file that adds it "
            "(see docs/data-format.md).", row=row, column="assembly"))
