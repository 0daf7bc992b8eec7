"""Importer inputs: one table to import, with its format and its rows in chunks of raw strings."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import pandas as pd

from tracker.ingest import formats as F
from tracker.ingest.read import CHUNK_ROWS, Source, TextLayout, read_chunks


@dataclass
class Input:
    """One table to import: its name, format, and a way to read its rows in chunks of raw strings.

    Chunks have columns c0..cN (in the order of fmt.columns) and `_row`, the spreadsheet row number.
    Native CSV files and the adapters for other sources (tracker.ingest.adapters) both produce these.
    """

    name: str
    fmt: F.FileFormat
    chunks: Callable[[], Iterator[pd.DataFrame]]
    size: int
    encoding: str = "utf-8"
    delimiter: str = ","
    label: str | None = None  # what was recognised, e.g. "VoteView votes", shown in the report


def native_input(source: Source, layout: TextLayout, fmt: F.FileFormat) -> Input:
    """An input over a CSV file in one of our own formats."""
    return Input(source.name, fmt, lambda: read_chunks(source, layout), source.size(), layout.encoding,
                 layout.delimiter)


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

    def native() -> Iterator[pd.DataFrame]:
        for frame in chunks():
            yield native_chunk(frame, columns)

    return Input(name, F.FileFormat(kind, list(columns), list(ignored)), native, size, encoding, delimiter,
                 label=label)
