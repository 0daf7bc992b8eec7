"""The story of one vote: headline line, who did what, published SVG text, no overlapping text, distinct colours."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from tracker import charts, figure_export, queries, vote_story
from tracker.charts import publish


@pytest.fixture(scope="module")
def v44(tmp_path_factory):
    from tracker import config, store
    from tracker.ingest import import_files

    db = store.connect(tmp_path_factory.mktemp("v44") / "tracker.duckdb")
    import_files(db, config.sample_files())
    story, vote, parties = vote_story.load(db, "V44")
    colours = charts.party_colours(queries.parties(db))
    yield story, vote, parties, colours
    db.close()


def test_headline_line_says_result_tally_rule_stage_and_date(v44):
    story = v44[0]
    assert story.headline == "Approved 72–29–8 · simple majority · second discussion · 30 Dec 2022"


def test_who_did_what_names_parties_in_full_by_their_stated_position(v44):
    story = v44[0]
    assert story.summary.startswith("For: Primero Justicia, Acción Democrática, Un Nuevo Tiempo")
    assert "Against: Voluntad Popular" in story.summary and "Abstained: " in story.summary
    assert story.summary_basis == "stated party positions"


def test_source_line_names_the_votes_own_sources(v44):
    story = v44[0]
    assert story.source.startswith("Source: aporrea.org, trtworld.com, diariolasamericas.com")
    assert story.source.endswith(publish.CREDIT)


def test_party_bars_csv_holds_exactly_the_rows_drawn(v44):
    _, vote, parties, _ = v44
    rows = charts.breakdown_rows(parties, {c: vote.get(c) for c in charts.COUNTS})
    fig = charts.party_breakdown(parties, {c: vote.get(c) for c in charts.COUNTS}, 30, "", "t")
    assert len(rows) == len(fig.data[0].y) > 1
    drawn = {t.name.lower(): [None if v != v else int(v) for v in t.x] for t in fig.data}
    for count in ("yes", "no", "abstain"):
        assert drawn[count] == [None if pd.isna(v) else int(v) for v in rows[count]]
    assert rows.iloc[0][["yes", "no", "abstain"]].tolist() == [72, 29, 8]


def test_no_two_parties_share_or_nearly_share_a_colour_in_the_parliament_chart(v44):
    story, _, parties, colours = v44
    fig = vote_story.parliament_chart(story, parties, colours)
    bands = [t.line.color for t in fig.data if t.legendgroup == "party"]
    assert len(bands) == len(set(bands)) >= 9  # the 9 parties with a stated position and seats
    assert not [(a, b) for i, a in enumerate(bands) for b in bands[i + 1:] if charts.alike(a, b)]


def svg_texts(svg: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)]


def test_published_svg_carries_title_date_tally_parties_and_sources_as_text(v44, image_browser):
    story, vote, parties, colours = v44
    fig = charts.party_breakdown(parties, {c: vote.get(c) for c in charts.COUNTS}, story.threshold, "", "t")
    caption = publish.Caption(story.title, story.subtitle, str(vote["note"]), story.source)
    svg = publish.export_image(fig, caption, "svg", "social")
    svg = svg.decode() if isinstance(svg, bytes) else svg
    text = " ".join(svg_texts(svg))
    assert "Transition Statute reform ending the interim government" in text and "V44" not in text
    assert "30 Dec 2022" in text and "72" in text
    assert "Primero Justicia" in text and "Voluntad Popular" in text
    assert re.search(r"aporrea\.org|trtworld\.com|diariolasamericas\.com", text)


OVERLAPS = """() => {
  const boxes = [...document.querySelectorAll('text')].filter(t => t.textContent.trim())
    .map(t => ({text: t.textContent, box: t.getBoundingClientRect()}));
  const out = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i].box, b = boxes[j].box;
    const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    if (w > 1 && h > 1) out.push([boxes[i].text, boxes[j].text]);
  }
  const outside = boxes.filter(b => b.box.left < -1 || b.box.top < -1 || b.box.right > innerWidth + 1
                                  || b.box.bottom > innerHeight + 1).map(b => b.text);
  return {overlaps: out, outside: outside};
}"""


@pytest.mark.parametrize("preset", list(publish.PRESETS))
def test_no_text_of_an_exported_image_overlaps_another_or_is_clipped(v44, image_browser, preset):
    from playwright.sync_api import sync_playwright

    story, vote, parties, colours = v44
    caption = publish.Caption(story.title, story.subtitle, str(vote["note"]), story.source)
    figures = [vote_story.parliament_chart(story, parties, colours),
               charts.party_breakdown(parties, {c: vote.get(c) for c in charts.COUNTS}, story.threshold, "", "t")]
    # The alignment heatmap's rotated party labels once ran under its source line.
    names = ["Movimiento Progresista de Venezuela", "Partido Socialista Unido de Venezuela", "Voluntad Popular"]
    alignment = pd.DataFrame({"party_a": [names[0], names[0], names[1]], "party_b": [names[1], names[2], names[2]],
                              "votes_compared": [4, 2, 3], "agreement": [0.75, 0.5, 0.0]})
    figures.append(charts.alignment_heatmap(alignment, "Alignment"))
    svgs = [publish.export_image(fig, caption, "svg", preset) for fig in figures]
    svgs.append(figure_export.image_bytes(vote_story.card(story, parties, colours), "svg", 1200, 630, 1))
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            for svg in svgs:
                svg = svg.decode() if isinstance(svg, bytes) else svg
                width, height = (int(float(v)) for v in re.search(r'width="([\d.]+)" height="([\d.]+)"',
                                                                   svg).groups())
                page = chromium.new_page(viewport={"width": width, "height": height})
                page.set_content(f"<html><body style='margin:0'>{svg}</body></html>")
                found = page.evaluate(OVERLAPS)
                page.close()
                assert found == {"overlaps": [], "outside": []}
        finally:
            chromium.close()
