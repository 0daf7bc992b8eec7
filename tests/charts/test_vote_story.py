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


def _pandas_breakdown_rows(parties: pd.DataFrame, total: dict) -> pd.DataFrame:
    """breakdown_rows as it was written with pandas (before 2026-12-07), to check the plain-Python one against."""
    counts = list(charts.COUNTS)
    rows = [{"party": "All members", "name": "All members", **{c: total.get(c) for c in counts}, "basis": "tally"}]
    for record in parties.to_dict("records"):
        found = {c: record.get(c) for c in counts}
        name = record.get("name") if isinstance(record.get("name"), str) else record["party"]
        if any(v is not None and not pd.isna(v) for v in found.values()):
            rows.append({"party": record["party"], "name": name, **found, "basis": "counts"})
            continue
        seats, position = record.get("party_seats"), record.get("position")
        if position in counts and seats is not None and not pd.isna(seats):
            rows.append({"party": record["party"], "name": name, **{c: None for c in counts}, position: seats,
                         "basis": "stated position (seats)"})
    frame = pd.DataFrame(rows, columns=["party", "name", *counts, "basis"])
    frame[counts] = frame[counts].apply(pd.to_numeric, errors="coerce").astype("Int64")
    return frame[frame[counts].notna().any(axis=1)].reset_index(drop=True)


def _pandas_who_did_what(parties: pd.DataFrame) -> str:
    """who_did_what's line as it was written with pandas (before 2026-12-07)."""
    names = parties.assign(label=parties["name"].fillna(parties["party"]).astype(str))
    seats = pd.to_numeric(names["members"].fillna(names["party_seats"]), errors="coerce").fillna(0)
    names = names.assign(weight=seats).sort_values(["weight", "label"], ascending=[False, True])
    parts = []
    for position, word in vote_story.GROUP_WORDS.items():
        chosen = names[names["position"] == position]["label"].tolist()
        if chosen:
            parts.append(f"{word}: {', '.join(chosen)}")
    return " · ".join(parts)


def _random_parties(rng) -> pd.DataFrame:
    n = int(rng.integers(0, 9))

    def counts(share: float) -> list:
        return [None if rng.random() < share else int(rng.integers(0, 60)) for _ in range(n)]

    positions = ["yes", "no", "abstain", "absent", "split", None]
    frame = pd.DataFrame({
        "party": [f"P{i}" for i in range(n)],
        "name": [None if rng.random() < 0.3 else rng.choice(["Áa", "b", "B", "Zed", "a b"]) for _ in range(n)],
        "yes": counts(0.5), "no": counts(0.5), "abstain": counts(0.6), "absent": counts(0.7),
        "members": counts(0.4), "party_seats": counts(0.3),
        "position": [positions[int(rng.integers(0, len(positions)))] for _ in range(n)]})
    for column in ("yes", "no", "abstain", "absent", "members", "party_seats"):
        frame[column] = frame[column].astype("Int64")   # as queries.vote_parties gives them
    return frame


def test_party_bars_rows_and_who_did_what_equal_the_pandas_versions_on_random_votes():
    import numpy as np

    rng = np.random.default_rng(7)
    for _ in range(300):
        parties = _random_parties(rng)
        total = {c: None if rng.random() < 0.3 else int(rng.integers(0, 300)) for c in charts.COUNTS}
        pd.testing.assert_frame_equal(charts.breakdown_rows(parties, total), _pandas_breakdown_rows(parties, total))
        if not parties.empty:
            assert vote_story.who_did_what(parties)[0] == _pandas_who_did_what(parties)


def test_party_bars_rows_and_who_did_what_equal_the_pandas_versions_on_the_sample(v44):
    _, vote, parties, _ = v44
    total = {c: vote.get(c) for c in charts.COUNTS}
    pd.testing.assert_frame_equal(charts.breakdown_rows(parties, total), _pandas_breakdown_rows(parties, total))
    assert vote_story.who_did_what(parties)[0] == _pandas_who_did_what(parties)


def _one_by_one_party_breakdown(parties, total, threshold, verdict, title):
    """party_breakdown as it was built before 2026-12-07: add_trace and update_* one by one."""
    import plotly.graph_objects as go

    from tracker.charts.style import POSITION_COLOURS, POSITION_NAMES, THRESHOLD_BAND, base_layout, plain

    frame = charts.breakdown_rows(parties, total)
    stated = frame["basis"] == "stated position (seats)"
    labels = [plain(p if n == p or not n else f"{n} ({p})") + (" · stated" if s else "")
              for p, n, s in zip(frame["party"], frame["name"], stated, strict=True)]
    fig = go.Figure()
    for count in charts.COUNTS:
        values = frame[count].astype("Float64")
        if values.isna().all():
            continue
        fig.add_trace(dict(type="bar", y=labels, x=values.astype(float), name=POSITION_NAMES[count], orientation="h",
                           marker=dict(color=POSITION_COLOURS[count],
                                       pattern=dict(shape=["/" if s else "" for s in stated], fgcolor="#FFFFFF",
                                                    size=6)),
                           text=["" if pd.isna(v) or v == 0 else f"{int(v)}" for v in values],
                           textposition="inside", insidetextanchor="middle", textfont=dict(color="#000000"),
                           hovertemplate="%{y}: %{x} " + POSITION_NAMES[count].lower() + "<extra></extra>"))
    has_threshold = threshold is not None and not pd.isna(threshold)
    if has_threshold:
        fig.add_shape(type="line", x0=float(threshold), x1=float(threshold), yref="y", y0=-0.5, y1=0.5,
                      line=dict(dash="dash", color="#000000", width=2))
        fig.add_annotation(text=f"needed: {int(threshold)} yes", x=float(threshold), xref="x", yref="y domain", y=1,
                           yanchor="bottom", showarrow=False)
    fig.update_layout(barmode="stack", uniformtext=dict(minsize=10, mode="hide"))
    fig.update_yaxes(autorange="reversed", type="category", automargin=True)
    fig.update_xaxes(title_text="members (hatched: a party's seats under its stated position)" if stated.any()
                     else "members", rangemode="tozero")
    height = max(280, 60 + 32 * len(labels))
    return base_layout(fig, title, height=height, subtitle=verdict, top_band=THRESHOLD_BAND if has_threshold else 0)


def test_party_bars_are_the_figure_built_trace_by_trace(v44):
    import numpy as np

    _, vote, sample_parties, _ = v44
    rng = np.random.default_rng(11)
    cases = [(sample_parties, {c: vote.get(c) for c in charts.COUNTS}, 30)]
    cases += [(_random_parties(rng), {c: int(rng.integers(1, 300)) for c in charts.COUNTS},
               None if rng.random() < 0.3 else int(rng.integers(1, 300))) for _ in range(30)]
    for parties, total, threshold in cases:
        built = charts.party_breakdown(parties, total, threshold, "Passed", "Votes by party").to_plotly_json()
        before = _one_by_one_party_breakdown(parties, total, threshold, "Passed", "Votes by party").to_plotly_json()
        assert built == before


@pytest.mark.parametrize(("given", "count"), [(3, 3), ("12", 12), (7.0, 7), (None, None), (float("nan"), None),
                                              (pd.NA, None), ("", None), ("n/a", None), (float("inf"), None)])
def test_a_count_is_a_whole_number_or_unknown(given, count):
    assert charts.count_of(given) == count
