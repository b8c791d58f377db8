"""The one place where real adapters are chosen and wired: engine, unit of work."""

from __future__ import annotations

import gc
import multiprocessing
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from queue import Empty
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError

from bankbridge.config import Settings
from bankbridge.db.engine import make_engine
from bankbridge.db.migrate import HEAD, current_revision, upgrade
from bankbridge.db.uow import SqlUnitOfWork
from bankbridge.errors import ConfigurationError
from bankbridge.ledger.access import Access

if TYPE_CHECKING:  # imported where used: commands that only read need neither the readers nor the engine
    from bankbridge.services.importing import FileOutcome, ImportReport, JournalRouter
    from bankbridge.services.processing import Decided, Decider, Pending, ProcessReport


@contextmanager
def batch_run() -> Iterator[None]:
    """For the bulk commands (import, processing, batches add, ledger load): the cycle
    collector runs far less often. They build millions of objects that hold no reference
    cycles (lines, records, open items and their indexes), and with the default thresholds the collector
    walks all of them again every few thousand allocations: about a sixth of processing's
    CPU time, measured on 185,000 lines against 200,000 open items (docs/processing.md),
    and a fifth of parsing 1,000,000 MT940 lines (10.6 s → 8.4 s).
    Cycles are still collected, and the thresholds come back afterwards."""
    thresholds = gc.get_threshold()
    gc.set_threshold(100_000, 50, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """One engine per database URL for the life of the process."""
    return make_engine(url)


def init_database(settings: Settings) -> str | None:
    """Create or migrate the database; returns the schema revision."""
    try:
        return upgrade(engine_for(settings.database_url))
    except OperationalError as exc:
        raise ConfigurationError(f"cannot open database {settings.database_url}: {exc.orig}") from exc


def _require_database_file(engine: Engine, url: str) -> None:
    """A SQLite database file that does not exist is not initialised: say so before
    connecting, which would leave an empty file behind."""
    name = engine.url.database or ""
    in_file = engine.dialect.name == "sqlite" and name not in ("", ":memory:") and not name.startswith("file:")
    if in_file and not Path(name).exists():
        raise ConfigurationError(f"database {url} is not initialised (no such file); run `bankbridge init`")


def unit_of_work(settings: Settings) -> SqlUnitOfWork:
    """A unit of work on an initialised database (a clear error when it is not)."""
    engine = engine_for(settings.database_url)
    _require_database_file(engine, settings.database_url)
    try:
        current = current_revision(engine)
    except OperationalError as exc:
        raise ConfigurationError(f"cannot open database {settings.database_url}: {exc.orig}") from exc
    if current != HEAD:
        raise ConfigurationError(
            f"database {settings.database_url} is not initialised or not up to date; run `bankbridge init`"
        )
    return SqlUnitOfWork(engine)


class SystemClock:
    """The real clock (UTC), used at the entry points; tests pass their own."""

    def now(self) -> datetime:
        return datetime.now(UTC)


def uow_factory(settings: Settings, *, writer: bool = False) -> Callable[[], SqlUnitOfWork]:
    """Makes a fresh unit of work per call (checked once that the database is initialised).
    ``writer``: the work writes (on SQLite it takes the write lock when it starts)."""
    unit_of_work(settings)
    engine = engine_for(settings.database_url)
    return lambda: SqlUnitOfWork(engine, writer=writer)


_CHILD: dict[str, Any] = {}


def _child_start(url: str, writer_lock: Any, router: JournalRouter) -> None:
    # A forked worker opens its own engine; the parent's pooled connections are left
    # untouched (workers end with os._exit, so nothing closes the inherited sockets).
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        # Batches of statements, as on SQLite: each transaction takes its journals'
        # advisory locks in one sorted order, so two workers on the same journal wait for
        # each other and never deadlock (a commit per statement cost ~1 ms each: 58,580
        # daily statements took 69 s).
        _CHILD["factory"] = lambda: SqlUnitOfWork(engine, writer=True)
        _CHILD["commit_every"] = None
    else:
        # SQLite has one write lock for everything: batches of statements, each inside a
        # savepoint; the workers queue on a lock of their own, which wakes the next one
        # at once (SQLite's busy handler polls with sleeps of up to 100 ms). A commit does
        # not checkpoint the write-ahead log: a thread of the worker does, after the lock
        # is let go (:class:`_Checkpointer`).
        checkpointer = _Checkpointer(engine.url.database or "")
        event.listen(engine, "connect", _no_autocheckpoint)
        _CHILD["factory"] = lambda: _Serialised(SqlUnitOfWork(engine, writer=True), writer_lock, checkpointer)
        _CHILD["commit_every"] = None
    _CHILD["router"] = router


def _no_autocheckpoint(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")


class _Checkpointer:
    """Checkpoints a SQLite database's write-ahead log in a thread of its own, on a
    connection of its own, when asked (a request while one runs is merged into the next).

    With SQLite's automatic checkpoint, the commit that takes the log past 1,000 pages
    copies them into the database and waits for the disk, while the worker holds the
    workers' lock: a py-spy profile (idle samples included) of the 1M import showed each
    worker 3–4 s in such commits and the other waiting for the lock meanwhile. Here the
    copy and the wait run beside the worker's parsing (the driver lets the GIL go while
    SQLite works). A passive checkpoint never waits for a reader or writer; a worker
    stopped in the middle of one leaves the log valid (a checkpoint is crash-safe)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.wanted = threading.Event()
        self.thread: threading.Thread | None = None

    def request(self) -> None:
        if self.thread is None:
            self.thread = threading.Thread(target=self._run, name="checkpoint", daemon=True)
            self.thread.start()
        self.wanted.set()

    def _run(self) -> None:
        conn = sqlite3.connect(self.path, isolation_level=None, uri=self.path.startswith("file:"))
        while True:
            self.wanted.wait()
            self.wanted.clear()
            try:
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            except sqlite3.Error:  # e.g. another connection's checkpoint: the next request tries again
                continue


class _Serialised:
    """A unit of work entered only while holding ``lock`` (shared by the workers); with a
    ``checkpointer``, asked to checkpoint once the lock is let go."""

    def __init__(self, uow: SqlUnitOfWork, lock: Any, checkpointer: _Checkpointer | None = None) -> None:
        self.uow, self.lock, self.checkpointer = uow, lock, checkpointer

    def __enter__(self) -> SqlUnitOfWork:
        self.lock.acquire()
        try:
            return self.uow.__enter__()
        except BaseException:
            self.lock.release()
            raise

    def __exit__(self, *exc: Any) -> None:
        try:
            self.uow.__exit__(*exc)
        finally:
            self.lock.release()
        if self.checkpointer is not None:
            self.checkpointer.request()


MAX_AUTO_WORKERS = 4
"""``--workers`` left out: at most this many processes (the machine's cores, up to this)."""
PARALLEL_IMPORT_BYTES = 16 * 1024**2
"""``--workers`` left out: files are read side by side from this many bytes in all (and
two files or more). Below it one process reads them (starting workers would not pay
back much) and puts them in date order with each other, whatever order they are named
in (``importing.ORDER_ACROSS_FILES_BYTES``, the same size)."""
PARALLEL_PROCESS_LINES = 20_000
"""``--workers`` left out: lines are decided side by side from this many pending lines
(each worker reads its own books first, which small runs do not pay back)."""


def cores() -> int:
    """The cores this process may run on (at most :data:`MAX_AUTO_WORKERS`)."""
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        available = os.cpu_count() or 1
    return max(1, min(available, MAX_AUTO_WORKERS))


def import_workers(paths: Sequence[Path]) -> int:
    """The processes an import of ``paths`` uses when ``--workers`` is left out."""
    from bankbridge.services.importing import total_size

    if len(paths) < 2 or cores() < 2:
        return 1
    return cores() if total_size(paths) >= PARALLEL_IMPORT_BYTES else 1


def _child_import(path: str) -> list[FileOutcome]:
    from bankbridge.services.importing import import_path

    # The router comes from the parent (read once) and the parent finishes the import
    # once: per file, each would take the write lock and wait for the other workers'
    # storing (on SQLite 1M lines, a fifth of a worker's time went to that waiting).
    return import_path(
        Path(path),
        uow_factory=_CHILD["factory"],
        clock=SystemClock(),
        commit_every=_CHILD["commit_every"],
        router=_CHILD["router"],
    )


def import_in_parallel(
    paths: Sequence[Path],
    settings: Settings,
    *,
    workers: int | None,
    on_file: Callable[[FileOutcome], None] | None = None,
) -> ImportReport:
    """Import files with ``workers`` processes (``None``: :func:`import_workers`), each
    parsing and storing whole files.

    Statements of one bank journal are serialised — on PostgreSQL locks per journal taken
    in one order by each batch of statements, on SQLite one writer at a time with batches of
    statements — so two workers never store the same day twice and cannot deadlock."""
    from bankbridge.services.importing import ImportReport, finish_import, import_files, read_router

    factory = uow_factory(settings, writer=True)
    clock = SystemClock()
    if workers is None:
        workers = import_workers(paths)
    if workers <= 1 or len(paths) < 2:
        return import_files(paths, factory, clock, on_statement=on_file)
    report = ImportReport()
    context = multiprocessing.get_context("fork")
    lock = context.Lock()
    router = read_router(factory)
    with context.Pool(workers, initializer=_child_start, initargs=(settings.database_url, lock, router)) as pool:
        for outcomes in pool.imap(_child_import, [str(p) for p in paths], chunksize=1):
            report.files.extend(outcomes)
            if on_file and outcomes:
                on_file(outcomes[-1])
    finish_import(report, factory)
    return report


def process_in_parallel(
    settings: Settings,
    clock: SystemClock,
    *,
    workers: int | None,
    access: Access,
    administration: str | None = None,
    journals: set[tuple[str, str]] | None = None,
) -> ProcessReport:
    """:func:`bankbridge.services.processing.process` with the engine's work in ``workers``
    processes. Administrations are independent for the engine (a line only ever settles
    open items of its own administration), so each worker takes them task by task
    (:func:`tasks`) — their own books, lines and batch state, on a read-only connection —
    and sends back what it decided; this process stores everything in one transaction, as
    with one worker.
    ``workers`` ``None``: the machine's :func:`cores`, from :data:`PARALLEL_PROCESS_LINES`
    pending lines on (fewer are decided here)."""
    from bankbridge.services.processing import process

    factory = uow_factory(settings, writer=True)  # the write lock from the start: workers only read
    if workers is None:
        count, least = cores(), PARALLEL_PROCESS_LINES
    else:
        count, least = workers, 0
    decider = _parallel_decider(settings.database_url, count, least_lines=least) if count > 1 else None
    return process(factory, clock, access=access, administration=administration, journals=journals, decider=decider)


def tasks(pending: Pending, lines: int) -> list[Pending]:
    """What a run decides, cut into tasks that the workers take one by one as they finish
    the one before: whole administrations, the largest first, the smaller ones put together
    into tasks of at least ``lines`` lines (as :func:`~bankbridge.services.processing.blocks`
    puts them into one read of the books). Taken as they come, the tasks keep both workers
    busy to the end: shared out beforehand by their lines, one worker of the 1M run
    finished 1.8 s after the other (lines of different administrations take different
    time), and the command waited for it at one core."""
    out: list[Pending] = []
    part: list[str] = []
    size = 0
    for adm, n in sorted(pending.counts.items(), key=lambda item: item[1], reverse=True):
        part.append(adm)
        size += n
        if size >= lines:
            out.append(pending.of(part))
            part, size = [], 0
    if part:
        out.append(pending.of(part))
    return out


_DONE = "done"


def _parallel_decider(url: str, workers: int, *, least_lines: int = 0) -> Decider:
    from bankbridge.services.processing import BLOCK_LINES, decide_pending

    def decide(pending: Pending) -> Iterator[Decided]:
        # tasks of a block's lines, or of a worker's fair share where that is less (a small
        # run of several administrations is still decided side by side)
        work = tasks(pending, min(BLOCK_LINES, -(-len(pending) // workers)))
        if len(work) < 2 or len(pending) < least_lines:
            # one task (a worker process would only add pickling), or too few lines to pay
            # for the workers' start
            with SqlUnitOfWork(engine_for(url)) as uow:
                yield from decide_pending(uow, pending)
            return
        context = multiprocessing.get_context("fork")
        count = min(workers, len(work))
        # The workers have the tasks from the fork and take the next one's number from a
        # shared counter: nothing is written to a pipe before they run (the tasks put into
        # a queue first filled its pipe when they were many or large, as an import's
        # journals made them, and this process waited on it for ever).
        taken: Any = context.Value("l", 0)
        queue: Any = context.Queue(maxsize=2 * count)
        children = [
            context.Process(target=_decide_child, args=(url, pending, work, taken, queue), daemon=True)
            for _ in range(count)
        ]
        for child in children:
            child.start()
        try:
            yield from _collect(queue, children)
        finally:
            for child in children:
                if child.is_alive():
                    child.terminate()
                child.join()

    return decide


def _collect(queue: Any, children: list[Any]) -> Iterator[Decided]:
    """What the workers decided, as it comes; a worker's error is raised here."""
    running = len(children)
    while running:
        try:
            item = queue.get(timeout=1.0)
        except Empty:
            exits = [c.exitcode for c in children]
            if any(e not in (None, 0) for e in exits) or all(e is not None for e in exits):
                raise ConfigurationError("a processing worker stopped unexpectedly; nothing was stored") from None
            continue
        if isinstance(item, BaseException):
            raise item
        if item == _DONE:
            running -= 1
        else:
            yield item


def _next_task(taken: Any, count: int) -> int | None:
    """The number of the next task not taken yet (one worker at a time), ``None`` when
    every one is taken."""
    with taken.get_lock():
        number = int(taken.value)
        if number >= count:
            return None
        taken.value = number + 1
        return number


def _decide_child(url: str, pending: Pending, work: list[Pending], taken: Any, queue: Any) -> None:
    # A forked worker opens its own engine (the parent's connections are left untouched),
    # takes tasks until there are none left, reads each one's pending lines and books, and
    # only reads; what it decides goes back through the queue. The invoice numbers of the
    # run's environments are read once per worker, when a line first asks.
    from bankbridge.services.processing import decide_pending, environment_index_of

    try:
        with batch_run(), SqlUnitOfWork(make_engine(url)) as uow:
            index = environment_index_of(uow, set(pending.counts))
            while (number := _next_task(taken, len(work))) is not None:
                for decided in decide_pending(uow, work[number], index=index):
                    queue.put(decided)
        queue.put(_DONE)
    except BaseException as exc:
        queue.put(exc)
