"""Processing (R-D9, R-C7, R-G3): every line of the statements in progress through the
matching engine; booked lines get their journal entry and settlements, the others their
status and the sentence saying why not; statements whose lines are all booked become
processed. Lines are decided administration block by administration block, each in
the order given, in chunks that share the block's engine state: memory stays bounded and
the result is the same as one big batch.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field

from bankbridge.ledger.access import Access
from bankbridge.ledger.lines import json_writer
from bankbridge.ledger.processing import AddedAccount, PendingIds, PendingLine, SaveRows, add_entry
from bankbridge.matching import Books, Decision, LineInput
from bankbridge.matching.books import LazyIndex, environments_index
from bankbridge.matching.context import BatchState
from bankbridge.matching.engine import decide_line
from bankbridge.money import format_amount
from bankbridge.services import batches as sent_batches
from bankbridge.services.ports import Clock, UnitOfWork
from bankbridge.statements.twin import twin_of

CHUNK = 5000
BLOCK_LINES = CHUNK
"""Administrations are decided in blocks of at least this many lines (:func:`blocks`)."""
BULK = 10_000
"""From this many lines on, the database's planner statistics are refreshed afterwards."""


@dataclass(slots=True)
class ProcessReport:
    """Counts per administration: lines booked, proposed, left open; statements processed."""

    booked: dict[str, int] = field(default_factory=dict)
    proposed: dict[str, int] = field(default_factory=dict)
    open: dict[str, int] = field(default_factory=dict)
    processed_statements: int = 0
    rules: dict[str, int] = field(default_factory=dict)

    def merge(self, other: ProcessReport) -> None:
        """Add another report's counts to this one."""
        for mine, theirs in (
            (self.booked, other.booked),
            (self.proposed, other.proposed),
            (self.open, other.open),
            (self.rules, other.rules),
        ):
            for key, n in theirs.items():
                mine[key] = mine.get(key, 0) + n
        self.processed_statements += other.processed_statements

    def count(self, administration: str, decision: Decision) -> None:
        status = decision.status  # once per line: no dictionary of the targets made for it
        target = self.booked if status == "booked" else self.proposed if status == "proposed" else self.open
        target[administration] = target.get(administration, 0) + 1
        if status == "booked" and decision.rule:
            self.rules[decision.rule] = self.rules.get(decision.rule, 0) + 1


_CANDIDATES_JSON = json_writer()
"""``json.dumps(…, ensure_ascii=False)``, its encoder made once (a line kept open or
proposed has candidates)."""


def _candidates(decision: Decision) -> str:
    if not decision.candidates:
        return "[]"
    return _CANDIDATES_JSON(
        [
            {
                "relation": c.relation,
                "invoice_numbers": list(c.invoice_numbers),
                "amount": format_amount(c.amount),
                "score": c.score,
                "reason": c.reason,
                "gl_account": c.gl_account,
            }
            for c in decision.candidates
        ]
    )


_INPUT = twin_of(LineInput)
"""Made once per line, without the frozen ``__init__`` (:mod:`bankbridge.statements.twin`)."""


@dataclass(slots=True)
class Decided:
    """What the engine decided for one chunk of lines, ready to be stored: the read side of
    processing hands these to the write side (also across processes: plain tuples only)."""

    rows: SaveRows
    accounts: list[AddedAccount] = field(default_factory=list)
    """Bank accounts added (R-C6), with the line whose booking added them."""
    cleared: list[tuple[int, tuple[tuple[str, str, int], ...]]] = field(default_factory=list)
    statements: set[int] = field(default_factory=set)
    """The statements of the lines decided."""
    report: ProcessReport = field(default_factory=ProcessReport)
    unfinished: set[int] = field(default_factory=set)
    """Statements of which a line decided here is not booked: they stay in progress."""


@dataclass(frozen=True, slots=True)
class Pending:
    """What a run is to decide: the administrations with lines waiting, each with how
    many it had when the run took the right to decide them (by code), and what narrows
    which of their lines. Their ids are read by whoever decides them
    (:func:`decide_pending`), so processes that decide side by side each read their own."""

    counts: dict[str, int]
    access: Access
    journals: set[tuple[str, str]] | None = None

    def __len__(self) -> int:
        return sum(self.counts.values())

    def of(self, administrations: Collection[str]) -> Pending:
        """The part of these administrations."""
        return Pending({adm: n for adm, n in self.counts.items() if adm in administrations}, self.access, self.journals)

    def ids(self, uow: UnitOfWork) -> PendingIds:
        """The lines' ``(id, administration)`` pairs, in the order they are decided."""
        return uow.bookings.pending_ids(self.access, administrations=self.counts, journals=self.journals)


Decider = Callable[[Pending], Iterator[Decided]]
"""Decides pending lines chunk by chunk (see :func:`decide_pending`; ``bootstrap`` has one
that runs in several processes)."""


def process(
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    *,
    access: Access,
    administration: str | None = None,
    journals: set[tuple[str, str]] | None = None,
    actor: str = "bankbridge",
    decider: Decider | None = None,
) -> ProcessReport:
    """Process every line not booked yet of the statements in progress the caller may see
    (optionally only of some ``(administration, journal)`` pairs). The lines are decided
    by ``decider`` (default: in this process, on this transaction) and everything is
    stored in one transaction."""
    report = ProcessReport()
    with uow_factory() as uow:
        # The right to decide first, then what is pending (another run's decisions stored by then).
        scope = uow.bookings.deciding_scope(access, administration=administration, journals=journals)
        uow.bookings.lock_deciding(scope)
        counts = uow.bookings.pending_counts(access, administration=administration, journals=journals)
        if scope is not None:
            # a statement begun since the scope was read waits for the next run
            counts = {adm: n for adm, n in counts.items() if adm in scope}
        pending = Pending(counts, access, journals)
        if not counts:
            return report
        chunks = decider(pending) if decider else decide_pending(uow, pending)
        statements: set[int] = set()
        unfinished: set[int] = set()
        for decided in chunks:
            store(uow, decided, clock=clock, actor=actor)
            report.merge(decided.report)
            statements |= decided.statements
            unfinished |= decided.unfinished
        if len(pending) >= BULK:
            # Before closing: the planner must see the decisions just stored (PostgreSQL,
            # without statistics of line_decisions, scanned all of them per 500 statements:
            # 12.5 s at 1M lines).
            uow.refresh_statistics()
        # A statement with a line left unbooked here stays in progress: only the others are
        # asked whether all their lines are booked (lines not decided here count too).
        closed = uow.bookings.close_statements(statements - unfinished, now=clock.now())
        report.processed_statements = len(closed)
        uow.bookings.audit(
            [
                {
                    "at": clock.now(),
                    "actor": actor,
                    "administration": adm,
                    "action": "process",
                    "subject": f"{n} lines booked",
                    "detail": "",
                }
                for adm, n in sorted(report.booked.items())
            ]
        )
        uow.commit()
    return report


def decide_pending(
    uow: UnitOfWork,
    pending: Pending,
    *,
    index: LazyIndex[tuple[str, str], tuple[tuple[str, str], ...]] | None = None,
) -> Iterator[Decided]:
    """The read side: the pending lines' ids read, their administrations in blocks
    (:func:`blocks`), each block's books read and indexed, then its lines decided in the
    order given, in chunks that
    share the block's engine state. Administrations are independent for the engine (a line
    only settles, clears and adds for its own administration), so this decides exactly as
    one batch of all of them would. One block's books at a time keep a worker small (at 1M
    lines against 1M open items, 177 MiB at most instead of 865 MiB with all its 50
    administrations' books at once) and its indexes closer to the processor's caches (the
    same run took less CPU in four of five pairs run back to back, within the drift).
    ``index``: the environments' invoice numbers made before (:func:`environment_index_of`)
    for these administrations or more, when one process decides several parts of a run."""
    if index is None:
        index = environment_index_of(uow, set(pending.counts))
    for block, lines in blocks(pending.ids(uow), BLOCK_LINES):
        ids = lines.ids
        bundle, items = uow.bookings.books(block)
        sent = uow.batches.open_batches(block)  # the engine clears a line's own administration's batches only
        books = Books.of_bundle(bundle, items, in_transit=sent_batches.in_transit(sent), environment_index=index)
        del bundle, items
        state = sent_batches.transit_state(sent)
        for start in range(0, len(ids), CHUNK):
            yield decide_chunk(uow.bookings.pending(ids[start : start + CHUNK]), books=books, state=state)


def blocks(pending: PendingIds, lines: int) -> Iterator[tuple[set[str], PendingIds]]:
    """The pending lines by administration, in the order of each one's first line,
    administrations put together into blocks of at least ``lines`` lines (the last one
    may have fewer): each line keeps its place among its administration's lines."""
    block: set[str] = set()
    ids = PendingIds()
    for adm, lines_of in pending.by_administration().items():
        block.add(adm)
        ids.extend(lines_of)
        if len(ids) >= lines:
            yield block, ids
            block, ids = set(), PendingIds()
    if ids:
        yield block, ids


def environment_index_of(
    uow: UnitOfWork, administrations: set[str]
) -> LazyIndex[tuple[str, str], tuple[tuple[str, str], ...]]:
    """``Books.items_in_environment`` for every block of ``administrations``: the invoice
    numbers of all administrations of their environments, read when a line first asks
    (only lines naming an invoice that is not open ask) — once, not per block. Each
    number's administrations are in code order, whatever the blocks or workers."""

    def read() -> dict[tuple[str, str], tuple[tuple[str, str], ...]]:
        envs = {a.code: a.environment for a in uow.ledger.records("administrations.csv")}
        invoices = sorted(uow.bookings.environment_invoices(administrations))
        return environments_index((envs.get(adm, ""), adm, number) for adm, number in invoices)

    return LazyIndex(read)


def decide_chunk(pending: Sequence[PendingLine], *, books: Books, state: BatchState) -> Decided:
    """Decide lines (pure: no database). What is stored for each goes straight into the
    rows (those :func:`bankbridge.ledger.processing.save_rows` makes of a line's outcome
    and booking, without a :class:`LineOutcome` and a :class:`Booking` in between)."""
    rows = SaveRows([], [], [], [])
    statuses = rows.statuses
    accounts: list[AddedAccount] = []
    cleared: list[tuple[int, tuple[tuple[str, str, int], ...]]] = []
    report = ProcessReport()
    statements: set[int] = set()
    unfinished: set[int] = set()
    make_input = _INPUT.make
    for p in pending:
        entry = make_input(
            line_id=p.line_id,
            administration=p.administration,
            journal=p.journal,
            bank_bic=p.bank_bic,
            account_iban=p.account_iban,
            currency=p.currency,
            line=p.line,
        )
        decision = decide_line(entry, books, state)
        status = decision.status
        statuses.append((p.line_id, status, decision.rule, decision.evidence, decision.score, _candidates(decision)))
        statements.add(p.statement_id)
        if status == "booked":
            line = p.line
            add_entry(
                rows,
                line_id=p.line_id,
                administration=p.administration,
                journal=p.journal,
                voucher_number=p.voucher_number,
                entry_date=line.booking_date or line.value_date,
                currency=p.currency,
                rule=decision.rule,
                postings=decision.postings,
                settlements=decision.settlements,
                description=(line.description or line.counterparty_name or "")[:200],
            )
        else:
            unfinished.add(p.statement_id)
        if (new := decision.new_bank_account) is not None:
            accounts.append((p.line_id, new.administration, new.relation, new.iban, new.status.value))
        if decision.transit_used:
            cleared.append((p.line_id, decision.transit_used))
        report.count(p.administration, decision)
    return Decided(rows, accounts, cleared, statements, report, unfinished)


def store(uow: UnitOfWork, decided: Decided, *, clock: Clock, actor: str = "bankbridge") -> None:
    """The write side: statuses, journal entries, settlements, new bank accounts (each with
    its audit record), batches cleared. Chunk by chunk, as they come: stored while the
    workers decide, not after them (the 307,882 accounts' records of the 1M run took
    0.3 s at one core at the end)."""
    uow.bookings.save_rows(decided.rows, now=clock.now())
    uow.bookings.add_bank_accounts(decided.accounts)
    if decided.accounts:
        now = clock.now()
        uow.bookings.audit(
            [
                {
                    "at": now,
                    "actor": actor,
                    "administration": adm,
                    "action": "add_bank_account",
                    "subject": f"{iban} to relation {relation} ({status})",
                    "detail": f"line {line_id}",
                }
                for line_id, adm, relation, iban, status in decided.accounts
            ]
        )
    sent_batches.record_clearing(uow, decided.cleared)


def undo(
    uow_factory: Callable[[], UnitOfWork], clock: Clock, *, access: Access, line_id: int, actor: str = "bankbridge"
) -> None:
    """Undo the processing of one line (R-G3): its entry reversed, settlements reopened."""
    with uow_factory() as uow:
        uow.bookings.lock_deciding_of(line_id=line_id)
        administration, statement_id = uow.bookings.undo_line(access, line_id, now=clock.now())
        sent_batches.reopen(uow, line_id)
        removed = uow.bookings.remove_added_bank_accounts(line_id)
        uow.bookings.audit(
            [
                {
                    "at": clock.now(),
                    "actor": actor,
                    "administration": administration,
                    "action": "undo",
                    "subject": f"line {line_id} of statement {statement_id}",
                    "detail": "; ".join(f"bank account {iban} removed from relation {rel}" for rel, iban in removed),
                }
            ]
        )
        uow.commit()
