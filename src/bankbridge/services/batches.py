"""Payments in transit (R-C1, R-C2, R-D8): registering the batches we send, and what
processing needs of them.

:func:`register_batch` is the one entry point for a sent pain.001 / pain.008 message —
the CLI calls it for a file (:func:`register_files`), the bank-API client after sending.
Each ``PmtInf`` is routed by its account IBAN to the bank journal that owns it (as
statements are, :class:`~bankbridge.services.importing.JournalRouter`); each instruction
is identified by the matching engine itself (payment reference, IBAN, invoice numbers
in the remittance text), as if the bank had reported it, so the same rules settle the
same open items. The batch is then booked once on the bank journal: the relations'
control accounts against the administration's in-transit GL account, the settlements
lowering the open amounts. One message is one transaction: stored whole or not at all.
A batch id registered before from the same message is skipped and reported.

Processing passes the open batches to the engine (:func:`in_transit`,
:func:`transit_state`), stores what a booked line cleared (:func:`record_clearing`) and
reopens it when that booking is undone (:func:`reopen`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from bankbridge.errors import BankbridgeError, InputError, ParseError, UnknownAccount
from bankbridge.ledger.access import Access
from bankbridge.ledger.model import Administration, Journal, JournalEntry, Posting, Settlement
from bankbridge.matching import Books, Decision, InTransitBatch, InTransitItem, LineInput
from bankbridge.matching.books import LazyIndex, environment_index
from bankbridge.matching.context import BatchState
from bankbridge.matching.engine import decide_line
from bankbridge.money import format_amount
from bankbridge.payments import pain
from bankbridge.payments.model import (
    BatchStatus,
    PaymentBatch,
    PaymentInstruction,
    PaymentMessage,
    SentBatch,
    SentItem,
)
from bankbridge.services.importing import JournalRouter
from bankbridge.services.ports import BookingStore, Clock, UnitOfWork
from bankbridge.statements.model import Source, StatementLine

WHOLE = -1
"""The engine's item index for a whole batch."""
RELATION_RULES = frozenset({"payment_reference", "iban", "invoice_number", "bsn"})
_EARLIER = re.compile(r"line (\d+) of this batch")


EnvironmentIndex = Mapping[tuple[str, str], tuple[tuple[str, str], ...]]
"""``Books.items_in_environment``: (environment, INVOICE) → (administration, invoice)."""


CACHED_ADMINISTRATIONS = 8
"""How many administrations' books a run of ``batches add`` keeps (the most recently used):
files usually come per administration, and books of a million open items take ~20 MiB
per administration of 10,000."""


@dataclass(slots=True)
class RegistrationCache:
    """What registering keeps from one message (file) to the next within one run: each
    administration's books as the engine indexed them, and one engine state that knows
    what the messages registered so far settled (their open amounts were lowered in the
    database too, so the books need not be read again). A message that fails is rolled
    back: :meth:`forget` drops what it touched, to be read afresh."""

    books: dict[str, Books] = field(default_factory=dict)
    state: BatchState = field(default_factory=BatchState)
    environment_indexes: dict[str, EnvironmentIndex] = field(default_factory=dict)
    counter: int = 0
    origin: dict[int, tuple[str, str, int]] = field(default_factory=dict)
    """The engine's line id of each instruction → (file, batch id, position)."""
    accounts: set[tuple[str, str]] = field(default_factory=set)
    """(administration, in-transit GL account) pairs found to exist."""
    bookings: BookingStore | None = None
    """The open unit of work's bookings, while a message is registered: an environment's
    invoice numbers are read through it when an instruction first asks."""
    marks: dict[str, tuple[int, ...]] = field(default_factory=dict)
    """Each kept administration's :meth:`BookingStore.books_mark` as the last message left
    it: another mark at the next message means someone else changed those books
    meanwhile (processing, a booking by hand, an undo, a load), and they are read again."""

    def environment(self, environment: str, administration: str) -> EnvironmentIndex:
        """The invoice numbers of ``environment`` (that of ``administration``), read when
        first looked in: only the *why not* sentence of an instruction that names another
        administration's invoice needs them, and a run of one small file against books of
        a million open items should not read them all. Kept for the rest of the run
        (invoice numbers do not change)."""
        index = self.environment_indexes.get(environment)
        if index is None:

            def read() -> EnvironmentIndex:
                if self.bookings is None:
                    raise RuntimeError("the invoice numbers are read inside a unit of work only")
                return environment_index(environment, self.bookings.environment_invoices({administration}))

            index = self.environment_indexes[environment] = LazyIndex(read)
        return index

    def forget(self, administrations: set[str]) -> None:
        """Drop the books and the consumption of ``administrations``."""
        state = self.state
        for adm in administrations:
            self.books.pop(adm, None)
            self.marks.pop(adm, None)
        self.accounts = {k for k in self.accounts if k[0] not in administrations}
        for consumed in (state.remaining, state.paid_by):
            for key in [k for k in consumed if k[0] in administrations]:
                del consumed[key]
        state.added_ibans = {k for k in state.added_ibans if k[0] not in administrations}


@dataclass(slots=True)
class BatchOutcome:
    """One ``PmtInf``: registered now, or found registered before."""

    batch_id: str
    administration: str
    journal: str
    kind: str
    total: Decimal
    items: int
    registered: bool


@dataclass(slots=True)
class RegisterOutcome:
    """What happened to one message (file)."""

    source: str
    batches: list[BatchOutcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


def kind_words(kind: str) -> str:
    """``direct-debit batch`` / ``payment batch``."""
    return "direct-debit batch" if kind == "direct_debit" else "payment batch"


def located(message: str, source: Source | None, *, field: str | None = None, hint: str | None = None) -> ParseError:
    """An error pointing into the message (file, line, XML path, field)."""
    src = source or Source("<message>")
    return ParseError(message, file=src.file, line=src.line, path=src.path, field=field, hint=hint)


NO_OPEN_ITEM_HINT = (
    "only batches whose every instruction pays open items are registered; a file that also pays "
    "other things (salaries, one-off payments) is left out, and its statement line booked by hand"
)


def register_batch(
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    message: PaymentMessage,
    *,
    administration: str | None = None,
    access: Access | None = None,
    actor: str = "bankbridge",
    cache: RegistrationCache | None = None,
) -> RegisterOutcome:
    """Register every batch of a sent message and book it on the in-transit account;
    raises (and stores nothing) when any batch or instruction cannot be registered.
    ``cache`` carries the indexed books from one message to the next of a run; books that
    another command changed meanwhile are read again (:attr:`RegistrationCache.marks`)."""
    source = message.source.file if message.source else "<message>"
    outcome = RegisterOutcome(source)
    cache = cache if cache is not None else RegistrationCache()
    with uow_factory() as uow:
        registrar = _Registrar(uow, clock, access or Access.everything(), administration, outcome, cache=cache)
        cache.bookings = uow.bookings
        try:
            for batch in message.batches:
                registrar.register(message, batch)
        except BaseException:
            cache.forget(registrar.touched)
            raise
        finally:
            cache.bookings = None
        for adm in registrar.touched:  # what this message leaves (its own changes included)
            cache.marks[adm] = uow.bookings.books_mark(adm)
        if registrar.audit:
            uow.bookings.audit(
                [
                    {
                        "at": clock.now(),
                        "actor": actor,
                        "administration": adm,
                        "action": "register_batch",
                        "subject": subject,
                        "detail": source,
                    }
                    for adm, subject in registrar.audit
                ]
            )
            uow.commit()
    return outcome


class _Registrar:
    """Registers the batches of one message inside one unit of work."""

    def __init__(
        self,
        uow: UnitOfWork,
        clock: Clock,
        access: Access,
        administration: str | None,
        outcome: RegisterOutcome,
        *,
        cache: RegistrationCache,
    ) -> None:
        self.uow, self.clock, self.access, self.outcome, self.cache = uow, clock, access, outcome, cache
        self.journals = uow.statements.journals()
        self.router = JournalRouter(self.journals)
        self.only = administration
        self.touched: set[str] = set()
        self.audit: list[tuple[str, str]] = []
        if administration is not None:
            access.require(administration)
            if administration not in {j.administration for j in self.journals}:
                raise InputError(f"no administration {administration!r} with a bank journal")

    def register(self, message: PaymentMessage, batch: PaymentBatch) -> None:
        if len(batch.batch_id) > 35 or len(message.message_id) > 35:
            raise located("batch and message ids have at most 35 characters", batch.source, field="PmtInfId")
        journal = self._journal(batch)
        before = self.uow.batches.registered(journal.administration, batch.batch_id)
        if before is not None:
            if before != message.message_id:
                raise located(
                    f"batch id {batch.batch_id} is registered already from message {before}",
                    batch.source,
                    field="PmtInfId",
                )
            self.outcome.batches.append(_outcome(batch, journal, registered=False))
            self.outcome.warnings.append(
                f"{self.outcome.source}: {kind_words(batch.kind)} {batch.batch_id} is registered already; "
                "nothing changed"
            )
            return
        books = self._books(journal.administration)
        adm = books.administrations[journal.administration]
        gl = self._in_transit_account(adm, batch)
        items, entry = self._book(batch, journal, books, gl)
        sent = SentBatch(
            administration=journal.administration,
            journal=journal.code,
            batch_id=batch.batch_id,
            message_id=message.message_id,
            kind=batch.kind,
            date=batch.date,
            currency=journal.currency,
            total=batch.total,
            items=items,
            source_file=self.outcome.source,
        )
        self.uow.batches.add(sent, entry, now=self.clock.now())
        self.outcome.batches.append(_outcome(batch, journal, registered=True))
        self.audit.append((journal.administration, f"{kind_words(batch.kind)} {batch.batch_id}"))
        self._warn_mode(adm, batch)

    def _journal(self, batch: PaymentBatch) -> Journal:
        field = "DbtrAcct/Id/IBAN" if batch.kind == "payment" else "CdtrAcct/Id/IBAN"
        try:
            journal = self.router.route(batch.account_iban)
        except UnknownAccount as exc:
            raise located(str(exc), batch.source, field=field) from None
        if self.only is not None and journal.administration != self.only:
            raise located(
                f"account {batch.account_iban} belongs to administration {journal.administration}, not {self.only}",
                batch.source,
                field=field,
            )
        self.access.require(journal.administration)
        return journal

    def _books(self, administration: str) -> Books:
        cache = self.cache
        if administration not in self.touched:
            # Registering settles open items, as deciding a line does: the right to decide
            # first, then the books as they are now (kept ones only if nobody changed them).
            self.uow.bookings.lock_deciding({administration})
            if cache.marks.get(administration) != self.uow.bookings.books_mark(administration):
                cache.forget({administration})
        self.touched.add(administration)
        if administration in cache.books:
            cache.books[administration] = cache.books.pop(administration)  # the most recent last
        else:
            while cache.books and len(cache.books) >= CACHED_ADMINISTRATIONS:
                cache.forget({next(iter(cache.books))})
            index = cache.environment(self.uow.bookings.environment_of(administration), administration)
            bundle, items = self.uow.bookings.books({administration})
            cache.books[administration] = Books.of_bundle(bundle, items, environment_index=index)
        return cache.books[administration]

    def _in_transit_account(self, adm: Administration, batch: PaymentBatch) -> str:
        gl = adm.in_transit_gl_account
        if not gl:
            raise located(
                f"administration {adm.code} has no in_transit_gl_account; set it in administrations.csv first",
                batch.source,
            )
        if (adm.code, gl) in self.cache.accounts:
            return gl
        try:
            self.uow.bookings.require_gl_account(adm.code, gl)
        except UnknownAccount as exc:
            raise located(f"in_transit_gl_account: {exc}", batch.source) from None
        self.cache.accounts.add((adm.code, gl))
        return gl

    def _book(
        self, batch: PaymentBatch, journal: Journal, books: Books, gl: str
    ) -> tuple[tuple[SentItem, ...], JournalEntry]:
        """Identify every instruction's open items; the batch's one journal entry."""
        items: list[SentItem] = []
        legs: list[Posting] = []
        settlements: list[Settlement] = []
        for position, instruction in enumerate(batch.items, start=1):
            decision = self._identify(batch, position, instruction, journal, books)
            legs.extend(decision.postings[1:])
            settlements.extend(decision.settlements)
            items.append(_sent_item(position, instruction, decision))
        bank_total = batch.total if batch.kind == "direct_debit" else -batch.total
        words = f"{kind_words(batch.kind)} {batch.batch_id}"
        entry = JournalEntry(
            administration=journal.administration,
            journal=journal.code,
            voucher_number=batch.batch_id,
            entry_date=batch.date,
            currency=journal.currency,
            postings=(*legs, Posting(gl, bank_total)),
            settlements=tuple(settlements),
            description=f"{words} sent: {len(items)} items, {format_amount(batch.total)} "
            f"on the in-transit account {gl}",
        )
        return tuple(items), entry

    def _identify(
        self, batch: PaymentBatch, position: int, instruction: PaymentInstruction, journal: Journal, books: Books
    ) -> Decision:
        """The engine's decision for the instruction as if the bank had reported it."""
        if instruction.currency != journal.currency:
            raise located(
                f"{instruction.currency} differs from the currency {journal.currency} of journal {journal.code}",
                instruction.source,
                field="InstdAmt",
            )
        cache = self.cache
        cache.counter += 1
        cache.origin[cache.counter] = (self.outcome.source, batch.batch_id, position)
        amount = instruction.amount if batch.kind == "direct_debit" else -instruction.amount
        line = StatementLine(
            amount=amount,
            booking_date=batch.date,
            currency=instruction.currency,
            counterparty_iban=instruction.counterparty_iban,
            counterparty_name=instruction.counterparty_name,
            end_to_end_id=instruction.end_to_end_id,
            mandate_id=instruction.mandate_id,
            payment_reference=instruction.reference,
            description=instruction.remittance,
        )
        entry = LineInput(
            cache.counter, journal.administration, journal.code, journal.bic, journal.iban, journal.currency, line
        )
        decision = decide_line(entry, books, cache.state)
        if decision.status != "booked" or decision.rule not in RELATION_RULES or not decision.settlements:
            raise located(
                f"cannot tell which open item this {'collection' if amount > 0 else 'payment'} settles: "
                f"{_EARLIER.sub(self._earlier, decision.evidence)}",
                instruction.source,
                field="RmtInf",
                hint=NO_OPEN_ITEM_HINT if _pays_no_open_item(decision) else None,
            )
        return decision

    def _earlier(self, found: re.Match[str]) -> str:
        """The engine's ``line N of this batch`` as the instruction it was."""
        file, batch_id, position = self.cache.origin[int(found.group(1))]
        if file == self.outcome.source:
            return "an earlier instruction of this file"
        return f"instruction {position} of batch {batch_id} in {file}"

    def _warn_mode(self, adm: Administration, batch: PaymentBatch) -> None:
        per_item = adm.direct_debit_in_transit if batch.kind == "direct_debit" else adm.payments_in_transit
        if batch.batch_booking is False and not per_item:
            setting = "direct_debit_in_transit" if batch.kind == "direct_debit" else "payments_in_transit"
            self.outcome.warnings.append(
                f"{self.outcome.source}: {kind_words(batch.kind)} {batch.batch_id} asks the bank to book item by "
                f"item (BtchBookg false), but {setting} is off for {adm.code}: its items will only be proposed"
            )


def _pays_no_open_item(decision: Decision) -> bool:
    """The engine found no open item at all (not: one it cannot choose, or one paid already)."""
    evidence = decision.evidence
    return decision.status == "open" and (evidence.startswith("no rule") or "who has no open items" in evidence)


def _outcome(batch: PaymentBatch, journal: Journal, *, registered: bool) -> BatchOutcome:
    return BatchOutcome(
        batch.batch_id, journal.administration, journal.code, batch.kind, batch.total, len(batch.items), registered
    )


def _sent_item(position: int, instruction: PaymentInstruction, decision: Decision) -> SentItem:
    """The instruction as kept: with its own legs and settlements of the batch's entry,
    so that a rejection by the bank can reverse exactly it."""
    numbers = [s.invoice_number for s in decision.settlements]
    joined = ", ".join(numbers)
    return SentItem(
        position=position,
        end_to_end_id=instruction.end_to_end_id,
        relation=decision.settlements[0].relation,
        invoice_number=joined if len(joined) <= 64 else numbers[0],
        amount=instruction.amount,
        counterparty_iban=instruction.counterparty_iban,
        counterparty_name=instruction.counterparty_name,
        remittance=instruction.remittance or instruction.reference or "",
        evidence=decision.evidence,
        postings=tuple(decision.postings[1:]),
        settlements=tuple(decision.settlements),
    )


def register_files(
    paths: Sequence[Path],
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    *,
    administration: str | None = None,
) -> list[RegisterOutcome]:
    """Read and register each pain file in its own transaction; a failing file is
    reported and the others go on."""
    outcomes = []
    cache = RegistrationCache()
    for path in paths:
        try:
            message = pain.read(path.read_bytes(), source=str(path))
            outcomes.append(register_batch(uow_factory, clock, message, administration=administration, cache=cache))
        except OSError as exc:
            outcomes.append(RegisterOutcome(str(path), error=f"{path}: cannot read: {exc.strerror}"))
        except BankbridgeError as exc:
            text = str(exc)
            outcomes.append(RegisterOutcome(str(path), error=text if str(path) in text else f"{path}: {text}"))
    return outcomes


def list_batches(
    uow_factory: Callable[[], UnitOfWork],
    *,
    access: Access,
    administration: str | None = None,
    status: BatchStatus | None = None,
) -> list[SentBatch]:
    """Registered batches the caller may see."""
    with uow_factory() as uow:
        return uow.batches.listing(access, administration=administration, status=status)


# --- what processing needs ----------------------------------------------------------


def in_transit(batches: Sequence[SentBatch]) -> tuple[InTransitBatch, ...]:
    """The open batches as the engine takes them (item index = position - 1); the total
    leaves out items the bank rejected (it books only what it carried out)."""
    return tuple(
        InTransitBatch(
            b.batch_id,
            b.administration,
            b.kind,
            sum((i.amount for i in b.items if i.status != "rejected"), Decimal(0)),
            tuple(InTransitItem(i.end_to_end_id, i.relation or "", i.invoice_number, i.amount) for i in b.items),
        )
        for b in batches
    )


def transit_state(batches: Sequence[SentBatch]) -> BatchState:
    """A fresh engine state that knows the items cleared by earlier runs: they are not
    cleared again, and their batch's total no longer clears as a whole. Items the bank
    rejected are never cleared (but the rest of their batch still clears as one total)."""
    state = BatchState()
    for b in batches:
        done = {(b.administration, b.batch_id, i.position - 1) for i in b.items if i.status == "cleared"}
        rejected = {(b.administration, b.batch_id, i.position - 1) for i in b.items if i.status == "rejected"}
        state.transit_used.update(done | rejected)
        if done:
            state.transit_touched.add((b.administration, b.batch_id))
    return state


def record_clearing(uow: UnitOfWork, cleared: Sequence[tuple[int, tuple[tuple[str, str, int], ...]]]) -> None:
    """Store what booked lines cleared: ``(line id, decision.transit_used)``."""
    uow.batches.clear_many(
        [
            (line_id, administration, batch_id, None if index == WHOLE else index + 1)
            for line_id, used in cleared
            for administration, batch_id, index in used
        ]
    )


def reopen(uow: UnitOfWork, line_id: int) -> list[str]:
    """The booking of ``line_id`` was undone: what it cleared is in transit again."""
    return uow.batches.reopen(line_id)
