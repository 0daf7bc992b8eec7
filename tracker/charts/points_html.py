"""Charts on two axes as HTML: the Trends page's lines by period, and the Members page's participation and loyalty
and its map of where members stand.

These were the charts Trends and Members open with, and the map drawn as soon as it is fitted: drawn as HTML, a
filter change on those pages redraws marks the browser lays out at once, with no plotly.js to run. A line's points are
boxes placed in percent of the plot and lines an SVG stretched over it (their strokes keep their width), so a chart
reflows to any width with its text at reading size; each point's hover text is its `title`. Members are circles of an
SVG placed in percent of the plot, each with its hover text as a `<title>`: a box placed on its own is a paint layer,
and 700 of them took 24 ms of paint per filter change against 5 ms as circles (docs/performance.md). The plotly
figures (tracker.charts.trends.trend_lines, tracker.charts.members.member_scatter and ideal_points_map) stay the ones
downloaded.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

import pandas as pd

from tracker.charts.bars_html import (
    GRID_COLOUR,
    heading_html,
    hover_text,
    labelled_periods,
    legend_html,
    note_html,
    period_name,
    period_number,
)
from tracker.charts.members import LIFT_PX, label_lifts
from tracker.charts.style import AS_IMAGE, colour_of

TREND_RANGE = (-0.02, 1.02)   # the figure's fixed y range: an index or a share, 0 to 1
TREND_TICKS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
MAP_RANGE = (-1.1, 1.1)       # the map's fixed axes: the unit circle the fit lives in, and a margin
MAP_TICKS = (-1.0, -0.5, 0.0, 0.5, 1.0)
OUTSIDE_COLOUR = "#CCCCCC"    # members outside the filters, as in the figure
WRONG_SIDE_COLOUR = "#D62728"
MOST_TICKS = 7
CSS = f"""
.tracker-xy {{ display: grid; grid-template-columns: auto auto minmax(0, 1fr); column-gap: 6px; margin: 4px 18px 0 0; }}
.tracker-xy-plot {{ grid-row: 1; grid-column: 3; position: relative; border-left: 1px solid #444444;
  border-bottom: 1px solid #444444; }}
.tracker-xy-plot > i {{ position: absolute; background: {GRID_COLOUR}; }}
.tracker-xy-plot > i.gy {{ left: 0; right: 0; height: 1px; }}
.tracker-xy-plot > i.gx {{ top: 0; bottom: 0; width: 1px; }}
.tracker-xy-plot svg {{ position: absolute; inset: 0; width: 100%; height: 100%; overflow: visible;
  pointer-events: none; }}
.tracker-xy-plot svg * {{ vector-effect: non-scaling-stroke; stroke-width: 1px; }}
.tracker-xy-plot svg polyline {{ fill: none; stroke-width: 2px; stroke-linejoin: round; }}
.tracker-xy-plot svg line[stroke-dasharray] {{ stroke-width: 2px; }}
.tracker-xy-plot > span {{ position: absolute; width: 8px; height: 8px; margin: -4px 0 0 -4px; border-radius: 50%; }}
.tracker-xy-plot svg.tracker-xy-points circle {{ pointer-events: visiblePainted; }}
.tracker-xy-plot svg.tracker-xy-points circle.m {{ fill-opacity: 0.8; }}
.tracker-xy-plot svg.tracker-xy-points circle.o {{ fill-opacity: 0.6; }}
.tracker-xy-plot svg.tracker-xy-points circle.p {{ fill-opacity: 0.75; }}
.tracker-xy-plot svg.tracker-xy-points circle:hover {{ stroke: #000000; stroke-width: 2px; fill-opacity: 1; }}
.tracker-xy-plot > span:hover {{ outline: 2px solid #000000; opacity: 1; z-index: 1; }}
.tracker-xy-yticks {{ grid-row: 1; grid-column: 2; position: relative; }}
.tracker-xy-yticks span {{ position: absolute; right: 0; transform: translateY(50%); white-space: nowrap; }}
.tracker-xy-xticks {{ grid-row: 2; grid-column: 3; position: relative; height: 20px; }}
.tracker-xy-xticks span {{ position: absolute; top: 4px; transform: translateX(-50%); white-space: nowrap; }}
.tracker-xy-xaxis {{ grid-row: 3; grid-column: 3; font-size: 14px; text-align: center; }}
.tracker-xy.square .tracker-xy-plot {{ aspect-ratio: 1; }}
.tracker-xy-plot > i.gy.zero {{ height: 2px; margin-bottom: -0.5px; }}
.tracker-xy-plot > i.gx.zero {{ width: 2px; margin-left: -0.5px; }}
.tracker-xy-plot > span.w {{ width: 14px; height: 14px; margin: -7px 0 0 -7px; box-sizing: border-box;
  border: 2px solid {WRONG_SIDE_COLOUR}; background: none; }}
.tracker-xy-plot > b {{ position: absolute; transform: translate(-50%, -50%); font: bold 20px/1 Arial, sans-serif;
  color: #000000; text-shadow: 0 0 2px #FFFFFF, 0 0 2px #FFFFFF; cursor: default; }}
.tracker-xy-plot > em {{ position: absolute; transform: translate(-50%, calc(-100% - 9px - var(--lift, 0px)));
  font-style: normal; font-weight: bold; font-size: 12px; color: #000000; background: rgba(255, 255, 255, 0.85);
  border: 1px solid #333333; padding: 1px 3px; white-space: nowrap; pointer-events: none; }}
.tracker-xy-plot > em.yes {{ transform: translate(-50%, -50%); font-weight: normal; border: none; }}
.tracker-bars-legend span.cross {{ background: none; color: #000000; font: bold 16px/12px Arial, sans-serif;
  text-align: center; }}
.tracker-bars-legend span.dash {{ height: 0; border-top: 2px dashed #000000; width: 18px; }}
.tracker-bars-legend span.ring {{ box-sizing: border-box; border: 2px solid {WRONG_SIDE_COLOUR}; border-radius: 50%;
  background: none; }}
"""


def _number(value: float) -> str:
    """A position in percent of the plot, for an SVG coordinate ('27.523')."""
    return f"{value:.3f}".rstrip("0").rstrip(".") or "0"


def _at(value: float, low: float, high: float) -> float:
    """Where a value falls between the axis ends, 0 to 100."""
    return 100 * (value - low) / (high - low)


def nice_range(low: float, high: float, most: int = MOST_TICKS) -> tuple[float, float, list[float]]:
    """Axis ends round the values (5 % of their span added each side) and ticks 1, 2, 2.5 or 5 × 10^k apart."""
    span = high - low
    pad = span * 0.05 if span > 0 else max(abs(high) * 0.05, 0.01)
    low, high = low - pad, high + pad
    raw = (high - low) / (most - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(k * power for k in (1, 2, 2.5, 5, 10) if k * power >= raw)
    first = math.ceil(low / step - 1e-9)
    ticks = [round(i * step, 12) for i in range(first, math.floor(high / step + 1e-9) + 1)]
    return low, high, ticks


def percent_format(ticks: Sequence[float]) -> str:
    """The fewest decimals that tell the ticks apart as percentages ('.0%' for steps of 1 % or more)."""
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    decimals = 0
    while decimals < 4 and round(step * 100, decimals) != round(step * 100, 6):
        decimals += 1
    return f".{decimals}%"


def _svg(shapes: list[str]) -> str:
    """Shapes in percent of the plot (0 to 100 across and down), stretched over it."""
    return f"<svg viewBox='0 0 100 100' preserveAspectRatio='none' aria-hidden='true'>{''.join(shapes)}</svg>"


POINT_RADIUS = {"m": "4", "o": "3", "p": "3.5"}   # px: a member on the scatter, outside the filters, on the map


def _point(kind: str, left: float, top: float, colour: str, hover: str) -> str:
    """A member's circle at (left, top) in percent of the plot, `hover` its tooltip."""
    return (f"<circle class='{kind}' cx='{_number(left)}%' cy='{_number(top)}%' r='{POINT_RADIUS[kind]}' "
            f"fill='{colour}'><title>{escape(hover)}</title></circle>")


def _points_svg(points: list[str]) -> str:
    """Circles over the plot, unstretched so they stay round: their places are percentages of its size."""
    return f"<svg class='tracker-xy-points' aria-hidden='true'>{''.join(points)}</svg>" if points else ""


def _frame(plot: str, y_title: str, y_ticks: list[tuple[float, str]], x_ticks: list[tuple[float, str]],
           x_title: str, described: str, height: int, x_grid: bool, square: bool = False) -> str:
    """The axes round a plot: tick labels and grid lines at positions in percent, and the axis titles; a square plot
    is `height` pixels across at most, and as tall as it is wide."""
    # A square map's axes cross at 0: their lines drawn thicker, as plotly's zero lines.
    grid = "".join(f"<i class='gy{' zero' if square and text == '0' else ''}' style='bottom:{_number(at)}%'></i>"
                   for at, text in y_ticks)
    if x_grid:
        grid += "".join(f"<i class='gx{' zero' if square and text == '0' else ''}' style='left:{_number(at)}%'></i>"
                        for at, text in x_ticks)
    widest = max((len(text) for _, text in y_ticks), default=1)
    y_labels = "".join(f"<span style='bottom:{_number(at)}%'>{escape(text)}</span>" for at, text in y_ticks)
    x_labels = "".join(f"<span style='left:{_number(at)}%'>{escape(text)}</span>" for at, text in x_ticks)
    size = f"max-width:calc({int(height)}px + {widest + 3}ch);grid-template-rows:auto auto auto" if square else (
        f"grid-template-rows:{int(height)}px auto auto")
    return (f"<div class='tracker-xy{' square' if square else ''}' {AS_IMAGE} aria-label='{escape(described)}' "
            f"style='{size}'>"
            f"<div class='tracker-vbars-axis'>{escape(y_title)}</div>"
            f"<div class='tracker-xy-yticks' style='width:{widest + 0.5}ch'>{y_labels}</div>"
            f"<div class='tracker-xy-plot'>{grid}{plot}</div>"
            f"<div class='tracker-xy-xticks'>{x_labels}</div>"
            f"<div class='tracker-xy-xaxis'>{escape(x_title)}</div></div>")


def trend_lines_html(frame: pd.DataFrame, value: str, group: str, colours: Mapping[str, str], title: str,
                     value_label: str, period: str, hover_count: str | None = None, height: int = 330) -> str:
    """One line per group (party or pair) of a value by period, as tracker.charts.trend_lines draws it: a point for
    each period with a value (hover: the group, the period, the value and the votes behind it), lines joining a
    group's points in time, the periods spaced evenly from the first to the last."""
    heading = heading_html(title, "")
    data = frame.dropna(subset=[value])
    if data.empty:
        return note_html(heading, "Not enough data for this chart with the current filters.")
    numbers_of = [period_number(start, period) for start in data["period"].tolist()]
    numbers = range(min(numbers_of), max(numbers_of) + 1)
    slots = len(numbers)

    def x_of(number: int) -> float:
        return 100 * (number - numbers.start + 0.5) / slots

    low, high = TREND_RANGE
    counts = data[hover_count].tolist() if hover_count else [None] * len(data)
    lines: dict[str, list[tuple[int, float, object]]] = {}
    for name, number, y, count in zip(data[group].astype(str).tolist(), numbers_of, data[value].tolist(), counts,
                                      strict=True):
        lines.setdefault(name, []).append((number, float(y), count))
    svg, points, legend, said = [], [], [], []
    for name in sorted(lines):
        colour = colour_of(name, colours)
        line = sorted(lines[name], key=lambda point: point[0])
        coordinates = [(x_of(n), 100 - _at(y, low, high)) for n, y, _ in line]
        svg.append(f"<polyline stroke='{colour}' points='"
                   + " ".join(f"{_number(x)},{_number(y)}" for x, y in coordinates) + "'/>")
        for (number, y, count), (left, top) in zip(line, coordinates, strict=True):
            votes = f"\nvotes: {int(count):,}" if hover_count and pd.notna(count) else ""
            hover = f"{name}\n{period_name(number, period)}: {y:.2f}{votes}"
            points.append(f"<span class='l' style='left:{_number(left)}%;top:{_number(top)}%;background:{colour}' "
                          f"title='{hover_text(hover)}'></span>")
        legend.append((name, colour))
        first, last = line[0], line[-1]
        said.append(f"{name} {first[1]:.2f} in {period_name(first[0], period)}"
                    + (f" to {last[1]:.2f} in {period_name(last[0], period)}" if len(line) > 1 else ""))
    plot = _svg(svg) + "".join(points)
    y_ticks = [(_at(t, low, high), f"{t:g}") for t in TREND_TICKS]
    x_ticks = [(x_of(n), text) for n, text in labelled_periods(numbers, period)]
    chart = _frame(plot, value_label, y_ticks, x_ticks, "", f"{title}: " + "; ".join(said), height, x_grid=False)
    return f"<figure class='tracker-bars'>{heading}{chart}{legend_html(legend)}</figure>"


def _party_order(parties: Sequence[str]) -> list[str]:
    """Parties in label order, members without one ("no party") last, as the figures' traces."""
    return sorted(set(parties) - {"no party"}) + (["no party"] if "no party" in parties else [])


def _parties(frame: pd.DataFrame) -> list[str]:
    """Each member's party, "no party" where none is known."""
    return ["no party" if pd.isna(p) else str(p) for p in frame["party"].tolist()]


def _counted(parties: list[str]) -> str:
    """How many members each party has, in party order ("A 2, B 1")."""
    return ", ".join(f"{party} {parties.count(party):,}" for party in _party_order(parties))


def _labels(frame: pd.DataFrame) -> list[str]:
    """Each member's name, else their id."""
    return frame["name"].where(frame["name"].notna(), frame["member_id"]).astype(str).tolist()


def member_scatter_html(stats: pd.DataFrame, colours: Mapping[str, str], title: str, height: int = 400) -> str:
    """Each member's participation against loyalty to party, coloured by party, as tracker.charts.member_scatter
    draws it (hover: the member's name, both shares and the rebellions), on axes round the members shown."""
    heading = heading_html(title, "")
    data = stats.dropna(subset=["participation", "loyalty"])
    if data.empty:
        return note_html(heading, "No member has both participation and loyalty with these filters.")
    xs, ys = data["participation"].astype(float).tolist(), data["loyalty"].astype(float).tolist()
    x_low, x_high, x_ticks = nice_range(min(xs), max(xs))
    y_low, y_high, y_ticks = nice_range(min(ys), max(ys))
    x_format, y_format = percent_format(x_ticks), percent_format(y_ticks)
    names = _labels(data)
    parties = _parties(data)
    order = _party_order(parties)
    rank = {party: i for i, party in enumerate(order)}
    points = []
    members = sorted(zip(parties, names, xs, ys, data["rebellions"].tolist(), strict=True),
                     key=lambda member: rank[member[0]])   # drawn party by party, as the figure's traces
    for party, name, x, y, rebellions in members:
        rebelled = "" if pd.isna(rebellions) else f"{int(rebellions):,}"
        hover = f"{name} ({party})\nparticipation {x:.0%}, loyalty {y:.0%}, rebellions {rebelled}"
        points.append(_point("m", _at(x, x_low, x_high), 100 - _at(y, y_low, y_high), colour_of(party, colours),
                             hover))
    described = (f"{title}: {len(members):,} members ({_counted(parties)}); "
                 f"participation {min(xs):.0%} to {max(xs):.0%}, loyalty {min(ys):.0%} to {max(ys):.0%}")
    chart = _frame(_points_svg(points), "loyalty (share of cast votes with party)",
                   [(_at(t, y_low, y_high), f"{t:{y_format}}") for t in y_ticks],
                   [(_at(t, x_low, x_high), f"{t:{x_format}}") for t in x_ticks],
                   "participation (share of votes in office cast)", described, height, x_grid=True)
    legend = legend_html([(party, colour_of(party, colours)) for party in order])
    return f"<figure class='tracker-bars'>{heading}{chart}{legend}</figure>"


def member_map_html(points: pd.DataFrame, centroids: pd.DataFrame, colours: Mapping[str, str], title: str,
                    others: pd.DataFrame | None = None, intervals: bool = False, cut: object | None = None,
                    axis_titles: tuple[str, str] = ("dimension 1", "dimension 2"), size: int = 560) -> str:
    """Members on two dimensions, as tracker.charts.ideal_points_map draws them: the unit circle, members outside the
    filters grey, each party's members in its colour (with 90 % intervals when asked), each party's centre marked
    and named, and a vote's cutting line with its yes side and the members it puts on the wrong side ringed."""
    heading = heading_html(title, "")
    if points.empty and (others is None or others.empty):
        return note_html(heading, "Too few member votes to place members on a map.")
    low, high = MAP_RANGE

    def at(x: float, y: float) -> tuple[float, float]:
        return _at(x, low, high), 100 - _at(y, low, high)

    def place(x: float, y: float) -> str:
        left, top = at(x, y)
        return f"left:{_number(left)}%;top:{_number(top)}%"

    radius = _number(100 / (high - low))
    svg = [f"<circle cx='50' cy='50' r='{radius}' stroke='#BBBBBB' fill='none'/>"]
    dots, marks, legend = [], [], []
    if others is not None and not others.empty:
        for name, x, y in zip(_labels(others), others["dim1"].tolist(), others["dim2"].tolist(), strict=True):
            dots.append(_point("o", *at(x, y), OUTSIDE_COLOUR, f"{name}\noutside the filters"))
        legend.append(("outside the filters", OUTSIDE_COLOUR))
    parties = _parties(points)
    bars = intervals and {"dim1_low", "dim1_high", "dim2_low", "dim2_high"} <= set(points.columns)
    columns = ["dim1", "dim2", *(["dim1_low", "dim1_high", "dim2_low", "dim2_high"] if bars else [])]
    rows = list(zip(parties, _labels(points), *(points[c].astype(float).tolist() for c in columns), strict=True))
    for party in _party_order(parties):
        colour = colour_of(party, colours)
        path = []
        for member in (r for r in rows if r[0] == party):
            name, x, y = member[1], member[2], member[3]
            if bars:
                x_low, x_high, y_low, y_high = member[4:]
                left, top = at(x, y)
                path.append(f"M{_number(at(x_low, y)[0])},{_number(top)}H{_number(at(x_high, y)[0])}"
                            f"M{_number(left)},{_number(at(x, y_low)[1])}V{_number(at(x, y_high)[1])}")
            dots.append(_point("p", *at(x, y), colour, f"{name}\n{party}"))
        if path:
            svg.append(f"<path stroke='{colour}' d='{''.join(path)}'/>")
        legend.append((party, colour))
    cut_svg: list[str] = []
    cut_marks: list[str] = []
    if cut is not None:
        _cut_html(cut, at, place, cut_svg, cut_marks, legend)
    if not centroids.empty:
        names, xs, ys = centroids["party"].astype(str).tolist(), centroids["dim1"].tolist(), centroids["dim2"].tolist()
        for party, x, y, lift in zip(names, xs, ys, label_lifts(names, xs, ys), strict=True):
            lifted = f";--lift:{round(lift * LIFT_PX)}px" if lift else ""   # above the labels it would cover
            marks.append(f"<b style='{place(x, y)}' title='{hover_text(party + ' centre')}'>×</b>"
                         f"<em style='{place(x, y)}{lifted}'>{escape(party)}</em>")
        legend.append(("party centre", "cross"))
    # The cutting line on top of the members and the centres' names, as the figure draws it.
    plot = "".join([_svg(svg), _points_svg(dots), *marks, _svg(cut_svg) if cut_svg else "", *cut_marks])
    ticks = [(_at(t, low, high), f"{t:g}".replace("-", "\u2212")) for t in MAP_TICKS]
    outside = 0 if others is None else len(others)
    described = (f"{title}: {len(points):,} members placed ({_counted(parties)})"
                 + (f", {outside:,} more outside the filters" if outside else "")
                 + (f"; {len(cut.wrong):,} on the wrong side of the vote's cutting line" if cut is not None else ""))
    chart = _frame(plot, axis_titles[1], ticks, ticks, axis_titles[0], described, size, x_grid=True, square=True)
    return f"<figure class='tracker-bars'>{heading}{chart}{legend_html(legend)}</figure>"


def _cut_html(cut, at, place, svg: list[str], marks: list[str], legend: list[tuple[str, str]]) -> None:
    """A vote's cutting line (dashed), an arrow from its middle to the yes side with "yes side" past its head, and rings
    round the members on its wrong side."""
    if cut.start is not None:
        (x1, y1), (x2, y2) = at(*cut.start), at(*cut.end)
        svg.append(f"<line x1='{_number(x1)}' y1='{_number(y1)}' x2='{_number(x2)}' y2='{_number(y2)}' "
                   "stroke='#000000' stroke-dasharray='6 4'/>")
        foot = (cut.start + cut.end) / 2
        head = foot + 0.18 * cut.normal
        (fx, fy), (hx, hy) = at(*foot), at(*head)
        # The arrow's head: a triangle 2 % of the plot long, pointing along the normal (the plot is square).
        dx, dy = hx - fx, hy - fy
        length = math.hypot(dx, dy) or 1.0
        ux, uy = dx / length, dy / length
        back = (hx - 2 * ux, hy - 2 * uy)
        wing = (-uy * 0.9, ux * 0.9)
        svg.append(f"<line x1='{_number(fx)}' y1='{_number(fy)}' x2='{_number(back[0])}' y2='{_number(back[1])}' "
                   "stroke='#000000'/>")
        svg.append(f"<polygon fill='#000000' points='{_number(hx)},{_number(hy)} "
                   f"{_number(back[0] + wing[0])},{_number(back[1] + wing[1])} "
                   f"{_number(back[0] - wing[0])},{_number(back[1] - wing[1])}'/>")
        marks.append(f"<em class='yes' style='{place(*(foot + 0.27 * cut.normal))}'>yes side</em>")
        legend.append(("cutting line", "dash"))
    wrong = cut.wrong
    if not wrong.empty:
        for name, position, x, y in zip(_labels(wrong), wrong["position"].astype(str).tolist(),
                                        wrong["dim1"].tolist(), wrong["dim2"].tolist(), strict=True):
            marks.append(f"<span class='w' style='{place(x, y)}' "
                         f"title='{hover_text(f'{name} voted {position}: on the wrong side')}'></span>")
        legend.append((f"wrong side of the line ({len(wrong)})", "ring"))
