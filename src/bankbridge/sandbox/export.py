"""The account's booked entries as daily statements, written as CAMT.053 or MT940.

One :class:`~bankbridge.statements.model.Statement` per account per day with booked
entries (as banks produce them), with opening and closing booked balances, then the
formats' own writers (``bankbridge.formats.camt`` / ``bankbridge.formats.mt940``) turn
them into bytes — so a file import and an API fetch of the same data can be compared.
"""

from __future__ import annotations

from datetime import date
from itertools import groupby
from typing import Literal

from sqlalchemy.orm import Session

from bankbridge.formats.camt import FORMAT as CAMT
from bankbridge.formats.mt940 import FORMAT as MT940
from bankbridge.money import from_minor
from bankbridge.sandbox.bank import booked_entries
from bankbridge.sandbox.tables import Account, Entry
from bankbridge.statements.model import Balance, Statement, StatementLine

FileFormat = Literal["camt053", "mt940"]
MEDIA_TYPES: dict[FileFormat, str] = {"camt053": "application/xml", "mt940": "text/plain; charset=utf-8"}


def daily_statements(
    session: Session, account: Account, date_from: date, date_to: date, *, kind: FileFormat
) -> list[Statement]:
    """The statements of the days in ``[date_from, date_to]`` that have booked entries."""
    running = account.opening_minor
    statements: list[Statement] = []
    for day, group in groupby(booked_entries(session, account), key=lambda e: e.booking_date):
        entries = list(group)
        opening = running
        running += sum(e.amount_minor for e in entries)
        if date_from <= day <= date_to:
            statements.append(_statement(account, day, entries, (opening, running), kind))
    return statements


def _statement(
    account: Account, day: date, entries: list[Entry], balances: tuple[int, int], kind: FileFormat
) -> Statement:
    cur = account.currency
    return Statement(
        format=kind,
        account=account.iban,
        currency=cur,
        lines=tuple(_line(e) for e in entries),
        dialect="rabobank" if kind == "mt940" else "generic",
        account_bic=account.bic,
        account_name=account.name,
        statement_number=f"{day.timetuple().tm_yday:03d}",
        statement_id=f"{account.iban}-{day.isoformat()}",
        created=day,
        opening_balance=Balance(day, from_minor(balances[0], cur), cur, "OPBD"),
        closing_balance=Balance(day, from_minor(balances[1], cur), cur, "CLBD"),
    )


def _line(entry: Entry) -> StatementLine:
    return StatementLine(
        amount=from_minor(entry.amount_minor, entry.currency),
        booking_date=entry.booking_date,
        value_date=entry.value_date,
        currency=entry.currency,
        counterparty_iban=entry.counterparty_iban,
        counterparty_bic=entry.counterparty_bic,
        counterparty_name=entry.counterparty_name,
        bank_reference=entry.id,
        end_to_end_id=entry.end_to_end_id,
        mandate_id=entry.mandate_id,
        creditor_id=entry.creditor_id,
        payment_reference=entry.reference,
        payment_reference_type="CUR"
        if entry.reference_type == "CUR"
        else ("ISO" if entry.reference_type == "ISO" else None),
        description=entry.remittance,
        bank_code=entry.proprietary_code,
        iso_code=entry.bank_code,
        return_reason=entry.reason_code,
        batch_id=entry.batch_id,
        batch_count=entry.batch_count,
    )


def write(statements: list[Statement], kind: FileFormat) -> bytes:
    """CAMT.053.001.02 or Rabobank-layout MT940, by the formats' writers."""
    return CAMT.write(statements) if kind == "camt053" else MT940.write(statements)
