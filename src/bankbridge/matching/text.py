"""Reading a line's texts: words, invoice numbers in a range, a BSN after ``nr.``,
payment references written in the description, and commission figures.

Pure string functions; no look-ups in the books here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from bankbridge.identifiers import references
from bankbridge.statements.model import StatementLine

_SPLIT = re.compile(r"[\s,;()\[\]{}\"'+<>|&\\]+")
"""Between words: blanks and punctuation that never stands inside an invoice number
(``20260012&20260013``, ``20260012\\20260013`` are two)."""
_LABEL = re.compile(r"[:=#*]+")
"""Inside a word: a label and its value (``INV:2026/0012``, ``factuurnr=F12``, ``INV#12``,
``FAKNR*531327``)."""
_STRIP = ".-_:=/#*"
"""Stripped from both ends of a word (``#12345`` is ``12345``)."""
_TEXT_AFTER = re.compile(r"(\d{3}(?:[\d/.-]*\d)?)[^\W\d_]{3,}")
"""A number (3 digits or more) with a word glued to it, as typed or joined at a line
break: ``231732INCASSO``, ``201303-128cursus`` (the number is a word too; not the cents
of ``17.233,54Van``)."""
_LABEL_INITIALS = frozenset("fFiIrRnN")
"""The first letters of the invoice labels below: other words are not tried."""
_LABEL_BEFORE = re.compile(
    r"(?:factuur|faktuur|facture|factura|fact|fakt|invoice|inv|rechnung|rg|nota|nr)(?:nummer|nr|no)?[-#]?(\d[\w/.-]*)",
    re.IGNORECASE,
)
"""An invoice label glued to a number: ``factuur20260012``, ``INV-2026-001``,
``RG-2020-00124953``, ``nr20260013`` (the number is a word too; other letters before a number, as in
``CR20260001`` or ``F2026-0012``, are part of the number)."""
_PARTS = re.compile(r"[/.]+")
"""Inside a value: ``/`` and ``.`` join numbers (``2026/0012``) or an abbreviation to a
number (``fact.20260012``): the whole and each part are words."""
_NR = re.compile(r"\bnr\.\s*(\d{1,9})", re.IGNORECASE)
"""R-D2 as the seed words it: after the word ``nr.``, up to 9 digits until another character."""
_KENMERK = re.compile(r"BETALINGSKENM(?:ERK)?\.?:?\s*(\d{7,16})(?!\d)", re.IGNORECASE)
_SIXTEEN = re.compile(r"(?<!\d)(\d{16})(?!\d)")
_RF = re.compile(r"\bRF\d{2}[0-9A-Z]{1,21}\b")
_RF_TYPED = re.compile(r"\b(?!RF)[Rr][Ff]\d{2}[0-9A-Za-z]{1,21}\b")
"""An RF reference typed in lower or mixed case (``rf18539007547034``): only when valid."""
_OGM = re.compile(r"(?:\+\+\+|\*\*\*)\s?(\d{3})\s?/\s?(\d{4})\s?/\s?(\d{5})\s?(?:\+\+\+|\*\*\*)")
"""A Belgian structured communication, also typed with a blank inside (``+++ 010/8068/17183 +++``)."""
_BARE_OGM = re.compile(r"(?<![\d/+*])(\d{3})/(\d{4})/(\d{5})(?![\d/+*])")
"""The same without its ``+++`` (as CODA prints it): only with valid check digits."""
_GROUPED_NL = re.compile(r"(?<![\d.-])\d{4}(?:[ .-]\d{4}){3}(?![\d])")
"""A 16-digit Dutch reference as printed on an acceptgiro: four groups of four."""
_GROUPED_RF = re.compile(r"\bRF\d{2}(?: [0-9A-Z]{1,4})+", re.IGNORECASE)
"""An ISO 11649 reference as printed: ``RF18 5390 0754 7034``."""
_NUMBER = r"(\d{1,3}(?:[.,]\d{3})*[.,]\d{2}|\d+[.,]\d{2})(?![.,]?\d)(?!\s?%)"
"""An amount with two decimals; not a date (``01.02.2026``), not three decimals, not a rate
(``2,50%``)."""
_CURRENCY = r"\.?\s*:?\s*(?:(?:EUR|€)\s*)?"
_COMMISSION_WORD = (
    r"\b(?:COMMISSIE|COMMISSION|COMM|PROVISIE|FEES?|TRANSACTIEKOSTEN|KOSTEN|CHARGES|DISAGIO)"
    r"(?:BEDRAG|\s+AMOUNT)?\b"
)
_COMMISSION = re.compile(_COMMISSION_WORD + _CURRENCY + r"-?\s*" + _NUMBER, re.IGNORECASE)
_COMMISSION_UNREAD = re.compile(_COMMISSION_WORD + _CURRENCY + r"-?\s*\d", re.IGNORECASE)
"""A commission label followed by a figure (a rate, a number without two decimals)."""
_GROSS = re.compile(r"\b(?:BRUTO|GROSS)(?:BEDRAG|\s+AMOUNT)?\b" + _CURRENCY + _NUMBER, re.IGNORECASE)
_NET = re.compile(r"\b(?:NETTO|NET)(?:BEDRAG|\s+AMOUNT)?\b" + _CURRENCY + _NUMBER, re.IGNORECASE)


def squash(text: str) -> str:
    """Collapse runs of blanks to one space and strip."""
    return " ".join(text.split())


def line_text(line: StatementLine) -> str:
    """Everything a search value may occur in: description, name and detail lines."""
    parts = (line.description, line.counterparty_name, *line.detail_lines)
    return squash(" ".join(p for p in parts if p))


def contains(haystack: str, needle: str) -> bool:
    """Case-insensitive containment with blanks collapsed (search values, R-C5/R-D6/R-D7)."""
    return squash(needle).casefold() in squash(haystack).casefold()


@lru_cache(maxsize=16)  # the steps of one line ask for the words of its description in turn
def words(text: str | None) -> tuple[str, ...]:
    """The distinct words of ``text``, in order: split on blanks and punctuation; a word
    holding ``:``/``=``/``#``/``*`` also gives the parts around them, and one holding ``/``
    or ``.`` the whole and each part, so that ``INV:2026/0012`` names ``2026/0012`` (an
    invoice number with a slash) as well as ``2026`` and ``0012``, and ``fact.20260012``
    names ``20260012``. A number glued to a word after it (``231732INCASSO``) or to an
    invoice label before it (``factuur20260012``, ``INV-2026-001``) is a word too, and so
    are long numbers joined by a hyphen (``20260012-20260013``)."""
    seen: dict[str, None] = {}
    for raw in _SPLIT.split(text or ""):
        word = raw.strip(_STRIP)
        if not word:
            continue
        seen.setdefault(word, None)
        if ":" in word or "=" in word or "#" in word or "*" in word:
            pieces = [p.strip(_STRIP) for p in _LABEL.split(word)]
        elif "/" in word or "." in word:
            pieces = [word]
        else:
            pieces = []
        for piece in pieces:
            if piece:
                _piece(piece, seen)
        if not pieces and "-" in word:
            _numbers_joined(word, seen)
    return _unglued(seen)


def _piece(piece: str, seen: dict[str, None]) -> None:
    """A value of a word (after a label, or the word with ``/`` or ``.``), its parts, and
    the numbers joined by hyphens in both."""
    seen.setdefault(piece, None)
    if "/" in piece or "." in piece:
        for split in _PARTS.split(piece):
            part = split.strip("-_")
            if part:
                seen.setdefault(part, None)
                if "-" in part:
                    _numbers_joined(part, seen)
    if "-" in piece:
        _numbers_joined(piece, seen)


def _numbers_joined(word: str, seen: dict[str, None]) -> None:
    """Numbers of five characters or more joined by hyphens (``20260012-20260013``, two
    invoices paid at once) are words each; shorter parts are kept together: they are one
    number (``INV-2026-001``, ``2026-0012``) or a date (``01-02-2026``)."""
    parts = word.split("-")
    if all(len(p) >= 5 and any(c.isdigit() for c in p) and p.replace("/", "").isalnum() for p in parts):
        for part in parts:
            seen.setdefault(part, None)


def _unglued(seen: dict[str, None]) -> tuple[str, ...]:
    """``seen`` plus the numbers glued to a word after them (``231732INCASSO``) or to an
    invoice label before them (``factuur20260012``); most words are passed by their first
    and last character."""
    extra: list[str] = []
    for word in seen:
        head = word[0]
        if head.isdigit():
            if not word[-1].isalpha():
                continue
            glued = _TEXT_AFTER.fullmatch(word)
        elif head in _LABEL_INITIALS and not word.isalpha():
            glued = _LABEL_BEFORE.fullmatch(word)
            if glued is not None and glued.group(1)[-1].isalpha():
                extra.append(glued.group(1))  # factuur231732INCASSO: also 231732
                glued = _TEXT_AFTER.fullmatch(glued.group(1))
        else:
            continue
        if glued is not None:
            extra.append(glued.group(1))
    if not extra:
        return tuple(seen)
    return tuple(dict.fromkeys((*seen, *extra)))


def in_range(word: str, low: str, high: str) -> bool:
    """R-C4: plain string comparison, as written or upper-cased (``INK1`` … ``INKzzzz``)."""
    return low <= word <= high or low <= word.upper() <= high


def invoice_words(text: str | None, low: str | None, high: str | None) -> tuple[str, ...]:
    """Words of ``text`` within the invoice number range; none when no range is set."""
    if not low or not high:
        return ()
    return tuple(w for w in words(text) if in_range(w, low, high))


def bsn_after_nr(text: str | None) -> str | None:
    """R-D2: up to 9 digits after the word ``nr.``, zero-padded to 9; ``None`` if absent.
    Exactly the seed's rule: a printed ``nr. 1234.56.789`` gives ``1234`` (the digits stop
    at the dot), and a BSN without ``nr.`` before it is not looked for."""
    match = _NR.search(text or "")
    return match.group(1).zfill(9) if match else None


def references_in_text(text: str | None) -> tuple[str, ...]:
    """Payment references written in free text: ``BETALINGSKENM.``, 16 digits, RF, OGM
    (also ``+++ 010/8068/17183 +++``); then the printed forms in groups (``5000 0000 2026
    0001``, ``RF18 5390 0754 7034``), an RF typed in lower case (``rf18…``) and an OGM
    without its ``+++`` (``010/8068/17183``), only when their check digits hold (a group
    of digits is no sure reference; an RF's last group may be followed by a word)."""
    if not text:
        return ()
    # Patterns that need a word or a character the text does not hold are not run: most
    # descriptions hold no "betalingskenm", no "rf" and no "/" (every line is read).
    lowered = text.lower()
    rf = "rf" in lowered
    patterns = (_KENMERK, _SIXTEEN, _RF) if "betalingskenm" in lowered else (_SIXTEEN, _RF)
    found: dict[str, None] = {}
    for pattern in patterns if rf else patterns[:-1]:
        for match in pattern.finditer(text):
            found.setdefault(match.group(match.lastindex or 0), None)
    for match in _RF_TYPED.finditer(text) if rf else ():
        typed = match.group(0).upper()
        if references.is_valid(typed):
            found.setdefault(typed, None)
    slashed = "/" in text
    if slashed:
        for match in _OGM.finditer(text):
            found.setdefault("+++{}/{}/{}+++".format(*match.groups()), None)
    for compact in _printed_references(text, slashed, rf):
        found.setdefault(compact, None)
    return tuple(found)


def _printed_references(text: str, slashed: bool, rf: bool = True) -> list[str]:
    """The printed forms with valid check digits: groups of four digits, an RF in groups
    (the longest valid form, preferring one that ends in a digit), an OGM without its
    ``+++``. ``rf``: the text holds an "rf" in some case (else no RF is looked for)."""
    valid: list[str] = []
    for match in _GROUPED_NL.finditer(text):
        compact = re.sub(r"[ .-]", "", match.group(0))
        if references.is_valid(compact):
            valid.append(compact)
    for match in _GROUPED_RF.finditer(text) if rf else ():
        groups = match.group(0).upper().split(" ")
        forms = [groups[:end] for end in range(len(groups), 1, -1) if references.is_valid("".join(groups[:end]))]
        # A word after the reference can, once in 97 times, still give valid check digits
        # (``RF18 5390 0754 7034 DANK U``): a valid form ending in a group with a digit wins
        # over a longer one ending in letters only.
        ending = next((f for f in forms if any(c.isdigit() for c in f[-1])), None)
        if forms:
            valid.append("".join(ending or forms[0]))
    if slashed:
        for match in _BARE_OGM.finditer(text):
            ogm = "+++{}/{}/{}+++".format(*match.groups())
            if references.is_valid(ogm):
                valid.append(ogm)
    return valid


def parse_amount(text: str) -> Decimal:
    """``1.234,56``, ``1,234.56`` or ``25,00`` → Decimal (the last separator is decimal)."""
    digits = re.sub(r"[.,]", "", text[:-3])
    return Decimal(f"{digits}.{text[-2:]}")


@dataclass(frozen=True, slots=True)
class CommissionFigures:
    """Gross, commission and net as written in a description (each may be missing);
    ``unread``: a commission label is followed by a figure that is no amount
    (``COMMISSIE 2,50%``, a rate): a commission is withheld, its amount not written."""

    gross: Decimal | None = None
    commission: Decimal | None = None
    net: Decimal | None = None
    unread: bool = False


def commission_figures(text: str | None) -> CommissionFigures:
    """Find gross / commission / net amounts in a card settlement's description."""

    def first(pattern: re.Pattern[str]) -> Decimal | None:
        match = pattern.search(text or "")
        return parse_amount(match.group(1)) if match else None

    commission = first(_COMMISSION)
    unread = commission is None and _COMMISSION_UNREAD.search(text or "") is not None
    return CommissionFigures(gross=first(_GROSS), commission=commission, net=first(_NET), unread=unread)
