"""Decoding of text-based bank files: BOMs, UTF-8 / CP1252 / Latin-1, line endings."""

from __future__ import annotations

import codecs


def decode(data: bytes) -> str:
    """Decode a bank file's bytes.

    UTF-8 (with or without BOM) when the bytes are valid UTF-8, UTF-16 when a UTF-16
    BOM says so; otherwise CP1252, which every Latin-1 file also decodes under except
    for a few control codes, and Latin-1 for those.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def split_lines(text: str) -> list[str]:
    """Split on CRLF, LF or CR, dropping the line endings."""
    return text.splitlines()
