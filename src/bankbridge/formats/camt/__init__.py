"""ISO 20022 CAMT.052 / CAMT.053 / CAMT.054 bank-to-customer messages.

``FORMAT`` reads every version (``.001.01`` … ``.001.10`` and tolerant of a missing or
odd namespace) into the normalised statement model and writes CAMT.053.001.02.
One statement per ``Stmt`` (053), ``Rpt`` (052) or ``Ntfctn`` (054); ``format`` says
which. See ``docs/formats/camt.md`` for the field mapping and safety limits.
"""

from __future__ import annotations

from collections.abc import Sequence

from bankbridge.formats.camt.reader import iter_items, parse
from bankbridge.formats.camt.sniff import sniff
from bankbridge.formats.camt.writer import write
from bankbridge.statements.model import ParseResult, Statement

__all__ = ["FORMAT", "CamtFormat", "iter_items"]


class CamtFormat:
    """The CAMT format: sniff by content, parse any version, write CAMT.053.001.02."""

    name = "camt"

    def sniff(self, head: bytes) -> bool:
        """True when the head shows a CAMT.052/053/054 namespace or message element."""
        return sniff(head)

    def parse(self, data: bytes, *, source: str) -> ParseResult:
        """Statements of a CAMT document (a ``ParseError`` names file, line and XML path)."""
        return parse(data, source=source)

    def write(self, statements: Sequence[Statement]) -> bytes:
        """A CAMT.053.001.02 document holding ``statements``."""
        return write(statements)


FORMAT = CamtFormat()
