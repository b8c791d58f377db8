"""ABN AMRO (and Moneyou): structured ``/TRTP/…/IBAN/…/NAME/…/REMI/…`` for SEPA and
iDEAL; fixed-width text otherwise: ``BEA``/``GEA`` card payments, ``GIRO  <number>
<name>``, a dotted account followed by a name, and the label layout
``SEPA OVERBOEKING  IBAN: … BIC: … NAAM: … OMSCHRIJVING: … KENMERK: …``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bankbridge.formats.mt940.codewords import find_payment_reference
from bankbridge.formats.mt940.dialects.base import (
    Details,
    none_if_empty,
    reference_type,
    refine_labels,
    refine_structured,
    text_of,
)
from bankbridge.formats.mt940.fields import Entry

_GIRO = re.compile(r"GIRO\s+(\d+)\s+(.+?)(?:\s{2,}|$)")
_ACCOUNT = re.compile(r"(\d{2}\.\d{2}\.\d{2}\.\d{3}|\d{9,10})\s+(.+?)(?:\s{2,}|$)")
_CARD = re.compile(r"([BG]EA)\s+NR:\s*\S+\s+\S+\s+(.+?),\s*PAS\s*\d+")
_CARD_NEW = re.compile(r"([BG]EA),\s*\S[^,]*?\s{2,}(\S[^,]*?)\s*,\s*PAS\s*\d+")
"""The card layout since about 2019, in columns: ``BEA, Betaalpas   <merchant>,PAS123
NR:…, dd.mm.yy/hh:mm   <place>`` (``Apple Pay``/``Google Pay`` for the wallet)."""
_ISSUER = re.compile(r"ISSUER:\s*([A-Z0-9]+)\s+REF:\s*(\S+)", re.IGNORECASE)
"""A structured reference in ``/REMI/``: ABN AMRO writes the ``<CdtrRefInf>`` of a SEPA
payment as ``Issuer: CUR Ref: 1234567812345678`` (its "Formaatverschillen SEPA MT940")."""


def _structured_remittance(details: Details) -> None:
    """The payment reference in the ``/REMI/`` text: ``Issuer: … Ref: …`` or a
    ``BETALINGSKENM.`` of an acceptgiro payment."""
    text = details.description or ""
    issuer = _ISSUER.search(text) if "REF:" in text.upper() else None
    if issuer is not None:
        details.payment_reference = issuer.group(2)
        details.payment_reference_type = reference_type(issuer.group(1))
        return
    reference = find_payment_reference(text)
    if reference:
        details.payment_reference, details.payment_reference_type = reference, "CUR"


def _fixed_width(entry: Entry, details: Details) -> bool:
    first = entry.detail[0] if entry.detail else ""
    text = text_of(entry)
    for pattern in (_GIRO, _ACCOUNT):
        match = pattern.match(first.strip())
        if match:
            details.counterparty_iban = match.group(1).replace(".", "")
            details.counterparty_name = none_if_empty(match.group(2))
            refine_labels(entry, details)
            details.description = none_if_empty(text)
            return True
    card = _CARD.match(text)
    if card is None and first.startswith(("BEA,", "GEA,")):
        card = _CARD_NEW.match("".join(entry.detail))
    if card:
        details.counterparty_name = none_if_empty(card.group(2))
        details.description = text
        return True
    return False


@dataclass(frozen=True, slots=True)
class AbnAmroDialect:
    """ABN AMRO MT940."""

    name: str = "abnamro"

    def refine(self, entry: Entry) -> Details:
        """Structured ``/TRTP/``, fixed-width text or labels."""
        details = Details()
        if refine_structured(entry, details):
            # the structured reference of a payment is text in /REMI/
            if details.payment_reference is None and details.description:
                _structured_remittance(details)
            return details
        if _fixed_width(entry, details):
            return details
        refine_labels(entry, details)
        return details
