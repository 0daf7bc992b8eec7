"""Import one upload (one or more files) as one batch: all of it, or nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tracker import store
from tracker.ingest import assemblies, checks, compare, limits, parties, staging
from tracker.ingest.options import ReadOptions
from tracker.ingest.prepare import prepare_inputs
from tracker.ingest.problems import ImportRejected, Problem
from tracker.ingest.read import Source
from tracker.ingest.report import FileSummary, ImportReport
from tracker.ingest.staging import Progress
from tracker.store import Store


class _DryRunDone(Exception):
    """Raised to roll back a dry run after its report is ready."""


def import_files(db: Store, files: Sequence[Source | str | Path], replace: bool = False,
                 dry_run: bool = False, editor: bool = False, progress: Progress | None = None,
                 reading: ReadOptions | None = None, assembly: str | None = None,
                 new_parties: bool = False) -> ImportReport:
    """Validate the files and store them as one batch; raise ImportRejected, changing nothing, on any problem.

    `assembly` is for new votes that name none (else the only stored assembly); `new_parties` confirms party
    labels the database does not know yet.
    """
    sources = [f if isinstance(f, Source) else Source.from_path(f) for f in files]
    if not sources:
        raise ImportRejected([Problem("(no file)", "No file was given.", "Choose one or more CSV files.")])
    upload_limits = limits.upload_limits()
    limits.check_upload_size(sources, upload_limits)  # before any byte is read (the checksum reads them all)
    report = ImportReport(dry_run=dry_run)
    sha256 = _upload_sha256(sources)
    problems: list[Problem] = []
    inputs = prepare_inputs(sources, problems, reading)
    _refuse_on(problems)
    inputs = limits.limit_rows(inputs, upload_limits)
    try:
        with store.WRITE_LOCK, store.capped_memory(db), store.transaction(db) as cursor:
            # With --replace the same bytes are compared again: they may restore values a later batch replaced.
            previous = None if replace else store.find_batch_by_sha256(cursor, sha256)
            if previous is not None:
                report.files = [FileSummary(i.name, i.fmt.kind, 0, i.encoding, i.delimiter, i.fmt.ignored)
                                for i in inputs]
                report.already_imported = previous[0]
                return report
            staging.create_stage_tables(cursor)
            total_rows = staging.stage_files(cursor, inputs, report, problems, progress)
            _refuse_on(problems)
            if progress:
                progress(0.9, "Checking the upload against the database")
            checks.apply(checks.VOTE_DETAIL_RULES, cursor, problems)
            staging.add_votes_from_details(cursor)
            parties.resolve_party_labels(cursor, report, problems, new_parties)
            checks.apply(checks.UPLOAD_RULES, cursor, problems)
            _refuse_on(problems)
            replacements = compare.compare_with_store(cursor, replace, report, problems)
            assemblies.place_votes(cursor, assembly, report, problems)
            staging.add_party_labels(cursor)
            checks.create_check_tables(cursor)
            checks.apply(checks.TALLY_RULES, cursor, problems)
            _refuse_on(problems)
            report.added = staging.counts_to_add(cursor)
            if report.nothing_added:
                return report
            if dry_run:
                raise _DryRunDone
            batch_id = store.next_batch_id(cursor)
            summary = "; ".join(f"{n} {what}" for what, n in report.added.items() if n)
            store.write_batch(cursor, batch_id, ", ".join(s.name for s in sources), sha256, total_rows, editor,
                              summary, replacements.votes, replacements.parties, replacements.assemblies)
            report.batch_id = batch_id
            if progress:
                progress(1.0, f"Imported batch {batch_id}")
    except _DryRunDone:
        pass
    return report


def _upload_sha256(sources: Sequence[Source]) -> str:
    """The checksum of the upload: the file's own, or one over the checksums of several files."""
    if len(sources) == 1:
        return sources[0].sha256()
    # Two files at a time: hashlib hashes without the GIL, so both cores work.
    with ThreadPoolExecutor(max_workers=2) as pool:
        digests = list(pool.map(Source.sha256, sources))
    return hashlib.sha256("".join(digests).encode()).hexdigest()


def _refuse_on(problems: list[Problem]) -> None:
    """Stop the import (rolling back what was staged) once any problem is known."""
    if problems:
        raise ImportRejected(problems)
