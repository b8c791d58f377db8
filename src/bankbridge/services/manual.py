"""Manual work on what the engine left (R-D9, R-G3): book a line by hand — to open items,
to GL accounts, or split over several of both — and create a bank transaction code from
a line, its data taken from the line; and the codes worth creating, learnt from the
lines booked by hand (R-G4, :func:`suggest_codes`).

Parts are signed like the line (money in positive) and must add up to the line's amount.
A part on an open item settles it (never more than is open); a part on a GL account
posts there. The booking is a balanced journal entry with rule ``manual`` and a sentence
naming who booked what.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from bankbridge.errors import AlreadyMatched, InputError, PermissionDenied
from bankbridge.ledger.access import Access
from bankbridge.ledger.model import Posting, RelationKind, Settlement, TransactionCode
from bankbridge.ledger.processing import Booking, LineOutcome, PendingLine
from bankbridge.matching.suggest import MIN_LINES, CodeLine, CodeSuggestion
from bankbridge.matching.suggest import suggest_codes as learn
from bankbridge.money import format_amount
from bankbridge.services.ports import Clock, UnitOfWork

DEBTORS_GL = "1300"
CREDITORS_GL = "1600"


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a manual booking: an open item (``invoice_number``) or a GL account."""

    amount: Decimal
    invoice_number: str | None = None
    gl_account: str | None = None


def _line(uow: UnitOfWork, access: Access, line_id: int, *, booked: bool = False) -> PendingLine:
    """The line, if the caller may see it; a booked one only when ``booked`` allows it."""
    found = uow.bookings.pending([line_id])
    if not found or not access.allows(found[0].administration):
        raise PermissionDenied(f"no statement line {line_id}")
    if found[0].status == "booked" and not booked:
        raise AlreadyMatched(f"statement line {line_id} is booked already; undo it first")
    return found[0]


def _booking_parts(uow: UnitOfWork, line: PendingLine, parts: Sequence[Part]) -> tuple[list[Posting], list[Settlement]]:
    bank_gl = uow.bookings.journal_gl_account(line.administration, line.journal)
    postings = [Posting(bank_gl, line.line.amount)]
    settlements: list[Settlement] = []
    taken: dict[str, Decimal] = {}
    for part in parts:
        if (part.invoice_number is None) == (part.gl_account is None):
            raise InputError("each part names either an invoice number or a GL account")
        if part.gl_account is not None:
            uow.bookings.require_gl_account(line.administration, part.gl_account)
            postings.append(Posting(part.gl_account, -part.amount))
            continue
        item, kind = uow.bookings.open_item(line.administration, str(part.invoice_number))
        if item.currency != line.currency:
            raise InputError(f"invoice {item.invoice_number} is in {item.currency}, the line in {line.currency}")
        settle = part.amount if kind is RelationKind.DEBTOR else -part.amount
        left = item.amount - taken.get(item.invoice_number, Decimal(0))
        if settle <= 0 or settle > left:
            earlier = " after the earlier parts" if item.invoice_number in taken else ""
            raise InputError(
                f"{format_amount(part.amount)} cannot settle invoice {item.invoice_number}: "
                f"{format_amount(left)} is open{earlier}"
            )
        taken[item.invoice_number] = taken.get(item.invoice_number, Decimal(0)) + settle
        control = DEBTORS_GL if kind is RelationKind.DEBTOR else CREDITORS_GL
        postings.append(Posting(control, -part.amount, relation=item.relation))
        settlements.append(Settlement(item.invoice_number, item.relation, settle))
    return postings, settlements


def book_by_hand(
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    *,
    access: Access,
    line_id: int,
    parts: Sequence[Part],
    actor: str = "bankbridge",
) -> str:
    """Book one line by hand (split when several parts); returns the evidence sentence."""
    if not parts:
        raise InputError("name at least one open item or GL account to book the line on")
    with uow_factory() as uow:
        uow.bookings.lock_deciding_of(line_id=line_id)
        line = _line(uow, access, line_id)
        total = sum((p.amount for p in parts), Decimal(0))
        if total != line.line.amount:
            raise InputError(
                f"the parts add up to {format_amount(total)}, the line is {format_amount(line.line.amount)}"
            )
        postings, settlements = _booking_parts(uow, line, parts)
        what = ", ".join(
            f"{format_amount(p.amount)} on {'invoice ' + p.invoice_number if p.invoice_number else p.gl_account}"
            for p in parts
        )
        evidence = f"booked by hand by {actor}: {what}"
        booking = Booking(
            line_id=line_id,
            administration=line.administration,
            journal=line.journal,
            voucher_number=line.voucher_number,
            entry_date=line.line.booking_date or line.line.value_date,  # type: ignore[arg-type]
            currency=line.currency,
            rule="manual",
            postings=tuple(postings),
            settlements=tuple(settlements),
            description=(line.line.description or "")[:200],
        )
        uow.bookings.save([LineOutcome(line_id, "booked", "manual", evidence, 100)], [booking], now=clock.now())
        uow.bookings.close_statements({line.statement_id}, now=clock.now())
        uow.bookings.audit(
            [
                {
                    "at": clock.now(),
                    "actor": actor,
                    "administration": line.administration,
                    "action": "book_by_hand",
                    "subject": f"line {line_id}",
                    "detail": evidence,
                }
            ]
        )
        uow.commit()
    return evidence


def code_from_line(
    uow_factory: Callable[[], UnitOfWork],
    *,
    access: Access,
    line_id: int,
    gl_account: str,
    search_value: str = "",
    commission_gl_account: str | None = None,
) -> TransactionCode:
    """Create a bank transaction code from a line (R-D9): bank, code and description come
    from the line; the user gives the GL account (and optionally a search value). The line
    may be booked already (by hand, say: the suggestions of :func:`suggest_codes` name
    such lines); the code books the lines of later runs."""
    with uow_factory() as uow:
        line = _line(uow, access, line_id, booked=True)
        if not line.line.bank_code:
            raise InputError(f"statement line {line_id} carries no bank transaction code")
        if not line.bank_bic:
            raise InputError(f"journal {line.journal} of {line.administration} has no BIC; set it in journals.csv")
        environment = uow.bookings.environment_of(line.administration)
        uow.bookings.require_gl_account(line.administration, gl_account)
        if search_value and search_value not in " ".join(
            filter(None, [line.line.description, line.line.counterparty_name, *line.line.detail_lines])
        ):
            raise InputError(f"search value {search_value!r} does not occur in the line")
        code = TransactionCode(
            environment=environment,
            bank=line.bank_bic,
            code=line.line.bank_code,
            gl_account=gl_account,
            search_value=search_value,
            description=(line.line.description or line.line.bank_code)[:200],
            commission_gl_account=commission_gl_account,
        )
        if uow.bookings.transaction_code_exists(code):
            raise AlreadyMatched(
                f"transaction code {code.code} of {code.bank} with search value {search_value!r} exists already"
            )
        uow.ledger.upsert("transaction_codes.csv", [code], lambda _a: None)
        uow.commit()
    return code


def suggest_codes(
    uow_factory: Callable[[], UnitOfWork],
    *,
    access: Access,
    administration: str | None = None,
    min_lines: int = MIN_LINES,
) -> list[CodeSuggestion]:
    """Transaction code rules worth creating (R-G4), learnt from the lines the caller may
    see that were booked by hand wholly on one GL account: see :mod:`bankbridge.matching.suggest`.
    Lines of a journal without a BIC are left out (a code is per bank)."""
    if min_lines < 1:
        raise InputError("--min-lines must be at least 1")
    with uow_factory() as uow:
        manual = uow.bookings.manual_gl_bookings(access, administration=administration)
        if not manual:
            return []
        codes = {code for _, code in manual.values() if code}
        accounts = {line_id: account for line_id, (account, _) in manual.items()}
        environments = {a.code: a.environment for a in uow.ledger.records("administrations.csv")}
        existing = tuple(uow.ledger.records("transaction_codes.csv"))
        return learn(
            (
                CodeLine(line_id, environments[adm], bic, code, text, name, booked, accounts.get(line_id))
                for line_id, adm, bic, code, text, name, booked in uow.bookings.coded_lines(
                    access, codes, administration=administration
                )
                if bic
            ),
            existing,
            min_lines=min_lines,
        )
