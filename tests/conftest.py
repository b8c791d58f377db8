"""Shared test fixtures: the corpus location, golden-file updating, and databases.

Database tests take the ``database_url`` fixture, which runs each test once on a fresh
SQLite file and once on a fresh PostgreSQL database (created and dropped on
127.0.0.1:5432 as user postgres). Without a reachable PostgreSQL the PostgreSQL runs
skip with a clear message, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
PG_ADMIN_URL = os.environ.get("BANKBRIDGE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


# --- golden files ---------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite golden files from the current output instead of comparing",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when the run was started with ``--update-golden``."""
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def corpus() -> Path:
    """``../shared/corpus`` beside the repository (read in place, never copied)."""
    if not CORPUS.is_dir():
        pytest.fail(f"the shared corpus is missing at {CORPUS}")
    return CORPUS


# --- databases ------------------------------------------------------------------------


def _pg_available() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}".strip()


@pytest.fixture(scope="session")
def postgres_admin() -> str:
    """The admin URL of a reachable PostgreSQL (skip, or fail under CI=true, when none)."""
    problem = _pg_available()
    if problem:
        message = f"PostgreSQL at {PG_ADMIN_URL} is not reachable ({problem})"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; CI must run the PostgreSQL tests")
        pytest.skip(message)
    return PG_ADMIN_URL


def _create_pg_database(admin_url: str) -> tuple[str, str]:
    import psycopg

    name = f"bankbridge_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin_url.rsplit("/", 1)[0]
    return name, f"{base}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)


def _drop_pg_database(admin_url: str, name: str) -> None:
    import psycopg

    from bankbridge.bootstrap import engine_for

    engine_for.cache_clear()  # let go of pooled connections before dropping
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL: once SQLite, once PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'bankbridge.db'}"
        from bankbridge.bootstrap import engine_for

        engine_for.cache_clear()
        return
    admin = request.getfixturevalue("postgres_admin")
    name, url = _create_pg_database(admin)
    try:
        yield url
    finally:
        _drop_pg_database(admin, name)


@pytest.fixture
def copy_database(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """``copy(url)`` → the URL of a copy of that database as it is now (SQLite
    ``VACUUM INTO``, PostgreSQL ``CREATE DATABASE … TEMPLATE``); copies are dropped after."""
    made: list[str] = []

    def copy(url: str) -> str:
        from bankbridge.bootstrap import engine_for

        if url.startswith("sqlite"):
            import sqlite3

            target = tmp_path / f"copy_{len(made)}.db"
            source = sqlite3.connect(url.removeprefix("sqlite:///"))
            try:
                source.execute(f"VACUUM INTO '{target}'")
            finally:
                source.close()
            return f"sqlite:///{target}"
        import psycopg

        base, _, name = url.rpartition("/")
        twin = f"{name}_copy{len(made)}"
        engine_for(url).dispose()  # a template database must have no other sessions
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{twin}" TEMPLATE "{name}"')
        made.append(twin)
        return f"{base}/{twin}"

    yield copy
    for name in made:
        _drop_pg_database(PG_ADMIN_URL, name)
