"""What an import did (or, on a dry run, would do), as numbers and as lines a person reads."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FileSummary:
    """What was recognised in one file."""

    name: str
    kind: str
    rows: int
    encoding: str
    delimiter: str
    ignored_columns: list[str]


_NOUNS = {"votes": "vote", "parties": "party", "party positions": "party position", "members": "member",
          "member votes": "member vote", "assemblies": "assembly", "rows": "row"}


def count_of(n: int, what: str) -> str:
    """'1 vote', '2,500 member votes': a count in words, singular or plural."""
    return f"{n:,} {_NOUNS.get(what, what) if n == 1 else what}"


@dataclass
class ImportReport:
    """What an import did (or, on a dry run, would do)."""

    files: list[FileSummary] = field(default_factory=list)
    batch_id: int | None = None
    added: dict[str, int] = field(default_factory=dict)
    unchanged_votes: int = 0
    replaced: list[str] = field(default_factory=list)
    filled_parties: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    new_parties: list[str] = field(default_factory=list)   # labels met on vote rows that no stored party has
    already_imported: int | None = None
    dry_run: bool = False

    @property
    def nothing_added(self) -> bool:
        """True when the upload added or changed no row."""
        return not any(self.added.values()) and not self.replaced and not self.filled_parties

    def text(self) -> str:
        """The report as lines a person reads."""
        lines = []
        for f in self.files:
            delim = {",": "comma", ";": "semicolon", "\t": "tab"}.get(f.delimiter, repr(f.delimiter))
            rows = "" if self.already_imported is not None else f", {count_of(f.rows, 'rows')}"
            lines.append(f"{f.name}: {f.kind}{rows} ({f.encoding.replace('-sig', '').upper()}, {delim}-separated)")
            if f.ignored_columns:
                lines.append(f"  ignored columns: {', '.join(f.ignored_columns)}")
        if self.already_imported is not None:
            lines.append(f"This upload is identical to batch {self.already_imported}, imported before: "
                         "nothing was added.")
            return "\n".join(lines)
        would = self.dry_run
        added = ", ".join(count_of(n, what) for what, n in self.added.items() if n)
        if self.nothing_added:
            lines.append("Nothing new: every vote in the upload is already stored with the same values "
                         f"({count_of(self.unchanged_votes, 'votes')}); nothing was added.")
        else:
            if added:
                lines.append(f"{'Would add' if would else 'Added'}: {added}.")
            if self.unchanged_votes:
                lines.append(f"{count_of(self.unchanged_votes, 'votes')} already stored with the same values "
                             f"{'would be' if would else 'were'} skipped.")
        if self.new_parties:
            lines.append(f"New {'party' if len(self.new_parties) == 1 else 'parties'} "
                         f"{'to add' if would else 'added'} (not stored before): {', '.join(self.new_parties)}.")
        lines += [("Would replace " if would else "Replaced ") + r for r in self.replaced]
        if self.filled_parties:
            lines.append(f"{'Would fill' if would else 'Filled'} in the details of "
                         f"{count_of(len(self.filled_parties), 'parties')} known until now only by their label: "
                         f"{', '.join(self.filled_parties)}.")
        lines += [f"Note: {w}" for w in self.warnings]
        if self.batch_id is not None:
            lines.append(f"Batch id: {self.batch_id} (undo with `python -m tracker undo {self.batch_id}`).")
        elif would:
            lines.append("Dry run: nothing was written.")
        return "\n".join(lines)
