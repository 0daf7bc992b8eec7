"""Unpacking an upload: ZIP archives into their CSV files, Excel workbooks into the CSV text of one sheet."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from pathlib import PurePosixPath

from tracker.ingest.problems import Problem
from tracker.ingest.read import Source

# Zip bombs: refuse archives that expand more than 20 times and past 200 MB, or past 1 GB in any case.
MAX_RATIO, RATIO_FLOOR, MAX_TOTAL = 20, 200 * 2**20, 2**30
# Files an export carries beside its tables (HowTheyVote's README.md, last_updated.txt, CSVW metadata): skipped.
SKIPPED_SUFFIXES = (".md", ".txt", ".json")
TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx")
# A ZIP of 20,000 one-row CSVs kept an import busy for minutes: a dataset export holds a few dozen tables at most.
MAX_ENTRIES = 500
# A sheet wider than this is not a vote table (a workbook can declare A1:XFD1048576, 17 billion cells, in 5 KB).
MAX_SHEET_COLUMNS = 1_000

def _head(source: Source, size: int = 8) -> bytes:
    with source.open() as stream:
        return stream.read(size)


def _is_zip(source: Source) -> bool:
    return _head(source, 4) == b"PK\x03\x04"


def _is_workbook(archive: zipfile.ZipFile) -> bool:
    names = set(archive.namelist())
    return "xl/workbook.xml" in names or "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)


def unpack(sources: list[Source], problems: list[Problem], sheet: str | None = None) -> list[Source]:
    """The upload as CSV text files: archives unpacked, workbooks converted (`sheet`, else the first)."""
    unpacked: list[Source] = []
    for source in sources:
        if not _is_zip(source):
            unpacked.append(source)
            continue
        try:
            with zipfile.ZipFile(source.open()) as archive:
                if _bomb(source, archive.infolist(), problems):
                    continue
                if _is_workbook(archive):
                    converted = workbook_csv(source, problems, sheet)
                    if converted is not None:
                        unpacked.append(converted)
                else:
                    unpacked += _zip_entries(source, archive, problems, sheet)
        except zipfile.BadZipFile as error:
            problems.append(Problem(source.name, f"The ZIP archive or workbook could not be opened ({error}).",
                                    "Download it again, or unpack it and upload the CSV files."))
    return unpacked


def _zip_entries(source: Source, archive: zipfile.ZipFile, problems: list[Problem], sheet: str | None
                 ) -> list[Source]:
    """The CSV and Excel files inside a ZIP archive (one level; folders are flattened)."""
    entries = [e for e in archive.infolist() if not e.is_dir() and not _is_system_file(e.filename)]
    if len(entries) > MAX_ENTRIES:
        problems.append(Problem(source.name, f"The archive holds {len(entries):,} files; archives of more than "
                                f"{MAX_ENTRIES:,} files are refused.", "Combine the tables into a few CSV files (one "
                                "per table), or import them with `python -m tracker import`."))
        return []
    refused = [e.filename for e in entries
               if not e.filename.lower().endswith(TABLE_SUFFIXES + SKIPPED_SUFFIXES)]
    if refused:
        problems.append(Problem(source.name, f"The archive holds files that are not CSV or Excel tables: "
                                f"{', '.join(refused[:10])}{' ...' if len(refused) > 10 else ''}.",
                                "Put only the .csv (or .xlsx) files of one dataset in the archive."))
        return []
    found = []
    for entry in entries:
        if entry.filename.lower().endswith(SKIPPED_SUFFIXES):
            continue
        name = f"{source.name}/{PurePosixPath(entry.filename).name}"
        with archive.open(entry) as stream:
            data = stream.read(MAX_TOTAL + 1)
        if len(data) > entry.file_size:  # a header that lies about the size
            problems.append(Problem(source.name, f"{entry.filename} is larger than the archive says.",
                                    "Unpack the archive yourself and upload the CSV files."))
            return []
        item = Source(name, data=data)
        if entry.filename.lower().endswith(".xlsx"):
            converted = workbook_csv(item, problems, sheet)
            if converted is not None:
                found.append(converted)
        else:
            found.append(item)
    if not found and not problems:
        problems.append(Problem(source.name, "The archive holds no CSV or Excel files.",
                                "Put the .csv files of the dataset in the archive."))
    return found


def _bomb(source: Source, entries: list[zipfile.ZipInfo], problems: list[Problem]) -> bool:
    """True (with a problem) when the archive or workbook expands past the limits: a 'zip bomb'."""
    total = sum(e.file_size for e in entries)
    compressed = max(source.size(), 1)
    if total > MAX_TOTAL or (total > MAX_RATIO * compressed and total > RATIO_FLOOR):
        problems.append(Problem(source.name, f"The archive expands to {total / 2**20:,.0f} MB from "
                                f"{compressed / 2**20:,.1f} MB; archives over 1 GB unpacked, or over 200 MB and 20 "
                                "times their size, are refused (a 'zip bomb' could fill the server).",
                                "Unpack it yourself and upload the CSV files (or import them with "
                                "`python -m tracker import`)."))
        return True
    return False


def _is_system_file(name: str) -> bool:
    base = PurePosixPath(name).name
    return name.startswith("__MACOSX/") or base.startswith("._") or base in (".DS_Store", "Thumbs.db")


def workbook_csv(source: Source, problems: list[Problem], sheet: str | None = None) -> Source | None:
    """One sheet of an .xlsx workbook (the chosen one, else the first) as UTF-8 CSV, rows as in the sheet."""
    from openpyxl import load_workbook  # heavy: loaded only for workbooks

    wanted = sheet
    try:
        with zipfile.ZipFile(source.open()) as parts:
            if _bomb(source, parts.infolist(), problems):
                return None
    except zipfile.BadZipFile:
        pass  # openpyxl says what is wrong below
    try:
        book = load_workbook(source.open(), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for broken files
        problems.append(Problem(source.name, f"The Excel workbook could not be read ({error}).",
                                "Open it in Excel or LibreOffice and save it again as .xlsx, or as CSV."))
        return None
    try:
        if wanted is not None and wanted not in book.sheetnames:
            problems.append(Problem(source.name, f"The workbook has no sheet named '{wanted}' (sheets: "
                                    f"{', '.join(book.sheetnames)}).", "Choose one of the sheets listed."))
            return None
        name = wanted or book.sheetnames[0]
        data = _sheet_csv(source, book[name], problems)
        if data is None:
            return None
    finally:
        book.close()
    shown = source.name if wanted is None else f"{source.name} [{name}]"
    return Source(shown, data=data)


def _sheet_csv(source: Source, sheet: object, problems: list[Problem]) -> bytes | None:
    """The sheet's rows as CSV, stopping (with a problem) at the row, width, size or expansion limit."""
    from tracker.ingest.limits import upload_limits

    limits = upload_limits()
    max_bytes = min(limits.max_upload_bytes, max(MAX_RATIO * source.size(), RATIO_FLOOR))
    # The declared dimension is not trusted: without it openpyxl yields the cells each row really holds.
    sheet.reset_dimensions()
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = [_cell_text(value) for value in row]
        while cells and cells[-1] == "":
            cells.pop()
        why = (f"more than {limits.max_rows:,} rows" if number > limits.max_rows + 1 else
               f"a row of {len(cells):,} cells (the limit is {MAX_SHEET_COLUMNS:,})" if len(cells) > MAX_SHEET_COLUMNS
               else f"more than {max_bytes / 2**20:,.0f} MB of text" if text.tell() > max_bytes else None)
        if why:
            problems.append(Problem(source.name, f"The workbook's sheet holds {why}; reading stopped here and "
                                    "nothing was stored.", "Save the sheet as CSV and upload that (split it when it "
                                    "is large), or delete the unused rows and columns.", row=number))
            return None
        writer.writerow(cells)
    return text.getvalue().encode("utf-8")


def _cell_text(value: object) -> str:
    """A cell as the text a CSV export would hold: dates as ISO, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
