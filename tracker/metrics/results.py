"""Vote results: each vote's outcome recomputed under its majority rule, and the parties whose votes decide it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.metrics.filters import Filters, metric_table, party_in
from tracker.metrics.majority import RULES_AND_RESULTS, flips_sql, rule_values, threshold_sql
from tracker.store import Store
from tracker.table_query import TableQuery

if TYPE_CHECKING:
    import pandas as pd

OUTCOME_COLUMNS = ["vote_id", "date", "title", "rule", "yes", "no", "abstain", "absent", "threshold", "passed",
                   "margin", "official_result", "agrees_with_official", "votes_to_flip", "seats", "tally_source",
                   "stage", "matter", "official_passed", "outcome", "outcome_source"]
_COUNTS = ("yes", "no", "abstain", "absent", "seats", "threshold", "margin", "votes_to_flip")


def outcomes_query(db: Store, filters: Filters) -> TableQuery:
    """The SQL of outcomes."""
    passed = "(yes >= threshold)"
    return metric_table(f"""
        {RULES_AND_RESULTS}
        , tallies as (
            select t.vote_id, t.date, t.title, t.majority as rule, t.yes, t.no, t.abstain, t.absent, t.seats,
                   t.result as official_result, t.tally_source, t.stage, t.matter, o.passed as official_passed,
                   r.rule_kind, r.numerator, r.denominator, r.base
            from vote_tallies t join fv using (vote_id)
            left join rules r on r.rule_text = coalesce(t.majority, '')
            left join official o on o.result_text = t.result)
        , needed as (select *, {threshold_sql("yes", "no", "abstain", "seats")} as threshold from tallies)
        select vote_id, date, title, rule, yes, no, abstain, absent, threshold, {passed} as passed,
               yes - threshold as margin, official_result, official_passed = {passed} as agrees_with_official,
               {flips_sql("yes", "no", "abstain", "absent", "seats", "threshold")} as votes_to_flip,
               seats, tally_source, stage, matter, official_passed,
               -- What happened: the official result where it is stated in words we can read, else the recomputed one.
               case coalesce(official_passed, {passed}) when true then 'passed' when false then 'failed' end as outcome,
               case when official_passed is not null then 'official' when {passed} is not null then 'computed' end
                   as outcome_source
        from needed""", filters, ("date", "vote_id"), tuple(OUTCOME_COLUMNS), **rule_values(db))


def outcomes(db: Store, filters: Filters) -> pd.DataFrame:
    """Each vote's result recomputed from its tallies under its majority rule, against the official result."""
    frame = outcomes_query(db, filters).read(db)
    return frame.astype({**{c: "Int64" for c in _COUNTS},
                         **{c: "boolean" for c in ("passed", "agrees_with_official", "official_passed")}})


def pivotal_query(db: Store, filters: Filters) -> TableQuery:
    """The SQL of pivotal_parties."""
    before = threshold_sql("yes", "no", "abstain", "seats")
    after = threshold_sql("yes_after", "no_after", "abstain", "seats")
    return metric_table(f"""
        {RULES_AND_RESULTS}
        , rows as (
            select p.vote_id, fv.date, p.party, t.yes, t.no, t.abstain, t.seats, p.yes as party_yes, p.no as party_no,
                   t.yes - p.yes + p.no as yes_after, t.no - p.no + p.yes as no_after,
                   r.rule_kind, r.numerator, r.denominator, r.base
            from party_votes p join fv using (vote_id) join vote_tallies t using (vote_id)
            left join rules r on r.rule_text = coalesce(t.majority, '')
            where {party_in('p.party')})
        select vote_id, date, party, (yes >= {before}) <> (yes_after >= {after}) as pivotal, party_yes, party_no
        from rows""", filters, ("date", "vote_id", "party"), ("vote_id", "party", "pivotal", "party_yes", "party_no"),
                        **rule_values(db))


def pivotal_parties(db: Store, filters: Filters) -> pd.DataFrame:
    """Per party and vote: would the computed result flip if the party's yes and no votes swapped."""
    frame = pivotal_query(db, filters).read(db)
    return frame.astype({"pivotal": "boolean", "party_yes": "Int64", "party_no": "Int64"})
