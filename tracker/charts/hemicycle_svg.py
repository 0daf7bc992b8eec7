"""The parliament chart as plain SVG for the page: the plotly figure's seats, bands, counts and legend, drawn at once.

plotly.js took about 140 ms of the browser's time to draw a 700-seat arch each time a vote opened; the same picture as
an SVG element takes a few milliseconds. The plotly figure (tracker.charts.hemicycle) stays the one downloaded.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from html import escape

import numpy as np
import pandas as pd

from tracker.charts.hemicycle import BAND_RADIUS, party_runs, seat_labels, seat_size, yes_needed
from tracker.charts.style import AS_IMAGE, FONT, POSITION_COLOURS, POSITION_NAMES, POSITION_ORDER, colour_of

SCALE = 300  # SVG units per layout unit: the arch (radius 1) is 600 units wide, about a pixel each at 700 px
WIDTH = 2.3 * SCALE
TEXT_COLOUR = "#2a3f5f"  # plotly_white's text colour, as on the other charts
SEAT_EDGE = "#444444"
CSS = f"""
.tracker-seats {{ font-family: {FONT['family']}; color: {TEXT_COLOUR}; margin: 0 0 0.5rem 0; }}
.tracker-seats-title {{ font-size: 18px; margin: 12px 0 8px 0; }}
.tracker-seats svg {{ display: block; width: 100%; max-width: 700px; height: auto; margin: 0 auto; }}
.tracker-seats circle:hover {{ stroke: #000000; stroke-width: 2.5; }}
.tracker-seats ul.tracker-seats-legend {{ display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 13px;
  margin: 6px 0 0 0; padding: 0; list-style: none; align-items: center; }}
.tracker-seats-legend li {{ display: flex; align-items: center; gap: 6px; margin: 0; }}
.tracker-seats-legend .heading {{ font-size: 14px; }}
.tracker-seats-dot {{ width: 11px; height: 11px; border-radius: 50%; border: 1px solid {SEAT_EDGE}; }}
.tracker-seats-bar {{ width: 24px; height: 5px; border-radius: 1px; }}
"""


def _number(value: float) -> str:
    """A coordinate to a tenth of a unit, without trailing zeros ('12', '-3.5')."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def hemicycle_svg(seats: pd.DataFrame, title: str, coloured_by: str = "position",
                  colours: Mapping[str, str] | None = None, threshold: object = None,
                  names: Mapping[str, str] | None = None) -> str:
    """The arch as HTML (styled by CSS): a title, an SVG of the seats (each with its hover text) and party bands, and a
    legend. Every text from the data is escaped."""
    heading = f"<div class='tracker-seats-title'>{escape(title)}</div>"
    total = len(seats)
    if total == 0:
        return (f"<figure class='tracker-seats'>{heading}<p role='note'>No seat count is known for this vote.</p>"
                "</figure>")
    colours = colours or {}
    size = seat_size(total, WIDTH)
    band = max(4.0, size * 0.6)
    top = BAND_RADIUS * SCALE + band / 2 + 4
    counts = seats["position"].value_counts()
    shown = [p for p in POSITION_ORDER if counts.get(p, 0)]
    said = ", ".join(f"{int(counts[p])} {POSITION_NAMES[p].lower()}" for p in shown)
    needed = yes_needed(threshold)
    parts = [f"<svg viewBox='{_number(-WIDTH / 2)} {_number(-top)} {_number(WIDTH)} {_number(top + 0.05 * SCALE)}' "
             f"{AS_IMAGE} aria-label='{escape(f'{total} seats: {said}' + (f'; {needed}' if needed else ''))}'>"]
    runs = party_runs(seats, names or {})
    radius = BAND_RADIUS * SCALE
    for run in runs:
        start = (radius * math.cos(run.start), -radius * math.sin(run.start))
        end = (radius * math.cos(run.end), -radius * math.sin(run.end))
        colour = escape(colour_of(run.party, colours))   # the page's colours are checked hex; escaped all the same
        parts.append(f"<path d='M{_number(start[0])} {_number(start[1])} A{_number(radius)} {_number(radius)} 0 0 1 "
                     f"{_number(end[0])} {_number(end[1])}' fill='none' stroke='{colour}' "
                     f"stroke-width='{_number(band)}'><title>{escape(run.label)}: {run.seats} seats</title></path>")
    labels = np.array(seat_labels(seats), dtype=object)
    r = _number(size / 2)
    for position in shown:
        parts.append(f"<g fill='{POSITION_COLOURS[position]}' stroke='{SEAT_EDGE}' stroke-width='0.5'>")
        picked = (seats["position"] == position).to_numpy()
        xs, ys = seats["x"].to_numpy()[picked] * SCALE, seats["y"].to_numpy()[picked] * -SCALE
        for x, y, label in zip(xs, ys, labels[picked], strict=True):
            parts.append(f"<circle cx='{_number(x)}' cy='{_number(y)}' r='{r}'><title>{escape(label)}</title></circle>")
        parts.append("</g>")
    parts.append(f"<text x='0' y='{_number(-0.02 * SCALE - (22 if needed else 0))}' text-anchor='middle' "
                 f"font-size='18' fill='currentColor'>{total} seats</text>")
    if needed:
        parts.append(f"<text x='0' y='{_number(-0.02 * SCALE - 4)}' text-anchor='middle' font-size='13' "
                     f"fill='currentColor'>{escape(needed)}</text>")
    parts.append("</svg>")
    what = "party position" if coloured_by == "party position" else "position"
    legend = [f"<li class='heading'>Seats by {what}:</li>"]
    legend += [f"<li><span class='tracker-seats-dot' style='background:{POSITION_COLOURS[p]}'></span>"
               f"{POSITION_NAMES[p]} ({int(counts[p])})</li>" for p in shown]
    parties = ["<li class='heading'>Parties:</li>"]
    parties += [f"<li><span class='tracker-seats-bar' style='background:{escape(colour_of(run.party, colours))}'>"
                f"</span>"
                f"{escape(run.label)} ({run.seats})</li>" for run in runs]
    lists = "".join(f"<ul class='tracker-seats-legend'>{''.join(items)}</ul>"
                    for items in (legend, parties if runs else []) if items)
    return f"<figure class='tracker-seats'>{heading}{''.join(parts)}{lists}</figure>"
