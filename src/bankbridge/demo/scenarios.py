"""Statements with known truth, generated from a ledger bundle.

For the demo and for the quality benchmark: every generated line carries the outcome a
correct engine must reach (:class:`Truth`): booked by which rule against which open
items, or left open/proposed because certainty is impossible. Kinds of lines: exact
payments by payment reference, by invoice number in the text, by IBAN with a unique
amount, partial payments, combined payments, third parties (unknown IBAN), typo'd
references, already paid invoices, ambiguous amounts, BSN payments by the tax office,
PIN settlements with cost allocation, credit-card settlements with commission, bank
costs, creditor payments, and unknown lines. The same seed gives the same statements.
Invoice numbers are written in the shapes real bank lines show (``fact.N``, ``INV:N``,
``factuurN``, ``NBETALING``, ``Invoice #N``, an iDEAL line with the bank's transaction
ids), and every fourth reference only in the description, in its printed groups.

:func:`scenario` also writes sent batches (payments in transit): per bank journal every
few days a pain.001 batch paying creditors' open items and a pain.008 batch collecting
debtors' open items (:mod:`bankbridge.demo.pain`), and the lines the bank reports them
with — one total per batch with the batch id where the administration books batches as
one total, one line per item with the end-to-end id where it books item by item
(``payments_in_transit`` / ``direct_debit_in_transit``) — and one returned direct debit
per administration. Registered first (``bankbridge batches add``), the batches settle
their items; the lines then only clear the in-transit account. Items paid through a
batch, and the equal-amount pairs of the ambiguous lines, are never drawn by another
line. :func:`statements` is the same without batches (the demo registers none).
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from bankbridge.demo import pain
from bankbridge.demo.generate import TAX_OFFICE_IBAN, iban
from bankbridge.ledger.bundle import SPECS
from bankbridge.ledger.bundle_files import RowReader
from bankbridge.ledger.model import Administration, Journal, OpenItem, Relation, RelationBankAccount, RelationKind
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
    paid: dict[str, list[tuple[date, OpenItem]]] = field(default_factory=dict)
    """Per administration: items paid in full by a reference, with the date of that line."""
    by_relation: dict[tuple[str, str], list[OpenItem]] = field(default_factory=dict)
    administrations: dict[str, Administration] = field(default_factory=dict)
    twins: dict[str, list[tuple[OpenItem, OpenItem]]] = field(default_factory=dict)
    """Per administration: debtors' pairs of open items of exactly the same amount."""
    twin_relations: set[tuple[str, str]] = field(default_factory=set)
    twin_turn: dict[str, int] = field(default_factory=dict)
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

    def find_twins(self, used: set[tuple[str, str]]) -> None:
        """Pairs of a payable debtor's open items of the same amount (ambiguous amounts);
        every item of such an amount is reserved in ``used``: no other line settles it."""
        for (adm, number), items in self.by_relation.items():
            rel = self.relations[(adm, number)]
            if rel.kind is not RelationKind.DEBTOR or rel.blocked or (adm, number) not in self.accounts:
                continue
            by_amount: dict[Decimal, list[OpenItem]] = {}
            for item in items:
                if item.amount > 0:
                    by_amount.setdefault(item.amount, []).append(item)
            for same in by_amount.values():
                if len(same) > 1:
                    self.twins.setdefault(adm, []).append((same[0], same[1]))
                    self.twin_relations.add((adm, number))
                    used.update((adm, i.invoice_number) for i in same)

    @classmethod
    def read(cls, directory: Path) -> Books:
        books = cls()
        errors: list[Any] = []

        def rows(name: str) -> Iterator[Any]:
            for _line, record in RowReader(directory / name, SPECS[name], errors):
                yield record

        books.administrations = {a.code: a for a in rows("administrations.csv")}
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


@dataclass(frozen=True, slots=True)
class SentBatch:
    """A batch the scenario sends: written to a pain file, then reported by the bank."""

    journal: Journal
    kind: str  # payment | direct_debit
    batch: pain.Batch
    items: tuple[OpenItem, ...]
    per_item: bool
    """The administration books this kind item by item (else one total)."""


@dataclass(frozen=True, slots=True)
class PainFile:
    """A sent message: its file name and bytes."""

    name: str
    data: bytes


@dataclass(slots=True)
class Scenario:
    """Statements with their truth, and the pain files to register before importing them."""

    statements: list[tuple[Journal, Statement, list[Truth]]]
    batches: list[SentBatch]
    pain_files: list[PainFile]


@dataclass(slots=True)
class _Day:
    rng: random.Random
    books: Books
    journal: Journal
    day: date
    used: set[tuple[str, str]]
    sent: list[SentBatch] = field(default_factory=list)
    returns: list[SentBatch] = field(default_factory=list)
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
        """Items paid in full by a reference on an earlier date (journals are written one
        after the other: a later journal's early days come before an earlier one's late days)."""
        return [item for day, item in self.books.paid.get(self.journal.administration, []) if day < self.day]

    def payer(self, item: OpenItem) -> tuple[str, str]:
        rel = self.books.relations[(item.administration, item.relation)]
        return self.books.accounts[(item.administration, item.relation)], rel.name


_NAMED = (
    "factuur {n}",
    "fact.{n}",
    "Factuur nr: {n}",
    "INV:{n}",
    "factuur{n}",
    "{n}BETALING",
    "Invoice #{n}",
    "{ideal} 0030003724612388 iDEAL Webshop factuur {n}",
)
"""How payers and banks write one invoice number (the shapes found in real bank files):
chosen by the invoice number, so the generator's random stream is not touched."""


def _named(number: str) -> str:
    """A description naming invoice ``number`` in one of the :data:`_NAMED` shapes."""
    shape = _NAMED[zlib.crc32(number.encode()) % len(_NAMED)]
    ideal = f"00500005345279{zlib.crc32(number.encode()[::-1]) % 100:02d}"  # the bank's iDEAL transaction id
    return shape.format(n=number, ideal=ideal)


def _printed(reference: str) -> str | None:
    """Every fourth 16-digit reference written in its printed groups in the description
    only (no structured reference): ``Betalingskenmerk 2000 0000 2026 0001``."""
    if len(reference) != 16 or not reference.isdigit() or zlib.crc32(reference.encode()) % 4:
        return None
    return "Betalingskenmerk " + " ".join(reference[i : i + 4] for i in range(0, 16, 4))


def _debtor_lines(d: _Day) -> None:
    if item := d.take(RelationKind.DEBTOR):
        acc, name = d.payer(item)
        printed = _printed(item.payment_reference or "")
        d.add(
            Truth("exact_reference", "booked", "payment_reference", (item.invoice_number,)),
            item.amount,
            counterparty_iban=acc,
            counterparty_name=name,
            payment_reference=None if printed else item.payment_reference,
            payment_reference_type=None if printed else "CUR",
            description=printed or f"Betaling {item.payment_reference}",
        )
        d.books.paid.setdefault(item.administration, []).append((d.day, item))
    if item := d.take(RelationKind.DEBTOR):
        acc, name = d.payer(item)
        d.add(
            Truth("exact_invoice_number", "booked", "iban", (item.invoice_number,)),
            item.amount,
            counterparty_iban=acc,
            counterparty_name=name,
            description=_named(item.invoice_number),
        )
    if item := d.take(RelationKind.DEBTOR):
        acc, name = d.payer(item)
        part = (item.amount / 2).quantize(Decimal("0.01"))
        d.add(
            Truth("partial", "booked", "iban", (item.invoice_number,)),
            part,
            counterparty_iban=acc,
            counterparty_name=name,
            description=f"deelbetaling {_named(item.invoice_number)}",
        )
    if item := d.take(RelationKind.DEBTOR):
        _acc, _name = d.payer(item)
        d.add(
            Truth("third_party", "booked", "invoice_number", (item.invoice_number,)),
            item.amount,
            counterparty_iban=iban(d.rng),
            counterparty_name="Stichting Derde Betaler",
            description=f"namens klant {_named(item.invoice_number)}",
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
    if paid := d.paid:
        item = d.rng.choice(paid)
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


def _ambiguous_line(d: _Day) -> None:
    """A debtor with two open items of the same amount pays that amount from its known
    IBAN, naming no invoice and no reference: which item is paid cannot be known."""
    adm = d.journal.administration
    pairs = d.books.twins.get(adm, [])
    if not pairs:
        return
    turn = d.books.twin_turn.get(adm, 0)
    d.books.twin_turn[adm] = turn + 1
    first, _second = pairs[turn % len(pairs)]  # the pair is never settled: it may be paid again
    acc, name = d.payer(first)
    d.add(
        Truth("ambiguous", "proposed", "iban", ()),
        first.amount,
        counterparty_iban=acc,
        counterparty_name=name,
        description="betaling openstaande post",
    )


def _transit_lines(d: _Day) -> None:
    """What the bank reports of the batches sent today, and returned collections."""
    for sent in d.sent:
        sign = Decimal(1) if sent.kind == "direct_debit" else Decimal(-1)
        if not sent.per_item:
            d.add(
                Truth("in_transit_total", "booked", "in_transit", ()),
                sign * sent.batch.total,
                batch_id=sent.batch.batch_id,
                batch_count=len(sent.batch.transfers),
            )
            continue
        for transfer, item in zip(sent.batch.transfers, sent.items, strict=True):
            d.add(
                Truth("in_transit_item", "booked", "in_transit", ()),
                sign * transfer.amount,
                counterparty_iban=transfer.iban,
                counterparty_name=transfer.name,
                end_to_end_id=transfer.end_to_end_id,
                mandate_id=transfer.mandate_id,
                creditor_id=pain.CREDITOR_ID if transfer.mandate_id else None,
                description=f"{'incasso' if transfer.mandate_id else 'betaling'} {item.invoice_number}",
            )
    for sent in d.returns:
        transfer = sent.batch.transfers[0]
        d.add(
            Truth("returned_direct_debit", "proposed", "in_transit", ()),
            -transfer.amount,
            counterparty_iban=transfer.iban,
            counterparty_name=transfer.name,
            end_to_end_id=transfer.end_to_end_id,
            mandate_id=transfer.mandate_id,
            creditor_id=pain.CREDITOR_ID,
            return_reason="MD06",
            description=f"storno incasso {sent.items[0].invoice_number}",
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


BATCH_EVERY = 3
"""A payment and a direct-debit batch per bank journal on day 1, 4, 7, … of the run."""


class _Planner:
    """Sent batches drawn from the front of the shuffled queues (the lines pop from the
    back), every item reserved in ``used``; relations with ambiguous amounts, and people
    (BSN), are left out."""

    def __init__(self, books: Books, used: set[tuple[str, str]], rng: random.Random) -> None:
        self.books, self.used, self.rng = books, used, rng
        self.cursor: dict[tuple[str, RelationKind], int] = {}

    def draw(self, adm: str, kind: RelationKind, count: int) -> list[OpenItem]:
        queue = self.books.queues.get((adm, kind), [])
        at = self.cursor.get((adm, kind), 0)
        out: list[OpenItem] = []
        while at < len(queue) and len(out) < count:
            item = queue[at]
            at += 1
            key = (adm, item.invoice_number)
            if key in self.used or (adm, item.relation) in self.books.twin_relations:
                continue
            if self.books.relations[(adm, item.relation)].bsn:
                continue  # settled here, it could leave a person one open item for the BSN lines to settle
            if kind is RelationKind.DEBTOR and not item.payment_reference:
                continue
            self.used.add(key)
            out.append(item)
        self.cursor[(adm, kind)] = at
        return out

    def batch(self, journal: Journal, kind: str, day: date) -> SentBatch | None:
        adm = self.books.administrations[journal.administration]
        payment = kind == "payment"
        items = self.draw(adm.code, RelationKind.CREDITOR if payment else RelationKind.DEBTOR, self.rng.randint(2, 4))
        if not items:
            return None
        batch_id = f"{adm.code}-{journal.code}-{'PAY' if payment else 'DD'}-{day:%Y%m%d}"
        transfers = []
        for n, item in enumerate(items, start=1):
            relation = self.books.relations[(adm.code, item.relation)]
            transfers.append(
                pain.Transfer(
                    f"{batch_id}-{n:02d}",
                    item.amount,
                    relation.name,
                    self.books.accounts[(adm.code, item.relation)],
                    remittance=item.invoice_number if payment else None,
                    reference=None if payment else item.payment_reference,
                    mandate_id=None if payment else f"MNDT-{adm.code}-{item.relation}",
                )
            )
        per_item = adm.payments_in_transit if payment else adm.direct_debit_in_transit
        batch = pain.Batch(batch_id, journal.iban, journal.bic, day, tuple(transfers), batch_booking=not per_item)
        return SentBatch(journal, kind, batch, tuple(items), per_item)


def _plan(
    books: Books, used: set[tuple[str, str]], *, start: date, days: int, seed: int
) -> tuple[dict[tuple[str, str, date], list[SentBatch]], dict[tuple[str, str, date], list[SentBatch]]]:
    """The batches sent (and reported) per journal and day, and the returned collections
    (the first item of each administration's first direct-debit batch, a day later)."""
    planner = _Planner(books, used, random.Random(f"{seed}-in-transit"))
    sent: dict[tuple[str, str, date], list[SentBatch]] = {}
    returns: dict[tuple[str, str, date], list[SentBatch]] = {}
    returned: set[str] = set()
    for journal in books.journals:
        adm = books.administrations[journal.administration]
        if not adm.in_transit_gl_account:
            continue
        for n in range(1, days, BATCH_EVERY):
            day = start + timedelta(days=n)
            for kind in ("payment", "direct_debit"):
                batch = planner.batch(journal, kind, day)
                if batch is None:
                    continue
                sent.setdefault((adm.code, journal.code, day), []).append(batch)
                if kind == "direct_debit" and adm.code not in returned:
                    returned.add(adm.code)
                    later = day + timedelta(days=1) if n + 1 < days else day
                    returns.setdefault((adm.code, journal.code, later), []).append(batch)
    return sent, returns


def pain_files(books: Books, batches: list[SentBatch], *, created: date) -> list[PainFile]:
    """One pain.001 and one pain.008 file per bank journal with all its batches."""
    grouped: dict[tuple[str, str, str], list[SentBatch]] = {}
    for sent in batches:
        grouped.setdefault((sent.journal.administration, sent.journal.code, sent.kind), []).append(sent)
    out: list[PainFile] = []
    for (adm, code, kind), group in grouped.items():
        party = books.administrations[adm].name
        message_id = f"{adm}-{code}-{'PAY' if kind == 'payment' else 'DD'}-{created:%Y%m%d}"
        parts = [s.batch for s in group]
        if kind == "payment":
            out.append(
                PainFile(f"{adm}-{code}-pain.001.xml", pain.pain001(message_id, parts, party=party, created=created))
            )
        else:
            out.append(
                PainFile(f"{adm}-{code}-pain.008.xml", pain.pain008(message_id, parts, party=party, created=created))
            )
    return out


def scenario(
    directory: Path, *, start: date = date(2026, 11, 16), days: int = 5, seed: int = 11, batches: bool = True
) -> Scenario:
    """Daily statements for every journal of the bundle in ``directory`` and, with
    ``batches``, the sent batches they report (register their pain files first)."""
    rng = random.Random(seed)
    books = Books.read(directory)
    books.shuffle(rng)
    used: set[tuple[str, str]] = set()
    books.find_twins(used)
    sent, returns = _plan(books, used, start=start, days=days, seed=seed) if batches else ({}, {})
    out = []
    for journal in books.journals:
        balance = Decimal("25000.00")
        for n in range(days):
            day = start + timedelta(days=n)
            key = (journal.administration, journal.code, day)
            d = _Day(rng, books, journal, day, used, sent.get(key, []), returns.get(key, []))
            _debtor_lines(d)
            _other_lines(d)
            _hard_lines(d)
            _ambiguous_line(d)
            _transit_lines(d)
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
    every = [b for group in sent.values() for b in group]
    return Scenario(out, every, pain_files(books, every, created=start))


def statements(
    directory: Path, *, start: date = date(2026, 11, 16), days: int = 5, seed: int = 11
) -> list[tuple[Journal, Statement, list[Truth]]]:
    """Daily statements for every journal of the bundle in ``directory``, without sent
    batches (nothing in transit: for the demo, which registers no pain files)."""
    return scenario(directory, start=start, days=days, seed=seed, batches=False).statements
