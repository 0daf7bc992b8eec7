"""The charts' style: position and party colours, safe text, the layout bands every figure shares."""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

# Okabe–Ito colours: distinguishable with the common forms of colour blindness.
POSITION_COLOURS = {
    "yes": "#009E73",
    "no": "#D55E00",
    "abstain": "#E69F00",
    "absent": "#999999",
    "split": "#CC79A7",
    "unknown": "#E5E5E5",
}
POSITION_NAMES = {"yes": "Yes", "no": "No", "abstain": "Abstain", "absent": "Absent", "split": "Split",
                  "unknown": "Unknown"}
# Left to right in the hemicycle and in stacked bars.
POSITION_ORDER = ("yes", "abstain", "split", "no", "absent", "unknown")

# A fixed list of distinct colours; a party without a colour in the data gets one by a hash of its label. No greys
# (grey means absent or unknown in this dashboard) and no two browns.
PARTY_PALETTE = (
    "#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#8C564B", "#E377C2", "#BCBD22", "#17BECF", "#393B79",
    "#637939", "#843C39", "#7B4173", "#3182BD", "#E6550D", "#31A354", "#756BB1", "#AEC7E8", "#FFBB78", "#98DF8A",
    "#FF9896", "#C5B0D5", "#F7B6D2", "#DBDB8D", "#9EDAE5", "#5254A3",
)
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
FONT = dict(family="Arial, Helvetica, sans-serif", size=13)


def palette_colour(label: str) -> str:
    """The stable palette colour for a party label (the same on every machine and run)."""
    digest = hashlib.sha256(label.encode("utf-8")).digest()
    return PARTY_PALETTE[int.from_bytes(digest[:4], "big") % len(PARTY_PALETTE)]


def party_colours(parties: pd.DataFrame) -> dict[str, str]:
    """Party label -> colour: the colour given in the data when it is a hex colour, else the stable palette.

    Two parties of the table never share a palette colour: a label whose hashed colour is taken (in label order)
    moves on to the next free one, so the result depends only on the stored parties.
    """
    colours: dict[str, str] = {}
    missing: list[str] = []
    for row in parties.itertuples(index=False):
        given = getattr(row, "colour", None)
        given = given.strip() if isinstance(given, str) else ""
        if given and not given.startswith("#") and re.fullmatch(r"[0-9a-fA-F]{6}", given):
            given = "#" + given
        if _HEX.match(given):
            colours[str(row.party)] = given
        else:
            missing.append(str(row.party))
    used = {c.upper() for c in colours.values()}
    for label in sorted(set(missing)):
        start = PARTY_PALETTE.index(palette_colour(label))
        free = [PARTY_PALETTE[(start + i) % len(PARTY_PALETTE)] for i in range(len(PARTY_PALETTE))]
        colour = next((c for c in free if c.upper() not in used), free[0])
        colours[label] = colour
        used.add(colour.upper())
    return colours


def colour_of(party: str, colours: Mapping[str, str]) -> str:
    """A party's colour from the mapping, else the stable palette."""
    return colours.get(party) or palette_colour(party)


def plain(text: object) -> str:
    """Text from uploads made safe for plotly, which reads a little HTML in titles, names and labels."""
    return html.escape(str(text), quote=False)


# The layout in pixel bands, so that nothing overlaps whatever the figure's height: the title (and subtitle) on top,
# an optional band under them for labels above the plot (a threshold), and at the bottom the tick labels, the x-axis
# title and the legend, each in its own band.
TITLE_BAND, SUBTITLE_BAND, TICKS_BAND, AXIS_TITLE_BAND, LEGEND_ROW = 44, 22, 28, 26, 26
THRESHOLD_BAND = 24
LEGEND_WIDTH = 620  # the narrowest width a chart is drawn at (half the wide layout), for counting legend rows


def _legend_entries(fig: go.Figure) -> list[str]:
    shown = [t for t in fig.data if t.type not in ("heatmap",) and t.showlegend is not False]
    return [str(t.name or "") for t in shown] if len(shown) >= 2 or any(t.showlegend for t in shown) else []


def legend_rows(fig: go.Figure) -> int:
    """How many rows the horizontal legend takes at the narrowest chart width (0 without a legend)."""
    entries = _legend_entries(fig)
    if not entries:
        return 0
    title = str(fig.layout.legend.title.text or "")
    widths = [len(title) * 8 + 10] if title else []
    widths += [len(name) * 7.5 + 50 for name in entries]
    rows, used = 1, 0.0
    for width in widths:
        if used and used + width > LEGEND_WIDTH:
            rows, used = rows + 1, 0.0
        used += width
    return rows


def base_layout(fig: go.Figure, title: str, height: int = 450, subtitle: str = "", top_band: int = 0) -> go.Figure:
    top = TITLE_BAND + (SUBTITLE_BAND if subtitle else 0) + top_band
    axis_shown = fig.layout.xaxis.visible is not False
    bottom = 8
    if axis_shown:
        bottom += TICKS_BAND + (AXIS_TITLE_BAND if fig.layout.xaxis.title.text else 0)
    bottom += LEGEND_ROW * legend_rows(fig)
    # `height` is the height at the former fixed margins (100 px in all); the plot area keeps its size.
    total = height + top + bottom - 100
    fig.update_layout(title=dict(text=plain(title), subtitle=dict(text=plain(subtitle) if subtitle else None),
                                 x=0, xanchor="left", yref="container", y=1, yanchor="top", pad=dict(t=12)),
                      font=FONT, height=total, margin=dict(l=10, r=10, t=top, b=bottom),
                      template="plotly_white",
                      # In the figure's bottom band (container coordinates), below the tick labels and axis title.
                      legend=dict(orientation="h", yref="container", yanchor="bottom", y=0, x=0, xanchor="left",
                                  traceorder="normal"))
    return fig


def empty_figure(message: str, title: str = "") -> go.Figure:
    """A figure that says there is nothing to draw, and why."""
    fig = go.Figure()
    fig.add_annotation(text=plain(message), x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font=dict(size=15))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return base_layout(fig, title, height=300)
