"""DataFrames to plotly figures: one colour per party everywhere, colour-blind-safe position colours."""

from __future__ import annotations

import hashlib
import html
import math
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


def _base_layout(fig: go.Figure, title: str, height: int = 450, subtitle: str = "", top_band: int = 0) -> go.Figure:
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
    return _base_layout(fig, title, height=300)


# --- hemicycle ----------------------------------------------------------------------------------------------------

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
    return _base_layout(fig, title, height=420)


# --- one vote -----------------------------------------------------------------------------------------------------

COUNTS = ("yes", "no", "abstain", "absent")


def party_breakdown(parties: pd.DataFrame, total: Mapping[str, object], threshold: int | None, verdict: str,
                    title: str) -> go.Figure:
    """Stacked bars of each party's counts under a bar of the whole vote, with the majority threshold as a line."""
    rows = [{"party": "All members", **{c: total.get(c) for c in COUNTS}}]
    rows += parties[["party", *COUNTS]].to_dict("records")
    frame = pd.DataFrame(rows)
    frame[list(COUNTS)] = frame[list(COUNTS)].apply(pd.to_numeric, errors="coerce")
    frame = frame[frame[list(COUNTS)].notna().any(axis=1)]
    if frame.empty:
        return empty_figure("No counts are known for this vote.", title)
    labels = [plain(p) for p in frame["party"]]
    fig = go.Figure()
    for count in COUNTS:
        values = frame[count]
        if values.isna().all():
            continue  # a count known for no row gets no legend entry; unknown cells draw no bar (not a zero)
        fig.add_trace(go.Bar(y=labels, x=values.astype(float), name=POSITION_NAMES[count], orientation="h",
                             marker_color=POSITION_COLOURS[count],
                             hovertemplate="%{y}: %{x} " + POSITION_NAMES[count].lower() + "<extra></extra>"))
    has_threshold = threshold is not None and not pd.isna(threshold)
    if has_threshold:
        # The label sits in its own band above the plot (top_band below), between the subtitle and the bars.
        fig.add_vline(x=float(threshold), line_dash="dash", line_color="#000000", line_width=2,
                      annotation_text=f"needed: {int(threshold)} yes", annotation_position="top",
                      annotation_yanchor="bottom")
    fig.update_layout(barmode="stack")
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(title_text="members", rangemode="tozero")
    height = max(280, 60 + 32 * len(labels))
    return _base_layout(fig, title, height=height, subtitle=verdict, top_band=THRESHOLD_BAND if has_threshold else 0)


def stage_comparison(stages: pd.DataFrame, title: str) -> go.Figure:
    """The tallies of a matter's stages side by side (grouped bars per stage)."""
    if stages.empty:
        return empty_figure("No stages recorded.", title)
    labels = [f"{plain(s)} ({d})"
              for s, d in zip(stages["stage"].fillna("stage ?"), stages["date"].astype(str), strict=True)]
    fig = go.Figure()
    for count in COUNTS:
        fig.add_trace(go.Bar(x=labels, y=pd.to_numeric(stages[count], errors="coerce"), name=POSITION_NAMES[count],
                             marker_color=POSITION_COLOURS[count]))
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category")
    return _base_layout(fig, title, height=380)


# --- over time ----------------------------------------------------------------------------------------------------

OUTCOME_COLOURS = {"passed": "#0072B2", "failed": "#D55E00", "unknown": "#BBBBBB"}


def outcomes_over_time(by_period: pd.DataFrame, title: str) -> go.Figure:
    """Stacked bars of votes passed, failed and of unknown result per period."""
    if by_period.empty:
        return empty_figure("No votes with a date match the filters.", title)
    fig = go.Figure()
    for outcome in ("passed", "failed", "unknown"):
        fig.add_trace(go.Bar(x=by_period["period"], y=by_period[outcome], name=outcome.capitalize(),
                             marker_color=OUTCOME_COLOURS[outcome]))
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title_text="votes")
    return _base_layout(fig, title)


def trend_lines(frame: pd.DataFrame, value: str, group: str, colours: Mapping[str, str], title: str,
                value_label: str, hover_count: str | None = None) -> go.Figure:
    """One line per group (party or pair) of a value by period, with the number of votes behind each point."""
    data = frame.dropna(subset=[value])
    if data.empty:
        return empty_figure("Not enough data for this chart with the current filters.", title)
    fig = go.Figure()
    for name, part in data.groupby(group, sort=True):
        part = part.sort_values("period")
        custom = part[hover_count] if hover_count else None
        votes = "<br>votes: %{customdata}" if hover_count else ""
        hover = f"{plain(name)}<br>%{{x}}: %{{y:.2f}}{votes}<extra></extra>"
        fig.add_trace(go.Scatter(x=part["period"], y=part[value], mode="lines+markers", name=plain(name),
                                 line=dict(color=colour_of(str(name), colours)), customdata=custom,
                                 hovertemplate=hover))
    fig.update_yaxes(title_text=value_label, range=[-0.02, 1.02])
    return _base_layout(fig, title)


# --- parties ------------------------------------------------------------------------------------------------------

def alignment_heatmap(alignment: pd.DataFrame, title: str) -> go.Figure:
    """A symmetric matrix of the share of votes on which two parties took the same position."""
    if alignment.empty:
        return empty_figure("No two parties took a position on the same vote with these filters.", title)
    pairs = pd.concat([
        alignment,
        alignment.rename(columns={"party_a": "party_b", "party_b": "party_a"}),
    ], ignore_index=True).drop_duplicates(["party_a", "party_b"])
    parties = sorted(set(pairs["party_a"].astype(str)) | set(pairs["party_b"].astype(str)))
    agreement = pairs.pivot(index="party_a", columns="party_b", values="agreement").reindex(index=parties,
                                                                                            columns=parties)
    compared = pairs.pivot(index="party_a", columns="party_b", values="votes_compared").reindex(index=parties,
                                                                                                columns=parties)
    text = [[("" if pd.isna(v) else f"{v:.0%}") for v in row] for row in agreement.to_numpy()]
    fig = go.Figure(go.Heatmap(
        z=agreement.to_numpy(dtype=float), x=[plain(p) for p in parties], y=[plain(p) for p in parties],
        zmin=0, zmax=1, colorscale="Cividis",
        customdata=compared.fillna(0).to_numpy(dtype=float), text=text, texttemplate="%{text}",
        colorbar=dict(title="same position", tickformat=".0%"),
        hovertemplate="%{y} and %{x}: same position on %{z:.0%} of %{customdata:.0f} votes compared<extra></extra>"))
    fig.update_xaxes(type="category", tickangle=-45)
    fig.update_yaxes(type="category", autorange="reversed")
    return _base_layout(fig, title, height=max(420, 120 + 28 * len(parties)))


def cohesion_bars(summary: pd.DataFrame, colours: Mapping[str, str], title: str) -> go.Figure:
    """Mean Agreement Index and Rice index per party (grouped bars), with the votes each mean covers."""
    data = summary.dropna(subset=["mean_agreement_index", "mean_rice"], how="all")
    if data.empty:
        return empty_figure("No party has known counts on the filtered votes, so cohesion cannot be computed.", title)
    fig = go.Figure()
    names = [plain(p) for p in data["party"]]
    fig.add_trace(go.Bar(x=names, y=data["mean_agreement_index"], name="Agreement Index",
                         marker_color="#0072B2", customdata=data["agreement_votes"],
                         hovertemplate="%{x}: %{y:.2f} over %{customdata} votes<extra>Agreement Index</extra>"))
    fig.add_trace(go.Bar(x=names, y=data["mean_rice"], name="Rice index", marker_color="#56B4E9",
                         customdata=data["rice_votes"],
                         hovertemplate="%{x}: %{y:.2f} over %{customdata} votes<extra>Rice index</extra>"))
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category")
    fig.update_yaxes(range=[0, 1.02], title_text="mean index (1 = fully united)")
    return _base_layout(fig, title)


GRID_CODES = {"yes": 0, "abstain": 1, "split": 2, "no": 3}


def position_grid(grid: pd.DataFrame, title: str) -> go.Figure:
    """Votes (rows) by parties (columns), each cell coloured by the party's position."""
    if grid.empty:
        return empty_figure("No party positions are known for the filtered votes.", title)
    grid = grid.copy()
    days = pd.to_datetime(grid["date"]).dt.strftime("%Y-%m-%d").fillna("date unknown")
    grid["label"] = [plain(f"{v} {d}") for v, d in zip(grid["vote_id"], days, strict=True)]
    order = grid.drop_duplicates("vote_id").sort_values(["date", "vote_id"])["label"].tolist()
    parties = sorted(grid["party"].astype(str).unique())
    grid["code"] = grid["position"].map(GRID_CODES)
    z = grid.pivot_table(index="label", columns="party", values="code", aggfunc="first").reindex(
        index=order, columns=parties)
    titles = grid.drop_duplicates("label").set_index("label")["title"].reindex(order).fillna("").astype(str)
    names = list(GRID_CODES)
    hover = [[f"{plain(titles.iloc[i][:80])}<br>{plain(p)}: {'' if pd.isna(v) else names[int(v)]}"
              for p, v in zip(parties, row, strict=True)] for i, row in enumerate(z.to_numpy())]
    n = len(names)
    scale = []
    for i, name in enumerate(names):
        scale += [[i / n, POSITION_COLOURS[name]], [(i + 1) / n, POSITION_COLOURS[name]]]
    fig = go.Figure(go.Heatmap(z=z.to_numpy(dtype=float), x=[plain(p) for p in parties], y=order, zmin=-0.5,
                               zmax=n - 0.5, colorscale=scale, text=hover, hoverinfo="text", xgap=1, ygap=1,
                               colorbar=dict(tickvals=list(range(n)), ticktext=[POSITION_NAMES[p] for p in names])))
    fig.update_xaxes(type="category", tickangle=-45, side="top")
    fig.update_yaxes(type="category", autorange="reversed")
    return _base_layout(fig, title, height=max(400, 120 + 16 * len(order)))


# --- members ------------------------------------------------------------------------------------------------------

def member_scatter(stats: pd.DataFrame, colours: Mapping[str, str], title: str) -> go.Figure:
    """Each member's participation against loyalty to party, coloured by party."""
    data = stats.dropna(subset=["participation", "loyalty"])
    if data.empty:
        return empty_figure("No member has both participation and loyalty with these filters.", title)
    fig = go.Figure()
    for party, part in data.groupby("party", sort=True, dropna=False):
        label = "no party" if pd.isna(party) else str(party)
        fig.add_trace(go.Scatter(
            x=part["participation"], y=part["loyalty"], mode="markers", name=plain(label),
            marker=dict(color=colour_of(label, colours), size=8, opacity=0.8),
            hovertext=[plain(n) for n in part["name"].fillna(part["member_id"])], customdata=part["rebellions"],
            hovertemplate="%{hovertext}<br>participation %{x:.0%}, loyalty %{y:.0%}, rebellions %{customdata}"
                          "<extra></extra>"))
    fig.update_xaxes(title_text="participation (share of votes in office cast)", tickformat=".0%")
    fig.update_yaxes(title_text="loyalty (share of cast votes with party)", tickformat=".0%")
    return _base_layout(fig, title, height=500)


def ideal_points_map(points: pd.DataFrame, centroids: pd.DataFrame, colours: Mapping[str, str],
                     title: str) -> go.Figure:
    """Members on two dimensions from their votes, coloured by party, with each party's centre marked."""
    if points.empty:
        return empty_figure("Too few member votes to place members on a map.", title)
    fig = go.Figure()
    for party, part in points.groupby("party", sort=True, dropna=False):
        label = "no party" if pd.isna(party) else str(party)
        fig.add_trace(go.Scatter(x=part["dim1"], y=part["dim2"], mode="markers", name=plain(label),
                                 marker=dict(color=colour_of(label, colours), size=7, opacity=0.75),
                                 hovertext=[plain(n) for n in part["name"].fillna(part["member_id"])],
                                 hovertemplate="%{hovertext}<extra>" + plain(label) + "</extra>"))
    if not centroids.empty:
        names = [plain(p) for p in centroids["party"]]
        fig.add_trace(go.Scatter(x=centroids["dim1"], y=centroids["dim2"], mode="markers", name="party centre",
                                 text=names, marker=dict(symbol="x", size=13, color="#000000",
                                                         line=dict(width=1.5, color="#FFFFFF")),
                                 hovertemplate="%{text} centre<extra></extra>"))
        # Labels on a white box above each centre, readable over the party's own points.
        for name, x, y in zip(names, centroids["dim1"], centroids["dim2"], strict=True):
            fig.add_annotation(x=x, y=y, text=f"<b>{name}</b>", showarrow=False, yshift=16,
                               bgcolor="rgba(255,255,255,0.85)", bordercolor="#333333", borderwidth=1, borderpad=2,
                               font=dict(size=12, color="#000000"))
    fig.update_xaxes(title_text="dimension 1", zeroline=True)
    fig.update_yaxes(title_text="dimension 2", zeroline=True)
    return _base_layout(fig, title, height=550)
