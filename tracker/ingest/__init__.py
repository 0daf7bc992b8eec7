"""Reading vote files: detect the format, map columns and labels, validate, and load one batch atomically.

Other packages use only the names below; the modules inside are this package's own business.
"""

from tracker.ingest.formats import MEMBER_VOTES, PARTY_POSITIONS, VOTE_TALLIES
from tracker.ingest.limits import LimitSettingError, UploadLimits, upload_limits
from tracker.ingest.load import import_files
from tracker.ingest.mapping import (
    KINDS,
    ROLES_OF_KIND,
    Profile,
    ProfileError,
    UnmappedFile,
    label_meanings,
    load_profile,
    profile_dir,
    save_profile,
    saved_profiles,
    signature,
    unfamiliar_labels,
)
from tracker.ingest.options import ReadOptions
from tracker.ingest.prepare import needs_mapping, prepare_inputs
from tracker.ingest.problems import ImportRejected, Problem
from tracker.ingest.read import Source, TextLayout, sniff
from tracker.ingest.report import FileSummary, ImportReport

__all__ = [
    "KINDS", "MEMBER_VOTES", "PARTY_POSITIONS", "ROLES_OF_KIND", "VOTE_TALLIES", "FileSummary", "ImportRejected",
    "ImportReport", "LimitSettingError", "Problem", "Profile", "ProfileError", "ReadOptions", "Source", "TextLayout",
    "UnmappedFile", "UploadLimits", "import_files", "label_meanings", "load_profile", "needs_mapping",
    "prepare_inputs", "profile_dir", "save_profile", "saved_profiles", "signature", "sniff", "unfamiliar_labels",
    "upload_limits",
]
