"""The bank's books: today's date, adding entries, balances and running balances.

Amounts are signed minor units in the database (credit positive) and ``Decimal`` at
the edges. "Today" is the bank's day in its own time zone (``settings.timezone``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bankbridge.money import from_minor, to_minor
from bankbridge.sandbox.store import new_id
from bankbridge.sandbox.tables import Account, Entry


def bank_day(moment: datetime, timezone: str) -> date:
    """The bank's calendar day at ``moment``."""
    return moment.astimezone(ZoneInfo(timezone)).date()


@dataclass(frozen=True, slots=True)
class NewEntry:
    """What it takes to book (or announce) one entry; amount signed, credit positive."""

    amount: Decimal
    booking_date: date
    value_date: date | None = None
    status: str = "booked"
    counterparty_name: str | None = None
    counterparty_iban: str | None = None
    counterparty_bic: str | None = None
    remittance: str | None = None
    reference: str | None = None
    reference_type: str | None = None
    end_to_end_id: str | None = None
    mandate_id: str | None = None
    creditor_id: str | None = None
    bank_code: str = "PMNT-RCDT-ESCT"
    proprietary_code: str | None = None
    purpose_code: str | None = None
    reason_code: str | None = None
    batch_id: str | None = None
    batch_count: int | None = None
    payment_id: str | None = None


def add_entry(session: Session, account: Account, new: NewEntry) -> Entry:
    """Add an entry with the account's next entry reference."""
    last = session.scalar(select(func.max(Entry.entry_reference)).where(Entry.account_id == account.id))
    entry = Entry(
        id=new_id("tx-", 12),
        account_id=account.id,
        entry_reference=(last or 0) + 1,
        status=new.status,
        booking_date=new.booking_date,
        value_date=new.value_date or new.booking_date,
        amount_minor=to_minor(new.amount, account.currency),
        currency=account.currency,
        counterparty_name=new.counterparty_name,
        counterparty_iban=new.counterparty_iban,
        counterparty_bic=new.counterparty_bic,
        remittance=new.remittance,
        reference=new.reference,
        reference_type=new.reference_type,
        end_to_end_id=new.end_to_end_id,
        mandate_id=new.mandate_id,
        creditor_id=new.creditor_id,
        bank_code=new.bank_code,
        proprietary_code=new.proprietary_code,
        purpose_code=new.purpose_code,
        reason_code=new.reason_code,
        batch_id=new.batch_id,
        batch_count=new.batch_count,
        payment_id=new.payment_id,
    )
    session.add(entry)
    session.flush()
    return entry


def book_generated(session: Session, account: Account, entries: list[NewEntry]) -> int:
    """Book generated entries on an account; returns how many."""
    for new in entries:
        add_entry(session, account, new)
    return len(entries)


def booked_entries(session: Session, account: Account) -> list[Entry]:
    """All booked entries of the account in booking order."""
    return list(
        session.scalars(
            select(Entry)
            .where(Entry.account_id == account.id, Entry.status == "booked")
            .order_by(Entry.booking_date, Entry.entry_reference)
        )
    )


def running_balances(session: Session, account: Account) -> dict[str, Decimal]:
    """The booked balance after each booked entry, by entry id."""
    total = account.opening_minor
    after: dict[str, Decimal] = {}
    for entry in booked_entries(session, account):
        total += entry.amount_minor
        after[entry.id] = from_minor(total, account.currency)
    return after


@dataclass(frozen=True, slots=True)
class Balances:
    """The three balances the API reports."""

    closing_booked: Decimal
    """End of yesterday."""
    interim_booked: Decimal
    """Including today's booked entries."""
    expected: Decimal
    """Booked plus pending."""
    last_entry_reference: int | None


def balances(session: Session, account: Account, today: date) -> Balances:
    """Closing booked (end of yesterday), interim booked (now) and expected (with pending)."""
    closing = interim = pending = account.opening_minor
    pending -= account.opening_minor
    last: int | None = None
    for entry in session.scalars(select(Entry).where(Entry.account_id == account.id)):
        if entry.status == "pending":
            pending += entry.amount_minor
            continue
        interim += entry.amount_minor
        closing += entry.amount_minor if entry.booking_date < today else 0
        last = max(last or 0, entry.entry_reference)
    cur = account.currency
    return Balances(from_minor(closing, cur), from_minor(interim, cur), from_minor(interim + pending, cur), last)
