"""Fixtures of the CAMT tests: parsing corpus files in place."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bankbridge.formats.camt import FORMAT
from bankbridge.statements.model import ParseResult, Statement

Parse = Callable[[str], ParseResult]


@pytest.fixture
def parse_corpus(corpus: Path) -> Parse:
    """Parse ``<format>/<source>/<file>`` of the shared corpus with the CAMT format."""

    def parse(relative: str) -> ParseResult:
        path = corpus / relative
        return FORMAT.parse(path.read_bytes(), source=path.name)

    return parse


@pytest.fixture
def one_statement(parse_corpus: Parse) -> Callable[[str], Statement]:
    """The single statement of a corpus file (fails when there are several)."""

    def single(relative: str) -> Statement:
        result = parse_corpus(relative)
        assert len(result.statements) == 1
        return result.statements[0]

    return single
