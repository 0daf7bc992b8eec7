"""One cold measurement in a brand-new process: a page's data, a metric, or the first render of a page (AppTest)."""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PROJECT, filter_windows, time_ms  # noqa: E402


def data(db: str, what: str, name: str) -> dict:
    """Time one call of a page's data or a metric on a new read-only connection."""
    import baseline
    import pages

    from tracker import store

    con = store.connect(db, read_only=True)
    window = filter_windows(con, 1)[0]
    calls = pages.page_calls(con) if what == "page" else baseline.metric_calls(con)
    ms, _ = time_ms(lambda: calls[name](window))
    con.close()
    return {"ms": ms, "process_seconds": time.perf_counter() - STARTED}


def render(name: str) -> dict:
    """Render a page for the first time with streamlit's AppTest; seconds since this process started."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(PROJECT / "dashboard.py"), default_timeout=120)
    if name != "dashboard.py":
        app.switch_page(name)
    app.run()
    seconds = time.perf_counter() - STARTED
    return {"seconds": seconds, "titles": [t.value for t in app.title],
            "exceptions": [str(e.value) for e in app.exception]}


if __name__ == "__main__":
    db, what, name = sys.argv[1:4]
    os.environ["TRACKER_DB"] = db  # the app finds its database here
    print(json.dumps(render(name) if what == "render" else data(db, what, name)))
