"""The unit of work: one connection, one transaction; commit is explicit, anything else
rolls back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

from bankbridge.db.batch_repo import BatchRepository
from bankbridge.db.booking_repo import BookingRepository
from bankbridge.db.engine import WRITER
from bankbridge.db.ledger_repo import LedgerRepository
from bankbridge.db.statement_repo import StatementRepository
from bankbridge.errors import InputError


class SqlUnitOfWork:
    """A transaction on ``engine`` with the repositories bound to it."""

    def __init__(self, engine: Engine, *, writer: bool = False) -> None:
        self.engine = engine
        self.writer = writer
        self._conn: Connection | None = None
        self._ledger: LedgerRepository | None = None
        self._statements: StatementRepository | None = None
        self._bookings: BookingRepository | None = None
        self._batches: BatchRepository | None = None

    def __enter__(self) -> Self:
        self._conn = self.engine.connect()
        if self.writer:
            self._conn.execution_options(**{WRITER: True})
        self._conn.begin()
        self._ledger = LedgerRepository(self._conn)
        self._statements = StatementRepository(self._conn)
        self._bookings = BookingRepository(self._conn)
        self._batches = BatchRepository(self._conn)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._conn is not None
        try:
            if self._conn.in_transaction():
                self._conn.rollback()
        finally:
            self._conn.close()
            self._conn = None
        if isinstance(exc, IntegrityError):
            raise InputError(f"the database refused the change: {exc.orig}") from exc

    @property
    def ledger(self) -> LedgerRepository:
        assert self._ledger is not None, "use the unit of work in a with block"
        return self._ledger

    @property
    def statements(self) -> StatementRepository:
        assert self._statements is not None, "use the unit of work in a with block"
        return self._statements

    @property
    def bookings(self) -> BookingRepository:
        assert self._bookings is not None, "use the unit of work in a with block"
        return self._bookings

    @property
    def batches(self) -> BatchRepository:
        assert self._batches is not None, "use the unit of work in a with block"
        return self._batches

    @property
    def connection(self) -> Connection:
        assert self._conn is not None, "use the unit of work in a with block"
        return self._conn

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction: what fails inside it is undone, the rest stays."""
        with self.connection.begin_nested():
            yield

    def refresh_statistics(self) -> None:
        """After a bulk load: let PostgreSQL's planner see the new row counts (``ANALYZE``;
        autovacuum would do it later, the next queries need it now). SQLite needs none."""
        if self.connection.dialect.name == "postgresql":
            self.connection.exec_driver_sql(
                "ANALYZE statements, statement_lines, line_decisions, journal_entries, postings, settlements,"
                " open_items"
            )

    def commit(self) -> None:
        """Commit and start the next transaction on the same connection."""
        self.connection.commit()
        self.connection.begin()

    def rollback(self) -> None:
        """Roll back and start the next transaction on the same connection."""
        self.connection.rollback()
        self.connection.begin()
