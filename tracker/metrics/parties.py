"""Party metrics: cohesion (Rice and Agreement Index), alignment between parties, and party positions per vote.

The product computes both indices in SQL (INDICES_SQL); rice_index and agreement_index are the same formulas for one
party and vote, kept as the readable definition and tested to agree with the SQL on the fixture data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.metrics.filters import Filters, metric_table, party_in, query
from tracker.model import party_position_sql
from tracker.store import Store
from tracker.table_query import TableQuery

if TYPE_CHECKING:
    import pandas as pd


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


# Unknown counts stay null, so a party with only a stated position gets no index rather than 1.0.
INDICES_SQL = """
    case when yes + no > 0 then abs(yes - no)::double / (yes + no) end as rice,
    case when yes + no + abstain > 0 then
        (greatest(yes, no, abstain) - 0.5 * (yes + no + abstain - greatest(yes, no, abstain)))
        / (yes + no + abstain) end as agreement_index"""

COHESION_COLUMNS = ["vote_id", "date", "party", "yes", "no", "abstain", "absent", "position", "rice",
                    "agreement_index", "source"]


def cohesion_query(db: Store, filters: Filters) -> TableQuery:
    """The SQL of cohesion."""
    return metric_table(f"""
        select p.vote_id, fv.date, p.party, p.yes, p.no, p.abstain, p.absent, p.position, {INDICES_SQL}, p.source
        from party_votes p join fv using (vote_id)
        where {party_in('p.party')}""", filters, ("date", "vote_id", "party"), tuple(COHESION_COLUMNS))


def cohesion(db: Store, filters: Filters) -> pd.DataFrame:
    """Per party and vote: counts, position, Rice index and Agreement Index."""
    frame = cohesion_query(db, filters).read(db)
    return frame.astype({c: "Int64" for c in ("yes", "no", "abstain", "absent")})


COHESION_SUMMARY_COLUMNS = ["party", "votes", "mean_rice", "rice_votes", "mean_agreement_index", "agreement_votes"]


def cohesion_summary(db: Store, filters: Filters) -> pd.DataFrame:
    """Mean Rice and Agreement Index per party over the votes where each is known, with those vote counts."""
    return query(db, f"""
        , rows as (
            select p.party, {INDICES_SQL}
            from party_votes p join fv using (vote_id)
            where {party_in('p.party')})
        select party, count(*) as votes, avg(rice) as mean_rice, count(rice) as rice_votes,
               avg(agreement_index) as mean_agreement_index, count(agreement_index) as agreement_votes
        from rows group by party order by party""", filters)[COHESION_SUMMARY_COLUMNS]


def cohesion_trend_query(db: Store, filters: Filters) -> TableQuery:
    """The SQL of cohesion_trend."""
    return metric_table(f"""
        , rows as (
            select date_trunc($period, fv.date)::date as period, p.party, {INDICES_SQL}
            from party_votes p join fv using (vote_id)
            where fv.date is not null and {party_in('p.party')})
        select period, party, count(*) as votes, avg(rice) as mean_rice, avg(agreement_index) as mean_agreement_index,
               count(rice) as rice_votes, count(agreement_index) as agreement_votes
        from rows group by period, party""", filters, ("period", "party"))


def cohesion_trend(db: Store, filters: Filters) -> pd.DataFrame:
    """Mean Rice and Agreement Index per party and period, with the number of votes each mean covers."""
    return cohesion_trend_query(db, filters).read(db)


# --- alignment ----------------------------------------------------------------------------------------------------

# Party positions that can be compared: a position other than split, on a filtered vote. Materialised: the
# queries read it twice, and filtering the stored party_votes table once is cheaper.
_POSITIONS = f"""
, positions as materialized (
    select p.vote_id, fv.date, p.party, p.position
    from party_votes p join fv using (vote_id)
    where p.position in ('yes', 'no', 'abstain') and {party_in('p.party')})"""


def party_alignment_query(db: Store, filters: Filters) -> TableQuery:
    """The SQL of party_alignment."""
    return metric_table(f"""
        {_POSITIONS}
        select a.party as party_a, b.party as party_b, count(*) as votes_compared,
               avg((a.position = b.position)::integer)::double as agreement
        from positions a join positions b using (vote_id)
        group by all""", filters, ("party_a", "party_b"))


def party_alignment(db: Store, filters: Filters) -> pd.DataFrame:
    """Share of votes on which two parties took the same (non-split) position; both orders, a–a included."""
    return party_alignment_query(db, filters).read(db)


def alignment_trend_query(db: Store, filters: Filters) -> TableQuery:
    """The SQL of alignment_trend."""
    return metric_table(f"""
        {_POSITIONS}
        select date_trunc($period, a.date)::date as period, a.party as party_a, b.party as party_b,
               count(*) as votes_compared, avg((a.position = b.position)::integer)::double as agreement
        from positions a join positions b using (vote_id)
        where a.date is not null
        group by all""", filters, ("period", "party_a", "party_b"))


def alignment_trend(db: Store, filters: Filters) -> pd.DataFrame:
    """Party alignment per period."""
    return alignment_trend_query(db, filters).read(db)


REFERENCE_COLUMNS = ["period", "party", "votes_compared", "agreement"]


def alignment_with_reference(db: Store, filters: Filters) -> pd.DataFrame:
    """Per period, how often each party took the reference party's (or bloc's) position."""
    reference = (filters.reference or "").strip()
    if not reference:
        import pandas as pd

        return pd.DataFrame(columns=REFERENCE_COLUMNS)
    cursor = db.cursor()
    if reference.startswith("bloc:"):
        bloc = reference[len("bloc:"):].strip()
        known = [r[0] for r in cursor.execute("select distinct bloc from parties where bloc is not null"
                                              " order by 1").fetchall()]
        if bloc not in known:
            raise ValueError(f"There is no bloc '{bloc}'. Blocs in the parties table: {', '.join(known) or 'none'}.")
        # A bloc's position: the position most of its parties took (each party once), a tie is split.
        reference_sql = f"""
            , bloc_counts as (
                select vote_id, count(*) filter (where position = 'yes') as y,
                       count(*) filter (where position = 'no') as n, count(*) filter (where position = 'abstain') as a
                from party_votes
                where party in (select party from parties where bloc = $bloc) and position in ('yes', 'no', 'abstain')
                group by vote_id)
            , reference as (
                select vote_id, {party_position_sql("y", "n", "a")} as position
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
    frame = query(db, f"""
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


def party_position_grid(db: Store, filters: Filters, latest: int | None = None) -> pd.DataFrame:
    """Each party's effective position on each vote (or the `latest` N votes in range), long form, oldest first."""
    shown = "fv" if latest is None else "(select * from fv order by date desc nulls last, vote_id desc limit $latest)"
    return query(db, f"""
        select p.vote_id, fv.date, fv.title, p.party, p.position
        from party_votes p join {shown} fv using (vote_id)
        where {party_in('p.party')}
        order by fv.date, p.vote_id, p.party""", filters, latest=latest)
