"""Import of statement files into the books (R-A3, R-A4, R-B2…R-B5, R-E8).

Each parsed statement is routed to the bank journal that owns its account and handed to
:func:`add_transactions`, the one entry point that file import and the bank API fetch
share: it splits lines per transaction date into daily statements (creating a day's
statement or appending to it, and setting a processed one back to in progress), skips
lines read before (:mod:`bankbridge.statements.identity`), and checks the opening balance
against the journal's previous closing balance. Only lines the bank has booked go in
(:func:`booked_lines`). One file statement is one transaction: stored whole or not at all.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from bankbridge.errors import BankbridgeError, InputError, ParseError, UnknownAccount
from bankbridge.formats.registry import FileResult, read
from bankbridge.identifiers.iban import looks_like_iban
from bankbridge.ledger.lines import LineRecord, line_record
from bankbridge.ledger.model import Journal, NewLines, StatementStatus, StoredStatement
from bankbridge.money import format_amount, from_minor, to_minor
from bankbridge.services.ports import Clock, StatementStore, UnitOfWork
from bankbridge.statements.checks import NOT_BOOKED, booked_lines, check_balance, line_status
from bankbridge.statements.daily import Day, date_order, days
from bankbridge.statements.identity import identities, line_date
from bankbridge.statements.model import Statement


@dataclass(slots=True)
class DayOutcome:
    """What happened to one daily statement."""

    statement_id: int
    administration: str
    journal: str
    created: bool
    added: int
    duplicates: int
    auto_process: bool = False


@dataclass(slots=True)
class FileOutcome:
    """What happened to one file (or zip member)."""

    source: str
    error: str | None = None
    statements: int = 0
    lines: int = 0
    duplicates: int = 0
    warnings: list[str] = field(default_factory=list)
    days: list[DayOutcome] = field(default_factory=list)


@dataclass(slots=True)
class AdministrationSummary:
    """Per administration: daily statements created or added to, lines added, duplicates skipped."""

    statements: set[int] = field(default_factory=set)
    lines: int = 0
    duplicates: int = 0


@dataclass(slots=True)
class ImportReport:
    """The outcome of one import run."""

    files: list[FileOutcome] = field(default_factory=list)

    def journals_to_process(self, *, everything: bool) -> set[tuple[str, str]]:
        """Journals that received lines and are processed now: all with ``--process``,
        else those whose posting profile says *process automatically* (R-C7)."""
        return {
            (d.administration, d.journal)
            for f in self.files
            for d in f.days
            if d.added and (everything or d.auto_process)
        }

    @property
    def failed(self) -> list[FileOutcome]:
        return [f for f in self.files if f.error]

    def per_administration(self) -> dict[str, AdministrationSummary]:
        out: dict[str, AdministrationSummary] = {}
        for f in self.files:
            for d in f.days:
                summary = out.setdefault(d.administration, AdministrationSummary())
                if d.added:
                    summary.statements.add(d.statement_id)
                summary.lines += d.added
                summary.duplicates += d.duplicates
        return out


class JournalRouter:
    """Finds the bank journal of a statement's account (R-A3): by IBAN, or — for files
    without IBAN — by the national account number inside a journal's IBAN: the digits of
    its BBAN without leading zeros (Dutch account numbers, Belgian CODA account numbers),
    and the German ``BLZ/account`` form with the account padded to 10 digits. Only a
    number that fits exactly one journal routes."""

    def __init__(self, journals: Sequence[Journal]) -> None:
        self.by_iban = {j.iban: j for j in journals}
        self.by_number: dict[str, list[Journal]] = {}
        for j in journals:
            self.by_number.setdefault(_digits(j.iban[4:]), []).append(j)

    def route(self, account: str) -> Journal:
        compact = "".join(account.split()).upper()
        if compact in self.by_iban:
            return self.by_iban[compact]
        if not looks_like_iban(compact):
            bank, slash, number = compact.partition("/")
            if slash and bank.isdigit():
                key = _digits(bank + number.zfill(10))
            else:
                key = _digits(number if slash else compact)
            found = [j for j in self.by_number.get(key, []) if not slash or _bank_fits(bank, j)] if key else []
            if len(found) == 1:
                return found[0]
        raise UnknownAccount(f"no bank journal owns account {account}; add it to journals.csv first")


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit()).lstrip("0")


def _bank_fits(bank: str, journal: Journal) -> bool:
    """``BIC/number`` (``ABNANL2A/0417164300``): the BIC must be the journal's bank — its
    BIC, else the IBAN's bank code and country — or a Danish account with the same digits
    would land in a Dutch journal."""
    if not bank or bank.isdigit():
        return True
    code = bank.upper()
    if journal.bic:
        return journal.bic.upper()[:6] == code[:6]
    return len(code) >= 6 and journal.iban[4:8] == code[:4] and journal.iban[:2] == code[4:6]


@dataclass(frozen=True, slots=True)
class PreparedDay:
    """One day of a statement with its lines' identities and stored records, computed
    before any database work."""

    day: Day
    identities: list[str]
    records: list[LineRecord]


@dataclass(frozen=True, slots=True)
class PreparedStatement:
    """A statement routed to its journal and split into prepared days; ``statement``
    holds only its booked lines, ``not_booked`` counts the lines left out."""

    journal: Journal
    statement: Statement
    days: list[PreparedDay]
    not_booked: int = 0

    @property
    def lines(self) -> int:
        return sum(len(d.records) for d in self.days)


def not_booked_warning(statement: Statement, left_out: dict[str, int]) -> str:
    """The warning for the lines :func:`booked_lines` left out of ``statement``."""
    total = sum(left_out.values())
    kinds = " and ".join(f"{left_out[s]} {meaning} ({s})" for s, meaning in NOT_BOOKED.items() if s in left_out)
    name = statement.statement_number or statement.statement_id or "?"
    entries, come = ("entry", "comes") if total == 1 else ("entries", "come")
    everything = "" if statement.lines else "; no booked entries, nothing added"
    return (
        f"statement {name} of {statement.account}: {total} {entries} not stored: {kinds}, not booked at the "
        f"bank; the booked {entries} {come} with a later report or the final statement{everything}"
    )


def prepare(journal: Journal, statement: Statement) -> PreparedStatement:
    """Everything about ``statement`` that needs no database: the currency check, the
    split into days, identities and records. Lines the bank has not booked are left out
    (:func:`booked_lines`). Raises :class:`InputError` for a statement that cannot go
    into ``journal``."""
    booked, left_out = booked_lines(statement)
    return _prepare_booked(journal, statement, booked, sum(left_out.values()))


def _prepare_booked(journal: Journal, statement: Statement, booked: Statement, not_booked: int) -> PreparedStatement:
    """:func:`prepare` of ``statement`` whose booked lines are ``booked`` (lines are
    numbered as in ``statement``, the file)."""
    currency = journal.currency
    if statement.currency and statement.currency != currency:
        raise InputError(
            f"statement of {statement.account} is in {statement.currency}, journal "
            f"{journal.code} of {journal.administration} in {currency}"
        )
    for n, line in enumerate(statement.lines, start=1):
        if line.currency and line.currency != currency and line_status(line) not in NOT_BOOKED:
            ref = f" ({line.bank_reference})" if line.bank_reference else ""
            raise InputError(
                f"line {n}{ref} of the statement of {statement.account} is in {line.currency}, journal "
                f"{journal.code} of {journal.administration} in {currency}"
            )
    prepared = []
    for day in days(booked):
        ids = identities(journal.iban, day.lines)
        records = [line_record(ident, line, currency) for ident, line in zip(ids, day.lines, strict=True)]
        prepared.append(PreparedDay(day, ids, records))
    return PreparedStatement(journal, booked, prepared, not_booked)


def add_transactions(
    store: StatementStore,
    journal: Journal,
    statement: Statement,
    *,
    source: str,
    clock: Clock,
) -> list[DayOutcome]:
    """Add the lines of ``statement`` to the daily statements of ``journal`` (R-E8)."""
    return add_prepared(store, prepare(journal, statement), source=source, clock=clock)


def add_prepared(store: StatementStore, prepared: PreparedStatement, *, source: str, clock: Clock) -> list[DayOutcome]:
    """Store a prepared statement: per day, create the daily statement or append to it,
    skipping the lines stored before."""
    single_day = len(prepared.days) == 1
    return [_add_day(store, prepared, day, source=source, clock=clock, single_day=single_day) for day in prepared.days]


def _add_day(
    store: StatementStore,
    prepared: PreparedStatement,
    pday: PreparedDay,
    *,
    source: str,
    clock: Clock,
    single_day: bool,
) -> DayOutcome:
    journal, day = prepared.journal, pday.day
    existing = store.daily_statement(journal, day.date)
    # A line is stored in the daily statement of its own date, so a day without a
    # statement holds no line read before — unless a line had no date of its own, or the
    # account's lines of that day are in another journal (the IBAN moved to another
    # journal or administration since: duplicates are per account, not per journal).
    first_time = (
        existing is None
        and all(line_date(line) is not None for line in day.lines)
        and day.date not in store.dates_with_lines(journal.iban, day.date, day.date)
    )
    known = set() if first_time else store.existing_identities(journal.iban, pday.identities)
    fresh = [k for k, ident in enumerate(pday.identities) if ident not in known]
    duplicates = len(day.lines) - len(fresh)
    if not fresh:
        return DayOutcome(
            existing.id if existing else 0,
            journal.administration,
            journal.code,
            False,
            0,
            duplicates,
            journal.auto_process,
        )
    now = clock.now()
    added = sum((day.lines[k].amount for k in fresh), Decimal(0))
    if existing is None:
        stmt_id = _create(store, journal, prepared.statement, day, added, source=source, now=now, single_day=single_day)
        position = 0
    else:
        stmt_id = existing.id
        position = existing.last_position
        _append(store, journal, existing, added, now=now)
    records = pday.records if duplicates == 0 else [pday.records[k] for k in fresh]
    store.add_lines(NewLines(stmt_id, journal.iban, journal.currency, source), position, records)
    return DayOutcome(
        stmt_id, journal.administration, journal.code, existing is None, len(fresh), duplicates, journal.auto_process
    )


def _voucher(store: StatementStore, journal: Journal, statement: Statement, single_day: bool) -> str:
    if journal.voucher_from_statement_number and statement.statement_number and single_day:
        return statement.statement_number
    return str(store.next_voucher(journal))


def _continuity_warning(store: StatementStore, journal: Journal, day: Day) -> str:
    if day.opening is None:
        return ""
    previous = store.previous_closing(journal, day.date)
    if previous is None:
        return ""
    prev_date, prev_minor = previous
    if prev_minor is None:
        return ""
    expected = from_minor(prev_minor, journal.currency)
    if expected == day.opening:
        return ""
    diff = day.opening - expected
    return (
        f"opening balance {format_amount(day.opening)} differs from the closing balance "
        f"{format_amount(expected)} of the statement of {prev_date.isoformat()} (difference {format_amount(diff)})"
    )


def _create(
    store: StatementStore,
    journal: Journal,
    statement: Statement,
    day: Day,
    added: Decimal,
    *,
    source: str,
    now: object,
    single_day: bool,
) -> int:
    opening = day.opening
    if opening is None:
        previous = store.previous_closing(journal, day.date)
        opening = from_minor(previous[1], journal.currency) if previous and previous[1] is not None else None
    warnings = [w for w in (_continuity_warning(store, journal, day),) if w]
    if day.opening is not None and day.closing is not None and day.opening + added != day.closing:
        warnings.append("lines read before were skipped; balances follow the lines stored")
    values = {
        "administration": journal.administration,
        "journal": journal.code,
        "account_iban": journal.iban,
        "currency": journal.currency,
        "statement_date": day.date,
        "statement_number": statement.statement_number,
        "sequence": statement.sequence,
        "voucher_number": _voucher(store, journal, statement, single_day),
        "format": statement.format,
        "dialect": statement.dialect,
        "opening_minor": None if opening is None else to_minor(opening, journal.currency),
        "opening_date": day.date,
        "closing_minor": None if opening is None else to_minor(opening + added, journal.currency),
        "closing_date": day.date,
        "status": StatementStatus.IN_PROGRESS.value,
        "warnings": "\n".join(warnings),
        "source_file": source,
        "created_at": now,
        "updated_at": now,
    }
    stmt_id = store.create_statement(values)
    if statement.raw:
        store.add_raw(stmt_id, source, statement.raw, statement.source.line if statement.source else None)
    return stmt_id


def _append(store: StatementStore, journal: Journal, existing: StoredStatement, added: Decimal, *, now: object) -> None:
    values: dict[str, object] = {"updated_at": now, "status": StatementStatus.IN_PROGRESS.value}
    if existing.closing_minor is not None:
        values["closing_minor"] = existing.closing_minor + to_minor(added, journal.currency)
    store.update_statement(existing.id, values)


def import_files(
    paths: Sequence[Path],
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    *,
    on_statement: Callable[[FileOutcome], None] | None = None,
    commit_every: int | None = None,
) -> ImportReport:
    """Import every file; a failing file or statement is reported, the others go on.
    Files of less than :data:`ORDER_ACROSS_FILES_BYTES` in all are read first and their
    statements stored as one file's (:func:`import_parsed`: each account's in date
    order, whatever the order of the files); larger imports go file by file, in the order
    given, so that only one file's statements are held at a time."""
    report = ImportReport()
    router = read_router(uow_factory)
    per_file: Iterable[list[FileOutcome]]
    if len(paths) > 1 and total_size(paths) < ORDER_ACROSS_FILES_BYTES:
        per_file = _import_together(
            paths, uow_factory=uow_factory, clock=clock, commit_every=commit_every, router=router
        )
    else:
        per_file = (
            import_path(path, uow_factory=uow_factory, clock=clock, commit_every=commit_every, router=router)
            for path in paths
        )
    for outcomes in per_file:
        report.files.extend(outcomes)
        if on_statement:
            on_statement(report.files[-1])
    finish_import(report, uow_factory)
    return report


ORDER_ACROSS_FILES_BYTES = 16 * 1024**2
"""Files named together, below this many bytes in all, are put in date order with each
other (their parsed statements are held in memory together: about ten times the bytes).
``bootstrap.PARALLEL_IMPORT_BYTES`` is the same: below it one process reads the files."""


def total_size(paths: Sequence[Path]) -> int:
    """The bytes of ``paths`` in all (a file that cannot be read counts nothing)."""
    size = 0
    for path in paths:
        try:
            size += path.stat().st_size
        except OSError:  # reported when the file is read
            continue
    return size


def _import_together(
    paths: Sequence[Path],
    *,
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    router: JournalRouter,
    commit_every: int | None = None,
) -> list[list[FileOutcome]]:
    """Read and parse every file, then store the statements of all of them as those of
    one file; the outcomes per file, in the order of ``paths``."""
    per_file: list[list[FileOutcome] | int] = []  # a file's outcomes, or how many results it gave
    results: list[FileResult] = []
    for path in paths:
        parsed = _parse_path(path)
        if isinstance(parsed, FileOutcome):
            per_file.append([parsed])
            continue
        per_file.append(len(parsed))
        results.extend(parsed)
    outcomes = iter(
        import_parsed(results, uow_factory=uow_factory, clock=clock, commit_every=commit_every, router=router)
    )
    return [given if isinstance(given, list) else [next(outcomes) for _ in range(given)] for given in per_file]


def import_path(
    path: Path,
    *,
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    router: JournalRouter,
    commit_every: int | None = None,
) -> list[FileOutcome]:
    """Import one file (:func:`import_parsed`); a file that cannot be read or parsed is
    reported. The caller reads the ``router`` once for all its files and runs
    :func:`finish_import` once after them."""
    parsed = _parse_path(path)
    if isinstance(parsed, FileOutcome):
        return [parsed]
    return import_parsed(parsed, uow_factory=uow_factory, clock=clock, commit_every=commit_every, router=router)


def _parse_path(path: Path) -> list[FileResult] | FileOutcome:
    """A file read and parsed, or the outcome saying why it cannot be."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return FileOutcome(str(path), error=f"{path}: cannot read: {exc.strerror}")
    try:
        return read(data, source=str(path))
    except ParseError as exc:
        return FileOutcome(str(path), error=str(exc))


def read_router(uow_factory: Callable[[], UnitOfWork]) -> JournalRouter:
    """A router over the bank journals as they are now."""
    with uow_factory() as uow:
        return JournalRouter(uow.statements.journals())


def finish_import(report: ImportReport, uow_factory: Callable[[], UnitOfWork]) -> None:
    """After a large import, refresh the database's planner statistics."""
    if sum(f.lines for f in report.files) >= COMMIT_EVERY_LINES:
        with uow_factory() as uow:
            uow.refresh_statistics()
            uow.commit()


COMMIT_EVERY_LINES = 10_000
"""Lines prepared before they are stored and committed: each statement is all-or-nothing
(a savepoint), and a crash loses at most the statements since the last commit, which a
rerun adds. The database's write lock is held only while a batch is stored."""


def import_bytes(
    data: bytes,
    *,
    source: str,
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    commit_every: int | None = None,
    router: JournalRouter | None = None,
) -> list[FileOutcome]:
    """Parse and import one file's bytes (a zip gives one outcome per member). Statements
    are prepared (routed, split into days, identities and records made) outside any
    transaction, then stored and committed in batches of ``commit_every`` lines (default
    :data:`COMMIT_EVERY_LINES`; 1: every statement on its own)."""
    try:
        parsed = read(data, source=source)
    except ParseError as exc:
        return [FileOutcome(source, error=str(exc))]
    router = router or read_router(uow_factory)
    return import_parsed(parsed, uow_factory=uow_factory, clock=clock, commit_every=commit_every, router=router)


def import_parsed(
    parsed: Sequence[FileResult],
    *,
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    router: JournalRouter,
    commit_every: int | None = None,
) -> list[FileOutcome]:
    """Store parsed files (one outcome per result, in their order): every account's
    statements in date order over all of them (:func:`date_order`), routed, prepared and
    stored in batches (see :func:`import_bytes`)."""
    limit = commit_every or COMMIT_EVERY_LINES
    outcomes: list[FileOutcome] = []
    found: list[tuple[Statement, FileOutcome]] = []
    for result in parsed:
        outcome = FileOutcome(result.source)
        outcome.warnings.extend(d.message for d in result.result.diagnostics)
        outcomes.append(outcome)
        found.extend((statement, outcome) for statement in result.result.statements)
    batch: list[tuple[PreparedStatement, FileOutcome]] = []
    pending = 0
    for index in date_order([statement for statement, _ in found]):  # also over the files of a zip, or named together
        statement, outcome = found[index]
        prepared = _prepare_statement(statement, outcome, router)
        if prepared is None:
            continue
        batch.append((prepared, outcome))
        pending += prepared.lines
        if pending >= limit:
            _store_batch(batch, uow_factory, clock)
            batch, pending = [], 0
    _store_batch(batch, uow_factory, clock)
    return outcomes


def _prepare_statement(statement: Statement, outcome: FileOutcome, router: JournalRouter) -> PreparedStatement | None:
    """Route and prepare one statement; a statement that cannot go in is reported, and so
    are lines left out as not booked. The balances are checked over the booked lines: a
    report's booked balances (``OPBD``/``CLBD``) do not cover pending entries."""
    booked, left_out = booked_lines(statement)
    if left_out:
        outcome.warnings.append(not_booked_warning(booked, left_out))
    if not booked.lines:
        return None
    diagnostic = check_balance(booked)
    if diagnostic and diagnostic.message not in outcome.warnings:
        outcome.warnings.append(diagnostic.message)
    try:
        return _prepare_booked(router.route(statement.account), statement, booked, sum(left_out.values()))
    except BankbridgeError as exc:
        _report_error(outcome, exc)
        return None


def _store_batch(
    batch: Sequence[tuple[PreparedStatement, FileOutcome]], uow_factory: Callable[[], UnitOfWork], clock: Clock
) -> None:
    """Store prepared statements in one transaction: all at once when none of them fails
    (:class:`BatchStore`), else — after rolling that attempt back — each inside its own
    savepoint, so a failing statement is reported and the others still go in."""
    if not batch:
        return
    with uow_factory() as uow:
        try:
            stored = _store_whole(batch, uow=uow, clock=clock)
        except BankbridgeError:
            uow.rollback()
            stored = None
        if stored is None:
            _lock_journals(batch, uow)  # in the same order as _store_whole: no deadlock between workers
            for prepared, outcome in batch:
                _store_statement(prepared, outcome, uow=uow, clock=clock)
        else:
            for (_prepared, outcome), day_outcomes in zip(batch, stored, strict=True):
                _count(outcome, day_outcomes)
        uow.commit()


def _store_whole(
    batch: Sequence[tuple[PreparedStatement, FileOutcome]], *, uow: UnitOfWork, clock: Clock
) -> list[list[DayOutcome]]:
    """Every statement of ``batch`` through one :class:`BatchStore` (no savepoints; the
    journals locked once each, in one order)."""
    _lock_journals(batch, uow)
    store = BatchStore(uow.statements, [p for p, _ in batch])
    stored = [add_prepared(store, prepared, source=outcome.source, clock=clock) for prepared, outcome in batch]
    real = store.flush()
    return [[replace(d, statement_id=real(d.statement_id)) for d in days] for days in stored]


def _lock_journals(batch: Sequence[tuple[PreparedStatement, FileOutcome]], uow: UnitOfWork) -> None:
    """Lock the batch's journals for this transaction, always in one (sorted) order, so
    that two workers storing batches side by side wait for each other, never deadlock."""
    journals = {(p.journal.administration, p.journal.code): p.journal for p, _ in batch}
    for key in sorted(journals):
        uow.statements.lock_journal(journals[key])


class BatchStore:
    """The statement store as one batch of prepared statements sees it: each journal's
    daily statements in the batch's date range and its voucher counter read once; new
    statements, lines and raw records written once at the end (one multi-row insert, one
    ``executemany`` / ``COPY``). Until then a new statement has a provisional id (below
    zero), and what is held back is still seen as stored: statements, lines as duplicates
    (identities) and by positions, balances. Meant for a batch that goes in whole, with
    its journals locked; when anything fails the caller rolls back and stores statement by
    statement.
    """

    def __init__(self, store: StatementStore, batch: Sequence[PreparedStatement]) -> None:
        self.store = store
        self.ranges: dict[tuple[str, str], tuple[date, date]] = {}
        self.ibans: dict[tuple[str, str], str] = {}
        self.dated: dict[str, set[date]] = {}
        for prepared in batch:
            key = (prepared.journal.administration, prepared.journal.code)
            self.ibans[key] = prepared.journal.iban
            for pday in prepared.days:
                first, last = self.ranges.get(key, (pday.day.date, pday.day.date))
                self.ranges[key] = (min(first, pday.day.date), max(last, pday.day.date))
        self.days: dict[tuple[str, str], dict[date, StoredStatement]] = {}
        self.dates: dict[tuple[str, str], list[date]] = {}
        """Each journal's days of :attr:`days`, in order (the statement before a day is
        looked up for every day stored: a bisection, not a walk through all of them)."""
        self.before: dict[tuple[str, str], tuple[date, int | None] | None] = {}
        self.where: dict[int, tuple[tuple[str, str], date]] = {}
        self.new: list[dict[str, Any]] = []
        """Values of the statements created, in order; provisional id ``-1 - index``."""
        self.counters: dict[tuple[str, str], tuple[Journal, int]] = {}
        self.lines: list[tuple[NewLines, int, Sequence[LineRecord]]] = []
        self.raws: list[tuple[int, str, str, int | None]] = []
        self.held: dict[str, set[str]] = {}
        """Identities of the lines held back, per account."""

    def _of(self, journal: Journal) -> tuple[tuple[str, str], dict[date, StoredStatement]]:
        key = (journal.administration, journal.code)
        if key not in self.days:
            first, last = self.ranges[key]
            stored = self.store.daily_statements(journal, first, last)
            self.days[key] = {s.statement_date: s for s in stored}
            self.dates[key] = sorted(self.days[key])
            self.where.update((s.id, (key, s.statement_date)) for s in stored)
            self.before[key] = self.store.previous_closing(journal, first)
        return key, self.days[key]

    def journals(self) -> list[Journal]:
        return self.store.journals()

    def lock_journal(self, journal: Journal) -> None:
        self.store.lock_journal(journal)

    def daily_statement(self, journal: Journal, day: date) -> StoredStatement | None:
        return self._of(journal)[1].get(day)

    def daily_statements(self, journal: Journal, first: date, last: date) -> list[StoredStatement]:
        return [s for d, s in sorted(self._of(journal)[1].items()) if first <= d <= last]

    def previous_closing(self, journal: Journal, day: date) -> tuple[date, int | None] | None:
        key, days = self._of(journal)
        dates = self.dates[key]
        index = bisect_left(dates, day)
        if index == 0:
            return self.before[key]
        earlier = dates[index - 1]
        return earlier, days[earlier].closing_minor

    def voucher_counter(self, journal: Journal) -> int:
        key = (journal.administration, journal.code)
        if key not in self.counters:
            self.counters[key] = (journal, self.store.voucher_counter(journal))
        return self.counters[key][1]

    def set_voucher_counter(self, journal: Journal, value: int) -> None:
        self.counters[(journal.administration, journal.code)] = (journal, value)

    def next_voucher(self, journal: Journal) -> int:
        value = self.voucher_counter(journal) + 1
        self.set_voucher_counter(journal, value)
        return value

    def create_statement(self, values: dict[str, Any]) -> int:
        statement_id = -1 - len(self.new)
        self.new.append(dict(values))
        day: date = values["statement_date"]
        key = (values["administration"], values["journal"])
        if day not in self.days[key]:
            insort(self.dates[key], day)
        self.days[key][day] = StoredStatement(
            statement_id, key[0], key[1], day, values["status"], values["closing_minor"], 0, values["warnings"]
        )
        self.where[statement_id] = (key, day)
        return statement_id

    def create_statements(self, values: Sequence[dict[str, Any]]) -> list[int]:
        return [self.create_statement(v) for v in values]

    def update_statement(self, statement_id: int, values: dict[str, Any]) -> None:
        if statement_id < 0:
            self.new[-1 - statement_id].update(values)
        else:
            self.store.update_statement(statement_id, values)
        key, day = self.where[statement_id]
        known = self.days[key][day]
        self.days[key][day] = replace(
            known,
            status=values.get("status", known.status),
            closing_minor=values.get("closing_minor", known.closing_minor),
        )

    def add_raw(self, statement_id: int, source_file: str, text: str, source_line: int | None) -> None:
        self.raws.append((statement_id, source_file, text, source_line))

    def add_raws(self, rows: Sequence[tuple[int, str, str, int | None]]) -> None:
        self.raws.extend(rows)

    def dates_with_lines(self, account_iban: str, first: date, last: date) -> set[date]:
        """Read once per account for the batch's whole date range (a superset is fine)."""
        if account_iban not in self.dated:
            spans = [r for key, r in self.ranges.items() if self.ibans.get(key) == account_iban]
            low = min((a for a, _ in spans), default=first)
            high = max((b for _, b in spans), default=last)
            self.dated[account_iban] = self.store.dates_with_lines(account_iban, min(low, first), max(high, last))
        return self.dated[account_iban]

    def existing_identities(self, account_iban: str, identities: Sequence[str]) -> set[str]:
        held = self.held.get(account_iban, set())
        return self.store.existing_identities(account_iban, identities) | {i for i in identities if i in held}

    def add_lines(self, target: NewLines, first_position: int, records: Sequence[LineRecord]) -> None:
        self.lines.append((target, first_position, records))
        self.held.setdefault(target.account_iban, set()).update(r[0] for r in records)
        key, day = self.where[target.statement_id]
        self.days[key][day] = replace(self.days[key][day], last_position=first_position + len(records))

    def add_line_groups(self, groups: Sequence[tuple[NewLines, int, Sequence[LineRecord]]]) -> None:
        for group in groups:
            self.add_lines(*group)

    def flush(self) -> Callable[[int], int]:
        """Write what was held back: new statements first (their real ids replace the
        provisional ones), then lines, raw records and voucher counters. Returns the map
        from a provisional statement id to the real one (others map to themselves)."""
        ids = self.store.create_statements(self.new)

        def real(statement_id: int) -> int:
            return ids[-1 - statement_id] if statement_id < 0 else statement_id

        self.store.add_line_groups(
            [
                (replace(target, statement_id=real(target.statement_id)), first, records)
                for target, first, records in self.lines
            ]
        )
        self.store.add_raws([(real(raw[0]), raw[1], raw[2], raw[3]) for raw in self.raws])
        for journal, value in self.counters.values():
            self.store.set_voucher_counter(journal, value)
        self.new, self.lines, self.raws, self.held, self.counters = [], [], [], {}, {}
        return real


def _store_statement(prepared: PreparedStatement, outcome: FileOutcome, *, uow: UnitOfWork, clock: Clock) -> None:
    try:
        with uow.savepoint():
            uow.statements.lock_journal(prepared.journal)
            day_outcomes = add_prepared(uow.statements, prepared, source=outcome.source, clock=clock)
    except BankbridgeError as exc:
        _report_error(outcome, exc)
        return
    _count(outcome, day_outcomes)


def _count(outcome: FileOutcome, day_outcomes: list[DayOutcome]) -> None:
    outcome.statements += 1
    outcome.days.extend(day_outcomes)
    outcome.lines += sum(d.added for d in day_outcomes)
    outcome.duplicates += sum(d.duplicates for d in day_outcomes)


def _report_error(outcome: FileOutcome, exc: BankbridgeError) -> None:
    message = f"{outcome.source}: {exc}"
    if outcome.error is None:
        outcome.error = message
    elif message not in outcome.error.split("\n"):
        outcome.error += f"\n{message}"
