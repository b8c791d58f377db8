"""Bank dialects of MT940: small typed objects that refine a parsed line.

:func:`choose` picks one per statement from the content, in this order: the BIC in
the SWIFT header block or bank header line, Rabobank's ``:940:`` header line, the bank
code of an IBAN in ``:25:``, the ``:20:`` reference pattern (Rabobank ``940S…``, ABN
AMRO ``ABN AMRO BANK NV``), a ``TRIODOSBANK/`` prefix, a German ``BLZ/account``.
"""

from __future__ import annotations

import re

from bankbridge.formats.mt940.dialects.abnamro import AbnAmroDialect
from bankbridge.formats.mt940.dialects.base import Details, Dialect
from bankbridge.formats.mt940.dialects.dutch import AsnDialect, CodeWordDialect, TriodosDialect
from bankbridge.formats.mt940.dialects.generic import GenericDialect
from bankbridge.formats.mt940.dialects.german import GermanDialect
from bankbridge.formats.mt940.dialects.ing import IngDialect
from bankbridge.formats.mt940.dialects.rabobank import RabobankDialect
from bankbridge.identifiers.banks import DUTCH_BANKS

__all__ = ["DIALECTS", "Details", "Dialect", "by_bank_code", "choose"]

DIALECTS: dict[str, Dialect] = {
    "rabobank": RabobankDialect(),
    "ing": IngDialect(),
    "abnamro": AbnAmroDialect(),
    "triodos": TriodosDialect(),
    "asn": AsnDialect(),
    "sns": AsnDialect(name="sns"),
    "regiobank": AsnDialect(name="regiobank"),
    "knab": CodeWordDialect(),
    "bunq": CodeWordDialect(name="bunq"),
    "vanlanschot": CodeWordDialect(name="vanlanschot"),
    "moneyou": RabobankDialect(name="moneyou"),
    "german": GermanDialect(),
    "generic": GenericDialect(),
}
_BANKS = DUTCH_BANKS
_HEADER_BIC = re.compile(r"(?:F01|^0000 \d\d|^)(" + "|".join(_BANKS) + r")[A-Z]{2}[A-Z0-9]{2}", re.M)
_GERMAN_ACCOUNT = re.compile(r"\d{8}/\d+")


def by_bank_code(code: str) -> Dialect | None:
    """The dialect of a Dutch bank by the 4-letter code of its BIC / IBAN."""
    name = _BANKS.get(code)
    return DIALECTS[name] if name else None


def choose(*, header: str, reference: str, account: str) -> Dialect:  # noqa: PLR0911
    """The dialect of one statement (see the module docstring for the order of clues)."""
    match = _HEADER_BIC.search(header)
    if match:
        return DIALECTS[_BANKS[match.group(1)]]
    if re.search(r"^:940:", header, re.M):
        return DIALECTS["rabobank"]  # Rabobank's own header line
    compact = account.replace(" ", "").upper()
    bank = by_bank_code(compact[4:8]) if compact[:2] == "NL" and compact[2:4].isdigit() else None
    if bank is not None:
        return bank
    if reference.startswith(("940S", "940A")):
        return DIALECTS["rabobank"]
    if reference.startswith("ABN AMRO"):
        return DIALECTS["abnamro"]
    if compact.startswith("TRIODOSBANK"):
        return DIALECTS["triodos"]
    if (compact[:2] == "DE" and compact[2:4].isdigit()) or _GERMAN_ACCOUNT.match(compact):
        return DIALECTS["german"]
    return DIALECTS["generic"]
