"""Getting the server ready before it answers: the pages' modules imported and the database open."""

from __future__ import annotations

import contextlib
import importlib
import logging
import pkgutil
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
    from tracker import config, store
    from tracker.ui import cache

    path = config.database_path()
    try:
        if path.exists() and not store.is_busy(path):
            opened = cache.open_store(str(path))
            opened.version  # noqa: B018  (reads the newest published copy)
    except Exception as problem:  # noqa: BLE001  (the first visit shows it with what to do)
        log.warning("Could not open %s before the first visit: %s", path, problem)
