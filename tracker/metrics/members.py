"""Member metrics: participation, loyalty, rebellions and agreement between members.

Each has a SQL path (one grouped query over member_votes) and a dense path over a MemberVoteMatrix (numpy counts),
which the Members page uses; both give the same rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.metrics.filters import Filters, metric_table, party_in, query
from tracker.store import Store
from tracker.table_query import TableQuery

if TYPE_CHECKING:
    import pandas as pd

    from tracker.metrics.matrix import MemberVoteMatrix

# Member votes in the filter, with the party's effective position at that vote; not_member rows are not in office.
_MEMBER_ROWS = f"""
, rows as (
    select mv.vote_id, fv.date, fv.title, mv.member_id, mv.party, mv.position, pv.position as party_position
    from member_votes mv join fv using (vote_id)
    left join party_votes pv on pv.vote_id = mv.vote_id and pv.party = coalesce(mv.party, '(no party)')
    where mv.position <> 'not_member' and {party_in('mv.party')})"""

MEMBER_COLUMNS = ["member_id", "name", "party", "votes_in_office", "votes_cast", "participation",
                  "votes_with_party", "loyalty", "rebellions"]


def member_stats(db: Store, filters: Filters,
                 matrix: MemberVoteMatrix | None = None) -> pd.DataFrame:
    """Per member: votes in office, votes cast, participation, loyalty to their party and rebellions."""
    if matrix is not None:
        from tracker.metrics.members_dense import member_stats_dense  # numpy and pandas: the page's path only

        return member_stats_dense(matrix, filters)[MEMBER_COLUMNS]
    return member_stats_query(db, filters).read(db)


def member_stats_query(db: Store, filters: Filters) -> TableQuery:
    """The SQL of member_stats."""
    return metric_table(f"""
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
        from counted c left join members m using (member_id)""", filters, ("party", "name", "member_id"),
                        tuple(MEMBER_COLUMNS))


def rebellions(db: Store, filters: Filters, latest: int | None = None,
               matrix: MemberVoteMatrix | None = None) -> pd.DataFrame:
    """Votes cast against the party's (non-split) position: all, oldest first; or the `latest` N, newest first."""
    if matrix is not None:
        from tracker.metrics.members_dense import rebellions_dense

        return rebellions_dense(matrix, filters, latest)
    order = "r.date, r.vote_id, r.party, r.member_id" if latest is None else \
        "r.date desc nulls last, r.vote_id desc, r.party, r.member_id limit $latest"
    return query(db, f"""
        {_MEMBER_ROWS}
        select r.vote_id, r.date, r.title, r.member_id, m.name, r.party, r.position, r.party_position
        from rows r left join members m using (member_id)
        where r.position in ('yes', 'no', 'abstain') and r.party_position in ('yes', 'no', 'abstain')
          and r.party is not null and r.position <> r.party_position
        order by {order}""", filters, latest=latest)


def member_alignment(db: Store, filters: Filters,
                     matrix: MemberVoteMatrix | None = None) -> pd.DataFrame:
    """Share of votes both members cast (yes/no/abstain) on which they voted the same; both orders, no self pairs."""
    import pandas as pd  # here, with numpy: `export` counts the same pairs without pandas (pairs.py)

    from tracker.metrics.pairs import MEMBER_ALIGNMENT_COLUMNS, member_pairs, stored_member_pairs

    if matrix is None:
        pairs = stored_member_pairs(db, filters)
    else:
        pairs = member_pairs(matrix.members.to_numpy(), matrix.votes["date"].to_numpy(dtype="datetime64[D]"),
                             matrix.positions, matrix.parties, matrix.party_labels, filters)
    if len(pairs.a) == 0:
        return pd.DataFrame(columns=list(MEMBER_ALIGNMENT_COLUMNS))
    # Categoricals: 490,000 pairs of 700 ids are built in a millisecond instead of 490,000 strings twice.
    return pd.DataFrame({"member_a": pd.Categorical.from_codes(pairs.a, pairs.ids),
                         "member_b": pd.Categorical.from_codes(pairs.b, pairs.ids),
                         "votes_compared": pairs.votes_compared, "agreement": pairs.agreement})
