"""Creating engines: SQLite (WAL, foreign keys on) by default, PostgreSQL via psycopg 3."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bankbridge.errors import ConfigurationError

# Rows inserted at driver level (``insert_tuples``) carry dates as objects; SQLite gets them
# as ISO text, as SQLAlchemy writes them (our own adapters: Python 3.12 deprecates the
# default ones). Adapters are looked up by exact type, so both are registered.
sqlite3.register_adapter(date, date.isoformat)
sqlite3.register_adapter(datetime, datetime.isoformat)
# ``None`` binds as NULL either way, but the driver sends every value that is not an exact
# int, float or str through its adapter look-up, and for a type without an adapter it then
# asks the protocol for ``__adapt__`` and the value for ``__conform__`` (about 2,900
# instructions, for every empty column of every row). With an adapter that returns None
# (``{None: None}[None]``, a C call) the look-up ends at once: 3.8 % of the instructions
# per line imported, 0.6 % per line processed (bench.instructions' shape, cachegrind).
_NULL: dict[None, None] = {None: None}
sqlite3.register_adapter(type(None), _NULL.__getitem__)


def normalise_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` mean psycopg 3; other schemes stay as given."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; a clear :class:`ConfigurationError` for an unusable URL."""
    url = normalise_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigurationError(f"database URL {url!r} is not a valid URL") from exc
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ConfigurationError(f"database {backend!r} is not supported (use sqlite or postgresql+psycopg)")
    engine = create_engine(parsed, **kwargs)
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


WRITER = "bankbridge_writer"
"""Connection execution option: on SQLite, start transactions with ``BEGIN IMMEDIATE``
(take the write lock at once), so that concurrent writers queue on the busy timeout
instead of failing when a read transaction turns into a write."""


def _sqlite_begin(conn: Any) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT; we emit BEGIN ourselves
    # (the recipe of SQLAlchemy's SQLite dialect documentation).
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITER) else "BEGIN")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA page_size=8192")  # takes effect only when the file is new
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=60000")
    cursor.close()
