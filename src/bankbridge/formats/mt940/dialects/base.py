"""What a bank dialect is, and the refinements most dialects share.

A dialect gets one parsed :class:`~bankbridge.formats.mt940.fields.Entry` (the ``:61:``
sub-fields plus the ``:86:`` lines) and returns :class:`Details`: counterparty, references
and description found in it. The reader turns entry + details into a ``StatementLine``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from bankbridge.formats.mt940.codewords import (
    find_payment_reference,
    is_structured,
    split_code_words,
    split_labels,
    squash,
)
from bankbridge.formats.mt940.fields import Entry
from bankbridge.formats.mt940.fields import looks_like_iban as iban_shape
from bankbridge.statements.model import ReferenceType

_BIC = re.compile(r"[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$")


@dataclass(slots=True)
class Details:
    """What a dialect found in one entry (mutable while it is being filled)."""

    counterparty_iban: str | None = None
    counterparty_bic: str | None = None
    counterparty_name: str | None = None
    end_to_end_id: str | None = None
    mandate_id: str | None = None
    creditor_id: str | None = None
    payment_reference: str | None = None
    payment_reference_type: ReferenceType | None = None
    description: str | None = None
    return_reason: str | None = None
    batch_id: str | None = None
    batch_count: int | None = None
    ultimate_debtor: str | None = None
    ultimate_creditor: str | None = None
    extra: list[tuple[str, str]] = field(default_factory=list)


class Dialect(Protocol):
    """A bank's way of filling ``:61:`` and ``:86:``."""

    @property
    def name(self) -> str:
        """The ``Statement.dialect`` value (``rabobank``, ``ing``, …)."""

    def refine(self, entry: Entry) -> Details: ...


def is_bic(text: str) -> bool:
    """Shape test of a BIC (8 or 11 characters)."""
    return _BIC.match(text) is not None


def joined(entry: Entry) -> str:
    """The ``:86:`` lines joined without separators (banks wrap structured text mid-word)."""
    return "".join(entry.detail)


def text_of(entry: Entry) -> str:
    """The ``:86:`` lines as one text with single spaces (for free-text layouts)."""
    return squash(" ".join(entry.detail))


def none_if_empty(value: str | None) -> str | None:
    """``None`` for empty values and the SEPA filler ``NOTPROVIDED``."""
    if not value:
        return None
    if value[0] == " " or value[-1] == " ":
        value = value.strip()
    if not value or (len(value) == 11 and value.upper() == "NOTPROVIDED"):
        return None
    return value


def set_counterparty_account(details: Details, value: str | None) -> None:
    """Fill the counterparty account from an IBAN or a bank account number."""
    if not value or details.counterparty_iban:
        return
    text = value.replace(" ", "")
    if iban_shape(text):
        details.counterparty_iban = text.upper()
    elif text.isdigit() and text.strip("0"):
        details.counterparty_iban = text


def reference_type(issuer: str) -> ReferenceType:
    """``CUR`` (Dutch betalingskenmerk), ``ISO`` (RF creditor reference) or ``OTHER``."""
    issuer = issuer.strip().upper()
    return "CUR" if issuer == "CUR" else "ISO" if issuer == "ISO" else "OTHER"


def apply_remittance(details: Details, value: str) -> None:
    """``/REMI/``: ING ``USTD//text``, ``STRD/CUR/ref``; Rabobank/ABN plain text."""
    if value.startswith("USTD/"):
        details.description = none_if_empty(value[5:].lstrip("/")) or details.description
        return
    if value.startswith("STRD/"):
        kind, _, ref = value[5:].partition("/")
        details.payment_reference = none_if_empty(ref.strip("/"))
        details.payment_reference_type = reference_type(kind)
        return
    details.description = none_if_empty(value) or details.description


_PARENTS = frozenset({"BENM", "ORDP", "ULTD", "ULTC", "ULTB", "CDTRREFTP"})


def _apply_name(details: Details, parent: str | None, value: str) -> None:
    name = none_if_empty(value)
    if parent in ("ULTD",):
        details.ultimate_debtor = name
    elif parent in ("ULTC", "ULTB"):
        details.ultimate_creditor = name
    elif details.counterparty_name is None:
        details.counterparty_name = name


def _apply_party(details: Details, parent: str | None, code: str, value: str) -> None:
    if code == "NAME":
        _apply_name(details, parent, value)
    elif parent in ("ULTD", "ULTC", "ULTB"):
        details.extra.append((f"{parent} {code}", value))
    elif code == "BIC":
        if is_bic(value.strip()):
            details.counterparty_bic = value.strip()
    else:
        set_counterparty_account(details, value)


def _apply_cntp(details: Details, value: str) -> None:
    parts = value.split("/")
    parts += [""] * (4 - len(parts))
    set_counterparty_account(details, parts[0])
    details.counterparty_bic = none_if_empty(parts[1]) or details.counterparty_bic
    details.counterparty_name = none_if_empty("/".join(parts[2:-1]) if len(parts) > 4 else parts[2])
    if parts[-1].strip() and len(parts) >= 4:
        details.extra.append(("CNTP city", parts[-1].strip()))


_SIMPLE = {
    "EREF": "end_to_end_id",
    "MARF": "mandate_id",
    "CSID": "creditor_id",
    "PREF": "batch_id",
    "RTRN": "return_reason",
    "CDTRREF": "payment_reference",
}


def apply_code_words(details: Details, pairs: list[tuple[str, str]]) -> None:
    """Fill ``details`` from SEPA code words (standards §3.4)."""
    parent: str | None = None
    for code, value in pairs:
        if code in _PARENTS:
            parent = code
            if value:
                _apply_parent_value(details, code, value)
            continue
        if code in _SIMPLE:
            setattr(details, _SIMPLE[code], none_if_empty(value.rstrip("/")))
        elif code in ("NAME", "IBAN", "BBAN", "BIC"):
            _apply_party(details, parent, code, value)
        elif code == "CNTP":
            _apply_cntp(details, value)
        elif code == "ACCW":
            _apply_cntp(details, value.replace(",", "/") + "//")
        elif code == "REMI":
            apply_remittance(details, value)
        elif code == "ISSR":
            details.payment_reference_type = reference_type(value)
        elif code == "NRTX" and value.strip().isdigit():
            details.batch_count = int(value)
        elif value:
            details.extra.append((code, value))


def _apply_parent_value(details: Details, code: str, value: str) -> None:
    """ING writes ``/ULTD/name/id`` directly; others nest ``/ULTD//NAME/…``."""
    name = none_if_empty(value.split("/", maxsplit=1)[0])
    if code == "ULTD":
        details.ultimate_debtor = name
    elif code in ("ULTC", "ULTB"):
        details.ultimate_creditor = name
    else:
        details.extra.append((code, value))


def refine_structured(entry: Entry, details: Details) -> bool:
    """Apply code words when the ``:86:`` is structured; ``False`` when it is free text."""
    text = joined(entry)
    if "/" not in text[:2] and not text.lstrip().startswith("/"):
        return False
    pairs = split_code_words(text)
    if not pairs or not is_structured(text):
        return False
    apply_code_words(details, pairs)
    return True


def _fill(details: Details, attr: str, value: str | None) -> None:
    """Set ``attr`` unless a more specific source already did."""
    if getattr(details, attr) is None:
        setattr(details, attr, none_if_empty(value))


def refine_labels(entry: Entry, details: Details) -> None:
    """Older Dutch free text: ``IBAN: … BIC: … NAAM: … OMSCHRIJVING: … KENMERK: …``."""
    text = text_of(entry)
    head, labels = split_labels(text)
    kenmerk = labels.get("BETALINGSKENM.") or labels.get("BETALINGSKENMERK")
    reference = kenmerk.split(" ")[0] if kenmerk else find_payment_reference(text)
    if reference and details.payment_reference is None:
        details.payment_reference, details.payment_reference_type = reference, "CUR"
    if not labels:
        _fill(details, "description", text)
        return
    rek = labels.get("REK") or labels.get("IBAN")
    set_counterparty_account(details, rek.split("/")[0] if rek else None)
    bic = labels.get("BIC", "").split(" ")[0]
    _fill(details, "counterparty_bic", bic if is_bic(bic) else None)
    _fill(details, "counterparty_name", labels.get("NAAM"))
    _fill(details, "end_to_end_id", labels.get("KENMERK"))
    _fill(details, "mandate_id", labels.get("MACHTIGING"))
    _fill(details, "creditor_id", labels.get("INCASSANT"))
    description = labels.get("OMSCHRIJVING") or (head if labels.keys() <= {"REK", "NAAM"} else None)
    _fill(details, "description", description or head)


def refine_default(entry: Entry) -> Details:
    """Code words when structured, else labels / free text."""
    details = Details()
    if not refine_structured(entry, details):
        refine_labels(entry, details)
    return details
