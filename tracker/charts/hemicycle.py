"""The parliament arch: seat geometry on concentric semicircles, seats by party and position, the figure."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from tracker.charts.style import POSITION_COLOURS, POSITION_NAMES, POSITION_ORDER, base_layout, empty_figure, plain

INNER_RADIUS = 0.4


def _rows_for(seats: int) -> int:
    """The number of rows whose seats are spaced about as far apart along the arc as between rows."""
    if seats <= 8:
        return 1
    best, best_gap = 1, math.inf
    for rows in range(2, 60):
        radii = [INNER_RADIUS + (1 - INNER_RADIUS) * i / (rows - 1) for i in range(rows)]
        along = math.pi * sum(radii) / seats
        across = (1 - INNER_RADIUS) / (rows - 1)
        gap = abs(math.log(along / across))
        if gap < best_gap:
            best, best_gap = rows, gap
    return best


def hemicycle_layout(seats: int) -> pd.DataFrame:
    """Seat positions on concentric semicircles (seats per row proportional to its radius), left to right."""
    if seats <= 0:
        return pd.DataFrame({"x": pd.Series(dtype=float), "y": pd.Series(dtype=float),
                             "row": pd.Series(dtype=int), "angle": pd.Series(dtype=float)})
    rows = _rows_for(seats)
    radii = [1.0] if rows == 1 else [INNER_RADIUS + (1 - INNER_RADIUS) * i / (rows - 1) for i in range(rows)]
    exact = [seats * r / sum(radii) for r in radii]
    per_row = [math.floor(e) for e in exact]
    # Largest remainders get the seats left over, so the rows add up to exactly `seats`.
    for i in sorted(range(rows), key=lambda i: exact[i] - per_row[i], reverse=True)[: seats - sum(per_row)]:
        per_row[i] += 1
    points = []
    for row, (radius, count) in enumerate(zip(radii, per_row, strict=False)):
        for j in range(count):
            angle = math.pi / 2 if count == 1 else math.pi * (1 - j / (count - 1))
            points.append((radius * math.cos(angle), radius * math.sin(angle), row, angle))
    frame = pd.DataFrame(points, columns=["x", "y", "row", "angle"])
    return frame.sort_values(["angle", "row"], ascending=[False, True], kind="stable").reset_index(drop=True)


def hemicycle_seats(groups: pd.DataFrame, total_seats: int | None) -> pd.DataFrame:
    """Each seat with its party and position; seats not covered by known counts are 'unknown'.

    groups: party (may be empty), position, seats. The arch has `total_seats` seats, or as many as the groups cover
    when that is more (or when the total is not known).
    """
    groups = groups[groups["seats"].fillna(0) > 0].copy()
    groups["order"] = groups["position"].map({p: i for i, p in enumerate(POSITION_ORDER)}).fillna(len(POSITION_ORDER))
    groups["party"] = groups["party"].fillna("")
    groups = groups.sort_values(["order", "party"], kind="stable")
    covered = int(groups["seats"].sum())
    total = max(covered, int(total_seats or 0))
    layout = hemicycle_layout(total)
    parties: list[str] = []
    positions: list[str] = []
    for row in groups.itertuples(index=False):
        parties += [row.party] * int(row.seats)
        positions += [row.position] * int(row.seats)
    parties += [""] * (total - covered)
    positions += ["unknown"] * (total - covered)
    layout["party"] = parties
    layout["position"] = positions
    return layout


def hemicycle(seats: pd.DataFrame, title: str, coloured_by: str = "position") -> go.Figure:
    """The parliament arch: one marker per seat coloured by (party) position, with a legend and the seat count."""
    total = len(seats)
    if total == 0:
        return empty_figure("No seat count is known for this vote.", title)
    rows = int(seats["row"].max()) + 1
    radii = [INNER_RADIUS + (1 - INNER_RADIUS) * i / max(rows - 1, 1) for i in range(rows)] if rows > 1 else [1.0]
    along = math.pi * sum(radii) / total
    across = (1 - INNER_RADIUS) / (rows - 1) if rows > 1 else along
    # Sized for an arch about 450 px wide (2.2 units), leaving a gap between seats.
    size = max(2.5, min(24.0, 0.7 * min(along, across) * 450 / 2.2))
    fig = go.Figure()
    what = "party position" if coloured_by == "party position" else "position"
    for position in POSITION_ORDER:
        part = seats[seats["position"] == position]
        if part.empty:
            continue
        hover = [f"{plain(p) or 'party not known'}: {POSITION_NAMES[position]}" for p in part["party"]]
        fig.add_trace(go.Scatter(
            x=part["x"], y=part["y"], mode="markers", name=f"{POSITION_NAMES[position]} ({len(part)})",
            marker=dict(size=size, color=POSITION_COLOURS[position], line=dict(width=0.5, color="#444444")),
            hovertext=hover, hoverinfo="text"))
    fig.add_annotation(text=f"{total} seats", x=0, y=0.05, showarrow=False, font=dict(size=18))
    fig.update_xaxes(visible=False, range=[-1.08, 1.08])
    fig.update_yaxes(visible=False, range=[-0.08, 1.08], scaleanchor="x", scaleratio=1)
    fig.update_layout(legend_title_text=f"Seats by {what}:")
    return base_layout(fig, title, height=420)
