"""Derive tests/data/bundestag_wp18/roll_calls.csv from ../shared/data/bundestag_wp18 (rows and values unchanged).

Run from the repository: `python tests/data/bundestag_wp18/derive.py SOURCE.csv OUT.csv`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

VOTES, MEMBERS_PER_GROUP = 30, {"CDU/CSU": 24, "SPD": 16, "DIE LINKE.": 6, "BÜ90/GR": 6}


def derive(source: Path, target: Path) -> None:
    raw = pd.read_csv(source, dtype=str, keep_default_na=False)
    raw["vote_key"] = raw["Wahlperiode"] + "-" + raw["Sitzungnr"] + "-" + raw["Abstimmnr"]
    raw["member_key"] = raw["Name"] + "|" + raw["Vorname"]
    cast = raw[raw["vote"].isin(["ja", "nein"])]
    yes = cast.groupby("vote_key")["vote"].apply(lambda v: (v == "ja").mean())
    # Contested votes only (at least 10 % on the losing side), evenly spread over the term.
    contested = sorted(yes[(yes >= 0.1) & (yes <= 0.9)].index, key=lambda k: tuple(int(p) for p in k.split("-")))
    step = len(contested) / VOTES
    chosen = [contested[int(i * step)] for i in range(VOTES)]
    rows = raw[raw["vote_key"].isin(chosen)]
    # Members of one group on every chosen vote, the first ones by surname and first name of each group.
    per_member = rows.groupby("member_key").agg(votes=("vote_key", "nunique"), group=("Fraktion/Gruppe", "unique"))
    steady = per_member[(per_member["votes"] == VOTES) & (per_member["group"].map(len) == 1)]
    steady = steady.assign(group=steady["group"].map(lambda g: g[0])).sort_index()
    members = [m for group, n in MEMBERS_PER_GROUP.items() for m in steady[steady["group"] == group].index[:n]]
    out = rows[rows["member_key"].isin(members)].drop(columns=["vote_key", "member_key"])
    out.to_csv(target, index=False)


if __name__ == "__main__":
    derive(Path(sys.argv[1]), Path(sys.argv[2]))
