"""The vocabulary: positions, majority rules, results and the names of columns in our native formats."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fractions import Fraction


class Position(StrEnum):
    """How a member (or a party, as a bloc) voted."""

    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"
    ABSENT = "absent"
    # Kept apart from absent: the seat was not theirs on that date, so it is not a missed vote.
    NOT_MEMBER = "not_member"


class PartyPosition(StrEnum):
    """A party's position on a vote: a position, or split when no single one leads."""

    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"
    SPLIT = "split"


PARTY_POSITIONS = tuple(p.value for p in PartyPosition)   # ("yes", "no", "abstain", "split")
CAST_POSITIONS = ("yes", "no", "abstain")                  # the positions that count as a vote cast
PERIODS = ("month", "quarter", "year")                     # the periods trends are grouped by


def party_position(yes: int | None, no: int | None, abstain: int | None) -> str | None:
    """A party's position: the most common of yes / no / abstain, a tie for most is split; None when nobody voted."""
    counts = {"yes": yes or 0, "no": no or 0, "abstain": abstain or 0}
    top = max(counts.values())
    if top == 0:
        return None
    leaders = [k for k, v in counts.items() if v == top]
    return leaders[0] if len(leaders) == 1 else PartyPosition.SPLIT.value


def party_position_sql(yes: str, no: str, abstain: str) -> str:
    """The tie rule of party_position as a SQL expression over three non-null count expressions."""
    # schema.sql stays plain DDL that can be read and run as it is, so its party_votes_live view holds this text as
    # generated here (over coalesce(yes, 0) ...); tests/metrics/test_tie_rule.py fails when the two differ.
    return (f"case when {yes} > greatest({no}, {abstain}) then 'yes' "
            f"when {no} > greatest({yes}, {abstain}) then 'no' "
            f"when {abstain} > greatest({yes}, {no}) then 'abstain' else 'split' end")


# The synthetic-data rule: an assembly whose name or note says "synthetic" holds generated, not real, votes.
SYNTHETIC_WORD = "synthetic"


def synthetic_assembly_sql(name: str = "name", note: str = "note") -> str:
    """A SQL condition true for an assembly whose name or note says it is synthetic (bind $synthetic_pattern)."""
    return f"(coalesce({name}, '') ilike $synthetic_pattern or coalesce({note}, '') ilike $synthetic_pattern)"


SYNTHETIC_PATTERN = f"%{SYNTHETIC_WORD}%"


def fold(text: str) -> str:
    """Lower-case, strip accents and collapse spaces, underscores and hyphens, for matching labels."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("ß", "ss")
    return re.sub(r"[\s_\-]+", " ", plain).strip()


_POSITION_WORDS: dict[Position, tuple[str, ...]] = {
    Position.YES: (
        "yes", "y", "yea", "yeah", "aye", "ayes", "for", "in favour", "in favor", "favour", "favor", "pro",
        "a favor", "si", "sí", "afirmativo", "ja", "pour", "sim", "oui", "approve", "support",
    ),
    Position.NO: (
        "no", "n", "nay", "nays", "noe", "noes", "against", "en contra", "contra", "nein", "contre", "nao", "não",
        "negativo", "reject", "oppose",
    ),
    Position.ABSTAIN: (
        "abstain", "abstained", "abstention", "abstentions", "abstencion", "abstención", "abstenciones",
        "enthaltung", "enthalten", "voto salvado", "votos salvados", "salvo su voto", "salvó su voto",
        "abstencao", "abstenção", "present", "presente",
    ),
    Position.ABSENT: (
        "absent", "absence", "not voting", "did not vote", "didn't vote", "dnv", "no vote",
        "ausente", "ausentes", "no voto", "no votó", "nichtabgegeben", "nicht abgegeben", "abwesend",
        "non votant", "ausencia", "nv", "excused", "entschuldigt",
    ),
    Position.NOT_MEMBER: ("not a member", "not member", "no es miembro", "kein mitglied"),
}

POSITION_LABELS: dict[str, Position] = {
    fold(word): position for position, words in _POSITION_WORDS.items() for word in words
}

PARTY_SPLIT_LABELS = {fold(w) for w in ("split", "divided", "dividido", "dividida", "free vote", "mixed", "gespalten")}


def position_from_label(label: str) -> Position | None:
    """The position a label stands for, or None when the label is not one we know."""
    return POSITION_LABELS.get(fold(label))


def party_position_from_label(label: str) -> PartyPosition | None:
    """The party position a label stands for (a member position or split); None when unknown or absent."""
    folded = fold(label)
    if folded in PARTY_SPLIT_LABELS:
        return PartyPosition.SPLIT
    position = POSITION_LABELS.get(folded)
    if position in (Position.YES, Position.NO, Position.ABSTAIN):
        return PartyPosition(position.value)
    return None


# --- majority rules ---------------------------------------------------------------------------------------------

MAJORITY_RULES = ("simple", "absolute", "two_thirds_cast", "two_thirds_seats")
_BASES = ("cast", "present", "seats")


@dataclass(frozen=True)
class MajorityRule:
    """A rule: yes must beat no (simple) or reach a fraction of a base (cast, present = cast + abstain, or seats)."""

    name: str
    fraction: Fraction | None = None
    base: str | None = None


_RULE_ALIASES = {
    "simple": "simple", "simple majority": "simple", "mayoria simple": "simple", "majority": "simple",
    "einfache mehrheit": "simple", "relative": "simple",
    "absolute": "absolute", "absolute majority": "absolute", "mayoria absoluta": "absolute",
    "absolute mehrheit": "absolute", "majority of members": "absolute",
    "two thirds cast": "two_thirds_cast", "2/3 cast": "two_thirds_cast",
    "two thirds seats": "two_thirds_seats", "2/3 seats": "two_thirds_seats", "2/3": "two_thirds_seats",
    "two thirds": "two_thirds_seats", "dos tercios": "two_thirds_seats",
}


def parse_majority_rule(text: str | None) -> MajorityRule | None:
    """Read a majority rule such as `simple`, `two_thirds_cast` or `3/5_present`; None when not understood."""
    from fractions import Fraction  # here, not at the top: a command that reads no rules need not load it

    if text is None or not str(text).strip():
        return MajorityRule("simple")
    folded = fold(str(text))
    named = _RULE_ALIASES.get(folded) or _RULE_ALIASES.get(folded.replace(" ", "_").replace("_", " "))
    if named:
        return MajorityRule(named)
    match = re.fullmatch(r"(\d+)\s*/\s*(\d+)\s*(?:of\s+)?(cast|present|seats)?", folded.replace(" ", " "))
    if match is None:
        match = re.fullmatch(r"(0?\.\d+)\s*(?:of\s+)?(cast|present|seats)?", folded)
        if match is None:
            return None
        fraction = Fraction(match.group(1)).limit_denominator(1000)
        base = match.group(2) or "cast"
    else:
        numerator, denominator = int(match.group(1)), int(match.group(2))
        if denominator == 0 or numerator > denominator:
            return None
        fraction = Fraction(numerator, denominator)
        base = match.group(3) or "cast"
    if not 0 < fraction <= 1:
        return None
    return MajorityRule(f"{fraction.numerator}/{fraction.denominator}_{base}", fraction, base)


# --- official results -------------------------------------------------------------------------------------------

_PASSED_WORDS = ("approved", "passed", "adopted", "elected", "carried", "agreed", "accepted", "aprobado", "aprobada",
                 "aprobo", "angenommen", "adopte", "sanctioned", "disapproved", "proclaimed", "chosen")
_FAILED_WORDS = ("rejected", "failed", "defeated", "lost", "not adopted", "not voted", "negatived", "rechazado",
                 "rechazada", "abgelehnt", "rejete", "not passed",
                 # Negated passing words, checked before the passing words they contain.
                 "not approved", "not carried", "not agreed", "not accepted", "not elected", "no aprobado",
                 "no aprobada", "no fue aprobado", "no fue aprobada", "nicht angenommen", "non adopte")


def official_passed(result: str | None) -> bool | None:
    """Whether an official result as given says the motion passed (True), failed (False) or is unclear (None)."""
    if result is None or not str(result).strip():
        return None
    folded = fold(str(result))
    # The words before any bracket decide: "approved (extension rejected)" is an approved motion.
    for text in (re.split(r"[(\[]", folded)[0], folded):
        if any(fold(w) in text for w in _FAILED_WORDS):
            return False
        if any(fold(w) in text for w in _PASSED_WORDS):
            return True
    return None


# --- native formats ---------------------------------------------------------------------------------------------

VOTE_COLUMNS = ("vote_id", "assembly", "date", "title", "stage", "matter", "yes", "no", "abstain", "absent",
                "majority", "seats", "result", "source_url", "note")
COUNT_COLUMNS = ("yes", "no", "abstain", "absent")

# Header aliases, folded; each maps to our column name. Spanish first, as our first users wrote them.
COLUMN_ALIASES: dict[str, str] = {
    **{fold(c): c for c in VOTE_COLUMNS},
    "votacion": "vote_id", "id votacion": "vote_id", "vote": "vote_id", "id": "vote_id", "vote id": "vote_id",
    "rollcall": "vote_id", "roll call": "vote_id", "division": "vote_id", "abstimmung": "vote_id",
    "fecha": "date", "datum": "date", "vote date": "date",
    "titulo": "title", "titel": "title", "descripcion": "title", "description": "title", "motion": "title",
    "asamblea": "assembly", "parliament": "assembly", "chamber": "assembly", "parlamento": "assembly",
    "etapa": "stage", "fase": "stage", "discusion": "stage", "reading": "stage",
    "asunto": "matter", "materia": "matter", "bill": "matter",
    "a favor": "yes", "si": "yes", "yea": "yes", "yeas": "yes", "ayes": "yes", "for": "yes", "ja": "yes",
    "en contra": "no", "nay": "no", "nays": "no", "noes": "no", "against": "no", "nein": "no",
    "abstenciones": "abstain", "abstencion": "abstain", "abstentions": "abstain", "abstention": "abstain",
    "votos salvados": "abstain", "enthaltungen": "abstain", "enthaltung": "abstain",
    "ausentes": "absent", "not voting": "absent", "absents": "absent", "nicht abgegeben": "absent",
    "mayoria": "majority", "majority rule": "majority", "rule": "majority", "quorum": "majority",
    "escanos": "seats", "seats": "seats", "curules": "seats", "sitze": "seats",
    "resultado": "result", "outcome": "result", "ergebnis": "result",
    "fuente": "source_url", "source": "source_url", "url": "source_url", "sources": "source_url",
    "quelle": "source_url",
    "nota": "note", "notes": "note", "comment": "note", "comentario": "note", "bemerkung": "note",
    "partido": "party", "party": "party", "fraccion": "party", "bancada": "party", "fraktion": "party",
    "group": "party", "grupo": "party", "political group": "party",
    "posicion": "position", "position": "position", "voto": "position", "vote cast": "position",
    "stimme": "position", "cast": "position",
    "diputado": "member_name", "diputada": "member_name", "member": "member_name", "member name": "member_name",
    "legislator": "member_name", "mp": "member_name", "abgeordneter": "member_name", "nombre diputado": "member_name",
    "member id": "member_id", "id diputado": "member_id", "mp id": "member_id", "legislator id": "member_id",
    "nombre": "name", "name": "name", "pais": "country", "country": "country", "land": "country",
    "bloque": "bloc", "bloc": "bloc", "coalition": "bloc", "coalicion": "bloc", "alliance": "bloc",
    "color": "colour", "colour": "colour", "farbe": "colour",
    "inicio": "start_date", "start date": "start_date", "start": "start_date",
    "fin": "end_date", "end date": "end_date", "end": "end_date",
}


def canonical_column(header: str) -> str:
    """Our name for a header cell (aliases in several languages), or the folded header when unknown."""
    folded = fold(header.lstrip("\ufeff"))
    return COLUMN_ALIASES.get(folded, folded.replace(" ", "_"))
