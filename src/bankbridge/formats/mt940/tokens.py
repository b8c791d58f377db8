"""Split MT940/MT942 text into tagged fields, streaming, and drop the wrappers around them.

A field starts at a line ``:NN[A]:`` whose tag is a known MT940/MT942 tag and runs until
the next such line. Lines that look like a tag but are not one (``:12:11`` of a wrapped
time stamp) continue the current field. Wrappers are skipped: SWIFT blocks
``{1:…}{2:…}{4:`` … ``-}``, Rabobank's ``:940:`` line, ING's ``0000 01INGBNL2AXXXX…`` /
``940 00`` header and ``-XXX`` trailer, ABN AMRO's ``ABNANL2A`` / ``940`` header and
the lone ``-`` between messages. Whatever else stands outside a field is reported as
:class:`Noise` so the reader can warn about it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

KNOWN_TAGS = frozenset(
    {
        "13",
        "13D",
        "20",
        "21",
        "25",
        "25P",
        "28",
        "28C",
        "34F",
        "60F",
        "60M",
        "61",
        "62F",
        "62M",
        "64",
        "65",
        "86",
        "90C",
        "90D",
        "NS",
    }
)
_HEADER = re.compile(r"^(?::?94[02]:?|94[02] ?\d*|0000 \d\d[A-Z0-9]{8,}|[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?|-[A-Z]*)$")
_CONTROL = "\x00\x01\x02\x03\x04\x1a\ufeff"


class Field(NamedTuple):
    """One tagged field: the tag, its value lines (first = text after the tag), line number."""

    tag: str
    lines: tuple[str, ...]
    line: int


class Noise(NamedTuple):
    """A non-blank line outside any field that is not a known wrapper."""

    text: str
    line: int


class Header(NamedTuple):
    """A wrapper line (SWIFT header block, bank header line): it names the bank."""

    text: str
    line: int


class EndOfMessage(NamedTuple):
    """The end of a SWIFT message (``-}``, ``-``, ``-XXX``)."""

    line: int


Token = Field | Noise | Header | EndOfMessage


def _unwrap(line: str) -> tuple[str, bool]:
    """Strip SWIFT block wrappers: (text left to read, whether a message ended)."""
    tail = line[1:]
    ended = line[0] == "-" and (not tail or tail[0] in "}{" or (tail.isalpha() and tail.isupper()))
    start = line.find("{4:")
    if start >= 0:
        return line[start + 3 :], ended
    if ended or line[0] == "{":
        return "", ended
    return line, False


def tokens(lines: Iterable[str]) -> Iterator[Token]:  # noqa: C901, PLR0912 - hot loop, kept flat
    """The fields (and noise, message ends) of MT940 text given as lines without endings."""
    tag: str | None = None
    value: list[str] = []
    start = 0
    for number, raw in enumerate(lines, start=1):
        first = raw[:1]
        if not first:
            if tag is not None:
                value.append(raw)
            continue
        line = raw.strip(_CONTROL) if first in _CONTROL or raw[-1] in _CONTROL else raw
        if first == "\xad" and raw[1:].strip() in ("", "XXX", "}"):
            line = "-" + raw[1:]  # ING trailer written with a soft hyphen
        if line[:1] in ("-", "{"):
            text, ended = _unwrap(line)
            if text != line:
                if tag is not None:
                    yield Field(tag, tuple(value), start)
                    tag, value = None, []
                if ended:
                    yield EndOfMessage(number)
                if "{" in line:
                    yield Header(line, number)
                if not text.strip():
                    continue
                line = text
        end = line.find(":", 3, 6) if line[:1] == ":" else -1
        if end > 0 and line[1:end] in KNOWN_TAGS:
            if tag is not None:
                yield Field(tag, tuple(value), start)
            tag, value, start = line[1:end], [line[end + 1 :]], number
        elif tag is not None:
            value.append(line)
        elif line.strip():
            yield Header(line, number) if _HEADER.match(line.strip()) else Noise(line, number)
    if tag is not None:
        yield Field(tag, tuple(value), start)
