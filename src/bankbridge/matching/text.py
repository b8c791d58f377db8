"""Reading a line's texts: words, invoice numbers in a range, a BSN after ``nr.``,
payment references written in the description, and commission figures.

Pure string functions; no look-ups in the books here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from bankbridge.identifiers import references
from bankbridge.statements.model import StatementLine

_SPLIT = re.compile(r"[\s,;()\[\]{}\"'+<>|]+")
"""Between words: blanks and punctuation that never stands inside an invoice number."""
_LABEL = re.compile(r"[:=]+")
"""Inside a word: a label and its value (``INV:2026/0012``, ``factuurnr=F12``)."""
_PARTS = re.compile(r"[/.]+")
"""Inside a value: ``/`` and ``.`` join numbers (``2026/0012``) or an abbreviation to a
number (``fact.20260012``): the whole and each part are words."""
_NR = re.compile(r"\bnr\.\s*(\d{1,9})", re.IGNORECASE)
_KENMERK = re.compile(r"BETALINGSKENM(?:ERK)?\.?:?\s*(\d{7,16})(?!\d)", re.IGNORECASE)
_SIXTEEN = re.compile(r"(?<!\d)(\d{16})(?!\d)")
_RF = re.compile(r"\bRF\d{2}[0-9A-Z]{1,21}\b")
_OGM = re.compile(r"(?:\+\+\+|\*\*\*)\d{3}/\d{4}/\d{5}(?:\+\+\+|\*\*\*)")
_GROUPED_NL = re.compile(r"(?<![\d.-])\d{4}(?:[ .-]\d{4}){3}(?![\d])")
"""A 16-digit Dutch reference as printed on an acceptgiro: four groups of four."""
_GROUPED_RF = re.compile(r"\bRF\d{2}(?: [0-9A-Z]{1,4})+")
"""An ISO 11649 reference as printed: ``RF18 5390 0754 7034``."""
_NUMBER = r"(\d{1,3}(?:[.,]\d{3})*[.,]\d{2}|\d+[.,]\d{2})"
_COMMISSION = re.compile(r"\b(?:COMMISSIE|COMMISSION|COMM|PROVISIE|FEE)\b\.?\s*:?\s*(?:EUR\s*)?" + _NUMBER, re.I)
_GROSS = re.compile(r"\b(?:BRUTO|GROSS)\b\.?\s*:?\s*(?:EUR\s*)?" + _NUMBER, re.IGNORECASE)
_NET = re.compile(r"\b(?:NETTO|NET)\b\.?\s*:?\s*(?:EUR\s*)?" + _NUMBER, re.IGNORECASE)


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


def words(text: str | None) -> tuple[str, ...]:
    """The distinct words of ``text``, in order: split on blanks and punctuation; a word
    holding ``:``/``=`` also gives the parts around them, and one holding ``/`` or ``.``
    the whole and each part, so that ``INV:2026/0012`` names ``2026/0012`` (an invoice
    number with a slash) as well as ``2026`` and ``0012``, and ``fact.20260012`` names
    ``20260012``."""
    seen: dict[str, None] = {}
    for raw in _SPLIT.split(text or ""):
        word = raw.strip(".-_:=/")
        if not word:
            continue
        seen.setdefault(word, None)
        if ":" in word or "=" in word:
            pieces = [p.strip(".-_/") for p in _LABEL.split(word)]
        elif "/" in word or "." in word:
            pieces = [word]
        else:
            continue
        for piece in pieces:
            if not piece:
                continue
            seen.setdefault(piece, None)
            if "/" in piece or "." in piece:
                for split in _PARTS.split(piece):
                    part = split.strip("-_")
                    if part:
                        seen.setdefault(part, None)
    return tuple(seen)


def in_range(word: str, low: str, high: str) -> bool:
    """R-C4: plain string comparison, as written or upper-cased (``INK1`` … ``INKzzzz``)."""
    return low <= word <= high or low <= word.upper() <= high


def invoice_words(text: str | None, low: str | None, high: str | None) -> tuple[str, ...]:
    """Words of ``text`` within the invoice number range; none when no range is set."""
    if not low or not high:
        return ()
    return tuple(w for w in words(text) if in_range(w, low, high))


def bsn_after_nr(text: str | None) -> str | None:
    """R-D2: up to 9 digits after the word ``nr.``, zero-padded to 9; ``None`` if absent."""
    match = _NR.search(text or "")
    return match.group(1).zfill(9) if match else None


def references_in_text(text: str | None) -> tuple[str, ...]:
    """Payment references written in free text: ``BETALINGSKENM.``, 16 digits, RF, OGM;
    then the printed forms in groups (``5000 0000 2026 0001``, ``RF18 5390 0754 7034``),
    only when their check digits hold (a group of digits is no sure reference; an RF's
    last group may be followed by a word: the longest valid form counts)."""
    found: dict[str, None] = {}
    for pattern in (_KENMERK, _SIXTEEN, _RF, _OGM):
        for match in pattern.finditer(text or ""):
            found.setdefault(match.group(match.lastindex or 0), None)
    for match in _GROUPED_NL.finditer(text or ""):
        compact = re.sub(r"[ .-]", "", match.group(0))
        if references.is_valid(compact):
            found.setdefault(compact, None)
    for match in _GROUPED_RF.finditer(text or ""):
        groups = match.group(0).split(" ")
        for end in range(len(groups), 1, -1):
            compact = "".join(groups[:end])
            if references.is_valid(compact):
                found.setdefault(compact, None)
                break
    return tuple(found)


def parse_amount(text: str) -> Decimal:
    """``1.234,56``, ``1,234.56`` or ``25,00`` → Decimal (the last separator is decimal)."""
    digits = re.sub(r"[.,]", "", text[:-3])
    return Decimal(f"{digits}.{text[-2:]}")


@dataclass(frozen=True, slots=True)
class CommissionFigures:
    """Gross, commission and net as written in a description (each may be missing)."""

    gross: Decimal | None = None
    commission: Decimal | None = None
    net: Decimal | None = None


def commission_figures(text: str | None) -> CommissionFigures:
    """Find gross / commission / net amounts in a card settlement's description."""

    def first(pattern: re.Pattern[str]) -> Decimal | None:
        match = pattern.search(text or "")
        return parse_amount(match.group(1)) if match else None

    return CommissionFigures(gross=first(_GROSS), commission=first(_COMMISSION), net=first(_NET))
