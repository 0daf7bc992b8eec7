"""The checks of an upload, one function per rule; each adds a Problem per offending row (capped at 20 a rule)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import duckdb

from tracker.ingest import formats as F
from tracker.ingest.problems import Problem, rows_text
from tracker.ingest.staging import VOTE_INFO_FIELDS
from tracker.model import party_position_sql

Rule = Callable[[duckdb.DuckDBPyConnection, list[Problem]], None]


def vote_details_agree_within_upload(cursor: duckdb.DuckDBPyConnection, problems: list[Problem]) -> None:
    """One vote's repeated details (date, title, ...) are the same on every party or member row."""
    conflicting = cursor.execute(
        f"""
        select vote_id, any_value(file), list(row order by row)[1:5] from (
            select *, count(*) over (partition by vote_id) as n from (
                select distinct on (vote_id, {', '.join(VOTE_INFO_FIELDS)}) * from stage_vote_info))
        where n > 1 group by vote_id order by vote_id limit 20
        """).fetchall()
    for vote_id, file_name, rows in conflicting:
        problems.append(Problem(file_name, f"Vote '{vote_id}' has different vote details (date, title, ...) on "
                                f"{rows_text(rows)}.", "Give every row of one vote the same date, title and stage.",
                                row=rows[0]))


def vote_details_agree_with_tallies(cursor: duckdb.DuckDBPyConnection, problems: list[Problem]) -> None:
    """Details repeated on party or member rows agree with the vote tallies file of the same upload."""
    against_tallies = cursor.execute(" union all ".join(
        f"select i.vote_id, i.file, min(i.row), '{f}', any_value(v.file), any_value(v.row),"
        f" any_value(i.{f})::varchar, any_value(v.{f})::varchar"
        f" from stage_vote_info i join stage_votes v using (vote_id)"
        f" where i.{f} is not null and v.{f} is not null and i.{f} <> v.{f} group by i.vote_id, i.file"
        for f in VOTE_INFO_FIELDS) + " order by 3 limit 20").fetchall()
    for vote_id, file_name, row, column, tallies_file, tallies_row, value, stated in against_tallies:
        problems.append(Problem(file_name, f"Vote '{vote_id}' has {column} '{value}' here but '{stated}' in "
                                f"{tallies_file}, row {tallies_row}.", "Make the two files agree.", row=row,
                                column=column))


def one_row_per_key(cursor: duckdb.DuckDBPyConnection, problems: list[Problem]) -> None:
    """No vote, party position, member vote, party or assembly appears twice in the upload."""
    checks = (
        ("stage_votes", "vote_id", "Vote '{0}' appears more than once ({1}).",
         "Keep one row per vote in a vote tallies file."),
        ("stage_party_positions", "vote_id, party", "Party '{0[1]}' appears more than once on vote '{0[0]}' ({1}).",
         "Keep one row per party and vote."),
        ("stage_member_votes", "vote_id, member_id", "Member '{0[1]}' appears more than once on vote '{0[0]}' ({1}).",
         "Keep one row per member and vote; two people with the same name need a member_id each."),
        ("stage_parties", "party", "Party '{0}' appears more than once ({1}).", "Keep one row per party."),
        ("stage_assemblies", "assembly", "Assembly '{0}' appears more than once ({1}).", "Keep one row per assembly."),
    )
    for table, key, message, fix in checks:
        if table == "stage_member_votes" and no_member_twice_on_a_vote(cursor):
            continue   # the exact search below only finds what this quicker count already ruled out
        # Keys are grouped by their 64-bit hash first: far less memory than grouping millions of strings.
        duplicates = cursor.execute(
            f"with clashes as (select hash({key}) as h from {table} group by h having count(*) > 1)"
            f" select {key}, any_value(file), list(row order by row) from {table}"
            f" where hash({key}) in (select h from clashes)"
            f" group by {key} having count(*) > 1 order by min(row) limit 20").fetchall()
        for dup in duplicates:
            *key_values, file_name, rows = dup
            shown = key_values[0] if len(key_values) == 1 else key_values
            problems.append(Problem(file_name, message.format(shown, rows_text(rows)), fix, row=rows[1]))


# Members numbered for the quicker count of no_member_twice_on_a_vote: each vote's members as a bitstring of this
# many bits at most (1 KB a vote); above it, the hash search of one_row_per_key runs alone.
MEMBER_BITS = 8192


def no_member_twice_on_a_vote(cursor: duckdb.DuckDBPyConnection) -> bool:
    """True when no staged vote has a member twice: on each vote, the rows equal the distinct members counted as bits.

    Grouping by vote (thousands of groups) over members numbered once took 0.5 s at 14 M rows, where grouping every
    (vote, member) pair's hash took 1.7-2 s. False when unsure: an unknown id, or too many members to number.
    """
    cursor.execute("create or replace temp table check_member_numbers as"
                   " select member_id, (row_number() over () - 1)::integer as number"
                   " from (select distinct member_id from stage_member_votes where member_id is not null)")
    try:
        members, unknown = cursor.execute(
            "select (select count(*) from check_member_numbers),"
            " (select count(*) from stage_member_votes where vote_id is null or member_id is null)").fetchone()
        if unknown or members > MEMBER_BITS:
            return False
        if members == 0:
            return True
        # bitstring_agg needs its range as constants; `members` is an integer counted here.
        repeated = cursor.execute(
            "select count(*) from (select vote_id from stage_member_votes join check_member_numbers using (member_id)"
            f" group by vote_id having count(*) <> bit_count(bitstring_agg(number, 0, {members - 1})))").fetchone()[0]
        return repeated == 0
    finally:
        cursor.execute("drop table check_member_numbers")


def votes_exist(cursor: duckdb.DuckDBPyConnection, problems: list[Problem]) -> None:
    """Party and member rows refer to votes in the database or in this upload."""
    missing = cursor.execute(
        """
        select vote_id, file, min(row) from (
            select vote_id, file, row from stage_party_positions union all
            select vote_id, file, row from stage_member_votes)
        where vote_id not in (select vote_id from stage_votes) and vote_id not in (select vote_id from votes)
        group by vote_id, file order by 3 limit 20
        """).fetchall()
    for vote_id, file_name, row in missing:
        problems.append(Problem(file_name, f"Vote '{vote_id}' is not in the database or in this upload.",
                                "Upload its vote tallies file with it, or add date and title columns to this file.",
                                row=row, column="vote_id"))


def new_votes_have_date_and_title(cursor: duckdb.DuckDBPyConnection, problems: list[Problem]) -> None:
    """A vote not stored yet has a date and a title."""
    new_without_details = cursor.execute(
        "select vote_id, file, row, date is null, title is null from stage_votes"
        " where (date is null or title is null) and vote_id not in (select vote_id from votes) order by row limit 20"
    ).fetchall()
    for vote_id, file_name, row, no_date, _ in new_without_details:
        column = "date" if no_date else "title"
        problems.append(Problem(file_name, f"New vote '{vote_id}' has no {column}.",
                                f"Give the vote a {column} (a new vote needs a date and a title).", row=row,
                                column=column))


def create_check_tables(cursor: duckdb.DuckDBPyConnection) -> None:
    """The votes, member counts and party rows as they will be after the import, for the tally rules."""
    # The vote as it will be after the import: staged rows win over stored ones.
    cursor.execute(
        """
        create or replace temp table check_votes as
        select vote_id, yes, no, abstain, absent, seats, assembly, file, row from stage_votes
        union all
        select vote_id, yes, no, abstain, absent, seats, assembly, 'stored rows of batch ' || batch_id, null from votes
        where vote_id not in (select vote_id from stage_votes)
          and vote_id in (select vote_id from stage_party_positions union select vote_id from stage_member_votes)
        """)
    replaced_members = "select vote_id from changed_votes where vote_id in (select vote_id from stage_member_votes)"
    cursor.execute(
        f"""
        create or replace temp table check_member_counts as
        select vote_id, coalesce(party, '(no party)') as party,
               count(*) filter (where position = 'yes') as yes, count(*) filter (where position = 'no') as no,
               count(*) filter (where position = 'abstain') as abstain,
               count(*) filter (where position = 'absent') as absent,
               count(*) filter (where position <> 'not_member') as members,
               min(row) as row, coalesce(arg_min(file, row), any_value(file)) as file
        from (
            select vote_id, party, position, file, row from stage_member_votes
            union all
            select vote_id, party, position, 'stored rows of batch ' || batch_id, null from member_votes
            where vote_id in (select vote_id from stage_member_votes) and vote_id not in ({replaced_members}))
        group by all
        """)
    # Counted per party above (one scan of the member rows); the checks below read these few rows.
    cursor.execute(
        """
        create or replace temp view check_member_totals as
        select vote_id, sum(yes) as yes, sum(no) as no, sum(abstain) as abstain, sum(absent) as absent,
               sum(members) as members, min(row) as row, coalesce(arg_min(file, row), any_value(file)) as file
        from check_member_counts group by vote_id
        """)
    cursor.execute(
        """
        create or replace temp table check_parties as
        select vote_id, party, yes, no, abstain, absent, position, file, row from stage_party_positions
        union all
        select vote_id, party, yes, no, abstain, absent, position, 'stored rows of batch ' || batch_id, null
        from party_positions p
        where vote_id in (select vote_id from check_votes)
          and not exists (select 1 from stage_party_positions s where s.vote_id = p.vote_id and s.party = p.party)
        """)


def member_votes_match_tally(cursor: duckdb.DuckDBPyConnection, problems: list[Problem]) -> None:
    """A vote's member votes count what its stated tally says."""
    member_counts = cursor.execute(
        """
        select m.vote_id, m.file, m.row, m.yes, m.no, m.abstain, m.absent, v.yes, v.no, v.abstain, v.absent
        from check_member_totals m join check_votes v using (vote_id)
        where v.yes <> m.yes or v.no <> m.no or v.abstain <> m.abstain or v.absent <> m.absent
        order by 3 limit 20
        """).fetchall()
    for vote_id, file_name, row, *counts in member_counts:
        counted, stated = counts[:4], counts[4:]
        diffs = [f"{c} {n} (stated {s})" for c, n, s in zip(F.COUNTS, counted, stated, strict=True)
                 if s is not None and s != n]
        problems.append(Problem(file_name, f"The member votes of vote '{vote_id}' count {', '.join(diffs)}: they "
                                "disagree with the vote's stated tally.", "Correct the member rows or the tally, or "
                                "leave the tally empty so it is counted from the member votes.", row=row))


def party_counts_within_tally(cursor: duckdb.DuckDBPyConnection, problems: list[Problem]) -> None:
    """A vote's party counts add up to no more than its stated tally."""
    party_sums = cursor.execute(
        """
        select p.vote_id, any_value(p.file), min(p.row), sum(p.yes), sum(p.no), sum(p.abstain), sum(p.absent),
               any_value(v.yes), any_value(v.no), any_value(v.abstain), any_value(v.absent),
               list(p.party order by p.party), list(p.yes order by p.party), list(p.no order by p.party),
               list(p.abstain order by p.party), list(p.absent order by p.party)
        from check_parties p join check_votes v using (vote_id)
        group by p.vote_id
        having sum(p.yes) > any_value(v.yes) or sum(p.no) > any_value(v.no)
            or sum(p.abstain) > any_value(v.abstain) or sum(p.absent) > any_value(v.absent)
        order by 3 limit 20
        """).fetchall()
    for vote_id, file_name, row, *counts in party_sums:
        summed, stated, party_names, by_party = counts[:4], counts[4:8], counts[8], counts[9:]
        diffs, sums = [], []
        for i, (c, n, s) in enumerate(zip(F.COUNTS, summed, stated, strict=True)):
            if n is None or s is None or n <= s:
                continue
            diffs.append(f"{c} {n} (vote says {s})")
            terms = [f"{party} {k}" for party, k in zip(party_names, by_party[i], strict=True) if k]
            sums.append(f"{c}: {' + '.join(terms)} = {n}")
        problems.append(Problem(file_name, f"The party counts of vote '{vote_id}' add up to more "
                                f"than the vote's stated tally: {', '.join(diffs)}. Summed by party: "
                                f"{'; '.join(sums)}.",
                                "Correct the party counts or the vote's tally.", row=row))


def party_counts_match_members(cursor: duckdb.DuckDBPyConnection, problems: list[Problem]) -> None:
    """A party's stated counts on a vote agree with its members' votes."""
    party_vs_members = cursor.execute(
        """
        select p.vote_id, p.party, p.file, p.row from check_parties p
        join check_member_counts m on p.vote_id = m.vote_id and p.party = m.party
        where (p.yes is not null and p.yes <> m.yes) or (p.no is not null and p.no <> m.no)
           or (p.abstain is not null and p.abstain <> m.abstain) or (p.absent is not null and p.absent <> m.absent)
        order by p.row limit 20
        """).fetchall()
    for vote_id, party, file_name, row in party_vs_members:
        problems.append(Problem(file_name, f"The stated counts of party '{party}' on vote "
                                f"'{vote_id}' disagree with its members' votes.",
                                "Correct the party counts or leave them empty.", row=row))


def stated_position_matches_counts(cursor: duckdb.DuckDBPyConnection, problems: list[Problem]) -> None:
    """A party's stated position is the one its counts give (most common of yes/no/abstain, a tie is split)."""
    counted = party_position_sql("coalesce(yes, 0)", "coalesce(no, 0)", "coalesce(abstain, 0)")
    stated_vs_counts = cursor.execute(
        f"""
        select vote_id, party, position, yes, no, abstain, file, row from stage_party_positions
        where position is not null and coalesce(yes, 0) + coalesce(no, 0) + coalesce(abstain, 0) > 0
          and position <> {counted}
        order by row limit 20
        """).fetchall()
    for vote_id, party, position, yes, no, abstain, file_name, row in stated_vs_counts:
        problems.append(Problem(file_name, f"Party '{party}' on vote '{vote_id}' is stated as '{position}' but its "
                                f"counts are yes {yes}, no {no}, abstain {abstain}.",
                                "Correct the position or the counts (a tie for first is 'split').", row=row,
                                column="position"))


def votes_within_seats(cursor: duckdb.DuckDBPyConnection, problems: list[Problem]) -> None:
    """A vote has no more votes or members than its assembly (or the vote itself) has seats."""
    over_seats = cursor.execute(
        """
        with seats as (
            select v.vote_id, v.file, v.row, v.assembly, v.seats is not null as own_seats,
                   coalesce(v.seats, sa.seats, a.seats) as seats,
                   coalesce(v.yes, m.yes, 0) as yes, coalesce(v.no, m.no, 0) as no,
                   coalesce(v.abstain, m.abstain, 0) as abstain, coalesce(v.absent, m.absent, 0) as absent,
                   coalesce(m.members, 0) as members
            from check_votes v
            left join stage_assemblies sa on sa.assembly = v.assembly
            left join assemblies a on a.assembly = v.assembly
            left join check_member_totals m using (vote_id))
        select vote_id, file, row, seats, assembly, own_seats, yes, no, abstain, absent, members from seats
        where seats is not null and greatest(yes + no + abstain + absent, members) > seats order by row limit 20
        """).fetchall()
    for vote_id, file_name, row, seats, assembly, own_seats, *counts in over_seats:
        *tally, members = counts
        if sum(tally) >= members:
            how = " + ".join(f"{c} {n}" for c, n in zip(F.COUNTS, tally, strict=True) if n) + f" = {sum(tally)}"
        else:
            how = f"{members} members on the member rows"
        chamber = "the vote's own seats column" if own_seats else f"assembly '{assembly}'"
        problems.append(Problem(file_name, f"Vote '{vote_id}' has {max(sum(tally), members)} votes or members but "
                                f"the chamber has {seats} seats. Counted: {how}; seats from {chamber}.",
                                "Correct the counts, or the vote's or assembly's seats (or the vote's assembly).",
                                row=row))


# Rules in the order they run: details before they are merged into vote rows, the upload on its own, the tallies
# once the upload is compared with the store (the tally rules read the check tables).
VOTE_DETAIL_RULES: tuple[Rule, ...] = (vote_details_agree_within_upload, vote_details_agree_with_tallies)
UPLOAD_RULES: tuple[Rule, ...] = (one_row_per_key, votes_exist, new_votes_have_date_and_title)
TALLY_RULES: tuple[Rule, ...] = (member_votes_match_tally, party_counts_within_tally, party_counts_match_members,
                                 stated_position_matches_counts, votes_within_seats)


def apply(rules: Sequence[Rule], cursor: duckdb.DuckDBPyConnection, problems: list[Problem]) -> None:
    """Run each rule on the staged upload, adding what it finds to `problems`."""
    for rule in rules:
        rule(cursor, problems)
