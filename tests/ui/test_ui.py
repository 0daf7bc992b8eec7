"""The dashboard in Streamlit's AppTest: every page on the sample, an empty and a member-level database; uploads,
bad uploads, upload access, URL filters, downloads, and text from uploads shown as text."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from tests.conftest import FIXTURES, in_ci
from tests.ui.shown import html_tables, rebellion_list, vote_list
from tracker import config, figure_export, metrics, store
from tracker.ingest import import_files

APP = str(config.DASHBOARD)
MEMBER_CSV = FIXTURES / "ui_member_votes.csv"
PAGES = ["overview", "votes", "parties", "trends", "members", "data"]
NEW_VOTE = ("vote_id,assembly,date,title,yes,no,abstain,absent,majority,result\n"
            "N1,an-2015,2024-03-01,Water Law of 2024,90,40,5,32,simple,approved\n")


def page_path(name: str) -> str:
    return f"tracker/ui/pages/{name}.py"


def open_app(db: Path, monkeypatch, query: dict | None = None, env: dict | None = None,
             page: str = "overview") -> AppTest:
    """The app on the given database after its first run (of the Overview, or of the page a link names)."""
    monkeypatch.setenv("TRACKER_DB", str(db))
    for name in ("TRACKER_UPLOADS", "TRACKER_EDITOR_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    app = AppTest.from_file(APP, default_timeout=90)
    app.query_params.update(query or {})
    if page != "overview":
        app.switch_page(page_path(page))
    return app.run()


def show(app: AppTest, page: str) -> AppTest:
    if page != "overview":
        app.switch_page(page_path(page)).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def as_shown(markdown: str) -> str:
    """Markdown with its backslash escapes resolved, as a reader sees it."""
    return re.sub(r"\\(.)", r"\1", markdown)


def texts(app: AppTest) -> str:
    """Everything the page says in text, markdown, captions, headings and alerts."""
    parts = [e.value for kind in ("markdown", "text", "caption", "title", "header", "subheader", "info", "warning",
                                  "error", "success") for e in getattr(app, kind)]
    return as_shown("\n".join(str(p) for p in parts))


def drawn(app: AppTest) -> list[str]:
    """The charts the page draws as SVG markup (tracker/ui/plot.py's drawn charts)."""
    return [json.loads(element.proto.json) for element in app.get("bidi_component")
            if element.proto.component_name == "tracker_drawn"]


def plotly_charts(app: AppTest) -> list:
    """Streamlit's plotly charts on the page (st.plotly_chart): the pages draw every chart as markup instead."""
    return app.get("plotly_chart")


@pytest.fixture
def member_db_path(db_path):
    """Three votes of six members in parties A and B (tests/data/ui_member_votes.csv)."""
    con = store.connect(db_path)
    import_files(con, [MEMBER_CSV])
    con.close()
    return db_path




@pytest.fixture
def empty_db_path(db_path):
    store.connect(db_path).close()
    return db_path


@pytest.mark.parametrize("page", [p for p in PAGES if p != "members"])
def test_every_page_runs_on_the_sample(sample_db_path, monkeypatch, page):
    app = show(open_app(sample_db_path, monkeypatch), page)
    assert app.title[0].value.lower() == page


def test_members_page_is_not_offered_without_member_votes(sample_db_path, monkeypatch):
    app = open_app(sample_db_path, monkeypatch)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page(page_path("members"))


@pytest.mark.parametrize("page", [p for p in PAGES if p != "members"])
def test_every_page_explains_an_empty_database(empty_db_path, monkeypatch, page):
    app = show(open_app(empty_db_path, monkeypatch), page)
    if page == "data":
        assert "Nothing has been imported yet." in texts(app)
    else:
        assert "No votes are stored yet" in texts(app)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_member_votes(member_db_path, monkeypatch, page):
    show(open_app(member_db_path, monkeypatch), page)


def test_the_members_sidebar_asks_only_for_the_filters_its_charts_use(member_db_path, monkeypatch):
    def asked(page: str) -> list[str]:
        app = show(open_app(member_db_path, monkeypatch), page)
        return [w.label for kind in ("date_input", "multiselect", "radio", "selectbox")
                for w in getattr(app.sidebar, kind)]

    assert asked("members") == ["From", "To", "Parties"]   # nothing on it is by period or against a reference
    assert asked("trends") == ["From", "To", "Parties", "Period", "Reference party or bloc"]


def test_members_page_lists_the_rebellion_worked_out_by_hand(member_db_path, monkeypatch):
    # Carla Cruz (A) voted no on M1 (A: 2 yes, 1 no -> yes) and abstained on M3 (A: 2 no -> no): 2 rebellions.
    app = show(open_app(member_db_path, monkeypatch, {"section": "Rebellions"}), "members")
    rebels = rebellion_list(app)
    assert rebels[["date", "vote_id", "name", "party", "position", "party_position"]].values.tolist() == [
        ["2020-03-10", "M3", "Carla Cruz", "A", "abstain", "no"], ["2020-01-10", "M1", "Carla Cruz", "A", "no", "yes"]]
    assert rebels.attrs["link_page"] == "votes"   # each vote's title links to it on the Votes page
    assert rebels.attrs["first"] == 100           # rows drawn before "Show all" is pressed
    csv = next(b for b in app.get("download_button") if b.proto.label == "Rebellions listed (CSV)")
    assert not app.exception and csv is not None and app.dataframe == []   # no data grid on the tab


def test_members_page_reads_rebellions_only_when_their_section_is_open(member_db_path, monkeypatch):
    from tracker import metrics

    asked = []
    real = metrics.rebellions
    monkeypatch.setattr(metrics, "rebellions", lambda *a, **k: asked.append(a[1]) or real(*a, **k))
    app = show(open_app(member_db_path, monkeypatch), "members")   # opens on "Participation and loyalty"
    app.date_input(key="f_from").set_value(datetime.date(2020, 1, 15)).run()
    assert not app.exception and rebellion_list(app) is None and asked == []
    app = show(open_app(member_db_path, monkeypatch, {"section": "Rebellions", "from": "2020-01-15"}), "members")
    rebels = rebellion_list(app)
    assert asked and rebels["vote_id"].tolist() == ["M3"]   # from 15 January only M3's abstention is left


def test_trends_page_shows_outcomes_by_period(member_db_path, monkeypatch):
    # By hand (simple majority): M1 2 yes / 3 no failed (Jan 2020), M2 4 yes / 1 no passed (Feb),
    # M3 0 yes / 5 no failed (Mar). By quarter: 2020 Q1 has 3 votes, 1 passed, 2 failed, 0 unknown.
    app = show(open_app(member_db_path, monkeypatch, {"measure": "outcomes", "period": "quarter"}), "trends")
    assert not app.dataframe   # the numbers are drawn only when asked for
    app.session_state["trends_numbers"] = True
    app.run()
    table = next(d.value for d in app.dataframe if "votes" in d.value.columns)
    assert table[["votes", "passed", "failed", "unknown"]].to_dict("records") == [
        {"votes": 3, "passed": 1, "failed": 2, "unknown": 0}]
    assert str(table["period"].iloc[0])[:10] == "2020-01-01"
    [columns] = drawn(app)
    assert "Votes passed and failed by quarter" in columns
    assert "title='2020 Q1 · Passed: 1'" in columns and "title='2020 Q1 · Failed: 2'" in columns
    app.radio(key="f_period").set_value("month").run()
    table = next(d.value for d in app.dataframe if "votes" in d.value.columns)
    assert table[["passed", "failed"]].values.tolist() == [[0, 1], [1, 0], [0, 1]]
    [columns] = drawn(app)
    assert re.findall(r"title='(\w+ 2020 · \w+: \d+)'", columns) == [
        "Jan 2020 · Failed: 1", "Feb 2020 · Passed: 1", "Mar 2020 · Failed: 1"]
    assert not plotly_charts(app)   # drawn as HTML: no plotly chart on the page


def test_the_overview_chart_counts_votes_by_the_period_chosen(sample_db_path, monkeypatch):
    # The sample's G3 bill was voted on 2022-12-22 and 2022-12-30 (both passed), its 2022 extension on 2022-01-03.
    app = show(open_app(sample_db_path, monkeypatch, {"period": "quarter"}), "overview")
    [chart] = drawn(app)
    assert "Votes passed and failed by quarter" in chart
    assert "title='2022 Q4 · Passed: 2'" in chart and "title='2022 Q1 · Passed: 1'" in chart
    assert not plotly_charts(app)   # drawn as HTML: the Overview loads no plotly chart
    app.radio(key="f_period").set_value("month").run()
    [chart] = drawn(app)
    assert "title='Dec 2022 · Passed: 2'" in chart and "Votes passed and failed by month" in chart


def test_parties_opens_with_the_alignment_heatmap_drawn_as_html(sample_db_path, monkeypatch):
    app = show(open_app(sample_db_path, monkeypatch), "parties")
    [heatmap] = drawn(app)
    # On the sample, PJ and AD took the same position on three of the four votes both took one on.
    assert "Party alignment: share of votes with the same position" in heatmap
    assert "title='PJ and AD: same position on 75% of 4 votes compared'" in heatmap
    assert not plotly_charts(app)   # drawn as HTML, as every tab's chart


def test_parties_positions_tab_draws_each_vote_as_a_row_of_party_positions(sample_db_path, monkeypatch):
    # V44 (2022-12-30): PJ, AD and UNT voted for, VP against, EC abstained (the sample's sourced positions).
    app = show(open_app(sample_db_path, monkeypatch, {"chart": "Positions by vote"}), "parties")
    [grid] = drawn(app)
    assert "Party positions by vote: 18 votes by 13 parties" in grid
    said = dict(re.findall(r"title='Transition Statute reform ending the interim government \(G3 bill\)&#10;"
                           r"(\w+): (\w+)'", grid))
    assert {party: said[party] for party in ("PJ", "AD", "UNT", "VP", "EC")} == {
        "PJ": "yes", "AD": "yes", "UNT": "yes", "VP": "no", "EC": "abstain"}
    assert not plotly_charts(app)   # drawn as HTML: no page, tab or measure draws a plotly chart


def test_parties_cohesion_tab_says_why_there_is_no_cohesion_when_parties_have_positions_only(sample_db_path,
                                                                                              monkeypatch):
    app = show(open_app(sample_db_path, monkeypatch, {"chart": "Cohesion"}), "parties")
    assert "Cohesion needs each party's yes, no and abstain counts" in texts(app)
    assert not drawn(app)   # no empty chart with a Download menu under the message


def test_parties_cohesion_tab_draws_each_partys_means_as_html(member_db_path, monkeypatch):
    # By hand, over M1–M3: A's Rice index 1/3 (2 yes, 1 no), 1, 1 (2 no; the abstention is ignored) → 7/9 = 0.78;
    # its Agreement Index 0.5, 1, 0.5 → 0.67. B's Rice 1 (2 no), 0 (1 yes, 1 no), 1 → 0.67; Agreement Index 1, 0, 1.
    app = show(open_app(member_db_path, monkeypatch, {"chart": "Cohesion"}), "parties")
    [bars] = drawn(app)
    assert "Party cohesion: mean Agreement Index and Rice index" in bars
    assert re.findall(r"title='(\w: [0-9.]+ over \d votes \([\w ]+\))'", bars) == [
        "A: 0.67 over 3 votes (Agreement Index)", "A: 0.78 over 3 votes (Rice index)",
        "B: 0.67 over 3 votes (Agreement Index)", "B: 0.67 over 3 votes (Rice index)"]
    assert not plotly_charts(app)   # drawn as HTML: no plotly chart on the page


def test_parties_alignment_with_a_reference_is_drawn_as_lines_in_html(member_db_path, monkeypatch):
    # Party positions by hand: A yes, yes, no on M1–M3; B no, split (1 yes, 1 no, 1 abstain), no. Against A, B
    # differs in January, is not compared in February (split) and agrees in March: 1 of 2 over the year.
    app = show(open_app(member_db_path, monkeypatch, {"chart": "Against a reference", "reference": "A",
                                                      "period": "month"}), "parties")
    [lines] = drawn(app)
    assert "Alignment with A by month" in lines
    assert re.findall(r"title='B&#10;(\w+ 2020): ([0-9.]+)&#10;votes: (\d)'", lines) == [
        ("Jan 2020", "0.00", "1"), ("Mar 2020", "1.00", "1")]
    assert "title='A&#10;" not in lines   # the reference itself is not listed
    app.radio(key="f_period").set_value("year").run()
    [lines] = drawn(app)
    assert "title='B&#10;2020: 0.50&#10;votes: 2'" in lines
    assert not plotly_charts(app)


def test_trends_alignment_with_a_reference_draws_the_lines_the_parties_page_draws(member_db_path, monkeypatch):
    # The same chart on both pages: B against A, 1 of 2 compared votes in 2020 (see the test above).
    asked = {"reference": "A", "period": "year"}
    trends = drawn(show(open_app(member_db_path, monkeypatch, {**asked, "measure": "reference"}), "trends"))
    parties = drawn(show(open_app(member_db_path, monkeypatch, {**asked, "chart": "Against a reference"}), "parties"))
    assert trends == parties and "title='B&#10;2020: 0.50&#10;votes: 2'" in trends[0]


def test_trends_opens_with_cohesion_lines_drawn_as_html(member_db_path, monkeypatch):
    # Agreement Index by hand, (largest − ½ the rest) / cast: A on M1 2 yes 1 no → 0.5, M2 3 yes → 1, M3 2 no
    # 1 abstain → 0.5; B on M1 2 no (an absence is not cast) → 1, M2 1 yes 1 no 1 abstain → 0, M3 3 no → 1.
    app = show(open_app(member_db_path, monkeypatch, {"period": "month"}), "trends")
    [lines] = drawn(app)
    assert "Cohesion: Agreement Index by month" in lines
    said = re.findall(r"title='(\w)&#10;(\w+ 2020): ([0-9.]+)&#10;votes: 1'", lines)
    assert said == [("A", "Jan 2020", "0.50"), ("A", "Feb 2020", "1.00"), ("A", "Mar 2020", "0.50"),
                    ("B", "Jan 2020", "1.00"), ("B", "Feb 2020", "0.00"), ("B", "Mar 2020", "1.00")]
    assert not plotly_charts(app)   # drawn as HTML: no plotly chart on the page
    assert "Cohesion needs each party's yes, no and abstain counts" not in texts(app)
    app.radio(key="f_period").set_value("year").run()
    [lines] = drawn(app)
    assert "title='A&#10;2020: 0.67&#10;votes: 3'" in lines and "title='B&#10;2020: 0.67&#10;votes: 3'" in lines


def test_trends_says_why_there_is_no_cohesion_when_parties_have_positions_only(sample_db_path, monkeypatch):
    app = show(open_app(sample_db_path, monkeypatch), "trends")   # the sample's parties: positions, no counts
    assert "Cohesion needs each party's yes, no and abstain counts" in texts(app)
    assert "Not enough data for this chart" in drawn(app)[0]


def test_members_opens_with_participation_and_loyalty_drawn_as_html(member_db_path, monkeypatch):
    # Carla Cruz (A) cast all three votes; she voted with A's position (yes, yes, no) on M2 only.
    app = show(open_app(member_db_path, monkeypatch), "members")
    [scatter] = drawn(app)
    assert "<title>Carla Cruz (A)\nparticipation 100%, loyalty 33%, rebellions 2</title>" in scatter
    assert scatter.count("class='m'") == 6 and not plotly_charts(app)


def test_filters_carry_over_when_another_page_is_opened(sample_db_path, monkeypatch):
    app = show(open_app(sample_db_path, monkeypatch, {"period": "quarter", "from": "2020-01-01"}), "overview")
    for page in ("parties", "trends"):
        show(app, page)
        assert app.radio(key="f_period").value == "quarter"
        assert str(app.date_input(key="f_from").value) == "2020-01-01"


def test_a_filter_with_no_results_says_so(sample_db_path, monkeypatch):
    app = show(open_app(sample_db_path, monkeypatch, {"q": "no such words anywhere"}), "votes")
    assert "No vote matches these filters" in texts(app)
    app = show(open_app(sample_db_path, monkeypatch, {"from": "2030-01-01"}), "overview")
    assert "No vote matches these filters" in texts(app)


def test_parties_page_with_a_party_that_has_no_votes_says_so(fresh_db, db_path, monkeypatch, write_csv):
    import_files(fresh_db, [write_csv("parties.csv", "party,name\nLONE,Lonely party\n"), MEMBER_CSV], new_parties=True)
    fresh_db.close()
    for chart in ("Alignment", "Cohesion", "Positions by vote"):
        app = show(open_app(db_path, monkeypatch, {"parties": "LONE", "chart": chart}), "parties")
        assert "No party took a recorded position" in texts(app), chart


def test_url_filters_restore_the_search_and_the_open_vote(sample_db_path, monkeypatch):
    app = show(open_app(sample_db_path, monkeypatch, {"q": "bono", "vote": "V05"}), "votes")
    assert app.text_input(key="v_text").value == "bono"
    assert vote_list(app)["vote_id"].tolist() == ["V05"]
    assert any("V05: Food and Medicine Bonus" in as_shown(m.value) for m in app.markdown)
    # V05 and V06 are the two stages of the retirees' bonus law: both are shown with what moved (PSUV yes -> abstain),
    # in a plain table (a data grid cost the page 0.4 s in the browser).
    moves = next(t for t in html_tables(app) if "moved" in t.columns).set_index("party")
    assert moves.loc["PSUV", ["V05", "V06", "moved"]].tolist() == ["yes", "abstain", "moved"]
    assert (moves["moved"] == "moved").sum() == 1 and not app.dataframe


def test_changing_a_filter_writes_it_to_the_url(sample_db_path, monkeypatch):
    app = show(open_app(sample_db_path, monkeypatch), "votes")
    app.text_input(key="v_text").input("amnesty").run()
    assert app.query_params["q"] == ["amnesty"] or app.query_params["q"] == "amnesty"
    assert set(vote_list(app)["vote_id"]) == {"V07", "V08"}


def test_vote_page_shows_verdict_threshold_and_sources(sample_db_path, monkeypatch):
    # V04: 107 yes, 53 no, simple majority -> 54 needed, passed by 53.
    app = show(open_app(sample_db_path, monkeypatch, {"vote": "V04"}), "votes")
    said = texts(app)
    assert "Passed: 107 yes against 54 needed (53 more than needed)." in said
    assert "https://cocuyo.1eye.us" in said
    # The parliament arch, the party bars and the matches by year are drawn as markup: no plotly chart, so the page
    # loads no plotly.js (V04 has no other stages to compare).
    shown = drawn(app)
    bars = next(d for d in shown if "Votes by party" in d)
    assert "All members: 107 yes" in bars and "All members: 53 no" in bars and "needed: 54 yes" in bars
    assert any("Matching votes by year and official result" in d for d in shown)
    assert any("Parliament: seats by" in d for d in shown)
    assert not plotly_charts(app)


def test_a_matters_stages_are_drawn_side_by_side_as_html(sample_db_path, monkeypatch):
    # V44 is the G3 bill's second discussion (72 yes, 29 no, 8 abstain); its first, V43, was 72 yes, 23 no, 9 abstain.
    app = show(open_app(sample_db_path, monkeypatch, {"vote": "V44"}), "votes")
    stages = next(d for d in drawn(app) if "Stages of statute-reform-end-interim" in d)
    said = re.findall(r"title='((?:first|second) discussion \(nominal\) \(2022-12-\d\d\): \d+ \w+)'", stages)
    assert said == ["first discussion (nominal) (2022-12-22): 72 yes", "first discussion (nominal) (2022-12-22): 23 no",
                    "first discussion (nominal) (2022-12-22): 9 abstain",
                    "second discussion (nominal) (2022-12-30): 72 yes",
                    "second discussion (nominal) (2022-12-30): 29 no",
                    "second discussion (nominal) (2022-12-30): 8 abstain"]
    assert not plotly_charts(app)   # the vote page draws no plotly chart, so it loads no plotly.js
    # V05 and V06, the retirees' bonus law, were approved without counts: each stage says so, and no chart is drawn.
    app = show(open_app(sample_db_path, monkeypatch, {"vote": "V05"}), "votes")
    assert "Stages of this matter" in texts(app) and "yes: – · no: – · abstain: – · absent: –" in texts(app)
    assert not any("Stages of retirees-bonus-law" in d for d in drawn(app))


def test_unknown_counts_in_the_latest_votes_show_a_dash_not_none_or_zero(sample_db_path, monkeypatch):
    # V46 (unanimous, no counts stated) and V44 (no absent count) are among the sample's latest 15 votes.
    app = show(open_app(sample_db_path, monkeypatch), "overview")
    latest = html_tables(app)[0].set_index("vote_id")
    assert latest.loc["V46", ["yes", "no", "absent"]].tolist() == ["–", "–", "–"]
    assert latest.loc["V44", ["yes", "no", "abstain", "absent"]].tolist() == ["72", "29", "8", "–"]
    assert latest.loc["V44", "date"] == "2022-12-30"   # a date, not a time


def test_unknown_counts_are_blank_cells_not_the_word_none_or_zero(sample_db_path, monkeypatch):
    # V46 (unanimous, no counts stated) and V44 (no absent count) have unknown counts.
    app = show(open_app(sample_db_path, monkeypatch), "votes")
    listed = vote_list(app).set_index("vote_id")
    assert listed.loc["V46", ["yes", "no", "abstain", "absent"]].tolist() == ["–", "–", "–", "–"]
    assert listed.loc["V44", ["date", "yes", "no", "abstain", "absent"]].tolist() == [
        "2022-12-30", "72", "29", "8", "–"]


def test_a_votes_party_table_shows_counts_as_whole_numbers_and_unknown_ones_as_a_dash(fresh_db, db_path, monkeypatch,
                                                                                       write_csv):
    import_files(fresh_db, [MEMBER_CSV, write_csv("party_positions.csv", (
        "vote_id,party,yes,no,abstain,absent,source_url,note\n"
        "M3,C,4,,0,,https://www.example.org/m3 ; https://news.example/x,counted from the =1+1 gazette\n"))],
        new_parties=True)
    fresh_db.close()
    app = show(open_app(db_path, monkeypatch, {"vote": "M3"}), "votes")
    table = next(t for t in html_tables(app) if "caveat" in t.columns)
    links = dict(zip(table["party"], table.attrs["links"], strict=True))
    table = table.set_index("party")
    # M3: A 2 no + 1 abstain, B 3 no (counted from member votes); C as stated, its no and absent unknown
    assert table.loc["A", ["yes", "no", "abstain", "absent"]].tolist() == ["0", "2", "1", "0"]
    assert table.loc["C", ["yes", "no", "abstain", "absent"]].tolist() == ["4", "–", "0", "–"]
    assert links["C"]["source"] == [("example.org", "https://www.example.org/m3"),
                                    ("news.example", "https://news.example/x")]
    assert table.loc["C", "caveat"] == "counted from the =1+1 gazette"  # as written


def upload(app: AppTest, name: str, content: bytes) -> AppTest:
    app.file_uploader(key="d_upload").set_value((name, content, "text/csv"))
    return app.run()


def test_uploaded_csv_is_imported_and_the_new_vote_appears(sample_db_path, monkeypatch):
    app = show(open_app(sample_db_path, monkeypatch), "data")
    upload(app, "water.csv", NEW_VOTE.encode())
    assert not app.exception
    assert "Detected format: vote tallies" in texts(app)
    app.button(key="d_import").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("Imported." in s.value for s in app.success)
    app.switch_page(page_path("votes")).run()
    assert vote_list(app)["vote_id"].iloc[0] == "N1"


def test_member_votes_imported_on_the_data_page_leave_the_member_tables_ready(sample_db_path, monkeypatch):
    members = ("vote_id,date,title,member_id,party,position\n"
               "N7,2023-03-01,Member-level vote,a,PJ,yes\nN7,2023-03-01,Member-level vote,b,VP,no\n")
    app = show(open_app(sample_db_path, monkeypatch), "data")
    upload(app, "members.csv", members.encode())
    assert not list(sample_db_path.parent.glob("*.member-matrix-*.npz"))
    app.button(key="d_import").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("Imported." in s.value for s in app.success)
    assert len(list(sample_db_path.parent.glob("*.member-matrix-*.npz"))) == 1
    # And the map: the sample's one assembly is what the Members page opens with, so its fit is kept for it.
    db = store.connect(sample_db_path, read_only=True)
    try:
        assert metrics.stored_member_map(db, "an-2015") is not None
    finally:
        db.close()


def test_changed_vote_is_refused_on_the_data_page_until_replace_is_ticked(sample_db_path, monkeypatch):
    # V44 is stored as 72-29-8; an upload saying 72-24-8 conflicts with it.
    changed = ("vote_id,date,title,yes,no,abstain,absent\n"
               "V44,2022-12-30,Transition Statute reform ending the interim government (G3 bill),72,24,8,\n")
    app = show(open_app(sample_db_path, monkeypatch), "data")
    upload(app, "v44.csv", changed.encode())
    assert not app.exception
    assert any("cannot be imported" in e.value for e in app.error)
    shown = next(d.value for d in app.dataframe if "problem" in d.value.columns)
    problems = shown.to_string()
    assert "V44" in problems and "29" in problems and "24" in problems
    app.checkbox(key="d_replace").check().run()
    app.button(key="d_import").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("Imported." in s.value for s in app.success)
    con = store.connect(sample_db_path)
    try:
        assert con.execute("select yes, no, abstain from votes where vote_id = 'V44'").fetchone() == (72, 24, 8)
    finally:
        con.close()


# A chamber's own export in a shape nothing recognises: vote id = sitting + number, positions in its own words.
# By hand: vote 7-1: Ana dafür, Ben dagegen, Cleo weg -> yes 1, no 1, absent 1; vote 7-2: Ana, Ben dafür,
# Cleo enthalten -> yes 2, abstain 1.
CHAMBER = ("Sitzung;Nr;Tag;Thema;Wer;Fraktion;Wie\n"
           "7;1;2022-03-01;Haushalt;Ana;Grün;dafür\n7;1;2022-03-01;Haushalt;Ben;Rot;dagegen\n"
           "7;1;2022-03-01;Haushalt;Cleo;Rot;weg\n7;2;2022-03-02;Schulen;Ana;Grün;dafür\n"
           "7;2;2022-03-02;Schulen;Ben;Rot;dafür\n7;2;2022-03-02;Schulen;Cleo;Rot;enthalten\n")
MEANINGS = {"dafür": "yes", "dagegen": "no", "weg": "absent", "enthalten": "abstain"}


def test_unfamiliar_upload_is_mapped_once_then_imported_and_recognised_next_time(sample_db_path, monkeypatch):
    app = show(open_app(sample_db_path, monkeypatch), "data")
    upload(app, "landtag.csv", CHAMBER.encode())
    assert not app.exception, [e.value for e in app.exception]
    assert "does not recognise the shape of landtag.csv" in texts(app)
    assert "d_import" not in [b.key for b in app.button]
    app.selectbox(key="mapping-kind").select("member votes").run()
    app.multiselect(key="mapping-vote_id").set_value(["Sitzung", "Nr"])
    for role, column in {"date": "Tag", "title": "Thema", "member_name": "Wer", "party": "Fraktion",
                         "position": "Wie"}.items():
        app.selectbox(key=f"mapping-{role}").select(column)
    app.run()
    for box in app.selectbox:
        if box.key.startswith("mapping-label-"):
            label = box.label.split("'")[1]
            box.select(MEANINGS[label])
    app.run()
    app.button(key="mapping-save").click().run()
    assert not app.exception, [e.value for e in app.exception]
    # Saved beside the dashboard's database, where imports (and `python -m tracker import`) look for it.
    assert [p.name for p in (sample_db_path.parent / "mappings").glob("*.json")] == ["landtag.json"]
    assert "read with mapping profile 'landtag'" in texts(app)
    app.checkbox(key="d_new_parties").check().run()   # Grün and Rot are new parties next to the sample's
    app.button(key="d_import").click().run()
    assert any("Imported." in s.value for s in app.success), texts(app)
    con = store.connect(sample_db_path)
    assert con.execute("select vote_id, yes, no, abstain, absent from vote_tallies where vote_id like '7-%' "
                       "order by 1").fetchall() == [("7-1", 1, 1, 0, 1), ("7-2", 2, 0, 1, 0)]
    con.close()
    # A new session uploads another file of the same shape: no questions, straight to the import button.
    again = show(open_app(sample_db_path, monkeypatch), "data")
    upload(again, "landtag-8.csv", CHAMBER.replace("7;", "8;").encode())
    assert "does not recognise" not in texts(again)
    assert "mapping-save" not in [b.key for b in again.button]
    assert "read with mapping profile 'landtag'" in texts(again)
    again.button(key="d_import").click().run()
    con = store.connect(sample_db_path)
    assert con.execute("select count(*) from votes where vote_id like '8-%'").fetchone()[0] == 2
    con.close()


def test_bad_csv_shows_every_problem_with_row_and_column_and_changes_nothing(sample_db_path, monkeypatch):
    con = store.connect(sample_db_path)
    before = store.table_counts(con)
    con.close()
    app = show(open_app(sample_db_path, monkeypatch), "data")
    bad = b"vote_id,date,title,yes\nB1,2024-02-30,Bad date,10\nB2,2024-03-01,Bad count,ten\n"
    upload(app, "bad.csv", bad)
    assert not app.exception
    assert "d_import" not in [b.key for b in app.button]
    assert "nothing was changed in the database" in texts(app).lower()
    problems = next(d.value for d in app.dataframe if "fix" in d.value.columns)
    assert {(row, column) for row, column in zip(problems["row"], problems["column"], strict=True)} >= {
        (2, "date"), (3, "yes")}
    con = store.connect(sample_db_path)
    assert store.table_counts(con) == before
    con.close()


def test_uploading_can_be_switched_off(sample_db_path, monkeypatch):
    app = show(open_app(sample_db_path, monkeypatch, env={"TRACKER_UPLOADS": "off"}), "data")
    assert not app.get("file_uploader")
    assert "Uploading is switched off" in texts(app)
    assert "d_undo" not in [b.key for b in app.button]


def test_uploading_with_password_opens_only_after_the_right_password(sample_db_path, monkeypatch):
    env = {"TRACKER_UPLOADS": "password", "TRACKER_EDITOR_PASSWORD": "open sesame"}
    app = show(open_app(sample_db_path, monkeypatch, env=env), "data")
    assert not app.get("file_uploader")
    app.text_input(key="d_password").input("wrong")
    app.button[0].click().run()
    assert "not the editor password" in texts(app)
    assert "open sesame" not in texts(app)
    app.text_input(key="d_password").input("open sesame")
    app.button[0].click().run()
    assert app.get("file_uploader")


def test_undo_removes_the_batch(sample_db_path, monkeypatch):
    app = show(open_app(sample_db_path, monkeypatch), "data")
    app.checkbox(key="d_undo_confirm").check().run()
    app.button(key="d_undo").click().run()
    assert any("Undid batch 1" in s.value for s in app.success)
    con = store.connect(sample_db_path)
    assert store.is_empty(con)
    con.close()


def test_titles_from_uploads_are_shown_as_text_not_markdown_or_html(fresh_db, db_path, monkeypatch, write_csv):
    title = "**Loud** <img src=x onerror=alert(1)> [link](javascript:alert(1)) $x$"
    import_files(fresh_db, [write_csv("v.csv", f'vote_id,date,title,yes,no\nX1,2024-01-01,"{title}",3,1\n')])
    fresh_db.close()
    app = show(open_app(db_path, monkeypatch, {"vote": "X1"}), "votes")
    heading = next(m.value for m in app.markdown if "X1" in m.value)
    assert "\\*\\*Loud\\*\\*" in heading and "\\<img" in heading and "\\[link\\]\\(javascript" in heading
    assert "\\$x\\$" in heading


def test_synthetic_data_shows_a_banner(fresh_db, db_path, monkeypatch, write_csv):
    import_files(fresh_db, [write_csv("a.csv", "assembly,name\ndemo,Demo Parliament (synthetic)\n"),
                            write_csv("v.csv", "vote_id,assembly,date,title,yes,no\nS1,demo,2024-01-01,Demo,3,1\n")])
    fresh_db.close()
    app = open_app(db_path, monkeypatch)
    assert any("Synthetic data" in w.value for w in app.warning)


@pytest.fixture
def downloads(monkeypatch):
    """Every file a download button registers: (file name, mime type, bytes); deferred ones are generated here."""
    made: list[tuple[str, str, object]] = []
    add, add_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def spy_add(self, data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        if is_for_static_download:
            made.append((file_name, mimetype, data))
        return add(self, data, mimetype, coordinates, file_name, is_for_static_download)

    def spy_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        made.append((file_name, mimetype, data_callable))
        return add_deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", spy_add)
    monkeypatch.setattr(MediaFileManager, "add_deferred", spy_deferred)
    return made


def test_chart_downloads_are_made_only_when_the_download_menu_is_opened(sample_db_path, monkeypatch, downloads):
    app = open_app(sample_db_path, monkeypatch)
    assert downloads == [] and not app.get("download_button")
    app.session_state["overview_outcomes_downloads"] = True
    app.run()
    names = sorted(name for name, _, data in downloads)
    assert names == [f"outcomes-by-year_an-2015.{ext}" for ext in ("csv", "html", "pdf", "png", "svg")]
    assert all(callable(data) for _, _, data in downloads), "files are made on click, not on every rerun"


def test_chart_downloads_carry_png_svg_html_and_the_csv_of_the_data(sample_db_path, monkeypatch, downloads):
    if figure_export.browser_path() is None and not in_ci():
        pytest.skip("No Chrome/Chromium for PNG/SVG export (install chromium or set BROWSER_PATH).")
    app = open_app(sample_db_path, monkeypatch)
    app.session_state["overview_outcomes_downloads"] = True
    app.run()
    files = {name: (mime, data() if callable(data) else data) for name, mime, data in downloads}
    stem = "outcomes-by-year_an-2015"
    assert files[f"{stem}.png"][0] == "image/png" and files[f"{stem}.png"][1].startswith(b"\x89PNG")
    assert files[f"{stem}.svg"][0] == "image/svg+xml" and b"<svg" in files[f"{stem}.svg"][1][:200]
    # A chart of many votes carries the generic source line (publish.generic_caption), each vote's sources being
    # on its page.
    assert b"the vote records stored in the tracker" in files[f"{stem}.svg"][1]
    assert files[f"{stem}.html"][0] == "text/html" and b"Plotly.newPlot" in files[f"{stem}.html"][1]
    mime, csv = files[f"{stem}.csv"]
    # The sample's 45 votes by year (2016-2023): the CSV holds exactly the chart's rows.
    lines = csv.decode().splitlines()
    assert mime == "text/csv" and lines[0] == "period,votes,passed,failed,unknown" and len(lines) == 1 + 8
    assert sum(int(line.split(",")[1]) for line in lines[1:]) == 45
    assert all(int(v) == sum(int(c) for c in rest) for v, *rest in (line.split(",")[1:] for line in lines[1:]))
    figure_export.stop_image_server()


def test_data_page_downloads_tables_and_the_database(sample_db_path, monkeypatch, downloads):
    open_app(sample_db_path, monkeypatch)
    downloads.clear()
    show(open_app(sample_db_path, monkeypatch), "data")
    files = {name: (mime, data) for name, mime, data in downloads}
    mime, make = files["votes.csv"]
    assert mime == "text/csv" and make().decode().count("\n") == 46
    database = files["tracker.duckdb"][1]()
    assert database[8:12] == b"DUCK"


def test_data_page_downloads_a_table_as_parquet(sample_db_path, monkeypatch, downloads):
    import io

    app = show(open_app(sample_db_path, monkeypatch), "data")
    downloads.clear()
    app.selectbox(key="d_table").select("parties")
    app.radio(key="d_format").set_value("parquet").run()
    files = {name: (mime, data) for name, mime, data in downloads}
    mime, make = files["parties.parquet"]
    content = make()
    assert mime == "application/vnd.apache.parquet" and content[:4] == b"PAR1" and content[-4:] == b"PAR1"
    # The sample names 21 parties; the file holds them all.
    assert len(pd.read_parquet(io.BytesIO(content))) == 21


@pytest.fixture
def bundestag_db_path(db_path, bundestag_native_csv):
    """The Bundestag's 18th term (209 roll calls, 131,751 member votes) in native member-votes columns."""
    con = store.connect(db_path)
    import_files(con, [bundestag_native_csv])
    first, members = con.execute(
        "select vote_id, count(*) filter (where position <> 'not_member') from member_votes"
        " group by vote_id order by vote_id limit 1").fetchone()
    con.close()
    return db_path, first, members


@pytest.mark.slow
def test_pages_run_on_the_bundestag_roll_calls(bundestag_db_path, monkeypatch):
    db, first_vote, members = bundestag_db_path
    for page in PAGES:
        show(open_app(db, monkeypatch, {"vote": first_vote, "reference": "CDU/CSU"}), page)
    app = show(open_app(db, monkeypatch, {"vote": first_vote}), "votes")
    # The arch has one seat per member who held a seat on that vote (no seat count is stated for these votes).
    [arch] = [d for d in drawn(app) if "tracker-seats" in d]   # the parliament chart, drawn as SVG
    assert "Parliament: seats by member vote" in arch and arch.count("<circle ") == members


def test_members_map_on_a_large_range_waits_for_the_button_then_is_drawn_and_stored(member_db_path, monkeypatch):
    # Treat any range as too large to fit on a filter change: the page offers the all-votes fit behind a button.
    from tracker.ui import cache

    monkeypatch.setattr(cache, "FIT_ON_FILTER_CELLS", 0)
    app = show(open_app(member_db_path, monkeypatch, {"section": "Where members stand"}), "members")
    assert "fitted once per import" in texts(app)
    app.button(key="members_fit_map").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert list(member_db_path.parent.glob(member_db_path.name + ".sidecar.ideal-points-*.parquet"))
    # The map is drawn in the run of the click (three votes are too few to place anyone: it says so), and the offer
    # is gone.
    assert "fitted once per import" not in texts(app)
    assert any("Members placed by their votes" in m and "Too few member votes" in m for m in drawn(app))


def test_members_map_is_drawn_after_the_button_even_when_the_kept_copy_cannot_be_read_back(member_db_path,
                                                                                              monkeypatch):
    from tracker import metrics
    from tracker.ui import cache

    monkeypatch.setattr(cache, "FIT_ON_FILTER_CELLS", 0)
    monkeypatch.setattr(metrics, "stored_member_map", lambda db, assembly: None)   # e.g. the files were removed
    app = show(open_app(member_db_path, monkeypatch, {"section": "Where members stand"}), "members")
    app.button(key="members_fit_map").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("Members placed by their votes" in m for m in drawn(app))


def test_no_page_module_imports_another_page():
    # Shared choices live in tracker/ui/choices.py; a page importing a page would run its code and tie them together.
    import ast

    ui = config.PROJECT_DIR / "tracker" / "ui"
    pages = {"overview", "votes", "parties", "trends", "members", "data_page"}
    for name in pages:
        tree = ast.parse((ui / f"{name}.py").read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        imported |= {f"{node.module}.{alias.name}" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                     and node.module for alias in node.names}
        assert not {f"tracker.ui.{page}" for page in pages - {name}} & imported, name


def test_tables_on_screen_drop_bidi_controls_before_neutralising_formulas():
    import pandas as pd

    from tracker.ui.widgets import display_safe

    # "\u202e=1+1" shows as "=1+1" once the control is gone: the toolbar's CSV would hand a spreadsheet a formula.
    frame = pd.DataFrame({"title": pd.Series(["\u202e=1+1", "plain", None, "-3 seats"], dtype="string"),
                          "mixed": pd.Series(["@SUM(A1)", 7, None, "\u2066ok\u2069"], dtype=object),
                          "=cmd": [1, 2, 3, 4]})
    shown = display_safe(frame)
    assert shown["title"].tolist()[:2] == ["'=1+1", "plain"] and shown["title"].tolist()[3] == "'-3 seats"
    assert shown["mixed"].tolist()[0] == "'@SUM(A1)" and shown["mixed"].tolist()[1] == 7
    assert shown["mixed"].tolist()[3] == "ok" and list(shown.columns) == ["title", "mixed", "'=cmd"]
    assert frame["title"].tolist()[0] == "\u202e=1+1"   # the frame given is left as it was
