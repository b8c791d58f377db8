"""ING: "MT940 Structured" (``/CNTP/``, ``/REMI/USTD//``, ``/REMI/STRD/CUR/``) and the
pre-2013 layout whose ``:86:`` starts with the counter account (and BIC) in free text.

The ING 5-digit transaction code ``/TRCD/nnnnn/`` after the bank reference is kept in
``extra``; the ``:61:`` customer reference may be the betalingskenmerk itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bankbridge.formats.mt940.dialects.base import (
    Details,
    is_bic,
    none_if_empty,
    refine_structured,
    set_counterparty_account,
    text_of,
)
from bankbridge.formats.mt940.fields import Entry, looks_like_iban

_TRCD = re.compile(r"/TRCD/(\d+)")
_OLD_HEAD = re.compile(r"\s*(\d{9,10}|[A-Z]{2}\d{2}[A-Z0-9]{10,30})\s+(?:([A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\s+)?")
_SCOR = re.compile(r"SCOR/CUR/(\d{16})|BETALINGSKENM\.?:?\s*(\d{7,16})")


def _valid_iban(text: str) -> bool:
    from bankbridge.identifiers.iban import is_valid  # schwifty only when needed

    return is_valid(text)


def _old_layout(entry: Entry, details: Details) -> None:
    text = text_of(entry)
    match = _OLD_HEAD.match(text)
    if match and (match.group(1).isdigit() or _valid_iban(match.group(1))):
        details.counterparty_iban = match.group(1)
        if match.group(2) and is_bic(match.group(2)):
            details.counterparty_bic = match.group(2)
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
        return details
