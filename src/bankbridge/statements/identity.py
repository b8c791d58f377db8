"""The identity of a statement line, for "read twice, booked once" (R-B4).

The rule, written once:

* A line's identity is the bank's own reference when the bank gives a usable one
  (``bank_reference``: CAMT ``AcctSvcrRef``, MT940 ``//`` reference, CODA bank reference,
  the API's transaction id), taken together with the account, the booking date and the
  amount — banks restart their numbering (Rabobank every year) and some repeat a
  reference inside a batch, so the reference alone is not enough.
* Without a usable reference (none, ``NONREF``, ``NOTPROVIDED``) it is a fingerprint of
  account, booking and value date, amount, counterparty IBAN and name, and the
  description with white space and case folded.
* Either way an *occurrence count* is added: the n-th line with the same basis within
  one day of one statement gets n. Two equal coffee payments on one day are two lines;
  the same day read again (an overlapping file, the final statement after an intraday
  report, a second API fetch) gives the same identities and is skipped.

The identity is the line's transaction date as ``YYYYMMDD`` (``00000000`` when the line
has none) followed by the first 56 hex digits (224 bits) of the SHA-256 digest of the
basis and the count: 64 characters, unique per account in the database. The date in
front keeps the lines of one day side by side in the database's unique index, so storing
a day touches a few index pages instead of one page per line.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date

from bankbridge.money import format_amount
from bankbridge.statements.model import StatementLine

NO_DATE = "00000000"
DIGEST_CHARS = 56
PLACEHOLDER_REFERENCES = frozenset({"", "NONREF", "NOTPROVIDED", "NOT PROVIDED", "NONE", "N/A", "NA"})


def usable_reference(line: StatementLine) -> str | None:
    """The bank reference when it identifies the line (placeholders are not references)."""
    ref = (line.bank_reference or "").strip()
    return None if ref.upper() in PLACEHOLDER_REFERENCES else ref


def line_date(line: StatementLine) -> date | None:
    """The transaction date of a line: its booking date, else its value date."""
    return line.booking_date or line.value_date


def _fold(text: str | None) -> str:
    return " ".join((text or "").split()).upper()


def basis(account: str, line: StatementLine) -> str:
    """What the identity is computed from (before the occurrence count)."""
    day = line_date(line)
    amount = format_amount(line.amount.normalize()) if line.amount else "0"
    ref = usable_reference(line)
    if ref is not None:
        return f"ref|{account}|{day}|{amount}|{ref}"
    parts = (
        account,
        str(day),
        str(line.value_date),
        amount,
        (line.counterparty_iban or "").upper(),
        _fold(line.counterparty_name),
        _fold(line.description),
    )
    return "fp|" + "|".join(parts)


def identities(account: str, lines: Sequence[StatementLine]) -> list[str]:
    """The identities of ``lines`` (one day of one statement), occurrence counts included."""
    seen: dict[str, int] = {}
    prefixes: dict[date | None, str] = {}  # the lines of a day share their date
    sha256 = hashlib.sha256
    out = []
    for line in lines:
        b = basis(account, line)
        count = seen[b] = seen.get(b, 0) + 1
        day = line_date(line)
        prefix = prefixes.get(day)
        if prefix is None:
            prefix = prefixes[day] = day.isoformat().replace("-", "") if day else NO_DATE
        out.append(prefix + sha256(f"{b}|{count}".encode()).hexdigest()[:DIGEST_CHARS])
    return out
