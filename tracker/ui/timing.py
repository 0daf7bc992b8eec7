"""Each rerun's script time, appended to a JSON-lines file when TRACKER_TIMING_LOG names one (benchmarks read it)."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import threading
import time
from collections.abc import Callable, Iterator

import streamlit as st

_WRITE = threading.Lock()
_RUNNING = threading.local()   # a fragment called inside a script run is part of that run, not a run of its own


def log_path() -> str | None:
    """The file reruns are logged to (env TRACKER_TIMING_LOG), or None: then nothing is timed."""
    return os.environ.get("TRACKER_TIMING_LOG") or None


def _append(path: str, record: dict) -> None:
    line = json.dumps(record) + "\n"
    with _WRITE, open(path, "a", encoding="utf-8") as out:
        out.write(line)


def session_id() -> str:
    """This browser session's id, to tell runs of different sessions apart in the log."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else ""


@contextlib.contextmanager
def rerun(what: str) -> Iterator[dict]:
    """Log the start and end of one script run (or fragment run) with its wall-clock times and duration in ms.

    The caller may set `page` on the yielded dict once it is known; a run stopped by st.rerun, st.stop or a newer
    rerun is logged too, as it ends.
    """
    path = log_path()
    record: dict = {"what": what, "page": ""}
    if path is None or getattr(_RUNNING, "active", False):
        yield record
        return
    _RUNNING.active = True
    session = session_id()
    started, clock = time.time(), time.perf_counter()
    _append(path, {"event": "start", "t": started, "what": what, "session": session})
    try:
        yield record
    finally:
        _RUNNING.active = False
        _append(path, {"event": "end", "t": time.time(), "start": started, "what": what, "session": session,
                       "page": record.get("page", ""), "script_ms": (time.perf_counter() - clock) * 1000})


def fragment(function: Callable) -> Callable:
    """st.fragment whose own reruns (a widget inside it changed) are logged like script runs."""

    @functools.wraps(function)
    def timed(*args: object, **kwargs: object) -> object:
        with rerun("fragment"):
            return function(*args, **kwargs)

    return st.fragment(timed)
