"""The one place where real adapters are chosen and wired: engine, unit of work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from bankbridge.config import Settings
from bankbridge.db.engine import make_engine
from bankbridge.db.migrate import current_revision, head_revision, upgrade
from bankbridge.db.uow import SqlUnitOfWork
from bankbridge.errors import ConfigurationError


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


def uow_factory(settings: Settings) -> Callable[[], SqlUnitOfWork]:
    """Makes a fresh unit of work per call (checked once that the database is initialised)."""
    unit_of_work(settings)
    engine = engine_for(settings.database_url)
    return lambda: SqlUnitOfWork(engine)
