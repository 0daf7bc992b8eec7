"""Members: participation against loyalty, and the map of where members stand."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from tracker.charts.style import base_layout, colour_of, empty_figure, plain


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
    return base_layout(fig, title, height=500)


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
    return base_layout(fig, title, height=550)
