"""The benchmarks' modules for their tests: a test module names its bench in ``BENCH``
(``bench`` is a folder of the repository, not of the installed package)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bench(request: pytest.FixtureRequest) -> ModuleType:
    """The module named by the test module's ``BENCH``."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module(request.module.BENCH)
