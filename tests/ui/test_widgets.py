"""Cells of the plain tables: text from uploads shown as written, source addresses linked only when plain http(s)."""

from __future__ import annotations

import html

import pytest

from tracker.ui import widgets


def test_a_source_cell_links_each_address_by_its_site_in_a_new_tab():
    cell = widgets.link_html("https://www.aporrea.org/oposicion/n379444.html ; https://djvenezuela.com/a-b")
    assert cell == ("<a href='https://www.aporrea.org/oposicion/n379444.html' target='_blank' "
                    "rel='noopener noreferrer'>aporrea.org</a> · "
                    "<a href='https://djvenezuela.com/a-b' target='_blank' rel='noopener noreferrer'>"
                    "djvenezuela.com</a>")


@pytest.mark.parametrize("given", ["javascript:alert(1)", "<a href='javascript:alert(1)'>x</a>", "see the gazette",
                                   "https://ok.example/a ; javascript:alert(1)", "https:///no-site",
                                   "https://e.example/a b", "https://e.example/'onmouseover='alert(1)"])
def test_a_source_cell_that_is_not_only_plain_addresses_is_shown_as_escaped_text(given):
    cell = widgets.link_html(given)
    assert "<" not in cell and "'" not in cell   # no tag and no attribute survives
    assert html.unescape(cell) == given.strip()  # as written


@pytest.mark.parametrize("given", [None, "", "   ", float("nan")])
def test_a_missing_source_is_an_en_dash(given):
    assert widgets.link_html(given) == widgets.UNKNOWN_CELL


def test_a_swatch_shows_only_a_hex_colour():
    assert "background-color:#1F77B4'" in widgets.swatch("#1F77B4")
    for given in ("red;position:fixed", "#12345'><script>", "url(x)"):
        assert widgets.swatch(given) == widgets.UNKNOWN_CELL
