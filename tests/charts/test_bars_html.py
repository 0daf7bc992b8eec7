"""A vote's party bars and stages, votes by period and party cohesion as the page's HTML: the downloaded figures'
numbers, drawn."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from tests.charts.markup import by_class, keyboard_stops, parsed, percent
from tracker import charts
from tracker.charts.bars_html import (
    axis_ticks,
    breakdown_html,
    cohesion_bars_html,
    labelled_periods,
    outcomes_by_period_html,
    period_number,
    stages_html,
)


def vote_parties() -> pd.DataFrame:
    """Two parties with counts and one with only a stated position over its 3 seats."""
    return pd.DataFrame({"party": ["A", "B", "C"], "name": ["Party A", "B", "Cee"],
                         "yes": [40, 2, None], "no": [0, 20, None], "abstain": [1, None, None],
                         "absent": [None, None, None], "party_seats": [41, 22, 3], "position": ["yes", "no", "no"]})


TOTAL = {"yes": 42, "no": 23, "abstain": 1, "absent": None}


def segments(markup: str) -> dict[str, list[tuple[str, int]]]:
    """Per row label, its bars as (hover text, number shown)."""
    root = parsed(markup)
    labels = [e.text for e in by_class(root, "tracker-hbars-label")]
    bars = by_class(root, "tracker-hbars-bar")
    return {label: [(part.get("title"), int(part.find("b").text)) for part in by_class(bar, "tracker-hbars-part")]
            for label, bar in zip(labels, bars, strict=True)}


def test_each_row_shows_the_downloaded_figures_counts_with_its_hover_text():
    rows = charts.breakdown_rows(vote_parties(), TOTAL)
    markup = breakdown_html(rows, 34, "Passed with 8 yes more than needed", "Votes by party")
    figure = charts.party_breakdown(vote_parties(), TOTAL, 34, "Passed", "Votes by party", rows)
    drawn_rows = segments(markup)
    assert list(drawn_rows) == list(figure.data[0].y)
    assert list(drawn_rows) == ["All members", "Party A (A)", "B", "Cee (C) · stated"]
    for trace in figure.data:
        for label, value in zip(trace.y, trace.x, strict=True):
            name = trace.name.lower()
            shown = [n for hover, n in drawn_rows[label] if hover == f"{label}: {n} {name}"]
            # A zero or an unknown count draws no bar; any other count is one bar saying it.
            assert shown == ([] if pd.isna(value) or value == 0 else [int(value)]), (label, name)
    assert drawn_rows["Cee (C) · stated"] == [("Cee (C) · stated: 3 no", 3)]
    legend = [li.itertext() for li in parsed(markup).iter("li")]
    assert ["".join(li) for li in legend] == [t.name for t in figure.data] == ["Yes", "No", "Abstain"]


def test_bars_are_shares_of_the_axis_with_the_yes_needed_marked_on_the_whole_vote():
    # By hand: the longest bar is the whole vote, 42 + 23 + 1 = 66; the axis ends 5 % beyond it, at 69.3.
    # 42 yes is 42 / 69.3 = 60.606 % of it, the 34 needed 49.062 %; ticks 0, 20, 40, 60 (every 28.860 %).
    markup = breakdown_html(charts.breakdown_rows(vote_parties(), TOTAL), 34, "", "Votes by party")
    root = parsed(markup)
    whole = by_class(root, "tracker-hbars-bar")[0]
    assert percent(by_class(whole, "tracker-hbars-part")[0], "width") == pytest.approx(60.606, abs=0.001)
    [mark] = by_class(root, "tracker-hbars-threshold")
    assert mark in list(whole) and percent(mark, "left") == pytest.approx(49.062, abs=0.001)
    assert [e.text for e in by_class(root, "tracker-hbars-needed")[0]] == ["needed: 34 yes"]
    assert [e.text for e in by_class(root, "tracker-hbars-ticks")[0]] == ["0", "20", "40", "60"]
    assert percent(by_class(root, "tracker-hbars-grid")[0], "--step") == pytest.approx(28.860, abs=0.001)
    assert by_class(root, "tracker-hbars")[0].get("aria-label") == (
        "All members: 42 yes, 23 no, 1 abstain; Party A (A): 40 yes, 1 abstain; B: 2 yes, 20 no; "
        "Cee (C) · stated: 3 no; needed: 34 yes")
    # One stop of the Tab key: the chart as an image, said by its description.
    assert keyboard_stops(root) == [("img", by_class(root, "tracker-hbars")[0].get("aria-label"))]


def test_seats_under_a_stated_position_are_hatched_and_the_axis_says_so():
    root = parsed(breakdown_html(charts.breakdown_rows(vote_parties(), TOTAL), None, "", "Votes by party"))
    hatched = [p.get("title") for p in by_class(root, "stated")]
    assert hatched == ["Cee (C) · stated: 3 no"]
    assert by_class(root, "tracker-hbars-axis")[0].text.startswith("members (hatched:")
    assert not by_class(root, "tracker-hbars-threshold") and not by_class(root, "tracker-hbars-needed")
    counted = pd.DataFrame({"party": ["A"], "name": ["A"], "yes": [3], "no": [1]})
    root = parsed(breakdown_html(charts.breakdown_rows(counted, {"yes": 3, "no": 1}), None, "", "Votes by party"))
    assert by_class(root, "tracker-hbars-axis")[0].text == "members" and not by_class(root, "stated")


def test_numbers_are_marked_by_their_digits_so_the_page_hides_those_that_do_not_fit():
    root = parsed(breakdown_html(charts.breakdown_rows(pd.DataFrame(), {"yes": 1234, "no": 56, "abstain": 7}),
                                 None, "", "Votes by party"))
    kinds = [p.get("class").split()[1] for p in by_class(root, "tracker-hbars-part")]
    assert kinds == ["d4", "d2", "d1"]


def test_text_from_an_upload_is_escaped_and_the_markup_stays_well_formed():
    parties = pd.DataFrame({"party": ["<X>"], "name": ["Tom & Jerry's 'party' <b>"], "yes": [5], "no": [1]})
    markup = breakdown_html(charts.breakdown_rows(parties, {"yes": 5, "no": 1}), None, "<i>sub</i>", "A & B")
    root = parsed(markup)
    assert "<b>" not in markup.replace("<b>5</b>", "").replace("<b>1</b>", "") and "<i>sub" not in markup
    labels = [e.text for e in by_class(root, "tracker-hbars-label")]
    assert labels == ["All members", "Tom & Jerry's 'party' <b> (<X>)"]
    assert by_class(root, "tracker-bars-title")[0].text == "A & B"


def test_a_vote_without_counts_says_so():
    markup = breakdown_html(charts.breakdown_rows(pd.DataFrame(), {}), None, "", "Votes by party")
    assert "No counts are known for this vote." in markup and "tracker-hbars" not in markup


def by_year() -> pd.DataFrame:
    return pd.DataFrame({"period": [dt.date(2016, 1, 1), dt.date(2019, 1, 1)], "votes": [14, 10],
                         "passed": [13, 10], "failed": [1, 0], "unknown": [0, 0]})


def test_every_year_from_the_first_to_the_last_has_a_column_of_its_votes_by_result():
    names = {"passed": "Passed (official)", "failed": "Failed (official)", "unknown": "No clear official result"}
    markup = outcomes_by_period_html(by_year(), "Matching votes by year", "year", names)
    root = parsed(markup)
    slots = by_class(root, "tracker-vbars-slot")
    assert len(slots) == 4   # 2016, 2017, 2018, 2019: the years between without votes stay empty
    assert [[p.get("title") for p in slot] for slot in slots] == [
        ["2016 · Passed (official): 13", "2016 · Failed (official): 1"], [], [],
        ["2019 · Passed (official): 10"]]
    # By hand: the tallest column is 14, the axis ends at 14.7; 13 is 88.435 % of it, 1 is 6.803 %.
    assert [percent(p, "height") for p in slots[0]] == pytest.approx([88.435, 6.803], abs=0.001)
    assert [e.text for e in by_class(root, "tracker-vbars-ticks")[0]] == ["0", "5", "10"]
    assert [e.text for e in by_class(root, "tracker-vbars-years")[0]] == ["2016", "2017", "2018", "2019"]
    figure = charts.outcomes_over_time(by_year(), "Matching votes by year", names=names)
    assert ["".join(li.itertext()) for li in root.iter("li")] == [t.name for t in figure.data]
    assert by_class(root, "tracker-vbars")[0].get("aria-label") == (
        "Votes by year, 2016–2019: 23 passed (official), 1 failed (official), 0 no clear official result")
    assert keyboard_stops(root) == [("img", by_class(root, "tracker-vbars")[0].get("aria-label"))]


def test_a_long_span_of_years_is_labelled_at_round_years_only():
    years = pd.DataFrame({"period": [dt.date(y, 1, 1) for y in range(1789, 2025)], "votes": 1, "passed": 1,
                          "failed": 0, "unknown": 0})
    root = parsed(outcomes_by_period_html(years, "Votes"))
    labels = [int(e.text) for e in by_class(root, "tracker-vbars-years")[0]]
    assert labels == list(range(1800, 2021, 20)) and len(by_class(root, "tracker-vbars-slot")) == 236
    # Each label sits under its own year's column.
    columns = [int(re.search(r"grid-column:(\d+)", e.get("style")).group(1))
               for e in by_class(root, "tracker-vbars-years")[0]]
    assert columns == [y - 1789 + 1 for y in labels]


def test_months_between_votes_get_empty_columns_and_say_their_month_on_hover():
    months = pd.DataFrame({"period": [dt.date(2020, 1, 1), dt.date(2020, 3, 1)], "votes": [2, 1], "passed": [2, 0],
                           "failed": [0, 1], "unknown": [0, 0]})
    root = parsed(outcomes_by_period_html(months, "Votes passed and failed by month", "month", height=300))
    slots = by_class(root, "tracker-vbars-slot")
    assert [[p.get("title") for p in slot] for slot in slots] == [
        ["Jan 2020 · Passed: 2"], [], ["Mar 2020 · Failed: 1"]]
    assert [e.text for e in by_class(root, "tracker-vbars-years")[0]] == ["Jan 2020", "Feb 2020", "Mar 2020"]
    chart = by_class(root, "tracker-vbars")[0]
    assert chart.get("aria-label") == "Votes by month, Jan 2020–Mar 2020: 2 passed, 1 failed, 0 unknown"
    assert "grid-template-rows:300px" in chart.get("style")


@pytest.mark.parametrize(("period", "first", "last", "labels"), [
    # Under three years: at most six names, every second quarter (8 / 2 = 4), every third month from January
    # (18 / 3 = 6), every quarter of a year and a half (6).
    ("quarter", dt.date(2020, 1, 1), dt.date(2021, 10, 1), ["2020 Q1", "2020 Q3", "2021 Q1", "2021 Q3"]),
    ("month", dt.date(2020, 1, 1), dt.date(2021, 6, 1),
     ["Jan 2020", "Apr 2020", "Jul 2020", "Oct 2020", "Jan 2021", "Apr 2021"]),
    ("quarter", dt.date(2020, 1, 1), dt.date(2021, 4, 1),
     ["2020 Q1", "2020 Q2", "2020 Q3", "2020 Q4", "2021 Q1", "2021 Q2"]),
    # Three years or more: the years, under their January or first quarter, every second year over 12 to 24 years.
    ("month", dt.date(2016, 7, 1), dt.date(2019, 6, 1), ["2017", "2018", "2019"]),
    ("quarter", dt.date(1999, 4, 1), dt.date(2020, 1, 1),
     ["2000", "2002", "2004", "2006", "2008", "2010", "2012", "2014", "2016", "2018", "2020"]),
])
def test_periods_are_named_under_their_columns_with_room_for_each_name(period, first, last, labels):
    numbers = range(period_number(first, period), period_number(last, period) + 1)
    named = labelled_periods(numbers, period)
    assert [text for _, text in named] == labels
    # A year's label sits under its January (or first quarter).
    per_year = {"month": 12, "quarter": 4}[period]
    assert all(n % per_year == 0 for n, text in named if text.isdigit())


def test_no_dated_votes_says_so():
    markup = outcomes_by_period_html(pd.DataFrame(columns=["period", "votes", "passed", "failed", "unknown"]), "V")
    assert "No votes with a date match the filters." in markup


@pytest.mark.parametrize(("largest", "ticks", "end"), [
    (14, [0, 5, 10], 14.7), (109, [0, 20, 40, 60, 80, 100], 114.45), (5, [0, 1, 2, 3, 4, 5], 5.25),
    (6, [0, 2, 4, 6], 6.3), (999, [0, 200, 400, 600, 800, 1000], 1048.95), (0, [0, 1], 1.0)])
def test_axis_ticks_are_round_steps_up_to_five_percent_beyond_the_largest_value(largest, ticks, end):
    found, found_end = axis_ticks(largest)
    assert found == ticks and found_end == pytest.approx(end)


def cohesion() -> pd.DataFrame:
    """Three parties: both means known, the Agreement Index only, neither (positions only)."""
    return pd.DataFrame({"party": ["Left & Co", "Right", "Quiet"], "votes": [4, 2, 3],
                         "mean_rice": [0.5, None, None], "rice_votes": [4, 0, 0],
                         "mean_agreement_index": [0.75, 1.0, None], "agreement_votes": [4, 2, 0]})


def test_each_party_has_its_two_cohesion_means_side_by_side_with_the_votes_behind_them():
    root = parsed(cohesion_bars_html(cohesion(), "Party cohesion"))
    slots = by_class(root, "tracker-vbars-slot")
    # A party with neither mean has no column; one with only the Agreement Index keeps the Rice index's place empty.
    assert [[bar.get("title") for bar in slot] for slot in slots] == [
        ["Left & Co: 0.75 over 4 votes (Agreement Index)", "Left & Co: 0.50 over 4 votes (Rice index)"],
        ["Right: 1.00 over 2 votes (Agreement Index)", None]]
    # By hand: the axis ends at 1.02 as the figure's; 0.75 is 73.529 % of it, 0.5 is 49.02 %, 1 is 98.039 %.
    assert [percent(bar, "height") for bar in slots[0]] == pytest.approx([73.529, 49.02], abs=0.001)
    assert percent(slots[1][0], "height") == pytest.approx(98.039, abs=0.001)
    assert slots[1][1].get("style") is None
    assert [e.text for e in by_class(root, "tracker-vbars-years")[0]] == ["Left & Co", "Right"]
    assert [e.text for e in by_class(root, "tracker-vbars-ticks")[0]] == ["0", "0.2", "0.4", "0.6", "0.8", "1"]
    # The same parties, bars and legend as the downloaded figure.
    figure = charts.cohesion_bars(cohesion(), {}, "Party cohesion")
    assert ["".join(li.itertext()) for li in root.iter("li")] == [trace.name for trace in figure.data]
    assert [list(trace.x) for trace in figure.data] == [["Left &amp; Co", "Right"]] * 2   # plotly reads some HTML
    assert [bar.get("style").split("background:")[1] for bar in slots[0]] == [
        trace.marker.color for trace in figure.data]
    assert by_class(root, "tracker-vbars")[0].get("aria-label") == (
        "Party cohesion: Left & Co: Agreement Index 0.75, Rice index 0.50; Right: Agreement Index 1.00")


def test_cohesion_without_counts_says_why_instead_of_an_empty_chart():
    positions_only = cohesion().iloc[[2]]
    markup = cohesion_bars_html(positions_only, "Party cohesion")
    assert "cohesion cannot be computed" in markup and "tracker-vbars" not in markup


def g3_stages() -> pd.DataFrame:
    """The sample's G3 bill: its two discussions (V43, V44), absences unknown."""
    return pd.DataFrame({"vote_id": ["V43", "V44"], "date": [dt.date(2022, 12, 22), dt.date(2022, 12, 30)],
                         "stage": ["first discussion", "second discussion"], "yes": [72, 72], "no": [23, 29],
                         "abstain": [9, 8], "absent": [None, None], "result": ["approved", "approved"]})


def test_a_matters_stages_stand_side_by_side_with_their_counts():
    root = parsed(stages_html(g3_stages(), "Stages of the G3 bill"))
    slots = by_class(root, "tracker-vbars-slot")
    assert [[bar.get("title") for bar in slot] for slot in slots] == [
        ["first discussion (2022-12-22): 72 yes", "first discussion (2022-12-22): 23 no",
         "first discussion (2022-12-22): 9 abstain", None],   # absences unknown: their place stays empty
        ["second discussion (2022-12-30): 72 yes", "second discussion (2022-12-30): 29 no",
         "second discussion (2022-12-30): 8 abstain", None]]
    # By hand: the axis ends 5 % above the largest count, at 75.6; 72 is 95.238 % of it, 23 is 30.423 %, 9 11.905 %.
    assert [percent(bar, "height") for bar in slots[0][:3]] == pytest.approx([95.238, 30.423, 11.905], abs=0.001)
    assert [e.text for e in by_class(root, "tracker-vbars-ticks")[0]] == ["0", "20", "40", "60"]
    assert [e.text for e in by_class(root, "tracker-vbars-years")[0]] == [
        "first discussion (2022-12-22)", "second discussion (2022-12-30)"]
    figure = charts.stage_comparison(g3_stages(), "Stages of the G3 bill")
    assert ["".join(li.itertext()) for li in root.iter("li")] == [trace.name for trace in figure.data]
    assert list(figure.data[0].x) == [e.text for e in by_class(root, "tracker-vbars-years")[0]]
    assert by_class(root, "tracker-vbars")[0].get("aria-label") == (
        "Stages of the G3 bill: first discussion (2022-12-22): yes 72, no 23, abstain 9, absent unknown; "
        "second discussion (2022-12-30): yes 72, no 29, abstain 8, absent unknown")


def test_a_stage_without_a_name_or_date_says_so_under_its_columns():
    unnamed = g3_stages().assign(stage=[None, "second discussion"], date=[None, dt.date(2022, 12, 30)])
    root = parsed(stages_html(unnamed, "Stages"))
    assert [e.text for e in by_class(root, "tracker-vbars-years")[0]] == [
        "stage ? (date unknown)", "second discussion (2022-12-30)"]
    assert list(charts.stage_comparison(unnamed, "Stages").data[0].x) == [
        "stage ? (date unknown)", "second discussion (2022-12-30)"]


def test_stages_without_any_count_say_so_instead_of_an_empty_chart():
    unknown = g3_stages().assign(yes=None, no=None, abstain=None)
    markup = stages_html(unknown, "Stages")
    assert "No counts are known for these stages" in markup and "tracker-vbars" not in markup
