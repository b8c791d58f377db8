"""The Alembic migrations build exactly the schema of ``db/schema.py``, on SQLite and
PostgreSQL, and revision 0002 (sent batches) goes down and up again."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from bankbridge.bootstrap import engine_for, init_database, unit_of_work
from bankbridge.config import Settings
from bankbridge.db.migrate import HEAD, alembic_config, current_revision, head_revision, upgrade
from bankbridge.db.schema import metadata
from bankbridge.errors import ConfigurationError


@pytest.mark.postgres
def test_migrations_match_schema_py(database_url: str) -> None:
    engine = engine_for(database_url)
    assert upgrade(engine) == head_revision(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


@pytest.mark.postgres
def test_the_head_every_command_checks_is_the_newest_migration(database_url: str) -> None:
    """Commands other than ``init`` compare the database with ``HEAD`` without Alembic;
    it must be the newest script's revision, and the version table is read as Alembic's."""
    engine = engine_for(database_url)
    assert current_revision(engine) is None, "an empty database has no revision"
    assert head_revision(engine) == HEAD
    upgrade(engine)
    with engine.connect() as conn:
        assert current_revision(engine) == MigrationContext.configure(conn).get_current_revision() == HEAD


@pytest.mark.postgres
def test_sent_batches_revision_goes_down_and_up(database_url: str) -> None:
    engine = engine_for(database_url)
    upgrade(engine)
    command.downgrade(alembic_config(engine), "0001")
    assert current_revision(engine) == "0001"
    assert "sent_batches" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert {"sent_batches", "sent_batch_items"} <= set(inspect(engine).get_table_names())


@pytest.mark.postgres
def test_a_database_behind_the_head_is_refused_until_init(database_url: str) -> None:
    """Every command but ``init`` refuses a database at an older revision, saying what to run."""
    engine = engine_for(database_url)
    command.upgrade(alembic_config(engine), "0001")
    settings = Settings(database_url=database_url)
    with pytest.raises(ConfigurationError, match="not initialised or not up to date; run `bankbridge init`"):
        unit_of_work(settings)
    init_database(settings)
    assert unit_of_work(settings) is not None
