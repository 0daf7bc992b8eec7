"""Charts: party colours, the hemicycle's seats, the threshold line, and upload text kept as text."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import pytest

from tracker import charts
from tracker.charts.style import FONT, merge_layout


def test_party_colour_from_data_is_used_and_missing_or_bad_colours_get_a_stable_palette_colour():
    parties = pd.DataFrame({"party": ["A", "B", "C", "D"], "colour": ["#112233", None, "red; x", "abcdef"]})
    colours = charts.party_colours(parties)
    assert colours["A"] == "#112233"
    assert colours["D"] == "#abcdef"
    # "B" hashes to the 19th palette colour (sha256 of the label), the same on every machine.
    assert colours["B"] == charts.palette_colour("B") == charts.PARTY_PALETTE[18] == "#6699CC"
    assert colours["C"] == charts.palette_colour("C")


def test_parties_without_colours_never_share_one_and_none_is_grey():
    labels = [f"party {i}" for i in range(21)] + ["CDU/CSU", "DIE LINKE.", "Fraktionslos"]
    colours = charts.party_colours(pd.DataFrame({"party": labels, "colour": [None] * len(labels)}))
    assert len(set(colours.values())) == len(labels)
    assert not {"#7F7F7F", "#636363", "#999999"} & set(colours.values())
    assert colours == charts.party_colours(pd.DataFrame({"party": labels[::-1], "colour": [None] * len(labels)}))


def test_palette_colour_is_the_same_for_the_same_label_and_spreads_labels():
    assert charts.palette_colour("PSUV") == charts.palette_colour("PSUV")
    labels = [f"party {i}" for i in range(60)]
    assert len({charts.palette_colour(label) for label in labels}) > 15


def test_position_colours_are_the_okabe_ito_colours():
    assert charts.POSITION_COLOURS["yes"] == "#009E73"
    assert charts.POSITION_COLOURS["no"] == "#D55E00"
    assert charts.POSITION_COLOURS["abstain"] == "#E69F00"
    assert charts.POSITION_COLOURS["absent"] == "#999999"


@pytest.mark.parametrize("seats", [1, 5, 9, 163, 167, 709])
def test_hemicycle_layout_has_one_distinct_point_per_seat_on_the_upper_half(seats):
    layout = charts.hemicycle_layout(seats)
    assert len(layout) == seats
    assert (layout["y"] >= -1e-9).all()
    assert len({(round(x, 6), round(y, 6)) for x, y in zip(layout["x"], layout["y"], strict=True)}) == seats
    radii = (layout["x"] ** 2 + layout["y"] ** 2) ** 0.5
    assert radii.max() == pytest.approx(1.0)
    # Left to right: angles never increase.
    assert layout["angle"].is_monotonic_decreasing or (layout["angle"].diff().dropna() <= 1e-12).all()


def test_hemicycle_rows_hold_seats_in_proportion_to_their_radius():
    layout = charts.hemicycle_layout(167)
    per_row = layout.groupby("row").size()
    radius = layout.assign(r=(layout["x"] ** 2 + layout["y"] ** 2) ** 0.5).groupby("row")["r"].first()
    # The outer row holds more seats than the inner one, by about the ratio of the radii (within one seat per row).
    expected = 167 * radius / radius.sum()
    assert ((per_row - expected).abs() <= 1).all()
    assert per_row.iloc[-1] > per_row.iloc[0]


def test_hemicycle_seats_fill_known_counts_and_mark_the_rest_unknown():
    # V04 of the sample: 107 yes, 53 no, 3 absent of 163 seats -> no unknown seats; with 167 seats, 4 unknown.
    groups = pd.DataFrame({"party": [None, None, None], "position": ["no", "yes", "absent"], "seats": [53, 107, 3]})
    seats = charts.hemicycle_seats(groups, 167)
    assert seats["position"].value_counts().to_dict() == {"yes": 107, "no": 53, "unknown": 4, "absent": 3}
    # Yes seats come first from the left, unknown last.
    assert seats["position"].iloc[0] == "yes" and seats["position"].iloc[-1] == "unknown"


def test_hemicycle_grows_when_counts_exceed_the_stated_seats_and_works_without_a_seat_count():
    groups = pd.DataFrame({"party": ["A", "B"], "position": ["yes", "no"], "seats": [6, 5]})
    assert len(charts.hemicycle_seats(groups, 10)) == 11
    assert len(charts.hemicycle_seats(groups, None)) == 11


def test_hemicycle_figure_has_a_legend_entry_per_position_with_its_count_and_the_seat_total():
    groups = pd.DataFrame({"party": ["A", "B"], "position": ["yes", "split"], "seats": [3, 2]})
    fig = charts.hemicycle(charts.hemicycle_seats(groups, 7), "Vote 1")
    assert [t.name for t in fig.data if t.legendgroup == "position"] == ["Yes (3)", "Split (2)", "Unknown (2)"]
    assert fig.data[1].marker.color == "#CC79A7"  # Okabe–Ito reddish purple
    assert any(a.text == "7 seats" for a in fig.layout.annotations)


def test_hemicycle_without_seats_says_so_instead_of_failing():
    fig = charts.hemicycle(charts.hemicycle_seats(pd.DataFrame(columns=["party", "position", "seats"]), None), "X")
    assert "No seat count" in fig.layout.annotations[0].text


def test_party_breakdown_stacks_counts_and_draws_the_threshold_line():
    parties = pd.DataFrame({"party": ["A", "B"], "yes": [2, 0], "no": [1, 2], "abstain": [0, 0], "absent": [0, 1]})
    fig = charts.party_breakdown(parties, {"yes": 2, "no": 3, "abstain": 0, "absent": 1}, 4, "Failed: 2 yes short",
                                 "M1")
    assert fig.layout.barmode == "stack"
    yes = next(t for t in fig.data if t.name == "Yes")
    assert list(yes.y) == ["All members", "A", "B"] and list(yes.x) == [2, 2, 0]
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert len(lines) == 1 and lines[0].x0 == 4
    assert fig.layout.title.subtitle.text == "Failed: 2 yes short"


def test_party_breakdown_leaves_unknown_counts_out_instead_of_drawing_zeros():
    # The whole vote's absent count is unknown; party B's abstain count is unknown: no bar, not a bar of 0.
    parties = pd.DataFrame({"party": ["A", "B"], "yes": [2, 0], "no": [1, 2], "abstain": [0, None],
                            "absent": [None, None]})
    fig = charts.party_breakdown(parties, {"yes": 2, "no": 3, "abstain": 0, "absent": None}, 4, "", "M1")
    assert [t.name for t in fig.data] == ["Yes", "No", "Abstain"]  # no count of absent is known anywhere
    abstain = next(t for t in fig.data if t.name == "Abstain")
    assert abstain.x[0] == 0 and abstain.x[1] == 0 and math.isnan(abstain.x[2])


def test_party_breakdown_gives_threshold_label_ticks_and_legend_their_own_bands():
    # Title, subtitle and the 'needed' label above the plot; tick labels, axis title and legend below it.
    parties = pd.DataFrame({"party": ["A"], "yes": [2], "no": [1], "abstain": [0], "absent": [0]})
    fig = charts.party_breakdown(parties, {"yes": 2, "no": 1, "abstain": 0, "absent": 0}, 2, "Passed", "M1")
    label = next(a for a in fig.layout.annotations if a.text == "needed: 2 yes")
    assert (label.yref, label.y, label.yanchor) == ("y domain", 1, "bottom")
    assert fig.layout.margin.t == 44 + 22 + 24  # title, subtitle and threshold label bands, in pixels
    legend = fig.layout.legend
    assert (legend.yref, legend.y, legend.yanchor, legend.orientation) == ("container", 0, "bottom", "h")
    assert fig.layout.margin.b >= 28 + 26 + 26  # tick labels, axis title and one legend row, in pixels
    without = charts.party_breakdown(parties, {"yes": 2, "no": 1, "abstain": 0, "absent": 0}, None, "", "M1")
    assert without.layout.margin.t == 44


def test_legend_rows_grow_with_many_parties():
    few = go.Figure([go.Scatter(name=n) for n in ("A", "B")])
    many = go.Figure([go.Scatter(name=f"Party number {i}") for i in range(21)])
    assert charts.legend_rows(few) == 1 and charts.legend_rows(many) >= 4
    assert charts.legend_rows(go.Figure([go.Scatter(name="only")])) == 0


def test_party_breakdown_without_any_counts_says_so():
    parties = pd.DataFrame({"party": ["A"], "yes": [None], "no": [None], "abstain": [None], "absent": [None]})
    fig = charts.party_breakdown(parties, {}, None, "", "V03")
    assert "No counts are known" in fig.layout.annotations[0].text


def test_titles_and_party_names_from_uploads_are_escaped_for_plotly():
    groups = pd.DataFrame({"party": ["<b>P</b>"], "position": ["yes"], "seats": [1]})
    fig = charts.hemicycle(charts.hemicycle_seats(groups, 1), "<a href='javascript:x'>t</a>")
    assert "<a" not in fig.layout.title.text and "&lt;a href" in fig.layout.title.text
    assert "&lt;b&gt;P&lt;/b&gt;" in fig.data[0].hovertext[0]


def test_alignment_heatmap_is_symmetric_and_carries_votes_compared_for_hover():
    alignment = pd.DataFrame({"party_a": ["A", "A", "B"], "party_b": ["B", "C", "C"],
                              "votes_compared": [4, 2, 3], "agreement": [0.75, 0.5, 0.0]})
    fig = charts.alignment_heatmap(alignment, "Alignment")
    z, custom = fig.data[0].z, fig.data[0].customdata
    assert list(fig.data[0].x) == ["A", "B", "C"]
    assert z[0][1] == z[1][0] == 0.75 and z[1][2] == 0.0
    assert custom[0][2] == custom[2][0] == 2
    assert math.isnan(z[0][0])


def test_position_grid_colours_each_cell_by_the_party_position():
    grid = pd.DataFrame({"vote_id": ["V1", "V1", "V2"], "date": pd.to_datetime(["2020-01-01"] * 2 + ["2020-02-01"]),
                         "title": ["t1", "t1", "t2"], "party": ["A", "B", "A"], "position": ["yes", "no", "split"]})
    fig = charts.position_grid(grid, "Grid")
    z = fig.data[0].z
    assert list(fig.data[0].y) == ["V1 2020-01-01", "V2 2020-02-01"]
    # The grid codes positions as yes 0, abstain 1, split 2, no 3 (one colour band each); no position is blank.
    assert z[0][0] == 0 and z[0][1] == 3
    assert z[1][0] == 2 and math.isnan(z[1][1])


@pytest.mark.parametrize("draw", [
    lambda: charts.outcomes_over_time(pd.DataFrame(columns=["period", "passed", "failed", "unknown"]), "t"),
    lambda: charts.alignment_heatmap(pd.DataFrame(columns=["party_a", "party_b", "votes_compared", "agreement"]), "t"),
    lambda: charts.cohesion_bars(pd.DataFrame(columns=["party", "mean_rice", "mean_agreement_index", "rice_votes",
                                                       "agreement_votes"]), {}, "t"),
    lambda: charts.position_grid(pd.DataFrame(columns=["vote_id", "date", "title", "party", "position"]), "t"),
    lambda: charts.trend_lines(pd.DataFrame(columns=["period", "party", "agreement"]), "agreement", "party", {}, "t",
                               "share"),
    lambda: charts.member_scatter(pd.DataFrame(columns=["member_id", "name", "party", "participation", "loyalty",
                                                        "rebellions"]), {}, "t"),
    lambda: charts.ideal_points_map(pd.DataFrame(columns=["member_id", "name", "party", "dim1", "dim2"]),
                                    pd.DataFrame(), {}, "t"),
])
def test_every_chart_draws_a_message_for_empty_data(draw):
    fig = draw()
    assert len(fig.data) == 0 and fig.layout.annotations[0].text


@pytest.mark.parametrize("settings", [
    dict(title=dict(text="T", subtitle=dict(text=None), x=0, pad=dict(t=12)), height=480,
         legend=dict(orientation="h", y=0, traceorder="normal"), margin=dict(l=10, t=60)),
    dict(title=dict(subtitle=dict(text="a subtitle")), legend=dict(title=dict(font=dict(size=11))), font=FONT),
    dict(xaxis=dict(visible=False, range=[-1, 1]), annotations=[dict(text="x", x=0, y=0)]),
])
def test_merge_layout_gives_the_figure_update_layout_gives(settings):
    def figure():
        fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4], name="a"))
        fig.update_layout(title_text="old", legend_title_text="Seats by:", margin_b=99, xaxis_title_text="x axis",
                          annotations=[dict(text="old note", x=1, y=1)])
        return fig
    merged, updated = figure(), figure()
    merge_layout(merged, **settings)
    updated.update_layout(**settings)
    assert merged.to_plotly_json() == updated.to_plotly_json()
