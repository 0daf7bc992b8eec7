"""Small file steps the store shares: making a write durable (the file and its folder), and glob-safe names."""

from __future__ import annotations

import os
import re
from pathlib import Path


def fsync(path: Path) -> None:
    """Flush a file's bytes to disk."""
    with open(path, "rb+") as stream:
        os.fsync(stream.fileno())


def fsync_directory(path: Path) -> None:
    """Flush a folder's entries to disk, so a rename into it survives a crash."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def glob_escape(text: str) -> str:
    """A file name with glob's special characters escaped."""
    return re.sub(r"([*?\[])", r"[\1]", text)
