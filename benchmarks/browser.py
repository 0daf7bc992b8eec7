"""What a user feels, in real Chromium: from an action until Streamlit is idle and every chart has drawn.

`python benchmarks/browser.py --scale 14m` generates the synthetic parliament (or reuses `--work/<scale>.duckdb`),
starts `streamlit run app.py` on it and, page by page, measures in Chromium (Playwright, Debian's /usr/bin/chromium):

- cold visit: the first visit to the page after the server has started (a new server for every sample), in a
  browser that has loaded the dashboard before (one browser profile on disk for the run, one server address, so
  Streamlit's scripts and plotly.js come from its cache, compiled code included, as in a reader's browser;
  `--incognito` keeps the profile in memory instead; the run's very first visit, with an empty cache, is reported
  on its own); at once
  by default, or `--cold-after SECONDS` after the server answers (its background reads done);
- second visit: the same address again in a new tab of the same server;
- widget change: a new "From" date typed into the sidebar (a new value every time, so no cache can answer);
- URL change: the page's address with a new date range, loaded as a link would be;
- on Votes, opening a vote by clicking its row; on a vote's page, a search in its member list;
- tab change: a click on the page's next tab (Parties, Members);
- on Members of a database without a kept map, "Fit the map" until the map has drawn (`--fit-map`).

A sample ends when no script run is in progress on the server (the timing log the dashboard writes when
TRACKER_TIMING_LOG is set), Streamlit's status widget is gone, every plotly chart on the page has drawn, and nothing
on the page has changed for QUIET_MS; its time is from the action (for a click, from when the mouse click is sent:
see `click`) to the last change on the page. The server's script time of the runs the action caused is recorded
beside it. Each page's figures (metric values and the numbers every chart draws) are fingerprinted, so
`--compare OLD.json` tells whether a change altered what a page shows.
Results go to benchmarks/results/browser-<scale>-<time>.json; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
PROJECT = BENCHMARKS.parent
sys.path.insert(0, str(PROJECT))

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1400, "height": 1000}
QUIET_MS = 400          # nothing on the page changed for this long: the page is done
TIMEOUT_S = 180.0
TARGETS_MS = {"widget change": 300, "url change": 300, "open a vote": 500, "cold visit": 2000,
              "fit the map": 2000, "member search": 300, "tab change": 300}
# members × votes, as benchmarks/run.py generates them
SCALES = {"tiny": (60, 50, 5), "1m": (500, 2_000, 8), "14m": (700, 20_000, 8), "25m": (1_000, 25_000, 10)}

# Installed before any page script: the time of the last change anywhere on the page (the status widget aside), and
# when the browser's main thread had painted the frame showing it (a task posted from that frame's animation callback
# runs once the frame's style, layout and paint are done).
WATCH_PAGE = """
(() => {
  window.__bench = {last: 0, painted: 0};
  let frameAsked = false;
  const paintedAt = () => { window.__bench.painted = performance.timeOrigin + performance.now(); };
  const afterFrame = () => {
    frameAsked = false;
    const channel = new MessageChannel();
    channel.port1.onmessage = paintedAt;
    channel.port2.postMessage(0);
  };
  const watch = () => {
    new MutationObserver((records) => {
      for (const r of records) {
        const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
        if (el && el.closest && el.closest('[data-testid="stStatusWidget"]')) continue;
        window.__bench.last = performance.timeOrigin + performance.now();
        if (!frameAsked) { frameAsked = true; requestAnimationFrame(afterFrame); }
        break;
      }
    }).observe(document.documentElement, {subtree: true, childList: true, attributes: true, characterData: true});
  };
  if (document.documentElement) watch(); else document.addEventListener('readystatechange', watch, {once: true});
})();
"""
# Every chart's element (its key ends in _chart: tracker/ui/widgets.py), counted from when the page has it, drawn once
# plotly.js has drawn in it or our own SVG markup is in it.
PAGE_STATE = """() => {
  const charts = [...document.querySelectorAll('.stElementContainer')].filter(e =>
      [...e.classList].some(c => c.startsWith('st-key-') && c.endsWith('_chart')));
  const drawn = (chart) => [...chart.querySelectorAll('.js-plotly-plot')].some(p => p._fullLayout &&
      p.querySelector('.main-svg')) || !!chart.querySelector('.tracker-drawn > *');
  return {last: window.__bench ? window.__bench.last : 0,
          painted: window.__bench ? window.__bench.painted : 0,
          now: performance.timeOrigin + performance.now(),
          running: !!document.querySelector('[data-testid="stStatusWidget"]'),
          app: !!document.querySelector('[data-testid="stApp"]'),
          charts: charts.length,
          drawn: charts.filter(drawn).length,
          exception: !!document.querySelector('[data-testid="stException"]')};
}"""
FIGURES = """() => {
  // Finite numbers only (a heatmap's empty cells are NaN, which would not sort the same way twice).
  const numbers = (v) => v == null ? [] : (typeof v === 'number' ? (isFinite(v) ? [v] : []) :
      (Array.isArray(v) || ArrayBuffer.isView(v) ? Array.from(v).flatMap(numbers) : []));
  const strings = (v) => v == null ? [] : (typeof v === 'string' ? [v] :
      (Array.isArray(v) ? v.flatMap(strings) : []));
  return {
    metrics: [...document.querySelectorAll('[data-testid="stMetricValue"]')].map(e => e.textContent.trim()),
    charts: [...document.querySelectorAll('.js-plotly-plot')].map(p => ({
      title: (p.layout && p.layout.title && p.layout.title.text) || '',
      // _fullData: the traces as plotly.js drew them (typed arrays decoded), not the spec's base64 blocks.
      numbers: (p._fullData || []).flatMap(t => [...numbers(t.x), ...numbers(t.y), ...numbers(t.z)]),
      labels: (p._fullData || []).flatMap(t => [...strings(t.x), ...strings(t.y)]),
    })),
    // Charts drawn as our own markup: their title, seat count and legend as the page says them, and each bar's or
    // point's hover text (every number and label it draws; a member's circle has it as an SVG title).
    drawn: [...document.querySelectorAll('.tracker-drawn')].map(d =>
      [...d.querySelectorAll('.tracker-seats-title, .tracker-bars-title, svg > text, li, .tracker-bars [title], ' +
                             '.tracker-xy-points title')]
        .map(e => (e.getAttribute('title') || e.textContent).trim())),
  };
}"""


@dataclass
class Page:
    """A page as a user reaches it: its address and the actions measured on it."""

    name: str
    path: str
    params: dict[str, str] = field(default_factory=dict)
    actions: tuple[str, ...] = ("widget change", "url change")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


FLOOR_APP = """from datetime import date

import streamlit as st

from tracker.ui import timing

with timing.rerun("script") as timed:
    timed["page"] = "floor"
    chosen = st.sidebar.date_input("From", value=None, format="YYYY-MM-DD", min_value=date(1800, 1, 1),
                                   max_value=date(2100, 12, 31))
    st.write(f"A one-line page with one date input: what any Streamlit page costs here ({chosen}).")
"""


class Server:
    """`streamlit run app.py` on a free port, logging every rerun's script time to a file."""

    def __init__(self, db: Path, work: Path, app: str = "app.py", project: Path = PROJECT, port: int = 0) -> None:
        self.db, self.log, self.app, self.project = db, work / "reruns.jsonl", app, project
        # One port for every start: the browser's cache of Streamlit's scripts is kept per address.
        self.port = port or free_port()
        self.output = work / "streamlit.log"
        self.process: subprocess.Popen | None = None
        self.url = ""
        self.started_s = 0.0

    def start(self) -> None:
        """Start the server and wait for its health check."""
        self.log.write_text("")
        port = self.port
        env = {**os.environ, "TRACKER_DB": str(self.db), "TRACKER_UPLOADS": "open",
               "TRACKER_TIMING_LOG": str(self.log), "PYTHONPATH": str(self.project)}
        began = time.perf_counter()
        with open(self.output, "w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", self.app, "--server.headless", "true", "--server.port",
                 str(port), "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
                cwd=self.project, env=env, stdout=out, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("streamlit did not start:\n" + self.output.read_text()[-3000:])
            time.sleep(0.05)
        self.started_s = time.perf_counter() - began

    def stop(self) -> None:
        """Stop the server."""
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None

    def runs(self, since: float) -> tuple[list[dict], bool]:
        """The script runs that ended after `since` (epoch s), and whether one is still in progress."""
        starts, ends = set(), []
        for line in self.log.read_text().splitlines():
            record = json.loads(line)
            if record["event"] == "start":
                starts.add((record["t"], record["session"]))
            else:
                starts.discard((record["start"], record["session"]))
                if record["t"] >= since:
                    ends.append(record)
        return ends, bool(starts)


class Dates:
    """A new date range for every use, inside the data's range, so that no cache can answer."""

    def __init__(self, first: date, last: date) -> None:
        self.first, self.span, self.used = first, max((last - first).days, 2), 0

    def next(self) -> tuple[str, str]:
        self.used += 1
        # Start dates spread over the first fifth of the term; end dates over the last.
        step = (self.used * 7919) % max(self.span // 5, 1)
        start = self.first + timedelta(days=step)
        end = self.first + timedelta(days=self.span - 1 - (self.used * 104_729) % max(self.span // 5, 1))
        return start.isoformat(), end.isoformat()


def wait_until_drawn(page, server: Server, began: float, need_run: bool = True) -> dict:
    """Milliseconds from `began` (epoch s) to the last change on the page once it is done; with the runs it caused."""
    deadline = time.monotonic() + TIMEOUT_S
    while True:
        state = page.evaluate(PAGE_STATE)
        ends, in_progress = server.runs(began - 0.01)
        last_end = max((e["t"] for e in ends), default=0.0) * 1000
        settled_at = max(state["last"], last_end)
        done = (state["app"] and not state["running"] and not in_progress and state["charts"] == state["drawn"]
                and (ends or not need_run) and state["now"] - settled_at >= QUIET_MS)
        if done:
            painted = state["painted"] - began * 1000 if state["painted"] >= state["last"] else None
            return {"ms": settled_at - began * 1000, "script_ms": [round(e["script_ms"], 1) for e in ends],
                    "painted_ms": painted,
                    "pages": sorted({e["page"] for e in ends if e["page"]}), "charts": state["charts"],
                    "exception": state["exception"]}
        if time.monotonic() > deadline:
            raise TimeoutError(f"the page did not settle within {TIMEOUT_S:.0f} s: {state}, runs {ends}")
        time.sleep(0.02)


def address(server: Server, page: Page, **params: str) -> str:
    query = {**page.params, **params}
    return f"{server.url}/{page.path}" + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def visit(context, server: Server, url: str) -> tuple[dict, object]:
    """Open `url` in a new tab and wait until it has drawn."""
    tab = context.new_page()
    began = time.time()
    tab.goto(url)
    return wait_until_drawn(tab, server, began), tab


def set_sidebar_date(tab, server: Server, label: str, value: str) -> dict:
    """Type a date into the sidebar's date input `label` and leave the field, as a user would (that sends it)."""
    field_ = tab.locator("[data-testid='stSidebar'] [data-testid='stDateInput']").filter(has_text=label)
    field_.locator("[data-type=year]").click()
    tab.keyboard.type(value.replace("-", ""))
    tab.keyboard.press("Tab")   # to the field's calendar button
    began = time.time()
    tab.keyboard.press("Tab")   # out of the field: the new date is sent
    return wait_until_drawn(tab, server, began)


def search_members(tab, server: Server, text: str) -> dict:
    """Type a name into a vote's member search and press Enter (the member list is opened first when closed)."""
    box = tab.get_by_label("Search member names")
    if box.count() == 0:
        began = time.time()
        tab.get_by_text("The list of", exact=False).first.click()
        wait_until_drawn(tab, server, began)
    if tab.locator(".tracker-member-list").count():
        # The list of tracker/ui/lists.py filters its rows in the page as the name is typed; Enter then sends the
        # search to the server at once (for the CSV of the members found), and the page is done after that rerun.
        began = time.time()
        box.fill(text)   # returns once the input's handler has run, which filters the rows there and then
        shown_ms = (time.time() - began) * 1000
        box.press("Enter")
        return {**wait_until_drawn(tab, server, began), "shown_ms": shown_ms}
    box.fill(text)   # a checkout before that list: Streamlit's text box sends the search on Enter, and the grid follows
    began = time.time()
    box.press("Enter")
    return wait_until_drawn(tab, server, began)


def open_vote_by_row(tab, server: Server, row: int) -> dict:
    """Click a row of the Votes list (its date); the vote's page opens below.

    A checkout from before the list (tracker/ui/vote_list.py) had a data grid: there, its row's selection box.
    """
    listed = tab.locator(".tracker-vote-list tbody tr")
    # The list draws in the browser after the run that sent it: wait for it (or an older checkout's grid) first.
    tab.locator(".tracker-vote-list tbody tr, [data-testid='stDataFrame']").first.wait_for(timeout=60_000)
    if listed.count():
        began = click(tab, listed.nth(row).locator("td").first)
        return wait_until_drawn(tab, server, began)
    grid = tab.locator("[data-testid='stDataFrame']").first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    began = time.time()
    tab.mouse.click(box["x"] + 18, box["y"] + 35 * (row + 1) + 17)
    return wait_until_drawn(tab, server, began)


def switch_tab(tab, server: Server, i: int) -> dict | None:
    """Open the next of the page's tabs (each shows one chart or table, computed when opened); None without tabs."""
    tabs = tab.get_by_role("tab")
    if tabs.count() < 2:
        return None
    selected = [tabs.nth(j).get_attribute("aria-selected") == "true" for j in range(tabs.count())]
    target = tabs.nth((selected.index(True) + 1) % tabs.count() if True in selected else (i + 1) % tabs.count())
    began = click(tab, target)
    return wait_until_drawn(tab, server, began)


def fit_map(tab, server: Server) -> dict:
    """Press "Fit the map" and wait until the map has drawn."""
    began = click(tab, tab.get_by_role("button", name="Fit the map"))
    return wait_until_drawn(tab, server, began)


def click(tab, target) -> float:
    """Click the middle of `target` with the mouse, as a reader would; the time (epoch s) the click was sent.

    It is scrolled into view and measured first. Playwright's locator.click() checks the element (visible, stable
    over two frames, hit by the pointer) before it clicks: 40-90 ms here that no reader waits for, and that results
    before 2026-12-07T20:00 counted in "tab change" and "fit the map" ("open a vote" already clicked this way).
    """
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    began = time.time()
    tab.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    return began


def fingerprint(tab, server: Server) -> dict:
    """What the page shows, as numbers: metric values and, per chart title, a hash of the values it draws.

    On a page with tabs every tab is opened in turn (and the one open before again at the end), so every chart counts.
    """
    charts: dict[str, dict] = {}
    shown = tab.evaluate(FIGURES)
    metrics_shown = shown["metrics"]
    tabs = tab.get_by_role("tab")
    opened = next((i for i in range(tabs.count()) if tabs.nth(i).get_attribute("aria-selected") == "true"), 0)
    first_shown = shown
    for i in range(max(1, tabs.count())):
        shown = first_shown
        if i != opened:
            began = time.time()
            tabs.nth(i).click()
            wait_until_drawn(tab, server, began)
            shown = tab.evaluate(FIGURES)
        for chart in shown["charts"]:
            numbers = sorted(round(float(v), 6) for v in chart["numbers"])
            labels = sorted(chart["labels"])
            digest = hashlib.sha256(json.dumps([numbers, labels]).encode()).hexdigest()[:16]
            title = re.sub(r"<[^>]+>", "", chart["title"])   # Streamlit's theme wraps titles in <b>
            charts[title] = {"values": len(numbers), "labels": len(labels), "sha": digest}
        for texts in shown.get("drawn", []):
            if texts:
                charts[texts[0]] = {"values": 0, "labels": len(texts) - 1,
                                    "sha": hashlib.sha256(json.dumps(texts[1:]).encode()).hexdigest()[:16]}
    if tabs.count() > 1:
        began = time.time()
        tabs.nth(opened).click()
        wait_until_drawn(tab, server, began)
    return {"metrics": metrics_shown, "charts": charts}


def summary(samples: list[dict]) -> dict:
    """Median, min, max and n of a list of samples, and of the script time they caused."""
    ms = [s["ms"] for s in samples]
    script = [sum(s["script_ms"]) for s in samples]
    return {"median_ms": round(statistics.median(ms), 1), "min_ms": round(min(ms), 1), "max_ms": round(max(ms), 1),
            "n": len(ms), "script_median_ms": round(statistics.median(script), 1),
            "runs_median": statistics.median(len(s["script_ms"]) for s in samples),
            "samples": [{"ms": round(s["ms"], 1), "script_ms": s["script_ms"],
                         **({} if s.get("painted_ms") is None else {"painted_ms": round(s["painted_ms"], 1)})}
                        for s in samples],
            **_painted(samples), **_shown(samples)}


def _painted(samples: list[dict]) -> dict:
    """When the frame showing the last change had been painted (the browser's main thread done with it): median."""
    painted = [s["painted_ms"] for s in samples if s.get("painted_ms") is not None]
    return {"painted_median_ms": round(statistics.median(painted), 1)} if painted else {}


def _shown(samples: list[dict]) -> dict:
    """When the rows were shown before the page was done (a member search filtered in the page): their median etc."""
    shown = [s["shown_ms"] for s in samples if "shown_ms" in s]
    if not shown:
        return {}
    return {"shown_median_ms": round(statistics.median(shown), 1), "shown_min_ms": round(min(shown), 1),
            "shown_max_ms": round(max(shown), 1), "shown_n": len(shown)}


def build_database(scale: str, work: Path) -> Path:
    """The scale's synthetic parliament, generated with `python -m tracker demo` unless it is already there."""
    db = work / f"{scale}.duckdb"
    if not db.exists():
        members, votes, parties = SCALES[scale]
        work.mkdir(parents=True, exist_ok=True)
        print(f"generating {scale}: {members} members x {votes} votes ...", flush=True)
        subprocess.run([sys.executable, "-m", "tracker", "--db", str(db), "demo", "--members", str(members),
                        "--votes", str(votes), "--parties", str(parties), "--seed", "1"], cwd=PROJECT, check=True,
                       stdout=subprocess.DEVNULL)
    return db


def database_facts(db: Path) -> dict:
    """Dates, votes and member votes of the database, and a few vote ids to open."""
    from tracker import store

    con = store.connect(db, read_only=True)
    try:
        first, last, votes = con.one("select min(date), max(date), count(*) from votes")
        member_votes = con.one("select count(*) from member_votes")[0]
        latest = [r[0] for r in con.cursor().execute(
            "select vote_id from votes order by date desc, vote_id desc limit 40").fetchall()]
        staged = [r[0] for r in con.cursor().execute(
            "select vote_id from votes where matter in (select matter from votes group by matter having count(*) > 1)"
            " order by date desc, vote_id desc limit 40").fetchall()]
    finally:
        con.close()
    return {"first": first, "last": last, "votes": votes, "member_votes": member_votes, "latest": latest,
            "staged": staged}


def remove_kept_map(db: Path) -> int:
    """Delete the kept all-votes fits beside the database, so that the Members page offers "Fit the map"."""
    removed = 0
    for path in db.parent.glob(f"{db.name}.*ideal-point*"):
        path.unlink()
        removed += 1
    return removed


def pages_for(facts: dict, wanted: list[str] | None) -> list[Page]:
    """The pages measured, each with the actions that make sense on it."""
    vote = facts["latest"][0]
    pages = [
        Page("overview", ""),
        Page("votes", "votes", actions=("widget change", "url change", "open a vote")),
        Page("vote", "votes", {"vote": vote}, actions=("member search", "url change")),
        Page("parties", "parties", actions=("widget change", "url change", "tab change")),
        Page("trends", "trends"),
        Page("members", "members", actions=("widget change", "url change", "tab change")),
    ]
    # Measured only when named: the views whose charts were plotly's until they were drawn as HTML (2026-12-07), and
    # a vote whose matter has other stages (its page compares them), opened at its address and from the list.
    more = [Page("cohesion", "parties", {"chart": "Cohesion"}), Page("outcomes", "trends", {"measure": "outcomes"}),
            Page("positions", "parties", {"chart": "Positions by vote"})]
    if facts["staged"]:
        more.append(Page("stages", "votes", {"vote": facts["staged"][0]}, actions=("url change", "open a vote")))
    return [p for p in pages if not wanted or p.name in wanted] + [p for p in more if wanted and p.name in wanted]


def measure_page(context, servers: list[Server], page: Page, facts: dict, cold: int, samples: int,
                 screenshots: Path | None, cold_after: float = 0.0) -> list[dict]:
    """Per server (one per checkout): cold and second visits on a new server each round, and the page's actions.

    The cold visit starts cold_after seconds after the server answers its health check (0: at once).

    With two checkouts the rounds alternate between them (A, B, A, B, ...), so both see the same machine; each
    round takes its share of every action's samples, with the same dates and votes for both.
    """
    found = [{"cold visit": [], "second visit": [], **{a: [] for a in page.actions}} for _ in servers]
    results = [{"url": "", "figures": None} for _ in servers]
    dates = [Dates(facts["first"], facts["last"]) for _ in servers]   # the same sequence for each checkout
    shares = [range(k * samples // cold, (k + 1) * samples // cold) for k in range(cold)]
    for k in range(cold):
        for server, measured, result, own_dates in zip(servers, found, results, dates, strict=True):
            server.start()
            try:
                url = address(server, page)
                result["url"] = url.replace(server.url, "")
                time.sleep(cold_after)
                first, tab = visit(context, server, url)
                measured["cold visit"].append(first)
                second, tab = visit(context, server, url)
                measured["second visit"].append(second)
                if k == 0:
                    result["figures"] = fingerprint(tab, server)
                    if screenshots is not None and server is servers[0]:
                        tab.screenshot(path=str(screenshots / f"browser-{page.name}.png"), full_page=True)
                for action in page.actions:
                    for i in shares[k]:
                        sample = run_action(context, tab, server, page, action, facts, own_dates, i)
                        if sample is not None:
                            measured[action].append(sample)
            finally:
                close_tabs(context)
                server.stop()
    for measured, result in zip(found, results, strict=True):
        result["actions"] = {name: summary(s) for name, s in measured.items() if s}
        result["exceptions"] = sum(s["exception"] for s in sum(measured.values(), []))
    return results


def close_tabs(context) -> None:
    """Close every tab of the browser (its cache stays)."""
    for tab in list(context.pages):
        tab.close()


def warm_up(context, server: Server, pages: list[Page]) -> dict:
    """Each page once on a new server, so later cold visits find Streamlit's scripts in the browser's cache.

    Returns the first of them: a first visit with an empty browser cache.
    """
    server.start()
    try:
        first, _ = visit(context, server, address(server, pages[0]))
        for page in pages[1:]:
            visit(context, server, address(server, page))
    finally:
        close_tabs(context)
        server.stop()
    return summary([first])


def run_action(context, tab, server: Server, page: Page, action: str, facts: dict, dates: Dates,
               i: int) -> dict | None:
    """One sample of an action on a page that has drawn."""
    if action == "widget change":
        return set_sidebar_date(tab, server, "From", dates.next()[0])
    if action == "url change":
        if page.name in ("vote", "stages"):
            others = facts["staged" if page.name == "stages" else "latest"]
            other = others[(i + 1) % len(others)]
            measured, new_tab = visit(context, server, address(server, page, vote=other))
        else:
            start, end = dates.next()
            measured, new_tab = visit(context, server, address(server, page, **{"from": start, "to": end}))
        new_tab.close()
        return measured
    if action == "tab change":
        return switch_tab(tab, server, i)
    if action == "member search":
        return search_members(tab, server, f"member {i + 1}")
    if action == "open a vote":
        listing, row = address(server, page), i % 10
        if page.name == "stages":   # the list searched for a staged vote's id: its one row
            listing, row = address(server, Page("votes", "votes", {"q": facts["staged"][i % len(facts["staged"])]})), 0
        measured, votes_tab = visit(context, server, listing)
        opened = open_vote_by_row(votes_tab, server, row)
        votes_tab.close()
        return {**opened, "before_ms": measured["ms"]}
    raise ValueError(action)


def measure_fit_map(context, servers: list[Server], db: Path, samples: int) -> list[dict | None]:
    """"Fit the map" on the Members page's map tab, after removing the kept fit each time (a new server for each).

    With several servers (checkouts), their samples alternate; one summary per server.
    """
    found: list[list[dict] | None] = [[] for _ in servers]
    for _ in range(samples):
        for i, server in enumerate(servers):
            remove_kept_map(db)
            server.start()
            try:
                _, tab = visit(context, server, f"{server.url}/members?section=Where+members+stand")
                if tab.get_by_role("button", name="Fit the map").count() == 0:
                    found[i] = None   # small enough to be fitted on the first visit
                elif found[i] is not None:
                    found[i].append(fit_map(tab, server))
            finally:
                close_tabs(context)
                server.stop()
    return [summary(f) if f else None for f in found]


def measure_floor(context, db: Path, work: Path, samples: int, port: int) -> dict:
    """A one-line Streamlit page served and visited the same way: what no page of ours can beat.

    Its first visit is the run's first, with an empty browser cache.
    """
    app = work / "floor_app.py"
    app.write_text(FLOOR_APP)
    server = Server(db, work, app=str(app), port=port)
    server.start()
    try:
        first, tab = visit(context, server, server.url)
        found = []
        for _ in range(samples):
            measured, tab = visit(context, server, server.url)
            found.append(measured)
        dates = Dates(date(2001, 1, 1), date(2020, 12, 31))
        changes = [set_sidebar_date(tab, server, "From", dates.next()[0]) for _ in range(samples)]
    finally:
        close_tabs(context)
        server.stop()
    return {"first visit, empty browser cache": summary([first]), "second visit": summary(found),
            "widget change": summary(changes)}


def compare(old: dict, new: dict) -> dict[str, list[str]]:
    """Per page, what differs between two results files: metric values, and charts of the same title."""
    differences: dict[str, list[str]] = {}
    for name, page in new["pages"].items():
        before = (old.get("pages", {}).get(name) or {}).get("figures")
        after = page.get("figures")
        if not before or not after:
            continue
        found = []
        if before["metrics"] != after["metrics"]:
            found.append(f"metrics {before['metrics']} -> {after['metrics']}")
        for title, chart in after["charts"].items():
            if title in before["charts"] and before["charts"][title]["sha"] != chart["sha"]:
                found.append(f"chart '{title}'")
        differences[name] = found
    return differences


def table(results: dict) -> str:
    """The results as a Markdown table: one row per page and action (with --against, its medians beside)."""
    against = results.get("against", {}).get("pages", {})
    lines = [f"{results['member_votes']:,} member votes ({results['scale']}), {results['measured_at']}", "",
             "| page | action | median ms | min | max | n | script ms (median) | target ms |"
             + (" against: median ms | against: script ms | faster by |" if against else ""),
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |" + (" ---: | ---: | ---: |" if against else "")]
    for name, page in results["pages"].items():
        for action, s in page["actions"].items():
            target = TARGETS_MS.get(action, "")
            row = (f"| {name} | {action} | {s['median_ms']:,.0f} | {s['min_ms']:,.0f} | {s['max_ms']:,.0f} "
                   f"| {s['n']} | {s['script_median_ms']:,.0f} | {target} |")
            other = against.get(name, {}).get("actions", {}).get(action)
            if against:
                row += (f" {other['median_ms']:,.0f} | {other['script_median_ms']:,.0f} | "
                        f"{other['median_ms'] / s['median_ms']:.1f}× |" if other else " – | – | – |")
            lines.append(row)
            if "shown_median_ms" in s:   # the rows were filtered in the page before the server's rerun ended
                lines.append(f"| {name} | {action}: rows shown | {s['shown_median_ms']:,.0f} "
                             f"| {s['shown_min_ms']:,.0f} | {s['shown_max_ms']:,.0f} | {s['shown_n']} | – | {target} |"
                             + (" – | – | – |" if against else ""))
    if results.get("first_visit_empty_cache"):
        s = results["first_visit_empty_cache"]
        lines.append(f"| {s['page']} | first visit, empty browser cache | {s['median_ms']:,.0f} | {s['min_ms']:,.0f} "
                     f"| {s['max_ms']:,.0f} | {s['n']} | {s['script_median_ms']:,.0f} | |")
    for action, s in results.get("floor", {}).items():
        lines.append(f"| one-line page (floor) | {action} | {s['median_ms']:,.0f} | {s['min_ms']:,.0f} "
                     f"| {s['max_ms']:,.0f} | {s['n']} | {s['script_median_ms']:,.0f} | |")
    if results.get("fit_map"):
        s = results["fit_map"]
        row = (f"| members | fit the map | {s['median_ms']:,.0f} | {s['min_ms']:,.0f} | {s['max_ms']:,.0f} "
               f"| {s['n']} | {s['script_median_ms']:,.0f} | {TARGETS_MS['fit the map']} |")
        other = results.get("against", {}).get("fit_map")
        if other:
            row += (f" {other['median_ms']:,.0f} | {other['script_median_ms']:,.0f} | "
                    f"{other['median_ms'] / s['median_ms']:.1f}× |")
        lines.append(row)
    return "\n".join(lines)


def _commit(project: Path) -> str:
    """The checkout's commit (and '+changes' when its work tree differs from it)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=project, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=project,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+changes" if dirty else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=list(SCALES), default="1m")
    parser.add_argument("--db", type=Path, help="measure this database instead of a generated one")
    parser.add_argument("--work", type=Path, default=BENCHMARKS / "work")
    parser.add_argument("--out", type=Path, default=BENCHMARKS / "results")
    parser.add_argument("--samples", type=int, default=5, help="samples of each action")
    parser.add_argument("--cold", type=int, default=3, help="cold visits of each page (a new server for each)")
    parser.add_argument("--pages", nargs="*", help="only these pages (overview votes vote parties trends members; "
                                                    "also cohesion, outcomes, positions and stages: Parties' "
                                                    "Cohesion and Positions tabs, Trends' outcomes, a vote with "
                                                    "other stages)")
    parser.add_argument("--cold-after", type=float, default=0.0, metavar="SECONDS",
                        help="start each cold visit this long after the server answers (default 0: at once, before "
                             "its background reads are done)")
    parser.add_argument("--incognito", action="store_true",
                        help="an in-memory browser profile, as runs before 2026-12-07 had (no compiled-code cache)")
    parser.add_argument("--fit-map", action="store_true", help="also measure 'Fit the map' (removes the kept fit)")
    parser.add_argument("--screenshots", type=Path, help="save a screenshot of each page here")
    parser.add_argument("--compare", type=Path, help="an earlier results file: say which pages' figures differ")
    parser.add_argument("--label", default="", help="a word saved with the results (e.g. before, after)")
    parser.add_argument("--project", type=Path, default=PROJECT,
                        help="serve the dashboard of this checkout (it needs tracker/ui/timing.py's log)")
    parser.add_argument("--against", type=Path,
                        help="also measure this checkout (e.g. an older commit, with the timing log added), its "
                             "rounds alternating with --project's on the same database, and compare")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    db = args.db or build_database(args.scale, args.work)
    work = args.work / f"browser-{os.getpid()}"
    work.mkdir(parents=True, exist_ok=True)
    if args.screenshots:
        args.screenshots.mkdir(parents=True, exist_ok=True)
    facts = database_facts(db)
    server = Server(db, work, project=args.project.resolve())
    servers = [server]
    if args.against:
        servers.append(Server(db, work, project=args.against.resolve(), port=server.port))
    results = {"scale": args.scale if args.db is None else str(args.db), "label": args.label,
               "measured_at": datetime.now(UTC).isoformat(timespec="seconds"), "votes": facts["votes"],
               "project": str(args.project.resolve()), "commit": _commit(args.project),
               "member_votes": facts["member_votes"], "quiet_ms": QUIET_MS, "cold_after_s": args.cold_after,
               "browser_profile": "in memory" if args.incognito else "on disk",
               "targets_ms": TARGETS_MS,
               "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                           "chromium": CHROMIUM}, "pages": {}}
    with sync_playwright() as playwright:
        # One browser profile (one cache) for the run, as one reader's browser: cold visits are a new server's. On
        # disk by default, as a reader's is: Chromium then keeps V8's compiled code of the scripts it loads beside its
        # cache, which an in-memory profile (--incognito) never does (plotly.js then starts in 25-60 ms, not 400).
        if args.incognito:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
            context = browser.new_context(viewport=VIEWPORT)
        else:
            browser = context = playwright.chromium.launch_persistent_context(
                work / "profile", executable_path=CHROMIUM, args=BROWSER_ARGS, viewport=VIEWPORT)
        context.add_init_script(WATCH_PAGE)
        try:
            results["floor"] = measure_floor(context, db, work, args.samples, server.port)
            pages = pages_for(facts, args.pages)
            if pages:
                results["first_visit_empty_cache"] = {"page": pages[0].name, **warm_up(context, server, pages)}
            for page in pages:
                print(f"{page.name} ...", flush=True)
                measured = measure_page(context, servers, page, facts, args.cold, args.samples, args.screenshots,
                                        args.cold_after)
                results["pages"][page.name] = measured[0]
                if args.against:
                    results.setdefault("against", {"project": str(args.against.resolve()),
                                                   "commit": _commit(args.against), "pages": {}})
                    results["against"]["pages"][page.name] = measured[1]
            if args.fit_map:
                fitted = measure_fit_map(context, servers, db, max(1, args.cold))
                results["fit_map"] = fitted[0]
                if args.against:
                    results.setdefault("against", {"project": str(args.against.resolve()),
                                                   "commit": _commit(args.against), "pages": {}})
                    results["against"]["fit_map"] = fitted[1]
        finally:
            browser.close()
            server.stop()
    shutil.rmtree(work, ignore_errors=True)
    if args.compare:
        results["figures_differ"] = compare(json.loads(args.compare.read_text()), results)
    elif args.against:
        results["figures_differ"] = compare(results["against"], results)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    out = args.out / f"browser-{args.scale if args.db is None else Path(args.db).stem}-{stamp}.json"
    out.write_text(json.dumps(results, indent=1, default=str))
    print(table(results))
    if args.compare or args.against:
        for name, found in results["figures_differ"].items():
            print(f"{name}: " + ("; ".join(found) if found else "same figures as before"))
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
