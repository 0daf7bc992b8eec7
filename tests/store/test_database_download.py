"""The dashboard's "Download the whole database": a complete DuckDB file, also when several tabs ask at once."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb

from tracker import queries, store


def test_four_downloads_at_once_on_one_shared_connection_are_each_a_complete_database(sample_db, tmp_path):
    expected = store.snapshot(sample_db)
    start = threading.Barrier(4)
    downloads: dict[int, bytes] = {}
    errors: list[BaseException] = []

    def download(n: int) -> None:
        start.wait()
        try:
            downloads[n] = queries.database_snapshot(sample_db)
        except BaseException as error:  # noqa: B036 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=download, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert sorted(downloads) == [0, 1, 2, 3]
    for n, data in downloads.items():
        copy = tmp_path / f"download_{n}.duckdb"
        copy.write_bytes(data)
        con = duckdb.connect(str(copy), read_only=True)
        try:
            # The sample: 45 votes, 59 party positions, 21 parties, one batch; every table row for row.
            assert con.execute("select count(*) from votes").fetchone() == (45,)
            assert store.snapshot(con) == expected
        finally:
            con.close()
    # No download leaves an attached database behind on the shared connection.
    attached = sample_db.execute("select database_name from duckdb_databases() where not internal").fetchall()
    assert attached == [(Path(store.database_file(sample_db)).stem,)]
