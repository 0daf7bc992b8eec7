"""Figure export: file names that say what and which filters, title/filters/source on the image, PNG/SVG/HTML."""

from __future__ import annotations

import sys
from datetime import date

import plotly.graph_objects as go
import pytest

from tracker import figure_export


def bar() -> go.Figure:
    return go.Figure(go.Bar(x=["A", "B"], y=[3, 1]))


def test_file_name_says_the_chart_and_its_filters():
    name = figure_export.file_name("party-alignment", ["Asamblea Nacional 2015", date(2022, 12, 1), "2022-12-31",
                                                       None, ""], "png")
    assert name == "party-alignment_asamblea-nacional-2015_2022-12-01_2022-12-31.png"


def test_file_name_folds_accents_and_drops_characters_unsafe_in_paths():
    assert figure_export.file_name("Cohesión", ["../../etc/passwd", "Acción Democrática"], "csv") == \
        "cohesion_etc-passwd_accion-democratica.csv"


def test_export_copy_carries_title_filters_and_source_and_leaves_the_chart_alone():
    fig = bar()
    exported = figure_export.for_export(fig, "Party <b>cohesion</b>", "an-2015 · 2016-01-01 to 2016-12-31")
    assert "Party &lt;b&gt;cohesion&lt;/b&gt;" in exported.layout.title.text
    assert exported.layout.title.subtitle.text == "an-2015 · 2016-01-01 to 2016-12-31"
    assert exported.layout.annotations[-1].text == "Source: parliamentary vote tracker"
    assert fig.layout.title.text is None and not fig.layout.annotations


def test_export_adds_a_band_for_the_source_line_under_the_legend():
    # A chart 400 px high with a 60 px bottom margin and its legend at the bottom: the export is 400 + 22
    # (subtitle) + 34 (source) px high, and the legend moves up by the 34 px the source line takes.
    fig = go.Figure([go.Bar(name="a", y=[1]), go.Bar(name="b", y=[2])])
    fig.update_layout(height=400, margin=dict(t=44, b=60), legend=dict(yref="container", y=0, yanchor="bottom"))
    exported = figure_export.for_export(fig, "Votes", "all dates")
    assert exported.layout.height == 400 + 22 + 34
    assert (exported.layout.margin.t, exported.layout.margin.b) == (44 + 22, 60 + 34)
    assert exported.layout.legend.y == pytest.approx(34 / 456)
    source = exported.layout.annotations[-1]
    assert (source.y, source.yanchor, source.yshift) == (0, "bottom", -(60 + 34) + 8)


def test_html_is_one_self_contained_page_with_plotly_inside():
    page = figure_export.html_bytes(figure_export.for_export(bar(), "Votes", "all dates")).decode("utf-8")
    assert page.lstrip().lower().startswith("<!doctype html>")
    # plotly.js is embedded (several MB), not fetched from a CDN, so the file works offline.
    assert len(page) > 1_000_000 and "Plotly.newPlot" in page
    assert '<script src="http' not in page
    assert "Source: parliamentary vote tracker" in page


def test_unknown_image_format_is_refused():
    with pytest.raises(ValueError, match="png or svg"):
        figure_export.image_bytes(bar(), "gif")


def test_without_a_browser_image_export_says_how_to_enable_it(monkeypatch):
    monkeypatch.setattr(figure_export, "browser_path", lambda: None)
    with pytest.raises(figure_export.ImageExportUnavailable, match="apt-get install chromium"):
        figure_export.image_bytes(bar(), "png")


def test_png_and_svg_come_from_one_browser_kept_running(image_browser):
    import kaleido

    fig = figure_export.for_export(bar(), "Votes", "all dates")
    first = figure_export.image_bytes(fig, "png")
    assert first.startswith(b"\x89PNG\r\n\x1a\n")
    assert kaleido._global_server.is_running()  # one browser, reused by the next calls
    second = figure_export.image_bytes(fig, "png")
    assert second.startswith(b"\x89PNG")
    svg = figure_export.image_bytes(fig, "svg")
    text = svg.decode("utf-8") if isinstance(svg, bytes) else svg
    assert text.lstrip().startswith("<svg") and "Votes" in text and "Source: parliamentary vote tracker" in text


def test_without_choreographer_there_is_no_browser_for_images_and_no_error(monkeypatch):
    # The server looks the browser up before it answers: a missing package must not stop it from starting.
    monkeypatch.setitem(sys.modules, "choreographer.browsers.chromium", None)   # its import now fails
    assert figure_export.browser_path() is None
