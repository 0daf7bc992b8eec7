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


MAX_CLIENTS = 10_000


@dataclass
class _Client:
    failures: int = 0           # failed attempts since the last success, pending ones included
    pending: int = 0            # attempts waiting for their answer
    answer_at: float = 0.0      # when the latest pending attempt is answered
    seen: float = 0.0


class AttemptCounter:
    """Failed password attempts per client, shared by every session of the process.

    The delay cannot be reset by reloading, and parallel sessions of one client queue behind each other: eight
    guesses at once are answered after 0, 1, 3, 7, ... seconds, not all after one. Another client (the real editor)
    has its own count, so the guesser's failures add nothing to its wait.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._clients: dict[str, _Client] = {}

    @property
    def failures(self) -> int:
        """Failed attempts since the last success, all clients together."""
        return sum(c.failures for c in self._clients.values())

    def failures_of(self, client: str) -> int:
        """Failed attempts of one client since its last success (pending attempts count as failed)."""
        return self._clients[client].failures if client in self._clients else 0

    def check(self, policy: UploadPolicy, attempt: str, sleep: Callable[[float], None] = time.sleep,
              client: str = "") -> bool:
        """Wait this client's delay (after its pending attempts), then compare; a success resets its count."""
        with self._lock:
            now = self._clock()
            state = self._clients.setdefault(client, _Client())
            start = max(now, state.answer_at) if state.pending else now
            state.answer_at = start + failure_delay(state.failures)
            wait = state.answer_at - now
            # Counted as failed until it is known not to be: a parallel attempt already waits the longer delay.
            state.failures += 1
            state.pending += 1
            state.seen = now
            self._forget_old_clients(now)
        sleep(wait)
        ok = password_matches(policy, attempt)
        with self._lock:
            state.pending -= 1
            if ok:
                state.failures = 0
        return ok

    def _forget_old_clients(self, now: float) -> None:
        """Keep the table small: past MAX_CLIENTS, clients idle for an hour are dropped."""
        if len(self._clients) > MAX_CLIENTS:
            for client in [c for c, s in self._clients.items() if not s.pending and s.seen < now - 3600]:
                del self._clients[client]


def client_key(ip_address: str | None, headers: Mapping[str, str] | None = None) -> str:
    """Who is guessing: the client's address as Streamlit sees it, else the session's browser (cookie-less) hint."""
    if ip_address:
        return ip_address
    headers = headers or {}
    return headers.get("X-Forwarded-For", "").split(",")[0].strip() or headers.get("User-Agent", "") or "unknown"
