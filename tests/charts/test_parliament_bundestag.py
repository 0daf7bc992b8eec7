"""The parliament chart on the Bundestag's roll calls: seats grouped by party, CDU/CSU split on same-sex marriage."""

from __future__ import annotations

import pandas as pd
import pytest

from tracker import charts, queries, store, vote_story
from tracker.ingest import import_files


@pytest.fixture(scope="module")
def bundestag(bundestag_csv, tmp_path_factory):
    """The 18th term's member votes in the native member-votes columns (as tests/metrics/test_metrics_bundestag.py)."""
    source = pd.read_csv(bundestag_csv, dtype=str, keep_default_na=False)
    native = pd.DataFrame({
        "vote_id": source["Wahlperiode"] + "-" + source["Sitzungnr"] + "-" + source["Abstimmnr"],
        "date": source["date"], "title": source["title"].str.strip(),
        "mp_id": source["Name"] + "|" + source["Vorname"], "member_name": source["Bezeichnung"],
        "party": source["Fraktion/Gruppe"], "position": source["vote"]})
    folder = tmp_path_factory.mktemp("bundestag_arch")
    native.to_csv(folder / "member_votes.csv", index=False)
    db = store.connect(folder / "tracker.duckdb")
    import_files(db, [folder / "member_votes.csv"])
    marriage = native.loc[native["title"].str.contains("gleichen Geschlechts"), "vote_id"].iloc[0]
    yield db, marriage
    db.close()


def test_seats_are_grouped_by_party_and_cdu_csu_shows_75_yes_and_225_no(bundestag):
    db, marriage = bundestag
    story, _, parties = vote_story.load(db, marriage)
    fig = vote_story.parliament_chart(story, parties, charts.party_colours(queries.parties(db)))
    # Read the seats back from the figure: each seat's place, and its party and position as its hover says them
    # ("member · party: Yes").
    words = {name: position for position, name in charts.POSITION_NAMES.items()}
    seats = pd.DataFrame([{"x": x, "y": y, "party": said.rsplit(" · ", 1)[-1].rsplit(": ", 1)[0],
                           "position": words[said.rsplit(": ", 1)[1]]}
                          for t in fig.data if t.legendgroup == "position"
                          for x, y, said in zip(t.x, t.y, t.hovertext, strict=True)])
    seats = seats.merge(story.seats[["x", "y", "angle"]], on=["x", "y"]).sort_values("angle", ascending=False)
    runs = (seats["party"] != seats["party"].shift()).cumsum()
    assert runs.max() == seats["party"].nunique() == 5  # every party's seats in one unbroken block
    cdu = seats[seats["party"] == "CDU/CSU"]["position"].value_counts()
    assert (cdu["yes"], cdu["no"]) == (75, 225)
    assert story.basis == "member vote" and story.summary_basis == "member votes"


def test_conventional_colours_for_the_bundestag_parties(bundestag):
    db, _ = bundestag
    colours = charts.party_colours(queries.parties(db))
    assert colours["SPD"] == "#E3000F" and colours["CDU/CSU"] == "#000000" and colours["BÜ90/GR"] == "#1AA037"
    assert colours["DIE LINKE."] == "#BE3075"
