"""Statements and their lines in the database: daily statements, duplicate look-ups, bulk
line inserts, and reads that always take the caller's :class:`Access` (R-F2)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, Table, and_, func, select, text, true, update

from bankbridge.db import schema
from bankbridge.ledger.access import Access
from bankbridge.ledger.model import Journal, NewLines, StoredStatement
from bankbridge.money import to_minor
from bankbridge.statements.model import StatementLine

LOOKUP_CHUNK = 500


def _journal(row: Any) -> Journal:
    data = dict(row._mapping)
    data.pop("environment")
    return Journal(**data)


def line_detail(line: StatementLine) -> str:
    """The fields of a line without their own column, as JSON (items of a batch included)."""

    def item(li: StatementLine) -> dict[str, Any]:
        return {
            "amount": str(li.amount),
            "booking_date": li.booking_date and li.booking_date.isoformat(),
            "counterparty_iban": li.counterparty_iban,
            "counterparty_name": li.counterparty_name,
            "counterparty_bic": li.counterparty_bic,
            "end_to_end_id": li.end_to_end_id,
            "payment_reference": li.payment_reference,
            "description": li.description,
            "bank_reference": li.bank_reference,
            "mandate_id": li.mandate_id,
        }

    detail: dict[str, Any] = {
        "customer_reference": line.customer_reference,
        "payment_reference_type": line.payment_reference_type,
        "creditor_id": line.creditor_id,
        "return_reason": line.return_reason,
        "batch_id": line.batch_id,
        "batch_count": line.batch_count,
        "charges": None if line.charges is None else str(line.charges),
        "ultimate_debtor": line.ultimate_debtor,
        "ultimate_creditor": line.ultimate_creditor,
        "reversal": line.reversal or None,
        "detail_lines": list(line.detail_lines) or None,
        "extra": dict(line.extra) or None,
        "items": [item(li) for li in line.items] or None,
    }
    return json.dumps({k: v for k, v in detail.items() if v is not None}, ensure_ascii=False, sort_keys=True)


class StatementRepository:
    """Statements of one connection (the caller owns the transaction)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # --- journals ------------------------------------------------------------------

    def journals(self) -> list[Journal]:
        """Every bank journal (few: one per bank account)."""
        return [_journal(r) for r in self.conn.execute(select(schema.journals))]

    def lock_journal(self, journal: Journal) -> None:
        """Serialise writers of one bank journal until the transaction ends (PostgreSQL
        advisory lock; SQLite has one writer at a time anyway)."""
        if self.conn.dialect.name == "postgresql":
            self.conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:iban))"), {"iban": journal.iban})

    def next_voucher(self, journal: Journal) -> int:
        """Raise the journal's voucher counter by one and return the new value (R-A4)."""
        j = schema.journals
        where = and_(j.c.administration == journal.administration, j.c.code == journal.code)
        stmt = update(j).where(where).values(voucher_counter=j.c.voucher_counter + 1).returning(j.c.voucher_counter)
        return int(self.conn.execute(stmt).scalar_one())

    # --- daily statements ----------------------------------------------------------

    def daily_statement(self, journal: Journal, day: date) -> StoredStatement | None:
        s, li = schema.statements, schema.statement_lines
        last = select(func.coalesce(func.max(li.c.position), 0)).where(li.c.statement_id == s.c.id).scalar_subquery()
        row = self.conn.execute(
            select(s.c.id, s.c.status, s.c.closing_minor, s.c.warnings, last.label("last")).where(
                s.c.administration == journal.administration, s.c.journal == journal.code, s.c.statement_date == day
            )
        ).first()
        if row is None:
            return None
        return StoredStatement(
            row.id, journal.administration, journal.code, day, row.status, row.closing_minor, row.last, row.warnings
        )

    def previous_closing(self, journal: Journal, day: date) -> tuple[date, int | None] | None:
        """Date and closing balance of the journal's last statement before ``day``."""
        s = schema.statements
        row = self.conn.execute(
            select(s.c.statement_date, s.c.closing_minor)
            .where(s.c.administration == journal.administration, s.c.journal == journal.code, s.c.statement_date < day)
            .order_by(s.c.statement_date.desc())
            .limit(1)
        ).first()
        return None if row is None else (row.statement_date, row.closing_minor)

    def create_statement(self, values: dict[str, Any]) -> int:
        result = self.conn.execute(schema.statements.insert().values(**values).returning(schema.statements.c.id))
        return int(result.scalar_one())

    def update_statement(self, statement_id: int, values: dict[str, Any]) -> None:
        self.conn.execute(update(schema.statements).where(schema.statements.c.id == statement_id).values(**values))

    def add_raw(self, statement_id: int, source_file: str, text: str, source_line: int | None) -> None:
        self.conn.execute(
            schema.raw_records.insert().values(
                statement_id=statement_id, source_file=source_file, text=text, source_line=source_line
            )
        )

    # --- lines ---------------------------------------------------------------------

    def existing_identities(self, account_iban: str, identities: Sequence[str]) -> set[str]:
        """Which of ``identities`` are already stored for the account."""
        li = schema.statement_lines
        found: set[str] = set()
        for start in range(0, len(identities), LOOKUP_CHUNK):
            chunk = list(identities[start : start + LOOKUP_CHUNK])
            rows = self.conn.execute(
                select(li.c.identity).where(li.c.account_iban == account_iban, li.c.identity.in_(chunk))
            )
            found.update(r.identity for r in rows)
        return found

    def add_lines(self, target: NewLines, lines: Sequence[tuple[str, int, StatementLine]]) -> None:
        """Insert lines ``(identity, position, line)`` in bulk (executemany, no ORM objects)."""
        if lines:
            rows = [line_row(target, identity, position, line) for identity, position, line in lines]
            bulk_insert(self.conn, schema.statement_lines, rows)

    # --- reads with access control (R-F2) ----------------------------------------

    def line_rows(self, access: Access, *, administration: str | None = None) -> Iterator[dict[str, Any]]:
        """Every line the caller may see, with its statement's fields (for exports)."""
        s, li, j = schema.statements, schema.statement_lines, schema.journals
        query = (
            select(
                li,
                s.c.administration,
                s.c.journal,
                s.c.statement_number,
                s.c.statement_date,
                s.c.currency.label("statement_currency"),
            )
            .join(s, s.c.id == li.c.statement_id)
            .join(j, and_(j.c.administration == s.c.administration, j.c.code == s.c.journal))
            .where(access_clause(access, s.c.administration))
            .order_by(s.c.administration, s.c.journal, s.c.statement_date, li.c.position)
        )
        if administration is not None:
            access.require(administration)
            query = query.where(s.c.administration == administration)
        for row in self.conn.execute(query.execution_options(yield_per=2000)):
            yield dict(row._mapping)

    def bookings(
        self, access: Access, *, administration: str | None = None
    ) -> Iterator[tuple[dict[str, Any], dict[str, list[dict[str, Any]]] | None]]:
        """Every line the caller may see with the postings and settlements booked for it."""
        rows = self.line_rows(access, administration=administration)
        for chunk in _chunks(rows, LOOKUP_CHUNK):
            booked = entries_by_line(self.conn, [row["id"] for row in chunk])
            for row in chunk:
                yield row, booked.get(row["id"])


def entries_by_line(conn: Connection, line_ids: Sequence[int]) -> dict[int, dict[str, list[dict[str, Any]]]]:
    """Postings and settlements of the (not reversed) journal entries of these lines."""
    e, p, st = schema.journal_entries, schema.postings, schema.settlements
    out: dict[int, dict[str, list[dict[str, Any]]]] = {}
    for start in range(0, len(line_ids), LOOKUP_CHUNK):
        chunk = list(line_ids[start : start + LOOKUP_CHUNK])
        live = and_(e.c.statement_line_id.in_(chunk), e.c.reversed_at.is_(None))
        for row in conn.execute(
            select(e.c.statement_line_id, e.c.currency, p).join(p, p.c.entry_id == e.c.id).where(live).order_by(p.c.id)
        ):
            out.setdefault(row.statement_line_id, {"postings": [], "settlements": []})["postings"].append(
                dict(row._mapping)
            )
        for row in conn.execute(
            select(e.c.statement_line_id, e.c.currency, st)
            .join(st, st.c.entry_id == e.c.id)
            .where(live, st.c.reopened.is_(False))
            .order_by(st.c.id)
        ):
            out.setdefault(row.statement_line_id, {"postings": [], "settlements": []})["settlements"].append(
                dict(row._mapping)
            )
    return out


def line_row(target: NewLines, identity: str, position: int, line: StatementLine) -> dict[str, Any]:
    """The table row of a new statement line."""
    return {
        "statement_id": target.statement_id,
        "account_iban": target.account_iban,
        "identity": identity,
        "position": position,
        "booking_date": line.booking_date,
        "value_date": line.value_date,
        "amount_minor": to_minor(line.amount, target.currency),
        "currency": line.currency or target.currency,
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
        "detail": line_detail(line),
        "raw": line.raw,
        "source_file": target.source_file,
        "source_line": line.source.line if line.source else None,
        "status": "open",
        "rule": None,
        "evidence": None,
        "score": None,
        "candidates": "[]",
    }


def _chunks(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def bulk_insert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert many rows at driver level: ``COPY`` on PostgreSQL, ``executemany`` on SQLite.

    SQLAlchemy's per-row parameter processing costs more than the database's own work at
    this volume (see bench/import_bench.py); the rows go in the caller's transaction.
    """
    columns = [c.name for c in table.columns if c.name in rows[0]]
    raw = conn.connection.driver_connection
    assert raw is not None
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
        return
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"  # noqa: S608 - names from our schema
    raw.executemany(sql, [tuple(_sqlite_value(row[c]) for c in columns) for row in rows])


def _sqlite_value(value: Any) -> Any:
    # SQLAlchemy stores SQLite dates as ISO text; do the same without the deprecated adapter.
    return value.isoformat() if isinstance(value, date) else value


def access_clause(access: Access, column: Any) -> Any:
    """The SQL condition "administration is one the caller may see"."""
    if access.administrations is None:
        return true()
    return column.in_(sorted(access.administrations))
