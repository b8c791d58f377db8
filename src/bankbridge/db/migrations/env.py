"""Alembic environment: runs migrations on the engine handed over in the config.

On SQLite, changing a table means rebuilding it (Alembic's batch mode: copy, drop,
rename). With foreign keys enforced, dropping a parent table such as ``sent_batches``
would delete the rows of its children (``ON DELETE CASCADE``), so enforcement is off
while migrating — as SQLite's documentation prescribes for schema changes — and the
keys are checked before the transaction commits.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, Engine

from bankbridge.db.schema import metadata

engine = context.config.attributes.get("engine")
if not isinstance(engine, Engine):  # pragma: no cover - only through bankbridge.db.migrate
    raise RuntimeError("run migrations through bankbridge.db.migrate")


def _migrate(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    with connection.begin():
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=sqlite)
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            if broken:
                raise RuntimeError(f"the migration broke foreign keys: {broken[:5]}")


with engine.connect() as connection:
    if connection.dialect.name != "sqlite":
        _migrate(connection)
    else:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")  # outside any transaction, or it is ignored
        try:
            _migrate(connection)
        finally:
            raw.execute("PRAGMA foreign_keys=ON")
