"""Rows written at driver level (``statement_repo.insert_tuples`` / ``insert_rows``):
every row arrives whole and in order, whatever the group size; a row of the wrong width
is refused before anything is written; an ``ON CONFLICT`` tail acts row by row."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text

from bankbridge.bootstrap import engine_for
from bankbridge.db import schema, statement_repo
from bankbridge.db.booking_repo import BookingRepository
from bankbridge.db.migrate import upgrade
from bankbridge.db.statement_repo import ROWS_PER_INSERT, insert_rows, insert_tuples


def _environments(n: int) -> list[tuple[str, str, None]]:
    return [(f"E{i:05d}", f"environment {i} — é", None) for i in range(n)]


@pytest.mark.postgres
@pytest.mark.parametrize("count", [0, 1, ROWS_PER_INSERT - 1, ROWS_PER_INSERT, 2 * ROWS_PER_INSERT + 7])
def test_insert_tuples_writes_every_row_whole(database_url: str, count: int) -> None:
    engine = engine_for(database_url)
    upgrade(engine)
    rows = _environments(count)
    with engine.begin() as conn:
        insert_tuples(conn, "environments", ("code", "name", "main_environment"), rows)
    with engine.connect() as conn:
        stored = [tuple(r) for r in conn.execute(text("SELECT code, name, main_environment FROM environments"))]
    assert sorted(stored) == rows


def test_none_is_stored_as_null() -> None:
    """``db.engine`` registers an adapter for ``None`` (a shortcut through the driver's
    adapter look-up): the value stored is still NULL, as without it."""
    import bankbridge.db.engine  # noqa: F401 - registers the adapters

    assert (type(None), sqlite3.PrepareProtocol) in sqlite3.adapters
    conn = _memory_table()
    insert_rows(conn, "INSERT INTO t (k, a, b)", 3, [(1, None, None), (2, "", 0)])
    assert conn.execute("SELECT k FROM t WHERE a IS NULL AND b IS NULL").fetchall() == [(1,)]
    assert conn.execute("SELECT typeof(a), typeof(b) FROM t ORDER BY k").fetchall() == [
        ("null", "null"),
        ("text", "integer"),
    ]


def _memory_table() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, a TEXT, b INTEGER)")
    return conn


@pytest.mark.parametrize("width_limit", [999, 7])
def test_insert_rows_in_groups_and_a_rest(monkeypatch: pytest.MonkeyPatch, width_limit: int) -> None:
    """Groups of whole rows: with 3 values a row and at most 7 values a statement, two rows
    go in each statement (the default allows a hundred)."""
    monkeypatch.setattr(statement_repo, "VALUES_PER_INSERT", width_limit)
    conn = _memory_table()
    rows = [(i, f"a{i}", i * 10) for i in range(251)]
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    insert_rows(conn, "INSERT INTO t (k, a, b)", 3, rows)
    conn.set_trace_callback(None)
    assert conn.execute("SELECT k, a, b FROM t ORDER BY k").fetchall() == rows
    per = 2 if width_limit == 7 else ROWS_PER_INSERT
    assert len(statements) == -(-len(rows) // per)
    assert all(s.count("(") == per + 1 for s in statements[:-1])


def test_a_row_of_the_wrong_width_is_refused_before_anything_is_written() -> None:
    conn = _memory_table()
    rows = [(1, "a", 1), (2, "b"), (3, "c", 3, 4)]  # as many values as three rows of three
    with pytest.raises(ValueError, match="every row must have 3 values"):
        insert_rows(conn, "INSERT INTO t (k, a, b)", 3, rows)
    assert conn.execute("SELECT count(*) FROM t").fetchone() == (0,)


def test_an_on_conflict_tail_acts_row_by_row() -> None:
    conn = _memory_table()
    insert_rows(conn, "INSERT INTO t (k, a, b)", 3, [(1, "old", 1)])
    rows = [(1, "first", 2), (2, "two", 2), (1, "second", 3)]  # the same key twice in one statement
    insert_rows(conn, "INSERT INTO t (k, a, b)", 3, rows, " ON CONFLICT (k) DO UPDATE SET a = excluded.a, b = t.b + 1")
    assert conn.execute("SELECT k, a, b FROM t ORDER BY k").fetchall() == [(1, "second", 3), (2, "two", 2)]


def test_a_constraint_broken_in_a_group_stores_nothing_of_it(tmp_path: Path) -> None:
    """A failing statement is undone whole by SQLite, so a caller's savepoint or
    transaction decides, as with one row per statement."""
    conn = sqlite3.connect(tmp_path / "t.db", isolation_level=None)
    conn.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, a TEXT, b INTEGER)")
    conn.execute("BEGIN")
    with pytest.raises(sqlite3.IntegrityError):
        insert_rows(conn, "INSERT INTO t (k, a, b)", 3, [(1, "a", 1), (2, "b", 2), (1, "again", 3)])
    assert conn.execute("SELECT count(*) FROM t").fetchone() == (0,)
    conn.execute("ROLLBACK")


@pytest.mark.postgres
def test_audit_rows_at_driver_level_are_those_sqlalchemy_writes(database_url: str) -> None:
    """``BookingRepository.audit`` writes at driver level: the same stored values (the
    time's text on SQLite included) as SQLAlchemy's insert of the same rows, read back
    the same, defaults for a row without subject or detail."""
    engine = engine_for(database_url)
    upgrade(engine)
    at = datetime(2026, 12, 2, 10, 20, 30, 123456, tzinfo=UTC)
    rows = [
        {
            "at": at,
            "actor": "bankbridge",
            "administration": "A1",
            "action": "process",
            "subject": "3 lines booked",
            "detail": "",
        },
        {
            "at": at,
            "actor": "anna",
            "administration": None,
            "action": "add_bank_account",
            "subject": "NL… to 10023 — é",
            "detail": "line 7",
        },
        {"at": at, "actor": "bankbridge", "administration": "A2", "action": "undo"},
    ]
    log = schema.audit_log
    with engine.begin() as conn:
        BookingRepository(conn).audit(rows)
        conn.execute(log.insert(), [{"subject": "", "detail": "", **r} for r in rows])
    with engine.connect() as conn:
        stored = conn.execute(select(*(c for c in log.c if c.name != "id")).order_by(log.c.id)).all()
        raw = conn.execute(text("SELECT CAST(at AS TEXT) FROM audit_log ORDER BY id")).scalars().all()
    assert stored[:3] == stored[3:]
    assert [r.at.replace(tzinfo=UTC) for r in stored[:3]] == [at] * 3
    assert (stored[2].subject, stored[2].detail) == ("", "")
    assert raw[:3] == raw[3:]
