"""CODA records: 128-character lines, cut into fields by 1-based inclusive positions.

A :class:`Record` knows its line number, its kind (``0``, ``1``, ``21``, ``22``, ``23``,
``31``, ``32``, ``33``, ``4``, ``8``, ``9``) and its text padded to 128 characters. The
field readers here turn positions into digits, amounts and dates, and raise a
:class:`~bankbridge.errors.ParseError` naming file, line, record type and field when a
field does not hold what the standard says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bankbridge.errors import ParseError
from bankbridge.money import exponent

RECORD_LENGTH = 128
_BLANK = " \t\r\n\x1a\x00"
"""Blank lines, and the Ctrl-Z (end of file) some DOS-era exports end with, are skipped."""
KINDS = frozenset({"0", "1", "21", "22", "23", "31", "32", "33", "4", "8", "9"})


@dataclass(frozen=True, slots=True)
class Record:
    """One CODA record: 1-based line number in the file, kind and padded text."""

    line: int
    kind: str
    text: str
    source: str

    def cut(self, start: int, end: int) -> str:
        """The characters at 1-based inclusive positions ``start``..``end``."""
        return self.text[start - 1 : end]

    def strip(self, start: int, end: int) -> str | None:
        """The field without surrounding blanks, ``None`` when blank."""
        value = self.cut(start, end).strip()
        return value or None

    def error(self, field: str, start: int, end: int, message: str) -> ParseError:
        """A :class:`ParseError` naming this record's line, type and ``field``."""
        return ParseError(
            message,
            file=self.source,
            line=self.line,
            column=start,
            path=f"record {self.kind}",
            field=f"{field} (positions {start}-{end})",
            excerpt=self.cut(start, end),
        )

    def digits(self, field: str, start: int, end: int) -> str:
        """A field that must be all digits."""
        value = self.cut(start, end)
        if not value.isdigit() or not value.isascii():
            raise self.error(field, start, end, "must be digits")
        return value

    def number(self, field: str, start: int, end: int) -> int:
        """A numeric field as an int."""
        return int(self.digits(field, start, end))

    def amount(self, field: str, sign_at: int, start: int, end: int) -> Decimal:
        """A signed amount: sign ``0`` credit / ``1`` debit, 12 integer + 3 decimal digits."""
        sign = self.cut(sign_at, sign_at)
        if sign not in ("0", "1"):
            raise self.error(f"{field} sign", sign_at, sign_at, "must be 0 (credit) or 1 (debit)")
        value = Decimal(self.number(field, start, end)).scaleb(-3)
        return -value if sign == "1" else value

    def date(self, field: str, start: int, end: int) -> date | None:
        """A ``DDMMYY`` date; ``000000`` (unknown) gives ``None``."""
        text = self.digits(field, start, start + 5)
        if text == "000000":
            return None
        day, month, year = int(text[:2]), int(text[2:4]), int(text[4:])
        try:
            return date(year + (1900 if year >= 80 else 2000), month, day)
        except ValueError:
            raise self.error(field, start, start + 5, "is not a date (DDMMYY)") from None


def trim(amount: Decimal, currency: str | None) -> Decimal:
    """CODA amounts carry 3 decimals: drop the third when it is 0 for a 2-decimal currency."""
    places = Decimal(1).scaleb(-exponent(currency or "EUR"))
    trimmed = amount.quantize(places) if amount.as_tuple().exponent == -3 else amount
    return trimmed if trimmed == amount else amount


def kind_of(text: str) -> str:
    """The record kind of a line: ``2x``/``3x`` take two characters, the rest one."""
    first = text[:1]
    if first in ("2", "3"):
        return text[:2]
    return first


def read_records(lines: list[str], *, source: str) -> list[Record]:
    """Turn the file's lines into records; blank lines are skipped."""
    records: list[Record] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip(_BLANK):
            continue
        text = line.rstrip("\r\n")
        if len(text) > RECORD_LENGTH:
            if text[RECORD_LENGTH:].strip():
                raise ParseError(
                    f"record is {len(text)} characters long; CODA records have {RECORD_LENGTH}",
                    file=source,
                    line=number,
                    excerpt=text[:20],
                )
            text = text[:RECORD_LENGTH]
        kind = kind_of(text)
        if kind not in KINDS:
            raise ParseError(
                f"unknown CODA record type {text[:2]!r}",
                file=source,
                line=number,
                field="record type (positions 1-2)",
                hint="expected 0, 1, 21-23, 31-33, 4, 8 or 9",
            )
        records.append(Record(number, kind, text.ljust(RECORD_LENGTH), source))
    return records


def split_unbroken(lines: list[str]) -> list[str]:
    """Cut lines holding several records without line breaks into 128-character records."""
    out: list[str] = []
    for line in lines:
        text = line.rstrip("\r\n")
        if len(text) > RECORD_LENGTH and len(text) % RECORD_LENGTH == 0 and text[0] == "0":
            out.extend(text[i : i + RECORD_LENGTH] for i in range(0, len(text), RECORD_LENGTH))
        else:
            out.append(line)
    return out
