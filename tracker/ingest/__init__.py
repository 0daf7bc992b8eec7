"""Reading vote files: detect the format, map columns and labels, validate, and load one batch atomically."""

from tracker.ingest.load import ImportReport, import_files
from tracker.ingest.problems import ImportRejected, Problem
from tracker.ingest.read import Source

__all__ = ["ImportRejected", "ImportReport", "Problem", "Source", "import_files"]
