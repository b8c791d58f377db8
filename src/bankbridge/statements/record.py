"""The ``parse`` record of ``interfaces.md``: one JSON-ready dict per statement."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from bankbridge.money import format_amount
from bankbridge.statements.model import Balance, Statement, StatementLine


def _d(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _a(value: Decimal | None) -> str | None:
    return format_amount(value) if value is not None else None


def _balance(balance: Balance | None) -> dict[str, Any] | None:
    if balance is None:
        return None
    return {"date": _d(balance.date), "amount": _a(balance.amount)}


def line_record(line: StatementLine) -> dict[str, Any]:
    """The record of one line, as in ``interfaces.md`` (batch items nested in ``items``)."""
    return {
        "booking_date": _d(line.booking_date),
        "value_date": _d(line.value_date),
        "amount": _a(line.amount),
        "currency": line.currency,
        "counterparty_iban": line.counterparty_iban,
        "counterparty_bic": line.counterparty_bic,
        "counterparty_name": line.counterparty_name,
        "bank_reference": line.bank_reference,
        "end_to_end_id": line.end_to_end_id,
        "mandate_id": line.mandate_id,
        "payment_reference": line.payment_reference,
        "description": line.description,
        "bank_code": line.bank_code,
        "iso_code": line.iso_code,
        "items": [line_record(item) for item in line.items],
        "raw": line.raw,
    }


def statement_record(statement: Statement, *, file: str) -> dict[str, Any]:
    """The ``parse`` record of one statement."""
    return {
        "file": file,
        "format": statement.format,
        "dialect": statement.dialect,
        "account_iban": statement.account,
        "currency": statement.currency,
        "statement_number": statement.statement_number,
        "sequence": statement.sequence,
        "opening_balance": _balance(statement.opening_balance),
        "closing_balance": _balance(statement.closing_balance),
        "lines": [line_record(line) for line in statement.lines],
    }
