"""The Data page while another process holds the database's write lock: a message, never an error box."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from streamlit.testing.v1 import AppTest

from tracker import config, store
from tracker.ingest import import_files

APP = str(config.DASHBOARD)
NEW_VOTE = ("vote_id,assembly,date,title,yes,no,abstain,absent,majority,result\n"
            "B1,an-2015,2024-03-01,Busy Law,90,40,5,32,simple,approved\n")


@pytest.fixture
def held(db_path):
    """The sample database, its write lock held by another process (as a long CLI import would) until the end."""
    db = store.connect(db_path)
    import_files(db, config.sample_files())
    db.close()
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from tracker import store
        with store.hold({str(db_path)!r}):
            print("held", flush=True)
            sys.stdin.read()
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(config.PROJECT_DIR)})
    assert holder.stdout.readline().strip() == "held"
    yield db_path, holder
    if holder.poll() is None:
        holder.stdin.close()
        holder.wait(timeout=30)


def test_an_upload_while_another_process_writes_waits_with_a_message_then_imports(held, monkeypatch):
    db_path, holder = held
    monkeypatch.setenv("TRACKER_DB", str(db_path))
    monkeypatch.setenv("TRACKER_LOCK_WAIT", "1")
    for name in ("TRACKER_UPLOADS", "TRACKER_EDITOR_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    app = AppTest.from_file(APP, default_timeout=90).run()
    app.switch_page("tracker/ui/pages/data.py").run()
    app.file_uploader(key="d_upload").set_value(("busy.csv", NEW_VOTE.encode(), "text/csv")).run()
    assert not app.exception, [e.value for e in app.exception]
    said = " ".join(str(i.value) for i in app.info)
    assert f"being written by process {holder.pid}" in said
    assert not [b for b in app.button if b.key == "d_import"]  # nothing to click while the check cannot run
    # The other process finishes: the same upload is checked and imported.
    holder.stdin.close()
    holder.wait(timeout=30)
    app.run()
    app.button(key="d_import").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("Imported." in s.value for s in app.success)
    db = store.connect(db_path, read_only=True)
    try:
        assert db.one("select count(*) from votes where vote_id = 'B1'")[0] == 1
    finally:
        db.close()
