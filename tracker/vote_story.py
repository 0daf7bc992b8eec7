"""One vote told at a glance: the headline line, who did what, its parliament chart and share card."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tracker import charts, queries
from tracker.charts import Figure, publish
from tracker.metrics import Filters, outcomes
from tracker.store import Store

GROUP_WORDS = {"yes": "For", "no": "Against", "abstain": "Abstained", "split": "Split"}
RULE_WORDS = {"simple": "simple majority", "absolute": "absolute majority"}


@dataclass(frozen=True)
class VoteStory:
    """What a vote page, its images and its share card say."""

    vote_id: str
    title: str
    headline: str        # "Approved 72–29–8 · simple majority · second discussion · 30 Dec 2022"
    summary: str         # "For: Primero Justicia, … · Against: …"
    summary_basis: str   # "member votes" / "stated party positions" / ""
    subtitle: str        # date · assembly · result, for images
    source: str          # "Source: aporrea.org, … · Chart: …"
    seats: pd.DataFrame  # one row per seat, as charts.hemicycle_seats gives
    basis: str           # what colours the seats
    threshold: int | None


def day(value: object) -> str:
    """'30 Dec 2022', or '' when unknown."""
    return "" if queries.is_missing(value) else pd.Timestamp(value).strftime("%-d %b %Y")


def tally(vote: dict) -> str:
    """'72–29–8' from the yes, no and abstain counts that are known."""
    return "–".join(str(int(vote[c])) for c in ("yes", "no", "abstain") if vote.get(c) is not None)


def headline(vote: dict, outcome: dict | None) -> str:
    """Result, tally, rule, stage and date in one line."""
    official = queries.official_result_class(vote.get("result"))
    passed = None if outcome is None else outcome.get("passed")
    word = {"passed": "Approved", "failed": "Rejected"}.get(official) or (
        "Not recorded" if passed is None else ("Approved (recomputed)" if passed else "Rejected (recomputed)"))
    rule = RULE_WORDS.get(str(vote.get("majority") or ""), str(vote.get("majority") or "").replace("_", " "))
    stage = str(vote.get("stage") or "")
    stage = stage.split(" (")[0] if stage else ""
    return " · ".join(p for p in (f"{word} {tally(vote)}".strip(), rule, stage, day(vote.get("date"))) if p)


def who_did_what(parties: pd.DataFrame, members: pd.DataFrame | None = None) -> tuple[str, str]:
    """'For: A, B · Against: C · Abstained: D' by party (full names), and what it comes from.

    Within a group parties run by their members who voted (else their seats), most first, then by name.
    """
    if parties.empty:
        return "", ""
    from_members = members is not None and not members.empty
    ranked = []
    for party, name, voted, seats, position in zip(parties["party"], parties["name"], parties["members"],
                                                   parties["party_seats"], parties["position"], strict=True):
        label = str(party if queries.is_missing(name) else name)
        weight = charts.count_of(seats if queries.is_missing(voted) else voted) or 0
        ranked.append((-weight, label, position))
    ranked.sort(key=lambda row: row[:2])
    parts = []
    for position, word in GROUP_WORDS.items():
        chosen = [label for _, label, stated in ranked if stated == position]
        if chosen:
            parts.append(f"{word}: {', '.join(chosen)}")
    return " · ".join(parts), ("member votes" if from_members else "stated party positions")


def outcome_of(db: Store, vote: dict) -> dict | None:
    """The vote's row of metrics.outcomes (threshold, passed, margin), or None."""
    date = pd.Timestamp(vote["date"]).date() if vote.get("date") is not None else None
    try:
        frame = outcomes(db, Filters(assembly=vote.get("assembly"), date_from=date, date_to=date))
    except ValueError:
        return None
    row = frame[frame["vote_id"] == vote["vote_id"]]
    if row.empty:
        return None
    return queries.known(row.iloc[0].to_dict())


def tell(vote: dict, parties: pd.DataFrame, members: pd.DataFrame | None, outcome: dict | None,
         party_table: pd.DataFrame) -> VoteStory:
    """The story from what is stored (pure: the page passes cached tables, the CLI reads them)."""
    groups, seat_count, basis = queries.seat_groups(vote, parties, members)
    seats = charts.hemicycle_seats(groups, seat_count, charts.seating_order(party_table))
    summary, summary_basis = who_did_what(parties, members)
    line = headline(vote, outcome)
    subtitle = " · ".join(p for p in (day(vote.get("date")), str(vote.get("assembly_name") or ""),
                                      line.split(" · ")[0]) if p)
    sources = [vote.get("source_url") or ""]
    if parties is not None and "source_url" in parties:
        sources += parties["source_url"].dropna().astype(str).tolist()
    threshold = None if outcome is None or outcome.get("threshold") is None else int(outcome["threshold"])
    return VoteStory(str(vote["vote_id"]), str(vote.get("title") or vote["vote_id"]), line, summary, summary_basis,
                     subtitle, publish.source_line(sources), seats, basis, threshold)


def load(db: Store, vote_id: str) -> tuple[VoteStory, dict, pd.DataFrame] | None:
    """The story of a stored vote with the vote and its parties, or None when there is no such vote."""
    vote = queries.vote_detail(db, vote_id)
    if vote is None:
        return None
    parties = queries.vote_parties(db, vote_id)
    members = queries.vote_members(db, vote_id)
    return tell(vote, parties, members, outcome_of(db, vote), queries.parties(db)), vote, parties


def parliament_chart(story: VoteStory, parties: pd.DataFrame, colours: dict[str, str], width: float = 450,
                     height: int = 420) -> Figure:
    """The parliament chart of the story's seats."""
    return charts.hemicycle(story.seats, f"Parliament: seats by {story.basis}", story.basis, colours,
                            story.threshold, _party_names(parties), width=width, height=height)


def parliament_svg(story: VoteStory, parties: pd.DataFrame, colours: dict[str, str]) -> str:
    """The same parliament chart as plain SVG (with its legend) for the page."""
    return charts.hemicycle_svg(story.seats, f"Parliament: seats by {story.basis}", story.basis, colours,
                                story.threshold, _party_names(parties))


def _party_names(parties: pd.DataFrame) -> dict[str, str]:
    return dict(zip(parties["party"].astype(str), parties["name"].fillna(parties["party"]).astype(str),
                    strict=True)) if not parties.empty else {}


def card(story: VoteStory, parties: pd.DataFrame, colours: dict[str, str], headline_text: str | None = None
         ) -> Figure:
    """The 1200×630 share card: title, result, the parliament chart and the one-line summary."""
    fig = parliament_chart(story, parties, colours, width=560, height=440)
    for trace in fig.data:
        trace.showlegend = trace.legendgroup == "position"
    summary = story.summary or "Party positions are not recorded for this vote."
    notes = summary + (f" (from {story.summary_basis})" if story.summary_basis else "")
    caption = publish.Caption(headline_text or story.title, story.headline, notes, story.source)
    return publish.publishable(fig, caption, "social")
