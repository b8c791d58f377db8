"""A fresh sandbox bank per test, served by uvicorn on a free 127.0.0.1 port, talked to with httpx."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sandbox_bank_helpers import START, Sandbox

from bankbridge.sandbox.app import create_app
from bankbridge.sandbox.clock import FixedClock
from bankbridge.sandbox.settings import SandboxSettings
from bankbridge.sandbox.testing import serve


@pytest.fixture
def settings() -> SandboxSettings:
    return SandboxSettings(database_url="sqlite://", page_size=3, generate_history=False)


@pytest.fixture
def bank(settings: SandboxSettings) -> Iterator[Sandbox]:
    clock = FixedClock(START)
    with serve(create_app(settings, clock)) as base:
        sandbox = Sandbox(base, clock)
        yield sandbox
        sandbox.http.close()
