"""The registry of statement formats, detection by content, and reading of zip archives.

Exactly one format must claim a file: none is an error ("not a statement file"), two
is an error too (never first-wins).
"""

from __future__ import annotations

import io
import lzma
import zipfile
import zlib
from dataclasses import dataclass

from bankbridge.errors import ParseError
from bankbridge.formats.base import Format
from bankbridge.statements.model import ParseResult

HEAD_BYTES = 8192
MAX_FILE_BYTES = 2 * 1024**3
"""Largest single statement file read (2 GiB); larger input is refused, not read."""
MAX_ARCHIVE_MEMBERS = 10_000
MAX_ARCHIVE_BYTES = 2 * 1024**3
"""Largest total uncompressed size of a zip archive: a zip bomb is refused."""
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    OSError,
)
"""What zipfile raises on damaged or unsupported archives (not only ``BadZipFile``)."""


def formats() -> tuple[Format, ...]:
    """The built-in formats, in a fixed order."""
    from bankbridge.formats.camt import FORMAT as CAMT
    from bankbridge.formats.coda import FORMAT as CODA
    from bankbridge.formats.mt940 import FORMAT as MT940
    from bankbridge.formats.ofx import FORMAT as OFX

    return (MT940, CAMT, CODA, OFX)


def by_name(name: str) -> Format:
    """The format called ``name`` (``mt940``, ``camt``, ``coda``, ``ofx``)."""
    for fmt in formats():
        if fmt.name == name:
            return fmt
    raise ParseError(f"unknown format {name!r}")


def detect(data: bytes, *, source: str) -> Format:
    """The one format that claims ``data``; a :class:`ParseError` when none or several do."""
    head = data[:HEAD_BYTES]
    claims = [fmt for fmt in formats() if fmt.sniff(head)]
    if len(claims) == 1:
        return claims[0]
    if not claims:
        raise ParseError(
            "not a statement file bankbridge can read (looked for MT940/MT942, CAMT.052/053/054, CODA and OFX)",
            file=source,
            line=1,
        )
    names = ", ".join(fmt.name for fmt in claims)
    raise ParseError(f"claimed by several formats ({names}); cannot tell which", file=source)


@dataclass(frozen=True, slots=True)
class FileResult:
    """One parsed file (or archive member): its name, format and result."""

    source: str
    format: str
    result: ParseResult


def is_zip(data: bytes) -> bool:
    """True for a zip archive (local file header magic)."""
    return data[:4] == b"PK\x03\x04"


def _members(data: bytes, *, source: str) -> list[tuple[str, bytes]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS as exc:
        raise ParseError(f"broken zip archive: {str(exc) or type(exc).__name__}", file=source) from exc
    infos = [info for info in archive.infolist() if not info.is_dir()]
    if len(infos) > MAX_ARCHIVE_MEMBERS:
        raise ParseError(f"zip archive holds {len(infos)} files, more than {MAX_ARCHIVE_MEMBERS}", file=source)
    if sum(info.file_size for info in infos) > MAX_ARCHIVE_BYTES:
        raise ParseError("zip archive unpacks to more than 2 GiB; refused", file=source)
    out: list[tuple[str, bytes]] = []
    for info in infos:
        name = f"{source}!{info.filename}"
        try:
            out.append((name, archive.read(info)))
        except _ZIP_ERRORS as exc:
            raise ParseError(f"cannot unpack: {str(exc) or type(exc).__name__}", file=name) from exc
    return out


def read(data: bytes, *, source: str) -> list[FileResult]:
    """Parse a file's bytes (a zip archive gives one result per member)."""
    if len(data) > MAX_FILE_BYTES:
        raise ParseError("file is larger than 2 GiB; refused", file=source)
    if is_zip(data):
        results: list[FileResult] = []
        for name, member in _members(data, source=source):
            results.extend(read(member, source=name))
        return results
    fmt = detect(data, source=source)
    return [FileResult(source=source, format=fmt.name, result=fmt.parse(data, source=source))]
