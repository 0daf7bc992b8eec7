"""The page's head (tracker/ui/head.py): the page is told where its server is; no page asks for plotly.js.

Reproduce: python -m pytest tests/ui/test_head.py (the browser tests need Playwright and /usr/bin/chromium).
"""

from __future__ import annotations

import asyncio

import pytest

from tests.ui.browser import serve_sample, settle
from tracker.ui import head

PAGE = b"<!DOCTYPE html>\n<html lang=\"en\">\n  <head>\n    <title>Streamlit</title>\n  </head><body></body></html>"


def test_the_page_path_is_the_part_after_the_servers_base_path():
    assert head.page_path("/members", "") == "members"
    assert head.page_path("/", "") == ""
    assert head.page_path("/votes/", "") == "votes"
    assert head.page_path("/news/tracker/votes", "/news/tracker/") == "votes"
    assert head.page_path("/news/tracker", "news/tracker") == ""
    assert head.page_path("/news/trackers/votes", "news/tracker") is None   # not under the base path
    assert head.page_path("/elsewhere", "news/tracker") is None


def test_the_scripts_go_first_in_the_head_and_name_the_page_path():
    sent = head.add_scripts(PAGE, "members")
    assert sent.startswith(PAGE[:PAGE.index(b"<head>") + 6] + b"<script>")
    assert sent.endswith(PAGE[PAGE.index(b"<head>") + 6:])
    assert b'const rest = "members";' in sent and b"BACKEND_BASE_URL" in sent
    assert b"plotly" not in sent.lower()   # every chart is drawn as the page's own markup
    # Outside the base path the server cannot tell where it is: the page is sent as it is.
    assert head.add_scripts(PAGE, None) == PAGE
    assert head.add_scripts(b"not a page", "members") == b"not a page"


def test_a_path_cannot_end_the_script_early():
    sent = head.scripts("</script><script>alert(1)</script>").decode()
    assert sent.count("</script>") == 1 and "alert(1)" in sent   # the script's own end only
    assert '"\\u003c/script>\\u003cscript>alert(1)\\u003c/script>"' in sent


def _through(app, headers: list[tuple[bytes, bytes]], path: str = "/members", method: str = "GET") -> tuple:
    """One request through PageHead in front of `app`: the response's start message and whole body."""
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(), "headers": headers,
             "query_string": b""}
    asyncio.run(head.PageHead(app)(scope, receive, send))
    return sent[0], b"".join(m.get("body", b"") for m in sent[1:])


def _streamlit_page(seen: list):
    """An ASGI app answering as Streamlit's file server does: index.html in two parts, with its file's headers."""
    async def app(scope, receive, send) -> None:
        seen.append(dict(scope["headers"]))
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", b"94"),
                                (b"etag", b'"abc"'), (b"last-modified", b"Mon, 07 Dec 2026 01:13:43 GMT"),
                                (b"cache-control", b"no-cache")]})
        await send({"type": "http.response.body", "body": PAGE[:40], "more_body": True})
        await send({"type": "http.response.body", "body": PAGE[40:]})
    return app


def test_the_html_page_is_sent_whole_with_the_scripts_and_its_own_length():
    seen: list = []
    start, body = _through(_streamlit_page(seen), [(b"accept", b"text/html,*/*"), (b"accept-encoding", b"gzip"),
                                                   (b"if-none-match", b'"abc"')])
    assert body == head.add_scripts(PAGE, "members")
    headers = dict(start["headers"])
    assert int(headers[b"content-length"]) == len(body)
    assert b"etag" not in headers and b"last-modified" not in headers   # they named Streamlit's file, not this
    assert headers[b"cache-control"] == b"no-cache"
    # Asked uncompressed and unconditionally, so there is a whole page to add to.
    assert b"accept-encoding" not in seen[0] and b"if-none-match" not in seen[0]


def test_other_requests_pass_through_untouched():
    seen: list = []
    start, body = _through(_streamlit_page(seen), [(b"accept", b"*/*"), (b"accept-encoding", b"gzip")])
    assert body == PAGE and dict(start["headers"])[b"etag"] == b'"abc"'
    assert seen[0][b"accept-encoding"] == b"gzip"
    _, body = _through(_streamlit_page(seen), [(b"accept", b"text/html")], method="HEAD")
    assert body == PAGE
    _, body = _through(_streamlit_page(seen), [(b"accept", b"text/html")], path="/app/static/report.html")
    assert body == PAGE   # a file the dashboard serves as it is, not one of its pages

    async def script(scope, receive, send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/javascript")]})
        await send({"type": "http.response.body", "body": b"<head>", "more_body": True})
        await send({"type": "http.response.body", "body": b"x"})

    start, body = _through(script, [(b"accept", b"text/html")])
    assert body == b"<head>x"


@pytest.fixture
def tab(browser):
    """A tab of its own in Chromium, with every request it makes recorded; closed afterwards."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    yield page
    context.close()


def _open(tab, url: str) -> list[str]:
    tab.goto(url)
    tab.locator(".tracker-drawn > *").first.wait_for(timeout=60_000)   # a chart drawn
    settle(tab)
    assert tab.locator("[data-testid='stException']").count() == 0
    return [u for u in tab.requests if "/_stcore/health" in u]


@pytest.mark.browser
@pytest.mark.slow
def test_a_page_opened_at_its_own_address_asks_its_server_once(tab, server):
    # Without the hint Streamlit asks /parties/_stcore/health first, gets a 404, then asks /_stcore/health.
    assert _open(tab, f"{server}/parties") == [f"{server}/_stcore/health"]
    assert tab.get_by_role("heading", name="Parties").count() == 1
    # Every tab draws its chart as the page's own markup: nothing of plotly.js (nor Streamlit's plotly chart) is
    # asked for, even a while later.
    for name in ("Cohesion", "Against a reference", "Positions by vote", "Alignment"):
        tab.get_by_role("tab", name=name).click()
        settle(tab)
        assert tab.locator("[data-testid='stException']").count() == 0
    tab.wait_for_timeout(1_500)
    assert tab.locator(".tracker-drawn").count() == 1 and tab.locator(".js-plotly-plot").count() == 0
    assert not [u for u in tab.requests if "plotly" in u.lower()]


@pytest.fixture(scope="module")
def under_a_base_path(tmp_path_factory):
    """The dashboard served under /news/tracker (server.baseUrlPath), as behind a proxy."""
    yield from serve_sample(tmp_path_factory.mktemp("base_path"), base="news/tracker")


@pytest.mark.browser
@pytest.mark.slow
def test_under_a_base_path_each_page_asks_the_server_at_the_base_path_once(tab, under_a_base_path):
    assert _open(tab, f"{under_a_base_path}/trends") == [f"{under_a_base_path}/_stcore/health"]
    assert tab.get_by_role("heading", name="Trends").count() == 1
    tab.requests.clear()
    assert _open(tab, f"{under_a_base_path}/") == [f"{under_a_base_path}/_stcore/health"]
    assert tab.get_by_role("heading", name="Overview").count() == 1
