"""Dutch citizen service number (BSN) with the 11-test, through ``stdnum.nl.bsn``."""

from __future__ import annotations

from stdnum.exceptions import ValidationError
from stdnum.nl import bsn as _bsn

from bankbridge.errors import InvalidIdentifier


def compact(value: str) -> str:
    """Strip separators and left-pad to 9 digits: ``12345672`` → ``012345672``."""
    return str(_bsn.compact(value))


def validate(value: str) -> str:
    """Return the 9-digit BSN or raise :class:`InvalidIdentifier`."""
    try:
        return str(_bsn.validate(value))
    except ValidationError as exc:
        raise InvalidIdentifier(f"{value!r} is not a valid BSN: {exc}") from exc


def is_valid(value: str) -> bool:
    """True when ``value`` passes the 11-test (after zero-padding to 9 digits)."""
    return bool(_bsn.is_valid(value))
