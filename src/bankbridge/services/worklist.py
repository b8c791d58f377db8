"""What is left for manual work, and undoing a whole statement (R-D9, R-G3).

:func:`lines` lists statement lines with their ids — the ids ``bankbridge book``,
``code-from-line`` and ``undo`` take — with the outcome of processing: by default the
lines not booked (``open`` and ``proposed``), with the sentence saying why and the best
candidate. :func:`undo_statement` undoes the processing of every booked line of one
statement in one transaction, exactly as :func:`~bankbridge.services.processing.undo`
does for one line.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from bankbridge.ledger.access import Access
from bankbridge.money import from_minor
from bankbridge.services.ports import Clock, UnitOfWork

NOT_BOOKED = ("open", "proposed")


@dataclass(frozen=True, slots=True)
class LineSummary:
    """One statement line as the work list shows it."""

    line_id: int
    statement_id: int
    administration: str
    journal: str
    date: date | None
    amount: Decimal
    currency: str
    counterparty: str
    description: str
    status: str
    rule: str | None
    evidence: str
    candidate: str
    """The best candidate in words (``invoice 20260001 of 10001``, ``GL 1010``), or ''."""


def lines(
    uow_factory: Callable[[], UnitOfWork],
    *,
    access: Access,
    administration: str | None = None,
    statement_id: int | None = None,
    statuses: Sequence[str] = NOT_BOOKED,
    limit: int | None = None,
) -> list[LineSummary]:
    """Lines the caller may see with one of ``statuses``, by administration, journal, date."""
    with uow_factory() as uow:
        rows = uow.bookings.line_list(
            access, administration=administration, statement_id=statement_id, statuses=tuple(statuses), limit=limit
        )
    return [_summary(r) for r in rows]


def _summary(row: dict[str, Any]) -> LineSummary:
    currency = str(row["currency"])
    day = row["booking_date"] or row["value_date"]
    return LineSummary(
        line_id=int(row["id"]),
        statement_id=int(row["statement_id"]),
        administration=str(row["administration"]),
        journal=str(row["journal"]),
        date=date.fromisoformat(day) if isinstance(day, str) else day,
        amount=from_minor(int(row["amount_minor"]), currency),
        currency=currency,
        counterparty=str(row["counterparty_name"] or row["counterparty_iban"] or ""),
        description=str(row["description"] or ""),
        status=str(row["status"]),
        rule=None if row["rule"] is None else str(row["rule"]),
        evidence=str(row["evidence"] or ""),
        candidate=_best(str(row["candidates"] or "[]")),
    )


def _best(candidates: str) -> str:
    """The first (best) candidate in words."""
    found = json.loads(candidates)
    if not found:
        return ""
    first = found[0]
    if first.get("invoice_numbers"):
        who = f" of {first['relation']}" if first.get("relation") else ""
        return f"invoice {', '.join(first['invoice_numbers'])}{who} ({first['score']})"
    if first.get("gl_account"):
        return f"GL {first['gl_account']} ({first['score']})"
    return f"relation {first['relation']} ({first['score']})" if first.get("relation") else ""


def undo_statement(
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    *,
    access: Access,
    statement_id: int,
    actor: str = "bankbridge",
) -> list[int]:
    """Undo the processing of every booked line of one statement (R-G3): entries reversed,
    settlements reopened, batches back in transit, added bank accounts removed; the
    statement is in progress again. Returns the lines undone (none booked: nothing)."""
    from bankbridge.services import batches as sent_batches  # the engine and readers only here, not for `lines`

    with uow_factory() as uow:
        uow.bookings.lock_deciding_of(statement_id=statement_id)
        administration, line_ids = uow.bookings.booked_lines_of(access, statement_id)
        removed: list[str] = []
        for line_id in line_ids:
            uow.bookings.undo_line(access, line_id, now=clock.now())
            sent_batches.reopen(uow, line_id)
            gone = uow.bookings.remove_added_bank_accounts(line_id)
            removed += [f"bank account {iban} removed from relation {rel}" for rel, iban in gone]
        if line_ids:
            uow.bookings.audit(
                [
                    {
                        "at": clock.now(),
                        "actor": actor,
                        "administration": administration,
                        "action": "undo",
                        "subject": f"statement {statement_id}: {len(line_ids)} lines",
                        "detail": "; ".join(removed),
                    }
                ]
            )
        uow.commit()
    return line_ids
