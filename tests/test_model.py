"""The vocabulary: position labels, party positions, majority rules, official results, header aliases."""

from __future__ import annotations

from fractions import Fraction

import pytest

from tracker.model import (
    MajorityRule,
    PartyPosition,
    Position,
    canonical_column,
    fold,
    official_passed,
    parse_majority_rule,
    party_position_from_label,
    position_from_label,
)


def test_fold_ignores_case_accents_and_separators():
    assert fold("  Abstención ") == "abstencion"
    assert fold("NICHT_abgegeben") == "nicht abgegeben"
    assert fold("did-not   vote") == "did not vote"
    assert fold("Straße") == "strasse"


@pytest.mark.parametrize(("label", "position"), [
    ("yes", Position.YES), ("Yea", Position.YES), ("AYE", Position.YES), ("for", Position.YES),
    ("a favor", Position.YES), ("Sí", Position.YES), ("si", Position.YES), ("ja", Position.YES),
    ("pour", Position.YES), ("sim", Position.YES),
    ("no", Position.NO), ("nay", Position.NO), ("against", Position.NO), ("En Contra", Position.NO),
    ("nein", Position.NO), ("contre", Position.NO), ("não", Position.NO), ("nao", Position.NO),
    ("abstain", Position.ABSTAIN), ("abstention", Position.ABSTAIN), ("abstención", Position.ABSTAIN),
    ("Enthaltung", Position.ABSTAIN), ("voto salvado", Position.ABSTAIN), ("Voto_Salvado", Position.ABSTAIN),
    ("absent", Position.ABSENT), ("not voting", Position.ABSENT), ("did not vote", Position.ABSENT),
    ("ausente", Position.ABSENT), ("nichtabgegeben", Position.ABSENT), ("nicht abgegeben", Position.ABSENT),
    ("not a member", Position.NOT_MEMBER), ("no es miembro", Position.NOT_MEMBER),
])
def test_position_labels_in_several_languages(label, position):
    assert position_from_label(label) is position


@pytest.mark.parametrize("label", ["maybe", "", "split", "yes please", "FOR_AGAINST"])
def test_unknown_position_labels_are_none(label):
    assert position_from_label(label) is None


def test_not_a_member_is_kept_apart_from_absent():
    assert position_from_label("not a member") is not position_from_label("absent")
    assert Position.NOT_MEMBER.value == "not_member"


@pytest.mark.parametrize(("label", "position"), [
    ("for", PartyPosition.YES), ("en contra", PartyPosition.NO), ("voto salvado", PartyPosition.ABSTAIN),
    ("split", PartyPosition.SPLIT), ("dividido", PartyPosition.SPLIT), ("free vote", PartyPosition.SPLIT),
    ("absent", None), ("not a member", None), ("whatever", None),
])
def test_party_position_labels(label, position):
    assert party_position_from_label(label) is position


@pytest.mark.parametrize(("text", "name", "fraction", "base"), [
    (None, "simple", None, None), ("", "simple", None, None), ("Simple", "simple", None, None),
    ("mayoría absoluta", "absolute", None, None), ("absolute", "absolute", None, None),
    ("two_thirds_cast", "two_thirds_cast", None, None), ("2/3 cast", "two_thirds_cast", None, None),
    ("two thirds seats", "two_thirds_seats", None, None), ("dos tercios", "two_thirds_seats", None, None),
    ("3/5_present", "3/5_present", Fraction(3, 5), "present"), ("3/5 of seats", "3/5_seats", Fraction(3, 5), "seats"),
    ("4/6", "2/3_cast", Fraction(2, 3), "cast"), ("0.6 present", "3/5_present", Fraction(3, 5), "present"),
    ("1/1_seats", "1/1_seats", Fraction(1), "seats"),
])
def test_majority_rules_are_read(text, name, fraction, base):
    assert parse_majority_rule(text) == MajorityRule(name, fraction, base)


@pytest.mark.parametrize("text", ["most", "5/3", "3/0", "0/5", "1.5", "3/5_everyone", "two fifths"])
def test_majority_rules_not_understood_are_none(text):
    assert parse_majority_rule(text) is None


@pytest.mark.parametrize(("result", "passed"), [
    ("approved", True), ("Aprobado", True), ("approved (unanimous)", True), ("elected", True),
    ("angenommen", True), ("adopted", True),
    ("rejected", False), ("Rechazado", False), ("abgelehnt", False), ("not adopted", False), ("not passed", False),
    ("not approved", False), ("No aprobado", False), ("no fue aprobada", False), ("nicht angenommen", False),
    ("approved (decree disapproved)", True),  # the sample's wording: the motion to disapprove passed
    (None, None), ("", None), ("postponed", None),
])
def test_official_result_text(result, passed):
    assert official_passed(result) is passed


@pytest.mark.parametrize(("header", "column"), [
    ("votacion", "vote_id"), ("Votación", "vote_id"), ("fecha", "date"), ("título", "title"),
    ("a_favor", "yes"), ("A favor", "yes"), ("en_contra", "no"), ("abstenciones", "abstain"), ("ausentes", "absent"),
    ("partido", "party"), ("diputado", "member_name"), ("voto", "position"),
    ("Abstimmung", "vote_id"), ("Datum", "date"), ("Fraktion", "party"), ("Enthaltungen", "abstain"),
    ("\ufeffvote_id", "vote_id"), ("VOTE ID", "vote_id"), ("Something Else", "something_else"),
])
def test_header_aliases(header, column):
    assert canonical_column(header) == column
