"""The Overview in Chromium at the widths of newsroom laptops: every headline figure is shown in full.

Reproduce: python -m pytest -m browser tests/ui/test_overview_browser.py (needs Playwright and /usr/bin/chromium).
"""

from __future__ import annotations

import pytest

from tests.ui.browser import settle

pytestmark = [pytest.mark.browser, pytest.mark.slow]
# Each figure's text against the room it has: Streamlit cuts a value that does not fit with an ellipsis.
CUT_FIGURES = """() => [...document.querySelectorAll('[data-testid="stMetricValue"]')]
  .flatMap(value => [value, ...value.querySelectorAll('*')])
  .filter(e => e.scrollWidth > e.clientWidth + 1)
  .map(e => e.textContent.trim())"""


@pytest.mark.parametrize("width", [1024, 1280, 1440])
def test_the_overviews_figures_are_not_cut_short_on_a_laptop(browser, server, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{server}/")
        page.get_by_text("Last vote", exact=True).wait_for(timeout=60_000)
        settle(page)
        shown = [t.strip() for t in page.locator("[data-testid='stMetricValue']").all_text_contents()]
        assert shown == ["45", "98%", "60%", "2016-01-05", "2023-12-15"]   # the sample's figures, none missing
        assert page.evaluate(CUT_FIGURES) == []
    finally:
        context.close()
