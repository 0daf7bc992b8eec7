"""Bar charts as HTML for the page: a vote's party bars and its matter's stages, votes passed and failed by period (the
Overview's chart, the Votes page's matching votes by year and the Trends page's outcomes), and each party's mean
cohesion (Parties).

These were the only plotly charts on the Overview, the Votes page and a vote's page, so drawn as HTML those pages
load no plotly.js at all: loading and starting it took 0.3-0.5 s of every visit here. The bars are boxes sized in
percent, so a chart reflows to any width with its text at reading size; each bar's hover text is its `title`. The
plotly figures (tracker.charts.votes.party_breakdown and stage_comparison, tracker.charts.trends.outcomes_over_time,
tracker.charts.parties.cohesion_bars) stay the ones downloaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

import pandas as pd

from tracker.charts.hemicycle_svg import TEXT_COLOUR
from tracker.charts.parties import COHESION_SERIES, NO_COHESION
from tracker.charts.style import AS_IMAGE, FONT, POSITION_COLOURS, POSITION_NAMES
from tracker.charts.trends import OUTCOME_COLOURS, outcome_names
from tracker.charts.votes import COUNTS, breakdown_label, count_of, stage_labels

GRID_COLOUR = "#EBF0F8"   # plotly_white's grid lines
MOST_PERIOD_LABELS = 12   # years under the columns: four characters each
MOST_NAMED_PERIODS = 6    # months or quarters ("Jan 2016", "2016 Q1"), which need twice the room
YEAR_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000)
CSS = f"""
.tracker-bars {{ font-family: {FONT['family']}; color: {TEXT_COLOUR}; font-size: 13px; margin: 0 0 0.5rem 0; }}
.tracker-bars-title {{ font-size: 18px; margin: 12px 0 4px 0; }}
.tracker-bars-subtitle {{ margin: 0 0 6px 0; }}
.tracker-bars ul.tracker-bars-legend {{ display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 10px 0 0 0;
  padding: 0; list-style: none; }}
.tracker-bars-legend li {{ display: flex; align-items: center; gap: 6px; margin: 0; font-size: 13px; }}
.tracker-bars-legend span {{ width: 12px; height: 12px; }}
.tracker-hbars {{ display: grid; grid-template-columns: fit-content(45%) minmax(0, 1fr); gap: 6px 8px;
  align-items: center; margin: 0 18px 0 0; }}
.tracker-hbars-label {{ grid-column: 1; text-align: right; line-height: 1.15; overflow-wrap: anywhere; }}
.tracker-hbars-bar, .tracker-hbars-needed, .tracker-hbars-grid, .tracker-hbars-ticks, .tracker-hbars-axis {{
  grid-column: 2; position: relative; }}
.tracker-hbars-grid {{ align-self: stretch; margin: -3px 0;
  background-image: repeating-linear-gradient(to right, {GRID_COLOUR} 0 1px, transparent 1px var(--step)); }}
.tracker-hbars-bar {{ display: flex; height: 22px; }}
.tracker-hbars-part {{ flex: none; height: 100%; display: flex; align-items: center; justify-content: center;
  overflow: hidden; color: #000000; container-type: inline-size; }}
.tracker-hbars-part.stated {{ background-image: repeating-linear-gradient(-45deg, rgba(255, 255, 255, 0.55) 0 1.5px,
  transparent 1.5px 6px); }}
.tracker-hbars-part:hover, .tracker-vbars-slot span:hover {{ filter: brightness(0.85); }}
@container (max-width: 12px) {{ .tracker-hbars-part.d1 b {{ visibility: hidden; }} }}
@container (max-width: 20px) {{ .tracker-hbars-part.d2 b {{ visibility: hidden; }} }}
@container (max-width: 28px) {{ .tracker-hbars-part.d3 b {{ visibility: hidden; }} }}
@container (max-width: 44px) {{ .tracker-hbars-part.d4 b {{ visibility: hidden; }} }}
.tracker-hbars-part b {{ font-weight: normal; white-space: nowrap; }}
.tracker-hbars-threshold {{ position: absolute; top: -4px; bottom: -4px; margin-left: -1px;
  border-left: 2px dashed #000000; }}
.tracker-hbars-needed {{ height: 16px; }}
.tracker-hbars-needed span, .tracker-hbars-ticks span {{ position: absolute; transform: translateX(-50%);
  white-space: nowrap; }}
.tracker-hbars-ticks {{ height: 16px; }}
.tracker-hbars-axis, .tracker-vbars-axis {{ font-size: 14px; text-align: center; }}
.tracker-vbars {{ display: grid; grid-template-columns: auto auto minmax(0, 1fr); column-gap: 6px;
  margin: 4px 0 0 0; }}
.tracker-vbars-axis {{ grid-row: 1; writing-mode: vertical-rl; transform: rotate(180deg); }}
.tracker-vbars-ticks {{ grid-row: 1; position: relative; }}
.tracker-vbars-ticks span {{ position: absolute; right: 0; transform: translateY(50%); white-space: nowrap; }}
.tracker-vbars-plot {{ grid-row: 1; grid-column: 3; display: grid; border-bottom: 1px solid #444444;
  background-image: repeating-linear-gradient(to top, {GRID_COLOUR} 0 1px, transparent 1px var(--step)); }}
.tracker-vbars-slot {{ display: flex; flex-direction: column-reverse; padding: 0 10%; min-width: 0; }}
.tracker-vbars-slot span {{ flex: none; }}
.tracker-vbars-years {{ grid-row: 2; grid-column: 3; display: grid; padding-top: 4px; }}
.tracker-vbars-years span {{ justify-self: center; white-space: nowrap; }}
.tracker-vbars-slot.grouped {{ flex-direction: row; align-items: flex-end; gap: 2px; padding: 0 12%; }}
.tracker-vbars-slot.grouped span {{ flex: 1 1 0; min-width: 0; }}
.tracker-vbars-years.names span {{ justify-self: stretch; text-align: center; white-space: normal;
  overflow-wrap: anywhere; line-height: 1.15; padding: 0 2px; }}
"""


def axis_ticks(largest: float, most: int = 6) -> tuple[list[int], float]:
    """The axis end (the largest value and 5 % more, as plotly leaves) and ticks from 0 at 1, 2 or 5 × 10^k apart."""
    end = largest * 1.05 if largest > 0 else 1.0
    step = 1
    while end // step + 1 > most:
        for factor in (2, 2.5, 2):   # 1 → 2 → 5 → 10 → 20 → 50 → 100 …
            step = int(step * factor)
            if end // step + 1 <= most:
                break
    return [i * step for i in range(int(end // step) + 1)], end


def _share(value: float, end: float) -> str:
    """A value as a percentage of the axis, for a CSS length ('27.523%')."""
    text = f"{100 * value / end:.3f}".rstrip("0").rstrip(".")
    return f"{text or '0'}%"


def heading_html(title: str, subtitle: str) -> str:
    """A chart's title and subtitle, escaped."""
    sub = f"<div class='tracker-bars-subtitle'>{escape(subtitle)}</div>" if subtitle else ""
    return f"<div class='tracker-bars-title'>{escape(title)}</div>{sub}"


LEGEND_MARKS = {"cross": "×", "dash": "", "ring": ""}   # entries drawn by a CSS class, not a colour


def legend_html(entries: list[tuple[str, str]]) -> str:
    """A legend: a name (escaped) per entry after its colour's swatch, or a mark of LEGEND_MARKS."""
    items = "".join(f"<li><span class='{colour}'>{LEGEND_MARKS[colour]}</span>{escape(name)}</li>"
                    if colour in LEGEND_MARKS else f"<li><span style='background:{colour}'></span>{escape(name)}</li>"
                    for name, colour in entries)
    return f"<ul class='tracker-bars-legend'>{items}</ul>"


def hover_text(text: str) -> str:
    """Hover text for a title attribute: escaped, its line breaks kept as character references."""
    return escape(text).replace("\n", "&#10;")


def note_html(heading: str, message: str) -> str:
    """A chart with nothing to draw: its heading and why, escaped."""
    return f"<figure class='tracker-bars'>{heading}<p role='note'>{escape(message)}</p></figure>"


def breakdown_html(rows: pd.DataFrame, threshold: object, subtitle: str, title: str) -> str:
    """The party bars of a vote (rows: breakdown_rows) as HTML: each row's counts stacked, labelled where they fit, the
    whole vote's bar first with the yes needed marked on it. Every text from the data is escaped."""
    heading = heading_html(title, subtitle)
    if rows.empty:
        return note_html(heading, "No counts are known for this vote.")
    stated = (rows["basis"] == "stated position (seats)").tolist()
    labels = [breakdown_label(p, n, s) for p, n, s in zip(rows["party"], rows["name"], stated, strict=True)]
    shown = [c for c in COUNTS if rows[c].notna().any()]   # a count known for no row gets no legend entry
    values = {c: [count_of(v) for v in rows[c].tolist()] for c in shown}
    totals = [sum(values[c][i] or 0 for c in shown) for i in range(len(rows))]
    needed = count_of(threshold)
    ticks, end = axis_ticks(max([*totals, needed or 0]))
    cells = []
    if needed is not None:
        cells.append(f"<div class='tracker-hbars-needed' style='grid-row:1'>"
                     f"<span style='left:{_share(needed, end)}'>needed: {needed} yes</span></div>")
    step = _share(ticks[1] if len(ticks) > 1 else end, end)
    cells.append(f"<div class='tracker-hbars-grid' style='grid-row:2 / span {len(rows)};--step:{step}'></div>")
    said = []
    for i, label in enumerate(labels):
        row = i + 2
        parts, counted = [], []
        for count in shown:
            value = values[count][i]
            if not value:
                continue   # unknown or zero: no bar
            name = POSITION_NAMES[count].lower()
            counted.append(f"{value} {name}")
            hatched = " stated" if stated[i] else ""
            parts.append(f"<span class='tracker-hbars-part d{min(len(str(value)), 4)}{hatched}' "
                         f"style='width:{_share(value, end)};background-color:{POSITION_COLOURS[count]}' "
                         f"title='{escape(label)}: {value} {name}'><b>{value}</b></span>")
        if i == 0 and needed is not None:
            parts.append(f"<i class='tracker-hbars-threshold' style='left:{_share(needed, end)}'></i>")
        said.append(f"{label}: {', '.join(counted) or 'none'}")
        cells.append(f"<div class='tracker-hbars-label' style='grid-row:{row}'>{escape(label)}</div>"
                     f"<div class='tracker-hbars-bar' style='grid-row:{row}'>{''.join(parts)}</div>")
    tick_labels = "".join(f"<span style='left:{_share(t, end)}'>{t:,}</span>" for t in ticks)
    cells.append(f"<div class='tracker-hbars-ticks' style='grid-row:{len(rows) + 2}'>{tick_labels}</div>")
    axis = "members (hatched: a party's seats under its stated position)" if any(stated) else "members"
    cells.append(f"<div class='tracker-hbars-axis' style='grid-row:{len(rows) + 3}'>{axis}</div>")
    described = "; ".join(said) + (f"; needed: {needed} yes" if needed is not None else "")
    chart = f"<div class='tracker-hbars' {AS_IMAGE} aria-label='{escape(described)}'>{''.join(cells)}</div>"
    legend = legend_html([(POSITION_NAMES[c], POSITION_COLOURS[c]) for c in shown])
    return f"<figure class='tracker-bars'>{heading}{chart}{legend}</figure>"


PER_YEAR = {"year": 1, "quarter": 4, "month": 12}
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def period_number(day: object, period: str) -> int:
    """A month, quarter or year as one running number (the year; year × 4 + quarter − 1; year × 12 + month − 1)."""
    if not hasattr(day, "month"):   # a date or Timestamp is used as it is (pd.Timestamp costs 10 µs a period)
        day = pd.Timestamp(day)
    return day.year * PER_YEAR[period] + (day.month - 1) * PER_YEAR[period] // 12


def period_name(number: int, period: str) -> str:
    """A period_number as a reader says it: 2016, 2016 Q1, Jan 2016."""
    year, part = divmod(number, PER_YEAR[period])
    return {"year": f"{year}", "quarter": f"{year} Q{part + 1}", "month": f"{MONTH_NAMES[part]} {year}"}[period]


def labelled_periods(numbers: range, period: str) -> list[tuple[int, str]]:
    """The periods named under the columns: round years over three years or more (at most MOST_PERIOD_LABELS), else
    every month or quarter, or every second, third or sixth from the year's start (at most MOST_NAMED_PERIODS)."""
    per_year = PER_YEAR[period]
    if period == "year" or len(numbers) >= 3 * per_year:
        every = next(k for k in YEAR_STEPS if len(numbers) / per_year / k <= MOST_PERIOD_LABELS)
        return [(n, str(n // per_year)) for n in numbers if n % per_year == 0 and n // per_year % every == 0]
    every = next(k for k in (1, 2, 3, 6) if len(numbers) / k <= MOST_NAMED_PERIODS)
    return [(n, period_name(n, period)) for n in numbers if n % per_year % every == 0]


def outcomes_by_period_html(by_period: pd.DataFrame, title: str, period: str = "year",
                            names: Mapping[str, str] | None = None, height: int = 200) -> str:
    """Votes passed, failed and of unknown result per month, quarter or year (summaries.outcomes_by_period) as
    stacked columns, one for every period from the first to the last (a period without votes stays empty)."""
    heading = heading_html(title, "")
    if by_period.empty:
        return note_html(heading, "No votes with a date match the filters.")
    legend_names = outcome_names(names)
    values = [by_period[o].astype("int64").tolist() for o in OUTCOME_COLOURS]
    counts = {period_number(start, period): [column[i] for column in values]
              for i, start in enumerate(by_period["period"].tolist())}
    numbers = range(min(counts), max(counts) + 1)
    ticks, end = axis_ticks(max(sum(c) for c in counts.values()))
    slots = []
    for number in numbers:
        said = period_name(number, period)
        parts = [f"<span style='height:{_share(value, end)};background:{OUTCOME_COLOURS[outcome]}' "
                 f"title='{said} · {escape(legend_names[outcome])}: {value:,}'></span>"
                 for outcome, value in zip(OUTCOME_COLOURS, counts.get(number, ()), strict=False) if value]
        slots.append(f"<div class='tracker-vbars-slot'>{''.join(parts)}</div>")
    labelled = "".join(f"<span style='grid-column:{n - numbers.start + 1}'>{escape(text)}</span>"
                       for n, text in labelled_periods(numbers, period))
    totals = [sum(c[i] for c in counts.values()) for i in range(len(OUTCOME_COLOURS))]
    first, last = period_name(numbers.start, period), period_name(numbers[-1], period)
    described = (f"Votes by {period}, {first}–{last}: " if first != last else f"Votes in {first}: ") + ", ".join(
        f"{total:,} {legend_names[outcome].lower()}" for outcome, total in zip(OUTCOME_COLOURS, totals, strict=True))
    chart = _columns_frame(slots, labelled, "tracker-vbars-years", [(t, f"{t:,}") for t in ticks], end, "votes",
                           described, height)
    legend = legend_html([(legend_names[o], OUTCOME_COLOURS[o]) for o in OUTCOME_COLOURS])
    return f"<figure class='tracker-bars'>{heading}{chart}{legend}</figure>"


INDEX_TICKS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
INDEX_END = 1.02   # the figure's y range ends here, so that a bar of 1 does not touch the top


def _grouped_columns(groups: list[str], bars: list[list[tuple[float, str, str] | None]], ticks: list[tuple[float, str]],
                     end: float, axis_title: str, described: str, height: int) -> str:
    """Columns side by side in a slot per group (named under it): each bar its value, colour and hover text, or None
    to leave its place empty; ticks (value, text) on an axis from 0 to `end`."""
    slots = []
    for group_bars in bars:
        drawn = []
        for bar in group_bars:
            if bar is None:
                drawn.append("<span></span>")
                continue
            value, colour, hover = bar
            drawn.append(f"<span style='height:{_share(value, end)};background:{colour}' "
                         f"title='{escape(hover)}'></span>")
        slots.append(f"<div class='tracker-vbars-slot grouped'>{''.join(drawn)}</div>")
    names = "".join(f"<span>{escape(group)}</span>" for group in groups)
    return _columns_frame(slots, names, "tracker-vbars-years names", ticks, end, axis_title, described, height)


def _columns_frame(slots: list[str], under: str, under_class: str, ticks: list[tuple[float, str]], end: float,
                   axis_title: str, described: str, height: int) -> str:
    """The axes round a row of column slots: the axis title, tick labels and grid lines from 0 to `end`, and the
    slots' labels (`under`, already made) in a row below them."""
    columns = f"grid-template-columns:repeat({len(slots)}, minmax(0, 1fr))"
    widest = max(len(text) for _, text in ticks)
    tick_labels = "".join(f"<span style='bottom:{_share(value, end)}'>{text}</span>" for value, text in ticks)
    step = _share(ticks[1][0] if len(ticks) > 1 else end, end)
    return (f"<div class='tracker-vbars' {AS_IMAGE} aria-label='{escape(described)}' "
            f"style='grid-template-rows:{int(height)}px auto'>"
            f"<div class='tracker-vbars-axis'>{escape(axis_title)}</div>"
            f"<div class='tracker-vbars-ticks' style='width:{widest + 0.5}ch'>{tick_labels}</div>"
            f"<div class='tracker-vbars-plot' style='{columns};--step:{step}'>{''.join(slots)}</div>"
            f"<div class='{under_class}' style='{columns}'>{under}</div></div>")


def cohesion_bars_html(summary: pd.DataFrame, title: str, height: int = 300) -> str:
    """Each party's mean Agreement Index and Rice index (parties.cohesion_summary) as grouped columns, as
    tracker.charts.cohesion_bars draws them: a party per slot in the summary's order, the two indices side by side
    from 0 to 1 (an unknown mean leaves its place empty), hover: the mean and the votes it covers."""
    heading = heading_html(title, "")
    data = summary.dropna(subset=[mean for mean, *_ in COHESION_SERIES], how="all")
    if data.empty:
        return note_html(heading, NO_COHESION)
    parties = data["party"].astype(str).tolist()
    series = [(name, colour, data[mean].tolist(), data[votes].tolist())
              for mean, votes, name, colour in COHESION_SERIES]
    bars, said = [], []
    for i, party in enumerate(parties):
        party_bars, known = [], []
        for name, colour, means, votes in series:
            if pd.isna(means[i]):
                party_bars.append(None)   # the other index keeps its side, as in the figure
                continue
            counted = f"{int(votes[i]):,}" if pd.notna(votes[i]) else "unknown"
            party_bars.append((means[i], colour, f"{party}: {means[i]:.2f} over {counted} votes ({name})"))
            known.append(f"{name} {means[i]:.2f}")
        bars.append(party_bars)
        said.append(f"{party}: {', '.join(known)}")
    chart = _grouped_columns(parties, bars, [(t, f"{t:g}") for t in INDEX_TICKS], INDEX_END,
                             "mean index (1 = fully united)", f"{title}: " + "; ".join(said), height)
    legend = legend_html([(name, colour) for _, _, name, colour in COHESION_SERIES])
    return f"<figure class='tracker-bars'>{heading}{chart}{legend}</figure>"


def stages_html(stages: pd.DataFrame, title: str, height: int = 260) -> str:
    """A matter's stages side by side (queries.matter_stages), as tracker.charts.stage_comparison draws them: a slot
    per stage named with its date, its yes, no, abstain and absent counts as columns (an unknown count leaves its
    place empty), hover: the stage and the count."""
    heading = heading_html(title, "")
    if stages.empty:
        return note_html(heading, "No stages recorded.")
    labels = stage_labels(stages)
    values = {count: [count_of(v) for v in stages[count].tolist()] for count in COUNTS}
    known = [v for column in values.values() for v in column if v is not None]
    if not known:
        return note_html(heading, "No counts are known for these stages: each one's result is listed above.")
    ticks, end = axis_ticks(max(known))
    bars, said = [], []
    for i, label in enumerate(labels):
        stage_bars, counted = [], []
        for count in COUNTS:
            value = values[count][i]
            name = POSITION_NAMES[count].lower()
            stage_bars.append(None if value is None else
                              (value, POSITION_COLOURS[count], f"{label}: {value:,} {name}"))
            counted.append(f"{name} {'unknown' if value is None else f'{value:,}'}")
        bars.append(stage_bars)
        said.append(f"{label}: {', '.join(counted)}")
    chart = _grouped_columns(labels, bars, [(t, f"{t:,}") for t in ticks], end, "members",
                             f"{title}: " + "; ".join(said), height)
    legend = legend_html([(POSITION_NAMES[c], POSITION_COLOURS[c]) for c in COUNTS])
    return f"<figure class='tracker-bars'>{heading}{chart}{legend}</figure>"
