"""Member votes as numbers: the position codes, the SQL that reads them as cells, and the date window over columns.

numpy only, no pandas: the member vote matrix (matrix.py) and `export member-alignment` (pairs.py) both build on it.
"""

from __future__ import annotations

import numpy as np

from tracker.metrics.filters import Filters, metric_table, parameters
from tracker.store import Store

# Cell codes of member positions (0 = no row) and party positions (0 = no position).
POSITION_CODES = {"yes": 1, "no": 2, "abstain": 3, "absent": 4, "not_member": 5, "split": 6}
OTHER_POSITION = 7   # any other stored position: in office, not cast
# Above this many members × votes the matrix is not built (eight bytes a cell): 60 M cells = 480 MB.
MAX_MATRIX_CELLS = 60_000_000

# The filter's votes in column order (date, then vote_id; undated last) and every member in row order (member_id).
VOTE_COLUMNS = """vi as (select vote_id, (row_number() over (order by date nulls last, vote_id) - 1)::integer as v
                 from fv)"""
_MEMBER_ROWS = """mi as (select member_id, (row_number() over (order by member_id) - 1)::integer as m
                 from (select distinct member_id from member_votes))"""


def vote_dates(db: Store, filters: Filters) -> np.ndarray:
    """The dates of the filter's votes in column order, as datetime64[D] (NaT for an undated vote)."""
    dates = fetch_columns(db, "select date from fv order by date nulls last, vote_id", filters)["date"]
    return np.ma.filled(np.ma.asarray(dates).astype("datetime64[D]"), np.datetime64("NaT"))


def member_ids(db: Store) -> np.ndarray:
    """Every member with a member vote, in row order (member_id), as text."""
    cursor = db.cursor()
    try:
        ids = cursor.execute("select distinct member_id from member_votes order by member_id").fetchnumpy()
    finally:
        cursor.close()
    return np.asarray(ids["member_id"], dtype=object)


def party_labels(db: Store) -> list[str]:
    """The party labels of party_votes in code order (code = 1 + index; 0 = no party)."""
    cursor = db.cursor()
    try:
        return [str(row[0]) for row in cursor.execute("select distinct party from party_votes order by 1").fetchall()]
    finally:
        cursor.close()


def code_cells(db: Store, filters: Filters, labels: list[str]) -> dict[str, np.ndarray]:
    """Every member vote on the filter's votes as a cell: row m, column v, position code and party code p."""
    cells = fetch_columns(db, f"""
        , {VOTE_COLUMNS}
        , {_MEMBER_ROWS}
        , pi as (select unnest($labels::varchar[]) as party, unnest(range(1, len($labels::varchar[]) + 1)) as p)
        select mi.m, vi.v,
               (case mv.position when 'yes' then 1 when 'no' then 2 when 'abstain' then 3 when 'absent' then 4
                                 when 'not_member' then 5 else {OTHER_POSITION} end)::tinyint as code,
               coalesce(pi.p, 0)::smallint as p
        from member_votes mv join vi using (vote_id) join mi using (member_id) left join pi on pi.party = mv.party""",
                   filters, labels=labels)
    return {name: np.asarray(values) for name, values in cells.items()}


def code_matrices(cells: dict[str, np.ndarray], members: int, votes: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The cells as members × votes matrices of position codes (int8) and party codes (int16).

    None when a member has two rows on one vote: a matrix cannot hold both (the SQL paths count both).
    """
    positions = np.zeros((members, votes), dtype=np.int8)
    parties = np.zeros((members, votes), dtype=np.int16)
    positions[cells["m"], cells["v"]] = cells["code"]
    parties[cells["m"], cells["v"]] = cells["p"]
    if np.count_nonzero(positions) != len(cells["m"]):
        return None
    return positions, parties


def date_window(dates: np.ndarray, filters: Filters) -> slice:
    """The columns of the votes in the filter's date range (undated votes, last, only when no date is set)."""
    values = parameters(filters)
    dated = int(np.count_nonzero(~np.isnat(dates)))
    known = dates[:dated].astype("datetime64[D]")
    start, stop = 0, dated if (values["date_from"] or values["date_to"]) else len(dates)
    if values["date_from"]:
        start = int(np.searchsorted(known, np.datetime64(values["date_from"], "D"), side="left"))
    if values["date_to"]:
        stop = int(np.searchsorted(known, np.datetime64(values["date_to"], "D"), side="right"))
    return slice(start, max(start, stop))


def period_starts(dates: np.ndarray, period: str) -> np.ndarray:
    """The first day of each date's month, quarter or year (as SQL's date_trunc), as datetime64[M]; no NaT."""
    return first_months(dates.astype("datetime64[M]").astype(np.int64), period).astype("datetime64[M]")


def first_months(months: np.ndarray, period: str) -> np.ndarray:
    """For months counted from January 1970, the first month of each one's month, quarter or year (same count)."""
    step = {"month": 1, "quarter": 3, "year": 12}[period]
    return months - months % step   # numpy's % is never negative for a positive step: 1969 is -12 to -1


def allowed_parties(labels: np.ndarray | list[str], filters: Filters) -> np.ndarray:
    """Per party code (0 = no party), whether the party filter keeps it."""
    if not filters.parties:
        return np.ones(len(labels) + 1, dtype=bool)
    return np.concatenate([[False], np.isin(np.asarray(labels, dtype=str), list(filters.parties))])


def fetch_columns(db: Store, sql: str, filters: Filters, **extra: object) -> dict[str, np.ndarray]:
    """A query after the filtered-votes CTE as numpy columns, binding the parameters it uses."""
    table = metric_table(sql, filters, (), **extra)
    cursor = db.cursor()
    try:
        return cursor.execute(table.rows, dict(table.values)).fetchnumpy()
    finally:
        cursor.close()
