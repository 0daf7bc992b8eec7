"""Hostile data and links in a real browser: toolbar CSVs hold no live formula, data text makes no link or
element, hostile URLs raise nothing, and password mode hides the database download until unlocked.

Reproduce: python -m pytest -m browser tests/ui/test_hostile_browser.py (needs Playwright and /usr/bin/chromium).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from tests.ui.browser import serve, serve_sample, settle
from tracker import store
from tracker.ingest import Source, import_files
from tracker.sample import build_sample_database

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "correct horse battery staple"
SAFE_SOURCE = "https://ok.example/source"
# Each text field gets every one of these; PLANTED marks what would become an element if it were interpreted.
TRAPS = ["www.evil.example", "https://evil.example/x", "mail evil@evil.example", "[PLANTED](https://evil.example)",
         "![PLANTED](https://evil.example/i.png)", "<b>PLANTED</b>", "<img src=https://evil.example/x.png>",
         "**PLANTED**", "$PLANTED^2$", "\u202eevil\u202c", "=HYPERLINK(\"https://evil.example\",\"PLANTED\")"]
FORMULA = re.compile(r"^(=|\+|@|\t|\r|-(?!\d+(\.\d+)?$))")


def hostile_upload() -> list[Source]:
    """Vote tallies and member votes whose titles, notes, sources, party labels and member names carry every trap."""
    tallies, members = io.StringIO(), io.StringIO()
    tally_rows, member_rows = csv.writer(tallies, lineterminator="\n"), csv.writer(members, lineterminator="\n")
    tally_rows.writerow(["vote_id", "assembly", "date", "title", "stage", "note", "source_url"])
    member_rows.writerow(["vote_id", "member_id", "member_name", "party", "position"])
    for v, trap in enumerate(TRAPS):
        tally_rows.writerow([f"H{v}", "an-2015", f"2024-02-{v + 1:02d}", trap, trap, "note " + trap,
                             f"{SAFE_SOURCE} ; javascript:alert(1) ; see {trap}"])
        for m, party_trap in enumerate(TRAPS[:4]):
            member_rows.writerow([f"H{v}", f"m{m}", f"{party_trap} {m}", party_trap, "yes" if (v + m) % 2 else "no"])
    return [Source("hostile_votes.csv", data=tallies.getvalue().encode()),
            Source("hostile_members.csv", data=members.getvalue().encode())]


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    db = folder / "tracker.duckdb"
    build_sample_database(db)
    con = store.connect(db)
    import_files(con, hostile_upload(), new_parties=True)
    con.close()
    yield from serve(folder, db, {"TRACKER_UPLOADS": "password", "TRACKER_EDITOR_PASSWORD": PASSWORD})


def exported(page, press) -> list[list[str]]:
    """The rows of the CSV file a press downloads."""
    with page.expect_download(timeout=30_000) as info:
        press()
    return list(csv.reader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"), newline="")))


PLANTED_ELEMENTS = """() => {
  const bad = [];
  for (const a of document.querySelectorAll('a[href]')) {
    const href = a.getAttribute('href');
    if (href.startsWith('#')) continue;  // a heading's own in-page anchor: it can only scroll this page
    if (a.closest('.tracker-vote-list')) {
      // A vote's title in the Votes list: its text is the title as written; it may only open a vote of this dashboard.
      const target = new URL(a.href);
      if (target.origin !== location.origin || !target.pathname.endsWith('/votes') || !target.searchParams.get('vote'))
        bad.push('vote link ' + href);
      continue;
    }
    if (/evil|javascript:|mailto:/i.test(href) || /PLANTED/.test(a.textContent)) bad.push('link ' + href);
  }
  for (const e of document.querySelectorAll('b, strong, em, i, img, code, .katex, script, iframe, sup')) {
    const text = e.textContent + (e.getAttribute('src') || '');
    if (/PLANTED|evil/.test(text)) bad.push(e.tagName + ' ' + e.outerHTML.slice(0, 80));
  }
  return bad;
}"""


def test_hostile_data_and_links_in_chromium(browser, hostile_server, tmp_path):
    context = browser.new_context(viewport={"width": 1400, "height": 1600}, accept_downloads=True)
    # Without the file picker, Streamlit's toolbar download falls back to an ordinary browser download.
    context.add_init_script("delete window.showSaveFilePicker;")
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    tables, cells, unsafe, neutralised = 0, 0, [], 0
    try:
        pages = ["", "votes", "votes?vote=H1", "votes?vote=H5", "parties?parties=" + TRAPS[0], "trends", "members",
                 "data", "?from=0001-01-01&to=9999-12-31", "votes?from=2101-01-01&vote=%3Cscript%3E",
                 "parties?period=decade&reference=javascript:alert(1)", "votes?q=" + "x" * 3000]
        for path in pages:
            page.goto(f"{hostile_server}/{path}")
            settle(page)
            assert page.locator("[data-testid='stException']").count() == 0, path
            if "vote=H" in path:
                page.get_by_text("Sources", exact=True).wait_for(timeout=30_000)
            assert page.evaluate(PLANTED_ELEMENTS) == [], path
            for grid in page.locator("[data-testid='stDataFrame']").all():
                # In the middle of the window, so its toolbar (drawn above the grid) is not under another element.
                grid.evaluate("e => e.scrollIntoView({block: 'center'})")
                grid.hover()
                button = grid.locator("[data-testid='stElementToolbarButton']").filter(
                    has=page.locator("[aria-label='Download as CSV'], [title='Download as CSV']"))
                if button.count() == 0:
                    button = page.get_by_role("button", name="Download as CSV").last
                # The grid's own scroller can lie over its toolbar: press the toolbar's button itself.
                press = "e => (e.querySelector('button') || e).click()"
                rows = exported(page, lambda b=button, press=press: b.first.evaluate(press))
                tables, cells = tables + 1, cells + sum(len(row) for row in rows)
                unsafe += [(path, c) for row in rows for c in row if FORMULA.match(c)]
                neutralised += sum(c.startswith("'=HYPERLINK") for row in rows for c in row)
            # The Votes list is not a grid: its rows are in the search's own CSV.
            for button in page.get_by_role("button", name="All matching votes (CSV)").all():
                rows = exported(page, button.click)
                tables, cells = tables + 1, cells + sum(len(row) for row in rows)
                unsafe += [(path, c) for row in rows for c in row if FORMULA.match(c)]
                neutralised += sum(c.startswith("'=HYPERLINK") for row in rows for c in row)
        page.goto(f"{hostile_server}/votes?vote=H1")
        settle(page)
        page.get_by_text("Sources", exact=True).wait_for(timeout=30_000)
        page.wait_for_timeout(1000)
        links = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))")
        assert SAFE_SOURCE in links and not any("javascript" in link for link in links)
        # The member list: hostile names are shown as text, searched as text, and exported neutralised.
        page.get_by_text("The list of 4 members", exact=False).click()
        settle(page)
        names = page.locator(".tracker-member-list tbody td:first-child").all_text_contents()
        assert sorted(names) == sorted(f"{trap} {m}" for m, trap in enumerate(TRAPS[:4]))
        page.get_by_label("Search member names").fill("<b>PLANTED</b><img src=x onerror=alert(1)>")
        assert page.locator(".tracker-member-list tbody td").all_text_contents() == [
            "No members match “<b>PLANTED</b><img src=x onerror=alert(1)>”. Clear the search to see all 4."]
        page.get_by_label("Search member names").fill("[PLANTED]")
        page.get_by_label("Search member names").press("Enter")
        settle(page)
        assert page.evaluate(PLANTED_ELEMENTS) == []
        rows = exported(page, page.get_by_role("button", name="Members CSV").click)
        assert [row[0] for row in rows] == ["name", "[PLANTED](https://evil.example) 3"]   # the member found
        tables, cells = tables + 1, cells + sum(len(row) for row in rows)
        unsafe += [("member list", c) for row in rows for c in row if FORMULA.match(c)]
        # Password mode: no database download until the password is given.
        page.goto(f"{hostile_server}/data")
        settle(page)
        assert page.get_by_text("Download the whole database").count() == 0
        page.get_by_label("Editor password").fill(PASSWORD)
        page.get_by_role("button", name="Unlock uploads").click()
        page.get_by_text("Download the whole database").wait_for(timeout=30_000)
    finally:
        context.close()
    print(f"pages: {len(pages)}, dialogs: {len(dialogs)}; toolbar CSVs: {tables} tables, {cells} cells, "
          f"{len(unsafe)} unsafe, {neutralised} neutralised formulas")
    assert not dialogs
    assert tables >= 6 and not unsafe, unsafe[:10]
    assert neutralised > 0  # the hostile formulas were in the exports, as text


@pytest.fixture(scope="module")
def small_limit_server(tmp_path_factory):
    """The dashboard with both upload limits at 1 MB: Streamlit's own and the tracker's, as config.toml keeps them."""
    yield from serve_sample(tmp_path_factory.mktemp("upload_limit"),
                            {"STREAMLIT_SERVER_MAX_UPLOAD_SIZE": "1", "TRACKER_MAX_UPLOAD_MB": "1"})


def test_a_file_over_the_upload_limit_is_refused_in_the_browser_before_it_reaches_the_tracker(
        browser, small_limit_server, tmp_path):
    big = tmp_path / "big.csv"
    rows = "".join(f"X{n},an-2015,2024-01-01,Padding row {n:07d},1,1\n" for n in range(40_000))
    big.write_text("vote_id,assembly,date,title,yes,no\n" + rows, encoding="utf-8")
    assert big.stat().st_size > 1024 * 1024
    context = browser.new_context(viewport={"width": 1400, "height": 1200})
    page = context.new_page()
    try:
        page.goto(f"{small_limit_server}/data")
        settle(page)
        page.locator("input[type=file]").set_input_files(str(big))
        page.get_by_text("must be 1", exact=False).first.wait_for(timeout=30_000)  # Streamlit: "... 1.0MB or smaller"
        settle(page)
        assert page.locator("[data-testid='stException']").count() == 0
        assert page.get_by_role("button", name="Import", exact=True).count() == 0
    finally:
        context.close()
