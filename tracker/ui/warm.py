"""Getting the server ready before it answers: the pages' modules imported and the database open; then, while it
answers, the first visits' slowest reads loaded in the background."""

from __future__ import annotations

import contextlib
import importlib
import logging
import pkgutil
import threading
from collections.abc import AsyncIterator

log = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def ready(_app: object) -> AsyncIterator[None]:
    """st.App's lifespan: warm up, then serve."""
    warm_up()
    yield


def warm_up() -> None:
    """Import every module of tracker.ui and open an existing database; a problem is left for the page to report."""
    import tracker.ui

    for module in pkgutil.iter_modules(tracker.ui.__path__, "tracker.ui."):
        if not module.ispkg:  # ui/pages holds scripts, run per visit, not modules
            importlib.import_module(module.name)
    from tracker import config, figure_export, store
    from tracker.ui import cache

    _check_the_first_element_early()
    _read_the_emoji_table_early()
    figure_export.browser_path()   # every chart's Download menu asks; the first time imports and searches (70 ms)
    path = config.database_path()
    try:
        if path.exists() and not store.is_busy(path):
            opened = cache.open_store(str(path))
            opened.version  # noqa: B018  (reads the newest published copy)
            threading.Thread(target=_warm_caches, name="warm-caches", daemon=True).start()
    except Exception as problem:  # noqa: BLE001  (the first visit shows it with what to do)
        log.warning("Could not open %s before the first visit: %s", path, problem)


def _warm_caches() -> None:
    """cache.warm, off the server's start; a problem is left for the page to report."""
    from tracker.ui import cache

    try:
        cache.warm()
    except Exception as problem:  # noqa: BLE001
        log.warning("Could not read the first pages' data ahead of the first visit: %s", problem)


def _check_the_first_element_early() -> None:
    """Run Streamlit's once-per-process check made on the first element drawn (is this a REPL? it walks the stack
    with inspect.stack(), about 0.2 s in a page's deep stack) here, on a short stack, before any visit."""
    from streamlit import delta_generator

    check = getattr(delta_generator, "_maybe_print_use_warning", None)   # absent in another Streamlit: skipped
    if callable(check):
        check()


def _read_the_emoji_table_early() -> None:
    """Load Streamlit's table of emojis, which the first page's st.set_page_config reads to check the tab's icon (an
    import of 5,000 names and a long regular expression: about 0.1 s of the first visit), here instead."""
    from streamlit import string_util

    from tracker.ui.app import PAGE_ICON

    is_emoji = getattr(string_util, "is_emoji", None)   # absent in another Streamlit: skipped
    if callable(is_emoji):
        is_emoji(PAGE_ICON)
