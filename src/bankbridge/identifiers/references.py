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
_NL_WEIGHT_SUMS = tuple(sum(_NL_WEIGHTS[:n]) for n in range(len(_NL_WEIGHTS)))
"""The sum of the first n weights."""
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
    (the weights from the right, repeating every ten digits). Summed at C level over the
    digits' bytes, less 48 (``"0"``) times the weights used: every line's text is searched
    for references (1.2 µs against 3.0 µs through ``int`` per digit). ASCII digits only."""
    if not (digits.isascii() and digits.isdigit()):
        raise ValueError(f"not a string of digits: {digits!r}")
    n = len(digits)
    weights = 55 * (n // 10) + _NL_WEIGHT_SUMS[n % 10]  # the ten weights sum to 55
    total: int = sum(map(mul, reversed(digits.encode()), cycle(_NL_WEIGHTS))) - 48 * weights
    check = 11 - total % 11
    return _NL_CHECK.get(check, check)


def _nl_problem(text: str) -> str | None:
    """Why ``text`` (separators removed) is not a Dutch payment reference; ``None`` if it is."""
    if not text.isdigit() or not text.isascii() or len(text) not in _NL_LENGTHS:
        return "length"
    if len(text) == 7:
        return None
    if len(text) != 16 and int(text[1]) != (len(text) - 2) % 10:
        return "length code"
    return None if nl_check_digit(text[1:]) == int(text[0]) else "check digit"


def _nl(text: str) -> Reference:
    payload = text if len(text) == 7 else text[1:] if len(text) == 16 else text[2:]
    return Reference("nl", text, payload)


def validate_nl(value: str) -> Reference:
    """Validate a Dutch payment reference of 7, 9–14 or 16 digits."""
    text = _SEPARATORS.sub("", value)
    problem = _nl_problem(text)
    if problem == "length":
        raise InvalidIdentifier(f"{value!r} is not a Dutch payment reference (7, 9-14 or 16 digits)")
    if problem == "length code":
        raise InvalidIdentifier(f"{value!r}: length code {text[1]} does not fit {len(text)} digits")
    if problem == "check digit":
        raise InvalidIdentifier(f"{value!r}: check digit {text[0]} is wrong")
    return _nl(text)


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


def _split(value: str) -> tuple[ReferenceKind | None, str]:
    """The kind a reference written as ``value`` can only be, and its text: ``None`` for
    digits (Dutch, or a 12-digit OGM without its ``+++``), separators then removed."""
    text = value.strip()
    if text.upper().startswith("RF"):
        return "rf", text
    if "+" in text or "*" in text or "/" in text:
        return "ogm", text
    return None, _SEPARATORS.sub("", text)


def parse(value: str) -> Reference:
    """Recognise and validate any of the three kinds; raise when none fits."""
    kind, text = _split(value)
    if kind is not None:
        return _VALIDATE[kind](text)
    if len(text) == 12 and _nl_problem(text) is not None:
        return validate_ogm(text)
    return validate_nl(text)


def recognise(value: str) -> Reference | None:
    """:func:`parse` without the error: ``None`` when no kind fits. Matching tries every
    number written in a line's description, and most are not references: raising and
    catching an error with its message for each cost more than the check itself."""
    kind, text = _split(value)
    if kind is None:
        if _nl_problem(text) is None:
            return _nl(text)
        if len(text) != 12:
            return None
        kind = "ogm"
    try:
        return _VALIDATE[kind](text)
    except InvalidIdentifier:
        return None


_VALIDATE = {"rf": validate_rf, "ogm": validate_ogm}


def is_valid(value: str) -> bool:
    """True when ``value`` is a valid reference of any supported kind."""
    return recognise(value) is not None


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
