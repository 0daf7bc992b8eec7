"""Kept for code written before tracker.store.lock: the one write lock lives there now."""

from tracker.store.lock import LockTimeout, database_file, hold, lock_file, writing

__all__ = ["LockTimeout", "database_file", "hold", "lock_file", "writing"]
