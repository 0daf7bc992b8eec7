"""Who may upload: open (local use), off, or only people who know the editor password."""

from __future__ import annotations

import hmac
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

OPEN, OFF, PASSWORD = "open", "off", "password"
MODES = (OPEN, OFF, PASSWORD)
MAX_DELAY_SECONDS = 30.0


class AccessSettingError(ValueError):
    """The upload setting is not one we understand; the message names the setting and the fix."""


@dataclass(frozen=True)
class UploadPolicy:
    """The upload setting in force and where it came from (the password itself is never shown)."""

    mode: str
    password: str | None = None
    source: str = "default"

    def __repr__(self) -> str:
        return f"UploadPolicy(mode={self.mode!r}, source={self.source!r})"

    @property
    def needs_password(self) -> bool:
        """True when uploading needs the editor password."""
        return self.mode == PASSWORD


def upload_policy(environ: Mapping[str, str] | None = None, secrets: Mapping[str, object] | None = None
                  ) -> UploadPolicy:
    """The policy from env TRACKER_UPLOADS / TRACKER_EDITOR_PASSWORD, else secrets uploads / editor_password."""
    environ = os.environ if environ is None else environ
    secrets = secrets or {}
    if environ.get("TRACKER_UPLOADS", "").strip():
        raw, source = environ["TRACKER_UPLOADS"], "environment variable TRACKER_UPLOADS"
    elif str(secrets.get("uploads", "") or "").strip():
        raw, source = str(secrets["uploads"]), "uploads in .streamlit/secrets.toml"
    else:
        raw, source = OPEN, "default"
    mode = raw.strip().lower()
    if mode not in MODES:
        raise AccessSettingError(f"The {source} is '{raw.strip()}', which is not a known setting. "
                                 f"Set it to one of: {', '.join(MODES)}.")
    password = environ.get("TRACKER_EDITOR_PASSWORD") or str(secrets.get("editor_password", "") or "") or None
    if mode == PASSWORD and not password:
        raise AccessSettingError(f"The {source} asks for an editor password, but none is set. Set the "
                                 "environment variable TRACKER_EDITOR_PASSWORD or editor_password in "
                                 ".streamlit/secrets.toml.")
    return UploadPolicy(mode, password if mode == PASSWORD else None, source)


def password_matches(policy: UploadPolicy, attempt: str) -> bool:
    """True when the attempt is the editor password (compared in constant time)."""
    if policy.password is None:
        return False
    return hmac.compare_digest(attempt.encode("utf-8"), policy.password.encode("utf-8"))


def failure_delay(failures: int) -> float:
    """Seconds to wait before answering after this many failed attempts: 0, 1, 2, 4, ... up to 30."""
    if failures <= 0:
        return 0.0
    return min(MAX_DELAY_SECONDS, 2.0 ** (failures - 1))


class AttemptCounter:
    """Failed password attempts, shared by every session of the process, so the delay cannot be reset by reloading."""

    def __init__(self) -> None:
        self._failures = 0
        self._lock = threading.Lock()

    @property
    def failures(self) -> int:
        """Failed attempts since the last success."""
        return self._failures

    def check(self, policy: UploadPolicy, attempt: str, sleep: Callable[[float], None] = time.sleep) -> bool:
        """Wait the current delay, then compare; a failure makes the next delay longer, a success resets it."""
        with self._lock:
            delay = failure_delay(self._failures)
        sleep(delay)
        ok = password_matches(policy, attempt)
        with self._lock:
            self._failures = 0 if ok else self._failures + 1
        return ok
