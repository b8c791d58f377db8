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

from bankbridge.formats.mt940.fields import LINE_61

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

_CTL = "\x00-\x04\x1a\ufeff"  # _CONTROL as a character-class range
_PLAIN_START = (
    # a line the tokenizer appends to the current field as written: not blank; not
    # starting with a control code, a soft hyphen, "{", a "-" that may end a message
    # (only "-" + digit, a wrapped date, and no "{4:"), or ":" + something that may be
    # a tag; not ending with a control code
    rf"(?:[^\s:\-{{\xad{_CTL}]|[^\S\n]+\S|-(?=\d)(?![^\n]*\{{4:)|:(?![0-9A-Z]{{2,3}}:))"
)
_PLAIN = _PLAIN_START + rf"[^\n]*(?<![{_CTL}])\n"
BLANKS = r"\t\n\x0b-\x0d\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
"""What ``\\s`` (``str.isspace``) matches but ``" "``, as a character-class range."""
_NOT_SPACE_END = rf"(?<![{BLANKS}{_CTL}])\n"  # a line end after no blank but " ", no control code
_TRIMMED = _PLAIN_START + r"[^\n]*" + _NOT_SPACE_END  # a plain line that may end in " " but no other blank
_ENDS = "(?=:(?:61|60F|60M|62F|62M|64|65|34F|90C|90D|20):)"  # a field that ends the entry
_REST = (
    rf"(?<![\s{_CTL}])\n"  # as the :61: line is matched after rstrip()
    + rf"((?:{_PLAIN})*)"  # the further :61: lines
    + rf"(?::86:([^\n]*(?<![{_CTL}])\n(?:{_PLAIN})*))?"  # the :86: field
    + _ENDS
)
_COMMON_REST = (  # _REST with :86: lines that end in no blank but " " (see fastline.py); as no
    # plain line starts like a tag, the lines need no backtracking ("*+")
    rf"(?<![\s{_CTL}])\n((?:{_PLAIN})*+)(?::86:([^\n]*{_NOT_SPACE_END}(?:{_TRIMMED})*+))?" + _ENDS
)
ENTRY = re.compile(":61:" + LINE_61.replace("$", r"(?=\n)").removesuffix(r"(?=\n)") + _REST)
"""A regular entry in text with LF line endings: the ``:61:`` line (its sub-fields as
:data:`~bankbridge.formats.mt940.fields.LINE_61` groups them), further ``:61:`` lines
and a ``:86:`` field, all lines the tokenizer would read as plain text, and right after
them a field that makes the reader end the entry. What does not match (an invalid
``:61:``, a wrapper line, a repeated ``:86:``, a block boundary) is read line by line."""
COMMON_ENTRY = re.compile(
    r":61:([0-9]{6})([0-9]{4})?([CD])([0-9]+,[0-9]*)(N[A-Z0-9]{3})([^/\n]*)//([^\n]*)" + _COMMON_REST
)
"""The commonest form of :data:`ENTRY`, a third cheaper to match: ASCII digits, mark
``C``/``D``, no funds code, ``,`` decimals, type ``N…``, a bank reference, no ``:86:`` line ending in a
blank other than ``" "`` (so that ``" \\n" in text`` tells whether its lines are the
``detail_lines`` as they stand); its groups are those of
``ENTRY`` without the funds code. Whatever it matches, ``ENTRY`` matches with the same
groups: each of its sub-patterns matches what the corresponding ``LINE_61`` one matches
first (``(?:(?!//).)*`` up to the first ``//``, the first type alternative, …)."""
_SPACED = r"(?:(?<= )())?"  # an empty group when the line (being matched) ends in " "
RUN_ENTRY = re.compile(
    r":61:([0-9]{6})([0-9]{4})?([CD])([0-9]+,[0-9]*)(N[A-Z0-9]{3})(EREF|PREF|MARF|NONREF|)//([^\n]*)"
    + rf"(?<![\s{_CTL}])\n((?:{_PLAIN})*+)"
    + rf":86:(/[^\n]*{_SPACED}{_NOT_SPACE_END}(?:{_PLAIN_START}[^\n]*{_SPACED}{_NOT_SPACE_END})*+)"
    + _ENDS
)
"""The entries the Rabobank run reader (``fastline.py``) takes: those of
:data:`COMMON_ENTRY` whose customer reference is a Rabobank label, with a ``:86:`` that
starts with ``/``. Its first nine groups are ``COMMON_ENTRY``'s (whatever it matches,
that pattern matches with those groups: it is that pattern with fewer choices); the two
more are ``""`` when a ``:86:`` line (the first; a later one) ends in ``" "`` (the one
blank a line may end in), else ``None``: without them, the ``:86:`` lines are the
``detail_lines`` as they stand."""


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


class Tokenizer:
    """Lines → tokens, one line at a time (the reader feeds it the lines its fast path
    does not take); :func:`tokens` is the same over an iterable of lines."""

    __slots__ = ("start", "tag", "value")

    def __init__(self) -> None:
        self.tag: str | None = None
        self.value: list[str] = []
        self.start = 0

    def flush(self) -> Field | None:
        """The field being read, now complete (``None`` when there is none)."""
        if self.tag is None:
            return None
        field = Field(self.tag, tuple(self.value), self.start)
        self.tag, self.value = None, []
        return field

    def feed(self, raw: str, number: int) -> list[Token]:  # noqa: C901, PLR0912 - kept flat
        """The tokens that line ``number`` (text without line ending) completes."""
        first = raw[:1]
        if not first:
            if self.tag is not None:
                self.value.append(raw)
            return []
        out: list[Token] = []
        line = raw.strip(_CONTROL) if first in _CONTROL or raw[-1] in _CONTROL else raw
        if first == "\xad" and raw[1:].strip() in ("", "XXX", "}"):
            line = "-" + raw[1:]  # ING trailer written with a soft hyphen
        if line[:1] in ("-", "{"):
            text, ended = _unwrap(line)
            if text != line:
                if self.tag is not None:
                    out.append(Field(self.tag, tuple(self.value), self.start))
                    self.tag, self.value = None, []
                if ended:
                    out.append(EndOfMessage(number))
                if "{" in line:
                    out.append(Header(line, number))
                if not text.strip():
                    return out
                line = text
        end = line.find(":", 3, 6) if line[:1] == ":" else -1
        if end > 0 and line[1:end] in KNOWN_TAGS:
            if self.tag is not None:
                out.append(Field(self.tag, tuple(self.value), self.start))
            self.tag, self.value, self.start = line[1:end], [line[end + 1 :]], number
        elif self.tag is not None:
            self.value.append(line)
        elif line.strip():
            out.append(Header(line, number) if _HEADER.match(line.strip()) else Noise(line, number))
        return out


def tokens(lines: Iterable[str]) -> Iterator[Token]:
    """The fields (and noise, message ends) of MT940 text given as lines without endings."""
    tokenizer = Tokenizer()
    for number, raw in enumerate(lines, start=1):
        yield from tokenizer.feed(raw, number)
    last = tokenizer.flush()
    if last is not None:
        yield last
