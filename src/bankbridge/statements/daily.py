"""Splitting a statement into daily statements (R-E8): one per account per transaction
date, only for days with transactions, with the running balance carried from day to day."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import groupby

from bankbridge.errors import InputError
from bankbridge.statements.identity import line_date
from bankbridge.statements.model import Statement, StatementLine


@dataclass(frozen=True, slots=True)
class Day:
    """The lines of one transaction date, with the balances the file gives for that day."""

    date: date
    lines: tuple[StatementLine, ...]
    opening: Decimal | None
    closing: Decimal | None


def _fallback_date(statement: Statement) -> date | None:
    for balance in (statement.closing_balance, statement.opening_balance):
        if balance is not None:
            return balance.date
    return statement.created


def first_date(statement: Statement) -> date:
    """The earliest day of ``statement``: of its lines, else of its balances
    (``date.min`` when it has none)."""
    dates = [d for d in (line_date(line) for line in statement.lines) if d is not None]
    if dates:
        return min(dates)
    return _fallback_date(statement) or date.min


def date_order(statements: Sequence[Statement]) -> list[int]:
    """The positions of ``statements`` with each account's in date order (by
    :func:`first_date`; statements of one day keep their order), in the places the
    account's statements have. Some banks export the newest statement first (a file, or
    the files of a zip); stored in that order, each day's opening balance would be
    checked against an older day than the one before it, and a day without an opening
    balance would start from that older day's closing balance."""
    places: dict[str, list[int]] = {}
    for index, statement in enumerate(statements):
        places.setdefault(statement.account, []).append(index)
    out = list(range(len(statements)))
    for indexes in places.values():
        ordered = sorted(indexes, key=lambda i: first_date(statements[i]))
        for place, index in zip(indexes, ordered, strict=True):
            out[place] = index
    return out


def days(statement: Statement) -> list[Day]:
    """The statement's lines grouped per transaction date, in date order (file order within
    a day). Balances run from the file's opening balance when it has one."""
    fallback = _fallback_date(statement)
    dated: list[tuple[date, int, StatementLine]] = []
    for index, line in enumerate(statement.lines):
        day = line_date(line) or fallback
        if day is None:
            raise InputError(f"statement {statement.statement_number or '?'} line {index + 1} has no date")
        dated.append((day, index, line))
    dated.sort(key=lambda item: (item[0], item[1]))
    balance = statement.opening_balance.amount if statement.opening_balance else None
    out: list[Day] = []
    for day, group in groupby(dated, key=lambda item: item[0]):
        lines = tuple(item[2] for item in group)
        closing = None if balance is None else balance + _sum(lines)
        out.append(Day(day, lines, balance, closing))
        balance = closing
    return out


def _sum(lines: Iterable[StatementLine]) -> Decimal:
    return sum((line.amount for line in lines), Decimal(0))
