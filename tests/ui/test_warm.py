"""The server gets ready before it answers: the dashboard's modules imported and the database open."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import demo_database
from tests.store.processes import ENV, cli, free_port, start_dashboard, stop, tally_file
from tracker import config


def test_a_started_dashboard_has_the_database_open_before_anyone_visits(tmp_path):
    db = tmp_path / "tracker.duckdb"
    assert cli(db, "init").returncode == 0
    dashboard = start_dashboard(db, free_port(), tmp_path / "dashboard.log")
    try:
        refused = cli(db, "init", "--force")  # nobody has opened a page, yet the server reads the database
        assert refused.returncode == 1 and f"pid {dashboard.pid}" in refused.stderr
        assert cli(db, "import", str(tally_file(tmp_path, 1))).returncode == 0  # imports go on beside it
    finally:
        stop(dashboard)
    assert cli(db, "init", "--force").returncode == 0


def test_a_damaged_database_does_not_stop_the_server_from_starting(tmp_path):
    db = tmp_path / "tracker.duckdb"
    db.write_bytes(b"this is not a database" * 1000)
    log = tmp_path / "dashboard.log"
    dashboard = start_dashboard(db, free_port(), log)  # it answers its health check: the first visit says why
    try:
        assert dashboard.poll() is None
    finally:
        stop(dashboard)
    assert "Could not open" in log.read_text()


def test_warming_up_imports_every_module_of_the_dashboard(tmp_path):
    code = ("import sys; from tracker.ui.warm import warm_up; warm_up(); "
            "print(' '.join(sorted(m for m in sys.modules if m.startswith(('tracker.ui.', 'choreographer.', "
            "'streamlit.emojis')))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=config.PROJECT_DIR,
                          env={**ENV, "TRACKER_DB": str(tmp_path / "none.duckdb")}, timeout=120)
    assert done.returncode == 0, done.stderr
    modules = set(done.stdout.split())
    pages = {"overview", "votes", "parties", "trends", "members", "data_page"}
    assert {f"tracker.ui.{name}" for name in pages | {"app", "cache", "widgets"}} <= modules
    assert "choreographer.browsers.chromium" in modules   # the image export's browser looked up once, not per visit
    assert "streamlit.emojis" in modules   # the tab icon's check, made by the first visit's st.set_page_config
    assert not (tmp_path / "none.duckdb").exists()  # a missing database is built by the first visit, not here


def test_warming_up_reads_outcomes_party_positions_the_vote_list_cohesion_and_the_member_matrix_first(tmp_path):
    db = demo_database(tmp_path, members=30, votes=40, parties=3, seed=2)
    # After warm_up, reading either again must not build it: the builders are replaced by ones that fail.
    code = """
import threading
from tracker import metrics, queries
from tracker.ui import cache
from tracker.ui.warm import warm_up
from streamlit import delta_generator
warm_up()
for thread in threading.enumerate():
    if thread.name == "warm-caches":
        thread.join()
def boom(*args, **kwargs):
    raise AssertionError("read again on the first visit")
metrics.member_vote_matrix = metrics.party_position_matrix = metrics.outcomes = queries.search_votes = boom
metrics.party_cohesion_rows = boom
assembly = metrics.default_assembly(cache.database())
print(len(cache.member_matrix(assembly).members), len(cache.party_alignment(metrics.Filters(assembly=assembly))),
      len(cache.outcomes(metrics.Filters(assembly=assembly))),
      len(cache.search_votes(queries.VoteSearch(assembly=assembly))),
      cache.cohesion_trend(metrics.Filters(assembly=assembly, period="year"))["party"].nunique())
print(getattr(delta_generator, "_use_warning_has_been_displayed", True))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=config.PROJECT_DIR,
                          env={**ENV, "TRACKER_DB": str(db)}, timeout=120)
    assert done.returncode == 0, done.stderr
    members, pairs, outcomes, listed, parties, checked = done.stdout.split()
    assert int(members) == 30 and int(pairs) == 9   # three parties, both orders and each with itself
    assert int(outcomes) == 40 and int(listed) == 40 and int(parties) == 3
    assert checked == "True"   # Streamlit's first-element check already done
