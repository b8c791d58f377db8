"""Rabobank: MT940 Structured (``:940:``, ``:20:940S…``) and the older pre-SEPA layout.

* Structured: ``:61:`` customer reference is a label (``EREF``/``PREF``/``MARF``/
  ``NONREF``); the supplementary line is the counter IBAN (or account, ``P…`` for old
  giro numbers, zeros for none); ``:86:`` holds code words, name under ``/BENM/`` or
  ``/ORDP/``; when ``/REMI/`` is empty the description is the ``/EREF/``.
* Old (``:20:940A…``): the customer reference is the counter account padded to 16
  characters followed by the counter name (or the name on the supplementary line, the
  second ``:61:`` line); several ``:86:`` lines of free text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bankbridge.formats.mt940.codewords import find_payment_reference
from bankbridge.formats.mt940.dialects.base import (
    Details,
    counterparty_account,
    none_if_empty,
    refine_structured,
    set_counterparty_account,
    text_of,
)
from bankbridge.formats.mt940.fields import Entry, looks_like_iban

LABELS = frozenset({"EREF", "PREF", "MARF", "NONREF", ""})
_ACCOUNT = re.compile(r"P?\d{1,10}$")


def rabo_account(text: str) -> str | None:
    """``P000029225`` → ``29225``, ``0733959555`` → ``733959555``, zeros → ``None``."""
    text = text.strip()
    if not _ACCOUNT.match(text):
        return text or None
    return text.lstrip("P").lstrip("0") or None


@dataclass(frozen=True, slots=True)
class RabobankDialect:
    """Rabobank MT940 (structured and old)."""

    name: str = "rabobank"

    def refine(self, entry: Entry) -> Details:
        """Code words or free text, plus the counterparty from the ``:61:`` line."""
        details = Details()
        if not refine_structured(entry, details):
            text = text_of(entry)
            details.description = none_if_empty(text)
            details.payment_reference = find_payment_reference(text)
            details.payment_reference_type = "CUR" if details.payment_reference else None
        refine_counterparty(details, entry.supplementary, entry.customer_reference)
        return details


def refine_counterparty(details: Details, supplementary: str, cref: str) -> None:
    """What Rabobank adds to the ``:86:`` details: the counterparty from the ``:61:`` line
    (its ``supplementary`` details and customer reference ``cref``), and the ``/EREF/``
    as description when there is none (the reader's fast path calls this too)."""
    if supplementary and details.counterparty_iban is None:
        account = SUPPLEMENTARY.get(supplementary, "")
        details.counterparty_iban = supplementary_account(supplementary) if account == "" else account
    if cref not in LABELS:  # else: a label and no name
        head, name = cref[:16].strip(), cref[16:].strip()
        if head not in LABELS and _ACCOUNT.match(head):
            set_counterparty_account(details, rabo_account(head))
            if not name and supplementary[:1] not in ("", "/"):  # the name on the supplementary line
                first = supplementary.split("\n", 1)[0].strip()
                name = "" if _ACCOUNT.match(first) or looks_like_iban(first) else first
        if name and details.counterparty_name is None:
            details.counterparty_name = name
    if details.description is None and details.end_to_end_id:
        details.description = details.end_to_end_id


SUPPLEMENTARY: dict[str, str | None] = {}


def supplementary_account(text: str) -> str | None:
    """The counter account on the second ``:61:`` line (remembered: counterparties recur)."""
    known = SUPPLEMENTARY.get(text, "")
    if known != "":
        return known
    first = rabo_account(text.split("\n", maxsplit=1)[0].strip())
    account = counterparty_account(first) if first else None
    if len(SUPPLEMENTARY) >= 4096:
        SUPPLEMENTARY.clear()
    SUPPLEMENTARY[text] = account
    return account
