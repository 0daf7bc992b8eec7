"""Members: participation against loyalty, and the map of where members stand."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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
        fig.add_trace(dict(type="scatter",
            x=part["participation"], y=part["loyalty"], mode="markers", name=plain(label),
            marker=dict(color=colour_of(label, colours), size=8, opacity=0.8),
            hovertext=[plain(n) for n in part["name"].fillna(part["member_id"])], customdata=part["rebellions"],
            hovertemplate="%{hovertext}<br>participation %{x:.0%}, loyalty %{y:.0%}, rebellions %{customdata}"
                          "<extra></extra>"))
    fig.update_xaxes(title_text="participation (share of votes in office cast)", tickformat=".0%")
    fig.update_yaxes(title_text="loyalty (share of cast votes with party)", tickformat=".0%")
    return base_layout(fig, title, height=500)


# A party centre's label in units of the map's axes (−1.1 to 1.1 across about 500 px of plot): a character of 12 px
# bold text, the label's height with its border, and its gap above the centre's cross.
LABEL_CHAR, LABEL_HEIGHT, LABEL_GAP = 0.033, 0.09, 0.035
LIFT_PX = 21   # a label's height in the figure and on the page, in pixels


def label_lifts(names: Sequence[str], xs: Sequence[float], ys: Sequence[float]) -> list[float]:
    """How far, in label heights, each party centre's label is lifted above its usual place so that none covers another.

    Labels sit centred above their centres; from the highest centre down, each is moved up just above any label placed
    before it that it would cover (0 for most). Widths are estimated from the names' lengths.
    """
    placed: list[tuple[float, float, float, float]] = []   # left, right, bottom, top
    lifts = [0.0] * len(names)
    for i in sorted(range(len(names)), key=lambda i: (-ys[i], xs[i])):
        half = (len(str(names[i])) + 1) * LABEL_CHAR / 2
        left, right = xs[i] - half, xs[i] + half
        usual = bottom = ys[i] + LABEL_GAP
        covered = True
        while covered:
            tops = [top for other_left, other_right, other_bottom, top in placed if left < other_right
                    and other_left < right and bottom < top and other_bottom < bottom + LABEL_HEIGHT]
            covered = bool(tops)
            bottom = max(tops, default=bottom)
        placed.append((left, right, bottom, bottom + LABEL_HEIGHT))
        lifts[i] = (bottom - usual) / LABEL_HEIGHT
    return lifts


def ideal_points_map(points: pd.DataFrame, centroids: pd.DataFrame, colours: Mapping[str, str], title: str,
                     others: pd.DataFrame | None = None, intervals: bool = False, cut: object | None = None,
                     axis_titles: tuple[str, str] = ("dimension 1", "dimension 2")) -> go.Figure:
    """Members on two dimensions from their votes, coloured by party, with each party's centre marked.

    others: fitted members outside the filters, drawn grey; intervals: 90 % error bars (needs dim*_low/high);
    cut: a metrics.VoteCut whose cutting line is drawn with the members on its wrong side ringed.
    """
    if points.empty and (others is None or others.empty):
        return empty_figure("Too few member votes to place members on a map.", title)
    fig = go.Figure()
    # The unit circle the fit lives in: fixed axes, so the same member stays in the same place on every filter.
    fig.add_shape(type="circle", x0=-1, y0=-1, x1=1, y1=1, line=dict(color="#BBBBBB", width=1), layer="below")
    if others is not None and not others.empty:
        fig.add_trace(dict(type="scatter", x=others["dim1"], y=others["dim2"], mode="markers",
                           name="outside the filters", marker=dict(color="#CCCCCC", size=6, opacity=0.6),
                           hovertext=[plain(n) for n in others["name"].fillna(others["member_id"])],
                           hovertemplate="%{hovertext}<extra>outside the filters</extra>"))
    for party, part in points.groupby("party", sort=True, dropna=False):
        label = "no party" if pd.isna(party) else str(party)
        colour = colour_of(label, colours)
        bars = intervals and {"dim1_low", "dim1_high", "dim2_low", "dim2_high"} <= set(part.columns)
        fig.add_trace(dict(type="scatter", x=part["dim1"], y=part["dim2"], mode="markers", name=plain(label),
                           marker=dict(color=colour, size=7, opacity=0.75),
                           error_x=_bar(part, 1, colour) if bars else None,
                           error_y=_bar(part, 2, colour) if bars else None,
                           hovertext=[plain(n) for n in part["name"].fillna(part["member_id"])],
                           hovertemplate="%{hovertext}<extra>" + plain(label) + "</extra>"))
    if cut is not None:
        _draw_cut(fig, cut)
    if not centroids.empty:
        names = [plain(p) for p in centroids["party"]]
        fig.add_trace(dict(type="scatter", x=centroids["dim1"], y=centroids["dim2"], mode="markers",
                           name="party centre", text=names,
                           marker=dict(symbol="x", size=13, color="#000000", line=dict(width=1.5, color="#FFFFFF")),
                           hovertemplate="%{text} centre<extra></extra>"))
        # Labels on a white box above each centre, readable over the party's own points; lifted where they would
        # cover one another.
        lifts = label_lifts(names, centroids["dim1"].tolist(), centroids["dim2"].tolist())
        for name, x, y, lift in zip(names, centroids["dim1"], centroids["dim2"], lifts, strict=True):
            fig.add_annotation(x=x, y=y, text=f"<b>{name}</b>", showarrow=False, yshift=16 + round(LIFT_PX * lift),
                               bgcolor="rgba(255,255,255,0.85)", bordercolor="#333333", borderwidth=1, borderpad=2,
                               font=dict(size=12, color="#000000"))
    # A wide or tall image narrows the square plot (its domain) rather than stretching an axis to −3…3 around it.
    fig.update_xaxes(title_text=plain(axis_titles[0]), zeroline=True, range=[-1.1, 1.1], constrain="domain")
    fig.update_yaxes(title_text=plain(axis_titles[1]), zeroline=True, range=[-1.1, 1.1], scaleanchor="x",
                     scaleratio=1, constrain="domain")
    return base_layout(fig, title, height=650)


def _bar(part: pd.DataFrame, dim: int, colour: str) -> dict:
    """An asymmetric error bar from the point to its interval's ends on one dimension."""
    return dict(type="data", symmetric=False, array=part[f"dim{dim}_high"] - part[f"dim{dim}"],
                arrayminus=part[f"dim{dim}"] - part[f"dim{dim}_low"], color=colour, thickness=1, width=0)


def _draw_cut(fig: go.Figure, cut) -> None:
    """The vote's cutting line, an arrow to its yes side, and rings round the members it puts on the wrong side."""
    if cut.start is not None:
        fig.add_trace(dict(type="scatter", x=[cut.start[0], cut.end[0]], y=[cut.start[1], cut.end[1]], mode="lines",
                           name="cutting line", line=dict(color="#000000", width=2, dash="dash"),
                           hoverinfo="skip"))
        foot = (cut.start + cut.end) / 2
        fig.add_annotation(x=foot[0] + 0.18 * cut.normal[0], y=foot[1] + 0.18 * cut.normal[1], ax=foot[0],
                           ay=foot[1], axref="x", ayref="y", text="yes side", showarrow=True, arrowhead=2,
                           bgcolor="rgba(255,255,255,0.85)", font=dict(size=12, color="#000000"))
    wrong = cut.wrong
    if not wrong.empty:
        fig.add_trace(dict(type="scatter",
            x=wrong["dim1"], y=wrong["dim2"], mode="markers", name=f"wrong side of the line ({len(wrong)})",
            marker=dict(symbol="circle-open", size=14, color="#D62728", line=dict(width=2)),
            hovertext=[plain(n) for n in wrong["name"].fillna(wrong["member_id"])], customdata=wrong["position"],
            hovertemplate="%{hovertext} voted %{customdata}: on the wrong side<extra></extra>"))
