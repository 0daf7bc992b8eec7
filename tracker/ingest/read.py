"""Reading uploaded files: bytes to text (encoding), delimiter, header and rows in chunks."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from tracker.ingest.problems import ImportRejected, Problem

CHUNK_ROWS = 250_000
_BLOCK = 1 << 20


@dataclass
class Source:
    """One uploaded file: its name as the user knows it, and its bytes or a path to them."""

    name: str
    data: bytes | bytearray | memoryview | BinaryIO | None = None
    path: Path | None = None
    _sha256: str | None = field(default=None, repr=False)
    _layout: TextLayout | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        # Uploads arrive as bytes, bytearrays, memoryviews or file objects (BytesIO, Streamlit's UploadedFile).
        if self.data is not None and not isinstance(self.data, bytes):
            if hasattr(self.data, "read"):
                if hasattr(self.data, "seek"):
                    self.data.seek(0)
                self.data = self.data.read()
            self.data = bytes(self.data)
        if self.data is None and self.path is None:
            raise ValueError(f"Source {self.name!r} needs data or a path.")

    @classmethod
    def from_path(cls, path: str | Path) -> Source:
        """A file on disk."""
        path = Path(path)
        return cls(name=path.name, path=path)

    def open(self) -> io.BufferedIOBase:
        """A binary stream over the file's bytes."""
        if self.data is not None:
            return io.BytesIO(self.data)
        assert self.path is not None
        return open(self.path, "rb")

    def size(self) -> int:
        """The file's size in bytes."""
        return len(self.data) if self.data is not None else self.path.stat().st_size  # type: ignore[union-attr]

    def sha256(self) -> str:
        """The hex sha256 of the bytes."""
        if self._sha256 is None:
            digest = hashlib.sha256()
            with self.open() as stream:
                while block := stream.read(_BLOCK):
                    digest.update(block)
            self._sha256 = digest.hexdigest()
        return self._sha256


_MAGIC = {
    b"PK\x03\x04": "a ZIP archive or an Excel workbook (.xlsx)",
    b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls)",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"\x1f\x8b": "a gzip-compressed file",
    b"PAR1": "a Parquet file",
    b"DUCK": "a DuckDB database",
}


@dataclass(frozen=True)
class TextLayout:
    """How a CSV file is written: its encoding, delimiter and header cells."""

    encoding: str
    delimiter: str
    header: list[str]
    first_row_cells: int = 0    # cells in the first data row (pandas would silently drop any beyond the header)


def sniff(source: Source) -> TextLayout:
    """Work out encoding, delimiter and header, or reject a file that is empty or not CSV text."""
    if source._layout is None:
        source._layout = _sniff(source)  # the adapters and the native path both ask; the file is read once
    return source._layout


def _sniff(source: Source) -> TextLayout:
    with source.open() as stream:
        head = stream.read(64 * 1024)
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ImportRejected([Problem(source.name, "The file is empty.",
                                      "Upload a CSV file with a header row and at least one data row.")])
    for magic, what in _MAGIC.items():
        if head.startswith(magic) or (magic == b"DUCK" and head[8:12] == magic):
            raise ImportRejected([Problem(source.name, f"This is not a CSV file: it looks like {what}.",
                                          "Save or export the data as CSV (UTF-8, comma-separated) and upload that.")])
    if b"\x00" in head:
        raise ImportRejected([Problem(source.name, "This is not a CSV text file: it contains binary data "
                                      "(NUL bytes), or is UTF-16 encoded.",
                                      "Save it as CSV in UTF-8 and upload that.")])
    encoding = _detect_encoding(source)
    text_head = head.decode(encoding, errors="replace").lstrip("\ufeff")
    first_line = text_head.splitlines()[0] if text_head.splitlines() else ""
    delimiter = _detect_delimiter(first_line)
    header: list[str] = []
    first_row_cells = 0
    try:
        # Read as records, not lines: a quoted cell may hold a line break.
        records = csv.reader(io.StringIO(text_head, newline=""), delimiter=delimiter)
        header = next(records, [])
        first_row_cells = len(next(records, []))
    except csv.Error:
        pass  # pandas reports a malformed row when it reads it
    header = [cell.strip() for cell in header]
    printable = sum(ch.isprintable() or ch in "\t\r\n" for ch in text_head)
    if printable < 0.95 * len(text_head):
        raise ImportRejected([Problem(source.name, "This is not a CSV text file: most of it is not readable text.",
                                      "Save the data as CSV (UTF-8, comma-separated) and upload that.")])
    return TextLayout(encoding=encoding, delimiter=delimiter, header=header, first_row_cells=first_row_cells)


# A well-formed UTF-8 multi-byte character: a file holding some of these is UTF-8 written by a program, even when a
# few bytes elsewhere are broken. Windows-1252 text almost never holds them (they would read as Ã© and the like).
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _detect_encoding(source: Source) -> str:
    """UTF-8 (with or without BOM) when every byte decodes as UTF-8, else Windows-1252 (a superset of Latin-1).

    A file that is UTF-8 but for a few bytes is refused with the row of the first bad byte: read as Windows-1252,
    every other accented letter of it would silently turn into two wrong characters.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    utf8_seen = False
    try:
        with source.open() as stream:
            while block := stream.read(_BLOCK):
                # An ASCII block holds no multi-byte character; isascii() runs at memory speed, the search does not
                # (it was a third of the import's time on a plain ASCII file).
                ascii_block = block.isascii()
                utf8_seen = utf8_seen or (not ascii_block and _UTF8_SEQUENCE.search(block) is not None)
                if not ascii_block or decoder.getstate()[0]:
                    decoder.decode(block)  # ASCII is UTF-8 (unless a character began in the block before)
                offset += len(block)
            decoder.decode(b"", final=True)
        return "utf-8-sig"
    except UnicodeDecodeError as error:
        bad_at = offset - len(decoder.getstate()[0]) + error.start
    if utf8_seen:
        raise ImportRejected([_mixed_encoding(source, bad_at)])
    try:
        with source.open() as stream:
            while block := stream.read(_BLOCK):
                if _UTF8_SEQUENCE.search(block):
                    raise ImportRejected([_mixed_encoding(source, bad_at)])
                block.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; Latin-1 maps every byte.
        return "latin-1"


def _mixed_encoding(source: Source, bad_at: int) -> Problem:
    """A UTF-8 file with a byte that is not UTF-8, named by its row."""
    with source.open() as stream:
        before = stream.read(bad_at + 1)
    row = before.count(b"\n") + 1
    return Problem(source.name, f"The file is UTF-8 text except for byte 0x{before[-1]:02X} in this row, which is not "
                   "UTF-8 (the file mixes two encodings, or the byte is damaged).",
                   "Correct the character in this row (or save the whole file again as UTF-8) and upload it again.",
                   row=row)


def _detect_delimiter(header_line: str) -> str:
    """The most frequent of comma, semicolon and tab in the header line (comma when none)."""
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def read_chunks(source: Source, layout: TextLayout, chunk_rows: int = CHUNK_ROWS) -> Iterator[pd.DataFrame]:
    """The data rows as DataFrames of stripped strings, each with a `_row` column (the spreadsheet row number).

    Arrow's CSV reader does the work (several times faster than pandas'); on anything it will not read (blank lines,
    ragged rows, stray quotes) the rest of the file is read by pandas, whose messages name the row.
    """
    names = [f"c{i}" for i in range(len(layout.header))]
    if layout.first_row_cells > len(names):
        raise ImportRejected([_too_many_cells(source.name, 2, layout.first_row_cells, len(names))])
    done = 1  # the last spreadsheet row already yielded (row 1 is the header)
    try:
        for chunk, broken in _arrow_chunks(source, layout, names, chunk_rows):
            _swallowed_rows(source.name, chunk, names, layout.delimiter, broken)
            done = int(chunk["_row"].iloc[-1]) if len(chunk) else done
            yield chunk
        return
    except (pa.ArrowInvalid, UnicodeDecodeError, pa.ArrowTypeError):
        pass
    for chunk in _pandas_chunks(source, layout, names, chunk_rows):
        _swallowed_rows(source.name, chunk, names, layout.delimiter)
        yield chunk.loc[chunk["_row"] > done]


def _arrow_chunks(source: Source, layout: TextLayout, names: list[str],
                  chunk_rows: int) -> Iterator[tuple[pd.DataFrame, list[str]]]:
    """Rows through pyarrow.csv, streamed in blocks, with the columns that may hold a line break; raises ArrowInvalid
    where the file is not plain CSV."""
    encoding = "utf8" if layout.encoding.startswith("utf-8") else layout.encoding
    stream = source.open()
    try:
        reader = pa_csv.open_csv(
            stream,
            read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1, encoding=encoding,
                                            block_size=16 << 20),
            parse_options=pa_csv.ParseOptions(delimiter=layout.delimiter, quote_char='"', double_quote=True,
                                              newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                  strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
        first_row = 2
        pending: list[pa.RecordBatch] = []
        pending_rows = 0
        for batch in reader:
            pending.append(batch)
            pending_rows += batch.num_rows
            if pending_rows >= chunk_rows:
                yield _arrow_frame(pending, names, first_row)
                first_row += pending_rows
                pending, pending_rows = [], 0
        if pending_rows:
            yield _arrow_frame(pending, names, first_row)
    finally:
        stream.close()


def _text_bytes(column: pa.ChunkedArray) -> Iterator[np.ndarray]:
    """The bytes of each chunk's text buffer (all of it: a sliced chunk shows more than its own cells)."""
    for chunk in column.chunks:
        data = chunk.buffers()[2]
        if data is not None and data.size:
            yield np.frombuffer(data, dtype=np.uint8)


def _only_visible_ascii(column: pa.ChunkedArray) -> bool:
    """True when every byte of the column is printable ASCII other than space: nothing to trim, no line break.

    A scan at memory speed (min and max), so most id, date and label columns skip the per-cell trimming.
    """
    return all(data.min() > 0x20 and data.max() < 0x7f for data in _text_bytes(column))


def _may_hold_line_break(column: pa.ChunkedArray) -> bool:
    """Whether any cell of the column may hold a line break (a scan of its bytes, not of each cell)."""
    return any((data == ord("\n")).any() for data in _text_bytes(column))


def _has_no_empty_cell(column: pa.ChunkedArray) -> bool:
    """True when every cell of the column holds at least one byte (the shortest, from Arrow's offsets)."""
    shortest = pc.min(pc.binary_length(column)).as_py()
    return shortest is not None and shortest > 0


def _arrow_frame(batches: list[pa.RecordBatch], names: list[str], first_row: int) -> tuple[pd.DataFrame, list[str]]:
    """Stripped string columns c0..cN and `_row`, without blank rows (numbering kept); and the columns that may hold
    a line break."""
    table = pa.Table.from_batches(batches)
    plain = {name for name in names if _only_visible_ascii(table.column(name))}
    columns = {name: table.column(name) if name in plain else pc.utf8_trim_whitespace(table.column(name))
               for name in names}
    broken = [name for name in names if name not in plain and _may_hold_line_break(columns[name])]
    rows = pa.array(np.arange(first_row, first_row + table.num_rows, dtype=np.int64))
    frame = pa.table({"_row": rows, **columns}).to_pandas()
    if not names or any(_has_no_empty_cell(columns[name]) for name in names):
        return frame, broken  # a blank row would need an empty cell in every column
    blank = (frame[names] == "").all(axis=1)
    return (frame.loc[~blank] if blank.any() else frame), broken


def _pandas_chunks(source: Source, layout: TextLayout, names: list[str], chunk_rows: int) -> Iterator[pd.DataFrame]:
    """Rows through pandas' C parser, for files Arrow will not read; its errors name the row."""
    stream = source.open()
    try:
        reader = pd.read_csv(
            stream, sep=layout.delimiter, encoding=layout.encoding, header=None, skiprows=1, names=names,
            dtype=str, keep_default_na=False, na_filter=False, skip_blank_lines=False, chunksize=chunk_rows,
            engine="c", quoting=csv.QUOTE_MINIMAL, index_col=False,
        )
        first_row = 2
        for chunk in reader:
            chunk = chunk.fillna("")
            for name in names:
                chunk[name] = chunk[name].astype(str).str.strip()
            chunk.insert(0, "_row", range(first_row, first_row + len(chunk)))
            first_row += len(chunk)
            blank = (chunk[names] == "").all(axis=1)
            yield chunk.loc[~blank]
    except pd.errors.ParserError as error:
        raise ImportRejected([_parser_problem(source.name, str(error), len(names))]) from None
    except UnicodeDecodeError as error:
        raise ImportRejected([Problem(source.name, f"The file's text could not be decoded ({error.reason}).",
                                      "Save it as CSV in UTF-8 and upload it again.")]) from None
    finally:
        stream.close()


def _parser_problem(file_name: str, message: str, columns: int) -> Problem:
    """A pandas parser error, reworded for a person with a spreadsheet."""
    match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if match:
        return _too_many_cells(file_name, int(match.group(2)), int(match.group(3)), columns)
    match = re.search(r"EOF inside string starting at row (\d+)", message)
    if match:
        return _open_quote(file_name, int(match.group(1)) + 1)
    return Problem(file_name, f"The file could not be read as CSV: {message.strip()}",
                   "Check that quotes are balanced and every row has as many cells as the header.")


def _open_quote(file_name: str, row: int) -> Problem:
    """A quote that opens a cell and never closes: everything after it would be one cell."""
    return Problem(file_name, "A double quote (\") opens a cell in this row and is not closed where the cell ends, "
                   "so the rows after it would be read into that one cell.",
                   "Close the quote at the end of the cell, or remove the stray quote (a quote inside a quoted cell "
                   "is written twice: \"\").", row=row)


def _swallowed_rows(file_name: str, frame: pd.DataFrame, names: list[str], delimiter: str,
                    suspects: list[str] | None = None) -> None:
    """Refuse a cell holding a line break followed by what looks like whole rows: an unbalanced quote swallowed them.

    suspects: the columns that may hold a line break (default: all).
    """
    needed = max(len(names) - 1, 1)
    for name in names if suspects is None else suspects:
        broken = frame[name].str.contains("\n", regex=False)
        if not broken.any():
            continue
        for row, value in zip(frame.loc[broken, "_row"], frame.loc[broken, name], strict=True):
            if any(_looks_like_a_row(line, delimiter, needed) for line in value.splitlines()[1:]):
                raise ImportRejected([_open_quote(file_name, int(row))])


def _looks_like_a_row(line: str, delimiter: str, needed: int) -> bool:
    """A line inside a cell that reads as a whole row: as many delimiters as a row has, led by a key-like cell.

    Real titles break over lines too, with commas of their own ("Artikel 90, 91c, 104b, ..." in a Bundestag title):
    those lines rarely have exactly a row's delimiters, and their first cell is prose with spaces.
    """
    first = line.split(delimiter, 1)[0].strip()
    return line.count(delimiter) == needed and bool(first) and not any(c.isspace() for c in first)


def _too_many_cells(file_name: str, row: int, cells: int, columns: int) -> Problem:
    """A row longer than the header: its extra cells would be lost."""
    return Problem(file_name, f"This row has {cells} cells but the header has {columns} columns.",
                   "Check for an unquoted delimiter inside a cell (put the cell in double quotes), a delimiter at "
                   "the end of the row, or a missing header column.", row=row)
