"""Bank dialects of MT940: small typed objects that refine a parsed line.

:func:`choose` picks one per statement from the content, in this order: the BIC in
the SWIFT header block or bank header line, Rabobank's ``:940:`` header line, the bank
code of an IBAN in ``:25:``, the ``:20:`` reference pattern (Rabobank ``940S…``, ABN
AMRO ``ABN AMRO BANK NV``), a ``TRIODOSBANK/`` prefix, a German ``BLZ/account``.
"""

from __future__ import annotations

import re
from importlib import import_module

from bankbridge.formats.mt940.dialects.base import Details, Dialect
from bankbridge.identifiers.banks import DUTCH_BANKS

__all__ = ["DIALECTS", "Details", "Dialect", "by_bank_code", "choose"]

_KINDS: dict[str, tuple[str, str, str | None]] = {
    # name: module, class, the name given to the class when it is not its default
    "rabobank": ("rabobank", "RabobankDialect", None),
    "ing": ("ing", "IngDialect", None),
    "abnamro": ("abnamro", "AbnAmroDialect", None),
    "triodos": ("dutch", "TriodosDialect", None),
    "asn": ("dutch", "AsnDialect", None),
    "sns": ("dutch", "AsnDialect", "sns"),
    "regiobank": ("dutch", "AsnDialect", "regiobank"),
    "knab": ("dutch", "CodeWordDialect", None),
    "bunq": ("dutch", "CodeWordDialect", "bunq"),
    "vanlanschot": ("dutch", "CodeWordDialect", "vanlanschot"),
    "moneyou": ("rabobank", "RabobankDialect", "moneyou"),
    "german": ("german", "GermanDialect", None),
    "generic": ("generic", "GenericDialect", None),
}


class _Dialects(dict[str, Dialect]):
    """The dialects by name, each made (and its module imported) when first asked for."""

    def __missing__(self, name: str) -> Dialect:
        module, cls, renamed = _KINDS[name]
        kind = getattr(import_module(f"{__name__}.{module}"), cls)
        dialect: Dialect = kind() if renamed is None else kind(name=renamed)
        self[name] = dialect
        return dialect


DIALECTS: dict[str, Dialect] = _Dialects()
"""The dialects by name (see ``_KINDS``)."""
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
