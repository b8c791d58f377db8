"""``export bookings``: every statement line with its outcome, as the record of
interfaces.md (JSON lines or CSV)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from bankbridge.ledger.access import Access
from bankbridge.money import format_amount, from_minor
from bankbridge.services.ports import BookingReader

FIELDS = (
    "administration",
    "journal",
    "account_iban",
    "currency",
    "statement_number",
    "statement_date",
    "booking_date",
    "value_date",
    "amount",
    "counterparty_iban",
    "counterparty_name",
    "bank_reference",
    "end_to_end_id",
    "description",
    "bank_code",
    "status",
    "rule",
    "evidence",
    "settlements",
    "postings",
)


NOT_PROCESSED = "not processed yet: run `bankbridge process` (or import with --process)"


def _date(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _allocations(text: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in text.split("|")) if text else {}


def _contra_legs(postings: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The postings of the record: every leg of the line's journal entries except the bank
    account's own leg (the first posting of each entry, as the engine and manual booking
    store it), each in the line's sign — the part of the line amount that went to that
    account, so the postings of a booked line add up to its amount (interfaces.md's
    example: a line of -12.34 paying debtor 10001 back gives one posting of -12.34 on
    1300). The stored entry itself is the full double entry, debit positive."""
    entry = None
    for p in postings:
        if p["entry_id"] != entry:
            entry = p["entry_id"]
            continue
        yield p


def booking_record(line: dict[str, Any], booked: dict[str, list[dict[str, Any]]] | None) -> dict[str, Any]:
    """The record of one stored line (``line`` as read with its statement's fields)."""
    currency = line["currency"]
    booked = booked or {"postings": [], "settlements": []}
    return {
        "administration": line["administration"],
        "journal": line["journal"],
        "account_iban": line["account_iban"],
        "currency": currency,
        "statement_number": line["statement_number"],
        "statement_date": _date(line["statement_date"]),
        "booking_date": _date(line["booking_date"]),
        "value_date": _date(line["value_date"]),
        "amount": format_amount(from_minor(line["amount_minor"], currency)),
        "counterparty_iban": line["counterparty_iban"],
        "counterparty_name": line["counterparty_name"],
        "bank_reference": line["bank_reference"],
        "end_to_end_id": line["end_to_end_id"],
        "description": line["description"],
        "bank_code": line["bank_code"],
        "status": line["status"],
        "rule": line["rule"],
        "evidence": line["evidence"] or NOT_PROCESSED,
        "settlements": [
            {
                "invoice_number": s["invoice_number"],
                "relation": s["relation"],
                "amount": format_amount(from_minor(s["amount_minor"], s["currency"])),
            }
            for s in booked["settlements"]
        ],
        "postings": [
            {
                "gl_account": p["gl_account"],
                "relation": p["relation"],
                "amount": format_amount(from_minor(-p["amount_minor"], p["currency"])),
                "allocations": _allocations(p["allocations"]),
            }
            for p in _contra_legs(booked["postings"])
        ],
    }


def bookings(reader: BookingReader, access: Access, *, administration: str | None = None) -> Iterator[dict[str, Any]]:
    """The export records of every line the caller may see."""
    for line, booked in reader.bookings(access, administration=administration):
        yield booking_record(line, booked)


def jsonl(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    """One JSON object per line."""
    for record in records:
        yield json.dumps(record, ensure_ascii=False) + "\n"


def csv_lines(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    """CSV with the same columns; settlements and postings as JSON text in their cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FIELDS)
    yield buffer.getvalue()
    for record in records:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(
            [
                json.dumps(record[f], ensure_ascii=False) if f in ("settlements", "postings") else record[f]
                for f in FIELDS
            ]
        )
        yield buffer.getvalue()
