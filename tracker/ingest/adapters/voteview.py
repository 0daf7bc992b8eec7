"""VoteView (voteview.com) US Congress files: members, roll calls, votes and (optionally) parties, uploaded together."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from tracker.ingest import formats as F
from tracker.ingest.adapters.tables import Part, cell
from tracker.ingest.inputs import Input, frame_input, stream_input
from tracker.ingest.problems import Problem, rows_text

DATASET = "VoteView"

# Each table by the header columns it must have (header keys); extra columns are ignored.
TABLES = {
    "members": frozenset({"congress", "chamber", "icpsr", "party_code", "bioname"}),
    "rollcalls": frozenset({"congress", "chamber", "rollnumber", "date", "yea_count", "nay_count"}),
    "votes": frozenset({"congress", "chamber", "rollnumber", "icpsr", "cast_code"}),
    "parties": frozenset({"congress", "chamber", "party_code", "party_name"}),
}

# Cast codes: 1 yea, 2 paired yea, 3 announced yea; 4 announced nay, 5 paired nay, 6 nay; 7-8 present;
# 9 not voting; 0 not a member of the chamber on that date (no row is stored).
CAST_LABELS = {"1": "yea", "2": "yea", "3": "yea", "4": "nay", "5": "nay", "6": "nay", "7": "present",
               "8": "present", "9": "not voting"}
PARTY_LABELS = {"100": "Democrat", "200": "Republican", "328": "Independent"}
PARTY_NAMES = {"Democrat": "Democratic Party", "Republican": "Republican Party", "Independent": "Independent"}
CHAMBER_NAMES = {"House": "U.S. House of Representatives", "Senate": "U.S. Senate"}


def vote_id(chamber: pd.Series, congress: pd.Series, rollnumber: pd.Series) -> pd.Series:
    """`H118-1`: chamber initial, congress, roll-call number (readable, unique across chambers)."""
    return chamber.str.slice(0, 1).str.upper() + congress + "-" + rollnumber


def assembly_id(chamber: str, congress: str) -> str:
    """`us-house-118`."""
    return f"us-{chamber.lower()}-{congress}"


def ordinal(number: int) -> str:
    """118 -> '118th'."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def chamber_seats(chamber: str, congress: int) -> int | None:
    """Voting seats: House 435 from the 63rd Congress (437 in the 86th-87th), Senate 100 from the 87th; else None."""
    if chamber == "House" and congress >= 63:
        return 437 if congress in (86, 87) else 435
    if chamber == "Senate" and congress >= 87:
        return 100
    return None


def build(parts: list[Part], problems: list[Problem]) -> list[Input]:
    """Importer inputs for one VoteView upload: assemblies, parties, roll calls as votes, votes as member votes."""
    by_table: dict[str, list[Part]] = {}
    for part in parts:
        by_table.setdefault(part.table, []).append(part)
    names = ", ".join(p.name for p in parts)
    if "votes" in by_table and ("members" not in by_table or "rollcalls" not in by_table):
        missing = [t for t in ("members", "rollcalls") if t not in by_table]
        problems.append(Problem(names, f"VoteView votes need the {' and '.join(missing)} file(s) of the same "
                                "congresses: the party of each member and the date of each roll call come from them.",
                                f"Upload the *_{'_ and *_'.join(missing)}.csv files from voteview.com/data together "
                                "with the *_votes.csv file."))
        return []
    if "rollcalls" not in by_table:
        problems.append(Problem(names, "These VoteView files hold no roll calls, so there are no votes to import.",
                                "Upload the *_rollcalls.csv file (and *_votes.csv with *_members.csv for how each "
                                "member voted)."))
        return []
    rollcalls = pd.concat([p.read().assign(_file=p.name) for p in by_table["rollcalls"]], ignore_index=True)
    members = pd.concat([p.read().assign(_file=p.name) for p in by_table.get("members", [])] or
                        [pd.DataFrame(columns=["_row", "_file", *TABLES["members"]])], ignore_index=True)
    named = _party_names(by_table.get("parties", []))
    rollcalls = rollcalls[rollcalls["chamber"].isin(list(CHAMBER_NAMES))]
    rollcalls = rollcalls[_whole_numbers(rollcalls, problems)]
    rollcalls = rollcalls.assign(
        vote_id=vote_id(rollcalls["chamber"], rollcalls["congress"], rollcalls["rollnumber"]),
        assembly=[assembly_id(c, n) for c, n in zip(rollcalls["chamber"], rollcalls["congress"], strict=False)])
    members = members.assign(party=_party_labels(members, named))
    inputs = [_assemblies(rollcalls), _parties(members, rollcalls, named), _votes(rollcalls, by_table["rollcalls"])]
    for part in by_table.get("votes", []):
        inputs.append(_member_votes(part, members, problems))
    return inputs


def _whole_numbers(rollcalls: pd.DataFrame, problems: list[Problem]) -> pd.Series:
    """Roll calls whose congress and roll number are whole numbers; the others are reported."""
    bad = ~rollcalls["congress"].str.fullmatch(r"\d+") | ~rollcalls["rollnumber"].str.fullmatch(r"\d+")
    for row in rollcalls[bad].head(10).to_dict("records"):
        problems.append(Problem(row["_file"], f"Congress '{row['congress']}' or roll number '{row['rollnumber']}' "
                                "is not a whole number.", "Use the roll calls file as downloaded from voteview.com.",
                                row=int(row["_row"]), column="rollnumber"))
    return ~bad


def _party_names(parts: list[Part]) -> dict[str, str]:
    """Party code -> name from VoteView parties files (HSall_parties.csv)."""
    names: dict[str, str] = {}
    for part in parts:
        frame = part.read()
        for code, name in zip(frame["party_code"], frame["party_name"], strict=False):
            if code and name:
                names.setdefault(code, name.strip())
    return names


def _party_labels(members: pd.DataFrame, named: dict[str, str]) -> pd.Series:
    """Democrat / Republican / Independent, else the parties file's name, else the code."""
    return members["party_code"].map(lambda code: PARTY_LABELS.get(code) or named.get(code) or code)


def _assemblies(rollcalls: pd.DataFrame) -> Input:
    chambers = rollcalls[["assembly", "chamber", "congress"]].drop_duplicates("assembly")
    frame = pd.DataFrame({
        "_row": range(1, len(chambers) + 1),
        "assembly": chambers["assembly"].to_numpy(),
        "name": [f"{CHAMBER_NAMES[c]}, {ordinal(int(n))} Congress" for c, n in zip(chambers["chamber"],
                                                                                   chambers["congress"], strict=False)],
        "country": "United States",
        "seats": [chamber_seats(c, int(n)) for c, n in zip(chambers["chamber"], chambers["congress"], strict=False)],
    })
    return frame_input("VoteView chambers", F.ASSEMBLIES, frame, ["assembly", "name", "country", "seats"],
                       label=f"VoteView chambers ({', '.join(frame['name'])})")


def _parties(members: pd.DataFrame, rollcalls: pd.DataFrame, named: dict[str, str]) -> Input:
    """The parties of the members who sat in the uploaded chambers and congresses, with display names."""
    sat = members.merge(rollcalls[["congress", "chamber"]].drop_duplicates(), on=["congress", "chamber"])
    labels = sorted(set(sat["party"]))
    frame = pd.DataFrame({"_row": range(1, len(labels) + 1), "party": labels,
                          "name": [PARTY_NAMES.get(p) or (p if not p.isdigit() else f"VoteView party code {p}")
                                   for p in labels]})
    return frame_input("VoteView parties", F.PARTIES, frame, ["party", "name"],
                       label=f"VoteView parties ({len(frame)})")


def _votes(rollcalls: pd.DataFrame, parts: list[Part]) -> Input:
    """Roll calls as votes with their stated yea and nay counts (checked against the member votes on import)."""
    title = cell(rollcalls, "vote_desc")
    for fallback in ("vote_question", "bill_number"):
        title = title.where(title != "", cell(rollcalls, fallback))
    title = title.where(title != "", "Roll call " + rollcalls["rollnumber"])
    frame = pd.DataFrame({
        "_row": rollcalls["_row"], "vote_id": rollcalls["vote_id"], "assembly": rollcalls["assembly"],
        "date": rollcalls["date"], "title": title, "stage": cell(rollcalls, "vote_question"),
        "matter": cell(rollcalls, "bill_number"), "yes": rollcalls["yea_count"], "no": rollcalls["nay_count"],
        "result": cell(rollcalls, "vote_result"),
    })
    columns = ["vote_id", "assembly", "date", "title", "stage", "matter", "yes", "no", "result"]
    chambers = ", ".join(f"{CHAMBER_NAMES[c]} {ordinal(int(n))} Congress" for c, n in
                         rollcalls[["chamber", "congress"]].drop_duplicates().itertuples(index=False)
                         if str(n).isdigit())
    used = {"congress", "chamber", "rollnumber", "date", "yea_count", "nay_count", "vote_desc", "vote_question",
            "bill_number", "vote_result"}
    ignored = sorted({c for p in parts for c in p.columns() if c and c not in used})
    return frame_input(" + ".join(p.name for p in parts), F.VOTE_TALLIES, frame, columns,
                       label=f"{' + '.join(p.name for p in parts)} (VoteView roll calls, {chambers}: "
                             f"{len(frame):,} votes)", ignored=ignored, size=sum(p.source.size() for p in parts))


def _member_votes(part: Part, members: pd.DataFrame, problems: list[Problem]) -> Input:
    """The votes file, streamed: one member vote per row with a cast code other than 0."""
    presidents = set(members.loc[members["chamber"] == "President", "icpsr"])
    members = members[members["chamber"] != "President"]
    # A member's party and name are those of the congress (and chamber) of the vote.
    keyed = members.assign(key=members["congress"] + "|" + members["chamber"] + "|" + members["icpsr"])
    keyed = keyed.drop_duplicates("key")
    party_of = dict(zip(keyed["key"], keyed["party"], strict=False))
    name_of = dict(zip(keyed["key"], keyed["bioname"], strict=False))

    def chunks() -> Iterator[pd.DataFrame]:
        for chunk in part.chunks():
            code = chunk["cast_code"]
            bad = ~code.isin(list(CAST_LABELS) + ["0"])
            if bad.any():
                rows = chunk.loc[bad, "_row"].tolist()
                problems.append(Problem(part.name, f"Cast code '{code[bad].iloc[0]}' is not a VoteView cast code "
                                        f"({rows_text(rows)}).", "Cast codes are 0 to 9 (see voteview.com/data).",
                                        row=rows[0], column="cast_code"))
            chunk = chunk[~bad & (code != "0") & ~chunk["icpsr"].isin(presidents)]
            key = chunk["congress"] + "|" + chunk["chamber"] + "|" + chunk["icpsr"]
            party = key.map(party_of)
            unknown = party.isna()
            if unknown.any():
                rows = chunk.loc[unknown, "_row"].tolist()
                first = chunk.loc[unknown].iloc[0]
                problems.append(Problem(part.name, f"Member icpsr {first['icpsr']} ({rows_text(rows)}) is not in the "
                                        f"members file for the {first['chamber']} of congress {first['congress']}.",
                                        "Upload the members file of the same congress and chamber "
                                        "(e.g. H118_members.csv with H118_votes.csv).", row=rows[0], column="icpsr"))
                chunk, key, party = chunk[~unknown], key[~unknown], party[~unknown]
            frame = pd.DataFrame({
                "_row": chunk["_row"],
                "vote_id": vote_id(chunk["chamber"], chunk["congress"], chunk["rollnumber"]),
                "member_id": "icpsr-" + chunk["icpsr"],
                "member_name": key.map(name_of),
                "party": party,
                "position": chunk["cast_code"].map(CAST_LABELS),
            })
            yield frame

    ignored = [c for c in part.columns() if c not in TABLES["votes"]]
    return stream_input(part.name, F.MEMBER_VOTES, chunks, ["vote_id", "member_id", "member_name", "party",
                                                             "position"],
                        label=f"{part.name} (VoteView member votes: cast codes 1-3 yes, 4-6 no, 7-8 present as "
                              f"abstain, 9 absent, 0 skipped; {members['icpsr'].nunique():,} members listed)",
                        ignored=ignored, size=part.source.size(), encoding=part.layout.encoding,
                        delimiter=part.layout.delimiter)
