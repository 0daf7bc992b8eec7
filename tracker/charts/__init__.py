"""DataFrames to plotly figures: one colour per party everywhere, colour-blind-safe position colours."""

from plotly.graph_objects import Figure

from tracker.charts.hemicycle import INNER_RADIUS, hemicycle, hemicycle_layout, hemicycle_seats, seating_order
from tracker.charts.hemicycle_svg import hemicycle_svg
from tracker.charts.members import ideal_points_map, label_lifts, member_scatter
from tracker.charts.parties import GRID_CODES, alignment_heatmap, cohesion_bars, position_grid
from tracker.charts.style import (
    AXIS_TITLE_BAND,
    CONVENTIONAL_COLOURS,
    FONT,
    LEGEND_ROW,
    LEGEND_WIDTH,
    PARTY_PALETTE,
    POSITION_COLOURS,
    POSITION_NAMES,
    POSITION_ORDER,
    SUBTITLE_BAND,
    THRESHOLD_BAND,
    TICKS_BAND,
    TITLE_BAND,
    alike,
    base_layout,
    colour_of,
    empty_figure,
    legend_rows,
    palette_colour,
    party_colours,
    plain,
)
from tracker.charts.trends import OUTCOME_COLOURS, outcomes_over_time, trend_lines
from tracker.charts.votes import COUNTS, breakdown_rows, count_of, party_breakdown, stage_comparison

__all__ = [
    "Figure",
    "AXIS_TITLE_BAND", "CONVENTIONAL_COLOURS", "COUNTS", "FONT", "GRID_CODES", "INNER_RADIUS", "LEGEND_ROW",
    "LEGEND_WIDTH", "OUTCOME_COLOURS", "PARTY_PALETTE", "POSITION_COLOURS", "POSITION_NAMES", "POSITION_ORDER",
    "SUBTITLE_BAND", "THRESHOLD_BAND", "TICKS_BAND", "TITLE_BAND", "alignment_heatmap", "alike", "base_layout",
    "breakdown_rows", "cohesion_bars", "colour_of", "count_of", "empty_figure", "hemicycle", "hemicycle_layout",
    "hemicycle_svg", "hemicycle_seats", "ideal_points_map", "label_lifts", "legend_rows", "member_scatter",
    "outcomes_over_time", "palette_colour", "party_breakdown", "party_colours", "plain", "position_grid",
    "seating_order", "stage_comparison", "trend_lines"
]
