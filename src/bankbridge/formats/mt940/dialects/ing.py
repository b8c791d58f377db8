"""ING: "MT940 Structured" (``/CNTP/``, ``/REMI/USTD//``, ``/REMI/STRD/CUR/``) and the
pre-2013 layout whose ``:86:`` starts with the counter account (and BIC) in free text.

The ING 5-digit transaction code ``/TRCD/nnnnn/`` after the bank reference is kept in
``extra``; the ``:61:`` customer reference may be the betalingskenmerk itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bankbridge.formats.mt940.codewords import squash
from bankbridge.formats.mt940.dialects.base import (
    Details,
    is_bic,
    none_if_empty,
    refine_structured,
    set_counterparty_account,
    unwrap,
)
from bankbridge.formats.mt940.fields import Entry, looks_like_iban

_TRCD = re.compile(r"/TRCD/(\d+)")
_TOTAL = re.compile(r"\bTOTAAL\s+(\d{1,7})\s+(?:VZ|POSTEN)\b", re.IGNORECASE)
"""ING's text of a batch booking: ``TOTAAL 12 VZ`` (transfers), ``TOTAAL 3 POSTEN``."""
_OLD_HEAD = re.compile(
    r"\s*(?:([A-Z]{2}\d{2})\s+(?=[A-Z]{2}\d{2}[A-Z0-9]{10,30}\s))?"  # a return reason (AC04, MS03…)
    r"(\d{9,10}|[A-Z]{2}\d{2}[A-Z0-9]{10,30})\s+(?:([A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\s+)?"
)
"""The head of the older free-text ``:86:``: the counter account (a bank account number
or an IBAN) and BIC, in ING's unstructured SEPA layout after a return reason code."""
_SCOR = re.compile(r"SCOR/CUR/(\d{16})|BETALINGSKENM\.?:?\s*(\d{7,16})")


def _valid_iban(text: str) -> bool:
    from bankbridge.identifiers.iban import is_valid  # schwifty only when needed

    return is_valid(text)


def _counter_account(account: str, bic: str | None) -> bool:
    """Whether ``account`` at the head of the text is the counter account: a bank account
    number, a valid IBAN, or an IBAN-shaped text followed by the BIC of the bank its bank
    code names (ING's own samples use made-up IBANs such as ``NL20INGB0002222222``)."""
    if account.isdigit():
        return True
    if bic is not None and bic[:4] == account[4:8] and is_bic(bic):
        return True
    return _valid_iban(account)


def _old_layout(entry: Entry, details: Details) -> None:
    text = squash(unwrap(entry.detail))  # ING wraps its text hard at 65 characters
    match = _OLD_HEAD.match(text)
    if match and _counter_account(match.group(2), match.group(3)):
        details.counterparty_iban = match.group(2)
        if match.group(3) and is_bic(match.group(3)):
            details.counterparty_bic = match.group(3)
        if match.group(1):
            details.return_reason = match.group(1)
        text = text[match.end() :]
    ref = _SCOR.search(text)
    if ref:
        details.payment_reference = ref.group(1) or ref.group(2)
        details.payment_reference_type = "CUR"
    details.description = none_if_empty(text)


@dataclass(frozen=True, slots=True)
class IngDialect:
    """ING MT940 (structured and old)."""

    name: str = "ing"

    def refine(self, entry: Entry) -> Details:
        """Code words (``/CNTP/``…) or the old free-text layout; ``/TRCD/`` kept."""
        details = Details()
        if not refine_structured(entry, details):
            _old_layout(entry, details)
        trcd = _TRCD.search(entry.supplementary)
        if trcd:
            details.extra.append(("TRCD", trcd.group(1)))
        cref = entry.customer_reference.strip()
        if details.payment_reference is None and cref.isdigit() and len(cref) in (7, 16):
            details.payment_reference, details.payment_reference_type = cref, "CUR"
        if details.counterparty_iban is None and looks_like_iban(cref):
            set_counterparty_account(details, cref)
        if details.batch_count is None and details.description:
            total = _TOTAL.search(details.description)
            if total:
                details.batch_count = int(total.group(1))
        return details
