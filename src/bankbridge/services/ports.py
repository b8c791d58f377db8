"""What the use cases need from storage, as protocols (the db layer implements them)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime
from types import TracebackType
from typing import Any, Protocol, Self

from bankbridge.ledger.access import Access
from bankbridge.ledger.lines import LineRecord
from bankbridge.ledger.model import (
    Journal,
    JournalEntry,
    LedgerBundle,
    NewLines,
    OpenItem,
    RelationKind,
    StoredStatement,
    TransactionCode,
)
from bankbridge.ledger.processing import AddedAccount, Booking, LineOutcome, PendingIds, PendingLine, SaveRows
from bankbridge.payments.model import BatchStatus, SentBatch, SentItem


class LedgerStore(Protocol):
    """Master data of the books."""

    def upsert(self, spec_name: str, records: Sequence[Any], environment_of: Callable[[str], str | None]) -> None:
        """Insert or update records of one bundle file (``environment_of`` maps an
        administration to its environment)."""

    def records(self, spec_name: str) -> Iterator[Any]: ...

    def master_data(self) -> LedgerBundle: ...


class StatementStore(Protocol):
    """Daily statements and their lines."""

    def journals(self) -> list[Journal]: ...

    def lock_journal(self, journal: Journal) -> None: ...

    def next_voucher(self, journal: Journal) -> int: ...

    def daily_statement(self, journal: Journal, day: date) -> StoredStatement | None: ...

    def daily_statements(self, journal: Journal, first: date, last: date) -> list[StoredStatement]: ...

    def previous_closing(self, journal: Journal, day: date) -> tuple[date, int | None] | None: ...

    def create_statement(self, values: dict[str, Any]) -> int: ...

    def create_statements(self, values: Sequence[dict[str, Any]]) -> list[int]: ...

    def voucher_counter(self, journal: Journal) -> int: ...

    def set_voucher_counter(self, journal: Journal, value: int) -> None: ...

    def update_statement(self, statement_id: int, values: dict[str, Any]) -> None: ...

    def add_raw(self, statement_id: int, source_file: str, text: str, source_line: int | None) -> None: ...

    def add_raws(self, rows: Sequence[tuple[int, str, str, int | None]]) -> None: ...

    def existing_identities(self, account_iban: str, identities: Sequence[str]) -> set[str]: ...

    def dates_with_lines(self, account_iban: str, first: date, last: date) -> set[date]:
        """Dates in ``first``…``last`` with stored lines of the account, in any journal."""

    def add_lines(self, target: NewLines, first_position: int, records: Sequence[LineRecord]) -> None:
        """Store prepared line records at positions ``first_position + 1 …``."""

    def add_line_groups(self, groups: Sequence[tuple[NewLines, int, Sequence[LineRecord]]]) -> None:
        """:meth:`add_lines` for many statements at once."""


class BookingReader(Protocol):
    """Read side of statements, always through the caller's access (R-F2)."""

    def bookings(
        self, access: Access, *, administration: str | None = None
    ) -> Iterator[tuple[dict[str, Any], dict[str, list[dict[str, Any]]] | None]]: ...


class BookingStore(Protocol):
    """What processing reads and writes."""

    def lock_deciding(self, administrations: set[str] | None) -> None:
        """Hold the right to decide lines of these administrations (``None``: all) until the
        transaction ends; taken before reading what is pending or booked."""

    def deciding_scope(
        self, access: Access, *, administration: str | None = None, journals: set[tuple[str, str]] | None = None
    ) -> set[str] | None:
        """The administrations whose lines :meth:`pending_ids` may give (``None``: no need to
        know, the database has one writer at a time)."""

    def lock_deciding_of(self, *, line_id: int | None = None, statement_id: int | None = None) -> None:
        """:meth:`lock_deciding` for the administration of a line or a statement."""

    def books_mark(self, administration: str) -> tuple[int, ...]:
        """A few numbers that change whenever the administration's books do."""

    def pending_counts(
        self, access: Access, *, administration: str | None = None, journals: set[tuple[str, str]] | None = None
    ) -> dict[str, int]:
        """How many lines :meth:`pending_ids` would give of each administration."""

    def pending_ids(
        self,
        access: Access,
        *,
        administrations: Collection[str] | None = None,
        journals: set[tuple[str, str]] | None = None,
    ) -> PendingIds: ...

    def pending(self, line_ids: Sequence[int]) -> list[PendingLine]: ...

    def books(self, administrations: set[str]) -> tuple[LedgerBundle, list[OpenItem]]: ...

    def environment_invoices(self, administrations: set[str]) -> list[tuple[str, str]]:
        """``(administration, invoice number)`` of the open items of every administration
        of these administrations' environments (themselves included)."""

    def save(self, outcomes: Sequence[LineOutcome], bookings: Sequence[Booking], *, now: datetime) -> None: ...

    def save_rows(self, rows: SaveRows, *, now: datetime) -> None: ...

    def add_bank_accounts(self, accounts: Sequence[AddedAccount]) -> None:
        """R-C6: accounts added by bookings (an account already there is kept as it is)."""

    def close_statements(self, statement_ids: set[int], *, now: datetime) -> list[int]: ...

    def undo_line(self, access: Access, line_id: int, *, now: datetime) -> tuple[str, int]: ...

    def line_list(
        self,
        access: Access,
        *,
        administration: str | None,
        statement_id: int | None,
        statuses: tuple[str, ...],
        limit: int | None,
    ) -> list[dict[str, Any]]:
        """Lines with their statement's administration and journal, for the work list."""

    def manual_gl_bookings(self, access: Access, *, administration: str | None) -> dict[int, tuple[str, str | None]]:
        """Lines booked by hand wholly on one GL account (besides the bank's): line id →
        (account, the line's bank transaction code)."""

    def coded_lines(
        self, access: Access, codes: Collection[str], *, administration: str | None
    ) -> Iterator[tuple[int, str, str | None, str, str, str, bool]]:
        """The lines with one of these bank transaction codes, in id order: ``(id,
        administration, the journal's BIC, code, the text search values are looked for in,
        counterparty name, booked)``."""

    def booked_lines_of(self, access: Access, statement_id: int) -> tuple[str, list[int]]:
        """The administration of a statement and its booked lines (an error when not visible)."""

    def remove_added_bank_accounts(self, line_id: int) -> list[tuple[str, str]]:
        """Remove the bank accounts the booking of ``line_id`` added; ``(relation, iban)`` removed."""

    def audit(self, rows: Sequence[dict[str, Any]]) -> None: ...

    def journal_gl_account(self, administration: str, journal: str) -> str: ...

    def environment_of(self, administration: str) -> str: ...

    def require_gl_account(self, administration: str, number: str) -> None: ...

    def open_item(self, administration: str, invoice_number: str) -> tuple[OpenItem, RelationKind]: ...

    def transaction_code_exists(self, code: TransactionCode) -> bool: ...


class BatchStore(Protocol):
    """Sent payment and direct-debit batches (payments in transit, R-C1/R-C2/R-D8)."""

    def registered(self, administration: str, batch_id: str) -> str | None:
        """The message id a batch id was registered from, or ``None``."""

    def add(self, batch: SentBatch, entry: JournalEntry, *, now: datetime) -> int:
        """Store a batch, its items and its journal entry (settlements lower open amounts)."""

    def open_batches(self, administrations: set[str]) -> list[SentBatch]:
        """Batches not cleared yet (items in position order, cleared ones marked)."""

    def of_message(self, message_id: str) -> list[SentBatch]:
        """The batches registered from one sent message, in any administration."""

    def in_transit_account(self, batch_key: int) -> str:
        """The in-transit GL account a batch's journal entry posted to."""

    def reject(self, batch: SentBatch, rejected: Sequence[tuple[SentItem, str]], entry: JournalEntry) -> None:
        """Store the reversal of items the bank rejected (with the reason); reopen their settlements."""

    def set_bank_status(self, batch_key: int, status: str) -> None:
        """Keep the last status the bank reported for a batch."""

    def clear_many(self, cleared: Sequence[tuple[int, str, str, int | None]]) -> None:
        """Mark whole batches (``position`` ``None``) or single items cleared by statement
        lines: ``(line id, administration, batch id, position)``."""

    def reopen(self, line_id: int) -> list[str]:
        """Undo what ``line_id`` cleared; returns the batch ids reopened."""

    def listing(
        self, access: Access, *, administration: str | None = None, status: BatchStatus | None = None
    ) -> list[SentBatch]: ...


class Clock(Protocol):
    """Where the time comes from (never the wall clock directly)."""

    def now(self) -> datetime: ...


class UnitOfWork(Protocol):
    """One transaction: everything done through it is committed together or not at all."""

    @property
    def ledger(self) -> LedgerStore: ...

    @property
    def statements(self) -> StatementStore: ...

    @property
    def bookings(self) -> BookingStore: ...

    @property
    def batches(self) -> BatchStore: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def savepoint(self) -> AbstractContextManager[None]: ...

    def refresh_statistics(self) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...
