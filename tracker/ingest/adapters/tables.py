"""Recognised files of a dataset, read by their header names, and turned into native-format importer inputs."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from tracker.ingest import formats as F
from tracker.ingest.read import CHUNK_ROWS, Source, TextLayout, read_chunks

if TYPE_CHECKING:
    from tracker.ingest.load import Input


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


def native_chunk(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """A chunk shaped as the importer reads native files: c0..cN in the order of `columns`, plus `_row`."""
    data = {"_row": frame["_row"].to_numpy()}
    for i, column in enumerate(columns):
        values = frame[column].astype(object)
        data[f"c{i}"] = values.where(values.notna(), "").astype(str).to_numpy()
    return pd.DataFrame(data)


def frame_input(name: str, kind: str, frame: pd.DataFrame, columns: Sequence[str], label: str,
                ignored: Sequence[str] = (), size: int = 0) -> Input:
    """An importer input over a table already in memory."""
    from tracker.ingest.load import Input

    def chunks() -> Iterator[pd.DataFrame]:
        for start in range(0, max(len(frame), 1), CHUNK_ROWS):
            part = frame.iloc[start:start + CHUNK_ROWS]
            if len(part):
                yield native_chunk(part, columns)

    return Input(name, F.FileFormat(kind, list(columns), list(ignored)), chunks, size or 1, label=label)


def stream_input(name: str, kind: str, chunks: Callable[[], Iterator[pd.DataFrame]], columns: Sequence[str],
                 label: str, ignored: Sequence[str] = (), size: int = 1, encoding: str = "utf-8",
                 delimiter: str = ",") -> Input:
    """An importer input whose chunks are produced while reading (for the big member-vote files)."""
    from tracker.ingest.load import Input

    def native() -> Iterator[pd.DataFrame]:
        for frame in chunks():
            yield native_chunk(frame, columns)

    return Input(name, F.FileFormat(kind, list(columns), list(ignored)), native, size, encoding, delimiter,
                 label=label)
