"""The small protocol every statement format implements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from bankbridge.statements.model import ParseResult, Statement


@runtime_checkable
class Format(Protocol):
    """A statement file format.

    ``sniff`` looks at the first few KiB (already decoded from the file's bytes only
    as far as the format needs) and says whether this format claims the file; exactly
    one format may claim a file. ``parse`` gets the whole file as bytes and the name to
    use in messages; it returns statements plus diagnostics, or raises
    :class:`bankbridge.errors.ParseError` naming file, line (or XML path) and field.
    """

    name: str

    def sniff(self, head: bytes) -> bool: ...

    def parse(self, data: bytes, *, source: str) -> ParseResult: ...


@runtime_checkable
class Writer(Protocol):
    """A format that can also write statements."""

    name: str

    def write(self, statements: Sequence[Statement]) -> bytes: ...
