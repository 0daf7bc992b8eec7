"""The numbers journalists publish: outcomes, cohesion, alignment, pivotal parties, members, ideal points.

Every metric is defined in docs/metrics.md. Per-vote and per-party work is DuckDB SQL over the `vote_tallies` and
`party_votes` views; member metrics are one grouped query over `member_votes`; outcome rules are vectorised pandas
over nullable integers, so an unknown count stays unknown (NA) instead of becoming 0.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from tracker import ideal_points as ideal
from tracker import store
from tracker.model import MajorityRule, official_passed, parse_majority_rule

PERIODS = ("month", "quarter", "year")
CAST = ("yes", "no", "abstain")


@dataclass(frozen=True)
class Filters:
    """Which votes and parties a metric covers."""

    assembly: str | None = None
    date_from: str | date | None = None     # inclusive
    date_to: str | date | None = None       # inclusive
    parties: tuple[str, ...] = ()           # empty = all parties
    period: str = "year"                    # month | quarter | year (for trends)
    reference: str | None = None            # a party label or "bloc:NAME" for alignment with a reference


# --- pure helpers -------------------------------------------------------------------------------------------------


def rice_index(yes: int | None, no: int | None) -> float | None:
    """Rice index |Y − N| / (Y + N); None when a count is unknown or Y + N = 0."""
    if yes is None or no is None or yes + no == 0:
        return None
    return abs(yes - no) / (yes + no)


def agreement_index(yes: int | None, no: int | None, abstain: int | None) -> float | None:
    """Hix–Noury–Roland Agreement Index; None when a count is unknown or nobody voted."""
    if yes is None or no is None or abstain is None:
        return None
    total = yes + no + abstain
    if total == 0:
        return None
    top = max(yes, no, abstain)
    return (top - 0.5 * (total - top)) / total


def party_position(yes: int | None, no: int | None, abstain: int | None) -> str | None:
    """The most common of yes/no/abstain (a tie for first is 'split'); None when nobody voted."""
    counts = {"yes": yes or 0, "no": no or 0, "abstain": abstain or 0}
    top = max(counts.values())
    if top == 0:
        return None
    leaders = [k for k, v in counts.items() if v == top]
    return leaders[0] if len(leaders) == 1 else "split"


def _rule(rule: str | MajorityRule | None) -> MajorityRule | None:
    return rule if isinstance(rule, MajorityRule) else parse_majority_rule(rule)


def _fraction_and_base(rule: MajorityRule) -> tuple[Fraction, str] | None:
    """The fraction a rule's yes votes must reach and its base; None for simple and absolute."""
    if rule.name == "two_thirds_cast":
        return Fraction(2, 3), "cast"
    if rule.name == "two_thirds_seats":
        return Fraction(2, 3), "seats"
    if rule.fraction is not None and rule.base is not None:
        return rule.fraction, rule.base
    return None


def _int(values: object) -> pd.Series:
    return pd.Series(values, dtype="Int64") if not isinstance(values, pd.Series) else values.astype("Int64")


def thresholds(rule: MajorityRule, yes: pd.Series, no: pd.Series, abstain: pd.Series,
               seats: pd.Series) -> pd.Series:
    """Yes votes needed to pass under the rule, per vote (NA when a count the rule needs is unknown)."""
    yes, no, abstain, seats = (_int(s) for s in (yes, no, abstain, seats))
    if rule.name == "simple":
        return no + 1
    if rule.name == "absolute":
        return seats // 2 + 1
    fraction, base = _fraction_and_base(rule)
    total = {"cast": yes + no, "present": yes + no + abstain, "seats": seats}[base]
    # Exact integer ceiling of fraction × total; a motion needs at least one yes vote.
    needed = (fraction.numerator * total + fraction.denominator - 1) // fraction.denominator
    return needed.where(needed.isna() | (needed >= 1), 1)


def flips(rule: MajorityRule, yes: pd.Series, no: pd.Series, abstain: pd.Series, absent: pd.Series,
          seats: pd.Series) -> pd.Series:
    """Fewest members whose change of vote reverses the computed result, per vote (NA when unknown)."""
    yes, no, abstain, absent, seats = (_int(s) for s in (yes, no, abstain, absent, seats))
    passed = yes >= thresholds(rule, yes, no, abstain, seats)
    # Members who cast neither yes nor no and could still vote: from seats when known, else stated counts.
    idle = (seats - yes - no).fillna(abstain + absent)
    won = passed.fillna(False).to_numpy(dtype=bool)
    fraction_base = _fraction_and_base(rule)
    if rule.name == "simple":
        # A yes voter switching to no moves yes − no by 2: the best single change.
        keep, reverse = (yes - no + 1) // 2, (no - yes + 2) // 2
        nobody_voted = (yes == 0) & (no == 0)
    elif rule.name == "absolute" or (fraction_base and fraction_base[1] == "seats"):
        # The threshold depends on seats only: each change moves the yes count by one.
        needed = thresholds(rule, yes, no, abstain, seats)
        keep, reverse = yes - needed + 1, needed - yes
        nobody_voted = pd.Series(False, index=yes.index)
    else:
        fraction, base = fraction_base
        against = no if base == "cast" else no + abstain
        # g·den = (den − num)·yes − num·against; a yes→no (or no→yes) switch moves g by exactly 1.
        gap = (fraction.denominator - fraction.numerator) * yes - fraction.numerator * against
        keep = gap // fraction.denominator + 1
        reverse = (-gap + fraction.denominator - 1) // fraction.denominator
        nobody_voted = (yes == 0) & (against == 0)
    result = keep.where(won, reverse)
    # Nobody voted yes or against: one member who is present or absent must come and vote yes.
    lone = nobody_voted.fillna(False).to_numpy(dtype=bool) & ~won
    result = result.where(~lone, pd.Series(np.where(idle.fillna(0) >= 1, 1, pd.NA), index=yes.index,
                                           dtype="Int64").where(idle.notna()))
    return result.where(passed.notna()).astype("Int64")


def _one(value: int | None) -> pd.Series:
    return pd.Series([value], dtype="Int64")


def vote_threshold(rule: str | MajorityRule | None, yes: int | None, no: int | None, abstain: int | None,
                   seats: int | None) -> int | None:
    """Yes votes needed to pass; None when the rule needs a count that is unknown."""
    parsed = _rule(rule)
    if parsed is None:
        return None
    value = thresholds(parsed, _one(yes), _one(no), _one(abstain), _one(seats)).iloc[0]
    return None if pd.isna(value) else int(value)


def vote_passed(rule: str | MajorityRule | None, yes: int | None, no: int | None, abstain: int | None,
                seats: int | None) -> bool | None:
    """Whether the motion passes under the rule; None when unknown."""
    needed = vote_threshold(rule, yes, no, abstain, seats)
    return None if needed is None or yes is None else yes >= needed


def votes_to_flip(rule: str | MajorityRule | None, yes: int | None, no: int | None, abstain: int | None,
                  seats: int | None, absent: int | None = None) -> int | None:
    """Fewest members whose change of vote reverses the result; None when the result is unknown."""
    parsed = _rule(rule)
    if parsed is None:
        return None
    value = flips(parsed, _one(yes), _one(no), _one(abstain), _one(absent), _one(seats)).iloc[0]
    return None if pd.isna(value) else int(value)


# --- filters ------------------------------------------------------------------------------------------------------

# The votes a metric covers; every query joins it as `fv`.
_FILTERED_VOTES = """
fv as (
    select vote_id, date, title, assembly from votes
    where ($assembly::varchar is null or assembly = $assembly)
      and ($date_from::date is null or date >= $date_from)
      and ($date_to::date is null or date <= $date_to)
)"""


def _party_in(column: str) -> str:
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


def _parameters(filters: Filters) -> dict[str, object]:
    if filters.period not in PERIODS:
        raise ValueError(f"Unknown period '{filters.period}': use one of {', '.join(PERIODS)}.")
    return {"assembly": filters.assembly or None, "date_from": _as_date(filters.date_from, "The start date"),
            "date_to": _as_date(filters.date_to, "The end date"), "parties": list(filters.parties),
            "period": filters.period}


def _query(con: duckdb.DuckDBPyConnection, sql: str, filters: Filters, **extra: object) -> pd.DataFrame:
    """Run a query after the filtered-votes CTE `fv` (more CTEs start with a comma), binding the parameters it uses."""
    sql = f"with {_FILTERED_VOTES}\n{sql}"
    values = {**_parameters(filters), **extra}
    used = {name: value for name, value in values.items() if f"${name}" in sql}
    cursor = con.cursor()
    try:
        return cursor.execute(sql, used).df()
    finally:
        cursor.close()


# --- outcomes -----------------------------------------------------------------------------------------------------

OUTCOME_COLUMNS = ["vote_id", "date", "title", "rule", "yes", "no", "abstain", "absent", "threshold", "passed",
                   "margin", "official_result", "agrees_with_official", "votes_to_flip", "seats", "tally_source",
                   "stage", "matter", "official_passed", "outcome", "outcome_source"]


def _apply_rules(frame: pd.DataFrame, rule_column: str, compute: Callable[[MajorityRule, pd.DataFrame], pd.DataFrame],
                 types: dict[str, str]) -> pd.DataFrame:
    """Apply a vectorised rule computation to each group of rows sharing a majority rule (NA for unknown rules)."""
    parts = [pd.DataFrame({c: pd.Series(dtype=t) for c, t in types.items()})]
    for text, group in frame.groupby(rule_column, sort=False, dropna=False):
        rule = parse_majority_rule(None if pd.isna(text) else str(text))
        if rule is not None:
            parts.append(compute(rule, group).astype(types))
    return pd.concat(parts).reindex(frame.index).astype(types)


def outcomes(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Each vote's result recomputed from its tallies under its majority rule, against the official result."""
    frame = _query(con, """
        select t.vote_id, t.date, t.title, t.majority as rule, t.yes, t.no, t.abstain, t.absent, t.seats,
               t.result as official_result, t.tally_source, t.stage, t.matter
        from vote_tallies t join fv using (vote_id)
        order by t.date, t.vote_id""", filters)
    for column in ("yes", "no", "abstain", "absent", "seats"):
        frame[column] = frame[column].astype("Int64")

    def compute(rule: MajorityRule, g: pd.DataFrame) -> pd.DataFrame:
        needed = thresholds(rule, g["yes"], g["no"], g["abstain"], g["seats"])
        return pd.DataFrame({"threshold": needed, "passed": (g["yes"] >= needed).astype("boolean"),
                             "margin": g["yes"] - needed,
                             "votes_to_flip": flips(rule, g["yes"], g["no"], g["abstain"], g["absent"], g["seats"])},
                            index=g.index)

    frame = frame.join(_apply_rules(frame, "rule", compute, {"threshold": "Int64", "passed": "boolean",
                                                             "margin": "Int64", "votes_to_flip": "Int64"}))
    official = pd.array([official_passed(r) for r in frame["official_result"].tolist()], dtype="boolean")
    frame["official_passed"] = pd.Series(official, index=frame.index)
    frame["agrees_with_official"] = frame["official_passed"] == frame["passed"]
    # What happened: the official result where it is stated in words we can read, else the recomputed one.
    decided = frame["official_passed"].fillna(frame["passed"])
    frame["outcome"] = decided.map({True: "passed", False: "failed"}).astype(object).where(decided.notna(), None)
    source = pd.Series(None, index=frame.index, dtype=object)
    source[frame["passed"].notna()] = "computed"
    source[frame["official_passed"].notna()] = "official"
    frame["outcome_source"] = source
    return frame[OUTCOME_COLUMNS]


# --- cohesion -----------------------------------------------------------------------------------------------------

# Unknown counts stay null, so a party with only a stated position gets no index rather than 1.0.
_INDICES = """
    case when yes + no > 0 then abs(yes - no)::double / (yes + no) end as rice,
    case when yes + no + abstain > 0 then
        (greatest(yes, no, abstain) - 0.5 * (yes + no + abstain - greatest(yes, no, abstain)))
        / (yes + no + abstain) end as agreement_index"""

COHESION_COLUMNS = ["vote_id", "date", "party", "yes", "no", "abstain", "absent", "position", "rice",
                    "agreement_index", "source"]


def cohesion(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Per party and vote: counts, position, Rice index and Agreement Index."""
    frame = _query(con, f"""
        select p.vote_id, fv.date, p.party, p.yes, p.no, p.abstain, p.absent, p.position, {_INDICES}, p.source
        from party_votes p join fv using (vote_id)
        where {_party_in('p.party')}
        order by fv.date, p.vote_id, p.party""", filters)
    return frame.astype({c: "Int64" for c in ("yes", "no", "abstain", "absent")})[COHESION_COLUMNS]


COHESION_SUMMARY_COLUMNS = ["party", "votes", "mean_rice", "rice_votes", "mean_agreement_index", "agreement_votes"]


def cohesion_summary(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Mean Rice and Agreement Index per party over the votes where each is known, with those vote counts."""
    return _query(con, f"""
        , rows as (
            select p.party, {_INDICES}
            from party_votes p join fv using (vote_id)
            where {_party_in('p.party')})
        select party, count(*) as votes, avg(rice) as mean_rice, count(rice) as rice_votes,
               avg(agreement_index) as mean_agreement_index, count(agreement_index) as agreement_votes
        from rows group by party order by party""", filters)[COHESION_SUMMARY_COLUMNS]


def cohesion_trend(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Mean Rice and Agreement Index per party and period, with the number of votes each mean covers."""
    return _query(con, f"""
        , rows as (
            select date_trunc($period, fv.date)::date as period, p.party, {_INDICES}
            from party_votes p join fv using (vote_id)
            where fv.date is not null and {_party_in('p.party')})
        select period, party, count(*) as votes, avg(rice) as mean_rice, avg(agreement_index) as mean_agreement_index,
               count(rice) as rice_votes, count(agreement_index) as agreement_votes
        from rows group by period, party order by period, party""", filters)


# --- alignment ----------------------------------------------------------------------------------------------------

# Party positions that can be compared: a position other than split, on a filtered vote. Materialised: the
# queries read it twice, and evaluating the party_votes view once is cheaper.
_POSITIONS = f"""
, positions as materialized (
    select p.vote_id, fv.date, p.party, p.position
    from party_votes p join fv using (vote_id)
    where p.position in ('yes', 'no', 'abstain') and {_party_in('p.party')})"""


def party_alignment(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Share of votes on which two parties took the same (non-split) position; both orders, a–a included."""
    return _query(con, f"""
        {_POSITIONS}
        select a.party as party_a, b.party as party_b, count(*) as votes_compared,
               avg((a.position = b.position)::integer)::double as agreement
        from positions a join positions b using (vote_id)
        group by all order by party_a, party_b""", filters)


def alignment_trend(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Party alignment per period."""
    return _query(con, f"""
        {_POSITIONS}
        select date_trunc($period, a.date)::date as period, a.party as party_a, b.party as party_b,
               count(*) as votes_compared, avg((a.position = b.position)::integer)::double as agreement
        from positions a join positions b using (vote_id)
        where a.date is not null
        group by all order by period, party_a, party_b""", filters)


REFERENCE_COLUMNS = ["period", "party", "votes_compared", "agreement"]


def alignment_with_reference(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Per period, how often each party took the reference party's (or bloc's) position."""
    reference = (filters.reference or "").strip()
    if not reference:
        return pd.DataFrame(columns=REFERENCE_COLUMNS)
    cursor = con.cursor()
    if reference.startswith("bloc:"):
        bloc = reference[len("bloc:"):].strip()
        known = [r[0] for r in cursor.execute("select distinct bloc from parties where bloc is not null"
                                              " order by 1").fetchall()]
        if bloc not in known:
            raise ValueError(f"There is no bloc '{bloc}'. Blocs in the parties table: {', '.join(known) or 'none'}.")
        # A bloc's position: the position most of its parties took (each party once), a tie is split.
        reference_sql = """
            , bloc_counts as (
                select vote_id, count(*) filter (where position = 'yes') as y,
                       count(*) filter (where position = 'no') as n, count(*) filter (where position = 'abstain') as a
                from party_votes
                where party in (select party from parties where bloc = $bloc) and position in ('yes', 'no', 'abstain')
                group by vote_id)
            , reference as (
                select vote_id, case when y > greatest(n, a) then 'yes' when n > greatest(y, a) then 'no'
                                     when a > greatest(y, n) then 'abstain' else 'split' end as position
                from bloc_counts)"""
        extra: dict[str, object] = {"bloc": bloc}
        excluded = None
    else:
        exists = cursor.execute("select count(*) from party_votes where party = $p", {"p": reference}).fetchone()[0]
        if not exists:
            raise ValueError(f"There is no party '{reference}' in the stored votes. Write its label as in the vote "
                             "files, or 'bloc:NAME' for a bloc.")
        reference_sql = """
            , reference as (select vote_id, position from party_votes where party = $reference)"""
        extra = {"reference": reference}
        excluded = reference
    cursor.close()
    frame = _query(con, f"""
        {_POSITIONS}
        {reference_sql}
        select date_trunc($period, p.date)::date as period, p.party, count(*) as votes_compared,
               avg((p.position = r.position)::integer)::double as agreement
        from positions p join reference r using (vote_id)
        where r.position in ('yes', 'no', 'abstain') and p.date is not null
        group by all order by period, p.party""", filters, **extra)
    if excluded is not None:
        frame = frame[frame["party"] != excluded].reset_index(drop=True)
    return frame[REFERENCE_COLUMNS]


# --- pivotal parties ----------------------------------------------------------------------------------------------


def pivotal_parties(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Per party and vote: would the computed result flip if the party's yes and no votes swapped."""
    frame = _query(con, f"""
        select p.vote_id, p.party, t.majority, t.yes, t.no, t.abstain, t.seats,
               p.yes as party_yes, p.no as party_no
        from party_votes p join fv using (vote_id) join vote_tallies t using (vote_id)
        where {_party_in('p.party')}
        order by fv.date, p.vote_id, p.party""", filters)
    for column in ("yes", "no", "abstain", "seats", "party_yes", "party_no"):
        frame[column] = frame[column].astype("Int64")

    def compute(rule: MajorityRule, g: pd.DataFrame) -> pd.DataFrame:
        before = g["yes"] >= thresholds(rule, g["yes"], g["no"], g["abstain"], g["seats"])
        yes = g["yes"] - g["party_yes"] + g["party_no"]
        no = g["no"] - g["party_no"] + g["party_yes"]
        after = yes >= thresholds(rule, yes, no, g["abstain"], g["seats"])
        return pd.DataFrame({"pivotal": (before != after).astype("boolean")}, index=g.index)

    frame["pivotal"] = _apply_rules(frame, "majority", compute, {"pivotal": "boolean"})["pivotal"]
    return frame[["vote_id", "party", "pivotal", "party_yes", "party_no"]]


# --- members ------------------------------------------------------------------------------------------------------

# Member votes in the filter, with the party's effective position at that vote; not_member rows are not in office.
_MEMBER_ROWS = f"""
, rows as (
    select mv.vote_id, fv.date, fv.title, mv.member_id, mv.party, mv.position, pv.position as party_position
    from member_votes mv join fv using (vote_id)
    left join party_votes pv on pv.vote_id = mv.vote_id and pv.party = coalesce(mv.party, '(no party)')
    where mv.position <> 'not_member' and {_party_in('mv.party')})"""

MEMBER_COLUMNS = ["member_id", "name", "party", "votes_in_office", "votes_cast", "participation",
                  "votes_with_party", "loyalty", "rebellions"]


def member_stats(con: duckdb.DuckDBPyConnection, filters: Filters,
                 matrix: MemberVoteMatrix | None = None) -> pd.DataFrame:
    """Per member: votes in office, votes cast, participation, loyalty to their party and rebellions."""
    if matrix is not None:
        return _member_stats_dense(matrix, filters)
    frame = _query(con, f"""
        {_MEMBER_ROWS}
        , counted as (
            select member_id, arg_max(party, date) as party, count(*) as votes_in_office,
                   count(*) filter (where position in ('yes', 'no', 'abstain')) as votes_cast,
                   count(*) filter (where position in ('yes', 'no', 'abstain')
                                    and party_position in ('yes', 'no', 'abstain') and party is not null) as judged,
                   count(*) filter (where position = party_position and party_position in ('yes', 'no', 'abstain')
                                    and party is not null) as votes_with_party
            from rows group by member_id)
        select c.member_id, m.name, c.party, c.votes_in_office, c.votes_cast,
               c.votes_cast::double / c.votes_in_office as participation, c.votes_with_party,
               case when c.judged > 0 then c.votes_with_party::double / c.judged end as loyalty,
               c.judged - c.votes_with_party as rebellions
        from counted c left join members m using (member_id)
        order by c.party, m.name, c.member_id""", filters)
    return frame[MEMBER_COLUMNS]


def rebellions(con: duckdb.DuckDBPyConnection, filters: Filters, latest: int | None = None,
               matrix: MemberVoteMatrix | None = None) -> pd.DataFrame:
    """Votes cast against the party's (non-split) position: all, oldest first; or the `latest` N, newest first."""
    if matrix is not None:
        return _rebellions_dense(matrix, filters, latest)
    order = "r.date, r.vote_id, r.party, r.member_id" if latest is None else \
        "r.date desc nulls last, r.vote_id desc, r.party, r.member_id limit $latest"
    return _query(con, f"""
        {_MEMBER_ROWS}
        select r.vote_id, r.date, r.title, r.member_id, m.name, r.party, r.position, r.party_position
        from rows r left join members m using (member_id)
        where r.position in ('yes', 'no', 'abstain') and r.party_position in ('yes', 'no', 'abstain')
          and r.party is not null and r.position <> r.party_position
        order by {order}""", filters, latest=latest)


# --- member votes as a dense matrix -------------------------------------------------------------------------------

# Cell codes of MemberVoteMatrix.positions (0 = no row) and .party_positions (0 = no position).
POSITION_CODES = {"yes": 1, "no": 2, "abstain": 3, "absent": 4, "not_member": 5, "split": 6}
_POSITION_NAMES = np.array([None, "yes", "no", "abstain", "absent", "not_member", "split", None], dtype=object)
_OTHER = 7   # any other stored position: in office, not cast
NO_PARTY = "(no party)"   # the party_tallies label of members without a party
# Above this many members × votes the matrix is not built (eight bytes a cell): 60 M cells = 480 MB.
MAX_MATRIX_CELLS = 60_000_000


@dataclass(frozen=True)
class MemberVoteMatrix:
    """Member votes as members × votes code matrices, votes in date order, for fast member metrics per date range."""

    assembly: str | None
    members: pd.Index             # member_id, sorted
    names: np.ndarray             # member names (None when unknown)
    votes: pd.DataFrame           # vote_id, date, title in column order (date, then vote_id; undated last)
    positions: np.ndarray         # int8 members × votes: POSITION_CODES, 0 = no row
    parties: np.ndarray           # int16 members × votes: 1 + index into party_labels, 0 = no party or no row
    party_labels: np.ndarray      # party labels (from party_votes)
    party_positions: np.ndarray   # int8 (1 + parties) × votes: each party's effective position; row 0 = NO_PARTY
    lines: np.ndarray             # int8 members × votes: the position of the member's party at that vote
    in_office: np.ndarray         # bool members × votes: a row other than not_member
    cast: np.ndarray              # bool: in office and voted yes, no or abstain
    with_party: np.ndarray        # bool: cast, the party (not null) took yes/no/abstain, and the member's was the same
    against: np.ndarray           # bool: as with_party, but the member's position differed (a rebellion)

    def window(self, filters: Filters) -> slice:
        """The columns of the votes in the filter's date range (undated votes only when no date is set)."""
        if (filters.assembly or None) != self.assembly:
            raise ValueError(f"This member vote matrix holds assembly {self.assembly!r}, not {filters.assembly!r}.")
        values = _parameters(filters)
        dates = self.votes["date"]
        dated = int(dates.notna().sum())
        known = dates.iloc[:dated].to_numpy(dtype="datetime64[D]")
        start, stop = 0, dated if (values["date_from"] or values["date_to"]) else len(dates)
        if values["date_from"]:
            start = int(np.searchsorted(known, np.datetime64(values["date_from"], "D"), side="left"))
        if values["date_to"]:
            stop = int(np.searchsorted(known, np.datetime64(values["date_to"], "D"), side="right"))
        return slice(start, max(start, stop))

    def allowed_parties(self, filters: Filters) -> np.ndarray:
        """Per party code (0 = no party), whether the party filter keeps it."""
        if not filters.parties:
            return np.ones(len(self.party_labels) + 1, dtype=bool)
        return np.concatenate([[False], np.isin(self.party_labels.astype(str), list(filters.parties))])


MATRIX_FILE_SUFFIX = ".member-matrix"


def member_vote_matrix(con: duckdb.DuckDBPyConnection, filters: Filters = Filters(),
                       max_cells: int = MAX_MATRIX_CELLS, keep: bool = False) -> MemberVoteMatrix | None:
    """The member votes on the filter's votes (assembly and dates; parties are applied later) as code matrices.

    None when members × votes exceeds max_cells or a member has two rows on one vote (the SQL paths handle those).
    With keep, the codes are kept in a file beside the database until the next import or undo, so a new process
    (a restarted dashboard) loads them instead of reading every member vote again.
    """
    path = _matrix_file(con, filters.assembly) if keep and not (filters.date_from or filters.date_to) else None
    key = _fit_key(con, filters.assembly) if path else ""
    if path is not None:
        kept = _load_matrix(path, key, filters.assembly)
        if kept is not None:
            return kept
    matrix = _build_member_vote_matrix(con, filters, max_cells)
    if path is not None and matrix is not None:
        _save_matrix(path, key, matrix)
    return matrix


def keep_member_vote_matrix(con: duckdb.DuckDBPyConnection) -> bool:
    """After an import: build the member vote codes of all assemblies and keep them, so the Members page opens fast.

    False (nothing kept) when there are no member votes or the matrix would be too large to build.
    """
    if con.cursor().execute("select count(*) from member_votes").fetchone()[0] == 0:
        return False
    return member_vote_matrix(con, Filters(), keep=True) is not None


def _matrix_file(con: duckdb.DuckDBPyConnection, assembly: str | None) -> Path | None:
    """Where the codes of an assembly's (or all) member votes are kept, beside the database file."""
    database = _fit_file(con)
    if database is None:
        return None
    tag = hashlib.sha256((assembly or "").encode()).hexdigest()[:12]
    return database.with_name(database.name.removesuffix(FIT_FILE_SUFFIX) + f"{MATRIX_FILE_SUFFIX}-{tag}.npz")


def _save_matrix(path: Path, key: str, matrix: MemberVoteMatrix) -> None:
    """Write the codes and labels (no pickled objects) atomically; a cache, so a failure only costs speed."""
    names = matrix.names
    titles = matrix.votes["title"]
    temporary = path.with_name(path.name + ".tmp.npz")
    try:
        np.savez(temporary, key=np.array(key), members=np.array(matrix.members.astype(str), dtype=str),
                 names=np.array([n if n is not None else "" for n in names], dtype=str),
                 names_null=np.array([n is None for n in names], dtype=bool),
                 vote_ids=np.array(matrix.votes["vote_id"].astype(str), dtype=str),
                 dates=matrix.votes["date"].to_numpy(dtype="datetime64[us]"),
                 titles=np.array(titles.fillna("").astype(str), dtype=str), titles_null=titles.isna().to_numpy(),
                 positions=matrix.positions, parties=matrix.parties,
                 party_labels=np.array(matrix.party_labels.astype(str), dtype=str),
                 party_positions=matrix.party_positions)
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)


def _load_matrix(path: Path, key: str, assembly: str | None) -> MemberVoteMatrix | None:
    """The kept codes when they answer this database version and assembly, else None."""
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as kept:
            if str(kept["key"]) != key:
                return None
            names = np.where(kept["names_null"], None, kept["names"].astype(object))
            titles = pd.Series(kept["titles"].astype(object)).where(~kept["titles_null"], None)
            votes = pd.DataFrame({"vote_id": pd.Series(kept["vote_ids"], dtype="str"),
                                  "date": pd.Series(kept["dates"], dtype="datetime64[us]"),
                                  "title": titles.astype("str")})
            votes["title"] = votes["title"].where(~kept["titles_null"], None)
            members = pd.Index(kept["members"], dtype="str", name="member_id")
            return _matrix_from_codes(assembly, members, names, votes, kept["positions"], kept["parties"],
                                      [str(x) for x in kept["party_labels"]], kept["party_positions"])
    except (OSError, ValueError, KeyError):
        return None


def _build_member_vote_matrix(con: duckdb.DuckDBPyConnection, filters: Filters,
                              max_cells: int) -> MemberVoteMatrix | None:
    """Read the member votes from the database into code matrices."""
    votes = _query(con, "select vote_id, date, title from fv order by date nulls last, vote_id", filters)
    members = _query(con, """
        select d.member_id, m.name from (select distinct member_id from member_votes) d
        left join members m using (member_id) order by d.member_id""", filters)
    if len(votes) * len(members) > max_cells:
        return None
    labels = _query(con, "select distinct party from party_votes order by party", filters)["party"]
    label_list = [str(x) for x in labels.tolist()]
    cells = con.cursor().execute(f"""
        with {_FILTERED_VOTES}
        , vi as (select vote_id, (row_number() over (order by date nulls last, vote_id) - 1)::integer as v from fv)
        , mi as (select member_id, (row_number() over (order by member_id) - 1)::integer as m
                 from (select distinct member_id from member_votes))
        , pi as (select unnest($labels::varchar[]) as party, unnest(range(1, len($labels::varchar[]) + 1)) as p)
        select mi.m, vi.v,
               (case mv.position when 'yes' then 1 when 'no' then 2 when 'abstain' then 3 when 'absent' then 4
                                 when 'not_member' then 5 else {_OTHER} end)::tinyint as code,
               coalesce(pi.p, 0)::smallint as p
        from member_votes mv join vi using (vote_id) join mi using (member_id) left join pi on pi.party = mv.party""",
        {**{k: v for k, v in _parameters(filters).items() if k in ("assembly", "date_from", "date_to")},
         "labels": label_list}).fetchnumpy()
    shape = (len(members), len(votes))
    positions = np.zeros(shape, dtype=np.int8)
    parties = np.zeros(shape, dtype=np.int16)
    m, v = np.asarray(cells["m"]), np.asarray(cells["v"])
    positions[m, v] = np.asarray(cells["code"])
    parties[m, v] = np.asarray(cells["p"])
    if np.count_nonzero(positions) != len(m):
        return None   # a member with two rows on one vote: only the SQL path counts both
    stated = _query(con, """
        , vi as (select vote_id, (row_number() over (order by date nulls last, vote_id) - 1)::integer as v from fv)
        select vi.v, p.party, p.position from party_votes p join vi using (vote_id)
        where p.position is not null""", filters)
    party_positions = np.zeros((len(label_list) + 1, len(votes)), dtype=np.int8)
    rows = pd.Series(range(1, len(label_list) + 1), index=label_list).reindex(stated["party"].astype(str)).to_numpy(
        dtype=np.int64)
    codes = stated["position"].map(POSITION_CODES).fillna(0).to_numpy(dtype=np.int8)
    party_positions[rows, stated["v"].to_numpy(dtype=np.int64)] = codes
    if NO_PARTY in label_list:
        party_positions[0] = party_positions[label_list.index(NO_PARTY) + 1]
    return _matrix_from_codes(filters.assembly or None, pd.Index(members["member_id"]),
                              members["name"].astype(object).where(members["name"].notna(), None).to_numpy(),
                              votes, positions, parties, label_list, party_positions)


def _matrix_from_codes(assembly: str | None, members: pd.Index, names: np.ndarray, votes: pd.DataFrame,
                       positions: np.ndarray, parties: np.ndarray, label_list: list[str],
                       party_positions: np.ndarray) -> MemberVoteMatrix:
    """The matrix with what every member metric needs worked out from the codes."""
    # The party's position at each cell: row `party` of party_positions, column of the cell. Computed once here
    # so a filter change only slices and counts.
    width = positions.shape[1]
    lines = party_positions.T.ravel()[np.arange(width, dtype=np.int32) * party_positions.shape[0] + parties]
    in_office = (positions > 0) & (positions != POSITION_CODES["not_member"])
    cast = in_office & (positions <= 3)
    judged = cast & (lines >= 1) & (lines <= 3) & (parties > 0)
    with_party = judged & (positions == lines)
    arrays = (positions, parties, party_positions, lines, in_office, cast, with_party, judged & ~with_party)
    for array in arrays:
        array.flags.writeable = False   # shared between reruns and sessions: never changed after building
    return MemberVoteMatrix(assembly, members, names, votes, positions, parties,
                            np.array(label_list, dtype=object), *arrays[2:])


def _dense_cells(matrix: MemberVoteMatrix, filters: Filters) -> dict[str, object]:
    """The masks member metrics count, over the filter's votes and parties (members × votes in the window)."""
    window = matrix.window(filters)
    cells = {"window": window, "position": matrix.positions[:, window], "party": matrix.parties[:, window],
             "line": matrix.lines[:, window]}
    kept = matrix.allowed_parties(filters)[cells["party"]] if filters.parties else None
    for name in ("in_office", "cast", "with_party", "against"):
        mask = getattr(matrix, name)[:, window]
        cells[name] = mask if kept is None else mask & kept
    return cells


def _latest_party(matrix: MemberVoteMatrix, party: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Per member, the party label at the latest column where mask holds and the party is known (else None)."""
    known = mask & (party > 0)
    if known.shape[1] == 0:
        return np.full(len(party), None, dtype=object)
    last = known.shape[1] - 1 - np.argmax(known[:, ::-1], axis=1)
    codes = np.where(known.any(axis=1), party[np.arange(len(party)), last], 0)
    return np.concatenate([[None], matrix.party_labels]).astype(object)[codes]


def _member_stats_dense(matrix: MemberVoteMatrix, filters: Filters) -> pd.DataFrame:
    cells = _dense_cells(matrix, filters)
    in_office = np.count_nonzero(cells["in_office"], axis=1)
    cast = np.count_nonzero(cells["cast"], axis=1)
    with_party = np.count_nonzero(cells["with_party"], axis=1)
    judged = with_party + np.count_nonzero(cells["against"], axis=1)
    frame = pd.DataFrame({
        "member_id": matrix.members, "name": matrix.names,
        "party": _latest_party(matrix, cells["party"], cells["in_office"]),
        "votes_in_office": in_office, "votes_cast": cast,
        "participation": cast / np.maximum(in_office, 1), "votes_with_party": with_party,
        "loyalty": np.where(judged > 0, with_party / np.maximum(judged, 1), np.nan),
        "rebellions": judged - with_party})[in_office > 0]
    return frame.sort_values(["party", "name", "member_id"], na_position="last", ignore_index=True)[MEMBER_COLUMNS]


def _rebellions_dense(matrix: MemberVoteMatrix, filters: Filters, latest: int | None) -> pd.DataFrame:
    cells = _dense_cells(matrix, filters)
    against = cells["against"]
    first = 0
    if latest is not None:
        # Only the newest votes that hold the latest N rebellions are unpacked.
        from_the_end = np.cumsum(np.count_nonzero(against, axis=0)[::-1])
        first = max(0, against.shape[1] - 1 - int(np.searchsorted(from_the_end, latest)))
    member, column = np.nonzero(against[:, first:])
    column = column + first
    votes = matrix.votes.iloc[cells["window"]].reset_index(drop=True)
    labels = np.concatenate([[None], matrix.party_labels]).astype(object)
    frame = pd.DataFrame({"column": column, "vote_id": votes["vote_id"].to_numpy()[column],
                          "date": votes["date"].to_numpy()[column], "title": votes["title"].to_numpy()[column],
                          "member_id": matrix.members.to_numpy()[member], "name": matrix.names[member],
                          "party": labels[cells["party"][member, column]],
                          "position": _POSITION_NAMES[cells["position"][member, column]],
                          "party_position": _POSITION_NAMES[cells["line"][member, column]]})
    newest_first = latest is not None
    frame = frame.sort_values(["column", "party", "member_id"], ascending=[not newest_first, True, True],
                              ignore_index=True)
    if latest is not None:
        frame = frame.head(latest)
    return frame.drop(columns="column")


def member_alignment(con: duckdb.DuckDBPyConnection, filters: Filters,
                     matrix: MemberVoteMatrix | None = None) -> pd.DataFrame:
    """Share of votes both members cast (yes/no/abstain) on which they voted the same; both orders, no self pairs."""
    matrix = matrix or _required_matrix(con, filters)
    columns = ["member_a", "member_b", "votes_compared", "agreement"]
    window = matrix.window(filters)
    position = matrix.positions[:, window]
    allowed = matrix.allowed_parties(filters)[matrix.parties[:, window]]
    cast = (position >= 1) & (position <= 3) & allowed
    voting = np.flatnonzero(cast.any(axis=1))
    if len(voting) < 2:
        return pd.DataFrame(columns=columns)
    position, cast = position[voting], cast[voting]
    compared = np.zeros((len(voting), len(voting)))
    agreed = np.zeros_like(compared)
    # Agreed = one matmul of the yes|no|abstain one-hot blocks side by side; compared = one of the cast indicator.
    # float32 counts are exact below 2^24 and each block's product is added into float64.
    block = max(1, 6_000_000 // len(voting))
    for start in range(0, position.shape[1], block):
        part, voted = position[:, start:start + block], cast[:, start:start + block]
        one_hot = np.concatenate([(part == code) & voted for code in (1, 2, 3)], axis=1).astype(np.float32)
        agreed += one_hot @ one_hot.T
        indicator = voted.astype(np.float32)
        compared += indicator @ indicator.T
    a, b = np.nonzero(compared > 0)
    keep = a != b
    a, b = a[keep], b[keep]
    ids = matrix.members[voting]
    # Categoricals: 490,000 pairs of 700 ids are built in a millisecond instead of 490,000 strings twice.
    return pd.DataFrame({"member_a": pd.Categorical.from_codes(a, ids), "member_b": pd.Categorical.from_codes(b, ids),
                         "votes_compared": compared[a, b].round().astype(np.int64),
                         "agreement": agreed[a, b] / compared[a, b]})


def _required_matrix(con: duckdb.DuckDBPyConnection, filters: Filters) -> MemberVoteMatrix:
    everyone = Filters(filters.assembly, filters.date_from, filters.date_to, (), filters.period, filters.reference)
    matrix = member_vote_matrix(con, everyone)
    if matrix is None:
        raise ValueError("Too many members × votes (or a member recorded twice on one vote) for this metric: "
                         "narrow the date range or choose one assembly.")
    return matrix


# --- ideal points -------------------------------------------------------------------------------------------------

IDEAL_POINT_COLUMNS = ["member_id", "name", "party", "dim1", "dim2", "votes"]


def ideal_points(con: duckdb.DuckDBPyConnection, filters: Filters, right_party: str | None = None,
                 min_votes: int = ideal.MIN_VOTES, min_minority: float = ideal.MIN_MINORITY,
                 matrix: MemberVoteMatrix | None = None) -> pd.DataFrame:
    """2-D ideal points of members from their yes/no votes; fitted on all parties, then filtered to the chosen ones."""
    matrix = matrix or _required_matrix(con, filters)
    window = matrix.window(filters)
    position = matrix.positions[:, window]
    yes_no = np.where(position == 1, 1, np.where(position == 2, -1, 0)).astype(np.int8)
    # The party a member belonged to at their latest yes/no vote in the range.
    parties = _latest_party(matrix, matrix.parties[:, window], (position == 1) | (position == 2))
    voted = np.flatnonzero((yes_no != 0).any(axis=1))
    if len(voted) == 0:
        return pd.DataFrame(columns=IDEAL_POINT_COLUMNS)
    yes_no, parties = yes_no[voted], parties[voted]
    if right_party is None:
        labels, sizes = np.unique(parties[pd.notna(parties)].astype(str), return_counts=True)
        right_party = str(labels[np.argmax(sizes)]) if len(labels) else None
    fit = ideal.fit(yes_no, min_votes=min_votes, min_minority=min_minority,
                    right=None if right_party is None else parties == right_party)
    if fit is None:
        return pd.DataFrame(columns=IDEAL_POINT_COLUMNS)
    used = ~np.isnan(fit.points[:, 0])
    frame = pd.DataFrame({"member_id": matrix.members.to_numpy()[voted][used],
                          "name": matrix.names[voted][used], "party": parties[used],
                          "dim1": fit.points[used, 0], "dim2": fit.points[used, 1], "votes": fit.votes_used[used]})
    if filters.parties:
        frame = frame[frame["party"].isin(filters.parties)]
    return frame[IDEAL_POINT_COLUMNS].sort_values("dim1", ignore_index=True)


# One fit over all votes per database version (and assembly), kept in a file beside the database, so a large
# parliament's map is fitted once per import instead of on every filter change.
FIT_FILE_SUFFIX = ".ideal-points.parquet"


def _fit_file(con: duckdb.DuckDBPyConnection) -> Path | None:
    row = con.cursor().execute("select path from duckdb_databases() where database_name = current_database()"
                               ).fetchone()
    return Path(row[0] + FIT_FILE_SUFFIX) if row and row[0] else None


def _fit_key(con: duckdb.DuckDBPyConnection, assembly: str | None) -> str:
    """The database version, its vote and member vote counts, and the assembly: a fit answers only this key."""
    counts = con.cursor().execute("select (select count(*) from votes), (select count(*) from member_votes)"
                                  ).fetchone()
    return f"{store.database_version(con)}:{counts[0]}:{counts[1]}:{assembly or ''}"


def stored_ideal_points(con: duckdb.DuckDBPyConnection, assembly: str | None) -> pd.DataFrame | None:
    """The stored all-votes fit for this database version and assembly, or None when there is none."""
    path = _fit_file(con)
    if path is None or not path.exists():
        return None
    stored = pd.read_parquet(path)
    fit = stored[stored["key"] == _fit_key(con, assembly)]
    return None if fit.empty else fit.drop(columns="key").reset_index(drop=True)


def fit_and_store_ideal_points(con: duckdb.DuckDBPyConnection, assembly: str | None,
                               matrix: MemberVoteMatrix | None = None) -> pd.DataFrame:
    """Fit ideal points on all votes of the assembly and keep them beside the database for this version."""
    points = ideal_points(con, Filters(assembly=assembly), matrix=matrix)
    key = _fit_key(con, assembly)
    path = _fit_file(con)
    if path is not None:
        kept = pd.read_parquet(path) if path.exists() else pd.DataFrame(columns=["key", *points.columns])
        # Fits of other versions are stale; other assemblies' fits of this version stay.
        current = key.rsplit(":", 1)[0] + ":"
        kept = kept[kept["key"].str.startswith(current) & (kept["key"] != key)]
        fresh = points.assign(key=key)
        frames = [f for f in (kept, fresh) if not f.empty]
        out = pd.concat(frames, ignore_index=True) if frames else fresh
        temporary = path.with_name(path.name + ".tmp")
        out.astype({"key": str}).to_parquet(temporary, index=False)
        os.replace(temporary, path)   # readers see the old file or the new one, never half of one
    return points


def points_in_range(fit: pd.DataFrame, stats: pd.DataFrame) -> pd.DataFrame:
    """An all-votes fit shown for the members in a filtered member_stats table, with their party in that range."""
    if fit.empty or stats.empty:
        return pd.DataFrame(columns=IDEAL_POINT_COLUMNS)
    shown = fit[["member_id", "dim1", "dim2", "votes"]].merge(stats[["member_id", "name", "party"]], on="member_id")
    return shown[IDEAL_POINT_COLUMNS].sort_values("dim1", ignore_index=True)


def party_centroids(points: pd.DataFrame) -> pd.DataFrame:
    """Mean ideal point per party and how many members it averages."""
    if points.empty:
        return pd.DataFrame(columns=["party", "dim1", "dim2", "members"])
    return (points.groupby("party", as_index=False)
            .agg(dim1=("dim1", "mean"), dim2=("dim2", "mean"), members=("member_id", "count"))
            .sort_values("dim1", ignore_index=True))


# --- grids --------------------------------------------------------------------------------------------------------


def party_position_grid(con: duckdb.DuckDBPyConnection, filters: Filters, latest: int | None = None) -> pd.DataFrame:
    """Each party's effective position on each vote (or the `latest` N votes in range), long form, oldest first."""
    shown = "fv" if latest is None else "(select * from fv order by date desc nulls last, vote_id desc limit $latest)"
    return _query(con, f"""
        select p.vote_id, fv.date, fv.title, p.party, p.position
        from party_votes p join {shown} fv using (vote_id)
        where {_party_in('p.party')}
        order by fv.date, p.vote_id, p.party""", filters, latest=latest)


METRICS: dict[str, Callable[[duckdb.DuckDBPyConnection, Filters], pd.DataFrame]] = {
    "outcomes": outcomes,
    "cohesion": cohesion,
    "cohesion-trend": cohesion_trend,
    "alignment": party_alignment,
    "alignment-trend": alignment_trend,
    "pivotal": pivotal_parties,
    "members": member_stats,
    "member-alignment": member_alignment,
    "ideal-points": ideal_points,
}
