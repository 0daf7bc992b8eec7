"""Majority arithmetic: yes votes needed, whether a motion passes, and how many changed votes would reverse it.

Vectorised pandas over nullable integers, so an unknown count stays unknown (NA) instead of becoming 0; the rules
themselves (MajorityRule, parse_majority_rule) are the vocabulary in tracker.model.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import numpy as np
import pandas as pd

from tracker.model import MajorityRule, parse_majority_rule


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


def _int(values: object) -> pd.Series:
    return pd.Series(values, dtype="Int64") if not isinstance(values, pd.Series) else values.astype("Int64")


def thresholds(rule: MajorityRule, yes: pd.Series, no: pd.Series, abstain: pd.Series,
               seats: pd.Series) -> pd.Series:
    """Yes votes needed to pass under the rule, per vote (NA when a count the rule needs is unknown)."""
    yes, no, abstain, seats = (_int(s) for s in (yes, no, abstain, seats))
    if rule.name == "simple":
        return no + 1
    if rule.name == "absolute":
        return seats // 2 + 1
    fraction, base = _fraction_and_base(rule)
    total = {"cast": yes + no, "present": yes + no + abstain, "seats": seats}[base]
    # Exact integer ceiling of fraction × total; a motion needs at least one yes vote.
    needed = (fraction.numerator * total + fraction.denominator - 1) // fraction.denominator
    return needed.where(needed.isna() | (needed >= 1), 1)


def flips(rule: MajorityRule, yes: pd.Series, no: pd.Series, abstain: pd.Series, absent: pd.Series,
          seats: pd.Series) -> pd.Series:
    """Fewest members whose change of vote reverses the computed result, per vote (NA when unknown)."""
    yes, no, abstain, absent, seats = (_int(s) for s in (yes, no, abstain, absent, seats))
    passed = yes >= thresholds(rule, yes, no, abstain, seats)
    # Members who cast neither yes nor no and could still vote: from seats when known, else stated counts.
    idle = (seats - yes - no).fillna(abstain + absent)
    won = passed.fillna(False).to_numpy(dtype=bool)
    fraction_base = _fraction_and_base(rule)
    if rule.name == "simple":
        # A yes voter switching to no moves yes − no by 2: the best single change.
        keep, reverse = (yes - no + 1) // 2, (no - yes + 2) // 2
        nobody_voted = (yes == 0) & (no == 0)
    elif rule.name == "absolute" or (fraction_base and fraction_base[1] == "seats"):
        # The threshold depends on seats only: each change moves the yes count by one.
        needed = thresholds(rule, yes, no, abstain, seats)
        keep, reverse = yes - needed + 1, needed - yes
        nobody_voted = pd.Series(False, index=yes.index)
    else:
        fraction, base = fraction_base
        against = no if base == "cast" else no + abstain
        # g·den = (den − num)·yes − num·against; a yes→no (or no→yes) switch moves g by exactly 1.
        gap = (fraction.denominator - fraction.numerator) * yes - fraction.numerator * against
        keep = gap // fraction.denominator + 1
        reverse = (-gap + fraction.denominator - 1) // fraction.denominator
        nobody_voted = (yes == 0) & (against == 0)
    result = keep.where(won, reverse)
    # Nobody voted yes or against: one member who is present or absent must come and vote yes.
    lone = nobody_voted.fillna(False).to_numpy(dtype=bool) & ~won
    result = result.where(~lone, pd.Series(np.where(idle.fillna(0) >= 1, 1, pd.NA), index=yes.index,
                                           dtype="Int64").where(idle.notna()))
    return result.where(passed.notna()).astype("Int64")


def _one(value: int | None) -> pd.Series:
    return pd.Series([value], dtype="Int64")


def vote_threshold(rule: str | MajorityRule | None, yes: int | None, no: int | None, abstain: int | None,
                   seats: int | None) -> int | None:
    """Yes votes needed to pass; None when the rule needs a count that is unknown."""
    parsed = _rule(rule)
    if parsed is None:
        return None
    value = thresholds(parsed, _one(yes), _one(no), _one(abstain), _one(seats)).iloc[0]
    return None if pd.isna(value) else int(value)


def vote_passed(rule: str | MajorityRule | None, yes: int | None, no: int | None, abstain: int | None,
                seats: int | None) -> bool | None:
    """Whether the motion passes under the rule; None when unknown."""
    needed = vote_threshold(rule, yes, no, abstain, seats)
    return None if needed is None or yes is None else yes >= needed


def votes_to_flip(rule: str | MajorityRule | None, yes: int | None, no: int | None, abstain: int | None,
                  seats: int | None, absent: int | None = None) -> int | None:
    """Fewest members whose change of vote reverses the result; None when the result is unknown."""
    parsed = _rule(rule)
    if parsed is None:
        return None
    value = flips(parsed, _one(yes), _one(no), _one(abstain), _one(absent), _one(seats)).iloc[0]
    return None if pd.isna(value) else int(value)


def apply_rules(frame: pd.DataFrame, rule_column: str, compute: Callable[[MajorityRule, pd.DataFrame], pd.DataFrame],
                types: dict[str, str]) -> pd.DataFrame:
    """Apply a vectorised rule computation to each group of rows sharing a majority rule (NA for unknown rules)."""
    parts = [pd.DataFrame({c: pd.Series(dtype=t) for c, t in types.items()})]
    for text, group in frame.groupby(rule_column, sort=False, dropna=False):
        rule = parse_majority_rule(None if pd.isna(text) else str(text))
        if rule is not None:
            parts.append(compute(rule, group).astype(types))
    return pd.concat(parts).reindex(frame.index).astype(types)
