"""The majority arithmetic in SQL (what outcomes runs) agrees with its Python definition on every small chamber."""

from __future__ import annotations

import io
from itertools import product

import pandas as pd

from tracker import metrics
from tracker.ingest import Source, import_files

RULES = ("simple", "absolute", "two_thirds_cast", "two_thirds_seats", "3/5_present", "1/2_seats", "2/5_cast")


def _chamber_votes() -> list[dict]:
    """Every tally of a 7-seat chamber under every rule, with seats stated or not and some counts unknown."""
    votes = []
    tallies = [(y, n, a) for y, n, a in product(range(8), repeat=3) if y + n + a <= 7]
    for rule, (y, n, a), seats in product(RULES, tallies, (7, None)):
        absent = 7 - y - n - a
        votes.append({"rule": rule, "yes": y, "no": n, "abstain": a, "absent": absent, "seats": seats})
    for rule in RULES:   # unknown counts: never read as 0
        votes += [{"rule": rule, "yes": 4, "no": None, "abstain": 1, "absent": None, "seats": 7},
                  {"rule": rule, "yes": 0, "no": 0, "abstain": None, "absent": None, "seats": None},
                  {"rule": rule, "yes": None, "no": 2, "abstain": 0, "absent": 0, "seats": 7}]
    return votes


def test_outcomes_agree_with_vote_threshold_and_votes_to_flip_on_every_small_chamber(fresh_db):
    votes = _chamber_votes()
    frame = pd.DataFrame({"vote_id": [f"V{i:05d}" for i in range(len(votes))], "date": "2020-01-01",
                          "title": "a vote", **{k: [v[k] for v in votes] for k in votes[0]}})
    frame = frame.rename(columns={"rule": "majority"}).astype({k: "Int64" for k in ("yes", "no", "abstain", "absent",
                                                                                      "seats")})
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    import_files(fresh_db, [Source("chambers.csv", data=buffer.getvalue().encode())])
    computed = metrics.outcomes(fresh_db, metrics.Filters()).set_index("vote_id")
    for vote_id, vote in zip(frame["vote_id"], votes, strict=True):
        row = computed.loc[vote_id]
        counts = (vote["yes"], vote["no"], vote["abstain"], vote["seats"])
        expected = (metrics.vote_threshold(vote["rule"], *counts), metrics.vote_passed(vote["rule"], *counts),
                    metrics.votes_to_flip(vote["rule"], *counts, vote["absent"]))
        got = tuple(None if pd.isna(v) else v for v in (row["threshold"], row["passed"], row["votes_to_flip"]))
        assert got == expected, (vote, got)
