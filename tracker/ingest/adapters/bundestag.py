"""German Bundestag roll-call lists (namentliche Abstimmungen), one row per member per vote."""

from __future__ import annotations

import re

import pandas as pd

from tracker.ingest import formats as F
from tracker.ingest.adapters.tables import Part, cell
from tracker.ingest.inputs import Input, frame_input
from tracker.ingest.problems import Problem, rows_text
from tracker.model import fold

DATASET = "Bundestag"

TABLES = {"votes": frozenset({"wahlperiode", "sitzungnr", "abstimmnr", "fraktion/gruppe", "name", "vorname", "vote"})}

# Seats at the start of each electoral period (the 18th had 631; overhang seats make it vary by period).
SEATS = {17: 622, 18: 631, 19: 709, 20: 736, 21: 630}
GROUP_NAMES = {"CDU/CSU": "CDU/CSU", "SPD": "SPD", "DIE LINKE.": "Die Linke", "BÜ90/GR": "Bündnis 90/Die Grünen",
               "FDP": "FDP", "AfD": "AfD", "Fraktionslos": "Fraktionslos (non-attached)", "BSW": "BSW"}

_PLACE = re.compile(r"\s*\(([^)]*)\)\s*")


def vote_id(period: pd.Series, sitting: pd.Series, number: pd.Series) -> pd.Series:
    """`BT18-3-1`: period, sitting, number of the vote within the sitting."""
    return "BT" + period + "-" + sitting + "-" + number


def slug(text: str) -> str:
    """Folded, ASCII, words joined by hyphens: 'Marieluise Beck (Bremen)' -> 'marieluise-beck-bremen'."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def member_ids(frame: pd.DataFrame) -> tuple[pd.Series, list[str]]:
    """A stable id per person, and notes on the surname labels that were merged into one person.

    The id is `bt-` + first name, name prefix (Titel) and surname without the bracketed place, folded (case,
    accents). The place in brackets tells namesakes apart, so it is kept only when two labels of one such name
    sit in the same vote (two people); otherwise labels that differ only by the place or by accents are one
    person whose label changed.
    """
    surname = frame["name"].str.replace(_PLACE, " ", regex=True).str.strip()
    person = (frame["vorname"] + " " + cell(frame, "titel") + " " + surname).map(slug)
    # The label as written: labels of one person may differ by the bracketed place or by spelling (André/Andre).
    label = (frame["vorname"] + " " + cell(frame, "titel") + " " + frame["name"]).str.split().str.join(" ")
    pairs = pd.DataFrame({"person": person, "label": label, "vote": frame["_vote"]}).drop_duplicates()
    labels_per_person = pairs.groupby("person")["label"].nunique()
    clashing = set()
    notes = []
    for key in labels_per_person[labels_per_person > 1].index:
        rows = pairs[pairs["person"] == key]
        if rows.groupby("vote")["label"].nunique().max() > 1:
            clashing.add(key)
            notes.append(f"{', '.join(sorted(rows['label'].unique()))} ({key}): different people (they vote in the "
                         "same vote), kept apart by the place in brackets")
        else:
            notes.append(f"{' = '.join(sorted(rows['label'].unique()))}: one person ({key})")
    ids = "bt-" + person
    if clashing:
        place = frame["name"].str.extract(_PLACE, expand=False).fillna("").map(slug)
        apart = person.isin(clashing) & (place != "")
        ids = ids.where(~apart, ids + "-" + place)
    return ids, notes


def build(parts: list[Part], problems: list[Problem]) -> list[Input]:
    """Importer inputs for Bundestag lists: the Bundestag of each period, groups as parties, member votes."""
    frame = pd.concat([p.read().assign(_file=p.name) for p in parts], ignore_index=True)
    bad = ~(frame["wahlperiode"].str.fullmatch(r"\d+") & frame["sitzungnr"].str.fullmatch(r"\d+")
            & frame["abstimmnr"].str.fullmatch(r"\d+"))
    if bad.any():
        rows = frame.loc[bad, "_row"].tolist()
        problems.append(Problem(frame.loc[bad, "_file"].iloc[0], "Wahlperiode, Sitzungnr and Abstimmnr must be whole "
                                f"numbers ({rows_text(rows)}).", "Fill in the period, sitting and vote number on "
                                "every row.", row=rows[0], column="Abstimmnr"))
        return []
    frame["_vote"] = vote_id(frame["wahlperiode"], frame["sitzungnr"], frame["abstimmnr"])
    frame["_member"], notes = member_ids(frame)
    # The display name of each member is their latest one (titles such as "Dr." are added over the years).
    latest = frame.sort_values(["date", "_row"] if "date" in frame else ["_row"]).drop_duplicates("_member",
                                                                                                 keep="last")
    display = cell(latest, "bezeichnung")
    display = display.where(display != "", latest["vorname"] + " " + latest["name"])
    name_of = dict(zip(latest["_member"], display, strict=False))
    periods = sorted(frame["wahlperiode"].unique(), key=int)
    assemblies = pd.DataFrame({"_row": range(1, len(periods) + 1),
                               "assembly": [f"bundestag-{p}" for p in periods],
                               "name": [f"Deutscher Bundestag, {p}. Wahlperiode" for p in periods],
                               "country": "Germany", "seats": [SEATS.get(int(p)) for p in periods]})
    groups = sorted(g for g in frame["fraktion/gruppe"].unique() if g)
    parties = pd.DataFrame({"_row": range(1, len(groups) + 1), "party": groups,
                            "name": [GROUP_NAMES.get(g, g) for g in groups]})
    member_votes = pd.DataFrame({
        "_row": frame["_row"], "vote_id": frame["_vote"], "assembly": "bundestag-" + frame["wahlperiode"],
        "date": cell(frame, "date"), "title": cell(frame, "title"), "member_id": frame["_member"],
        "member_name": frame["_member"].map(name_of), "party": frame["fraktion/gruppe"], "position": frame["vote"],
    })
    name = " + ".join(p.name for p in parts)
    merged = [n for n in notes if "one person" in n]
    label = (f"{name} (Bundestag roll-call lists, {', '.join(p + '. Wahlperiode' for p in periods)}: "
             f"{member_votes['vote_id'].nunique():,} votes, {len(member_votes):,} member votes, "
             f"{member_votes['member_id'].nunique():,} members"
             + (f"; {len(merged)} member(s) appear under two surname labels, kept as one person each: "
                + "; ".join(merged) if merged else "")
             + (f"; namesakes kept apart: {'; '.join(n for n in notes if 'apart' in n)}"
                if len(merged) < len(notes) else "") + ")")
    used = {"wahlperiode", "sitzungnr", "abstimmnr", "date", "title", "fraktion/gruppe", "name", "vorname", "titel",
            "bezeichnung", "vote"}
    ignored = sorted({h for p in parts for h, key in zip(p.layout.header, p.columns(), strict=False)
                      if key not in used})
    return [
        frame_input("Bundestag periods", F.ASSEMBLIES, assemblies, ["assembly", "name", "country", "seats"],
                    label=f"Bundestag: {', '.join(assemblies['name'])}"),
        frame_input("Bundestag groups", F.PARTIES, parties, ["party", "name"],
                    label=f"Bundestag parliamentary groups ({len(parties)})"),
        frame_input(name, F.MEMBER_VOTES, member_votes,
                    ["vote_id", "assembly", "date", "title", "member_id", "member_name", "party", "position"],
                    label=label, ignored=ignored, size=sum(p.source.size() for p in parts)),
    ]
