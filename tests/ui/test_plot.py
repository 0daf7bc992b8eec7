"""Charts in the page (tracker/ui/plot.py): a filter change redraws the same chart, plotly.js (its cartesian bundle)
comes from app.py.

Reproduce: python -m pytest -m browser tests/ui/test_plot.py (needs Playwright and /usr/bin/chromium).
"""

from __future__ import annotations

import re
import urllib.request

import pytest

from tests.ui.browser import serve_sample, settle
from tracker import config
from tracker.ui import plot

ROWS = "() => Array.from(document.querySelector('.js-plotly-plot')._fullData[0].y).map(String)"
# A plotly chart that follows the filters: the Parties page's grid of votes by parties (every other chart the pages
# open with, tabs and measures included, is drawn as HTML).
GRID = "/parties?chart=Positions+by+vote"


def test_the_dashboard_serves_plotly_js_for_browsers_to_keep(server):
    with urllib.request.urlopen(f"{server}/{plot.PLOTLY_JS_ADDRESS}", timeout=30) as answer:
        assert answer.headers["Content-Type"].startswith("text/javascript")
        assert "immutable" in answer.headers["Cache-Control"]   # the address names plotly's version
        assert answer.read() == plot.PLOTLY_JS.read_bytes()


def test_the_bundle_served_is_the_cartesian_one_of_the_installed_plotly_js_version():
    # Fails after an upgrade of plotly: take dist/plotly-cartesian.min.js from `npm pack plotly.js@<version>` (the
    # version the new plotly package's plotly.min.js names) into tracker/ui/assets/. Until then, the full bundle.
    assert plot.bundle_version(plot.CARTESIAN_BUNDLE) == plot.bundle_version(plot.FULL_BUNDLE) is not None
    assert plot.PLOTLY_JS == plot.CARTESIAN_BUNDLE
    assert plot.PLOTLY_JS_ADDRESS == f"tracker-assets/plotly-cartesian-{plot.bundle_version(plot.FULL_BUNDLE)}.min.js"
    assert plot.CARTESIAN_BUNDLE.stat().st_size < plot.FULL_BUNDLE.stat().st_size / 2


def test_a_cartesian_bundle_of_another_plotly_js_version_is_not_served(tmp_path):
    full, older, missing = tmp_path / "plotly.min.js", tmp_path / "cartesian.min.js", tmp_path / "none.min.js"
    full.write_text("/**\n* plotly.js v4.1.1\n*/\n")
    older.write_text("/**\n* plotly.js (cartesian - minified) v3.7.0\n*/\n")
    assert plot.bundle_version(full) == "4.1.1" and plot.bundle_version(older) == "3.7.0"
    assert plot.served_bundle(older, full) == full
    assert plot.served_bundle(missing, full) == full
    older.write_text("/**\n* plotly.js (cartesian - minified) v4.1.1\n*/\n")
    assert plot.served_bundle(older, full) == older


def test_plotly_js_is_served_under_the_dashboards_base_path(monkeypatch):
    from streamlit import config as streamlit_config

    assert [route.path for route in plot.routes()] == ["/" + plot.PLOTLY_JS_ADDRESS]
    monkeypatch.setattr(streamlit_config, "_config_options", None)  # a fresh set of options, restored afterwards
    streamlit_config.get_config_options(force_reparse=True)
    streamlit_config.set_option("server.baseUrlPath", "/news/tracker/")
    assert [route.path for route in plot.routes()] == ["/news/tracker/" + plot.PLOTLY_JS_ADDRESS]


@pytest.fixture
def page(browser):
    """A tab of its own in Chromium, closed afterwards."""
    context = browser.new_context(viewport={"width": 1400, "height": 1200})
    yield context.new_page()
    context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_a_filter_change_redraws_the_chart_already_on_the_page(page, server):
    page.goto(f"{server}{GRID}")
    page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=60_000)
    settle(page)
    # The sample's votes with a party position: 18, from V04 (2016-01-22) to V45 (2023-01-05).
    rows = page.evaluate(ROWS)
    assert len(rows) == 18 and rows[0] == "V04 2016-01-22" and rows[-1] == "V45 2023-01-05"
    page.evaluate("() => { document.querySelector('.js-plotly-plot').dataset.marked = 'before the change'; }")

    field = page.locator("[data-testid='stSidebar'] [data-testid='stDateInput']").filter(has_text="From")
    field.locator("[data-type=year]").click()
    page.keyboard.type("20221201")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")   # out of the field: the date is sent
    page.wait_for_function(ROWS.replace("=>", "=> (") + ").length === 3", timeout=60_000)
    settle(page)
    assert page.evaluate(ROWS) == ["V43 2022-12-22", "V44 2022-12-30", "V45 2023-01-05"]
    assert page.locator(".js-plotly-plot").count() == 1
    # The same element drew the new figure (Plotly.react), rather than a new chart mounted in its place.
    assert page.evaluate("() => document.querySelector('.js-plotly-plot').dataset.marked") == "before the change"
    assert page.locator("[data-testid='stException']").count() == 0


@pytest.mark.browser
@pytest.mark.slow
def test_the_served_bundle_has_every_trace_type_the_charts_build(page, server):
    used = set()
    for source in (config.PROJECT_DIR / "tracker").rglob("*.py"):
        text = source.read_text(encoding="utf-8")   # traces built as go.Bar(...) or added as dict(type="bar", ...)
        used |= {name.lower() for name in re.findall(r"\bgo\.([A-Z]\w*)\(", text)}
        used |= set(re.findall(r"\badd_traces?\(\s*dict\(type=\"(\w+)\"", text))
    used -= {"figure", "layout"}
    assert {"bar", "heatmap", "scatter"} <= used   # what the charts build today
    page.goto(f"{server}{GRID}")
    page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=60_000)
    drawable = set(page.evaluate("() => Object.keys(Plotly.PlotSchema.get().traces)"))
    assert used <= drawable, f"not in {plot.PLOTLY_JS.name}: {sorted(used - drawable)}"


@pytest.mark.browser
@pytest.mark.slow
def test_a_chart_keeps_its_room_while_plotly_js_loads(page, server):
    held: list[object] = []
    page.route("**/tracker-assets/**", lambda route: held.append(route))   # plotly.js held back until released
    page.goto(f"{server}{GRID}")
    page.locator(".tracker-chart").first.wait_for(state="attached", timeout=60_000)
    settle(page)
    assert held and page.locator(".js-plotly-plot").count() == 0   # not drawn yet
    room = page.locator(".tracker-chart").first.bounding_box()["height"]
    for route in held:
        route.continue_()
    page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=60_000)
    drawn = page.locator(".js-plotly-plot").first.bounding_box()["height"]
    assert room >= 300 and abs(room - drawn) <= 1   # the grid of 18 votes is 408 px tall; nothing moved when it drew


@pytest.fixture(scope="module")
def script_only_server(tmp_path_factory):
    """`streamlit run dashboard.py`: the page script without app.py, so without the route that serves plotly.js."""
    yield from serve_sample(tmp_path_factory.mktemp("script_only"), app="dashboard.py")


@pytest.mark.browser
@pytest.mark.slow
def test_charts_say_how_to_start_the_dashboard_when_plotly_js_is_not_served(page, script_only_server):
    page.goto(f"{script_only_server}{GRID}")
    notice = page.get_by_role("alert").filter(has_text="This chart cannot be drawn")
    notice.first.wait_for(timeout=60_000)
    assert "streamlit run app.py" in notice.first.text_content()
    assert page.locator(".js-plotly-plot").count() == 0
