"""The vote store: the Store that owns a database, its schema, transactions, batches and the write lock."""

from tracker.store.batches import (
    REPLACEABLE,
    Replacement,
    UndoRefused,
    find_batch_by_sha256,
    list_batches,
    log,
    next_batch_id,
    undo_batch,
    write_batch,
)
from tracker.store.core import ReadOnlyStore, Store, StoreClosed, connect
from tracker.store.lock import WRITE_LOCK, LockTimeout, database_file, hold, holder, is_busy, lock_file, writing
from tracker.store.publish import DatabaseBusy, DatabaseDamaged, readers_of, refuse_while_open, remove_database
from tracker.store.schema import (
    DATA_TABLES,
    META_TABLE,
    SCHEMA,
    capped_memory,
    create_schema,
    import_memory_limit,
    rebuild_party_tallies,
    refresh_party_votes,
    renew_generation,
    transaction,
)
from tracker.store.sidecar import Sidecar
from tracker.store.state import Version, database_version, is_empty, snapshot, table_counts

__all__ = [
    "DATA_TABLES", "DatabaseBusy", "DatabaseDamaged", "LockTimeout", "META_TABLE", "REPLACEABLE", "ReadOnlyStore",
    "Replacement", "SCHEMA", "Sidecar", "Store", "StoreClosed", "UndoRefused", "Version", "WRITE_LOCK",
    "capped_memory", "connect", "create_schema", "database_file", "database_version", "find_batch_by_sha256", "hold",
    "holder", "import_memory_limit", "is_busy", "is_empty", "list_batches", "lock_file", "log", "next_batch_id",
    "readers_of", "rebuild_party_tallies", "refresh_party_votes", "refuse_while_open", "remove_database",
    "renew_generation", "snapshot", "table_counts", "transaction", "undo_batch", "write_batch", "writing",
]
