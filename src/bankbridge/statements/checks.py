"""Pure checks on parsed statements (no database)."""

from __future__ import annotations

from decimal import Decimal

from bankbridge.money import format_amount
from bankbridge.statements.model import Diagnostic, Statement


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
