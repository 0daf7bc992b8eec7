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
            cache.open_store(str(path))
            _read_the_landing_page()
    except Exception as problem:  # noqa: BLE001  (the first visit shows it with what to do)
        log.warning("Could not open %s before the first visit: %s", path, problem)


def _read_the_landing_page() -> None:
    """What every page's frame reads, and the Overview's outcomes with its default filters, into the caches."""
    from tracker import metrics
    from tracker.ui import cache, choices

    cache.read("synthetic_assemblies")
    cache.read("has_member_votes")
    ids, _ = choices.assembly_choices()
    cache.outcomes(metrics.Filters(assembly=ids[0] if len(ids) == 1 else None))  # filters.common's default
