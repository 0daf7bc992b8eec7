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


def test_a_small_table_shows_every_kind_of_unknown_cell_as_an_en_dash_and_the_rest_as_text(monkeypatch):
    import re

    import pandas as pd

    drawn = []
    monkeypatch.setattr(widgets.st, "html", drawn.append)   # the HTML the page would get
    frame = pd.DataFrame({"party": pd.array(["A<b>", None], dtype="str"), "yes": pd.array([3, None], dtype="Int64"),
                          "share": [0.5, float("nan")], "note": pd.array(["x & y", None], dtype=object),
                          "day": pd.to_datetime(["2022-12-30", None]),
                          "link": ["<a href='https://e.example'>e</a>", None]})
    widgets.small_table(frame, dates=("day",), html_columns=("link",))
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", drawn[0])[1:]]
    assert cells == [["A&lt;b&gt;", "3", "0.5", "x &amp; y", "2022-12-30", "<a href='https://e.example'>e</a>"],
                     [widgets.UNKNOWN_CELL] * 6]
    assert "<td class='n'>3</td>" in drawn[0] and "<td class='k'>2022-12-30</td>" in drawn[0]
