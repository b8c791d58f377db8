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
HEAD = "0007"
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
    """Migrate the database to the newest schema; returns the revision reached."""
    from alembic import command

    command.upgrade(alembic_config(engine), "head")
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
