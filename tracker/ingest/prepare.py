"""Recognising an upload's files: datasets of other tools, files a mapping profile reads, our own CSV formats."""

from __future__ import annotations

from collections.abc import Sequence

from tracker.ingest import adapters
from tracker.ingest import formats as F
from tracker.ingest.inputs import Input, native_input
from tracker.ingest.mapping import UnmappedFile, describe_unmapped
from tracker.ingest.options import ReadOptions
from tracker.ingest.problems import ImportRejected, Problem
from tracker.ingest.read import Source, sniff


def prepare_inputs(sources: Sequence[Source], problems: list[Problem], options: ReadOptions | None = None
                   ) -> list[Input]:
    """Recognise the files: datasets from other tools through their adapters, the rest as native CSV."""
    inputs, rest = adapters.recognise(sources, problems, options or ReadOptions())
    for source in rest:
        try:
            layout = sniff(source)
        except ImportRejected as rejected:
            problems += rejected.problems
            continue
        fmt, header_problems = F.detect_format(source.name, layout.header)
        problems += header_problems
        if fmt is not None and not header_problems:
            inputs.append(native_input(source, layout, fmt))
    return inputs


def needs_mapping(sources: Sequence[Source], options: ReadOptions | None = None) -> list[UnmappedFile]:
    """The files of an upload whose format nothing recognises (no dataset, no saved profile, no native header)."""
    options = options or ReadOptions()
    problems: list[Problem] = []
    unmapped = []
    for source in adapters.unpack(list(sources), problems, options.sheet):
        try:
            layout = sniff(source)
        except Exception:  # unreadable files get their own problem from the importer
            continue
        if adapters.classify(source, layout, options) is None:
            unmapped.append(describe_unmapped(source, layout))
    return unmapped
