"""Structures found inside ``:86:``: SEPA code words, ``?NN``/``>NN`` sub-fields, labels.

* Code words (``/EREF/…/REMI/…``, standards §3.4): the lines are joined without
  separators (banks wrap mid-word) and split on *known* code words only, since values
  may contain ``/`` themselves.
* Numbered sub-fields: German ``?20``…, Triodos ``>20``…
* Dutch labels in older text layouts: ``IBAN:``, ``NAAM:``, ``BETALINGSKENM.:``, ``REK:``…
"""

from __future__ import annotations

import re

CODE_WORDS = (
    "TRTP",
    "EREF",
    "PREF",
    "MARF",
    "CSID",
    "CNTP",
    "IBAN",
    "BBAN",
    "BIC",
    "NAME",
    "BENM",
    "ORDP",
    "REMI",
    "ISDT",
    "RTRN",
    "PURP",
    "ULTC",
    "ULTD",
    "ULTB",
    "SUM",
    "ADDR",
    "ID",
    "CDTRREFTP",
    "CDTRREF",
    "CD",
    "ISSR",
    "NRTX",
    "SVCL",
    "TRCD",
    "EXCH",
    "CHGS",
    "ORIG",
    "IREF",
    "OCMT",
    "BUSP",
    "CREF",
    "ACCW",
    "RTYP",  # ABN AMRO: type of an R-transaction (SEPA direct debit returns)
    "PIND",  # ABN AMRO: BRUTO/NETTO booking of a SEPA direct debit batch
)
CODE_WORD_SET = frozenset(CODE_WORDS)
_STARTS = re.compile(r"\s*/(" + "|".join(sorted(CODE_WORD_SET, key=len, reverse=True)) + ")/")


def is_structured(text: str) -> bool:
    """True when ``text`` starts with a SEPA code word."""
    return _STARTS.match(text) is not None


def split_code_words(text: str) -> list[tuple[str, str]]:
    """``/EREF/x//CNTP/a/b/c///REMI/t`` → ``[("EREF", "x"), ("CNTP", "a/b/c/"), …]``.

    A code word is a known one between two ``/``, read from left to right (the closing
    ``/`` of one cannot open the next). One trailing ``/`` of each value is dropped (ING
    separates code words by ``//``); values are stripped of surrounding blanks.
    ``dialects.base.apply_code_words`` walks the pieces of ``text.split("/")`` the same way.
    """
    pieces = text.split("/")
    codes, last = CODE_WORD_SET, len(pieces) - 1
    pairs: list[tuple[str, str]] = []
    start = 1
    while start < last and pieces[start] not in codes:
        start += 1
    while start < last:  # pieces[start] is a code word, the piece after it part of its value
        end = start + 2
        while end < last and pieces[end] not in codes:
            end += 1
        if end >= last:
            end = last + 1
        value = "/".join(pieces[start + 1 : end])
        if value[-1:] == "/":
            value = value[:-1]
        pairs.append((pieces[start], value.strip()))
        start = end
    return pairs


_SUBFIELD = {"?": re.compile(r"\?(\d\d)"), ">": re.compile(r">(\d\d)")}


def split_subfields(text: str, marker: str) -> tuple[str, list[tuple[str, str]]]:
    """``166?00GUTSCHRIFT?20EREF+…`` → (``"166"``, ``[("00", "GUTSCHRIFT"), ("20", …)]``)."""
    pattern = _SUBFIELD[marker]
    matches = list(pattern.finditer(text))
    if not matches:
        return text, []
    head = text[: matches[0].start()]
    pairs = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        pairs.append((match.group(1), text[match.end() : end]))
    return head, pairs


_GERMAN_SEPA = re.compile(r"(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|IBAN|BIC|COAM|OAMT)\+")


def split_sepa_keys(text: str) -> tuple[str, list[tuple[str, str]]]:
    """German purpose text ``EREF+x MREF+y SVWZ+text`` → (text before, key/value pairs)."""
    matches = list(_GERMAN_SEPA.finditer(text))
    if not matches:
        return text, []
    pairs = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        pairs.append((match.group(1), text[match.end() : end].strip()))
    return text[: matches[0].start()].strip(), pairs


_LABELS = re.compile(
    r"(?<![A-Z])(IBAN|BIC|NAAM|OMSCHRIJVING|KENMERK|BETALINGSKENM\.|MACHTIGING|"
    r"INCASSANT|ID DEBITEUR|REK|BETALINGSKENMERK)\s*:\s?"
)


def split_labels(text: str) -> tuple[str, dict[str, str]]:
    """Older Dutch layouts ``SEPA IDEAL  IBAN: … NAAM: … OMSCHRIJVING: …`` → (head, labels)."""
    matches = list(_LABELS.finditer(text))
    if not matches:
        return text, {}
    labels: dict[str, str] = {}
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        value = text[match.end() : end].strip().rstrip("/").strip()
        labels.setdefault(match.group(1), value)
    return text[: matches[0].start()].strip(), labels


_KENMERK = re.compile(r"BETALINGSKENM(?:ERK)?\.?:?\s*(\d{7,16})(?!\d)")


def find_payment_reference(text: str) -> str | None:
    """A Dutch ``betalingskenmerk`` named in free text (``BETALINGSKENM.  1234…``)."""
    match = _KENMERK.search(text)
    return match.group(1) if match else None


def squash(text: str) -> str:
    """Collapse runs of blanks to one space and strip."""
    return " ".join(text.split())
