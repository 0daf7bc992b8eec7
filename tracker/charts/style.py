"""The charts' style: position and party colours, safe text, the layout bands every figure shares."""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

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

# Parties without a colour in the data: from Paul Tol's colour-blind-safe schemes (muted, vibrant, dark and
# high-contrast; https://personal.sron.nl/~pault/), 21 colours no two of them alike, no greys (grey means absent or
# unknown here). A party gets one by a hash of its label, moving on while it is taken or alike one given.
PARTY_PALETTE = (
    "#332288", "#117733", "#44AA99", "#88CCEE", "#DDCC77", "#CC6677", "#882255", "#999933", "#0077BB", "#EE7733",
    "#EE3377", "#CC3311", "#33BBEE", "#009988", "#FFAABB", "#BBCC33", "#004488", "#666633", "#6699CC", "#997700",
    "#5566AA",
)
# Conventional colours of well-known parties, as on Wikipedia's party colour templates (which follow each party's
# own design): used when the data gives none. Labels as the Bundestag and Voteview files write them.
CONVENTIONAL_COLOURS = {
    "SPD": "#E3000F", "CDU/CSU": "#000000", "CDU": "#000000", "CSU": "#0080C8", "BÜ90/GR": "#1AA037",
    "GRÜNE": "#1AA037", "Grüne": "#1AA037", "B90/Grüne": "#1AA037", "DIE LINKE.": "#BE3075", "DIE LINKE": "#BE3075",
    "Die Linke": "#BE3075", "AfD": "#009EE0", "FDP": "#FFED00",
    "Democrat": "#3333FF", "Democratic": "#3333FF", "Republican": "#E81B23",
}
ALIKE_DISTANCE = 60  # RGB distance under which two colours count as alike in one chart
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
FONT = dict(family="Arial, Helvetica, sans-serif", size=13)
# A chart drawn as markup is an image, described by its aria-label, and one stop of the Tab key: a keyboard user
# reaches the description, and a tab of the page finds its first stop there instead of searching the whole chart
# after every change (docs/performance.md).
AS_IMAGE = "role='img' tabindex='0'"
TEMPLATE = "plotly_white"
# Every figure gets the template as plotly's default, which plotly assigns without checking it again; naming it on
# each figure (update_layout(template=...)) validated the whole template every time, about 12 ms a figure.
pio.templates.default = TEMPLATE


def palette_colour(label: str) -> str:
    """The stable palette colour for a party label (the same on every machine and run)."""
    digest = hashlib.sha256(label.encode("utf-8")).digest()
    return PARTY_PALETTE[int.from_bytes(digest[:4], "big") % len(PARTY_PALETTE)]


def _rgb(colour: str) -> tuple[int, int, int]:
    digits = colour.lstrip("#")
    digits = "".join(c * 2 for c in digits) if len(digits) == 3 else digits
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def alike(a: str, b: str) -> bool:
    """True when two hex colours are the same or too close to tell apart at a glance."""
    return sum((x - y) ** 2 for x, y in zip(_rgb(a), _rgb(b), strict=True)) ** 0.5 < ALIKE_DISTANCE


def _given_colour(value: object) -> str:
    given = value.strip() if isinstance(value, str) else ""
    if given and not given.startswith("#") and re.fullmatch(r"[0-9a-fA-F]{6}", given):
        given = "#" + given
    return given if _HEX.match(given) else ""


def party_colours(parties: pd.DataFrame) -> dict[str, str]:
    """Party label -> colour: the data's hex colour, else the party's conventional one, else the palette.

    No two parties of the table share a colour or get alike ones: a party whose given or conventional colour is
    already taken (in label order), and a label whose hashed palette colour is taken or alike one given, moves on to
    the next free palette colour; so the result depends only on the stored parties and is the same on every page.
    """
    colours: dict[str, str] = {}
    missing: list[str] = []
    rows = sorted((str(r.party), _given_colour(getattr(r, "colour", None))) for r in parties.itertuples(index=False))
    for label, given in rows:
        chosen = given or CONVENTIONAL_COLOURS.get(label, "")
        if chosen and not any(c.upper() == chosen.upper() for c in colours.values()):
            colours[label] = chosen
        elif label not in colours:
            missing.append(label)
    for label in sorted(set(missing) - set(colours)):
        start = PARTY_PALETTE.index(palette_colour(label))
        free = [PARTY_PALETTE[(start + i) % len(PARTY_PALETTE)] for i in range(len(PARTY_PALETTE))]
        taken = list(colours.values())
        colours[label] = next((c for c in free if not any(alike(c, t) for t in taken)), None) or _extra(taken)
    return colours


def _extra(taken: list[str]) -> str:
    """A colour beyond the palette (more parties than it holds): hues a golden angle apart, none taken."""
    import colorsys

    for i in range(1, 400):
        r, g, b = colorsys.hsv_to_rgb((i * 0.618034) % 1, 0.45 + 0.3 * (i % 2), 0.55 + 0.3 * (i % 3) / 2)
        colour = f"#{int(r * 255):02X}{int(g * 255):02X}{int(b * 255):02X}"
        if not any(alike(colour, t) for t in taken):
            return colour
    return next(f"#{i:06X}" for i in range(1, 0xFFFFFF, 0x010203) if f"#{i:06X}" not in {t.upper() for t in taken})


def colour_of(party: str, colours: Mapping[str, str]) -> str:
    """A party's colour from the mapping, else the stable palette."""
    return colours.get(party) or CONVENTIONAL_COLOURS.get(party) or palette_colour(party)


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


def legend_rows(fig: go.Figure, width: float = LEGEND_WIDTH) -> int:
    """How many rows the horizontal legend takes at a chart width (the narrowest by default; 0 without a legend).

    Plotly puts entries in one row when they fit, else in a grid of equal columns as wide as the widest entry,
    beside the legend's title.
    """
    entries = _legend_entries(fig)
    if not entries:
        return 0
    title = str(fig.layout.legend.title.text or "")
    title_width = len(title) * 8 + 10 if title else 0
    widths = [len(name) * 7.5 + 50 for name in entries]
    if title_width + sum(widths) <= width:
        return 1
    columns = max(1, int((width - title_width) // max(widths)))
    return -(-len(entries) // columns)


def base_layout(fig: go.Figure, title: str, height: int = 450, subtitle: str = "", top_band: int = 0) -> go.Figure:
    top = TITLE_BAND + (SUBTITLE_BAND if subtitle else 0) + top_band
    axis_shown = fig.layout.xaxis.visible is not False
    bottom = 8
    if axis_shown:
        bottom += TICKS_BAND + (AXIS_TITLE_BAND if fig.layout.xaxis.title.text else 0)
    bottom += LEGEND_ROW * legend_rows(fig)
    # `height` is the height at the former fixed margins (100 px in all); the plot area keeps its size.
    total = height + top + bottom - 100
    merge_layout(fig, title=dict(text=plain(title), subtitle=dict(text=plain(subtitle) if subtitle else None),
                                 x=0, xanchor="left", yref="container", y=1, yanchor="top", pad=dict(t=12)),
                 font=FONT, height=total, margin=dict(l=10, r=10, t=top, b=bottom),
                 # In the figure's bottom band (container coordinates), below the tick labels and axis title.
                 legend=dict(orientation="h", yref="container", yanchor="bottom", y=0, x=0, xanchor="left",
                             traceorder="normal"))
    return fig


def merge_layout(fig: go.Figure, **settings: object) -> None:
    """What `fig.update_layout(**settings)` does (nested settings merged into the figure's), about ten times faster.

    plotly's update_layout plans change callbacks for every key path on every call (5-6 ms of a vote's party bars);
    assigning each top-level property once, merged here, validates the same values without that plan.
    """
    for name, value in settings.items():
        current = fig.layout[name]
        if isinstance(value, Mapping) and hasattr(current, "to_plotly_json"):
            fig.layout[name] = _merged(current.to_plotly_json(), value)
        else:
            fig.layout[name] = value


def _merged(into: dict, new: Mapping) -> dict:
    for key, value in new.items():
        if isinstance(value, Mapping) and isinstance(into.get(key), dict):
            into[key] = _merged(into[key], value)
        else:
            into[key] = dict(value) if isinstance(value, Mapping) else value
    return into


def empty_figure(message: str, title: str = "") -> go.Figure:
    """A figure that says there is nothing to draw, and why."""
    fig = go.Figure()
    fig.add_annotation(text=plain(message), x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font=dict(size=15))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return base_layout(fig, title, height=300)
