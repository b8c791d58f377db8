"""What processing reads and writes: lines waiting for a decision, the master data the
engine looks at, journal entries with postings and settlements, open amounts, and the
audit log. Bulk statements only (executemany / COPY), never ORM objects per row."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, and_, bindparam, select, update

from bankbridge.db import schema
from bankbridge.db.ledger_repo import LedgerRepository
from bankbridge.db.statement_repo import LOOKUP_CHUNK, access_clause, bulk_insert
from bankbridge.errors import AlreadyMatched, PermissionDenied, UnknownAccount
from bankbridge.ledger.access import Access
from bankbridge.ledger.model import LedgerBundle, OpenItem, RelationBankAccount, RelationKind, TransactionCode
from bankbridge.ledger.processing import Booking, LineOutcome, PendingLine
from bankbridge.money import from_minor, to_minor
from bankbridge.statements.model import StatementLine


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def line_from_row(row: dict[str, Any]) -> StatementLine:
    """Rebuild the parsed line from its stored row (the detail JSON holds the rest)."""
    detail = json.loads(row["detail"] or "{}")
    currency = row["currency"]

    def item(data: dict[str, Any]) -> StatementLine:
        return StatementLine(
            amount=Decimal(data["amount"]),
            booking_date=_date(data.get("booking_date")),
            counterparty_iban=data.get("counterparty_iban"),
            counterparty_name=data.get("counterparty_name"),
            counterparty_bic=data.get("counterparty_bic"),
            end_to_end_id=data.get("end_to_end_id"),
            payment_reference=data.get("payment_reference"),
            description=data.get("description"),
            bank_reference=data.get("bank_reference"),
            mandate_id=data.get("mandate_id"),
        )

    return StatementLine(
        amount=from_minor(row["amount_minor"], currency),
        booking_date=_date(row["booking_date"]),
        value_date=_date(row["value_date"]),
        currency=currency,
        counterparty_iban=row["counterparty_iban"],
        counterparty_bic=row["counterparty_bic"],
        counterparty_name=row["counterparty_name"],
        bank_reference=row["bank_reference"],
        customer_reference=detail.get("customer_reference"),
        end_to_end_id=row["end_to_end_id"],
        mandate_id=row["mandate_id"],
        creditor_id=detail.get("creditor_id"),
        payment_reference=row["payment_reference"],
        payment_reference_type=detail.get("payment_reference_type"),
        description=row["description"],
        bank_code=row["bank_code"],
        iso_code=row["iso_code"],
        return_reason=detail.get("return_reason"),
        batch_id=detail.get("batch_id"),
        batch_count=detail.get("batch_count"),
        charges=None if detail.get("charges") is None else Decimal(detail["charges"]),
        ultimate_debtor=detail.get("ultimate_debtor"),
        ultimate_creditor=detail.get("ultimate_creditor"),
        reversal=bool(detail.get("reversal")),
        items=tuple(item(i) for i in detail.get("items") or ()),
        detail_lines=tuple(detail.get("detail_lines") or ()),
        extra=tuple((k, v) for k, v in (detail.get("extra") or {}).items()),
        raw=row["raw"],
    )


class BookingRepository:
    """Processing's reads and writes on one connection (the caller owns the transaction)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def pending_ids(
        self, access: Access, *, administration: str | None = None, journals: set[tuple[str, str]] | None = None
    ) -> list[int]:
        """Ids of lines not booked yet, of statements in progress the caller may see
        (optionally only of some ``(administration, journal)`` pairs)."""
        s, li = schema.statements, schema.statement_lines
        query = (
            select(li.c.id)
            .join(s, s.c.id == li.c.statement_id)
            .where(li.c.status != "booked", s.c.status == "in_progress", access_clause(access, s.c.administration))
            .order_by(li.c.id)
        )
        if administration is not None:
            access.require(administration)
            query = query.where(s.c.administration == administration)
        ids = []
        for r in self.conn.execute(query.add_columns(s.c.administration, s.c.journal)):
            if journals is None or (r.administration, r.journal) in journals:
                ids.append(r.id)
        return ids

    def pending(self, line_ids: Sequence[int]) -> list[PendingLine]:
        """The lines with these ids, rebuilt for the engine (in id order)."""
        s, li, j = schema.statements, schema.statement_lines, schema.journals
        query = (
            select(li, s.c.administration, s.c.journal, s.c.voucher_number, j.c.bic.label("bank_bic"))
            .join(s, s.c.id == li.c.statement_id)
            .join(j, and_(j.c.administration == s.c.administration, j.c.code == s.c.journal))
            .where(li.c.id.in_(list(line_ids)))
            .order_by(li.c.id)
        )
        out = []
        for r in self.conn.execute(query):
            row = dict(r._mapping)
            out.append(
                PendingLine(
                    line_id=row["id"],
                    statement_id=row["statement_id"],
                    administration=row["administration"],
                    journal=row["journal"],
                    bank_bic=row["bank_bic"],
                    account_iban=row["account_iban"],
                    currency=row["currency"],
                    voucher_number=row["voucher_number"],
                    line=line_from_row(row),
                    status=row["status"],
                )
            )
        return out

    def administrations_of(self, line_ids: Sequence[int]) -> set[str]:
        """The administrations these lines belong to."""
        s, li = schema.statements, schema.statement_lines
        out: set[str] = set()
        for start in range(0, len(line_ids), LOOKUP_CHUNK):
            chunk = list(line_ids[start : start + LOOKUP_CHUNK])
            rows = self.conn.execute(
                select(s.c.administration).join(li, li.c.statement_id == s.c.id).where(li.c.id.in_(chunk)).distinct()
            )
            out.update(r.administration for r in rows)
        return out

    def books(self, administrations: set[str]) -> tuple[LedgerBundle, list[OpenItem]]:
        """Master data of the environments of ``administrations`` and their open items."""
        ledger = LedgerRepository(self.conn)
        master = ledger.master_data()
        envs = {a.environment for a in master.administrations if a.code in administrations}
        adms = {a.code for a in master.administrations if a.environment in envs}
        accounts = tuple(a for a in ledger.records("relation_bank_accounts.csv") if a.administration in adms)
        allocations = tuple(a for a in ledger.records("allocations.csv") if a.environment in envs)
        bundle = LedgerBundle(
            environments=master.environments,
            administrations=tuple(a for a in master.administrations if a.code in adms),
            gl_accounts=tuple(g for g in master.gl_accounts if g.environment in envs),
            journals=tuple(j for j in master.journals if j.administration in adms),
            relations=tuple(r for r in master.relations if r.administration in adms),
            relation_bank_accounts=accounts,
            transaction_codes=tuple(t for t in master.transaction_codes if t.environment in envs),
            allocations=allocations,
        )
        items = [i for i in ledger.records("open_items.csv") if i.administration in adms]
        return bundle, items

    def save(self, outcomes: Sequence[LineOutcome], bookings: Sequence[Booking], *, now: datetime) -> None:
        """Store decisions: line statuses, journal entries, postings, settlements, open amounts."""
        li = schema.statement_lines
        if outcomes:
            stmt = (
                update(li)
                .where(li.c.id == bindparam("b_id"))
                .values(
                    status=bindparam("b_status"),
                    rule=bindparam("b_rule"),
                    evidence=bindparam("b_evidence"),
                    score=bindparam("b_score"),
                    candidates=bindparam("b_candidates"),
                )
            )
            self.conn.execute(
                stmt,
                [
                    {
                        "b_id": o.line_id,
                        "b_status": o.status,
                        "b_rule": o.rule,
                        "b_evidence": o.evidence,
                        "b_score": o.score,
                        "b_candidates": o.candidates,
                    }
                    for o in outcomes
                ],
            )
        if bookings:
            self._book(bookings)

    def _book(self, bookings: Sequence[Booking]) -> None:
        e = schema.journal_entries
        bulk_insert(
            self.conn,
            e,
            [
                {
                    "administration": b.administration,
                    "journal": b.journal,
                    "voucher_number": b.voucher_number,
                    "entry_date": b.entry_date,
                    "currency": b.currency,
                    "statement_line_id": b.line_id,
                    "description": b.description,
                    "reversed_at": None,
                    "rule": b.rule,
                }
                for b in bookings
            ],
        )
        ids = self._entry_ids([b.line_id for b in bookings])
        postings: list[dict[str, Any]] = []
        settlements: list[dict[str, Any]] = []
        for b in bookings:
            entry_id = ids[b.line_id]
            postings.extend(
                {
                    "entry_id": entry_id,
                    "gl_account": p.gl_account,
                    "relation": p.relation,
                    "amount_minor": to_minor(p.amount, b.currency),
                    "allocations": "|".join(f"{a}={c}" for a, c in p.allocations),
                }
                for p in b.postings
            )
            settlements.extend(
                {
                    "entry_id": entry_id,
                    "administration": b.administration,
                    "invoice_number": s.invoice_number,
                    "relation": s.relation,
                    "amount_minor": to_minor(s.amount, b.currency),
                    "reopened": False,
                }
                for s in b.settlements
            )
        if postings:
            bulk_insert(self.conn, schema.postings, postings)
        if settlements:
            bulk_insert(self.conn, schema.settlements, settlements)
            self._reduce_open_items(settlements)

    def _entry_ids(self, line_ids: Sequence[int]) -> dict[int, int]:
        e = schema.journal_entries
        out: dict[int, int] = {}
        for start in range(0, len(line_ids), LOOKUP_CHUNK):
            chunk = list(line_ids[start : start + LOOKUP_CHUNK])
            rows = self.conn.execute(
                select(e.c.id, e.c.statement_line_id).where(e.c.statement_line_id.in_(chunk), e.c.reversed_at.is_(None))
            )
            out.update((r.statement_line_id, r.id) for r in rows)
        return out

    def _reduce_open_items(self, settlements: Sequence[dict[str, Any]], *, sign: int = 1) -> None:
        o = schema.open_items
        stmt = (
            update(o)
            .where(o.c.administration == bindparam("b_adm"), o.c.invoice_number == bindparam("b_inv"))
            .values(amount_minor=o.c.amount_minor - bindparam("b_amount"))
        )
        self.conn.execute(
            stmt,
            [
                {"b_adm": s["administration"], "b_inv": s["invoice_number"], "b_amount": sign * s["amount_minor"]}
                for s in settlements
            ],
        )

    def add_bank_accounts(self, accounts: Sequence[RelationBankAccount]) -> None:
        """R-C6: bank accounts added to relations automatically (ignored when already there)."""
        if accounts:
            LedgerRepository(self.conn).upsert("relation_bank_accounts.csv", accounts, lambda _a: None)

    def close_statements(self, statement_ids: set[int], *, now: datetime) -> list[int]:
        """Set statements with every line booked to processed; returns those ids."""
        s, li = schema.statements, schema.statement_lines
        done: list[int] = []
        ids = sorted(statement_ids)
        for start in range(0, len(ids), LOOKUP_CHUNK):
            chunk = ids[start : start + LOOKUP_CHUNK]
            open_ids = {
                r.statement_id
                for r in self.conn.execute(
                    select(li.c.statement_id).where(li.c.statement_id.in_(chunk), li.c.status != "booked").distinct()
                )
            }
            done.extend(i for i in chunk if i not in open_ids)
        for start in range(0, len(done), LOOKUP_CHUNK):
            chunk = done[start : start + LOOKUP_CHUNK]
            self.conn.execute(update(s).where(s.c.id.in_(chunk)).values(status="processed", updated_at=now))
        return done

    def undo_line(self, access: Access, line_id: int, *, now: datetime) -> tuple[str, int]:
        """R-G3: reverse the line's booking, reopen its settlements, set it open again."""
        li, s, e, st = schema.statement_lines, schema.statements, schema.journal_entries, schema.settlements
        row = self.conn.execute(
            select(li.c.status, li.c.statement_id, s.c.administration)
            .join(s, s.c.id == li.c.statement_id)
            .where(li.c.id == line_id)
        ).first()
        if row is None or not access.allows(row.administration):
            raise PermissionDenied(f"no statement line {line_id}")
        if row.status != "booked":
            raise AlreadyMatched(f"statement line {line_id} is not booked; nothing to undo")
        entry_ids = [
            r.id
            for r in self.conn.execute(
                select(e.c.id).where(e.c.statement_line_id == line_id, e.c.reversed_at.is_(None))
            )
        ]
        reopened = [
            dict(r._mapping)
            for r in self.conn.execute(select(st).where(st.c.entry_id.in_(entry_ids), st.c.reopened.is_(False)))
        ]
        if reopened:
            self._reduce_open_items(reopened, sign=-1)
            self.conn.execute(update(st).where(st.c.id.in_([r["id"] for r in reopened])).values(reopened=True))
        self.conn.execute(update(e).where(e.c.id.in_(entry_ids)).values(reversed_at=now))
        self.conn.execute(
            update(li)
            .where(li.c.id == line_id)
            .values(status="open", rule=None, evidence="booking undone by hand", score=None, candidates="[]")
        )
        self.conn.execute(update(s).where(s.c.id == row.statement_id).values(status="in_progress", updated_at=now))
        return row.administration, row.statement_id

    # --- look-ups for manual work ----------------------------------------------------

    def journal_gl_account(self, administration: str, journal: str) -> str:
        j = schema.journals
        return str(
            self.conn.execute(
                select(j.c.gl_account).where(j.c.administration == administration, j.c.code == journal)
            ).scalar_one()
        )

    def environment_of(self, administration: str) -> str:
        a = schema.administrations
        return str(self.conn.execute(select(a.c.environment).where(a.c.code == administration)).scalar_one())

    def require_gl_account(self, administration: str, number: str) -> None:
        """Raise :class:`UnknownAccount` unless the GL account may be used by the administration."""
        g = schema.gl_accounts
        row = self.conn.execute(
            select(g.c.administration).where(
                g.c.environment == self.environment_of(administration), g.c.number == number
            )
        ).first()
        if row is None or row.administration not in (None, administration):
            raise UnknownAccount(f"GL account {number!r} cannot be used by administration {administration!r}")

    def open_item(self, administration: str, invoice_number: str) -> tuple[OpenItem, RelationKind]:
        """An open item with its relation's kind; :class:`UnknownAccount` when there is none."""
        o, r = schema.open_items, schema.relations
        row = self.conn.execute(
            select(o, r.c.kind)
            .join(r, and_(r.c.administration == o.c.administration, r.c.number == o.c.relation))
            .where(o.c.administration == administration, o.c.invoice_number == invoice_number)
        ).first()
        if row is None:
            raise UnknownAccount(f"no open item {invoice_number!r} in administration {administration!r}")
        data = dict(row._mapping)
        kind = RelationKind(data.pop("kind"))
        data["amount"] = from_minor(data.pop("amount_minor"), data["currency"])
        return OpenItem(**data), kind

    def transaction_code_exists(self, code: TransactionCode) -> bool:
        t = schema.transaction_codes
        return (
            self.conn.execute(
                select(t.c.code).where(
                    t.c.environment == code.environment,
                    t.c.bank == code.bank,
                    t.c.code == code.code,
                    t.c.search_value == code.search_value,
                )
            ).first()
            is not None
        )

    def audit(self, rows: Sequence[dict[str, Any]]) -> None:
        """Append to the audit log (R-G3)."""
        if rows:
            self.conn.execute(schema.audit_log.insert(), list(rows))
