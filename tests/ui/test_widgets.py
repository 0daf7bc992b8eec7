"""Cells of the plain tables: text from uploads shown as written, source addresses linked only when plain http(s)."""

from __future__ import annotations

import pytest

from tracker.ui import widgets


def test_a_source_cell_links_each_address_by_its_site():
    cell = widgets.link_cell("https://www.aporrea.org/oposicion/n379444.html ; https://djvenezuela.com/a-b")
    assert cell == ("[aporrea\\.org](https://www.aporrea.org/oposicion/n379444.html) · "
                    "[djvenezuela\\.com](https://djvenezuela.com/a-b)")


@pytest.mark.parametrize("given", ["javascript:alert(1)", "[x](javascript:alert(1))", "see the gazette",
                                   "https://ok.example/a ; javascript:alert(1)", "https:///no-site",
                                   "https://e.example/a b"])
def test_a_source_cell_that_is_not_only_plain_addresses_is_shown_as_escaped_text(given):
    cell = widgets.link_cell(given)
    assert "](" not in cell.replace("\\](", "").replace("\\(", "")  # no Markdown link survives
    assert cell.replace("\\", "").replace(widgets.WORD_JOINER, "") == given.strip()  # as written


@pytest.mark.parametrize("given", [None, "", "   ", float("nan")])
def test_a_missing_source_is_an_en_dash(given):
    assert widgets.link_cell(given) == widgets.UNKNOWN_CELL
