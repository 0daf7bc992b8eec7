"""How to read an upload: the mapping profiles that apply and the sheet of an Excel workbook."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tracker import config
from tracker.ingest.mapping import Profile, profile_dir, saved_profiles


@dataclass(frozen=True)
class ReadOptions:
    """What the upload's reader is told: saved profiles to reuse, profiles given for this upload, the sheet."""

    profile_dir: Path | None = None      # saved profiles; None: `mappings/` beside the database (env TRACKER_DB)
    profiles: tuple[Profile, ...] = ()   # given for this upload (--mapping FILE, or the one just made on the Data page)
    sheet: str | None = None             # the workbook sheet to read (--sheet); None: a given profile's, or the first

    def active_profiles(self) -> list[Profile]:
        """The given profiles first, then those saved in the profile directory."""
        directory = self.profile_dir or profile_dir(config.database_path())
        return list(self.profiles) + saved_profiles(directory)

    def workbook_sheet(self) -> str | None:
        """The sheet to read from workbooks: the one asked for, else the one a given profile reads, else None."""
        return self.sheet or next((p.sheet for p in self.profiles if p.sheet), None)
