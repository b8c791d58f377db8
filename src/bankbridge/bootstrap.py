"""The one place where real adapters are chosen and wired: engine, unit of work."""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from bankbridge.config import Settings
from bankbridge.db.engine import make_engine
from bankbridge.db.migrate import current_revision, head_revision, upgrade
from bankbridge.db.uow import SqlUnitOfWork
from bankbridge.errors import ConfigurationError
from bankbridge.services.importing import FileOutcome, ImportReport, finish_import, import_files


@contextmanager
def batch_run() -> Iterator[None]:
    """For the bulk commands (processing, ledger load): the cycle collector runs far
    less often. They build millions of objects that hold no reference cycles (lines,
    records, open items and their indexes), and with the default thresholds the collector
    walks all of them again every few thousand allocations: about a sixth of processing's
    CPU time, measured on 185,000 lines against 200,000 open items (docs/processing.md).
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


def unit_of_work(settings: Settings) -> SqlUnitOfWork:
    """A unit of work on an initialised database (a clear error when it is not)."""
    engine = engine_for(settings.database_url)
    try:
        current = current_revision(engine)
    except OperationalError as exc:
        raise ConfigurationError(f"cannot open database {settings.database_url}: {exc.orig}") from exc
    if current != head_revision(engine):
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


def _child_start(url: str) -> None:
    # A forked worker opens its own engine; the parent's pooled connections are left
    # untouched (workers end with os._exit, so nothing closes the inherited sockets).
    engine = make_engine(url)
    _CHILD["factory"] = lambda: SqlUnitOfWork(engine, writer=True)
    # PostgreSQL: a journal's advisory lock is held until commit, so each statement is
    # committed on its own (two workers never wait on each other's journals). SQLite has
    # one write lock for everything: batches of statements, each inside a savepoint.
    _CHILD["commit_every"] = 1 if engine.dialect.name == "postgresql" else None


def _child_import(path: str) -> list[FileOutcome]:
    report = import_files([Path(path)], _CHILD["factory"], SystemClock(), commit_every=_CHILD["commit_every"])
    return report.files


def import_in_parallel(
    paths: Sequence[Path],
    settings: Settings,
    *,
    workers: int,
    on_file: Callable[[FileOutcome], None] | None = None,
) -> ImportReport:
    """Import files with ``workers`` processes, each parsing and storing whole files.

    Statements of one bank journal are serialised (a lock per journal on PostgreSQL, the
    write lock on SQLite) and each statement is committed on its own, so two workers
    never store the same day twice and cannot deadlock."""
    factory = uow_factory(settings, writer=True)
    clock = SystemClock()
    if workers <= 1 or len(paths) < 2:
        return import_files(paths, factory, clock, on_statement=on_file)
    report = ImportReport()
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_child_start, initargs=(settings.database_url,)) as pool:
        for outcomes in pool.imap(_child_import, [str(p) for p in paths], chunksize=1):
            report.files.extend(outcomes)
            if on_file and outcomes:
                on_file(outcomes[-1])
    finish_import(report, factory)
    return report
