"""Belgian CODA 2.x (Febelfin "gecodeerde berichtgeving"): fixed 128-character records.

``FORMAT`` implements :class:`bankbridge.formats.base.Format`. See ``docs/formats/coda.md``
for the mapping onto the statement model.
"""

from __future__ import annotations

import codecs
import re

from bankbridge.formats.coda.parser import parse as _parse
from bankbridge.statements.model import ParseResult

_HEADER = re.compile(rb"0000[0-3]\d[01]\d\d\d...05")


class CodaFormat:
    """The CODA reader."""

    name = "coda"

    def sniff(self, head: bytes) -> bool:
        """Record 0 first: ``0``, four zeros, a DDMMYY creation date, application code ``05``."""
        text = head.removeprefix(codecs.BOM_UTF8).lstrip(b"\r\n")
        first = text.split(b"\n", 1)[0].rstrip(b"\r")
        return len(first) >= 100 and first[:1] == b"0" and bool(_HEADER.match(first, 1))

    def parse(self, data: bytes, *, source: str) -> ParseResult:
        """Statements of the file, see :mod:`bankbridge.formats.coda.parser`."""
        return _parse(data, source=source)


FORMAT = CodaFormat()
