"""Statements with known truth, generated from a ledger bundle.

For the demo and for the quality benchmark: every generated line carries the outcome a
correct engine must reach (:class:`Truth`): booked by which rule against which open
items, or left open/proposed because certainty is impossible. Kinds of lines: exact
payments by payment reference, by invoice number in the text, by IBAN with a unique
amount, partial payments, combined payments, third parties (unknown IBAN), typo'd
references, already paid invoices, ambiguous amounts, BSN payments by the tax office,
PIN settlements with cost allocation, credit-card settlements with commission, bank
costs, creditor payments, and unknown lines. The same seed gives the same statements.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from bankbridge.demo.generate import TAX_OFFICE_IBAN, iban
from bankbridge.ledger.bundle import SPECS
from bankbridge.ledger.bundle_files import RowReader
from bankbridge.ledger.model import Journal, OpenItem, Relation, RelationBankAccount, RelationKind
from bankbridge.statements.model import Balance, Statement, StatementLine


@dataclass(frozen=True, slots=True)
class Truth:
    """What a correct engine does with a line."""

    kind: str
    status: str  # booked | proposed | open
    rule: str | None = None
    invoices: tuple[str, ...] = ()


@dataclass(slots=True)
class Books:
    """The parts of a bundle the scenarios draw from (per administration)."""

    journals: list[Journal] = field(default_factory=list)
    relations: dict[tuple[str, str], Relation] = field(default_factory=dict)
    accounts: dict[tuple[str, str], str] = field(default_factory=dict)
    items: dict[str, list[OpenItem]] = field(default_factory=dict)
    bsn: dict[str, list[Relation]] = field(default_factory=dict)
    queues: dict[tuple[str, RelationKind], list[OpenItem]] = field(default_factory=dict)
    paid: dict[str, list[OpenItem]] = field(default_factory=dict)
    by_relation: dict[tuple[str, str], list[OpenItem]] = field(default_factory=dict)
    references: int = 0

    def shuffle(self, rng: random.Random) -> None:
        """Queues of payable items per administration and kind, in random order (drawn by
        popping, so a large bundle costs linear time)."""
        for adm, items in self.items.items():
            for item in items:
                rel = self.relations[(adm, item.relation)]
                if item.amount > 0 and not rel.blocked and (adm, item.relation) in self.accounts:
                    self.queues.setdefault((adm, rel.kind), []).append(item)
        for queue in self.queues.values():
            rng.shuffle(queue)

    @classmethod
    def read(cls, directory: Path) -> Books:
        books = cls()
        errors: list[Any] = []

        def rows(name: str) -> Iterator[Any]:
            for _line, record in RowReader(directory / name, SPECS[name], errors):
                yield record

        books.journals = list(rows("journals.csv"))
        books.relations = {(r.administration, r.number): r for r in rows("relations.csv")}
        for acc in rows("relation_bank_accounts.csv"):
            assert isinstance(acc, RelationBankAccount)
            if acc.status.value == "approved":
                books.accounts.setdefault((acc.administration, acc.relation), acc.iban)
        for item in rows("open_items.csv"):
            books.items.setdefault(item.administration, []).append(item)
            books.by_relation.setdefault((item.administration, item.relation), []).append(item)
        for rel in books.relations.values():
            if rel.bsn and not rel.blocked:
                books.bsn.setdefault(rel.administration, []).append(rel)
        if errors:
            raise ValueError(f"bundle {directory} is not valid: {errors[0]}")
        return books


@dataclass(slots=True)
class _Day:
    rng: random.Random
    books: Books
    journal: Journal
    day: date
    used: set[tuple[str, str]]
    lines: list[StatementLine] = field(default_factory=list)
    truths: list[Truth] = field(default_factory=list)
    counter: int = 0

    def add(self, truth: Truth, amount: Decimal, **fields: Any) -> None:
        self.counter += 1
        self.books.references += 1
        ref = f"BB{self.books.references:014d}"  # unique, and within MT940's 16 characters
        self.lines.append(
            StatementLine(
                amount=amount, booking_date=self.day, value_date=self.day, currency="EUR", bank_reference=ref, **fields
            )
        )
        self.truths.append(truth)

    def take(self, kind: RelationKind) -> OpenItem | None:
        """An open item no earlier line has paid (items are drawn from shuffled queues)."""
        queue = self.books.queues.get((self.journal.administration, kind), [])
        while queue:
            item = queue.pop()
            if (item.administration, item.invoice_number) not in self.used:
                self.used.add((item.administration, item.invoice_number))
                return item
        return None

    def take_of(self, relation: str) -> OpenItem | None:
        """Another open item of the same relation (for a combined payment)."""
        adm = self.journal.administration
        for item in self.books.by_relation.get((adm, relation), []):
            key = (adm, item.invoice_number)
            if item.amount > 0 and key not in self.used:
                self.used.add(key)
                return item
        return None

    def release(self, item: OpenItem) -> None:
        """Put back an item a line did not settle (it may be drawn again)."""
        self.used.discard((item.administration, item.invoice_number))

    @property
    def paid(self) -> list[OpenItem]:
        """Items paid in full by a reference earlier in this run."""
        return self.books.paid.get(self.journal.administration, [])

    def payer(self, item: OpenItem) -> tuple[str, str]:
        rel = self.books.relations[(item.administration, item.relation)]
        return self.books.accounts[(item.administration, item.relation)], rel.name


def _debtor_lines(d: _Day) -> None:
    if item := d.take(RelationKind.DEBTOR):
        acc, name = d.payer(item)
        d.add(
            Truth("exact_reference", "booked", "payment_reference", (item.invoice_number,)),
            item.amount,
            counterparty_iban=acc,
            counterparty_name=name,
            payment_reference=item.payment_reference,
            payment_reference_type="CUR",
            description=f"Betaling {item.payment_reference}",
        )
        d.books.paid.setdefault(item.administration, []).append(item)
    if item := d.take(RelationKind.DEBTOR):
        acc, name = d.payer(item)
        d.add(
            Truth("exact_invoice_number", "booked", "iban", (item.invoice_number,)),
            item.amount,
            counterparty_iban=acc,
            counterparty_name=name,
            description=f"factuur {item.invoice_number}",
        )
    if item := d.take(RelationKind.DEBTOR):
        acc, name = d.payer(item)
        part = (item.amount / 2).quantize(Decimal("0.01"))
        d.add(
            Truth("partial", "booked", "iban", (item.invoice_number,)),
            part,
            counterparty_iban=acc,
            counterparty_name=name,
            description=f"deelbetaling factuur {item.invoice_number}",
        )
    if item := d.take(RelationKind.DEBTOR):
        _acc, _name = d.payer(item)
        d.add(
            Truth("third_party", "booked", "invoice_number", (item.invoice_number,)),
            item.amount,
            counterparty_iban=iban(d.rng),
            counterparty_name="Stichting Derde Betaler",
            description=f"namens klant factuur {item.invoice_number}",
        )
    if item := d.take(RelationKind.DEBTOR):
        acc, name = d.payer(item)
        typo = _typo(item.payment_reference or "0000000000000000")
        d.add(
            Truth("typo_reference", "open", None, (item.invoice_number,)),
            item.amount,
            counterparty_iban=iban(d.rng),
            counterparty_name=name,
            payment_reference=typo,
            description=f"Betaling {typo}",
        )


def _hard_lines(d: _Day) -> None:
    """Combined payments, conflicting evidence, paying an invoice twice, card settlements,
    BSN edge cases."""
    first, second = d.take(RelationKind.DEBTOR), None
    if first is not None:
        second = d.take_of(first.relation)
    if first is not None and second is not None:
        acc, name = d.payer(first)
        d.add(
            Truth("combined", "booked", "iban", (first.invoice_number, second.invoice_number)),
            first.amount + second.amount,
            counterparty_iban=acc,
            counterparty_name=name,
            description=f"facturen {first.invoice_number} en {second.invoice_number}",
        )
    elif first is not None:
        d.release(first)
    mine, other = d.take(RelationKind.DEBTOR), d.take(RelationKind.DEBTOR)
    if mine is not None and other is not None and mine.relation != other.relation:
        acc, name = d.payer(mine)
        d.add(
            Truth("conflicting_evidence", "open", None, ()),
            other.amount,
            counterparty_iban=acc,
            counterparty_name=name,
            description=f"factuur {other.invoice_number}",
        )
        d.release(mine)
        d.release(other)
    if d.paid:
        item = d.rng.choice(d.paid)
        d.add(
            Truth("already_paid", "open", None, ()),
            item.amount,
            counterparty_iban=iban(d.rng),
            counterparty_name="Nogmaals Betaald",
            payment_reference=item.payment_reference,
            payment_reference_type="CUR",
            description=f"Betaling {item.payment_reference}",
        )
    if d.journal.bic == "RABONL2U":
        gross = Decimal(d.rng.randrange(50000, 200000)).scaleb(-2)
        commission = (gross * Decimal("0.025")).quantize(Decimal("0.01"))
        d.add(
            Truth("card_commission", "booked", "transaction_code"),
            gross - commission,
            bank_code="N541",
            counterparty_name="EUR MERCHANT SERV VISA",
            description=f"EUR MERCHANT SERV VISA BRUTO {gross} COMMISSIE {commission} NETTO {gross - commission}",
        )
    d.add(
        Truth("bsn_invalid", "open", None, ()),
        Decimal("75.00"),
        counterparty_iban=TAX_OFFICE_IBAN,
        counterparty_name="BELASTINGDIENST",
        description="KINDEROPVANGTOESLAG nr. 123456789 2026",
    )
    short = [p for p in d.books.bsn.get(d.journal.administration, []) if p.bsn and p.bsn.startswith("0")]
    if short:
        person = d.rng.choice(short)
        d.add(
            Truth("bsn_8_digits", "booked", "bsn"),
            Decimal("80.00"),
            counterparty_iban=TAX_OFFICE_IBAN,
            counterparty_name="BELASTINGDIENST",
            description=f"KINDEROPVANGTOESLAG nr. {str(person.bsn)[1:]} 2026",
        )


def _typo(reference: str) -> str:
    digits = list(reference)
    pos = len(digits) - 3
    digits[pos] = str((int(digits[pos]) + 1) % 10)
    return "".join(digits)


def _other_lines(d: _Day) -> None:
    if item := d.take(RelationKind.CREDITOR):
        acc, name = d.payer(item)
        d.add(
            Truth("creditor_payment", "booked", "iban", (item.invoice_number,)),
            -item.amount,
            counterparty_iban=acc,
            counterparty_name=name,
            description=f"betaling {item.invoice_number}",
        )
    d.add(
        Truth("bank_costs", "booked", "transaction_code"),
        Decimal("-12.50"),
        bank_code="00099" if d.journal.bic == "INGBNL2A" else "N093",
        description="KOSTEN betalingsverkeer",
        detail_lines=("KOSTEN", "BETALINGSVERKEER", "PERIODE 11"),
    )
    if d.journal.bic == "RABONL2U":
        amount = Decimal(d.rng.randrange(20000, 90000)).scaleb(-2)
        d.add(
            Truth("pin_allocation", "booked", "transaction_code"),
            amount,
            bank_code="N121",
            counterparty_name="LIN-O-LUX",
            description="AFREKENING PIN-TRANSACTIES Verk.punt PT5101 periode 049",
            detail_lines=("LIN-O-LUX", "AFREKENING PIN-TRANSACTIES", "Verk.punt PT5101       periode 049"),
        )
    d.add(
        Truth("unknown", "open"),
        Decimal(d.rng.randrange(500, 5000)).scaleb(-2),
        counterparty_iban=iban(d.rng),
        counterparty_name="Onbekende Partij",
        description="overboeking",
    )
    people = d.books.bsn.get(d.journal.administration, [])
    if people and d.rng.random() < 0.7:
        person = d.rng.choice(people)
        d.add(
            Truth("bsn", "booked", "bsn"),
            Decimal("150.00"),
            counterparty_iban=TAX_OFFICE_IBAN,
            counterparty_name="BELASTINGDIENST",
            description=f"KINDEROPVANGTOESLAG nr. {person.bsn} 2026",
        )


def statements(
    directory: Path, *, start: date = date(2026, 11, 16), days: int = 5, seed: int = 11
) -> list[tuple[Journal, Statement, list[Truth]]]:
    """Daily statements for every journal of the bundle in ``directory``."""
    rng = random.Random(seed)
    books = Books.read(directory)
    books.shuffle(rng)
    used: set[tuple[str, str]] = set()
    out = []
    for journal in books.journals:
        balance = Decimal("25000.00")
        for n in range(days):
            day = start + timedelta(days=n)
            d = _Day(rng, books, journal, day, used)
            _debtor_lines(d)
            _other_lines(d)
            _hard_lines(d)
            closing = balance + sum((li.amount for li in d.lines), Decimal(0))
            stmt = Statement(
                format="mt940",
                account=journal.iban,
                currency=journal.currency,
                lines=tuple(d.lines),
                dialect="rabobank",
                statement_number=f"{day:%j}",
                sequence="1",
                opening_balance=Balance(day, balance),
                closing_balance=Balance(day, closing),
            )
            out.append((journal, stmt, d.truths))
            balance = closing
    return out
