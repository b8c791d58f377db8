"""Fixtures of the MT940 tests: parsing corpus files in place (``../shared/corpus/mt940``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bankbridge.formats.mt940 import FORMAT
from bankbridge.statements.model import ParseResult, Statement

Parse = Callable[[str], ParseResult]


@pytest.fixture
def parse_corpus(corpus: Path) -> Parse:
    """Parse ``<source>/<file>`` of ``corpus/mt940`` with the MT940 format."""

    def parse(relative: str) -> ParseResult:
        path = corpus / "mt940" / relative
        return FORMAT.parse(path.read_bytes(), source=path.name)

    return parse


@pytest.fixture
def statements(parse_corpus: Parse) -> Callable[[str], tuple[Statement, ...]]:
    """The statements of a corpus file."""

    def parse(relative: str) -> tuple[Statement, ...]:
        return parse_corpus(relative).statements

    return parse
