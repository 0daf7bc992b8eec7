"""The Store: reads with bound parameters, transactions, a version that never repeats, and its sidecar files."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest

from tracker import store
from tracker.ingest import import_files
from tracker.store import backup

TWO_VOTES = "vote_id,date,title,yes,no\nV1,2024-01-01,Budget,50,40\nV2,2024-01-02,Roads,30,60\n"


@pytest.fixture
def opened(db_path):
    """A Store over a fresh database file."""
    with store.Store.open(db_path) as owned:
        yield owned


def test_read_and_one_bind_their_parameters(opened, write_csv):
    import_files(opened.connection, [write_csv("v.csv", TWO_VOTES)])
    frame = opened.read("select vote_id, yes from votes where no > $least order by 1", least=45)
    assert frame.to_dict("records") == [{"vote_id": "V2", "yes": 30}]
    assert opened.one("select title from votes where vote_id = $id", id="V1") == ("Budget",)
    assert opened.one("select title from votes where vote_id = $id", id="V1'; drop table votes; --") is None
    assert opened.one("select count(*) from votes") == (2,)


def test_a_transaction_that_fails_leaves_nothing(opened):
    with pytest.raises(RuntimeError), opened.transaction() as cursor:
        cursor.execute("insert into members values ('m1', 'Ana', 1)")
        raise RuntimeError("boom")
    assert opened.one("select count(*) from members") == (0,)
    with opened.transaction() as cursor:
        cursor.execute("insert into members values ('m1', 'Ana', 1)")
    assert opened.one("select count(*) from members") == (1,)


def test_a_transaction_holds_the_one_write_lock(opened):
    outcomes = []

    def other_writer():
        try:
            with opened.write_lock(timeout=0.2):
                outcomes.append("got it")
        except store.LockTimeout:
            outcomes.append("timed out")

    with opened.transaction():
        thread = threading.Thread(target=other_writer)
        thread.start()
        thread.join(10)
    other_writer()  # after the commit
    assert outcomes == ["timed out", "got it"]
    with store.writing(opened), store.WRITE_LOCK:  # one lock: taken again by the same thread without waiting
        pass


def test_module_functions_take_a_store_where_they_took_a_connection(opened, write_csv):
    import_files(opened.connection, [write_csv("v.csv", TWO_VOTES)])
    assert store.table_counts(opened)["votes"] == 2
    assert store.list_batches(opened)["batch_id"].tolist() == [1]
    assert store.database_version(opened) == opened.version
    store.undo_batch(opened, 1)
    assert store.is_empty(opened)


def test_version_changes_on_every_import_and_undo(opened, write_csv):
    versions = [opened.version]
    for n in range(3):
        import_files(opened.connection, [write_csv(f"v{n}.csv", TWO_VOTES.replace("V", f"N{n}-"))])
        versions.append(opened.version)
    store.undo_batch(opened, 3)
    versions.append(opened.version)
    assert len(set(versions)) == 5
    assert {hash(v) for v in versions}  # hashable: a cache key


def test_version_never_repeats_across_backup_and_restore(db_path, tmp_path, write_csv):
    saved = tmp_path / "saved.duckdb"
    with store.Store.open(db_path) as opened:
        import_files(opened.connection, [write_csv("v.csv", TWO_VOTES)])
        seen = [opened.version]
    backup.backup(db_path, saved)
    for n in range(3):
        with store.Store.open(db_path) as opened:
            import_files(opened.connection, [write_csv(f"w{n}.csv", TWO_VOTES.replace("V", f"W{n}-"))])
            seen.append(opened.version)
        backup.restore(db_path, saved)
        with store.Store.open(db_path) as opened:
            # The restored rows and audit count match an earlier state, yet the version is new.
            assert opened.one("select count(*) from votes") == (2,)
            seen.append(opened.version)
    assert len(set(seen)) == len(seen) == 7


def test_a_read_only_store_reads_and_refuses_to_write(db_path, write_csv):
    with store.Store.open(db_path) as opened:
        import_files(opened.connection, [write_csv("v.csv", TWO_VOTES)])
        written = opened.version
    with store.Store.open(db_path, read_only=True) as reader:
        assert reader.one("select count(*) from votes") == (2,)
        assert reader.version == written
        with pytest.raises(store.ReadOnlyStore), reader.transaction():
            pass


def test_an_in_memory_store_has_the_schema_and_no_sidecar():
    with store.Store.open() as memory:
        assert memory.path is None and store.is_empty(memory)
        assert memory.sidecar.write_bytes("x.bin", "k", b"data") is None
        assert memory.sidecar.read_bytes("x.bin", "k") is None and memory.sidecar.clear() == 0


def test_a_closed_store_says_so():
    memory = store.Store.open()
    memory.close()
    memory.close()  # twice is fine
    with pytest.raises(store.StoreClosed):
        memory.read("select 1")


def test_sidecar_files_are_written_whole_and_answer_only_their_key(opened, db_path):
    sidecar = opened.sidecar
    path = sidecar.write_bytes("fit.bin", "version 1", b"first")
    assert path.parent == db_path.parent and path.name.startswith(f"{db_path.name}.sidecar.fit.")
    assert sidecar.read_bytes("fit.bin", "version 1") == b"first"
    assert sidecar.read_bytes("fit.bin", "version 2") is None  # a stale key never matches
    sidecar.write_bytes("fit.bin", "version 2", b"second")
    assert sidecar.read_bytes("fit.bin", "version 1") is None  # the older key's file is gone
    assert sidecar.read_bytes("fit.bin", "version 2") == b"second"
    # Formats that pick their own file name from the extension (numpy) keep it.
    sidecar.save("codes.npz", "version 2", lambda p: np.savez(p, positions=np.arange(3)))
    assert sidecar.load("codes.npz", "version 2", lambda p: np.load(p)["positions"].tolist()) == [0, 1, 2]
    frame = pd.DataFrame({"member_id": ["a"], "dim1": [0.5]})
    sidecar.save("points.parquet", "version 2", lambda p: frame.to_parquet(p, index=False))
    pd.testing.assert_frame_equal(sidecar.load("points.parquet", "version 2", pd.read_parquet), frame)
    assert len(sidecar.files()) == 3
    assert not [p for p in db_path.parent.iterdir() if "tmp" in p.name]


def test_a_failed_sidecar_write_leaves_the_previous_file(opened):
    opened.sidecar.write_bytes("fit.bin", "v1", b"kept")

    def broken(path):
        path.write_bytes(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError):
        opened.sidecar.save("fit.bin", "v2", broken)
    assert opened.sidecar.read_bytes("fit.bin", "v1") == b"kept"
    assert opened.sidecar.files() == [opened.sidecar.path("fit.bin", "v1")]


def test_sidecar_clear_removes_its_own_and_the_metrics_files_and_nothing_else(opened, db_path):
    opened.sidecar.write_bytes("fit.bin", "v1", b"x")
    older = [db_path.with_name(db_path.name + ".ideal-points.parquet"),
             db_path.with_name(db_path.name + ".member-matrix-0123456789ab.npz")]
    others = [db_path.with_name(db_path.name + ".lock"), db_path.with_name("other.duckdb.ideal-points.parquet")]
    for path in older + others:
        path.write_bytes(b"x")
    assert opened.sidecar.clear() == 3
    assert opened.sidecar.files() == [] and db_path.exists()
    assert all(p.exists() for p in others)


def test_import_and_undo_clear_the_sidecar(opened, write_csv):
    opened.sidecar.write_bytes("fit.bin", str(opened.version), b"x")
    batch = import_files(opened.connection, [write_csv("v.csv", TWO_VOTES)]).batch_id
    assert opened.sidecar.files() == []
    opened.sidecar.write_bytes("fit.bin", str(opened.version), b"x")
    store.undo_batch(opened, batch)
    assert opened.sidecar.files() == []
