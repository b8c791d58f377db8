"""Fixtures shared by the payments-in-transit tests: books in one-total and in
item-by-item mode, on the database under test (SQLite, or PostgreSQL when marked)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bankbridge.config import Settings
from transit_books import make_settings


@pytest.fixture
def one_total(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url, per_item=False)


@pytest.fixture
def per_item(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url, per_item=True)
