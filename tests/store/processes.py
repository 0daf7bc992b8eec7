"""Helpers for tests with real processes: generated batches, a dashboard on a free port, the CLI as a subprocess."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tracker import config

ENV = {**os.environ, "PYTHONPATH": str(config.PROJECT_DIR), "TRACKER_UPLOADS": "open"}
PARTIES = ("PJ", "VP", "AD", "UNT")
SEATS = 167  # the sample assembly an-2015


def tally_file(folder: Path, k: int, votes: int = 5) -> Path:
    """Batch k as stated tallies: `votes` votes in the sample assembly, each 90 yes and 60 no."""
    path = folder / f"tallies_{k}.csv"
    lines = ["vote_id,assembly,date,title,yes,no"]
    lines += [f"T{k}-{v},an-2015,2019-{1 + k % 12:02d}-{1 + v % 28:02d},Tally {k}.{v},90,60" for v in range(votes)]
    path.write_text("\n".join(lines) + "\n")
    return path


def member_file(folder: Path, k: int, member_votes: int = 100_000) -> Path:
    """Batch k as member votes: member_votes rows, 160 members per vote, parties from the sample."""
    path = folder / f"members_{k}.csv"
    positions = ("yes", "no", "abstain")
    with open(path, "w", newline="") as out:
        out.write("vote_id,assembly,date,title,member_id,party,position\n")
        for n in range(member_votes):
            v, m = divmod(n, 160)
            out.write(f"M{k}-{v},an-2015,2020-{1 + k % 12:02d}-{1 + v % 28:02d},Roll call {k}.{v},"
                      f"D{m},{PARTIES[m % 4]},{positions[(m + v) % 3]}\n")
    return path


def cli(db: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """`python -m tracker --db DB ARGS` in a process of its own."""
    return subprocess.run([sys.executable, "-m", "tracker", "--db", str(db), *args], capture_output=True,
                          text=True, env=ENV, cwd=config.PROJECT_DIR, timeout=timeout)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_dashboard(db: Path, port: int, log: Path) -> subprocess.Popen:
    """`streamlit run app.py` on a port against a database; waits until it answers its health check."""
    env = {**ENV, "TRACKER_DB": str(db)}
    env.pop("TRACKER_EDITOR_PASSWORD", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=config.PROJECT_DIR, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
    stop(process)
    raise AssertionError(f"the dashboard did not start: {log.read_text()[-2000:]}")


def stop(process: subprocess.Popen) -> None:
    """Stop a process this test started, and wait for it."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")
NGINX_CONF = config.PROJECT_DIR / "deploy" / "nginx.conf"


def nginx_config(prefix: Path, port: int, backends: list[int]) -> str:
    """deploy/nginx.conf with only its placeholders filled in: paths under prefix, the port, one line per backend."""
    upstreams = "\n".join(f"        server 127.0.0.1:{p};" for p in backends)
    return (NGINX_CONF.read_text().replace("@PREFIX@", str(prefix)).replace("@LISTEN@", f"127.0.0.1:{port}")
            .replace("@UPSTREAMS@", upstreams))


def start_nginx(prefix: Path, port: int, backends: list[int]) -> subprocess.Popen:
    """Debian's nginx in the foreground (`daemon off;`) with the generated config; waits until it proxies."""
    prefix.mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_config(prefix, port, backends))
    # -e: the log nginx writes before it has read the config goes there too, not to /var/log/nginx.
    command = [NGINX, "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(conf)]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
    if checked.returncode != 0:
        raise AssertionError(f"nginx refused the config: {checked.stderr}")
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=open(prefix / "stderr.log", "w"))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5) as answer:
                if answer.status == 200:
                    return process
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise AssertionError(f"nginx did not start: {(prefix / 'error.log').read_text()[-2000:]}")


def contents(db: Path) -> dict[str, tuple[int, int]]:
    """Rows and an order-free hash of their content per stored table, without when batches were imported or logged."""
    from tracker import store
    from tracker.store.schema import META_TABLE

    clocks = {"imported_at", "logged_at"}
    with store.connect(db, read_only=True) as reader:
        tables = [t for (t,) in reader.connection.execute(
            "select table_name from duckdb_tables() where database_name = current_database()"
            " and schema_name = 'main' and not temporary and table_name <> $meta order by 1",
            {"meta": META_TABLE}).fetchall()]
        result = {}
        for table in tables:  # names from the catalog, columns from the table itself: nothing user-written
            columns = [c for c in reader.read(f"select * from {table} limit 0").columns if c not in clocks]
            listed = ", ".join(f'"{c}"' for c in columns)
            result[table] = reader.one(f"select count(*), coalesce(sum(hash({listed})::hugeint), 0) from {table}")
    return result
