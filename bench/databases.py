"""Fresh databases for benchmarks: a new SQLite file, and a new PostgreSQL database on
127.0.0.1:5432 (user postgres) when one is reachable; dropped afterwards."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

WORK = Path(__file__).resolve().parent / "work"
PG_ADMIN = os.environ.get("BANKBRIDGE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def available() -> list[str]:
    """``sqlite``, plus ``postgresql`` when the server answers."""
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return ["sqlite", "postgresql"]
    except Exception as exc:
        print(f"PostgreSQL not measured: {exc}", file=sys.stderr)
        return ["sqlite"]


@contextmanager
def fresh(kind: str, stem: str) -> Iterator[str]:
    """The URL of a new, empty database of ``kind``; removed when the block ends."""
    if kind == "sqlite":
        path = WORK / f"{stem}.db"
        _unlink(path)
        try:
            yield f"sqlite:///{path}"
        finally:
            _unlink(path)
        return
    import psycopg

    name = f"bankbridge_{stem}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _unlink(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
