"""Charts drawn by plotly.js in the page and updated in place, so a rerun redraws a chart instead of remounting it;
and charts drawn as our own markup (the parliament chart as SVG; a vote's party bars, the Votes page's matches by
year, the Overview's votes by period, the Parties page's alignment heatmap, the Trends page's lines and the Members
page's participation and loyalty and map as HTML), which the browser shows without plotly.js.

Streamlit's own st.plotly_chart names each chart by its figure, so every new figure (a new date range, say) mounts a
new chart: about a quarter of a widget change's time in the browser. This component keeps one chart per key and hands
it each new figure through Plotly.react. plotly.js is served by the dashboard's own route (app.py's routes), once per
browser: the address names its version and may be cached for a year.

The bundle served is plotly.js's *cartesian* partial bundle (assets/plotly-cartesian.min.js, from the plotly.js npm
package's dist/ folder, MIT licence): every trace type our charts draw, in a third of the full bundle's size, which a
browser loads and starts in about half the time on every page load. It is used only when it is the same plotly.js
version as the plotly package installed here; otherwise the package's full bundle is served.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import plotly
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st
from starlette.requests import Request
from starlette.responses import FileResponse
from starlette.routing import Route

from tracker.charts.bars_html import CSS as BARS_CSS
from tracker.charts.heatmap_html import CSS as HEATMAP_CSS
from tracker.charts.hemicycle_svg import CSS as PARLIAMENT_CSS
from tracker.charts.points_html import CSS as POINTS_CSS

FULL_BUNDLE = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
CARTESIAN_BUNDLE = Path(__file__).parent / "assets" / "plotly-cartesian.min.js"
_VERSION = re.compile(r"plotly\.js(?: \([^)]*\))? v(\d+\.\d+\.\d+)")


def bundle_version(path: Path) -> str | None:
    """The plotly.js version a bundle's opening comment names (such as 4.1.1), or None."""
    try:
        with open(path, encoding="utf-8", errors="replace") as bundle:
            found = _VERSION.search(bundle.read(300))
    except OSError:
        return None
    return found.group(1) if found else None


def served_bundle(cartesian: Path = CARTESIAN_BUNDLE, full: Path = FULL_BUNDLE) -> Path:
    """The cartesian bundle when it is the installed plotly's plotly.js version, else the full bundle."""
    version = bundle_version(cartesian)
    return cartesian if version is not None and version == bundle_version(full) else full


PLOTLY_JS = served_bundle()
# Relative to the dashboard's address, so it also works under a base path (server.baseUrlPath) behind a proxy.
PLOTLY_JS_ADDRESS = (f"tracker-assets/{PLOTLY_JS.name.removesuffix('.min.js')}-"
                     f"{bundle_version(PLOTLY_JS) or plotly.__version__}.min.js")
CONFIG = {"displaylogo": False, "responsive": True}
NOT_LOADED = ("This chart cannot be drawn: plotly.js did not load from the dashboard's server. Start the dashboard "
              "with `streamlit run app.py` (app.py serves it), then reload the page.")


async def _plotly_js(_request: Request) -> FileResponse:
    return FileResponse(PLOTLY_JS, media_type="text/javascript",
                        headers={"Cache-Control": "public, immutable, max-age=31536000"})


def routes() -> list[Route]:
    """The server's own routes for app.py: plotly.js under the dashboard's base path, if it has one."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return [Route("/" + "/".join(part for part in (base, PLOTLY_JS_ADDRESS) if part), _plotly_js)]


_LOADER = """
const ADDRESS = %(address)s;
const CONFIG = %(config)s;
const NOT_LOADED = %(not_loaded)s;
function plotly() {
  if (!window.__trackerPlotly) {
    window.__trackerPlotly = new Promise((resolve, reject) => {
      if (window.Plotly) { resolve(window.Plotly); return; }
      const script = document.createElement('script');
      script.src = new URL(ADDRESS, document.baseURI).href;
      script.onload = () => window.Plotly ? resolve(window.Plotly) : reject(new Error(NOT_LOADED));
      script.onerror = () => { window.__trackerPlotly = null; script.remove(); reject(new Error(NOT_LOADED)); };
      document.head.appendChild(script);
    });
  }
  return window.__trackerPlotly;
}
"""

# The element a component draws in: made on its first mount, found again on every later one.
_PLACE = """
function place(parentElement, name) {
  let element = parentElement.querySelector(':scope > .' + name);
  if (!element) {
    element = document.createElement('div');
    element.className = name;
    parentElement.appendChild(element);
  }
  return element;
}
"""

_JS = _LOADER + _PLACE + """
export default function ({ data, parentElement }) {
  const chart = place(parentElement, 'tracker-chart');
  const figure = JSON.parse(data);
  // The chart's room is kept while plotly.js loads, so what is below it does not jump when it draws.
  chart.style.minHeight = ((figure.layout && figure.layout.height) || 450) + 'px';
  plotly()
    .then((Plotly) => Plotly.react(chart, figure.data, figure.layout, CONFIG))
    .catch((problem) => {
      chart.style.minHeight = '';
      chart.textContent = problem.message;
      chart.setAttribute('role', 'alert');
    });
  // Called only when the chart leaves the page (another tab or page), not between figures: plotly's listeners go.
  return () => { if (window.Plotly) window.Plotly.purge(chart); };
}
"""


def _script(js: str) -> str:
    return js % {"address": json.dumps(PLOTLY_JS_ADDRESS), "config": json.dumps(CONFIG),
                 "not_loaded": json.dumps(NOT_LOADED)}


_chart = st.components.v2.component("tracker_chart", js=_script(_JS), isolate_styles=False)


_DRAWN_JS = _PLACE + """
export default function ({ data, parentElement }) {
  const drawn = place(parentElement, 'tracker-drawn');
  if (drawn.__markup !== data) {
    drawn.__markup = data;
    drawn.innerHTML = data;
  }
}
"""
_drawn = st.components.v2.component("tracker_drawn", js=_DRAWN_JS,
                                    css=PARLIAMENT_CSS + BARS_CSS + HEATMAP_CSS + POINTS_CSS, isolate_styles=False)


def drawn(markup: str, key: str) -> None:
    """Put a chart drawn as markup in the page (the parliament chart's SVG, the rest HTML; text escaped where made)."""
    _drawn(data=markup, key=key, height="content")


def chart(fig: go.Figure, key: str) -> None:
    """Draw a figure; a later rerun with the same key gives the drawn chart the new figure."""
    _chart(data=pio.to_json(fig, validate=False), key=key, height="content")
