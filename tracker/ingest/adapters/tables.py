"""Recognised files of a dataset, read by their header names (the inputs they become: tracker.ingest.inputs)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd

from tracker.ingest.read import Source, TextLayout, read_chunks


def header_key(cell: str) -> str:
    """A header cell as adapters compare it: stripped and lower-case (machine-written headers, no aliases)."""
    return cell.strip().lstrip("\ufeff").strip().lower()


@dataclass
class Part:
    """One file of an upload that an adapter recognised: which dataset, which table, and how to read it."""

    source: Source
    layout: TextLayout
    dataset: str
    table: str

    @property
    def name(self) -> str:
        """The file name as the user knows it."""
        return self.source.name

    def columns(self) -> list[str]:
        """The header cells, as header keys."""
        return [header_key(h) for h in self.layout.header]

    def chunks(self) -> Iterator[pd.DataFrame]:
        """The rows in chunks, with columns named by header key (duplicates keep their first) and `_row`."""
        keys = self.columns()
        renames = {}
        for i, key in enumerate(keys):
            if key and key not in renames.values():
                renames[f"c{i}"] = key
        for chunk in read_chunks(self.source, self.layout):
            yield chunk[["_row", *renames]].rename(columns=renames)

    def read(self) -> pd.DataFrame:
        """All rows at once (for the small tables: members, roll calls, groups)."""
        frames = list(self.chunks())
        if not frames:
            return pd.DataFrame(columns=["_row", *self.columns()])
        return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)


def cell(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column of the frame, or empty strings when the file lacks it."""
    if column in frame:
        return frame[column]
    return pd.Series([""] * len(frame), index=frame.index, dtype=object)
