"""One vote: each party's counts under the whole vote, and a matter's stages side by side."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from tracker.charts.style import (
    POSITION_COLOURS,
    POSITION_NAMES,
    THRESHOLD_BAND,
    base_layout,
    empty_figure,
    merge_layout,
    plain,
)

COUNTS = ("yes", "no", "abstain", "absent")


def breakdown_rows(parties: pd.DataFrame, total: Mapping[str, object]) -> pd.DataFrame:
    """The rows the party bars draw: the whole vote, each party's counts, or its seats by its stated position.

    basis says which: 'tally' for the whole vote, 'counts' for a party's counted votes, 'stated position (seats)'
    for a party whose counts are unknown, drawn as its seats under the position it stated. Rows with no count are
    left out; counts are whole numbers (Int64), unknown ones <NA>.
    """
    rows = [("All members", "All members", *(count_of(total.get(c)) for c in COUNTS), "tally")]
    wanted = [c for c in ("party", "name", *COUNTS, "party_seats", "position") if c in parties.columns]
    for record in parties[wanted].to_dict("records"):
        counts = [count_of(record.get(c)) for c in COUNTS]
        name = record.get("name") if isinstance(record.get("name"), str) else record["party"]
        if any(v is not None for v in counts):
            rows.append((record["party"], name, *counts, "counts"))
            continue
        seats, position = count_of(record.get("party_seats")), record.get("position")
        if position in COUNTS and seats is not None:
            rows.append((record["party"], name, *(seats if c == position else None for c in COUNTS),
                         "stated position (seats)"))
    rows = [row for row in rows if any(v is not None for v in row[2:6])]
    columns = list(zip(*rows, strict=True)) if rows else [()] * 7
    frame = {"party": pd.array(columns[0], dtype=object), "name": pd.array(columns[1], dtype=object)}
    frame |= {c: pd.array(columns[2 + i], dtype="Int64") for i, c in enumerate(COUNTS)}
    return pd.DataFrame(frame | {"basis": pd.array(columns[6], dtype=object)})


def breakdown_label(party: str, name: object, stated: bool) -> str:
    """A party bar's label: "Name (PARTY)" (the party alone when it has no other name), " · stated" for its seats."""
    return (party if name == party or not name else f"{name} ({party})") + (" · stated" if stated else "")


def count_of(value: object) -> int | None:
    """A count as a whole number, or None when it is unknown (None, NaN, <NA>) or not a finite number."""
    if value is None or isinstance(value, str) and not value.strip():
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if math.isfinite(number) else None


def party_breakdown(parties: pd.DataFrame, total: Mapping[str, object], threshold: int | None, verdict: str,
                    title: str, rows: pd.DataFrame | None = None) -> go.Figure:
    """Stacked, labelled bars of each party's counts under the whole vote's, the threshold on the whole vote's bar
    (`rows`: breakdown_rows of the same, when the caller has them already)."""
    frame = breakdown_rows(parties, total) if rows is None else rows
    if frame.empty:
        return empty_figure("No counts are known for this vote.", title)
    stated = frame["basis"] == "stated position (seats)"
    labels = [plain(breakdown_label(p, n, s)) for p, n, s in zip(frame["party"], frame["name"], stated, strict=True)]
    traces = []
    for count in COUNTS:
        values = frame[count].astype("Float64")
        if values.isna().all():
            continue  # a count known for no row gets no legend entry; unknown cells draw no bar (not a zero)
        traces.append(dict(type="bar", y=labels, x=values.astype(float), name=POSITION_NAMES[count], orientation="h",
                           marker=dict(color=POSITION_COLOURS[count],
                                       pattern=dict(shape=["/" if s else "" for s in stated], fgcolor="#FFFFFF",
                                                    size=6)),
                           text=["" if pd.isna(v) or v == 0 else f"{int(v)}" for v in values],
                           textposition="inside", insidetextanchor="middle", textfont=dict(color="#000000"),
                           hovertemplate="%{y}: %{x} " + POSITION_NAMES[count].lower() + "<extra></extra>"))
    # The traces given at once and the layout merged in one step: a third of the time of add_trace and
    # update_layout/update_xaxes/update_yaxes one by one (about 8 ms of a vote's opening), the same figure.
    fig = go.Figure(data=traces)
    has_threshold = threshold is not None and not pd.isna(threshold)
    if has_threshold:
        # Drawn once, across the whole vote's bar only (the top row); its label in its own band above the plot.
        fig.add_shape(type="line", x0=float(threshold), x1=float(threshold), yref="y", y0=-0.5, y1=0.5,
                      line=dict(dash="dash", color="#000000", width=2))
        fig.add_annotation(text=f"needed: {int(threshold)} yes", x=float(threshold), xref="x", yref="y domain", y=1,
                           yanchor="bottom", showarrow=False)
    merge_layout(fig, barmode="stack", uniformtext=dict(minsize=10, mode="hide"),
                 yaxis=dict(autorange="reversed", type="category", automargin=True),
                 xaxis=dict(title=dict(text="members (hatched: a party's seats under its stated position)"
                                       if stated.any() else "members"), rangemode="tozero"))
    height = max(280, 60 + 32 * len(labels))
    return base_layout(fig, title, height=height, subtitle=verdict, top_band=THRESHOLD_BAND if has_threshold else 0)


def stage_labels(stages: pd.DataFrame) -> list[str]:
    """Each stage as named under its bars: 'second discussion (2022-12-30)', 'stage ? (date unknown)'."""
    days = pd.to_datetime(stages["date"]).dt.strftime("%Y-%m-%d").fillna("date unknown")
    return [f"{s} ({d})" for s, d in zip(stages["stage"].fillna("stage ?"), days, strict=True)]


def stage_comparison(stages: pd.DataFrame, title: str) -> go.Figure:
    """The tallies of a matter's stages side by side (grouped bars per stage)."""
    if stages.empty:
        return empty_figure("No stages recorded.", title)
    labels = [plain(label) for label in stage_labels(stages)]
    fig = go.Figure()
    for count in COUNTS:
        fig.add_trace(dict(type="bar", x=labels, y=pd.to_numeric(stages[count], errors="coerce"),
                           name=POSITION_NAMES[count], marker_color=POSITION_COLOURS[count]))
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category")
    return base_layout(fig, title, height=380)
