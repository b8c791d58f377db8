"""Fast, namespace-blind access to ISO 20022 elements, and located value parsing.

CAMT files come in many namespace versions (``camt.053.001.02`` … ``.10``) and now
and then with no or an odd namespace, so elements are looked up by *local* name.
Children are indexed once per element (:func:`kids`) instead of running an
ElementPath query per field: that keeps a million entries within seconds.

:class:`Where` carries the file name and the XML path of the record being read, so
every value error becomes a :class:`~bankbridge.errors.ParseError` naming file, line,
path and field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lxml import etree

from bankbridge.errors import InputError, ParseError
from bankbridge.money import parse_decimal

Element = etree._Element
Kids = dict[str, Element]

DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:$|T)")
"""What a date text starts with (matched, not full-matched: a time may follow)."""
COUNT = re.compile(r"[0-9]{1,15}")
"""A count (full-matched)."""
_UTC_TIME = re.compile(r"T([0-9]{2}):([0-9]{2})[^+-]*(?:Z|[+-]00:?00)$")
LOCAL_ZONE = "Europe/Amsterdam"
"""A date-time given in UTC is taken as a date in this zone (the banks' day)."""


def _zone() -> tzinfo | None:
    try:
        return ZoneInfo(LOCAL_ZONE)
    except ZoneInfoNotFoundError:  # pragma: no cover - no time zone database
        return None


_LOCAL = _zone()


def calendar_day(value: str) -> date:
    """The date of ``YYYY-MM-DD[Thh:mm…]``: as written, except that a UTC time
    (``Z``/``+00:00``) is first moved to :data:`LOCAL_ZONE` (``2014-01-04T23:00:00Z`` is
    the 5th in Amsterdam). Raises ``ValueError`` for an impossible date."""
    day = date.fromisoformat(value[:10])
    utc = _UTC_TIME.search(value, 10)
    if utc is None or _LOCAL is None:
        return day
    hour, minute = int(utc.group(1)), int(utc.group(2))
    moment = datetime(day.year, day.month, day.day, min(hour, 23), min(minute, 59), tzinfo=UTC)
    return moment.astimezone(_LOCAL).date()


def local(tag: object) -> str:
    """The local part of a Clark-notation tag (``{ns}Amt`` → ``Amt``); '' for comments."""
    if not isinstance(tag, str):
        return ""
    return tag[tag.find("}") + 1 :]


def line_of(element: Element | None) -> int | None:
    """The 1-based source line of ``element`` (``None`` when unknown)."""
    value = element.sourceline if element is not None else None
    return value if isinstance(value, int) else None


def kids(element: Element | None) -> Kids:
    """The children of ``element`` by local name (the first of each name)."""
    out: Kids = {}
    if element is None:
        return out
    for child in element:
        name = local(child.tag)
        if name not in out:
            out[name] = child
    return out


def each(element: Element | None, name: str) -> list[Element]:
    """All children of ``element`` called ``name`` (local name)."""
    if element is None:
        return []
    return [child for child in element if local(child.tag) == name]


def text(element: Element | None) -> str | None:
    """The element's stripped text, or ``None`` when absent or empty."""
    if element is None or element.text is None:
        return None
    value = element.text.strip()
    return value or None


def dig(element: Element | None, path: str) -> Element | None:
    """The first element along ``A/B/C`` (local names), or ``None``."""
    for name in path.split("/"):
        if element is None:
            return None
        element = kids(element).get(name)
    return element


def dig_text(element: Element | None, path: str) -> str | None:
    """The text at ``A/B/C`` below ``element``, or ``None``."""
    return text(dig(element, path))


@dataclass(frozen=True, slots=True)
class Where:
    """The file and XML path of the record being read, for error messages."""

    file: str
    path: str
    line: int | None = None
    """The line of the record itself, used when the faulty element is missing."""

    def child(self, step: str, *, line: int | None = None) -> Where:
        """The location one step deeper (``Ntry[3]``, ``TxDtls[2]`` …)."""
        return Where(self.file, f"{self.path}/{step}", line or self.line)

    def error(self, message: str, *, element: Element | None, field: str) -> ParseError:
        """A ParseError at ``element`` (its line, else the record's) for ``field``."""
        line = line_of(element) or self.line
        return ParseError(message, file=self.file, line=line, path=self.path, field=field)

    def amount(self, element: Element | None, field: str) -> Decimal:
        """The unsigned decimal amount in ``element`` (required)."""
        value = text(element)
        if value is None:
            raise self.error("amount is missing", element=element, field=field)
        try:
            return parse_decimal(value)
        except InputError as exc:
            raise self.error(f"{value!r} is not an amount", element=element, field=field) from exc

    def sign(self, element: Element | None, field: str) -> int:
        """``+1`` for ``CRDT``, ``-1`` for ``DBIT`` (required)."""
        value = text(element)
        if value == "CRDT":
            return 1
        if value == "DBIT":
            return -1
        found = "missing" if value is None else f"{value!r}, not CRDT or DBIT"
        raise self.error(f"credit/debit indicator is {found}", element=element, field=field)

    def day(self, element: Element | None, field: str) -> date:
        """The date of an ISO date or date-time text: as written, except a UTC time, moved
        to the local zone first (:func:`calendar_day`)."""
        value = text(element)
        if value is None or not DATE.match(value):
            raise self.error(f"{value!r} is not a date", element=element, field=field)
        try:
            return calendar_day(value)
        except (ValueError, OverflowError) as exc:
            raise self.error(f"{value!r} is not a date", element=element, field=field) from exc

    def choice_day(self, element: Element | None, field: str) -> date | None:
        """A ``DateAndDateTimeChoice`` (``Dt`` or ``DtTm``), or ``None`` when absent."""
        if element is None:
            return None
        found = kids(element)
        inner = found.get("Dt", found.get("DtTm"))
        if inner is None:
            raise self.error("has neither Dt nor DtTm", element=element, field=field)
        return self.day(inner, field)

    def count(self, element: Element | None, field: str) -> int | None:
        """A non-negative whole number, or ``None`` when absent."""
        value = text(element)
        if value is None:
            return None
        if not COUNT.fullmatch(value):
            raise self.error(f"{value!r} is not a count", element=element, field=field)
        return int(value)
