"""Majority arithmetic: yes votes needed, whether a motion passes, and how many changed votes would reverse it.

Two forms of the same arithmetic: plain Python for one vote (vote_threshold, votes_to_flip: the readable definition)
and SQL expressions (threshold_sql, flips_sql) that outcomes and pivotal parties run over every vote, tested to agree
on every small chamber. An unknown count stays unknown (None, NULL), never 0. The rules themselves (MajorityRule,
parse_majority_rule) are the vocabulary in tracker.model.
"""

from __future__ import annotations

from fractions import Fraction

from tracker.model import MajorityRule, official_passed, parse_majority_rule
from tracker.store import Store


def _rule(rule: str | MajorityRule | None) -> MajorityRule | None:
    return rule if isinstance(rule, MajorityRule) else parse_majority_rule(rule)


def _fraction_and_base(rule: MajorityRule) -> tuple[Fraction, str] | None:
    """The fraction a rule's yes votes must reach and its base; None for simple and absolute."""
    if rule.name == "two_thirds_cast":
        return Fraction(2, 3), "cast"
    if rule.name == "two_thirds_seats":
        return Fraction(2, 3), "seats"
    if rule.fraction is not None and rule.base is not None:
        return rule.fraction, rule.base
    return None


def _known(*counts: int | None) -> bool:
    return all(count is not None for count in counts)


def vote_threshold(rule: str | MajorityRule | None, yes: int | None, no: int | None, abstain: int | None,
                   seats: int | None) -> int | None:
    """Yes votes needed to pass; None when the rule is not understood or needs a count that is unknown."""
    parsed = _rule(rule)
    if parsed is None:
        return None
    if parsed.name == "simple":
        return no + 1 if _known(no) else None
    if parsed.name == "absolute":
        return seats // 2 + 1 if _known(seats) else None
    fraction, base = _fraction_and_base(parsed)
    total = {"cast": (yes, no), "present": (yes, no, abstain), "seats": (seats,)}[base]
    if not _known(*total):
        return None
    # Exact integer ceiling of fraction × total; a motion needs at least one yes vote.
    needed = (fraction.numerator * sum(total) + fraction.denominator - 1) // fraction.denominator
    return max(needed, 1)


def vote_passed(rule: str | MajorityRule | None, yes: int | None, no: int | None, abstain: int | None,
                seats: int | None) -> bool | None:
    """Whether the motion passes under the rule; None when unknown."""
    needed = vote_threshold(rule, yes, no, abstain, seats)
    return None if needed is None or yes is None else yes >= needed


def votes_to_flip(rule: str | MajorityRule | None, yes: int | None, no: int | None, abstain: int | None,
                  seats: int | None, absent: int | None = None) -> int | None:
    """Fewest members whose change of vote reverses the result; None when the result is unknown."""
    parsed = _rule(rule)
    needed = None if parsed is None else vote_threshold(parsed, yes, no, abstain, seats)
    if needed is None or yes is None:
        return None
    won = yes >= needed
    fraction_base = _fraction_and_base(parsed)
    if parsed.name == "simple":
        # A yes voter switching to no moves yes − no by 2: the best single change.
        result = (yes - no + 1) // 2 if won else (no - yes + 2) // 2
        nobody_voted = yes == 0 and no == 0
    elif parsed.name == "absolute" or fraction_base[1] == "seats":
        # The threshold depends on seats only: each change moves the yes count by one.
        result = yes - needed + 1 if won else needed - yes
        nobody_voted = False
    else:
        fraction, base = fraction_base
        against = no if base == "cast" else no + abstain
        # g·den = (den − num)·yes − num·against; a yes→no (or no→yes) switch moves g by exactly 1.
        gap = (fraction.denominator - fraction.numerator) * yes - fraction.numerator * against
        result = gap // fraction.denominator + 1 if won else (-gap + fraction.denominator - 1) // fraction.denominator
        nobody_voted = yes == 0 and against == 0
    if nobody_voted and not won:
        # Nobody voted yes or against: one member who is present or absent must come and vote yes.
        idle = seats - yes - no if _known(seats, no) else (abstain + absent if _known(abstain, absent) else None)
        return 1 if idle is not None and idle >= 1 else None
    return result


# --- the same in SQL ----------------------------------------------------------------------------------------------

# The majority rules and official results stored, each read once in Python (parse_majority_rule, official_passed)
# and bound as parameters: a CTE `rules` (rule_text, rule_kind, numerator, denominator, base) to join on
# coalesce(majority, ''), and a CTE `official` (result_text, passed) to join on the result.
RULES_AND_RESULTS = """
, rules as (
    select unnest($rule_texts::varchar[]) as rule_text, unnest($rule_kinds::varchar[]) as rule_kind,
           unnest($rule_numerators::bigint[]) as numerator, unnest($rule_denominators::bigint[]) as denominator,
           unnest($rule_bases::varchar[]) as base)
, official as (
    select unnest($result_texts::varchar[]) as result_text, unnest($result_passed::boolean[]) as passed)"""


def rule_values(db: Store) -> dict[str, list]:
    """The bound values of RULES_AND_RESULTS: every stored majority rule and official result, as Python reads them."""
    cursor = db.cursor()
    try:
        texts = [r[0] for r in cursor.execute("select distinct coalesce(majority, '') from votes").fetchall()]
        results = [r[0] for r in cursor.execute("select distinct result from votes where result is not null")
                   .fetchall()]
    finally:
        cursor.close()
    rules = [(text, _rule(text or None)) for text in texts]
    kinds, fractions = [], []
    for _, rule in rules:
        fraction_base = None if rule is None else _fraction_and_base(rule)
        kinds.append(None if rule is None else "fraction" if fraction_base else rule.name)
        fractions.append(fraction_base or (None, None))
    return {"rule_texts": texts, "rule_kinds": kinds,
            "rule_numerators": [f.numerator if f is not None else None for f, _ in fractions],
            "rule_denominators": [f.denominator if f is not None else None for f, _ in fractions],
            "rule_bases": [base for _, base in fractions],
            "result_texts": results, "result_passed": [official_passed(text) for text in results]}


# DuckDB's // truncates towards zero where Python's floors; every quotient below that is kept is of a number that is
# not negative (the other branch of each case is discarded), so the two agree.
def threshold_sql(yes: str, no: str, abstain: str, seats: str) -> str:
    """vote_threshold as a SQL expression over count expressions and the columns of `rules`."""
    total = f"case base when 'cast' then {yes} + {no} when 'present' then {yes} + {no} + {abstain} else {seats} end"
    needed = f"(numerator * ({total}) + denominator - 1) // denominator"
    return (f"case rule_kind when 'simple' then {no} + 1 when 'absolute' then {seats} // 2 + 1"
            f" when 'fraction' then case when {needed} < 1 then 1 else {needed} end end")


def flips_sql(yes: str, no: str, abstain: str, absent: str, seats: str, threshold: str) -> str:
    """votes_to_flip as a SQL expression over count expressions, the threshold and the columns of `rules`."""
    by_seats = "(rule_kind = 'absolute' or base = 'seats')"
    against = f"(case base when 'present' then {no} + {abstain} else {no} end)"
    gap = f"((denominator - numerator) * {yes} - numerator * {against})"
    keep = (f"case when rule_kind = 'simple' then ({yes} - {no} + 1) // 2 when {by_seats} then {yes} - {threshold} + 1"
            f" else {gap} // denominator + 1 end")
    reverse = (f"case when rule_kind = 'simple' then ({no} - {yes} + 2) // 2 when {by_seats} then {threshold} - {yes}"
               f" else (-{gap} + denominator - 1) // denominator end")
    nobody_voted = (f"case when rule_kind = 'simple' then {yes} = 0 and {no} = 0 when {by_seats} then false"
                    f" else {yes} = 0 and {against} = 0 end")
    idle = f"coalesce({seats} - {yes} - {no}, {abstain} + {absent})"
    return (f"case when ({yes} >= {threshold}) is null then null"
            f" when {yes} < {threshold} and coalesce({nobody_voted}, false) then case when {idle} >= 1 then 1 end"
            f" when {yes} >= {threshold} then {keep} else {reverse} end")
