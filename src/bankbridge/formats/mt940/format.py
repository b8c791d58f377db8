"""The MT940/MT942 format object: sniffing, parsing (bytes or a streamed file), writing."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator, Sequence
from io import IncrementalNewlineDecoder
from pathlib import Path

from bankbridge.errors import ParseError
from bankbridge.formats.mt940.reader import Reader
from bankbridge.formats.text import decode
from bankbridge.statements.model import Diagnostic, ParseResult, Statement

_SNIFF_TAG = re.compile(r"^(?:[\x00-\x1f]|\{1:[^\n]*\{4:)?:(20|25|28C?|60[FM]|34F|61|62[FM]|86):", re.M)
_FIRST_TAG = re.compile(r"\A\s*:(20|21|25|28C?|60[FM]|61|62[FM]|64|65|86|34F|13D?):")


_AT_BREAK = re.compile(r"@@:\d\d[A-Z]?:")
_LONE_CR = re.compile(r"\r(?!\n)")
_LONE_CR_BYTES = re.compile(rb"\r(?!\n)")


def at_breaks(text: str) -> str:
    """``text`` with ``@@`` line separators turned into line ends, when it uses them
    (a tag right after ``@@``): some German banks' MT940/MT942 exports (HBCI/FinTS) have no
    line ends but ``@@``, a sequence outside the SWIFT character set."""
    if "@" in text and "@@" in text and _AT_BREAK.search(text):  # "@" first: a fast scan
        return text.replace("@@", "\n")
    return text


def normalise(text: str) -> str:
    """``text`` with CRLF and CR line endings turned into LF (as
    ``text.replace("\\r\\n", "\\n").replace("\\r", "\\n")``, in one pass)."""
    if "\r" in text:
        if _LONE_CR.search(text) is None:  # CRLF only (the usual): dropping every CR is faster
            return text.replace("\r", "")
        text = IncrementalNewlineDecoder(None, translate=True).decode(text, final=True)
    return text


def split_text(text: str) -> list[str]:
    """Lines of ``text`` for CRLF, LF or CR endings (``str.splitlines`` also splits on
    form feeds and other separators that may occur inside a bank's text)."""
    lines = normalise(text).split("\n")
    if lines and not lines[-1]:
        lines.pop()
    return lines


def text_block(text: str) -> str:
    """``text`` as the reader takes it: LF line endings (also for ``@@`` separators),
    ending with a line end (unless empty)."""
    text = at_breaks(normalise(text))
    return text if not text or text[-1] == "\n" else text + "\n"


def decode_line(raw: bytes) -> str:
    """One line's bytes as text: UTF-8, else CP1252, else Latin-1 (line endings removed)."""
    raw = raw.rstrip(b"\r\n")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            return raw.decode("latin-1")


def decode_text(data: bytes) -> str:
    """A whole file as text: BOM-marked files through ``formats.text.decode``; others as
    UTF-8, or line by line UTF-8/CP1252/Latin-1 when the file mixes encodings (the same
    decoding the streaming reader applies to each block)."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode(data)
    return decode_block(data)


def decode_block(block: bytes) -> str:
    """A block of whole lines as text: UTF-8 when it all is, else decoded line by line."""
    try:
        return block.decode("utf-8")
    except UnicodeDecodeError:
        return _decode_lines(block)


def _decode_lines(block: bytes) -> str:
    """A block of whole lines as text, decoded line by line (see :func:`decode_line`)."""
    return "\n".join(decode_line(raw) for raw in block.split(b"\n"))


def file_blocks(path: Path, *, block_size: int = 1 << 18) -> Iterator[str]:
    """The text of a file as blocks of whole lines (see :func:`text_block`), read and
    decoded a block at a time, so memory stays flat whatever the file size."""
    with path.open("rb") as handle:
        pending = handle.read(max(block_size, 3)).removeprefix(codecs.BOM_UTF8)
        while True:
            more = handle.read(block_size)
            if not more:
                break
            block = pending + more
            cut = block.rfind(b"\n") + 1
            pending = block[cut:]
            if cut:
                yield _block_text(block[:cut])
        if pending:
            yield _block_text(pending)


def _block_text(raw: bytes) -> str:
    """``text_block(decode_block(raw))``, CRLF line ends dropped from the bytes before the
    one decoding (faster): a CR byte is in no multi-byte UTF-8 sequence, so dropping them
    changes neither what decodes nor the text but for the CRs."""
    crlf_only = b"\r" in raw and _LONE_CR_BYTES.search(raw) is None
    try:
        text = (raw.replace(b"\r", b"") if crlf_only else raw).decode("utf-8")
    except UnicodeDecodeError:
        return text_block(_decode_lines(raw))
    return text_block(text)


def file_lines(path: Path, *, block_size: int = 1 << 18) -> Iterator[str]:
    """The text lines of a file, read and decoded a block of whole lines at a time."""
    for block in file_blocks(path, block_size=block_size):
        yield from split_text(block)


class Mt940Format:
    """SWIFT MT940 customer statements and MT942 interim reports, with Dutch and German
    bank dialects (see ``docs/formats/mt940.md``)."""

    name = "mt940"

    def sniff(self, head: bytes) -> bool:
        """Claims text with ``:20:``, ``:25:`` and ``:60F:``/``:60M:`` (or MT942 ``:34F:``)
        at line starts near the beginning, optionally after SWIFT or bank header lines —
        and also a fragment of transaction records (``:61:`` with ``:86:`` or another
        statement tag), so that parsing it names what is missing instead of saying the
        file is of no known format."""
        text = at_breaks(head.decode("latin-1"))
        if text.lstrip().startswith(("<", "OFXHEADER")):
            return False
        tags = {match.group(1) for match in _SNIFF_TAG.finditer(text)}
        opening = bool(tags & {"60F", "60M", "34F"})
        whole = "25" in tags and ("20" in tags or "28C" in tags) and opening
        fragment = bool(_FIRST_TAG.match(text)) or ("61" in tags and len(tags) > 1)
        return whole or fragment

    def parse(self, data: bytes, *, source: str) -> ParseResult:
        """All statements of ``data``; a :class:`ParseError` names file, line and field."""
        reader = Reader(source=source)
        statements = tuple(reader.read((text_block(decode_text(data)),)))
        return self._result(statements, reader.diagnostics, source=source)

    def iter_file(self, path: Path, *, diagnostics: list[Diagnostic] | None = None) -> Iterator[Statement]:
        """Stream the statements of a (large) file without reading it whole."""
        reader = Reader(source=str(path))
        if diagnostics is not None:
            reader.diagnostics = diagnostics
        yield from reader.read(file_blocks(path))

    def write(self, statements: Sequence[Statement]) -> bytes:
        """MT940 in the Rabobank layout (structured ``:86:`` with code words), UTF-8, CRLF."""
        from bankbridge.formats.mt940.writer import write_statements

        return write_statements(statements)

    @staticmethod
    def _result(statements: tuple[Statement, ...], diagnostics: list[Diagnostic], *, source: str) -> ParseResult:
        if not statements:
            raise ParseError(
                "no MT940/MT942 statement found (no :20:/:25: fields)",
                file=source,
                line=1,
                field=":20:",
            )
        return ParseResult(statements=statements, diagnostics=tuple(diagnostics))
