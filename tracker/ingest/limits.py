"""How big an upload may be: bytes per file and rows per upload, checked before the work they would cause."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from tracker.ingest.inputs import Input
from tracker.ingest.problems import ImportRejected, Problem
from tracker.ingest.read import Source

# Safe defaults: the Bundestag's whole 18th term is 131,751 rows (5 MB); these leave room for decades of roll calls
# while stopping a file that would tie up a 2-core server for minutes. Keep server.maxUploadSize equal to the MB.
DEFAULT_MAX_UPLOAD_MB = 200
DEFAULT_MAX_ROWS = 30_000_000
MB = 2**20


class LimitSettingError(ValueError):
    """A limit setting is not a positive number; the message names the setting and the fix."""


@dataclass(frozen=True)
class UploadLimits:
    """The largest upload accepted: megabytes per file and data rows per upload (all files together)."""

    max_upload_mb: float = DEFAULT_MAX_UPLOAD_MB
    max_rows: int = DEFAULT_MAX_ROWS

    @property
    def max_upload_bytes(self) -> int:
        """The size limit in bytes."""
        return int(self.max_upload_mb * MB)


def secrets_file_settings(directories: Sequence[Path] | None = None) -> dict[str, object]:
    """Top-level keys of .streamlit/secrets.toml in the home and working directory (which wins), as Streamlit."""
    directories = [Path.home(), Path.cwd()] if directories is None else directories
    settings: dict[str, object] = {}
    for directory in directories:
        path = directory / ".streamlit" / "secrets.toml"
        if path.is_file():
            try:
                settings.update(tomllib.loads(path.read_text(encoding="utf-8")))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
                raise LimitSettingError(f"{path} is not valid TOML ({error}). Fix the file or remove it.") from None
    return settings


def upload_limits(environ: Mapping[str, str] | None = None, secrets: Mapping[str, object] | None = None
                  ) -> UploadLimits:
    """The limits from env TRACKER_MAX_UPLOAD_MB / TRACKER_MAX_ROWS, else secrets max_upload_mb / max_rows."""
    environ = os.environ if environ is None else environ
    secrets = secrets_file_settings() if secrets is None else secrets
    size = _setting(environ, secrets, "TRACKER_MAX_UPLOAD_MB", "max_upload_mb", DEFAULT_MAX_UPLOAD_MB, float)
    rows = _setting(environ, secrets, "TRACKER_MAX_ROWS", "max_rows", DEFAULT_MAX_ROWS, int)
    return UploadLimits(max_upload_mb=size, max_rows=int(rows))


def _setting(environ: Mapping[str, str], secrets: Mapping[str, object], env_name: str, key: str,
             default: float, kind: Callable[[str], float]) -> float:
    """One positive number: from the environment, else the secrets file, else the default."""
    if str(environ.get(env_name, "")).strip():
        raw, where = environ[env_name], f"environment variable {env_name}"
    elif key in secrets and str(secrets[key]).strip():
        raw, where = secrets[key], f"{key} in .streamlit/secrets.toml"
    else:
        return default
    try:
        value = kind(str(raw).strip().replace("_", ""))
    except ValueError:
        value = None
    if value is None or not 0 < value < float("inf"):
        example = "200" if kind is float else "30000000"
        raise LimitSettingError(f"The {where} is '{raw}', which is not a positive "
                                f"{'number' if kind is float else 'whole number'}. Set it to e.g. {example}.")
    return value


def check_upload_size(sources: Sequence[Source], limits: UploadLimits | None = None) -> None:
    """Refuse files over the size limit before a byte of them is read (their size comes from the file system)."""
    limits = limits or upload_limits()
    problems = [
        Problem(source.name, f"The file is {_megabytes(source.size())}; uploads are limited to "
                f"{_megabytes(limits.max_upload_bytes)} per file.",
                "Split it into smaller files (e.g. one per year) and upload them one after another, or ask the "
                "administrator to raise TRACKER_MAX_UPLOAD_MB.")
        for source in sources if source.size() > limits.max_upload_bytes]
    if problems:
        raise ImportRejected(problems)


def limit_rows(inputs: Sequence[Input], limits: UploadLimits | None = None) -> list[Input]:
    """The inputs, reading rows that stop with a clear refusal as soon as the upload passes the row limit."""
    limits = limits or upload_limits()
    counted = [0]

    def guarded(item: Input) -> Callable[[], Iterator[pd.DataFrame]]:
        def chunks() -> Iterator[pd.DataFrame]:
            for chunk in item.chunks():
                counted[0] += len(chunk)
                if counted[0] > limits.max_rows:
                    last_row = int(chunk["_row"].iloc[-1]) if "_row" in chunk and len(chunk) else None
                    raise ImportRejected([Problem(
                        item.name, f"The upload has more than {limits.max_rows:,} data rows (the limit per upload); "
                        "reading stopped here and nothing was stored.",
                        "Split it into smaller uploads (e.g. one per year), or ask the administrator to raise "
                        "TRACKER_MAX_ROWS.", row=last_row)])
                yield chunk

        return chunks

    return [replace(item, chunks=guarded(item)) for item in inputs]


def _megabytes(n: int) -> str:
    return f"{n / MB:,.1f} MB" if n >= MB else f"{n:,} bytes"
