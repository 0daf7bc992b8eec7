"""Locked means locked: in password mode the database and stored-table downloads need the password; guessing in
parallel sessions waits as long as guessing one after another; Streamlit's upload limit is the tracker's."""

from __future__ import annotations

import threading
import tomllib

from tests.ui.test_ui import open_app, show
from tracker import access, config
from tracker.ingest.limits import DEFAULT_MAX_UPLOAD_MB

PASSWORD = "correct horse battery staple"
LOCKED = {"TRACKER_UPLOADS": "password", "TRACKER_EDITOR_PASSWORD": PASSWORD}



def test_password_mode_gates_the_database_and_table_downloads_until_unlocked(sample_db_path, monkeypatch):
    app = show(open_app(sample_db_path, monkeypatch, env=LOCKED), "data")
    keys = {getattr(e, "key", None) for e in app.get("download_button")}
    assert "d_database_download" not in keys and "d_table_download" not in keys
    assert any("limited to editors" in str(c.value) for c in app.caption)
    app.text_input(key="d_password").input(PASSWORD)
    app.button[0].click().run()
    assert not app.exception
    keys = {getattr(e, "key", None) for e in app.get("download_button")}
    assert {"d_database_download", "d_table_download"} <= keys


def test_open_and_off_modes_keep_the_downloads(sample_db_path, monkeypatch):
    for mode in ("open", "off"):
        app = show(open_app(sample_db_path, monkeypatch, env={"TRACKER_UPLOADS": mode}), "data")
        keys = {getattr(e, "key", None) for e in app.get("download_button")}
        assert "d_database_download" in keys, mode


def test_streamlit_upload_limit_is_the_trackers():
    settings = tomllib.loads((config.PROJECT_DIR / ".streamlit" / "config.toml").read_text())
    assert settings["server"]["maxUploadSize"] == DEFAULT_MAX_UPLOAD_MB


def test_eight_parallel_guesses_of_one_client_wait_as_long_as_eight_in_a_row():
    policy = access.upload_policy(LOCKED, {})
    counter = access.AttemptCounter(clock=lambda: 0.0)
    waits: list[float] = []
    everyone_waits = threading.Event()

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        everyone_waits.wait(10)

    threads = [threading.Thread(target=counter.check, args=(policy, f"guess {i}", sleep),
                                kwargs={"client": "10.0.0.9"}) for i in range(8)]
    for thread in threads:
        thread.start()
    while len(waits) < 8:
        threading.Event().wait(0.01)
    # The other client (the editor) is answered at once and gets in, while the eight guesses still wait.
    editor_waits: list[float] = []
    assert counter.check(policy, PASSWORD, sleep=editor_waits.append, client="192.0.2.1")
    everyone_waits.set()
    for thread in threads:
        thread.join()
    # 0, then 1, 2, 4, 8, 16, 30, 30 seconds after each other: the answers come 0, 1, 3, 7, 15, 31, 61, 91 s later.
    assert sorted(waits) == [0, 1, 3, 7, 15, 31, 61, 91]
    assert editor_waits == [0]
    assert counter.failures_of("10.0.0.9") == 8


def test_a_client_key_comes_from_the_address_else_the_forwarded_header():
    assert access.client_key("203.0.113.5", {"X-Forwarded-For": "1.1.1.1"}) == "203.0.113.5"
    assert access.client_key(None, {"X-Forwarded-For": "198.51.100.7, 10.0.0.1"}) == "198.51.100.7"
    assert access.client_key(None, {}) == "unknown"
