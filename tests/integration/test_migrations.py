"""The Alembic migrations build exactly the schema of ``db/schema.py``, on SQLite and
PostgreSQL, check constraints included; revision 0002 (sent batches) goes down and up
again, 0006 (line decisions) keeps every decision both ways, and after 0007 no insert
into any table makes SQLite build a temporary index per row."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, inspect, select, text

from bankbridge.bootstrap import SystemClock, engine_for, init_database, unit_of_work, uow_factory
from bankbridge.config import Settings
from bankbridge.db import schema
from bankbridge.db.booking_repo import BOOKS_MARK_SQL
from bankbridge.db.migrate import HEAD, alembic_config, current_revision, head_revision, upgrade
from bankbridge.db.schema import metadata
from bankbridge.demo import BUNDLE
from bankbridge.demo.scenarios import statements as scenario_statements
from bankbridge.errors import ConfigurationError
from bankbridge.ledger.access import Access
from bankbridge.services.importing import add_transactions
from bankbridge.services.ledger import load_bundle
from bankbridge.services.processing import process, undo


@pytest.mark.postgres
def test_migrations_match_schema_py(database_url: str) -> None:
    engine = engine_for(database_url)
    command.upgrade(alembic_config(engine), "head")  # the scripts, from the first (init makes a new database at once)
    assert current_revision(engine) == head_revision(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


@pytest.mark.postgres
def test_migrations_make_the_check_constraints_of_schema_py(database_url: str, tmp_path: Path) -> None:
    """``compare_metadata`` leaves check constraints out: they are compared here, as each
    database reflects them, with those of a database made from ``schema.py`` directly."""
    engine = engine_for(database_url)
    command.upgrade(alembic_config(engine), "head")
    if engine.dialect.name == "sqlite":
        fresh, schema_name = create_engine(f"sqlite:///{tmp_path / 'fresh.db'}"), None
    else:
        fresh, schema_name = engine, "fresh"
        with engine.begin() as conn:
            conn.execute(text("CREATE SCHEMA fresh"))
    with fresh.begin() as conn:
        metadata.create_all(conn.execution_options(schema_translate_map={None: schema_name}))
    migrated, made = _checks(engine, None), _checks(fresh, schema_name)
    assert migrated == made
    assert len(migrated["line_decisions"]) == 1
    assert sum(len(c) for c in made.values()) == 8


def _checks(engine: Engine, schema_name: str | None) -> dict[str, list[tuple[str, str]]]:
    inspector = inspect(engine)
    return {
        table: sorted((c["name"], c["sqltext"]) for c in inspector.get_check_constraints(table, schema=schema_name))
        for table in metadata.tables
    }


def test_no_insert_makes_sqlite_build_an_index_per_row(tmp_path: Path) -> None:
    """A CHECK ``column IN (…)`` of three values or more made SQLite build an index of the
    list for every row an ``executemany`` inserts (``schema.one_of``). Revision 0006 still
    has such checks (the test sees them); the head has none, in any table, nor has a new
    database (made from ``schema.py``)."""
    engine = engine_for(f"sqlite:///{tmp_path / 'bankbridge.db'}")
    command.upgrade(alembic_config(engine), "0006")
    assert "line_decisions" in _building_an_index_per_row(engine)
    upgrade(engine)
    assert _building_an_index_per_row(engine) == []
    new = engine_for(f"sqlite:///{tmp_path / 'new.db'}")
    assert upgrade(new) == HEAD
    assert _building_an_index_per_row(new) == []


def _building_an_index_per_row(engine: Engine) -> list[str]:
    out = []
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            names = ", ".join(c.name for c in table.columns)
            marks = ", ".join("?" for _ in table.columns)
            sql = f"EXPLAIN INSERT INTO {table.name} ({names}) VALUES ({marks})"
            program = conn.exec_driver_sql(sql, tuple(None for _ in table.columns)).all()
            if any(op[1] == "OpenEphemeral" for op in program):
                out.append(table.name)
    return out


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


@pytest.mark.postgres
def test_line_decisions_revision_moves_decisions_out_of_the_lines_and_back(database_url: str) -> None:
    """0006 moves what processing decided from five columns of the wide line row into
    ``line_decisions`` (a row for a decided line only); 0005 again puts it back. On real
    data: the demo week imported and processed, one booking undone by hand."""
    settings = Settings(database_url=database_url)
    init_database(settings)
    load_bundle(BUNDLE, unit_of_work(settings))
    with unit_of_work(settings) as uow:
        for journal, statement, _ in scenario_statements(BUNDLE):
            add_transactions(uow.statements, journal, statement, source="demo", clock=SystemClock())
        uow.commit()
    process(uow_factory(settings), SystemClock(), access=Access.everything())
    booked = _decided(settings, "booked")
    undo(uow_factory(settings), SystemClock(), access=Access.everything(), line_id=min(booked))
    engine = engine_for(database_url)
    with engine.connect() as conn:
        d = schema.line_decisions
        before = {r[0]: tuple(r[1:]) for r in conn.execute(select(d).order_by(d.c.line_id))}
    assert before[min(booked)] == ("open", None, "booking undone by hand", None, "[]")
    assert {"booked", "proposed", "open"} <= {v[0] for v in before.values()}

    command.downgrade(alembic_config(engine), "0005")
    assert "line_decisions" not in inspect(engine).get_table_names()
    columns = "id, status, rule, evidence, score, candidates"
    with engine.connect() as conn:
        old = {r[0]: tuple(r[1:]) for r in conn.execute(text(f"SELECT {columns} FROM statement_lines"))}
    assert {i: v for i, v in old.items() if i in before} == before
    assert all(v == ("open", None, None, None, "[]") for i, v in old.items() if i not in before)

    undecided = _line_ids(settings)[-1]  # a line open and undecided before 0006 gets no row
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE statement_lines SET status = 'open', rule = NULL, evidence = NULL, score = NULL,"
                " candidates = '[]' WHERE id = :i"
            ),
            {"i": undecided},
        )
    upgrade(engine)
    with engine.connect() as conn:
        after = {r[0]: tuple(r[1:]) for r in conn.execute(select(d).order_by(d.c.line_id))}
    before.pop(undecided, None)
    assert after == before
    assert {c["name"] for c in inspect(engine).get_columns("statement_lines")}.isdisjoint(
        {"status", "rule", "evidence", "score", "candidates"}
    )


def _line_ids(settings: Settings) -> list[int]:
    with engine_for(settings.database_url).connect() as conn:
        li = schema.statement_lines
        return [int(i) for i in conn.execute(select(li.c.id).order_by(li.c.id)).scalars()]


def _decided(settings: Settings, status: str) -> list[int]:
    with engine_for(settings.database_url).connect() as conn:
        d = schema.line_decisions
        return [int(i) for i in conn.execute(select(d.c.line_id).where(d.c.status == status)).scalars()]


@pytest.mark.postgres
def test_journal_entries_revision_indexes_the_administration_instead_of_the_voucher(database_url: str) -> None:
    """0009 drops the index by voucher number, which no query reads, for one of the
    administration (its newest entry, asked for by ``batches add``); 0008 again has the
    voucher index instead."""
    engine = engine_for(database_url)

    def indexes() -> set[str]:
        return {str(ix["name"]) for ix in inspect(engine).get_indexes("journal_entries")}

    upgrade(engine)
    assert indexes() == {"ix_journal_entries_line", "ix_journal_entries_administration"}
    command.downgrade(alembic_config(engine), "0008")
    assert indexes() == {"ix_journal_entries_line", "ix_journal_entries_voucher"}
    upgrade(engine)
    assert indexes() == {"ix_journal_entries_line", "ix_journal_entries_administration"}


def test_the_books_mark_reads_every_part_by_an_index(tmp_path: Path) -> None:
    """SQLite looks up each part of an administration's books mark (``batches add`` asks
    for it between files) by an index: none is a scan of a whole table, the journal
    entries' included (by ``ix_journal_entries_administration``)."""
    engine = engine_for(f"sqlite:///{tmp_path / 'mark.db'}")
    upgrade(engine)
    with engine.connect() as conn:
        plan = [row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {BOOKS_MARK_SQL}", ("A1",) * 6)]
    assert not [step for step in plan if step.startswith("SCAN") and step != "SCAN CONSTANT ROW"], plan
    assert any("journal_entries USING COVERING INDEX ix_journal_entries_administration" in s for s in plan), plan
