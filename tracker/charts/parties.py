"""Parties: alignment between parties, cohesion, and each party's position on each vote."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from tracker.charts.style import POSITION_COLOURS, POSITION_NAMES, base_layout, empty_figure, plain

# plotly's Cividis, named here so the page's HTML heatmap (tracker/charts/heatmap_html.py) uses the same stops.
ALIGNMENT_COLOURS = "Cividis"
NO_PAIRS = "No two parties took a position on the same vote with these filters."


def alignment_matrix(alignment: pd.DataFrame) -> tuple[list[str], pd.DataFrame, pd.DataFrame]:
    """The parties (sorted) and their agreement and votes compared as party × party tables, each pair both ways."""
    pairs = pd.concat([
        alignment,
        alignment.rename(columns={"party_a": "party_b", "party_b": "party_a"}),
    ], ignore_index=True).drop_duplicates(["party_a", "party_b"])
    parties = sorted(set(pairs["party_a"].astype(str)) | set(pairs["party_b"].astype(str)))
    agreement = pairs.pivot(index="party_a", columns="party_b", values="agreement").reindex(index=parties,
                                                                                            columns=parties)
    compared = pairs.pivot(index="party_a", columns="party_b", values="votes_compared").reindex(index=parties,
                                                                                                columns=parties)
    return parties, agreement, compared


def alignment_heatmap(alignment: pd.DataFrame, title: str) -> go.Figure:
    """A symmetric matrix of the share of votes on which two parties took the same position."""
    if alignment.empty:
        return empty_figure(NO_PAIRS, title)
    parties, agreement, compared = alignment_matrix(alignment)
    text = [[("" if pd.isna(v) else f"{v:.0%}") for v in row] for row in agreement.to_numpy()]
    fig = go.Figure(go.Heatmap(
        z=agreement.to_numpy(dtype=float), x=[plain(p) for p in parties], y=[plain(p) for p in parties],
        zmin=0, zmax=1, colorscale=ALIGNMENT_COLOURS,
        customdata=compared.fillna(0).to_numpy(dtype=float), text=text, texttemplate="%{text}",
        colorbar=dict(title=dict(text="same position", side="right"), tickformat=".0%"),
        hovertemplate="%{y} and %{x}: same position on %{z:.0%} of %{customdata:.0f} votes compared<extra></extra>"))
    fig.update_xaxes(type="category", tickangle=-45)
    fig.update_yaxes(type="category", autorange="reversed")
    return base_layout(fig, title, height=max(420, 120 + 28 * len(parties)))


# Each bar of the cohesion chart: the mean, the votes it covers, its name and colour (the page's HTML draws the same).
COHESION_SERIES = (("mean_agreement_index", "agreement_votes", "Agreement Index", "#0072B2"),
                   ("mean_rice", "rice_votes", "Rice index", "#56B4E9"))
NO_COHESION = "No party has known counts on the filtered votes, so cohesion cannot be computed."


def cohesion_bars(summary: pd.DataFrame, colours: Mapping[str, str], title: str) -> go.Figure:
    """Mean Agreement Index and Rice index per party (grouped bars), with the votes each mean covers."""
    data = summary.dropna(subset=[mean for mean, *_ in COHESION_SERIES], how="all")
    if data.empty:
        return empty_figure(NO_COHESION, title)
    fig = go.Figure()
    names = [plain(p) for p in data["party"]]
    for mean, votes, name, colour in COHESION_SERIES:
        fig.add_trace(dict(type="bar", x=names, y=data[mean], name=name, marker_color=colour, customdata=data[votes],
                           hovertemplate=f"%{{x}}: %{{y:.2f}} over %{{customdata}} votes<extra>{name}</extra>"))
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category")
    fig.update_yaxes(range=[0, 1.02], title_text="mean index (1 = fully united)")
    return base_layout(fig, title)


GRID_CODES = {"yes": 0, "abstain": 1, "split": 2, "no": 3}
NO_POSITIONS = "No party positions are known for the filtered votes."


def position_matrix(grid: pd.DataFrame) -> tuple[list[str], list[str], np.ndarray, list[str]]:
    """The grid's votes ('V44 2022-12-30', oldest first), parties (sorted), their GRID_CODES (votes × parties, NaN
    where a party took none of those positions) and each vote's title."""
    grid = grid.copy()
    days = pd.to_datetime(grid["date"]).dt.strftime("%Y-%m-%d").fillna("date unknown")
    grid["label"] = [f"{v} {d}" for v, d in zip(grid["vote_id"], days, strict=True)]
    order = grid.drop_duplicates("vote_id").sort_values(["date", "vote_id"])["label"].tolist()
    parties = sorted(grid["party"].astype(str).unique())
    grid["code"] = grid["position"].map(GRID_CODES)
    z = grid.pivot_table(index="label", columns="party", values="code", aggfunc="first").reindex(
        index=order, columns=parties)
    titles = grid.drop_duplicates("label").set_index("label")["title"].reindex(order).fillna("").astype(str)
    return order, parties, z.to_numpy(dtype=float), titles.tolist()


def position_grid(grid: pd.DataFrame, title: str) -> go.Figure:
    """Votes (rows) by parties (columns), each cell coloured by the party's position."""
    if grid.empty:
        return empty_figure(NO_POSITIONS, title)
    order, parties, z, titles = position_matrix(grid)
    order = [plain(label) for label in order]
    names = list(GRID_CODES)
    hover = [[f"{plain(titles[i][:80])}<br>{plain(p)}: {'' if pd.isna(v) else names[int(v)]}"
              for p, v in zip(parties, row, strict=True)] for i, row in enumerate(z)]
    n = len(names)
    scale = []
    for i, name in enumerate(names):
        scale += [[i / n, POSITION_COLOURS[name]], [(i + 1) / n, POSITION_COLOURS[name]]]
    fig = go.Figure(go.Heatmap(z=z, x=[plain(p) for p in parties], y=order, zmin=-0.5,
                               zmax=n - 0.5, colorscale=scale, text=hover, hoverinfo="text", xgap=1, ygap=1,
                               colorbar=dict(tickvals=list(range(n)), ticktext=[POSITION_NAMES[p] for p in names])))
    fig.update_xaxes(type="category", tickangle=-45, side="top")
    fig.update_yaxes(type="category", autorange="reversed")
    return base_layout(fig, title, height=max(400, 120 + 16 * len(order)))
