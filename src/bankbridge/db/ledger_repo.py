"""Master data in the database: row ⇄ record mapping, bulk upserts, reads for dumps.

Writes go through ``INSERT … ON CONFLICT DO UPDATE`` statements executed at driver level
with many parameter tuples at once (no ORM objects, no per-row parameter processing),
inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Table, select

from bankbridge.db import schema
from bankbridge.db.statement_repo import as_dicts, insert_many
from bankbridge.ledger.bundle import SPECS, FileSpec
from bankbridge.ledger.model import (
    BankAccountStatus,
    GLAccountType,
    LedgerBundle,
    RelationKind,
)
from bankbridge.money import from_minor, to_minor

TABLES: dict[str, Table] = {
    "environments.csv": schema.environments,
    "administrations.csv": schema.administrations,
    "gl_accounts.csv": schema.gl_accounts,
    "journals.csv": schema.journals,
    "relations.csv": schema.relations,
    "relation_bank_accounts.csv": schema.relation_bank_accounts,
    "open_items.csv": schema.open_items,
    "transaction_codes.csv": schema.transaction_codes,
    "allocations.csv": schema.allocations,
}

# Order in which tables are written (parents before children) and read back.
WRITE_ORDER = tuple(TABLES)


def _pairs_text(pairs: tuple[tuple[str, str], ...]) -> str:
    return "|".join(f"{a}={c}" for a, c in pairs)


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    if not text:
        return ()
    return tuple((a, c) for a, _, c in (part.partition("=") for part in text.split("|")))


def to_row(spec: FileSpec, record: Any, environment_of: Callable[[str], str | None]) -> dict[str, Any]:
    """The table row of a bundle record."""
    row: dict[str, Any] = {}
    for col in spec.columns:
        value = getattr(record, col.name)
        if isinstance(value, GLAccountType | RelationKind | BankAccountStatus):
            value = value.value
        row[col.name] = value
    if spec.name == "gl_accounts.csv":
        row["axes"] = "|".join(record.axes)
    elif spec.name == "allocations.csv":
        row["axis_codes"] = _pairs_text(record.axis_codes)
    elif spec.name == "administrations.csv":
        row["payment_difference_tolerance"] = str(record.payment_difference_tolerance)
    elif spec.name == "open_items.csv":
        row["amount_minor"] = to_minor(row.pop("amount"), record.currency)
    if spec.name in ("journals.csv", "relations.csv"):
        row["environment"] = environment_of(record.administration)
    return row


def from_row(spec: FileSpec, data: dict[str, Any]) -> Any:
    """The bundle record of a table row (``data``: column → value; changed in place)."""
    if spec.name in ("journals.csv", "relations.csv"):
        data.pop("environment")
    if spec.name == "gl_accounts.csv":
        data["axes"] = tuple(data["axes"].split("|")) if data["axes"] else ()
        data["type"] = GLAccountType(data["type"])
    elif spec.name == "allocations.csv":
        data["axis_codes"] = _pairs(data["axis_codes"])
    elif spec.name == "administrations.csv":
        data["payment_difference_tolerance"] = Decimal(data["payment_difference_tolerance"])
    elif spec.name == "open_items.csv":
        data["amount"] = from_minor(data.pop("amount_minor"), data["currency"])
    elif spec.name == "relations.csv":
        data["kind"] = RelationKind(data["kind"])
    elif spec.name == "relation_bank_accounts.csv":
        data["status"] = BankAccountStatus(data["status"])
        data.pop("added_by_line", None)  # bookkeeping of processing, not master data
    return spec.record(**data)


KEEP_SETTLED = (
    '"amount_minor" = CASE WHEN abs(open_items."amount_minor") < abs(excluded."amount_minor")'
    ' AND (open_items."amount_minor" = 0 OR (open_items."amount_minor" > 0) = (excluded."amount_minor" > 0))'
    " AND EXISTS (SELECT 1 FROM settlements s WHERE s.administration = excluded.administration"
    " AND s.invoice_number = excluded.invoice_number AND NOT s.reopened)"
    ' THEN open_items."amount_minor" ELSE excluded."amount_minor" END'
)
"""An open item loaded again, while settlements of bankbridge's bookings are on it (not
undone or rejected), never moves further from zero than what they left: the bundle comes
from books kept elsewhere, which may not have booked bankbridge's exported bookings yet,
and the same bundle loaded again after processing made every settled invoice fully open
again (a later payment of an invoice already paid could then be booked on it). A bundle
that has caught up — the same amount, or less open — is taken as it is; so is one that
turns the item's sign. Without such settlements the bundle's amount is taken."""


def upsert_sql(dialect: str, table: Table, columns: Sequence[str], key: Sequence[str]) -> tuple[str, str]:
    """``INSERT … ON CONFLICT (key) DO UPDATE`` of ``columns``, as the part before
    ``VALUES`` and the part after it (:func:`statement_repo.insert_rows`): every
    other column of the table takes the new row's value (a column the row leaves out, its
    default), except that a journal's voucher counter never goes back (R-A4): a bundle
    loaded again — or one that leaves the column empty — must not make the next
    statements reuse numbers — and that an open item bankbridge has settled keeps the
    amount its settlements left (:data:`KEEP_SETTLED`)."""
    keys = set(key)
    sets = [f'"{c.name}" = excluded."{c.name}"' for c in table.columns if c.name not in keys]
    if table.name == "open_items":
        sets = [KEEP_SETTLED if part.startswith('"amount_minor"') else part for part in sets]
    if table.name == "journals":
        greatest = "greatest" if dialect == "postgresql" else "max"
        sets = [
            f'"voucher_counter" = {greatest}({table.name}."voucher_counter", excluded."voucher_counter")'
            if part.startswith('"voucher_counter"')
            else part
            for part in sets
        ]
    names = ", ".join(f'"{c}"' for c in columns)
    conflict = ", ".join(f'"{c}"' for c in key)
    action = f"DO UPDATE SET {', '.join(sets)}" if sets else "DO NOTHING"
    return f'INSERT INTO "{table.name}" ({names})', f" ON CONFLICT ({conflict}) {action}"


def _bound(value: Any) -> Any:
    """A value as SQLite stores it (dates as ISO text, as SQLAlchemy's DATE does)."""
    return value.isoformat() if isinstance(value, date) else value


class LedgerRepository:
    """Master data of one connection (the caller owns the transaction)."""

    BATCH = 5000

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def upsert(self, spec_name: str, records: Sequence[Any], environment_of: Callable[[str], str | None]) -> None:
        """Insert or update ``records`` of one bundle file, keyed by the file's key columns."""
        if not records:
            return
        spec = SPECS[spec_name]
        rows = [to_row(spec, record, environment_of) for record in records]
        columns = tuple(rows[0])
        head, tail = upsert_sql(self.conn.dialect.name, TABLES[spec_name], columns, spec.key)
        # Driver level, as statement lines are stored: SQLAlchemy's per-row parameter
        # processing cost about a quarter of loading a million open items.
        if self.conn.dialect.name == "postgresql":
            values = [tuple(row[c] for c in columns) for row in rows]
        else:
            values = [tuple(_bound(row[c]) for c in columns) for row in rows]
        for start in range(0, len(values), self.BATCH):
            insert_many(self.conn, head, values[start : start + self.BATCH], tail)

    def records(self, spec_name: str, *, administrations: set[str] | None = None) -> Iterator[Any]:
        """All records of one bundle file, in key order (optionally only those of some
        administrations, for the files that have an administration column)."""
        spec = SPECS[spec_name]
        table = TABLES[spec_name]
        # Code-point order on both databases (PostgreSQL's "C" collation = SQLite's BINARY),
        # so a dump is byte-identical whichever database it came from.
        pg = self.conn.dialect.name == "postgresql"
        order = [table.c[name].collate("C") if pg else table.c[name] for name in spec.key]
        query = select(table).order_by(*order)
        if administrations is not None:
            query = query.where(table.c.administration.in_(sorted(administrations)))
        for data in as_dicts(self.conn.execute(query.execution_options(yield_per=self.BATCH))):
            yield from_row(spec, data)

    def master_data(self) -> LedgerBundle:
        """Everything but the open items and the relations' bank accounts (small enough to
        hold; used to validate a load)."""
        return LedgerBundle(
            environments=tuple(self.records("environments.csv")),
            administrations=tuple(self.records("administrations.csv")),
            gl_accounts=tuple(self.records("gl_accounts.csv")),
            journals=tuple(self.records("journals.csv")),
            relations=tuple(self.records("relations.csv")),
            relation_bank_accounts=(),
            transaction_codes=tuple(self.records("transaction_codes.csv")),
            allocations=tuple(self.records("allocations.csv")),
        )
