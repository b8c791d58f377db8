"""The sandbox bank's database: engine, one session per use case, committed once.

``Store.unit()`` is the unit of work: a session that commits when the block ends
normally and rolls back when it raises. Nothing is created at import time.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine.url import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from bankbridge.errors import ConfigurationError
from bankbridge.sandbox.tables import Base


def make_engine(url: str) -> Engine:
    """An engine for a SQLite URL (in-memory databases share one connection)."""
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise ConfigurationError(f"{url!r} is not a database URL") from exc
    if parsed.get_backend_name() != "sqlite":
        raise ConfigurationError(f"the sandbox bank keeps its own SQLite database, not {url!r}")
    args = {"check_same_thread": False}
    if parsed.database in (None, "", ":memory:"):
        engine = create_engine(url, connect_args=args, poolclass=StaticPool)
    else:
        engine = create_engine(url, connect_args=args)
    event.listen(engine, "connect", _pragmas)
    return engine


def _pragmas(connection: object, _record: object) -> None:
    cursor = connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class Store:
    """The database of one sandbox bank."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def create_tables(self) -> None:
        """Create the sandbox bank's tables if they do not exist."""
        Base.metadata.create_all(self.engine)

    @contextmanager
    def unit(self) -> Iterator[Session]:
        """A session that commits once at the end (or rolls back on error)."""
        with self._sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        """Close all connections."""
        self.engine.dispose()


def new_id(prefix: str = "", nbytes: int = 16) -> str:
    """An opaque, unguessable identifier (resource ids, consent ids, payment ids)."""
    return prefix + secrets.token_urlsafe(nbytes)
