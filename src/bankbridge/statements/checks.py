"""Pure checks on parsed statements (no database)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from bankbridge.money import format_amount
from bankbridge.statements.model import Diagnostic, Statement, StatementLine


def balance_difference(statement: Statement) -> Decimal | None:
    """closing − (opening + Σ lines); ``None`` when the statement lacks a balance."""
    if statement.opening_balance is None or statement.closing_balance is None:
        return None
    total = sum((line.amount for line in statement.lines), Decimal(0))
    return statement.closing_balance.amount - (statement.opening_balance.amount + total)


def check_balance(statement: Statement) -> Diagnostic | None:
    """A diagnostic naming the statement and the difference when the balances do not add up."""
    diff = balance_difference(statement)
    if diff is None or diff == 0:
        return None
    assert statement.opening_balance is not None
    assert statement.closing_balance is not None
    total = statement.closing_balance.amount - statement.opening_balance.amount - diff
    name = statement.statement_number or statement.statement_id or "?"
    return Diagnostic(
        code="balance_mismatch",
        message=(
            f"statement {name} of {statement.account}: opening balance "
            f"{format_amount(statement.opening_balance.amount)} + lines {format_amount(total)} "
            f"!= closing balance {format_amount(statement.closing_balance.amount)} "
            f"(difference {format_amount(diff)})"
        ),
        source=statement.source,
    )


NOT_BOOKED = {"PDNG": "pending", "INFO": "information only"}
"""Entry statuses (CAMT ``Ntry/Sts``) of lines the bank has not booked on the account, with
what they mean. A CAMT.052 intraday report may hold them; the booked entry comes with a
later report or the day's final statement, often with another booking date, amount or
reference — so another identity: storing the pending one would book the payment twice."""


def line_status(line: StatementLine) -> str | None:
    """The line's entry status (``BOOK``, ``PDNG``, ``INFO``; upper case, stripped), or
    ``None`` when the source gives none (MT940, CODA, OFX, CAMT without ``Sts``)."""
    for key, value in line.extra:
        if key == "Sts":
            return value.strip().upper()
    return None


def booked_lines(statement: Statement) -> tuple[Statement, dict[str, int]]:
    """``statement`` with only the lines the bank has booked, and how many lines were left
    out per status (:data:`NOT_BOOKED`). Lines without a status are booked lines."""
    left_out: dict[str, int] = {}
    kept: list[StatementLine] = []
    for line in statement.lines:
        status = line_status(line) if line.extra else None
        if status in NOT_BOOKED:
            left_out[status] = left_out.get(status, 0) + 1
        else:
            kept.append(line)
    if not left_out:
        return statement, left_out
    return replace(statement, lines=tuple(kept)), left_out
