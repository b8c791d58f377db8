"""Structured payment references: Dutch ``betalingskenmerk``, ISO 11649 RF and Belgian OGM.

A :class:`Reference` knows its kind, its compact form and its *payload*: the digits
that follow the check digit (and the length code of 9–14-digit Dutch references), the
part after ``RFnn``, or the first 10 digits of an OGM. Invoice numbers are cut out of
the payload (R-C3)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import cycle
from operator import mul
from typing import Literal

from stdnum import iso11649
from stdnum.be import ogm_vcs
from stdnum.exceptions import ValidationError

from bankbridge.errors import InvalidIdentifier

ReferenceKind = Literal["nl", "rf", "ogm"]

_NL_WEIGHTS = (2, 4, 8, 5, 10, 9, 7, 3, 6, 1)
_NL_LENGTHS = frozenset({7, 9, 10, 11, 12, 13, 14, 16})


@dataclass(frozen=True, slots=True)
class Reference:
    """A validated structured payment reference."""

    kind: ReferenceKind
    compact: str
    payload: str


_NL_CHECK = {10: 1, 11: 0}
_SEPARATORS = re.compile(r"[\s.\-]")


def nl_check_digit(digits: str) -> int:
    """Check digit over ``digits`` (everything right of the check position), weighted mod 11
    (the weights from the right, repeating every ten digits; summed at C level: every
    line's text is searched for references)."""
    total: int = sum(map(mul, map(int, reversed(digits)), cycle(_NL_WEIGHTS)))
    check = 11 - total % 11
    return _NL_CHECK.get(check, check)


def validate_nl(value: str) -> Reference:
    """Validate a Dutch payment reference of 7, 9–14 or 16 digits."""
    text = _SEPARATORS.sub("", value)
    if not text.isdigit() or len(text) not in _NL_LENGTHS:
        raise InvalidIdentifier(f"{value!r} is not a Dutch payment reference (7, 9-14 or 16 digits)")
    if len(text) == 7:
        return Reference("nl", text, text)
    if len(text) != 16:
        payload_len = len(text) - 2
        if int(text[1]) != payload_len % 10:
            raise InvalidIdentifier(f"{value!r}: length code {text[1]} does not fit {len(text)} digits")
    if nl_check_digit(text[1:]) != int(text[0]):
        raise InvalidIdentifier(f"{value!r}: check digit {text[0]} is wrong")
    payload = text[1:] if len(text) == 16 else text[2:]
    return Reference("nl", text, payload)


def validate_rf(value: str) -> Reference:
    """Validate an ISO 11649 creditor reference (``RF18 5390 0754 7034``)."""
    try:
        text = str(iso11649.validate(value))
    except ValidationError as exc:
        raise InvalidIdentifier(f"{value!r} is not a valid RF reference: {exc}") from exc
    return Reference("rf", text, text[4:])


def validate_ogm(value: str) -> Reference:
    """Validate a Belgian structured communication (``+++010/8068/17183+++``)."""
    try:
        text = str(ogm_vcs.validate(value))
    except ValidationError as exc:
        raise InvalidIdentifier(f"{value!r} is not a valid OGM/VCS: {exc}") from exc
    return Reference("ogm", text, text[:10])


def parse(value: str) -> Reference:
    """Recognise and validate any of the three kinds; raise when none fits."""
    text = value.strip()
    if text.upper().startswith("RF"):
        return validate_rf(text)
    if "+" in text or "*" in text or "/" in text:
        return validate_ogm(text)
    digits = _SEPARATORS.sub("", text)
    if len(digits) == 12:
        try:
            return validate_nl(digits)
        except InvalidIdentifier:
            return validate_ogm(digits)
    return validate_nl(digits)


def is_valid(value: str) -> bool:
    """True when ``value`` is a valid reference of any supported kind."""
    try:
        parse(value)
    except InvalidIdentifier:
        return False
    return True


def invoice_number(ref: Reference, *, start: int | None, length: int | None) -> str | None:
    """The invoice number cut out of the payload at 1-based ``start`` for ``length`` (R-C3).

    The part is returned as it stands (leading zeros included); matching compares it
    with invoice numbers digit-wise. ``None`` when the settings are not given or the
    payload is too short.
    """
    if not start or not length:
        return None
    part = ref.payload[start - 1 : start - 1 + length]
    if len(part) < length:
        return None
    return part
