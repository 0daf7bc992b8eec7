"""What the pages offer to choose from: assemblies, parties and references, and the party pages' sidebar filters."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker import charts, queries
from tracker.metrics import Filters
from tracker.metrics.filters import NO_ASSEMBLY
from tracker.ui import cache, filters

if TYPE_CHECKING:
    import pandas as pd

NO_ASSEMBLY_NAME = "No assembly (votes stored without one)"


def assembly_choices() -> tuple[list[str], dict[str, str]]:
    """Assembly ids and their display names; 'no assembly' too when some votes name none, so none is hidden."""
    frame = cache.read("assemblies")
    ids = frame["assembly"].astype(str).tolist()
    names = dict(zip(ids, frame["name"].astype(str), strict=True))
    if not cache.read("search_votes", queries.VoteSearch(assembly=NO_ASSEMBLY)).empty:
        ids.append(NO_ASSEMBLY)
        names[NO_ASSEMBLY] = NO_ASSEMBLY_NAME
    return ids, names


def reference_choices() -> list[str]:
    """Parties and blocs (as bloc:NAME) that alignment can be measured against."""
    return cache.read("parties")["party"].astype(str).tolist() + [f"bloc:{b}" for b in cache.read("blocs")]


def reference_label(reference: str) -> str:
    """'bloc:MUD' as 'MUD (bloc)'."""
    return f"{reference[5:]} (bloc)" if reference.startswith("bloc:") else reference


SHARE_SAME = "share of votes with the same position"   # the value axis of the alignment lines


def against_reference(chosen: Filters, colours: dict[str, str]) -> tuple[pd.DataFrame, str, dict]:
    """Each party's alignment with the chosen reference by period, as Trends and Parties draw it: the rows, the chart's
    title and its lines (points_html.trend_lines_html's and charts.trend_lines's arguments)."""
    frame = cache.metric("alignment_with_reference", chosen)
    title = f"Alignment with {reference_label(chosen.reference)} by {chosen.period}"
    return frame, title, dict(value="agreement", group="party", colours=colours, value_label=SHARE_SAME,
                               hover_count="votes_compared")


# Said where cohesion would be drawn but the matching votes have party positions only (the Venezuelan sample).
COHESION_NEEDS_COUNTS = ("Cohesion needs each party's yes, no and abstain counts (from member votes or a party's "
                         "tallies); the votes matching these filters have party positions only.")


def party_filters(over_time: bool = True) -> tuple[Filters, dict[str, str], dict[str, str]]:
    """Assembly, dates, parties, and (over_time) period and reference from the sidebar (and URL); with names and
    colours. A page with no chart by period or against a reference (Members) asks for neither."""
    ids, names = assembly_choices()
    base = filters.common(ids, names)
    party_table = cache.read("parties")
    chosen = filters.parties("Parties", party_table["party"].astype(str).tolist())
    period, reference = "year", None
    if over_time:
        period = filters.period()
        reference = filters.choice("Reference party or bloc", "reference", reference_choices(), "f_reference",
                                   "None", format_func=reference_label)
    colours = charts.party_colours(party_table)
    return (Filters(assembly=base.assembly, date_from=base.date_from, date_to=base.date_to, parties=chosen,
                    period=period, reference=reference), names, colours)
