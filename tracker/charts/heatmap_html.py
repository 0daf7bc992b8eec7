"""The Parties page's grids as HTML: the alignment heatmap (the plotly figure's cells, colours and percentages) and each
party's position on each vote, drawn at once.

Drawn as HTML, the Parties page loads and draws no plotly chart on any tab. Each cell's hover text is its `title`. The
plotly figures (tracker.charts.parties.alignment_heatmap, tracker.charts.parties.position_grid) stay the ones
downloaded.
"""

from __future__ import annotations

import functools
from html import escape

import pandas as pd
from plotly.colors import get_colorscale, hex_to_rgb

from tracker.charts.bars_html import heading_html, hover_text, legend_html, note_html
from tracker.charts.parties import (
    ALIGNMENT_COLOURS,
    GRID_CODES,
    NO_PAIRS,
    NO_POSITIONS,
    alignment_matrix,
    position_matrix,
)
from tracker.charts.style import AS_IMAGE, POSITION_COLOURS, POSITION_NAMES

SCALE_TICKS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
CSS = """
.tracker-heat-body { display: flex; gap: 14px; align-items: flex-start; }
.tracker-heat-grid { flex: 1 1 auto; min-width: 0; display: grid; gap: 1px; align-items: stretch; }
.tracker-heat-grid > span { display: flex; align-items: center; justify-content: center; min-height: 28px;
  overflow: hidden; white-space: nowrap; }
.tracker-heat-grid > .tracker-heat-label { justify-content: flex-end; padding-right: 6px; white-space: normal;
  text-align: right; line-height: 1.15; overflow-wrap: anywhere; }
.tracker-heat-grid > .tracker-heat-x { writing-mode: vertical-rl; transform: rotate(180deg); justify-content: flex-end;
  padding-bottom: 0; padding-top: 6px; min-height: 0; }
.tracker-heat-grid:not(.positions) > span[title] { container-type: inline-size; }
.tracker-heat-grid > span[title]:hover { outline: 2px solid #000000; outline-offset: -2px; }
.tracker-heat-grid b { font-weight: normal; }
@container (max-width: 22px) { .tracker-heat-grid .c2 b { visibility: hidden; } }
@container (max-width: 30px) { .tracker-heat-grid .c3 b { visibility: hidden; } }
@container (max-width: 38px) { .tracker-heat-grid .c4 b { visibility: hidden; } }
.tracker-heat-scale { display: grid; grid-template-columns: 14px auto; grid-template-rows: 200px; column-gap: 4px;
  flex: none; }
.tracker-heat-scale i { display: block; }
.tracker-heat-scale div { position: relative; min-width: 4ch; }
.tracker-heat-scale div span { position: absolute; left: 0; transform: translateY(50%); white-space: nowrap; }
.tracker-heat-scale p { grid-column: 1 / span 2; margin: 4px 0 0 0; font-size: 13px; }
.tracker-heat-grid.positions > span { min-height: 15px; }
.tracker-heat-grid.positions > .tracker-heat-label { font-size: 12px; white-space: nowrap; }
.tracker-heat-grid.positions > .tracker-heat-x { padding: 0 0 6px 0; justify-content: flex-start; }
""" + "".join(f".tracker-heat-grid.positions > .{position[0]} {{ background: {POSITION_COLOURS[position]}; }}\n"
                 for position in GRID_CODES)   # a cell's colour by the first letter of its position


@functools.cache
def _stops() -> tuple[tuple[float, tuple[int, int, int]], ...]:
    return tuple((float(at), hex_to_rgb(colour)) for at, colour in get_colorscale(ALIGNMENT_COLOURS))


def cell_colour(share: float) -> tuple[int, int, int]:
    """The colour of a share from 0 to 1 on the heatmap's scale, as plotly.js draws it (linear between stops, RGB)."""
    stops = _stops()
    share = min(1.0, max(0.0, share))
    for (low, below), (high, above) in zip(stops, stops[1:], strict=False):
        if share <= high:
            t = 0.0 if high == low else (share - low) / (high - low)
            return tuple(int(a + (b - a) * t + 0.5) for a, b in zip(below, above, strict=True))
    return stops[-1][1]


def text_colour(fill: tuple[int, int, int]) -> str:
    """White on a dark cell, black on a light one (perceived brightness, as plotly.js picks a cell's text colour)."""
    red, green, blue = fill
    return "#FFFFFF" if (red * 299 + green * 587 + blue * 114) / 1000 < 128 else "#000000"


def alignment_html(alignment: pd.DataFrame, title: str) -> str:
    """Every pair of parties' share of votes with the same position as a grid of coloured cells, with its scale."""
    heading = heading_html(title, "")
    if alignment.empty:
        return note_html(heading, NO_PAIRS)
    parties, agreement, compared = alignment_matrix(alignment)
    shares = agreement.to_numpy(dtype=float)
    counts = compared.fillna(0).to_numpy(dtype=float)   # as the figure's hover data
    cells = []
    for row, party in enumerate(parties):
        cells.append(f"<span class='tracker-heat-label'>{escape(party)}</span>")
        for column, other in enumerate(parties):
            share = float(shares[row, column])
            if share != share:   # NaN: the two never took a position on the same vote
                cells.append("<span></span>")
                continue
            fill = cell_colour(share)
            said = f"{party} and {other}: same position on {share:.0%} of {counts[row, column]:.0f} votes compared"
            shown = f"{share:.0%}"
            # A cell too narrow for its number shows none rather than part of it ("10" of "100%"): c2-c4 by length.
            cells.append(f"<span class='c{len(shown)}' style='background:rgb{fill};color:{text_colour(fill)}' "
                         f"title='{escape(said)}'><b>{shown}</b></span>")
    cells.append("<span class='tracker-heat-corner'></span>")
    cells += [f"<span class='tracker-heat-x'>{escape(party)}</span>" for party in parties]
    columns = f"grid-template-columns:fit-content(30%) repeat({len(parties)}, minmax(0, 1fr))"
    pairs = sum(shares[row, column] == shares[row, column]   # not NaN: the two compared on a vote at least
                for row in range(len(parties)) for column in range(row + 1, len(parties)))
    described = f"{title}: {len(parties)} parties, {pairs} pairs of them compared"
    grid = (f"<div class='tracker-heat-grid' {AS_IMAGE} aria-label='{escape(described)}' style='{columns}'>"
            f"{''.join(cells)}</div>")
    stops = ", ".join(f"rgb{colour} {100 * at:.2f}%" for at, colour in _stops())
    ticks = "".join(f"<span style='bottom:{share:.0%}'>{share:.0%}</span>" for share in SCALE_TICKS)
    scale = (f"<div class='tracker-heat-scale'><i style='background:linear-gradient(to top, {stops})'></i>"
             f"<div>{ticks}</div><p>same position</p></div>")
    return f"<figure class='tracker-bars'>{heading}<div class='tracker-heat-body'>{grid}{scale}</div></figure>"


def positions_html(grid: pd.DataFrame, title: str) -> str:
    """Each party's position on each vote (parties.party_position_grid) as a grid of coloured cells, as
    tracker.charts.position_grid draws it: a row per vote ('V44 2022-12-30', oldest first), a column per party
    (named above), yes, abstain, split or no by colour (any other position or none: an empty cell); hover: the vote's
    title (its first 80 characters), the party and its position."""
    heading = heading_html(title, "")
    if grid.empty:
        return note_html(heading, NO_POSITIONS)
    votes, parties, codes, titles = position_matrix(grid)
    names = list(GRID_CODES)
    cells = ["<span class='tracker-heat-corner'></span>"]
    cells += [f"<span class='tracker-heat-x'>{escape(party)}</span>" for party in parties]
    for vote, vote_title, row in zip(votes, titles, codes, strict=True):
        cells.append(f"<span class='tracker-heat-label'>{escape(vote)}</span>")
        for party, code in zip(parties, row, strict=True):
            if code != code:   # NaN: no yes, no, abstain or split
                cells.append("<span></span>")
                continue
            position = names[int(code)]
            said = f"{vote_title[:80]}\n{party}: {position}"
            cells.append(f"<span class='{position[0]}' title='{hover_text(said)}'></span>")   # its colour by class
    columns = f"grid-template-columns:fit-content(30%) repeat({len(parties)}, minmax(0, 1fr))"
    described = f"{title}: {len(votes)} votes by {len(parties)} parties"
    body = (f"<div class='tracker-heat-grid positions' {AS_IMAGE} aria-label='{escape(described)}' "
            f"style='{columns}'>"
            f"{''.join(cells)}</div>")
    legend = legend_html([(POSITION_NAMES[position], POSITION_COLOURS[position]) for position in names])
    return f"<figure class='tracker-bars'>{heading}{body}{legend}</figure>"
