"""Adapters for datasets from other tools (VoteView, HowTheyVote.eu, Bundestag lists, Excel, mapped CSV).

Each adapter recognises its files by content and turns them into native-format inputs for the importer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType

from tracker.ingest import formats as F
from tracker.ingest import mapping
from tracker.ingest.adapters import bundestag, howtheyvote, voteview
from tracker.ingest.adapters.archive import unpack
from tracker.ingest.adapters.tables import Part, header_key
from tracker.ingest.inputs import Input
from tracker.ingest.options import ReadOptions
from tracker.ingest.problems import ImportRejected, Problem
from tracker.ingest.read import Source, TextLayout, sniff

__all__ = ["ADAPTERS", "Match", "classify", "recognise", "unpack"]

ADAPTERS: tuple[ModuleType, ...] = (voteview, howtheyvote, bundestag)
NATIVE = "native"
MAPPED = "mapping profile"


@dataclass
class Match:
    """What one file was recognised as: a table of a dataset, a file a mapping profile reads, or a native file."""

    dataset: str
    table: str
    adapter: ModuleType | None = None
    profile: mapping.Profile | None = None
    others: tuple[str, ...] = ()      # further things the file could be: the upload must say which

    def describe(self) -> str:
        """'VoteView votes', "mapping profile 'X'", 'native member votes'."""
        if self.profile is not None:
            return f"mapping profile '{self.profile.name}'"
        return f"{self.dataset} {self.table.replace('_', ' ')}"


def _adapter_matches(layout: TextLayout) -> list[Match]:
    """Every dataset table whose required columns the header has."""
    keys = [header_key(h) for h in layout.header]
    present = set(keys)
    found: list[Match] = []
    if {"vote_id", "party", "position"} <= present and present & {"member_id", "member_name"}:
        return found  # our native member votes (HowTheyVote's member_votes has no party column)
    for adapter in ADAPTERS:
        tables = [(t, required) for t, required in adapter.TABLES.items() if required <= present]
        if tables:  # within one dataset the most specific table wins
            table = max(tables, key=lambda item: len(item[1]))[0]
            found.append(Match(adapter.DATASET, table, adapter))
    if not found and howtheyvote.is_link_table(keys):
        found.append(Match(howtheyvote.DATASET, "links", howtheyvote))
    return found


def classify(source: Source, layout: TextLayout, options: ReadOptions) -> Match | None:
    """What the file is, judged by its header; None when nothing knows it. `others` lists rival readings."""
    adapters = _adapter_matches(layout)
    profiles = mapping.matching_profiles(layout.header, options.active_profiles())
    shape = mapping.signature(layout.header)
    explicit = [p for p in options.profiles if p.signature == shape]
    if explicit:  # a profile given for this upload (--mapping FILE) is the user's answer
        return Match(MAPPED, "file", profile=explicit[0])
    readings = adapters + [Match(MAPPED, "file", profile=p) for p in profiles]
    if readings:
        first = readings[0]
        first.others = tuple(r.describe() for r in readings[1:])
        return first
    fmt, _ = F.detect_format(source.name, layout.header)
    if fmt is None:
        return None
    # A party or assembly column alone does not make a parties list: most of its columns must be known.
    if fmt.kind in (F.PARTIES, F.ASSEMBLIES) and len(fmt.ignored) * 2 > len([h for h in layout.header if h]):
        return None
    return Match(NATIVE, fmt.kind)


def recognise(sources: Sequence[Source], problems: list[Problem], options: ReadOptions
              ) -> tuple[list[Input], list[Source]]:
    """Split the upload into inputs an adapter recognised and the files left for the native CSV path."""
    files = unpack(list(sources), problems, options.workbook_sheet())
    if problems:
        return [], []
    parts: list[Part] = []
    mapped: list[tuple[Match, Source, TextLayout]] = []
    rest: list[Source] = []
    unknown: list[tuple[Source, TextLayout]] = []
    for source in files:
        try:
            layout = sniff(source)
        except ImportRejected:
            rest.append(source)  # the native path reports why it cannot be read
            continue
        match = classify(source, layout, options)
        if match is None:
            unknown.append((source, layout))
        elif match.others:
            problems.append(Problem(source.name, f"This file could be {match.describe()} or "
                                    f"{' or '.join(match.others)}: its header fits more than one.",
                                    "Say which: upload it with the other files of its dataset only, or import it "
                                    "with --mapping FILE (on the Data page: choose the mapping), or delete the "
                                    "mapping profile that should not apply.", row=1))
        elif match.adapter is not None:
            parts.append(Part(source, layout, match.dataset, match.table))
        elif match.profile is not None:
            mapped.append((match, source, layout))
        else:
            rest.append(source)
    datasets = sorted({p.dataset for p in parts})
    if len(datasets) > 1:
        problems.append(Problem(", ".join(s.name for s in files), f"This upload mixes files of {', '.join(datasets)}.",
                                "Upload the files of one dataset at a time (each upload is one batch)."))
    elif datasets and (mapped or rest or unknown):
        others = [s.name for _, s, _ in mapped] + [s.name for s in rest] + [s.name for s, _ in unknown]
        problems.append(Problem(", ".join(others), f"These files are not part of the {datasets[0]} dataset uploaded "
                                "with them.", f"Upload the {datasets[0]} files on their own, and these files "
                                "separately."))
    for source, layout in unknown if not datasets else []:
        problems.append(_unknown_format(source, layout))
    if problems:
        return [], []
    if datasets:
        return _build(parts, problems), []
    inputs = [mapping.mapped_input(match.profile, source, layout, problems) for match, source, layout in mapped]
    return inputs, rest


def _build(parts: list[Part], problems: list[Problem]) -> list[Input]:
    """The inputs of one dataset; its unused tables are named in the report."""
    adapter = next(a for a in ADAPTERS if a.DATASET == parts[0].dataset)
    unused = [p for p in parts if p.table in getattr(adapter, "UNUSED_TABLES", ()) or p.table == "links"]
    inputs = adapter.build([p for p in parts if p not in unused], problems)
    if inputs and unused:
        inputs[0].label = f"{inputs[0].label}; not used: {', '.join(p.name for p in unused)}"
    return inputs


def _unknown_format(source: Source, layout: TextLayout) -> Problem:
    shown = ", ".join(h for h in layout.header if h) or "none"
    return Problem(source.name, f"The format of this file is not recognised (columns: {shown}). It is not a VoteView, "
                   "HowTheyVote.eu or Bundestag file, no saved mapping profile fits its header, and it has no vote id "
                   "column.", "Map its columns once on the Data page (the answers are saved as a mapping profile and "
                   "reused for files of the same shape), or import it with `--mapping FILE`; or rename the columns as "
                   "in docs/data-format.md.", row=1)

