"""The Data page's questions for a CSV in an unknown shape; the answers are saved as a mapping profile."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import streamlit as st

from tracker.ingest import (
    KINDS,
    MEMBER_VOTES,
    PARTY_POSITIONS,
    ROLES_OF_KIND,
    VOTE_TALLIES,
    Profile,
    ProfileError,
    Source,
    UnmappedFile,
    label_meanings,
    needs_mapping,
    save_profile,
    unfamiliar_labels,
)
from tracker.ui.widgets import md_escape

NONE = "(none)"
KIND_WORDS = {
    MEMBER_VOTES: "how one member voted on one vote",
    PARTY_POSITIONS: "how one party voted on one vote",
    VOTE_TALLIES: "one vote with its totals",
}
QUESTIONS = {
    "vote_id": "Which column is the vote id? (choose several to join them with '-', e.g. sitting + number)",
    "date": "Which column is the date of the vote?",
    "title": "Which column is the title of the vote?",
    "member_id": "Which column is the member's id? (leave '(none)' to use the name)",
    "member_name": "Which column is the member's name?",
    "party": "Which column is the party or group?",
    "position": "Which column is the position (how they voted)?",
    "yes": "Which column counts yes votes?",
    "no": "Which column counts no votes?",
    "abstain": "Which column counts abstentions?",
    "absent": "Which column counts absent members?",
    "result": "Which column is the official result?",
}
NEEDS = {
    MEMBER_VOTES: "Needed: a vote id column (or several to join), the party, the position (how the member voted), "
                  "and the member's id or name. A new vote also needs its date and title.",
    PARTY_POSITIONS: "Needed: a vote id column (or several to join), the party, and its position or its counts. A new "
                     "vote also needs its date and title.",
    VOTE_TALLIES: "Needed: a vote id column (pick one, or let the tracker number the votes by date), the date and the "
                  "title. The counts and the result are optional.",
}


def likely_kind(suggestion: dict[str, str]) -> str:
    """The kind of table the recognised columns point to: members, parties, else vote tallies."""
    if "position" in suggestion and ("member_id" in suggestion or "member_name" in suggestion):
        return MEMBER_VOTES
    if "party" in suggestion:
        return PARTY_POSITIONS
    return VOTE_TALLIES


MEANINGS = {"yes": "yes", "no": "no", "abstain": "abstain", "absent": "absent (did not vote)",
            "not_member": "not a member on that date", "split": "split (no single position)"}


def mapping_form(sources_needing_mapping: Sequence[Source | UnmappedFile], db_dir: Path,
                 key: str = "mapping") -> Profile | None:
    """Ask what each column means and save the answers; returns the profile on the run it was saved, else None."""
    files = [f for f in sources_needing_mapping if isinstance(f, UnmappedFile)]
    files += needs_mapping([s for s in sources_needing_mapping if isinstance(s, Source)])
    if not files:
        return None
    names = [f.source.name for f in files]
    chosen = st.selectbox("File to describe", names, key=f"{key}-file") if len(files) > 1 else names[0]
    unmapped = files[names.index(chosen)]
    header = unmapped.header
    st.markdown(f"**{md_escape(unmapped.source.name)}** is in a shape the importer does not know. "
                "Say what its columns mean; the answers are saved as a mapping profile and used for every file with "
                "the same header.")
    st.caption("Columns: " + md_escape(", ".join(header)))
    name = st.text_input("Name of this mapping", value=Path(unmapped.source.name).stem, key=f"{key}-name")
    kind = st.selectbox("Each row is", KINDS, index=KINDS.index(likely_kind(unmapped.suggestion)),
                        format_func=lambda k: f"{k}: {KIND_WORDS[k]}", key=f"{key}-kind")
    st.caption(NEEDS[kind])
    columns: dict[str, str | list[str]] = {}
    number_votes = False
    for role in ROLES_OF_KIND[kind]:
        suggested = unmapped.suggestion.get(role)
        if role == "vote_id" and kind == VOTE_TALLIES:
            number_votes = st.checkbox("The file has no vote id: number the votes by date (e.g. "
                                       f"{Path(unmapped.source.name).stem}-2024-03-01-1)",
                                       value=suggested is None, key=f"{key}-number-votes")
            if number_votes:
                continue
        if role == "vote_id":
            picked = st.multiselect(QUESTIONS[role], header, default=[suggested] if suggested else [],
                                    key=f"{key}-{role}")
            if picked:
                columns[role] = picked[0] if len(picked) == 1 else list(picked)
            continue
        options = [NONE, *header]
        answer = st.selectbox(QUESTIONS[role], options, index=options.index(suggested) if suggested else 0,
                              key=f"{key}-{role}")
        if answer != NONE:
            columns[role] = answer
    date_format = st.text_input("Date format, if not YYYY-MM-DD or DD.MM.YYYY (e.g. %d/%m/%Y or %m/%d/%Y)",
                                key=f"{key}-date-format").strip() or None
    labels: dict[str, str] = {}
    unanswered: list[str] = []
    position_column = columns.get("position")
    if isinstance(position_column, str):
        allowed = label_meanings(kind)
        for i, label in enumerate(unfamiliar_labels(unmapped.values.get(position_column, []), kind)):
            meaning = st.selectbox(f"What does the position '{label}' mean?", allowed, index=None,
                                   format_func=lambda m: MEANINGS.get(m, m), placeholder="Choose a meaning",
                                   key=f"{key}-label-{i}")
            if meaning is None:
                unanswered.append(label)
            else:
                labels[label] = meaning
    if not st.button("Save mapping", key=f"{key}-save", type="primary"):
        return None
    profile = Profile(name=name.strip(), header=list(header), kind=kind, columns=columns, date_format=date_format,
                      labels=labels, number_votes=number_votes)
    problems = profile.problems() + [f"Say what the position '{label}' means." for label in unanswered]
    if problems:
        st.error("The mapping cannot be saved yet: " + md_escape(" ".join(problems)))
        return None
    try:
        path = save_profile(profile, Path(db_dir) / "mappings")
    except (ProfileError, OSError) as error:
        st.error(md_escape(error))
        return None
    st.success(f"Saved mapping '{md_escape(profile.name)}' ({md_escape(path.name)}). Files with this header are now "
               "read with it; on the command line: `python -m tracker import FILE --mapping PATH` with PATH = "
               f"{md_escape(path)}.")
    return profile
