"""The plain lists in Chromium, used as a reader would. The Votes list: a row opens its vote at once, a title opens it
in a new tab, the keyboard opens it too, and the headings sort the rows shown. A vote's member list: the name search
filters as it is typed, without waiting for the server, and the CSV then holds the members found.

Reproduce: python -m pytest -m browser tests/ui/test_lists_browser.py (needs Playwright and /usr/bin/chromium).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.ui.browser import serve, settle
from tracker import store
from tracker.ingest import import_files
from tracker.sample import build_sample_database

ROWS = ".tracker-vote-list tbody tr"
CLICK_TO_SEND = """() => { window.__clickToSend = new Promise((resolve) => {
  // How long after a row's click the browser asks the server for the vote: the click and the message, timed here.
  let clicked = null;
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (message) {
    if (clicked !== null) { WebSocket.prototype.send = send; resolve(performance.now() - clicked); }
    return send.call(this, message);
  };
  document.addEventListener('click', () => { clicked = performance.now(); }, { capture: true, once: true });
}); }"""


def served_with_run_log(folder: Path) -> Iterator[tuple[str, Path]]:
    """folder/tracker.duckdb served, each script and fragment run logged: (the dashboard's address, the log)."""
    log = folder / "runs.jsonl"
    for url in serve(folder, folder / "tracker.duckdb", {"TRACKER_TIMING_LOG": str(log)}):
        yield url, log


@pytest.fixture(scope="module")
def timed_server(tmp_path_factory):
    """The dashboard on the sample, logging each script and fragment run."""
    folder = tmp_path_factory.mktemp("lists")
    build_sample_database(folder / "tracker.duckdb")
    yield from served_with_run_log(folder)


@pytest.fixture
def page(browser):
    """A new browser window, closed after the test."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield context.new_page()
    context.close()


def column(page, rows: str, number: int) -> list[str]:
    """The texts of one column (counted from 1) of the rows the selector finds, top to bottom."""
    return page.locator(f"{rows} td:nth-child({number})").all_text_contents()


@pytest.mark.browser
def test_a_click_on_a_row_opens_its_vote_at_once_rerunning_only_the_list_and_the_vote(page, timed_server):
    url, log = timed_server
    page.goto(f"{url}/votes?q=Transition")
    settle(page)
    row = page.locator(ROWS).filter(has_text="V44")
    assert row.get_attribute("aria-current") is None
    page.evaluate(CLICK_TO_SEND)
    clicked = time.time()
    row.locator("td").first.click()
    page.get_by_role("heading", name="V44: Transition Statute reform ending the interim government").wait_for(
        timeout=30_000)
    settle(page)
    # Sent as it is clicked: Streamlit's data grid held a row's click about 150 ms before sending it.
    assert page.evaluate("window.__clickToSend") < 100
    assert "vote=V44" in page.url and "q=Transition" in page.url
    assert page.locator(ROWS).filter(has_text="V44").get_attribute("aria-current") == "true"
    runs = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    after = [run["what"] for run in runs if run["event"] == "end" and run["t"] >= clicked]
    assert after == ["fragment"]   # the search, its chart and the sidebar are not run or sent again
    assert "V43" in column(page, ROWS, 2)   # the list still lists the search's votes


@pytest.mark.browser
def test_a_title_is_a_link_to_the_vote_that_opens_in_a_new_tab_and_the_keyboard_opens_it_here(page, timed_server):
    url, _ = timed_server
    page.goto(f"{url}/votes?q=amnesty")
    settle(page)
    assert sorted(column(page, ROWS, 2)) == ["V07", "V08"]
    link = page.locator(ROWS).filter(has_text="V07").locator("a")
    link.hover()
    assert link.get_attribute("href").endswith("/votes?q=amnesty&vote=V07")   # the search is kept
    with page.context.expect_page(timeout=30_000) as opened:
        link.click(modifiers=["Control"])
    other = opened.value
    other.get_by_role("heading", name="V07: ", exact=False).first.wait_for(timeout=30_000)
    assert "vote=V07" in other.url
    settle(page)
    assert "vote=" not in page.url   # this tab opened nothing
    link.focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="V07: ", exact=False).first.wait_for(timeout=30_000)
    assert "vote=V07" in page.url


@pytest.mark.browser
def test_a_heading_sorts_the_votes_shown_with_unknown_counts_last(page, timed_server):
    url, _ = timed_server
    page.goto(f"{url}/votes")
    settle(page)
    listed = column(page, ROWS, 2)
    assert len(listed) == 45 and listed[0] == "V46"   # newest first
    page.locator(".tracker-vote-list th button", has_text="yes").click()
    yes = column(page, ROWS, 5)
    known = [int(v) for v in yes if v != "–"]
    assert known == sorted(known, reverse=True) and yes[: len(known)] == [str(v) for v in known]
    assert set(yes[len(known):]) == {"–"}   # unknown counts at the end
    assert page.locator(".tracker-vote-list th[aria-sort='descending']").text_content().startswith("yes")
    page.locator(".tracker-vote-list th button", has_text="yes").click()
    yes = column(page, ROWS, 5)
    known = [int(v) for v in yes if v != "–"]
    assert known == sorted(known) and set(yes[len(known):]) == {"–"}


MEMBERS = ".tracker-member-list tbody tr"
COUNT_MESSAGES = """() => { window.__sent = 0; const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (message) { window.__sent += 1; return send.call(this, message); }; }"""


@pytest.fixture(scope="module")
def member_server(tmp_path_factory):
    """The dashboard on six members' votes (tests/data/ui_member_votes.csv), logging each script and fragment run."""
    folder = tmp_path_factory.mktemp("member_list")
    con = store.connect(folder / "tracker.duckdb")
    import_files(con, [FIXTURES / "ui_member_votes.csv"])
    con.close()
    yield from served_with_run_log(folder)


@pytest.mark.browser
def test_the_member_search_filters_as_it_is_typed_and_the_csv_then_holds_the_members_found(page, member_server):
    url, log = member_server
    page.goto(f"{url}/votes?vote=M1")
    settle(page)
    page.get_by_text("The list of 6 members", exact=False).click()
    settle(page)
    everyone = ["Ana Alba", "Bruno Bravo", "Carla Cruz", "Dario Diaz", "Elena Eco", "Fabio Faro"]
    assert column(page, MEMBERS, 1) == everyone
    box = page.get_by_label("Search member names")
    page.evaluate(COUNT_MESSAGES)
    box.press_sequentially("AR")
    # Filtered in the page at each key, before anything is sent to the server (which hears it after a pause).
    assert page.evaluate("window.__sent") == 0
    assert column(page, MEMBERS, 1) == ["Carla Cruz", "Dario Diaz", "Fabio Faro"]
    assert page.locator(".tracker-member-list .count").text_content() == "3 of 6 members shown"
    typed = time.time()
    page.wait_for_function("window.__sent > 0", timeout=10_000)
    settle(page)
    runs = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [run["what"] for run in runs if run["event"] == "end" and run["t"] >= typed] == ["fragment"]
    assert box.input_value() == "AR" and column(page, MEMBERS, 1) == ["Carla Cruz", "Dario Diaz", "Fabio Faro"]
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="Members CSV").click()
    listed = download.value.path().read_text(encoding="utf-8").splitlines()
    assert [line.split(",")[0] for line in listed] == ["name", "Carla Cruz", "Dario Diaz", "Fabio Faro"]
    # A party chosen above keeps the search typed; a search that finds no one says so.
    page.locator("[data-testid='stMultiSelect']").filter(has_text="Party").click()
    page.get_by_role("option", name="B", exact=True).click()
    page.keyboard.press("Escape")
    settle(page)
    assert box.input_value() == "AR" and column(page, MEMBERS, 1) == ["Dario Diaz", "Fabio Faro"]
    box.fill("zz")
    assert column(page, MEMBERS, 1) == ["No members match “zz”. Clear the search to see all 3."]   # party B's three
    box.fill("")
    assert column(page, MEMBERS, 1) == ["Dario Diaz", "Elena Eco", "Fabio Faro"]
    page.locator(".tracker-member-list th button", has_text="name").click()
    page.locator(".tracker-member-list th button", has_text="name").click()
    assert column(page, MEMBERS, 1) == ["Fabio Faro", "Elena Eco", "Dario Diaz"]   # by name, Z to A
