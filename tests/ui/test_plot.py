"""Charts in the page (tracker/ui/plot.py): drawn as our own markup, redrawn in the same element when a filter
changes, and without plotly.js or any route of app.py.

Reproduce: python -m pytest -m browser tests/ui/test_plot.py (needs Playwright and /usr/bin/chromium).
"""

from __future__ import annotations

import pytest

from tests.ui.browser import serve_sample, settle

GRID = "/parties?chart=Positions+by+vote"
ROWS = ("() => Array.from(document.querySelectorAll('.tracker-heat-grid.positions .tracker-heat-label'),"
        " e => e.textContent)")


@pytest.fixture
def page(browser):
    """A tab of its own in Chromium, closed afterwards."""
    context = browser.new_context(viewport={"width": 1400, "height": 1200})
    yield context.new_page()
    context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_a_filter_change_redraws_the_chart_in_the_element_already_on_the_page(page, server):
    page.goto(f"{server}{GRID}")
    page.locator(".tracker-heat-grid.positions").wait_for(timeout=60_000)
    settle(page)
    # The sample's votes with a party position: 18, from V04 (2016-01-22) to V45 (2023-01-05).
    rows = page.evaluate(ROWS)
    assert len(rows) == 18 and rows[0] == "V04 2016-01-22" and rows[-1] == "V45 2023-01-05"
    page.evaluate("() => { document.querySelector('.tracker-drawn').dataset.marked = 'before the change'; }")

    field = page.locator("[data-testid='stSidebar'] [data-testid='stDateInput']").filter(has_text="From")
    field.locator("[data-type=year]").click()
    page.keyboard.type("20221201")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")   # out of the field: the date is sent
    page.wait_for_function(f"() => ({ROWS})().length === 3", timeout=60_000)
    settle(page)
    assert page.evaluate(ROWS) == ["V43 2022-12-22", "V44 2022-12-30", "V45 2023-01-05"]
    assert page.locator(".tracker-drawn").count() == 1
    # The same element holds the new chart, rather than a new one mounted in its place.
    assert page.evaluate("() => document.querySelector('.tracker-drawn').dataset.marked") == "before the change"
    assert page.locator("[data-testid='stException']").count() == 0


@pytest.fixture(scope="module")
def script_only_server(tmp_path_factory):
    """`streamlit run dashboard.py`: the page script without app.py and its head script."""
    yield from serve_sample(tmp_path_factory.mktemp("script_only"), app="dashboard.py")


@pytest.mark.browser
@pytest.mark.slow
def test_charts_are_drawn_when_the_dashboard_is_started_without_app_py(page, script_only_server):
    page.goto(f"{script_only_server}{GRID}")
    page.locator(".tracker-heat-grid.positions").wait_for(timeout=60_000)
    settle(page)
    assert len(page.evaluate(ROWS)) == 18
    assert page.get_by_role("alert").count() == 0 and page.locator("[data-testid='stException']").count() == 0
