"""Reading stored votes for the dashboard: lists, one vote's details, and small summaries of metric tables."""

from __future__ import annotations

import tempfile
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from tracker import store
from tracker.metrics.filters import NO_ASSEMBLY
from tracker.model import PARTY_POSITIONS, SYNTHETIC_PATTERN, official_passed, synthetic_assembly_sql
from tracker.store import Store

STORED_TABLES = ("votes", "party_positions", "member_votes", "members", "parties", "assemblies", "party_tallies",
                 "import_batches", "audit_log")
OFFICIAL_RESULTS = ("passed", "failed", "unclear")


def _frame(db: Store, sql: str, parameters: dict | None = None) -> pd.DataFrame:
    cursor = db.cursor()
    try:
        return cursor.execute(sql, parameters or {}).df()
    finally:
        cursor.close()


def _one(db: Store, sql: str, parameters: dict | None = None) -> tuple | None:
    cursor = db.cursor()
    try:
        return cursor.execute(sql, parameters or {}).fetchone()
    finally:
        cursor.close()


# --- choices for filters ------------------------------------------------------------------------------------------

def assemblies(db: Store) -> pd.DataFrame:
    """Assemblies with their names, seats and notes; assemblies named only in votes are listed too."""
    return _frame(db, """
        select a.assembly, coalesce(a.name, a.assembly) as name, a.seats, a.note
        from assemblies a
        union all
        select distinct v.assembly, v.assembly, null, null from votes v
        where v.assembly is not null and v.assembly not in (select assembly from assemblies)
        order by 1""")


def synthetic_assemblies(db: Store) -> list[str]:
    """Names of assemblies whose name or note says the data is synthetic."""
    frame = _frame(db, f"""
        select coalesce(name, assembly) as name from assemblies
        where {synthetic_assembly_sql("name", "note")} order by 1""", {"synthetic_pattern": SYNTHETIC_PATTERN})
    return frame["name"].astype(str).tolist()


def parties(db: Store) -> pd.DataFrame:
    """Every party label that is stored or appears in a vote, with its name, bloc, colour and seats."""
    return _frame(db, """
        select p.party, coalesce(p.name, p.party) as name, p.bloc, p.colour, p.seats, p.seat_order from parties p
        union all
        select distinct v.party, v.party, null, null, null, null from party_votes v
        where v.party not in (select party from parties)
        order by 1""")


def blocs(db: Store) -> list[str]:
    """Bloc names given to parties."""
    frame = _frame(db, "select distinct bloc from parties where bloc is not null and bloc <> '' order by 1")
    return frame["bloc"].astype(str).tolist()


def stages(db: Store) -> list[str]:
    """Stage names used by votes."""
    frame = _frame(db, "select distinct stage from votes where stage is not null and stage <> '' order by 1")
    return frame["stage"].astype(str).tolist()


def date_bounds(db: Store) -> tuple[date | None, date | None]:
    """The first and last vote date stored."""
    row = _one(db, "select min(date), max(date) from votes")
    return (row[0], row[1]) if row else (None, None)


def has_member_votes(db: Store) -> bool:
    """True when any member-level vote is stored."""
    return _one(db, "select count(*) from (select 1 from member_votes limit 1)")[0] > 0


# --- the vote list ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class VoteSearch:
    """What the Votes page filters on; empty fields do not filter."""

    text: str = ""
    date_from: date | None = None
    date_to: date | None = None
    assembly: str | None = None
    stage: str | None = None
    result: str | None = None          # passed / failed / unclear (the official result as given)
    party: str | None = None
    party_position: str | None = None  # with party: yes / no / abstain / split


def official_result_class(result: object) -> str:
    """passed / failed / unclear for an official result as given."""
    verdict = official_passed(None if result is None or pd.isna(result) else str(result))
    return "unclear" if verdict is None else ("passed" if verdict else "failed")


def fold_text(text: str) -> str:
    """Search text without accents, in lower case and with single spaces, as the search compares it."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text.strip().lower()) if not unicodedata.combining(c))
    return " ".join(plain.split())


def search_votes(db: Store, search: VoteSearch) -> pd.DataFrame:
    """Votes matching the search, newest first, with their effective tallies and the official result's class."""
    if search.result is not None and search.result not in OFFICIAL_RESULTS:
        raise ValueError(f"Unknown result filter '{search.result}': use one of {', '.join(OFFICIAL_RESULTS)}.")
    if search.party_position is not None and search.party_position not in PARTY_POSITIONS:
        raise ValueError(f"Unknown party position '{search.party_position}': use one of "
                         f"{', '.join(PARTY_POSITIONS)}.")
    # Accents and case do not matter: 'guaido' finds 'Guaidó', 'voluntad popular' finds votes where VP took a position.
    text = fold_text(search.text)
    frame = _frame(db, """
        select t.vote_id, t.date, t.title, t.stage, t.assembly, t.yes, t.no, t.abstain, t.absent, t.majority,
               t.result, t.tally_source, t.matter, t.source_url
        from vote_tallies t
        where ($text = '' or contains(strip_accents(lower(coalesce(t.title, ''))), $text)
               or contains(strip_accents(lower(t.vote_id)), $text)
               or contains(strip_accents(lower(coalesce(t.matter, ''))), $text)
               or contains(strip_accents(lower(coalesce(t.note, ''))), $text)
               or exists (select 1 from party_votes p left join parties n using (party)
                          where p.vote_id = t.vote_id and (strip_accents(lower(p.party)) = $text
                               or contains(strip_accents(lower(coalesce(n.name, ''))), $text))))
          and ($date_from is null or t.date >= $date_from)
          and ($date_to is null or t.date <= $date_to)
          and ($assembly is null or t.assembly = $assembly or ($assembly = $no_assembly and t.assembly is null))
          and ($stage is null or t.stage = $stage)
          and ($party is null or exists (select 1 from party_votes p where p.vote_id = t.vote_id
               and p.party = $party and ($position is null or p.position = $position)))
        order by t.date desc nulls last, t.vote_id desc""",
        {"text": text, "date_from": search.date_from, "date_to": search.date_to, "assembly": search.assembly,
         "stage": search.stage, "party": search.party, "position": search.party_position,
         "no_assembly": NO_ASSEMBLY})
    frame["official"] = [official_result_class(r) for r in frame["result"].tolist()]
    if search.result is not None:
        frame = frame[frame["official"] == search.result].reset_index(drop=True)
    for column in ("yes", "no", "abstain", "absent"):
        frame[column] = frame[column].astype("Int64")
    return frame


# --- one vote -----------------------------------------------------------------------------------------------------

def vote_detail(db: Store, vote_id: str) -> dict | None:
    """One vote's stored fields and effective tallies, or None when there is no such vote."""
    frame = _frame(db, """
        select t.*, coalesce(a.name, t.assembly) as assembly_name
        from vote_tallies t left join assemblies a using (assembly) where t.vote_id = $id""", {"id": vote_id})
    if frame.empty:
        return None
    return known(frame.iloc[0].to_dict())


def known(row: dict) -> dict:
    """A row with every missing value (None, NaN, NaT, pandas' NA) as None."""
    return {k: (None if is_missing(v) else v) for k, v in row.items()}


def is_missing(value: object) -> bool:
    """True for None, NaN, NaT and pandas' NA: a value that is not known."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def vote_parties(db: Store, vote_id: str) -> pd.DataFrame:
    """Each party's effective counts and position on one vote, with its name, seats, bloc, seating, source, caveat."""
    frame = _frame(db, """
        select p.party, coalesce(s.name, p.party) as name, p.yes, p.no, p.abstain, p.absent, p.members, p.position,
               p.position_label, p.source, s.seats as party_seats, s.bloc, s.colour, s.seat_order,
               q.source_url, q.note
        from party_votes p left join parties s using (party)
        left join party_positions q on q.vote_id = p.vote_id and q.party = p.party
        where p.vote_id = $id order by p.party""", {"id": vote_id})
    for column in ("yes", "no", "abstain", "absent", "members", "party_seats", "seat_order"):
        frame[column] = frame[column].astype("Int64")
    return frame


def vote_members(db: Store, vote_id: str) -> pd.DataFrame:
    """How each member voted on one vote (members who held a seat), with their party's position and rebels marked.

    A rebel voted yes, no or abstain against the position of their party on this vote (a split party has none).
    """
    frame = _frame(db, """
        select mv.member_id, coalesce(m.name, mv.member_id) as name, mv.party, mv.position, mv.position_label,
               pv.position as party_position
        from member_votes mv left join members m using (member_id)
        left join party_votes pv on pv.vote_id = mv.vote_id and pv.party = coalesce(mv.party, '(no party)')
        where mv.vote_id = $id and mv.position <> 'not_member'
        order by mv.party, name""", {"id": vote_id})
    # In plain Python: a vote's few hundred rows, where pandas' isin on text cost more than the query.
    stated = {"yes", "no", "abstain"}
    frame["rebel"] = pd.array([own in stated and party in stated and own != party for own, party in
                               zip(frame["position"].tolist(), frame["party_position"].tolist(), strict=True)],
                              dtype=bool)
    return frame


def source_links(source_url: str | None) -> list[str]:
    """The source URLs of a row (several are joined with ' ; ')."""
    if not source_url:
        return []
    return [u.strip() for u in str(source_url).split(";") if u.strip()]


def seat_groups(vote: dict, parties_on_vote: pd.DataFrame,
                members: pd.DataFrame | None = None) -> tuple[pd.DataFrame, int | None, str]:
    """Seats by party and position for the arch, the seat count, and what colours the seats.

    In this order of preference: one seat per member from member votes ('member vote'); counts per party, with
    the vote's tallies beyond them as seats of no known party ('position'); each party's seats coloured by its
    stated position when two or more parties stated one, or no tally is known ('party position'); else the vote's
    tallies without parties ('position'). The chart marks seats not
    covered as unknown.
    """
    columns = ["party", "position", "seats", "member"]
    seat_count = int(vote["seats"]) if vote.get("seats") is not None else None
    if members is not None and not members.empty:
        # One seat per member, built column by column (a row at a time took about 8 ms for 700 members).
        groups = pd.DataFrame({"party": members["party"].astype(object).to_numpy(),
                               "position": members["position"].astype(object).to_numpy(), "seats": 1,
                               "member": members["name"].astype(object).to_numpy()}, columns=columns)
        return groups, seat_count, "member vote"
    counts = ("yes", "no", "abstain", "absent")
    with_counts = parties_on_vote[parties_on_vote[list(counts)].notna().any(axis=1)]
    stated = parties_on_vote.dropna(subset=["position", "party_seats"])
    rows: list[dict] = []
    if not with_counts.empty:
        for record in with_counts.to_dict("records"):
            rows += [{"party": record["party"], "position": c, "seats": record[c]} for c in counts
                     if not is_missing(record[c])]
        by_position = pd.DataFrame(rows).groupby("position")["seats"].sum() if rows else pd.Series(dtype=int)
        for c in counts:
            rest = (vote.get(c) or 0) - int(by_position.get(c, 0))
            if rest > 0:
                rows.append({"party": None, "position": c, "seats": rest})
        basis = "position"
    elif len(stated) >= 2 or (not stated.empty and all(vote.get(c) is None for c in counts)):
        rows = [{"party": r["party"], "position": r["position"], "seats": r["party_seats"]}
                for r in stated.to_dict("records")]
        basis = "party position"
    else:
        rows = [{"party": None, "position": c, "seats": vote[c]} for c in counts if vote.get(c) is not None]
        basis = "position"
    groups = pd.DataFrame(rows, columns=columns)
    groups["seats"] = pd.to_numeric(groups["seats"]).fillna(0).astype(int)
    return groups, seat_count, basis


def matter_stages(db: Store, matter: str) -> pd.DataFrame:
    """The votes on one matter (its stages), oldest first, with their effective tallies."""
    frame = _frame(db, """
        select vote_id, date, stage, title, yes, no, abstain, absent, result from vote_tallies
        where matter = $matter order by date, vote_id""", {"matter": matter})
    for column in ("yes", "no", "abstain", "absent"):
        frame[column] = frame[column].astype("Int64")
    return frame


def stage_moves(db: Store, matter: str) -> pd.DataFrame:
    """Each party's position at each stage of a matter (columns in stage order) and whether it moved."""
    frame = _frame(db, """
        select v.vote_id, v.date, p.party, p.position
        from party_votes p join votes v using (vote_id)
        where v.matter = $matter order by v.date, v.vote_id, p.party""", {"matter": matter})
    if frame.empty:
        return pd.DataFrame(columns=["party", "moved"])
    order = frame.drop_duplicates("vote_id")["vote_id"].tolist()
    wide = frame.pivot_table(index="party", columns="vote_id", values="position", aggfunc="first").reindex(
        columns=order)
    known = wide.apply(lambda row: row.dropna().nunique() > 1, axis=1)
    wide["moved"] = known
    wide.columns.name = None
    return wide.reset_index()


# --- downloads ----------------------------------------------------------------------------------------------------

def stored_table(db: Store, table: str) -> pd.DataFrame:
    """A stored table by name (from STORED_TABLES only)."""
    if table not in STORED_TABLES:
        raise ValueError(f"Unknown table '{table}': use one of {', '.join(STORED_TABLES)}.")
    return _frame(db, f"select * from {table}")


def database_snapshot(db: Store) -> bytes:
    """A consistent copy of the whole database as the bytes of a DuckDB file (safe from many threads at once)."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "tracker.duckdb"
        # A name of its own per download: attached databases are shared by every cursor of the connection.
        name = f"download_{uuid.uuid4().hex}"
        cursor = db.cursor()
        try:
            source = cursor.execute("select current_database()").fetchone()[0]
            cursor.execute(f"attach '{target}' as {name}")  # ATTACH takes no bound parameters; a path we made
            try:
                cursor.execute("begin transaction")  # every table as of one moment, never half an import
                try:
                    cursor.execute(f'copy from database "{source}" to {name}')
                    cursor.execute("commit")
                except BaseException:
                    cursor.execute("rollback")
                    raise
                # Everything into the file itself: a copy left partly in its write-ahead log would read as empty.
                cursor.execute(f"checkpoint {name}")
            finally:
                cursor.execute(f"detach {name}")
        finally:
            cursor.close()
        if Path(str(target) + ".wal").exists():
            raise RuntimeError("The database copy was not written out completely; download it again.")
        return target.read_bytes()


def database_version(db: Store) -> int:
    """The store's version (changes on every import and undo), for keying caches."""
    return store.database_version(db)
