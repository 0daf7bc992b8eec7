"""The numbers journalists publish: outcomes, cohesion, alignment, pivotal parties, members, ideal points.

Every metric is defined in docs/metrics.md. Per-vote and per-party work is DuckDB SQL over the `vote_tallies` and
`party_votes` views; member metrics are one grouped query over `member_votes`; outcome rules are vectorised pandas
over nullable integers, so an unknown count stays unknown (NA) instead of becoming 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

import duckdb
import numpy as np
import pandas as pd

from tracker import ideal_points as ideal
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

# Party positions that can be compared: a position other than split, on a filtered vote.
_POSITIONS = f"""
, positions as (
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


def member_stats(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Per member: votes in office, votes cast, participation, loyalty to their party and rebellions."""
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


def rebellions(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Every vote a member cast against their party's (non-split) position."""
    return _query(con, f"""
        {_MEMBER_ROWS}
        select r.vote_id, r.date, r.title, r.member_id, m.name, r.party, r.position, r.party_position
        from rows r left join members m using (member_id)
        where r.position in ('yes', 'no', 'abstain') and r.party_position in ('yes', 'no', 'abstain')
          and r.party is not null and r.position <> r.party_position
        order by r.date, r.vote_id, r.party, r.member_id""", filters)


def _member_vote_matrix(con: duckdb.DuckDBPyConnection, filters: Filters,
                        cast: tuple[str, ...]) -> tuple[pd.DataFrame, pd.Index, pd.Index]:
    """Member votes with the given positions as codes (member, vote), plus the member and vote labels."""
    rows = _query(con, f"""
        select mv.member_id, mv.vote_id, mv.position, mv.party, fv.date
        from member_votes mv join fv using (vote_id)
        where mv.position in (select unnest($cast::varchar[])) and {_party_in('mv.party')}""", filters,
                  cast=list(cast))
    member_codes, members = pd.factorize(rows["member_id"], sort=True)
    vote_codes, votes = pd.factorize(rows["vote_id"], sort=True)
    rows["m"], rows["v"] = member_codes, vote_codes
    return rows, pd.Index(members), pd.Index(votes)


def member_alignment(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Share of votes both members cast (yes/no/abstain) on which they voted the same; both orders, no self pairs."""
    rows, members, votes = _member_vote_matrix(con, filters, CAST)
    columns = ["member_a", "member_b", "votes_compared", "agreement"]
    if len(members) < 2:
        return pd.DataFrame(columns=columns)
    compared = np.zeros((len(members), len(members)))
    agreed = np.zeros_like(compared)
    # One indicator matrix per position, in blocks of votes so memory stays at members × block.
    block = max(1, 20_000_000 // max(len(members), 1) // 3)
    for start in range(0, len(votes), block):
        part = rows[(rows["v"] >= start) & (rows["v"] < start + block)]
        width = min(block, len(votes) - start)
        stacks = []
        for position in CAST:
            chosen = part[part["position"] == position]
            indicator = np.zeros((len(members), width), dtype=np.float32)
            indicator[chosen["m"].to_numpy(), chosen["v"].to_numpy() - start] = 1.0
            stacks.append(indicator)
            agreed += indicator @ indicator.T
        any_cast = stacks[0] + stacks[1] + stacks[2]
        compared += any_cast @ any_cast.T
    a, b = np.nonzero(compared > 0)
    keep = a != b
    a, b = a[keep], b[keep]
    return pd.DataFrame({"member_a": members[a], "member_b": members[b],
                         "votes_compared": compared[a, b].round().astype(np.int64),
                         "agreement": agreed[a, b] / compared[a, b]})


# --- ideal points -------------------------------------------------------------------------------------------------

IDEAL_POINT_COLUMNS = ["member_id", "name", "party", "dim1", "dim2", "votes"]


def ideal_points(con: duckdb.DuckDBPyConnection, filters: Filters, right_party: str | None = None,
                 min_votes: int = ideal.MIN_VOTES, min_minority: float = ideal.MIN_MINORITY) -> pd.DataFrame:
    """2-D ideal points of members from their yes/no votes; fitted on all parties, then filtered to the chosen ones."""
    everyone = Filters(filters.assembly, filters.date_from, filters.date_to, (), filters.period, filters.reference)
    rows, members, votes = _member_vote_matrix(con, everyone, ("yes", "no"))
    if rows.empty:
        return pd.DataFrame(columns=IDEAL_POINT_COLUMNS)
    matrix = np.zeros((len(members), len(votes)), dtype=np.int8)
    matrix[rows["m"].to_numpy(), rows["v"].to_numpy()] = np.where(rows["position"].to_numpy() == "yes", 1, -1)
    # The party a member belonged to at their latest vote in the range.
    latest = rows.sort_values(["m", "date", "vote_id"]).groupby("m")["party"].last()
    parties = latest.reindex(range(len(members))).to_numpy()
    if right_party is None:
        labels, sizes = np.unique(parties[pd.notna(parties)].astype(str), return_counts=True)
        right_party = str(labels[np.argmax(sizes)]) if len(labels) else None
    fit = ideal.fit(matrix, min_votes=min_votes, min_minority=min_minority,
                    right=None if right_party is None else parties == right_party)
    if fit is None:
        return pd.DataFrame(columns=IDEAL_POINT_COLUMNS)
    used = ~np.isnan(fit.points[:, 0])
    names = _query(con, "select member_id, name from members where member_id in (select unnest($ids::varchar[]))",
                   filters, ids=list(members[used]))
    frame = pd.DataFrame({"member_id": members[used], "party": parties[used], "dim1": fit.points[used, 0],
                          "dim2": fit.points[used, 1], "votes": fit.votes_used[used]})
    frame = frame.merge(names, on="member_id", how="left")
    if filters.parties:
        frame = frame[frame["party"].isin(filters.parties)]
    return frame[IDEAL_POINT_COLUMNS].sort_values("dim1", ignore_index=True)


def party_centroids(points: pd.DataFrame) -> pd.DataFrame:
    """Mean ideal point per party and how many members it averages."""
    if points.empty:
        return pd.DataFrame(columns=["party", "dim1", "dim2", "members"])
    return (points.groupby("party", as_index=False)
            .agg(dim1=("dim1", "mean"), dim2=("dim2", "mean"), members=("member_id", "count"))
            .sort_values("dim1", ignore_index=True))


# --- grids --------------------------------------------------------------------------------------------------------


def party_position_grid(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Each party's effective position on each vote, long form (for a votes × parties grid)."""
    return _query(con, f"""
        select p.vote_id, fv.date, fv.title, p.party, p.position
        from party_votes p join fv using (vote_id)
        where {_party_in('p.party')}
        order by fv.date, p.vote_id, p.party""", filters)


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
