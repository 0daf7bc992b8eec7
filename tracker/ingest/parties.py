"""Party labels on vote rows: matched to stored parties by label or full name, unknown ones named with suggestions."""

from __future__ import annotations

import duckdb
from rapidfuzz import fuzz, process

from tracker.ingest.problems import Problem
from tracker.ingest.report import ImportReport
from tracker.model import fold

# How alike (0-100, over folded text) a stored label or name must be to be suggested.
SUGGESTION_SCORE = 70
SUGGESTIONS = 3
_VOTE_ROWS = ("stage_party_positions", "stage_member_votes")


def known_parties(cursor: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every party label stored or given in the upload's parties file, with its full name (the label if none)."""
    rows = cursor.execute(
        "select party, coalesce(name, party) from stage_parties union all"
        " select party, coalesce(name, party) from parties where party not in (select party from stage_parties)"
    ).fetchall()
    return {party: name for party, name in rows}


def _any_described(cursor: duckdb.DuckDBPyConnection) -> bool:
    """True when a stored or uploaded party has a name or details of its own, not just its label."""
    described = "coalesce(name, party) <> party or bloc is not null or colour is not null or seats is not null"
    return cursor.execute(f"select exists(select 1 from parties where {described})"
                          f" or exists(select 1 from stage_parties where {described})").fetchone()[0]


def _labels_on_vote_rows(cursor: duckdb.DuckDBPyConnection, known: dict[str, str]) -> list[tuple[str, str, int]]:
    """Labels on party and member rows that are not a known label as written: (label, file, first row)."""
    return cursor.execute(
        """
        select party, arg_min(file, row), min(row) from (
            select party, file, row from stage_party_positions union all
            select party, file, row from stage_member_votes)
        where party is not null and party <> '' and not list_contains($known::varchar[], party)
        group by party order by min(row), party
        """, {"known": list(known)}).fetchall()


def _same_party(label: str, known: dict[str, str]) -> tuple[str, str] | None:
    """The stored label a label means when it is that label or its full name up to case and accents; with how."""
    folded = fold(label)
    by_label = [p for p in known if fold(p) == folded]
    if len(by_label) == 1:
        return by_label[0], "its label written differently"
    by_name = [p for p, name in known.items() if fold(name) == folded]
    if len(by_name) == 1:
        return by_name[0], "its full name"
    return None


def _likeness(a: str, b: str, **_: object) -> float:
    # Whole-string likeness, words in any order; not WRatio: its partial match finds 'ad' inside 'voluntad'.
    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))


def suggestions(label: str, known: dict[str, str]) -> list[str]:
    """The stored parties most like the label (by label or full name, ignoring case and accents), best first."""
    choices = {f"label:{p}": fold(p) for p in known} | {f"name:{p}": fold(n) for p, n in known.items()}
    found = process.extract(fold(label), choices, scorer=_likeness, limit=SUGGESTIONS * 2,
                            score_cutoff=SUGGESTION_SCORE)
    parties: list[str] = []
    for _, _, key in found:
        party = key.split(":", 1)[1]
        if party not in parties:
            parties.append(party)
    return parties[:SUGGESTIONS]


def did_you_mean(parties: list[str], known: dict[str, str]) -> str:
    """'Did you mean VP, Voluntad Popular?' for the suggested parties ('' when there are none)."""
    if not parties:
        return ""
    shown = [p if known[p] == p else f"{p}, {known[p]}" for p in parties]
    return "Did you mean " + " or ".join(shown) + "?"


def resolve_party_labels(cursor: duckdb.DuckDBPyConnection, report: ImportReport, problems: list[Problem],
                         new_parties: bool) -> None:
    """Map full names and case/accent variants to their stored label; refuse unknown labels unless confirmed.

    Confirmation is asked once some party has been described (a parties file gave its name or details): until
    then every party is only a label met on vote rows, and labels are taken as they come.
    """
    known = known_parties(cursor)
    unknown = []
    for label, file_name, row in _labels_on_vote_rows(cursor, known):
        same = _same_party(label, known)
        if same is None:
            unknown.append((label, file_name, row))
            continue
        party, how = same
        for table in _VOTE_ROWS:
            cursor.execute(f"update {table} set party = $party where party = $label",
                           {"party": party, "label": label})
        report.warnings.append(f"'{label}' was read as party {party} ({how}).")
    if not unknown:
        return
    report.new_parties = [label for label, _, _ in unknown]
    if new_parties or not _any_described(cursor):
        return
    for label, file_name, row in unknown:
        hint = did_you_mean(suggestions(label, known), known)
        problems.append(Problem(
            file_name, f"Party '{label}' is not in the database. {hint}".strip(),
            "Correct the label in the file; if it is a new party, confirm it (on the Data page tick 'Add the new "
            "parties'; on the command line add --new-parties).", row=row, column="party"))
