"""A script added to the dashboard's HTML page, ahead of Streamlit's own: where the server is.

Streamlit's page finds its server by trying addresses: on /members it first asks /members/_stcore/health, gets a 404,
and only then asks /_stcore/health (about 120 ms of every page load that is not the Overview). The server knows the
answer, so the page is told it (Streamlit's `window.__streamlit.BACKEND_BASE_URL`, read once as its scripts start;
a Streamlit that no longer reads it probes as before). The address is worked out in the browser from the part of the
path after the server's base path, so it holds behind a proxy that serves the dashboard under a prefix of its own.
"""

from __future__ import annotations

import json

import streamlit as st

_SERVER = """(() => {
  const rest = %s;  // the page's path after the server's base path, as the server received it
  const path = location.pathname.replace(/\\/+$/, '');
  if (rest && !path.endsWith('/' + rest)) return;  // rewritten on the way: let Streamlit find its server
  const settings = window.__streamlit = window.__streamlit || {};
  if (!settings.BACKEND_BASE_URL) {
    settings.BACKEND_BASE_URL = location.origin + path.slice(0, path.length - (rest ? rest.length + 1 : 0)) + '/';
  }
})();"""
# Request headers dropped on the way in: the page is rewritten, so it is sent whole and uncompressed (8 KB).
_DROPPED = {b"accept-encoding", b"if-none-match", b"if-modified-since"}
# Response headers dropped on the way out: they describe Streamlit's file, not the page sent.
_STALE = {b"content-length", b"etag", b"last-modified", b"content-encoding"}


def page_path(raw_path: str, base: str) -> str | None:
    """The part of a request's path after the server's base path ('' for the main page), or None if outside it."""
    base = "/" + base.strip("/") if base.strip("/") else ""
    if base and raw_path != base and not raw_path.startswith(base + "/"):
        return None
    return raw_path[len(base):].strip("/")


def scripts(rest: str | None) -> bytes:
    """The <script> element added to the page whose path after the base path is `rest` (none outside the base path)."""
    # As a JSON string with '<' escaped: a path holding '</script>' cannot end the element early.
    if rest is None:
        return b""
    script = _SERVER % json.dumps(rest).replace("<", "\\u003c")
    return f"<script>{script}</script>".encode()


def add_scripts(html: bytes, rest: str | None) -> bytes:
    """The page with the script first in its <head> (unchanged if it has no <head>)."""
    at = html.find(b"<head>")
    if at < 0:
        return html
    at += len(b"<head>")
    return html[:at] + scripts(rest) + html[at:]


class PageHead:
    """ASGI middleware: adds the script to the HTML page Streamlit serves for every page address."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        headers = dict(scope.get("headers") or []) if scope["type"] == "http" else {}
        raw_path = (scope.get("raw_path") or scope.get("path", "").encode()).decode("latin-1").split("?", 1)[0]
        # Pages only: a file (a name with a dot, such as one under Streamlit's /app/static/) is sent as it is.
        if scope.get("method") != "GET" or b"text/html" not in headers.get(b"accept", b"") \
                or "." in raw_path.rsplit("/", 1)[-1]:
            await self.app(scope, receive, send)
            return
        rest = page_path(raw_path, str(st.get_option("server.baseUrlPath") or ""))
        scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k.lower() not in _DROPPED]}
        start: dict = {}
        body: list[bytes] = []

        async def rewrite(message) -> None:
            if message["type"] == "http.response.start":
                kind = dict((k.lower(), v) for k, v in message.get("headers", [])).get(b"content-type", b"")
                if message["status"] != 200 or not kind.startswith(b"text/html"):
                    start["pass"] = True
                    await send(message)
                    return
                start.update(message)
                return
            if start.get("pass") or message["type"] != "http.response.body":
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            html = add_scripts(b"".join(body), rest)
            kept = [(k, v) for k, v in start.get("headers", []) if k.lower() not in _STALE]
            await send({**start, "headers": [*kept, (b"content-length", str(len(html)).encode())]})
            await send({"type": "http.response.body", "body": html})

        await self.app(scope, receive, rewrite)
