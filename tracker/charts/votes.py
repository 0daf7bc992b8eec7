"""One vote: each party's counts under the whole vote, and a matter's stages side by side."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from tracker.charts.style import POSITION_COLOURS, POSITION_NAMES, THRESHOLD_BAND, base_layout, empty_figure, plain

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
    return base_layout(fig, title, height=height, subtitle=verdict, top_band=THRESHOLD_BAND if has_threshold else 0)


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
    return base_layout(fig, title, height=380)
