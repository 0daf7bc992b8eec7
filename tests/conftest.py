"""Shared fixtures: fresh databases, the sample, small CSV files written on the fly, the Bundestag data."""

from __future__ import annotations

import functools
import os
import shutil
from pathlib import Path

import pytest

from tracker import config, store
from tracker.ingest import import_files

TESTS_DIR = Path(__file__).resolve().parent
FIXTURES = TESTS_DIR / "data"
SHARED = config.PROJECT_DIR.parent / "shared"
BUNDESTAG_CSV = SHARED / "data" / "bundestag_wp18" / "namentliche_abstimmungen_wp18.csv"


def pytest_configure(config) -> None:
    """Streamlit's component scan runs once per test session instead of once per AppTest (see below)."""
    scan_installed_components_once()


def scan_installed_components_once() -> None:
    """Keep the first result of Streamlit's scan of installed packages for components, for every later AppTest.

    Each new AppTest reads the metadata of every installed package (134 here) looking for Streamlit v2 components:
    about 160 ms, half the time of a one-page test, hundreds of times a run. The installed packages do not change
    while the tests run, so the scan's real result is the same each time; the dashboard's server scans once anyway.
    """
    from streamlit.components.v2 import manifest_scanner

    scan = manifest_scanner.scan_component_manifests
    if not hasattr(scan, "cache_info"):
        manifest_scanner.scan_component_manifests = functools.cache(scan)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A database file that does not exist yet."""
    return tmp_path / "tracker.duckdb"


def demo_database(folder: Path, members: int, votes: int, parties: int, seed: int) -> Path:
    """folder/tracker.duckdb holding a parliament from the project's generator (closed, for a server to open)."""
    from tracker.demo import DemoSpec, build_demo

    path = folder / "tracker.duckdb"
    con = store.connect(path)
    try:
        build_demo(con, DemoSpec(members=members, votes=votes, parties=parties, seed=seed), directory=folder / "demo")
    finally:
        con.close()
    return path


@pytest.fixture
def fresh_db(db_path: Path):
    """An empty store (schema only) in a real DuckDB file."""
    con = store.connect(db_path)
    yield con
    con.close()


@pytest.fixture(scope="session")
def sample_built_once(tmp_path_factory) -> Path:
    """The sample imported as batch 1 into a database once per run, for the sample fixtures to copy."""
    path = tmp_path_factory.mktemp("sample") / "tracker.duckdb"
    con = store.connect(path)
    import_files(con, config.sample_files())
    con.close()
    return path


def copy_database(built: Path, to: Path) -> Path:
    """Copy a closed database's files (the file, its published copy, the pointer) to the name `to`, as a reader
    copying a folder would; the copy's next write publishes anew, since it is not the file the pointer names."""
    for made in built.parent.iterdir():
        shutil.copy2(made, to.with_name(made.name.replace(built.name, to.name, 1)))
    return to


@pytest.fixture
def sample_db(db_path: Path, sample_built_once: Path):
    """The store with the Venezuelan sample imported as batch 1 (a copy of sample_built_once)."""
    con = store.connect(copy_database(sample_built_once, db_path))
    yield con
    con.close()


@pytest.fixture
def write_csv(tmp_path: Path):
    """Write text (or bytes) to a file in tmp_path and return its path."""

    def write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding=encoding, newline="")
        return path

    return write


@pytest.fixture(scope="session")
def bundestag_csv() -> Path:
    """The real Bundestag roll-call file from ../shared; tests using it skip when it is absent."""
    if not BUNDESTAG_CSV.is_file():
        pytest.skip(f"Bundestag data not found at {BUNDESTAG_CSV} (../shared is absent)")
    return BUNDESTAG_CSV


# The Bundestag file's labels and our positions.
BUNDESTAG_POSITIONS = {"ja": "yes", "nein": "no", "Enthaltung": "abstain", "nichtabgegeben": "absent"}


def bundestag_native(raw):
    """The Bundestag rows (all columns as text) in the native member-votes columns: one id per vote and member."""
    import pandas as pd

    return pd.DataFrame({"vote_id": raw["Wahlperiode"] + "-" + raw["Sitzungnr"] + "-" + raw["Abstimmnr"],
                         "date": raw["date"], "title": raw["title"].str.strip(),
                         "member_id": raw["Name"] + "|" + raw["Vorname"], "member_name": raw["Bezeichnung"],
                         "party": raw["Fraktion/Gruppe"], "position": raw["vote"]})


@pytest.fixture(scope="session")
def bundestag_raw(bundestag_csv):
    """The Bundestag file as read, every column text."""
    import pandas as pd

    return pd.read_csv(bundestag_csv, dtype=str, keep_default_na=False)


@pytest.fixture(scope="session")
def bundestag_native_csv(bundestag_raw, tmp_path_factory) -> Path:
    """The Bundestag file converted once to a native member-votes CSV (the conversion every Bundestag test uses)."""
    path = tmp_path_factory.mktemp("bundestag") / "bundestag_wp18_native.csv"
    bundestag_native(bundestag_raw).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def image_browser():
    """The Chromium kaleido exports images with (its path); skips without one, fails under CI=true."""
    from tracker import figure_export

    path = figure_export.browser_path()
    if path is None:
        if in_ci():
            pytest.fail("No Chrome/Chromium for kaleido under CI: install chromium (see .ci/run).")
        pytest.skip("No Chrome/Chromium found for kaleido (install chromium or set BROWSER_PATH).")
    yield path
    figure_export.stop_image_server()


def in_ci() -> bool:
    """True under CI (CI=true), where tests that need a browser must not skip."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def rows(con, sql: str, **parameters) -> list[tuple]:
    """All rows of a query with bound parameters."""
    return con.execute(sql, parameters).fetchall()


def one_row(frame, **keys: object):
    """The one row of a DataFrame whose columns equal the keys (fails when there are none or several)."""
    chosen = frame
    for column, value in keys.items():
        chosen = chosen[chosen[column] == value]
    assert len(chosen) == 1, f"expected one row for {keys}, found {len(chosen)}"
    return chosen.iloc[0]
