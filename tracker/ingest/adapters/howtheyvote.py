"""HowTheyVote.eu exports (European Parliament): members, groups, group memberships, votes and member votes."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from tracker.ingest import formats as F
from tracker.ingest.adapters.tables import Part, cell
from tracker.ingest.inputs import Input, frame_input, stream_input
from tracker.ingest.problems import Problem, rows_text

DATASET = "HowTheyVote.eu"

TABLES = {
    "members": frozenset({"id", "first_name", "last_name", "country_code"}),
    "groups": frozenset({"code", "official_label", "label", "short_label"}),
    "group_memberships": frozenset({"member_id", "group_code", "start_date", "end_date"}),
    "votes": frozenset({"id", "timestamp", "display_title"}),
    "member_votes": frozenset({"vote_id", "member_id", "position"}),
    # Other tables of the export, recognised so that a whole export.zip imports; not used.
    "countries": frozenset({"code", "iso_alpha_2", "label"}),
}
UNUSED_TABLES = ("countries",)

POSITIONS = ("FOR", "AGAINST", "ABSTENTION", "DID_NOT_VOTE")
ASSEMBLY = "european-parliament"


def is_link_table(columns: list[str]) -> bool:
    """The export's small link tables (vote_id + one code or id column, e.g. eurovoc_concept_votes.csv)."""
    rest = [c for c in columns if c and c != "vote_id"]
    return "vote_id" in columns and len(rest) == 1 and rest[0].endswith(("_id", "_code")) and rest[0] != "member_id"


def vote_id(ids: pd.Series) -> pd.Series:
    """`EP-162345`: the HowTheyVote vote id, prefixed so it cannot meet other parliaments' ids."""
    return "EP-" + ids


def member_id(ids: pd.Series) -> pd.Series:
    """`mep-197490`: the MEP directory id, prefixed."""
    return "mep-" + ids


def build(parts: list[Part], problems: list[Problem]) -> list[Input]:
    """Importer inputs for one HowTheyVote export: the parliament, groups as parties, votes, member votes."""
    by_table: dict[str, list[Part]] = {}
    for part in parts:
        by_table.setdefault(part.table, []).append(part)
    missing = [t for t in ("votes", "member_votes") if t not in by_table]
    if missing:
        problems.append(Problem(", ".join(p.name for p in parts), "This HowTheyVote.eu export lacks "
                                f"{' and '.join(t + '.csv' for t in missing)}.",
                                "Upload votes.csv and member_votes.csv together (with members.csv, groups.csv and "
                                "group_memberships.csv), or the whole export.zip. If this is your own member votes "
                                "file, not a HowTheyVote.eu export, add the 'party' column our format requires "
                                "(docs/data-format.md)."))
        return []
    votes = pd.concat([p.read() for p in by_table["votes"]], ignore_index=True)
    votes = votes.assign(date=votes["timestamp"].str.slice(0, 10))
    members = pd.concat([p.read() for p in by_table.get("members", [])] or
                        [pd.DataFrame(columns=["_row", *TABLES["members"]])], ignore_index=True)
    groups = pd.concat([p.read() for p in by_table.get("groups", [])] or
                       [pd.DataFrame(columns=["_row", *TABLES["groups"]])], ignore_index=True)
    memberships = pd.concat([p.read() for p in by_table.get("group_memberships", [])] or
                            [pd.DataFrame(columns=["_row", *TABLES["group_memberships"]])], ignore_index=True)
    names = (members["first_name"] + " " + members["last_name"]).str.strip()
    name_of = dict(zip(members["id"], names, strict=False))
    date_of = dict(zip(votes["id"], votes["date"], strict=False))
    inputs = [_assembly(), _votes(votes, by_table["votes"])]
    for part in by_table["member_votes"]:
        inputs.append(_member_votes(part, name_of, date_of, memberships, problems))
    inputs.insert(1, _groups(groups, memberships))
    return inputs


def _assembly() -> Input:
    # Seats are left empty: 751 until Brexit (2020-02-01), 705 after, 720 from 2024, all in one table.
    frame = pd.DataFrame({"_row": [1], "assembly": [ASSEMBLY], "name": ["European Parliament"],
                          "country": ["European Union"]})
    return frame_input("HowTheyVote.eu parliament", F.ASSEMBLIES, frame, ["assembly", "name", "country"],
                       label="HowTheyVote.eu: European Parliament")


def _groups(groups: pd.DataFrame, memberships: pd.DataFrame) -> Input:
    """Political groups as parties: the group code is the label, the group's label its name."""
    codes = sorted(set(groups["code"]) | set(memberships["group_code"]) - {""})
    labels = groups["label"].where(groups["label"] != "", groups["official_label"])
    label_of = dict(zip(groups["code"], labels, strict=False))
    frame = pd.DataFrame({"_row": range(1, len(codes) + 1), "party": codes,
                          "name": [label_of.get(c) or c for c in codes]})
    return frame_input("HowTheyVote.eu groups", F.PARTIES, frame, ["party", "name"],
                       label=f"HowTheyVote.eu political groups ({len(frame)})")


def _votes(votes: pd.DataFrame, parts: list[Part]) -> Input:
    title = cell(votes, "display_title")
    for fallback in ("procedure_title", "description", "reference"):
        title = title.where(title != "", cell(votes, fallback))
    title = title.where(title != "", "Vote " + votes["id"])
    frame = pd.DataFrame({
        "_row": votes["_row"], "vote_id": vote_id(votes["id"]), "assembly": ASSEMBLY, "date": votes["date"],
        "title": title, "stage": cell(votes, "description"), "matter": cell(votes, "procedure_reference"),
        "result": cell(votes, "result"),
    })
    used = {"id", "timestamp", "display_title", "procedure_title", "description", "reference", "procedure_reference",
            "result"}
    ignored = sorted({c for p in parts for c in p.columns() if c and c not in used})
    dates = votes["date"][votes["date"] != ""]
    span = f", {dates.min()} to {dates.max()}" if len(dates) else ""
    return frame_input(" + ".join(p.name for p in parts), F.VOTE_TALLIES, frame,
                       ["vote_id", "assembly", "date", "title", "stage", "matter", "result"],
                       label=f"{' + '.join(p.name for p in parts)} (HowTheyVote.eu votes, European Parliament: "
                             f"{len(frame):,} votes{span})", ignored=ignored, size=sum(p.source.size() for p in parts))


def _member_votes(part: Part, name_of: dict[str, str], date_of: dict[str, str], memberships: pd.DataFrame,
                  problems: list[Problem]) -> Input:
    """member_votes.csv, streamed; the group is the row's group_code, else the membership on the vote's date."""
    spans = memberships[["member_id", "group_code", "start_date", "end_date"]]

    def chunks() -> Iterator[pd.DataFrame]:
        for chunk in part.chunks():
            group = cell(chunk, "group_code").copy()
            missing = group == ""
            if missing.any():
                group[missing] = _group_on_date(chunk.loc[missing], date_of, spans)
            unknown = group.isna() | (group == "")
            if unknown.any():
                rows = chunk.loc[unknown, "_row"].tolist()
                first = chunk.loc[unknown].iloc[0]
                problems.append(Problem(part.name, f"Member {first['member_id']} has no political group on the date "
                                        f"of vote {first['vote_id']} ({rows_text(rows)}).",
                                        "Upload group_memberships.csv with member_votes.csv, or fill in group_code.",
                                        row=rows[0], column="group_code"))
            yield pd.DataFrame({
                "_row": chunk["_row"], "vote_id": vote_id(chunk["vote_id"]), "member_id": member_id(chunk["member_id"]),
                "member_name": chunk["member_id"].map(name_of).fillna(""), "party": group.fillna(""),
                "position": chunk["position"],
            })

    ignored = [c for c in part.columns() if c not in ("vote_id", "member_id", "position", "group_code")]
    return stream_input(part.name, F.MEMBER_VOTES, chunks, ["vote_id", "member_id", "member_name", "party",
                                                             "position"],
                        label=f"{part.name} (HowTheyVote.eu member votes, positions {', '.join(POSITIONS)}; "
                              f"{len(name_of):,} members listed)",
                        ignored=ignored, size=part.source.size(), encoding=part.layout.encoding,
                        delimiter=part.layout.delimiter)


def _group_on_date(rows: pd.DataFrame, date_of: dict[str, str], spans: pd.DataFrame) -> pd.Series:
    """The group each member belonged to on the vote's date (start and end dates inclusive; no end = still)."""
    wanted = pd.DataFrame({"index": rows.index, "member_id": rows["member_id"].to_numpy(),
                           "date": rows["vote_id"].map(date_of).fillna("").to_numpy()})
    matched = wanted.merge(spans, on="member_id", how="inner")
    # ISO dates compare correctly as text.
    inside = (matched["start_date"] <= matched["date"]) & \
        ((matched["end_date"] == "") | (matched["date"] <= matched["end_date"]))
    found = matched[inside].drop_duplicates("index").set_index("index")["group_code"]
    return found.reindex(rows.index)
