"""The parliament chart: seats on arcs (parliamentarch's geometry), grouped by party, each seat's position."""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from parliamentarch import get_nrows_from_nseats, get_row_thickness, get_seats_centers

from tracker.charts.style import (
    POSITION_COLOURS,
    POSITION_NAMES,
    POSITION_ORDER,
    base_layout,
    colour_of,
    empty_figure,
    plain,
)

INNER_RADIUS = 0.4
SEAT_COLUMNS = ["party", "position", "member", "x", "y", "row", "angle"]
BAND_RADIUS = 1.07  # the party band just outside the outer row


def hemicycle_layout(seats: int) -> pd.DataFrame:
    """Seat centres on concentric arcs (outer radius 1), left to right, from parliamentarch (rows by radius)."""
    return _layout(seats).copy()


@functools.lru_cache(maxsize=64)
def _layout(seats: int) -> pd.DataFrame:
    """The geometry depends on the seat count only: worked out once per count (13 ms for 700 seats)."""
    if seats <= 0:
        return pd.DataFrame({"x": pd.Series(dtype=float), "y": pd.Series(dtype=float),
                             "row": pd.Series(dtype=int), "angle": pd.Series(dtype=float)})
    centres = get_seats_centers(seats)
    points = [(x - 1, y, angle) for (x, y), angle in centres.items()]
    outer = max(math.hypot(x, y) for x, y, _ in points)
    frame = pd.DataFrame([(x / outer, y / outer, a) for x, y, a in points], columns=["x", "y", "angle"])
    radius = (frame["x"] ** 2 + frame["y"] ** 2) ** 0.5
    frame["row"] = radius.round(6).rank(method="dense").astype(int) - 1
    # Angles as parliamentarch gives them: pi at the left end, 0 at the right.
    frame = frame.sort_values(["angle", "row"], ascending=[False, True], kind="stable").reset_index(drop=True)
    return frame[["x", "y", "row", "angle"]]


def seating_order(parties: pd.DataFrame) -> dict[str, tuple]:
    """Party -> sort key for the arc: seat_order where given, else by bloc (ranked by its first seat_order)."""
    if parties.empty:
        return {}
    frame = pd.DataFrame({"party": parties["party"].astype(str),
                          "bloc": parties["bloc"].fillna("") if "bloc" in parties else "",
                          "order": pd.to_numeric(parties["seat_order"], errors="coerce")
                          if "seat_order" in parties else float("nan")})
    bloc_rank = frame.groupby("bloc")["order"].min()
    keys: dict[str, tuple] = {}
    for party, bloc, order in frame.itertuples(index=False):
        own = math.inf if pd.isna(order) else float(order)
        first = bloc_rank.get(bloc, math.nan)
        keys[party] = (0 if own < math.inf else 1, own, math.inf if pd.isna(first) else float(first), bloc, party)
    return keys


def hemicycle_seats(groups: pd.DataFrame, total_seats: int | None,
                    order: Mapping[str, tuple] | None = None) -> pd.DataFrame:
    """Each seat with its party, position and member (if known), parties contiguous in seating order.

    groups: party (may be empty), position, seats, optionally member (one row per member). Within a party seats run
    yes, abstain, split, no, absent; seats of no known party come last, and seats not covered are 'unknown'. The
    arch has `total_seats` seats, or as many as the groups cover when that is more (or the total is not known).
    """
    groups = groups[groups["seats"].fillna(0) > 0].copy()
    if "member" not in groups:
        groups["member"] = None
    rank = {p: i for i, p in enumerate(POSITION_ORDER)}
    groups["rank"] = [rank.get(p, len(POSITION_ORDER)) for p in groups["position"].tolist()]
    groups["party"] = groups["party"].fillna("")
    order = order or {}
    groups["seating"] = [(2,) if not p else order.get(p, (1, math.inf, math.inf, "", p))
                         for p in groups["party"].tolist()]
    groups = groups.sort_values(["seating", "rank", "member"], kind="stable", na_position="last")
    covered = int(groups["seats"].sum())
    total = max(covered, int(total_seats or 0))
    layout = hemicycle_layout(total)
    repeats = groups["seats"].astype(int).to_numpy()
    rest = total - covered

    def seated(column: str, filler: object) -> np.ndarray:
        return np.concatenate([np.repeat(groups[column].astype(object).to_numpy(), repeats),
                               np.full(rest, filler, dtype=object)])

    layout["party"] = seated("party", "")
    layout["position"] = seated("position", "unknown")
    layout["member"] = seated("member", None)
    return layout[SEAT_COLUMNS]


def seat_size(seats: int, width: float = 450) -> float:
    """Marker diameter in pixels for an arch drawn `width` pixels wide, leaving a gap between seats."""
    rows = get_nrows_from_nseats(max(seats, 1))
    outer = 1 - get_row_thickness(rows)  # parliamentarch's outer row radius, which the layout scales to 1
    diameter = 2 * 0.8 * get_row_thickness(rows) / outer
    return max(2.5, min(28.0, diameter * width / 2.3))


def hemicycle(seats: pd.DataFrame, title: str, coloured_by: str = "position", colours: Mapping[str, str] | None = None,
              threshold: int | None = None, names: Mapping[str, str] | None = None, width: float = 450,
              height: int = 420) -> go.Figure:
    """The parliament arch: seats coloured by (party) position, a party band outside, the threshold marked."""
    total = len(seats)
    if total == 0:
        return empty_figure("No seat count is known for this vote.", title)
    size = seat_size(total, width)
    fig = go.Figure()
    what = "party position" if coloured_by == "party position" else "position"
    for position in POSITION_ORDER:
        part = seats[seats["position"] == position]
        if part.empty:
            continue
        hover = [plain(label) for label in seat_labels(part)]
        fig.add_trace(dict(type="scatter",
            x=part["x"].to_numpy(), y=part["y"].to_numpy(), mode="markers",
            name=f"{POSITION_NAMES[position]} ({len(part)})", legendgroup="position",
            marker=dict(size=size, color=POSITION_COLOURS[position], line=dict(width=0.5, color="#444444")),
            hovertext=hover, hoverinfo="text"))
    _party_bands(fig, seats, colours or {}, names or {}, size)
    # Seats run by party, not yes first, so the threshold is said under the seat count rather than drawn as a line.
    needed = yes_needed(threshold)
    fig.add_annotation(text=f"{total} seats" + (f"<br><span style='font-size:13px'>{needed}</span>" if needed else ""),
                       x=0, y=0.02, yanchor="bottom", showarrow=False, font=dict(size=18))
    fig.update_layout(legend_title_text=f"Seats by {what}:")
    fig.update_xaxes(visible=False, range=[-1.15, 1.15])
    fig.update_yaxes(visible=False, range=[-0.05, 1.22], scaleanchor="x", scaleratio=1)
    return base_layout(fig, title, height=height)


def _party_bands(fig: go.Figure, seats: pd.DataFrame, colours: Mapping[str, str], names: Mapping[str, str],
                 size: float) -> None:
    """A party-coloured arc outside each party's seats, one legend entry per party (in seating order)."""
    for run in party_runs(seats, names):
        steps = max(2, int((run.start - run.end) * 40))
        angles = [run.start + (run.end - run.start) * i / steps for i in range(steps + 1)]
        label = plain(run.label)
        fig.add_trace(dict(type="scatter",
            x=[BAND_RADIUS * math.cos(a) for a in angles], y=[BAND_RADIUS * math.sin(a) for a in angles],
            mode="lines", line=dict(color=colour_of(run.party, colours), width=max(4.0, size * 0.6)),
            name=f"{label} ({run.seats})", legendgroup="party",
            hovertext=[], hovertemplate=f"{label}: {run.seats} seats<extra></extra>"))


class PartyRun(NamedTuple):
    """A party's seats on the arch: its label (with its name), how many, and the angles of its first and last seat."""

    party: str
    label: str
    seats: int
    start: float
    end: float


def party_runs(seats: pd.DataFrame, names: Mapping[str, str]) -> list[PartyRun]:
    """Each run of one party's seats along the arch, left to right (seats of no known party left out)."""
    runs = seats.assign(block=(seats["party"] != seats["party"].shift()).cumsum())
    found = []
    for _, block in runs.groupby("block", sort=True):
        party = str(block["party"].iloc[0])
        if not party:
            continue
        name = names.get(party, party)
        found.append(PartyRun(party, f"{party} · {name}" if name != party else party, len(block),
                              float(block["angle"].max()), float(block["angle"].min())))
    return found


def seat_labels(seats: pd.DataFrame) -> list[str]:
    """Each seat as its hover text says it (plain text): member · party: position."""
    return [f"{m + ' · ' if isinstance(m, str) and m else ''}{p or 'party not known'}: {POSITION_NAMES[position]}"
            for p, m, position in zip(seats["party"].tolist(), seats["member"].tolist(), seats["position"].tolist(),
                                      strict=True)]


def yes_needed(threshold: object) -> str:
    """'226 yes needed' under the seat count, or '' when the threshold is not known."""
    return f"{int(threshold)} yes needed" if threshold is not None and not pd.isna(threshold) else ""
