"""IBAN and BIC, validated through schwifty."""

from __future__ import annotations

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from bankbridge.errors import InvalidIdentifier


def compact(value: str) -> str:
    """Remove spaces and upper-case: ``nl91 abna 0417 1643 00`` → ``NL91ABNA0417164300``."""
    return "".join(value.split()).upper()


def validate(value: str) -> str:
    """Return the compact IBAN, or raise :class:`InvalidIdentifier` saying what is wrong."""
    text = compact(value)
    try:
        return str(IBAN(text, validate_bban=False).compact)
    except SchwiftyException as exc:
        raise InvalidIdentifier(f"{value!r} is not a valid IBAN: {exc}") from exc


def is_valid(value: str) -> bool:
    """True when ``value`` is a valid IBAN (length per country, mod-97 check digits)."""
    try:
        validate(value)
    except InvalidIdentifier:
        return False
    return True


def format(value: str) -> str:
    """Print in groups of four."""
    text = compact(value)
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def looks_like_iban(value: str) -> bool:
    """Cheap shape test (two letters, two digits, alphanumerics) before the real check."""
    text = compact(value)
    return 15 <= len(text) <= 34 and text[:2].isalpha() and text[2:4].isdigit() and text[4:].isalnum()


def validate_bic(value: str) -> str:
    """Return the compact BIC (8 or 11 characters) or raise :class:`InvalidIdentifier`."""
    text = compact(value)
    try:
        return str(BIC(text).compact)
    except SchwiftyException as exc:
        raise InvalidIdentifier(f"{value!r} is not a valid BIC: {exc}") from exc
