"""Where the database and the sample data live."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_DIR / "data"
DEFAULT_DB = DATA_DIR / "tracker.duckdb"
DASHBOARD = PROJECT_DIR / "dashboard.py"  # the script every visit runs; `streamlit run app.py` serves it


def database_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The database to use: the explicit path, else env TRACKER_DB, else data/tracker.duckdb."""
    if explicit:
        return Path(explicit)
    from_env = os.environ.get("TRACKER_DB")
    return Path(from_env) if from_env else DEFAULT_DB


def sample_files(data_dir: Path = DATA_DIR) -> list[Path]:
    """The sample CSV files that `init` loads, in a stable order."""
    return sorted(data_dir.glob("*.csv"))


def lock_wait() -> float:
    """Seconds a write waits for another process's write before giving up (env TRACKER_LOCK_WAIT, default 300)."""
    try:
        return max(0.0, float(os.environ.get("TRACKER_LOCK_WAIT", "300")))
    except ValueError:
        return 300.0
