"""German banks (and others using the DFÜ layout): ``:86:`` as ``GVC?00…?20…?30…``.

Sub-fields: ``?00`` posting text, ``?10`` primanota, ``?20``–``?29`` and ``?60``–``?63``
purpose (with SEPA keys ``EREF+``, ``MREF+``, ``CRED+``, ``SVWZ+``, ``ABWA+``…), ``?30``
bank code or BIC, ``?31`` account or IBAN, ``?32``/``?33`` name, ``?34`` text-key
extension. The three-digit business transaction code (GVC) precedes ``?00``; GVC ``999``
is followed by unstructured text without sub-fields (DFÜ-Abkommen, Anlage 3).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bankbridge.formats.mt940.codewords import split_sepa_keys, split_subfields, squash
from bankbridge.formats.mt940.dialects.base import (
    Details,
    is_bic,
    joined,
    none_if_empty,
    refine_default,
    set_counterparty_account,
)
from bankbridge.formats.mt940.fields import Entry

_GERMAN = re.compile(r"\s*\d{3}\s*\?\s*\d\d")
_PURPOSE = frozenset({f"{n}" for n in range(20, 30)} | {"60", "61", "62", "63"})
_SEPA_KEYS = {
    "EREF": "end_to_end_id",
    "MREF": "mandate_id",
    "CRED": "creditor_id",
    "ABWA": "ultimate_debtor",
    "ABWE": "ultimate_creditor",
}


def is_german(text: str) -> bool:
    """True when an ``:86:`` text is in the ``GVC?NN`` sub-field layout."""
    return _GERMAN.match(text) is not None


def refine_german(entry: Entry) -> Details:
    """Refine a ``GVC?NN`` ``:86:``."""
    details = Details()
    code, fields = split_subfields(joined(entry), "?")
    if code.strip():
        details.extra.append(("GVC", code.strip()))
    purpose: list[str] = []
    name: list[str] = []
    for key, value in fields:
        if key in _PURPOSE:
            purpose.append(value)
        elif key in ("32", "33"):
            name.append(value)
        elif key == "30":
            details.counterparty_bic = value.strip() if is_bic(value.strip()) else None
            if not details.counterparty_bic and value.strip():
                details.extra.append(("bank code", value.strip()))
        elif key == "31":
            set_counterparty_account(details, value)
        elif value.strip():
            details.extra.append((_NAMES.get(key, f"?{key}"), squash(value)))
    details.counterparty_name = none_if_empty(squash("".join(name)))
    _apply_purpose("".join(purpose), details)
    return details


_NAMES = {"00": "posting text", "10": "primanota", "34": "text key extension"}


def _apply_purpose(text: str, details: Details) -> None:
    head, keys = split_sepa_keys(text)
    description = head
    for key, value in keys:
        if key == "SVWZ":
            description = f"{description} {value}".strip()
        elif key in _SEPA_KEYS:
            setattr(details, _SEPA_KEYS[key], none_if_empty(value))
        elif key == "IBAN":
            set_counterparty_account(details, value)
        elif key == "BIC" and is_bic(value):
            details.counterparty_bic = details.counterparty_bic or value
        else:
            details.extra.append((key, value))
    details.description = none_if_empty(squash(description))


@dataclass(frozen=True, slots=True)
class GermanDialect:
    """German banks: ``BLZ/account`` or ``DE`` IBAN in ``:25:``, ``?NN`` in ``:86:``."""

    name: str = "german"

    def refine(self, entry: Entry) -> Details:
        """``?NN`` sub-fields when present, else code words or free text."""
        text = joined(entry)
        if is_german(text):
            return refine_german(entry)
        if text[:3] == "999" and "?" not in text:  # GVC 999: the rest is unstructured text
            details = Details(extra=[("GVC", "999")])
            details.description = none_if_empty(squash(" ".join(entry.detail)[3:]))
            return details
        return refine_default(entry)
