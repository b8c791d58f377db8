"""OFX 1.x (SGML) and 2.x (XML) bank and credit-card statements, read through ofxtools.

``FORMAT`` implements :class:`bankbridge.formats.base.Format` (read only). See
``docs/formats/ofx.md`` for the mapping and the leniencies.
"""

from __future__ import annotations

import codecs
import re

from bankbridge.formats.text import decode
from bankbridge.statements.model import ParseResult

_PROLOGUE = re.compile(rb"\s*(<\?[^>]*\?>|<!--.*?-->)", re.DOTALL)


class OfxFormat:
    """The OFX reader."""

    name = "ofx"

    def sniff(self, head: bytes) -> bool:
        """An OFX 1.x header (``OFXHEADER:``), or ``<OFX>`` after an optional prologue."""
        text = head.removeprefix(codecs.BOM_UTF8).lstrip()
        if text.startswith(b"OFXHEADER"):
            return True
        while (match := _PROLOGUE.match(text)) is not None:
            text = text[match.end() :]
        return text.lstrip()[:5].upper() == b"<OFX>"

    def parse(self, data: bytes, *, source: str) -> ParseResult:
        """Statements of the file; see :mod:`bankbridge.formats.ofx.mapping`."""
        # ofxtools is imported for an OFX file only: it costs a quarter of a second, and
        # every import and parse run loads the registry of formats.
        from bankbridge.formats.ofx import mapping, markup

        document = markup.read(decode(data), source=source)
        statements, diagnostics = mapping.statements(document, source=source)
        return ParseResult(tuple(statements), tuple(diagnostics))


FORMAT = OfxFormat()
