"""Schema migrations with Alembic, run programmatically by ``bankbridge init``.

Every other command only checks that the database is at :data:`HEAD`: it reads Alembic's
version table itself, so Alembic (a fifth of the command line's start-up) is imported
by ``init`` alone. A test keeps :data:`HEAD` equal to the newest migration script.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
HEAD = "0009"
"""The newest revision in ``migrations/versions`` (raise it with every new migration)."""
VERSION_TABLE = "alembic_version"


def alembic_config(engine: Engine) -> Config:
    """An Alembic config bound to ``engine`` (no ``alembic.ini`` needed)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> str | None:
    """Bring the database to the newest schema; returns the revision reached.

    A database without tables gets the tables of :mod:`bankbridge.db.schema` at once and
    is stamped at the head, in one transaction (Alembic's recipe for a new database):
    running every migration from the first took ten times as long on SQLite, where each
    change of a table rebuilds it. A database with tables is migrated step by step. The
    tests keep the two the same (``tests/integration/test_migrations.py``)."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from bankbridge.db.schema import metadata

    config = alembic_config(engine)
    with engine.begin() as conn:
        new = not inspect(conn).get_table_names()
        if new:
            metadata.create_all(conn)
            MigrationContext.configure(conn).stamp(ScriptDirectory.from_config(config), "head")
    if not new:
        command.upgrade(config, "head")
    return current_revision(engine)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (``None`` for an empty database)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table(VERSION_TABLE):
            return None
        return conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()  # noqa: S608 - a constant


def head_revision(engine: Engine) -> str | None:
    """The newest revision of the migration scripts, as Alembic reads them."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
