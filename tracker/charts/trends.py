"""Over time: outcomes per period and one line per party or pair."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from tracker.charts.style import base_layout, colour_of, empty_figure, plain

OUTCOME_COLOURS = {"passed": "#0072B2", "failed": "#D55E00", "unknown": "#BBBBBB"}


def outcome_names(names: Mapping[str, str] | None = None) -> dict[str, str]:
    """Each outcome's name in a legend: from `names`, else Passed, Failed, Unknown."""
    return {outcome: (names or {}).get(outcome, outcome.capitalize()) for outcome in OUTCOME_COLOURS}


def outcomes_over_time(by_period: pd.DataFrame, title: str, height: int = 450,
                       names: Mapping[str, str] | None = None) -> go.Figure:
    """Stacked bars of votes passed, failed and of unknown result per period (legend names from `names`)."""
    if by_period.empty:
        return empty_figure("No votes with a date match the filters.", title)
    fig = go.Figure()
    legend = outcome_names(names)
    for outcome in ("passed", "failed", "unknown"):
        fig.add_trace(dict(type="bar", x=by_period["period"], y=by_period[outcome], name=legend[outcome],
                           marker_color=OUTCOME_COLOURS[outcome]))
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title_text="votes")
    return base_layout(fig, title, height=height)


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
        fig.add_trace(dict(type="scatter", x=part["period"], y=part[value], mode="lines+markers", name=plain(name),
                           line=dict(color=colour_of(str(name), colours)), customdata=custom,
                           hovertemplate=hover))
    fig.update_yaxes(title_text=value_label, range=[-0.02, 1.02])
    return base_layout(fig, title)
