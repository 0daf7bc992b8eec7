"""Adapters for datasets from other tools (VoteView, HowTheyVote.eu, Bundestag lists, Excel, mapped CSV).

Each adapter recognises its files by content and turns them into native-format inputs for the importer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tracker.ingest.problems import Problem
from tracker.ingest.read import Source

if TYPE_CHECKING:
    from tracker.ingest.load import Input


def recognise(sources: Sequence[Source], problems: list[Problem]) -> tuple[list[Input], list[Source]]:
    """Split the upload into inputs an adapter recognised and the files left for the native CSV path."""
    return [], list(sources)
