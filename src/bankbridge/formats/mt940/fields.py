"""Parsers of single MT940/MT942 field values: ``:61:``, balances, ``:25:``, ``:28C:``, dates.

Each parser takes the value text (what follows the tag) and returns a small record or
raises :class:`FieldError` saying which sub-field is wrong; the reader turns that into a
:class:`bankbridge.errors.ParseError` with file, line and excerpt.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bankbridge.money import exponent
from bankbridge.statements.model import Balance


def looks_like_iban(text: str) -> bool:
    """Cheap IBAN shape test (two letters, two digits, alphanumerics; spaces ignored), as
    ``identifiers.iban.looks_like_iban`` but without importing schwifty on the hot path."""
    text = text.replace(" ", "") if " " in text else text
    return 15 <= len(text) <= 34 and text[:2].isalpha() and text[2:4].isdigit() and text.isalnum()


class FieldError(ValueError):
    """A field value that does not fit its format; ``part`` names the sub-field."""

    def __init__(self, part: str, message: str, *, text: str = "") -> None:
        super().__init__(message)
        self.part = part
        self.message = message
        self.text = text


LINE_61 = (
    r"(\d{6})(\d{4}| {4})?(RC|RD|EC|ED|C|D|c|d)([A-Z])?(\d+(?:[,.]\d*)?) ?"
    r"([A-Z][A-Za-z0-9 ]{3}|[NSF][A-Za-z0-9]{2}(?=//|$)|(?=//))((?:(?!//).)*)(?://(.*))?$"
)
"""A ``:61:`` first line: value date, entry date, mark, funds code, amount, type, customer
reference, bank reference (the reader's fast path embeds it, ``$`` as end of line).
A lower-case ``c``/``d`` mark (ABN AMRO's published sample file has one) is read as
``C``/``D``."""
_LINE_61 = re.compile(LINE_61)
_BALANCE = re.compile(r"\s*([CD])(\d{6})([A-Z]{3})?(\d+(?:[,.]\d*)?)")
_AMOUNT = re.compile(r"\d+(?:[,.]\d*)?$")
_DATE6 = re.compile(r"\d{6}$")


@dataclass(slots=True)
class Entry:
    """A parsed ``:61:`` line plus the ``:86:`` lines that belong to it (not yet refined)."""

    value_date: date
    booking_date: date | None
    mark: str
    funds_code: str | None
    amount: Decimal
    type_code: str | None
    customer_reference: str
    bank_reference: str | None
    supplementary: str
    detail: tuple[str, ...]
    line: int
    raw: str


DATES: dict[str, date] = {}
"""Value dates by their ``YYMMDD`` text, each as :func:`parse_yymmdd` made it without clamping."""
ENTRY_DATES: dict[str, date] = {}
"""Entry dates by ``YYMMDD`` + ``MMDD``, each as made without clamping."""


def parse_yymmdd(text: str, *, clamped: list[str] | None = None) -> date:
    """``YYMMDD`` → date in 20YY. A day past the month's end (30 February) is clamped
    to the last day and noted in ``clamped``; anything else invalid raises."""
    known = DATES.get(text)
    if known is not None:
        return known
    if not _DATE6.match(text):
        raise FieldError("date", f"date {text!r} is not YYMMDD")
    year, month, day = 2000 + int(text[:2]), int(text[2:4]), int(text[4:6])
    before = len(clamped) if clamped is not None else 0
    value = make_date(year, month, day, clamped=clamped, text=text)
    if (len(clamped) if clamped is not None else 0) == before:
        if len(DATES) > 10_000:
            DATES.clear()
        DATES[text] = value
    return value


def make_date(year: int, month: int, day: int, *, clamped: list[str] | None, text: str) -> date:
    """A date, clamping days 29–31 past a month's end (banks write 30 February)."""
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        raise FieldError("date", f"date {text!r} does not exist", text=text)
    last = calendar.monthrange(year, month)[1]
    if day > last:
        if clamped is not None:
            clamped.append(text)
        day = last
    return date(year, month, day)


def entry_date(value: date, mmdd: str, *, clamped: list[str] | None = None) -> date:
    """The booking date ``MMDD`` next to ``value``: same year, ±1 across new year."""
    month, day = int(mmdd[:2]), int(mmdd[2:])
    year = value.year
    if value.month == 12 and month == 1:
        year += 1
    elif value.month == 1 and month == 12:
        year -= 1
    return make_date(year, month, day, clamped=clamped, text=mmdd)


def to_decimal(text: str, *, digits: int = 0, negative: bool = False) -> Decimal:
    """A SWIFT amount (``1234,5``, ``1234,``; a few banks write ``.``) as Decimal with
    at least ``digits`` decimals: ``10,`` → ``10.00`` for ``digits=2``."""
    if not _AMOUNT.match(text):
        raise FieldError("amount", f"amount {text!r} is not a SWIFT amount (digits, ',' decimals)")
    whole, _, fraction = text.replace(".", ",").partition(",")
    if len(fraction) < digits:
        fraction += "0" * (digits - len(fraction))
    number = f"{whole}.{fraction}" if fraction else whole
    if negative and (whole.strip("0") or fraction.strip("0")):
        return Decimal("-" + number)
    return Decimal(number)


DIGITS: dict[str | None, int] = {}
"""Minor-unit digits by currency, as :func:`decimals` found them."""


def decimals(currency: str | None) -> int:
    """Minor-unit digits of ``currency`` (2 when unknown)."""
    digits = DIGITS.get(currency)
    if digits is None:
        digits = exponent(currency) if currency else 2
        if len(DIGITS) < 1024:
            DIGITS[currency] = digits
    return digits


_DEBIT = frozenset({"D", "RC", "ED"})
_LOWER_MARKS = frozenset({"c", "d"})


def is_debit(mark: str) -> bool:
    """Debit (``D``, ``RC`` = reversal of a credit) is negative; ``C`` and ``RD`` positive."""
    return mark in ("D", "RC", "ED")


def parse_61(lines: tuple[str, ...], *, line: int, raw: str, clamped: list[str], digits: int = 2) -> Entry:
    """Parse a ``:61:`` value (first line plus supplementary-details lines)."""
    first, rest = lines[0].rstrip(), lines[1:]
    match = _LINE_61.match(first)
    if match is None and rest:
        # some banks break the line before the amount (Sparkasse): join the first two
        first, rest = first + rest[0].strip(), rest[1:]
        match = _LINE_61.match(first)
    if match is None:
        raise diagnose_61(first)
    vdate, edate, mark, funds, amount, code, cref, bref = match.groups()
    return new_entry(
        vdate,
        edate,
        mark,
        funds,
        amount,
        code,
        cref,
        bref,
        "\n".join(rest) if rest else None,
        (),
        line,
        raw,
        clamped,
        digits,
    )


def new_entry(  # noqa: PLR0917 - the sub-fields of a :61: line, positional for speed
    vdate: str,
    edate: str | None,
    mark: str,
    funds: str | None,
    amount: str,
    code: str,
    cref: str,
    bref: str | None,
    rest: str | None,
    detail: tuple[str, ...],
    line: int,
    raw: str,
    clamped: list[str],
    digits: int,
) -> Entry:
    """The :class:`Entry` of the matched sub-fields of a ``:61:`` line (as :data:`LINE_61`
    groups them); ``rest`` is its further lines joined by ``\\n`` (``None``: no further line),
    ``detail`` the lines of its ``:86:`` as far as known."""
    if mark in _LOWER_MARKS:
        mark = mark.upper()
    try:
        value = DATES.get(vdate) or parse_yymmdd(vdate, clamped=clamped)
        booking = booking_date(value, vdate, edate, clamped) if edate and edate != "    " else None
    except FieldError as exc:
        part = "value date" if exc.text == vdate else "entry date"
        raise FieldError(part, exc.message) from None
    # the bank reference runs up to its first "/"; the rest of that part (ING "/TRCD/…/")
    # and the further lines are the supplementary details
    head, sep, tail = bref.partition("/") if bref is not None else ("", "", "")
    bank_ref = head.strip() or None
    supplementary = rest or ""
    if sep:
        supplementary = "/" + tail if rest is None else "/" + tail + "\n" + rest
    # the amount (the pattern allows digits with at most one "," or ".") with at least
    # ``digits`` decimals, negative for a debit unless zero
    whole, point, fraction = amount.partition(",")
    if not point:
        whole, point, fraction = amount.partition(".")
    if len(fraction) < digits:
        fraction += "0" * (digits - len(fraction))
    number = whole + "." + fraction if fraction else whole
    if mark in _DEBIT and number.strip("0."):
        number = "-" + number
    return Entry(
        value,
        booking,
        mark,
        funds,
        Decimal(number),
        code.rstrip() or None,
        cref,
        bank_ref,
        supplementary,
        detail,
        line,
        raw,
    )


def booking_date(value: date, vdate: str, edate: str, clamped: list[str]) -> date:
    """The entry date ``edate`` (``MMDD``) of the value date ``value`` (``vdate``), remembered."""
    key = vdate + edate
    booking = ENTRY_DATES.get(key)
    if booking is None:
        booking = entry_date(value, edate, clamped=clamped)
        if not clamped:
            if len(ENTRY_DATES) > 10_000:
                ENTRY_DATES.clear()
            ENTRY_DATES[key] = booking
    return booking


def diagnose_61(text: str) -> FieldError:
    """Say which sub-field of a ``:61:`` line is wrong."""
    if not _DATE6.match(text[:6]):
        return FieldError("value date", f"value date {text[:6]!r} is not YYMMDD")
    rest = text[6:]
    if rest[:4].isdigit():
        rest = rest[4:]
    mark = re.match(r"RC|RD|EC|ED|C|D|c|d", rest)
    if mark is None:
        return FieldError("debit/credit mark", f"debit/credit mark missing before {rest[:8]!r}")
    rest = rest[mark.end() :]
    if rest[:1].isalpha():
        rest = rest[1:]
    amount = re.match(r"\d+(?:[,.]\d*)?", rest)
    if amount is None:
        return FieldError("amount", f"amount missing or not a number at {rest[:15]!r}")
    after = rest[amount.end() :][:6]
    return FieldError("transaction type", f"transaction type missing at {after!r}")


def parse_balance(text: str, *, kind: str, clamped: list[str]) -> Balance:
    """``C250101EUR1000,00`` → a signed :class:`Balance` of ``kind`` (``60F``, ``62M``, …)."""
    match = _BALANCE.match(text)
    if match is None:
        if not re.match(r"\s*[CD]", text):
            raise FieldError("debit/credit mark", "balance does not start with C or D")
        raise FieldError("balance", "balance is not <C|D><YYMMDD><currency><amount>")
    mark, day, currency, amount = match.groups()
    return Balance(
        date=parse_yymmdd(day, clamped=clamped),
        amount=to_decimal(amount, digits=decimals(currency), negative=is_debit(mark)),
        currency=currency,
        kind=kind,
    )


def parse_number(text: str) -> tuple[str | None, str | None]:
    """``:28C:`` ``19321/1`` → (``19321``, ``1``); a missing part is ``None``."""
    number, _, sequence = text.strip().partition("/")
    return (number.strip() or None, sequence.strip() or None)


_CURRENCY_TAIL = re.compile(r"^(.*?[0-9A-Za-z.]) ?([A-Z]{3})$")
_BANK_PREFIX = re.compile(r"^[A-Z]{4,}BANK/")


def _strip_currency(text: str, currency: str | None) -> str:
    tail = _CURRENCY_TAIL.match(text)
    if tail and (tail.group(2) == currency or looks_like_iban(tail.group(1).replace(" ", ""))):
        return tail.group(1)
    return text


def account_id(value: str, *, currency: str | None) -> str:
    """The account of ``:25:``: an IBAN (trailing currency and spaces removed) or the
    account number (dots, a bank prefix like ``TRIODOSBANK/`` and leading zeros of a
    plain number removed). Other forms (``BLZ/account``, ``BIC/account``) stay as written
    apart from a trailing currency code."""
    text = _strip_currency(_BANK_PREFIX.sub("", value.strip()), currency).strip()
    compact = text.replace(" ", "")
    if looks_like_iban(compact):
        return compact.upper()
    plain = compact.replace(".", "")
    if plain.isdigit():
        return plain.lstrip("0") or plain
    return text
