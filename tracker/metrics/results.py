"""Vote results: each vote's outcome recomputed under its majority rule, and the parties whose votes decide it."""

from __future__ import annotations

import pandas as pd

from tracker.metrics.filters import Filters, party_in, query
from tracker.metrics.majority import apply_rules, flips, thresholds
from tracker.model import MajorityRule, official_passed
from tracker.store import Store

OUTCOME_COLUMNS = ["vote_id", "date", "title", "rule", "yes", "no", "abstain", "absent", "threshold", "passed",
                   "margin", "official_result", "agrees_with_official", "votes_to_flip", "seats", "tally_source",
                   "stage", "matter", "official_passed", "outcome", "outcome_source"]


def outcomes(db: Store, filters: Filters) -> pd.DataFrame:
    """Each vote's result recomputed from its tallies under its majority rule, against the official result."""
    frame = query(db, """
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

    frame = frame.join(apply_rules(frame, "rule", compute, {"threshold": "Int64", "passed": "boolean",
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


def pivotal_parties(db: Store, filters: Filters) -> pd.DataFrame:
    """Per party and vote: would the computed result flip if the party's yes and no votes swapped."""
    frame = query(db, f"""
        select p.vote_id, p.party, t.majority, t.yes, t.no, t.abstain, t.seats,
               p.yes as party_yes, p.no as party_no
        from party_votes p join fv using (vote_id) join vote_tallies t using (vote_id)
        where {party_in('p.party')}
        order by fv.date, p.vote_id, p.party""", filters)
    for column in ("yes", "no", "abstain", "seats", "party_yes", "party_no"):
        frame[column] = frame[column].astype("Int64")

    def compute(rule: MajorityRule, g: pd.DataFrame) -> pd.DataFrame:
        before = g["yes"] >= thresholds(rule, g["yes"], g["no"], g["abstain"], g["seats"])
        yes = g["yes"] - g["party_yes"] + g["party_no"]
        no = g["no"] - g["party_no"] + g["party_yes"]
        after = yes >= thresholds(rule, yes, no, g["abstain"], g["seats"])
        return pd.DataFrame({"pivotal": (before != after).astype("boolean")}, index=g.index)

    frame["pivotal"] = apply_rules(frame, "majority", compute, {"pivotal": "boolean"})["pivotal"]
    return frame[["vote_id", "party", "pivotal", "party_yes", "party_no"]]
