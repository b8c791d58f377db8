"""The Alembic migrations build exactly the schema of ``db/schema.py``, on SQLite and
PostgreSQL, and revision 0002 (sent batches) goes down and up again."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from bankbridge.bootstrap import engine_for
from bankbridge.db.migrate import alembic_config, current_revision, head_revision, upgrade
from bankbridge.db.schema import metadata


@pytest.mark.postgres
def test_migrations_match_schema_py(database_url: str) -> None:
    engine = engine_for(database_url)
    assert upgrade(engine) == head_revision(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


@pytest.mark.postgres
def test_sent_batches_revision_goes_down_and_up(database_url: str) -> None:
    engine = engine_for(database_url)
    upgrade(engine)
    command.downgrade(alembic_config(engine), "0001")
    assert current_revision(engine) == "0001"
    assert "sent_batches" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert {"sent_batches", "sent_batch_items"} <= set(inspect(engine).get_table_names())
