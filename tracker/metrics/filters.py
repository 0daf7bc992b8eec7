"""Which votes and parties a metric covers: the Filters, and the filtered-votes CTE every metric query starts from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from tracker.model import PERIODS
from tracker.store import Store
from tracker.table_query import TableQuery

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Filters:
    """Which votes and parties a metric covers."""

    assembly: str | None = None
    date_from: str | date | None = None     # inclusive
    date_to: str | date | None = None       # inclusive
    parties: tuple[str, ...] = ()           # empty = all parties
    period: str = "year"                    # month | quarter | year (for trends)
    reference: str | None = None            # a party label or "bloc:NAME" for alignment with a reference


ALL_VOTES = Filters()

# The assembly filter's value for votes stored without an assembly (older databases): listed, never hidden.
NO_ASSEMBLY = "(no assembly)"


# The votes a metric covers; every query joins it as `fv`.
FILTERED_VOTES = """
fv as (
    select vote_id, date, title, assembly from votes
    where ($assembly::varchar is null or assembly = $assembly or ($assembly = '(no assembly)' and assembly is null))
      and ($date_from::date is null or date >= $date_from)
      and ($date_to::date is null or date <= $date_to)
)"""


def party_in(column: str) -> str:
    """A condition keeping rows whose party is in the filter (all when the filter is empty)."""
    return f"(len($parties::varchar[]) = 0 or list_contains($parties::varchar[], {column}))"


def _as_date(value: str | date | None, name: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"{name} '{value}' is not a date: write it as YYYY-MM-DD, e.g. 2016-01-05.") from None


def parameters(filters: Filters) -> dict[str, object]:
    """The filter's values as bound parameters; a clear error for a bad date or an unknown period."""
    if filters.period not in PERIODS:
        raise ValueError(f"Unknown period '{filters.period}': use one of {', '.join(PERIODS)}.")
    return {"assembly": filters.assembly or None, "date_from": _as_date(filters.date_from, "The start date"),
            "date_to": _as_date(filters.date_to, "The end date"), "parties": list(filters.parties),
            "period": filters.period}


def metric_table(sql: str, filters: Filters, order: tuple[str, ...], columns: tuple[str, ...] | None = None,
                 **extra: object) -> TableQuery:
    """A metric's rows (a select after the filtered-votes CTE `fv`; more CTEs start with a comma) as a TableQuery."""
    sql = f"with {FILTERED_VOTES}\n{sql}"
    values = {**parameters(filters), **extra}
    return TableQuery(sql, order, {name: value for name, value in values.items() if f"${name}" in sql}, columns)


def query(db: Store, sql: str, filters: Filters, **extra: object) -> pd.DataFrame:
    """Run a query after the filtered-votes CTE `fv` (more CTEs start with a comma), binding the parameters it uses."""
    table = metric_table(sql, filters, (), **extra)
    cursor = db.cursor()
    try:
        return cursor.execute(table.rows, dict(table.values)).df()
    finally:
        cursor.close()


def default_assembly(db: Store) -> str | None:
    """The assembly the dashboard shows before one is chosen: the only one stored (NO_ASSEMBLY too), else None = all.

    The same rule as the dashboard's assembly choice (tracker/ui/choices.py and filters.py), so what is kept after an
    import is what the pages ask for first.
    """
    found = db.read("""
        select distinct coalesce(assembly, $no_assembly) as assembly
        from (select assembly from assemblies union all select assembly from votes) limit 2""",
                    no_assembly=NO_ASSEMBLY)["assembly"].tolist()
    return str(found[0]) if len(found) == 1 else None
