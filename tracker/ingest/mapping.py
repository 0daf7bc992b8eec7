"""Mapping profiles: what each column of a CSV in an unknown shape means, saved by name and reused by header."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from tracker import model
from tracker.ingest import formats as F
from tracker.ingest.inputs import Input, stream_input
from tracker.ingest.problems import Problem
from tracker.ingest.read import Source, TextLayout, read_chunks
from tracker.model import Position, fold, party_position_from_label, position_from_label

KINDS = (F.MEMBER_VOTES, F.PARTY_POSITIONS, F.VOTE_TALLIES)
# The roles a column can play, in the order the form asks for them.
ROLES = ("vote_id", "date", "title", "member_id", "member_name", "party", "position", "yes", "no", "abstain",
         "absent", "result")
REQUIRED_ROLES = {
    F.MEMBER_VOTES: ("vote_id", "party", "position"),
    F.PARTY_POSITIONS: ("vote_id", "party"),
    F.VOTE_TALLIES: ("vote_id", "date", "title"),
}
ROLES_OF_KIND = {
    F.MEMBER_VOTES: ("vote_id", "date", "title", "member_id", "member_name", "party", "position", "result"),
    F.PARTY_POSITIONS: ("vote_id", "date", "title", "party", "position", "yes", "no", "abstain", "absent", "result"),
    F.VOTE_TALLIES: ("vote_id", "date", "title", "yes", "no", "abstain", "absent", "result"),
}
MEMBER_POSITIONS = tuple(p.value for p in Position)
PARTY_POSITIONS = (*model.PARTY_POSITIONS, "absent")
VOTE_ID_JOINER = "-"
# What a missing required column means, in the words the mapping form uses.
NEEDED = {
    "vote_id": "A vote id column: pick one (or several to join), or, for a tally file, let the tracker number the "
               "votes by date.",
    "date": "A date column: every vote needs the day it was held.",
    "title": "A title column: every vote needs a title.",
    "party": "A party column.",
    "position": "A position column (how each member voted).",
}


def label_meanings(kind: str) -> tuple[str, ...]:
    """What a position label may be mapped to in a file of this kind."""
    return MEMBER_POSITIONS if kind == F.MEMBER_VOTES else PARTY_POSITIONS


class ProfileError(ValueError):
    """A mapping profile file that cannot be used; the message names the file, the field and the fix."""


def signature(header: Sequence[str]) -> str:
    """The shape of a header: its cells folded (case, accents, spacing), in order, hashed."""
    folded = "|".join(fold(h.lstrip("\ufeff")) for h in header)
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()[:16]


@dataclass
class Profile:
    """How to read one CSV shape: the kind of table, the column of each role, and what unfamiliar labels mean."""

    name: str
    header: list[str]
    kind: str
    columns: dict[str, str | list[str]]      # role -> header cell; vote_id may be a list of cells joined with "-"
    date_format: str | None = None           # strftime pattern such as %d/%m/%Y; None = ISO or DD.MM.YYYY
    labels: dict[str, str] = field(default_factory=dict)   # label as written -> yes/no/abstain/absent/not_member
    sheet: str | None = None                 # for Excel workbooks: the sheet to read
    number_votes: bool = False               # tally files without a vote id: ids made from the date, 2024-03-01-1

    @property
    def signature(self) -> str:
        """The header shape this profile is used for."""
        return signature(self.header)

    @property
    def numbers_votes(self) -> bool:
        """True when the tracker makes the vote ids (a tally file with no id column)."""
        return self.number_votes and self.kind == F.VOTE_TALLIES and not self.columns.get("vote_id")

    def problems(self) -> list[str]:
        """What is missing or wrong, as sentences (empty when the profile can be used)."""
        found = []
        if not self.name.strip():
            found.append("The profile needs a name.")
        if self.kind not in KINDS:
            found.append(f"Kind '{self.kind}' is not one of {', '.join(KINDS)}.")
            return found
        for role in REQUIRED_ROLES[self.kind]:
            if role == "vote_id" and self.numbers_votes:
                continue
            if not self.columns.get(role):
                found.append(f"Choose the column for '{role}'." + (f" ({NEEDED[role]})" if role in NEEDED else ""))
        if self.kind == F.MEMBER_VOTES and not (self.columns.get("member_id") or self.columns.get("member_name")):
            found.append("Choose the column with the member's id or name.")
        if self.kind == F.PARTY_POSITIONS and not any(self.columns.get(r) for r in ("position", *F.COUNTS)):
            found.append("Choose the position column or the count columns.")
        known = {fold(h) for h in self.header}
        for role, chosen in self.columns.items():
            if role not in ROLES:
                found.append(f"'{role}' is not a role (roles: {', '.join(ROLES)}).")
            for column in [chosen] if isinstance(chosen, str) else chosen:
                if column and fold(column) not in known:
                    found.append(f"Column '{column}' (for {role}) is not in the header.")
        allowed = label_meanings(self.kind)
        for label, meaning in self.labels.items():
            if meaning not in allowed:
                found.append(f"Label '{label}' is mapped to '{meaning}'; use one of {', '.join(allowed)}.")
        if self.date_format:
            try:
                datetime.now().strftime(self.date_format)
            except ValueError:
                found.append(f"Date format '{self.date_format}' is not a valid pattern (e.g. %d/%m/%Y).")
        return found

    def to_json(self) -> str:
        """The profile as the JSON saved on disk."""
        return json.dumps({"signature": self.signature, **asdict(self)}, ensure_ascii=False, indent=2) + "\n"


def profile_dir(database: Path) -> Path:
    """Where profiles live: `mappings/` beside the database file (they are user data, like the database)."""
    return Path(database).parent / "mappings"


def save_profile(profile: Profile, directory: Path) -> Path:
    """Write the profile as `<directory>/<name>.json`, replacing a profile of the same name; returns the path."""
    problems = profile.problems()
    if problems:
        raise ProfileError(f"The mapping profile '{profile.name}' cannot be saved: {' '.join(problems)}")
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{_file_name(profile.name)}.json"
    partial = path.with_suffix(".json.part")
    partial.write_text(profile.to_json(), encoding="utf-8")
    partial.replace(path)  # never a half-written profile
    return path


def _file_name(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-") or "mapping"


def load_profile(path: Path) -> Profile:
    """Read a profile file, or raise ProfileError naming the file, the field and the fix."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ProfileError(f"{path}: the mapping profile could not be read ({error}).") from None
    except json.JSONDecodeError as error:
        raise ProfileError(f"{path}, line {error.lineno}: not valid JSON ({error.msg}). Fix: save the profile again "
                           "from the Data page, or correct the JSON.") from None
    if not isinstance(data, dict):
        raise ProfileError(f"{path}: a mapping profile is a JSON object with name, header, kind and columns.")
    for key in ("name", "header", "kind", "columns"):
        if key not in data:
            raise ProfileError(f"{path}: field '{key}' is missing. Fix: add it (see docs/data-sources.md).")
    if not isinstance(data["header"], list) or not isinstance(data["columns"], dict):
        raise ProfileError(f"{path}: 'header' must be a list of column names and 'columns' an object "
                           "of role -> column.")
    profile = Profile(name=str(data["name"]), header=[str(h) for h in data["header"]], kind=str(data["kind"]),
                      columns=data["columns"], date_format=data.get("date_format") or None,
                      labels={str(k): str(v) for k, v in (data.get("labels") or {}).items()},
                      sheet=data.get("sheet") or None, number_votes=bool(data.get("number_votes")))
    problems = profile.problems()
    if problems:
        raise ProfileError(f"{path}: {' '.join(problems)}")
    return profile


def saved_profiles(directory: Path | None) -> list[Profile]:
    """Every readable profile in the directory (unreadable ones are skipped: an upload must not fail on them)."""
    if directory is None or not directory.is_dir():
        return []
    found = []
    for path in sorted(directory.glob("*.json")):
        try:
            found.append(load_profile(path))
        except ProfileError:
            continue
    return found


# --- which profiles fit a file -------------------------------------------------------------------------------------

def matching_profiles(header: Sequence[str], profiles: Sequence[Profile]) -> list[Profile]:
    """The profiles made for this header shape, in the order given, each name once."""
    shape = signature(header)
    found: list[Profile] = []
    for profile in profiles:
        if profile.signature == shape and all(p.name != profile.name for p in found):
            found.append(profile)
    return found


# --- reading a file through a profile ------------------------------------------------------------------------------

def _roles_present(profile: Profile) -> list[str]:
    return [r for r in ROLES_OF_KIND[profile.kind] if profile.columns.get(r)]


def mapped_input(profile: Profile, source: Source, layout: TextLayout, problems: list[Problem]) -> Input:
    """An importer input that reads the file through the profile: columns by role, ids joined, labels mapped."""
    index = {fold(h): i for i, h in reversed(list(enumerate(layout.header)))}
    roles = _roles_present(profile)
    labels = {fold(k): v for k, v in profile.labels.items()}
    member = profile.kind == F.MEMBER_VOTES

    def column(chunk: pd.DataFrame, name: str) -> pd.Series:
        return chunk[f"c{index[fold(name)]}"]

    def chunks() -> Iterator[pd.DataFrame]:
        numbered: dict[str, int] = {}   # votes seen per date, across chunks: the n of <date>-<n>
        for chunk in read_chunks(source, layout):
            out = {"_row": chunk["_row"]}
            for role in roles:
                chosen = profile.columns[role]
                if role == "vote_id" and not isinstance(chosen, str):
                    parts = [column(chunk, c) for c in chosen]
                    joined = parts[0]
                    for part in parts[1:]:
                        joined = joined + VOTE_ID_JOINER + part
                    out[role] = joined
                elif role == "date" and profile.date_format:
                    out[role] = _dates(column(chunk, chosen), profile.date_format)
                elif role == "position":
                    out[role] = column(chunk, chosen).map(lambda v: _label(v, labels, member))
                else:
                    out[role] = column(chunk, chosen)
            if profile.numbers_votes:
                out["vote_id"] = _numbered_ids(_file_name(profile.name), out["date"], numbered)
            yield pd.DataFrame(out)

    used = {fold(c) for r in roles for c in ([profile.columns[r]] if isinstance(profile.columns[r], str)
                                              else profile.columns[r])}
    ignored = [h for h in layout.header if fold(h) not in used]
    given = ["vote_id", *roles] if profile.numbers_votes else roles
    return stream_input(source.name, profile.kind, chunks, given,
                        label=f"{source.name} (read with mapping profile '{profile.name}')", ignored=ignored,
                        size=source.size(), encoding=layout.encoding, delimiter=layout.delimiter)


def _numbered_ids(prefix: str, dates: pd.Series, numbered: dict[str, int]) -> list[str]:
    """Ids from the mapping's name and the date, in file order: plenary-2024-03-01-1, plenary-2024-03-01-2."""
    ids = []
    for value in dates.astype(str):
        numbered[value] = numbered.get(value, 0) + 1
        ids.append(f"{prefix}-{value}-{numbered[value]}")
    return ids


def _label(value: str, labels: dict[str, str], member: bool) -> str:
    """A position label in words the importer knows; labels the profile maps are replaced by their meaning."""
    meaning = labels.get(fold(value))
    if meaning is None:
        return value
    return "not a member" if meaning == "not_member" else meaning


def _dates(values: pd.Series, date_format: str) -> pd.Series:
    """Dates in the profile's format as ISO text; cells that do not parse are left for the importer to report."""
    parsed = pd.to_datetime(values, format=date_format, errors="coerce")
    return parsed.dt.strftime("%Y-%m-%d").where(parsed.notna(), values)


# --- questions for the Data page ---------------------------------------------------------------------------------

SAMPLE_ROWS = 20_000
MAX_DISTINCT = 40


@dataclass
class UnmappedFile:
    """A CSV the importer could not place: its header, a few distinct values per column, and a suggested profile."""

    source: Source
    header: list[str]
    values: dict[str, list[str]]             # header cell -> up to MAX_DISTINCT distinct values (first rows)
    suggestion: dict[str, str]               # role -> header cell, from our column aliases

    @property
    def signature(self) -> str:
        """The header shape."""
        return signature(self.header)


def describe_unmapped(source: Source, layout: TextLayout) -> UnmappedFile:
    """The header and sample values of a file that needs a mapping, for the Data page's questions."""
    values: dict[str, list[str]] = {h: [] for h in layout.header}
    for chunk in read_chunks(source, layout, chunk_rows=SAMPLE_ROWS):
        for i, h in enumerate(layout.header):
            seen = pd.unique(chunk[f"c{i}"])
            values[h] = [str(v) for v in seen[:MAX_DISTINCT]]
        break
    suggestion = {}
    for h in layout.header:
        role = F.canonical_column(h)
        if role == "name":
            role = "member_name"
        if role in ROLES and role not in suggestion:
            suggestion[role] = h
    return UnmappedFile(source, list(layout.header), values, suggestion)


def unfamiliar_labels(values: Sequence[str], kind: str, known: dict[str, str] | None = None) -> list[str]:
    """The position labels the importer does not know (and the profile does not map yet)."""
    known = {fold(k) for k in (known or {})}
    unfamiliar = []
    for value in values:
        if not value or fold(value) in known:
            continue
        recognised = position_from_label(value) if kind == F.MEMBER_VOTES else (
            party_position_from_label(value) or position_from_label(value))
        if recognised is None:
            unfamiliar.append(value)
    return unfamiliar
