"""End to end in a real browser: `streamlit run app.py` on a free port, every page, an upload, a PNG download.

Also saves screenshots of the main pages to docs/screenshots/. Needs Playwright and Debian's Chromium; skips with
the reason when they are missing, and fails instead under CI=true.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import BUNDESTAG_CSV, bundestag_native
from tests.ui.browser import serve, settle
from tracker import config, store
from tracker.demo import DemoSpec, build_demo
from tracker.ingest import import_files

# The README's screenshots are rewritten only when asked (TRACKER_SCREENSHOTS=1), never by an ordinary test run.
SCREENSHOTS = (config.PROJECT_DIR / "docs" / "screenshots" if os.environ.get("TRACKER_SCREENSHOTS") == "1"
               else Path(tempfile.gettempdir()) / "tracker-e2e-screenshots")
PAGES = {"": "Overview", "votes": "Votes", "parties": "Parties", "trends": "Trends", "data": "Data"}
NEW_VOTE = ("vote_id,assembly,date,title,yes,no,abstain,absent,majority,result\n"
            "E2E1,an-2015,2024-03-01,Water Law of 2024,90,40,5,32,simple,approved\n")

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def member_server(tmp_path_factory):
    """The dashboard on member-level votes: the Bundestag's 18th term from ../shared, else a small synthetic one.

    ../shared may not be copied into the repository, so a clone without it uses the project's own generator
    (60 members, 80 votes, 4 parties: enough to place every member on the map), labelled synthetic on screen.
    """
    folder = tmp_path_factory.mktemp("e2e_members")
    db = folder / "tracker.duckdb"
    con = store.connect(db)
    if BUNDESTAG_CSV.is_file():
        import pandas as pd

        source = folder / "bundestag.csv"
        bundestag_native(pd.read_csv(BUNDESTAG_CSV, dtype=str, keep_default_na=False)).to_csv(source, index=False)
        import_files(con, [source])
    else:
        build_demo(con, DemoSpec(members=60, votes=80, parties=4, seed=7), directory=folder / "demo")
    con.close()
    yield from serve(folder, db)


def test_pages_upload_and_png_download_in_a_real_browser(browser, server, tmp_path):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1400, "height": 1500}, accept_downloads=True)
    page = context.new_page()
    try:
        for path, title in PAGES.items():
            page.goto(f"{server}/{path}")
            page.get_by_role("heading", name=title, exact=True).wait_for(timeout=30_000)
            settle(page)
            assert page.locator("[data-testid='stException']").count() == 0, f"exception on {title}"
            if path == "trends":   # the sample's parties have positions, not counts: no cohesion, and it says why
                page.get_by_text("Cohesion needs each party's yes, no and abstain counts").wait_for(timeout=30_000)
                assert page.locator(".js-plotly-plot").count() == 0
            if path == "parties":   # the alignment heatmap, drawn as HTML: one cell per pair of the 13 parties
                page.locator(".tracker-heat-grid").wait_for(timeout=30_000)
                assert page.locator(".tracker-heat-x").count() == 13
            if path == "":   # the Overview's votes by year, drawn as HTML: one column a year, 2016 to 2023
                page.locator(".tracker-vbars").wait_for(timeout=30_000)
                assert page.locator(".tracker-vbars-slot").count() == 8
            if path in ("", "parties", "data"):
                page.screenshot(path=str(SCREENSHOTS / f"{title.lower()}.png"))

        page.goto(f"{server}/votes?vote=V44")
        page.get_by_role("heading", name="Votes", exact=True).wait_for(timeout=30_000)
        settle(page)
        # V44's stages beside its first discussion (V43), drawn as HTML: the vote page draws no plotly chart.
        stages = page.locator(".st-key-vote_stages_chart .tracker-vbars-slot")
        stages.nth(1).wait_for(timeout=30_000)
        assert stages.count() == 2 and stages.nth(1).locator("[title]").count() == 3   # absences unknown: no bar
        assert page.locator("[data-testid='stException']").count() == 0
        assert page.locator(".js-plotly-plot").count() == 0
        # The party bars, drawn as HTML: the whole vote's 72-29-8 with the 30 yes needed marked, each number shown
        # where it fits (a party's one seat is too narrow for its number), each bar saying on hover what it counts.
        bars = page.locator(".st-key-vote_breakdown_chart .tracker-bars")
        whole = bars.locator(".tracker-hbars-bar").first
        assert whole.locator("b").all_text_contents() == ["72", "29", "8"]
        assert all(number.is_visible() for number in whole.locator("b").all())
        assert whole.locator("[title]").first.get_attribute("title") == "All members: 72 yes"
        assert bars.locator(".tracker-hbars-needed").text_content() == "needed: 30 yes"
        one_seat = bars.locator(".tracker-hbars-bar").nth(1)   # Alianza Bravo Pueblo: one seat, no
        assert one_seat.locator("b").text_content() == "1" and not one_seat.locator("b").is_visible()
        # The matching votes by year, above the list: one column for each year from 2016 to 2023.
        assert page.locator(".st-key-votes_by_year_chart .tracker-vbars-slot").count() == 8
        # The parliament chart, drawn as SVG: all 167 seats, each saying whose it is on hover, and its legend.
        arch = page.locator(".tracker-seats")
        arch.locator("circle").nth(166).wait_for(timeout=30_000)
        assert arch.locator("circle").count() == 167
        assert arch.locator("circle title").first.text_content().endswith(("Yes", "No", "Abstain", "Unknown"))
        legend = arch.locator("li").all_text_contents()
        assert "Yes (80)" in legend and "PJ · Primero Justicia (33)" in legend
        assert arch.locator("svg").get_attribute("aria-label").startswith("167 seats: 80 yes")
        # A click on the chart gives it the focus (it is one stop of the Tab key) but draws no focus ring round it.
        arch.locator("svg").click()
        role, said, ringed = page.evaluate(FOCUSED)
        assert (role, said.startswith("167 seats: 80 yes"), ringed) == ("img", True, False)
        page.screenshot(path=str(SCREENSHOTS / "vote.png"), full_page=False)
        # Its Download menu still gives the plotly figure: an SVG file with the seat count in it.
        menu = page.locator(".st-key-vote_hemicycle_downloads")
        menu.get_by_role("button", name="Download").click()
        with page.expect_download(timeout=60_000) as info:
            page.locator(".st-key-vote_hemicycle_files").get_by_role("button", name="SVG", exact=True).click()
        target = tmp_path / info.value.suggested_filename
        info.value.save_as(target)
        assert target.name.startswith("parliament_v44") and "167 seats" in target.read_text(encoding="utf-8")

        # Upload a CSV through the file input, import it, and find the new vote in the Votes table.
        csv = tmp_path / "water.csv"
        csv.write_text(NEW_VOTE, encoding="utf-8")
        page.goto(f"{server}/data")
        settle(page)
        page.locator("input[type=file]").set_input_files(str(csv))
        page.get_by_role("button", name="Import", exact=True).click(timeout=30_000)
        page.get_by_text("Imported.", exact=True).wait_for(timeout=60_000)
        page.goto(f"{server}/votes?q=water")
        settle(page)
        page.get_by_text("1 vote matches.").wait_for(timeout=30_000)
        row = page.locator(".tracker-vote-list tbody tr").filter(has_text="E2E1")
        row.wait_for(timeout=30_000)
        assert "Water Law of 2024" in row.text_content()
        # A click on its row opens it below the list, and the address names it.
        row.locator("td").first.click()
        page.get_by_role("heading", name="E2E1: Water Law of 2024").wait_for(timeout=30_000)
        page.wait_for_url("**vote=E2E1**", timeout=30_000)

        # Download the PNG of the Overview chart: a PNG file, twice (the second from the browser kept running).
        page.goto(f"{server}/")
        settle(page)
        page.locator(".tracker-vbars").wait_for(timeout=30_000)
        # The files are behind the chart's Download menu, made only when it is opened.
        assert page.get_by_role("button", name="PNG", exact=True).count() == 0
        page.get_by_role("button", name="Download", exact=True).first.click()
        button = page.get_by_role("button", name="PNG", exact=True).first
        button.wait_for(timeout=30_000)
        timings = []
        for _ in range(2):
            started = time.monotonic()
            with page.expect_download(timeout=60_000) as info:
                button.click()
            target = tmp_path / info.value.suggested_filename
            info.value.save_as(target)
            timings.append(time.monotonic() - started)
            assert target.name.startswith("outcomes-by-year") and target.suffix == ".png"
            assert target.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
        print(f"PNG download: first {timings[0]:.2f} s, second {timings[1]:.2f} s")
    finally:
        context.close()


def test_pages_ask_nothing_of_other_sites_so_the_dashboard_works_offline(browser, server):
    # A newsroom may run it on a machine without internet. The tab's icon was a Material symbol, which Streamlit
    # fetches from fonts.gstatic.com on every page load; an emoji is drawn in the page.
    from urllib.parse import urlparse

    context = browser.new_context(viewport={"width": 1300, "height": 900})
    elsewhere = []
    context.on("request", lambda request: elsewhere.append(request.url)
               if urlparse(request.url).hostname not in (None, "127.0.0.1", "localhost") else None)
    try:
        for path, title in PAGES.items():
            page = context.new_page()
            page.goto(f"{server}/{path}")
            page.get_by_role("heading", name=title, exact=True).wait_for(timeout=60_000)
            settle(page)
            assert page.locator("link[rel~='icon']").first.get_attribute("href").startswith("data:image/svg+xml")
            page.close()
    finally:
        context.close()
    assert elsewhere == []


# Each point of a kind in the first plot drawn as HTML: its size and whether its middle lies inside the plot.
POINTS = """kind => {
  const plot = document.querySelector('.tracker-xy-plot').getBoundingClientRect();
  return [...document.querySelectorAll(`.tracker-xy-plot > span.${kind}, .tracker-xy-points > circle.${kind}`)]
      .map(point => {
    const box = point.getBoundingClientRect(), x = box.x + box.width / 2, y = box.y + box.height / 2;
    return [Math.round(box.width), Math.round(box.height),
            plot.left <= x && x <= plot.right && plot.top <= y && y <= plot.bottom];
  });
}"""


# The element that has the focus: its role, its description and whether a focus ring is drawn round it.
FOCUSED = """() => {
  const on = document.activeElement;
  return [on.getAttribute('role'), on.getAttribute('aria-label'), getComputedStyle(on).outlineStyle !== 'none'];
}"""


# What is under the pointer at (x, y): its tag, class, stroke colour and hover text.
UNDER_THE_POINTER = """([x, y]) => {
  const found = document.elementFromPoint(x, y), title = found.querySelector('title');
  return [found.tagName, found.getAttribute('class'), getComputedStyle(found).stroke, title ? title.textContent : ''];
}"""


# Per column slot of the cohesion chart, per bar: its height in px, whether it stands on the plot's floor, whether it
# lies inside the plot.
COHESION_COLUMNS = """() => {
    const plot = document.querySelector('.tracker-vbars-plot').getBoundingClientRect();
    return Array.from(document.querySelectorAll('.tracker-vbars-slot.grouped')).map(slot =>
        Array.from(slot.children).map(bar => {
            const box = bar.getBoundingClientRect();
            return [box.height, Math.abs(box.bottom - plot.bottom) <= 1.5,
                    box.top >= plot.top && box.left >= plot.left && box.right <= plot.right];
        }));
}"""


def points_inside_the_plot(page, kind: str, size: int = 8) -> int:
    """How many points of a kind (l: a line's, m: a member's, p: on the map) a chart drawn as HTML shows, each `size`
    px across and as tall (a circle stays round at any width); fails if one lies outside its plot."""
    points = page.evaluate(POINTS, kind)
    assert all(width == size and height == size for width, height, _ in points), points[:5]
    assert all(inside for _, _, inside in points), [p for p in points if not p[2]][:5]
    return len(points)


def test_members_page_in_a_real_browser(browser, member_server):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1400, "height": 1500})
    page = context.new_page()
    try:
        # Trends first: cohesion lines drawn as HTML, a line per party and every point inside the plot.
        page.goto(f"{member_server}/trends")
        page.locator(".tracker-xy").wait_for(timeout=60_000)
        settle(page)
        parties = page.locator(".tracker-bars-legend li").count()   # 4 in the demo, the Bundestag's 5 or more
        assert parties >= 4 and page.locator(".tracker-xy-plot polyline").count() == parties
        assert points_inside_the_plot(page, "l") >= parties
        assert page.locator(".js-plotly-plot").count() == 0
        # The Parties page's cohesion: two columns per party, each standing on the plot's floor and inside it.
        page.goto(f"{member_server}/parties?chart=Cohesion")
        page.locator(".tracker-vbars-slot.grouped").first.wait_for(timeout=60_000)
        settle(page)
        columns = page.evaluate(COHESION_COLUMNS)
        assert len(columns) == parties and all(len(slot) == 2 for slot in columns)
        assert all(0 < height and floor and inside for slot in columns for height, floor, inside in slot), columns
        assert page.locator(".js-plotly-plot").count() == 0
        page.goto(f"{member_server}/members")
        page.get_by_role("heading", name="Members", exact=True).wait_for(timeout=30_000)
        settle(page)
        assert page.locator("[data-testid='stException']").count() == 0
        # The participation/loyalty chart (drawn as HTML: a point per member, each inside the plot), then (in its
        # tab) the map of where members stand with its party centres.
        page.locator(".tracker-xy").wait_for(timeout=60_000)
        assert "participation" in page.locator(".tracker-xy").text_content()
        listed = int(re.search(r"\(([0-9,]+) members\)", page.get_by_text("Every member's numbers").text_content())
                     .group(1).replace(",", ""))   # 60 in the demo, 665 in the Bundestag's
        drawn = points_inside_the_plot(page, "m")
        said = page.locator(".tracker-xy").get_attribute("aria-label")
        assert 0 < drawn <= listed and f": {drawn:,} members (" in said
        assert page.locator(".tracker-xy-points > circle > title").first.text_content().count("participation") == 1
        # The pointer over a member finds that member's circle (its title is the hover text) and rings it in black.
        box = page.locator(".tracker-xy-points > circle.m").last.bounding_box()
        middle = [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2]
        page.mouse.move(*middle)
        under = page.evaluate(UNDER_THE_POINTER, middle)
        assert under[:3] == ["circle", "m", "rgb(0, 0, 0)"] and "participation" in under[3], under
        # From the open tab, the Tab key goes to the chart first, which says what it shows.
        page.get_by_role("tab", name="Participation and loyalty").focus()
        page.keyboard.press("Tab")
        assert page.evaluate(FOCUSED) == ["img", said, True]   # reached by the keyboard: its ring drawn
        page.screenshot(path=str(SCREENSHOTS / "members-chart-focused.png"))
        page.get_by_role("tab", name="Where members stand").click()
        settle(page)
        # The map, drawn as HTML: a point per member placed, inside the plot, and each party's centre named.
        the_map = page.locator("figure.tracker-bars").filter(has=page.locator(".tracker-xy.square"))
        the_map.wait_for(timeout=60_000)
        assert "party centre" in the_map.locator(".tracker-bars-legend").text_content()
        assert points_inside_the_plot(page, "p", size=7) > 0
        assert page.locator(".js-plotly-plot").count() == 0
        assert "section=Where" in page.url   # the open tab is kept in the link
        page.screenshot(path=str(SCREENSHOTS / "members.png"))
        # Error bars and the cutting line of the newest vote, with the members on its wrong side ringed.
        page.get_by_text("Show 90 % intervals", exact=True).click()
        settle(page)
        page.locator(".tracker-xy-plot path").first.wait_for(state="attached", timeout=30_000)
        page.get_by_role("combobox", name="Cutting line of a vote").click()
        page.get_by_role("option").nth(1).click()
        settle(page)
        page.locator(".tracker-xy-plot line[stroke-dasharray]").wait_for(state="attached", timeout=30_000)
        the_map.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        assert page.locator("[data-testid='stException']").count() == 0
        assert "cutting line" in the_map.text_content() and "yes side" in the_map.text_content()
        rings = page.locator(".tracker-xy-plot > span.w").count()
        assert f"wrong side of the line ({rings})" in the_map.text_content()
        the_map.screenshot(path=str(SCREENSHOTS / "members-map.png"))
    finally:
        context.close()


def test_a_rebellion_lists_its_vote_whose_title_opens_that_vote_on_the_votes_page(browser, member_server):
    context = browser.new_context(viewport={"width": 1400, "height": 1200})
    page = context.new_page()
    try:
        page.goto(f"{member_server}/members?section=Rebellions")
        rows = page.locator(".tracker-rebellion-list tbody tr")
        rows.first.wait_for(timeout=60_000)
        settle(page)
        assert page.locator("[data-testid='stDataFrame']").count() == 0   # a plain list, not a data grid
        headings = page.locator(".tracker-rebellion-list th").all_text_contents()
        assert headings == ["date", "vote_id", "title", "name", "party", "position", "party_position"]
        dates = page.locator(".tracker-rebellion-list tbody td:nth-child(1)").all_text_contents()
        assert dates == sorted(dates, reverse=True)   # newest first
        # The first 100 rows are drawn until all are asked for (the Bundestag's 2,874 rebellions: 500 listed).
        said = page.get_by_text("votes cast against the member's party position").text_content()
        listed = min(500, int(re.match(r"([0-9,]+) votes", said).group(1).replace(",", "")))
        more = page.locator(".tracker-rebellion-list .more button")
        if listed > 100:
            assert rows.count() == 100 and more.text_content() == f"Show all {listed} rebellions"
            more.click()
            assert rows.count() == listed and more.count() == 0
        else:
            assert rows.count() == listed and more.count() == 0
        first = rows.first
        vote_id = first.locator("td:nth-child(2)").text_content()
        position, party_position = (first.locator(f"td:nth-child({n})").text_content() for n in (6, 7))
        assert position != party_position and {position, party_position} <= {"yes", "no", "abstain"}
        link = first.locator("a")
        link.hover()
        assert link.get_attribute("href").endswith(f"/votes?vote={vote_id}")   # no Members section carried over
        link.click()
        page.get_by_role("heading", name=f"{vote_id}: ", exact=False).first.wait_for(timeout=60_000)
        assert re.search(rf"/votes\?vote={re.escape(vote_id)}$", page.url)
        settle(page)
        assert page.locator("[data-testid='stException']").count() == 0
        # The vote is shown below the Votes list (over 1,000 px down): the page has scrolled to it, and its heading
        # is in view under the top bar.
        top = page.get_by_role("heading", name=f"{vote_id}: ", exact=False).first.bounding_box()["y"]
        assert 40 < top < 250, top
        # A vote opened by a click in the list does not move the page: the reader stays at the list.
        page.locator("[data-testid='stMain']").evaluate("main => main.scrollTo(0, 0)")
        listed = page.locator(".tracker-vote-list tbody tr")
        row = next(listed.nth(i) for i in range(listed.count())
                   if listed.nth(i).locator("td:nth-child(2)").text_content() != vote_id)
        other, before = row.locator("td:nth-child(2)").text_content(), row.bounding_box()["y"]
        row.locator("td").first.click()
        page.get_by_role("heading", name=f"{other}: ", exact=False).first.wait_for(timeout=60_000)
        settle(page)
        assert abs(row.bounding_box()["y"] - before) < 2
        assert page.get_by_role("heading", name=f"{other}: ", exact=False).first.bounding_box()["y"] > before
    finally:
        context.close()
