"""OFX text → an element tree, through ofxtools' SGML/XML tokeniser.

OFX 1.x is SGML (leaf end tags optional), OFX 2.x is XML; ofxtools' ``TreeBuilder``
reads both into an :class:`xml.etree.ElementTree.Element` tree. What we do around it,
and why:

* The header (``OFXHEADER:100 …`` lines, or ``<?xml?>`` + ``<?OFX?>``) is skipped, not
  validated: we only need the body, and ofxtools' header classes refuse values real
  banks send (other ``CHARSET`` spellings, no header at all — ofxparse accepts files
  that start at ``<OFX>``, and so do we). The bytes are decoded by
  :func:`bankbridge.formats.text.decode` (UTF-8, else CP1252).
* XML comments are blanked out (keeping their line breaks, so line numbers stay
  right): ofxtools' tokeniser would otherwise read the tags inside them.
* Every end tag is checked against the open element (the stdlib builder ofxtools uses
  would silently close the wrong one), and unclosed elements are an error.

Anything ofxtools raises becomes a :class:`ParseError` with file and line.
"""

from __future__ import annotations

import bisect
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from ofxtools.Parser import ParseError as OfxParseError
from ofxtools.Parser import TreeBuilder

from bankbridge.errors import ParseError

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_BODY = re.compile(r"<OFX>", re.IGNORECASE)
_POSITION = re.compile(r"position=\[(\d+):(\d+)\]")


class _CheckedBuilder(TreeBuilder):
    """ofxtools' builder, refusing an end tag that does not close the open element."""

    def __init__(self) -> None:
        super().__init__()
        self.open_tags: list[str] = []
        self.started = False

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        if self.started and not self.open_tags:
            raise OfxParseError(f"element <{tag}> after the end of </OFX>")
        self.started = True
        self.open_tags.append(tag)
        element: ET.Element = super().start(tag, attrs)
        return element

    def end(self, tag: str) -> ET.Element:
        if not self.open_tags or self.open_tags[-1] != tag:
            current = f"<{self.open_tags[-1]}>" if self.open_tags else "nothing"
            raise OfxParseError(f"end tag </{tag}> does not close the open element {current}")
        self.open_tags.pop()
        element: ET.Element = super().end(tag)
        return element


@dataclass(frozen=True, slots=True)
class Document:
    """The OFX body as a tree, plus the text it came from (for line numbers and raw)."""

    root: ET.Element
    text: str
    breaks: tuple[int, ...]
    """Offsets of the line breaks in :attr:`text`."""

    def line(self, offset: int) -> int:
        """1-based line number of a character offset in :attr:`text`."""
        return bisect.bisect_left(self.breaks, offset) + 1


def _blank(match: re.Match[str]) -> str:
    return "\n" * match.group().count("\n")


def read(text: str, *, source: str) -> Document:
    """Find the ``<OFX>`` body and parse it into a tree."""
    # a trailing Ctrl-Z (DOS end of file) or NULs would be "text outside any element"
    clean = _COMMENT.sub(_blank, text).rstrip("\x1a\x00 \t\r\n")
    found = _BODY.search(clean)
    if found is None:
        raise ParseError("no <OFX> element: not an OFX file", file=source, line=1)
    start = found.start()
    builder = _CheckedBuilder()
    try:
        builder.feed(clean[start:])
        if builder.open_tags:
            raise OfxParseError(f"the file ends inside <{builder.open_tags[-1]}>")
        root = builder.close()
    except (SyntaxError, ValueError, IndexError, AssertionError) as exc:
        message = str(exc)
        position = _POSITION.search(message)
        offset = start + int(position.group(1)) if position else len(clean)
        reason = _POSITION.sub("", message).strip(" -")
        if reason.startswith("Tail text"):  # ofxtools appends the whole body after " in "
            reason = "text outside any element: " + reason.split(" in ", 1)[0][10:]
        reason = reason[:200]
        raise ParseError(
            f"broken OFX markup: {reason}",
            file=source,
            line=clean.count("\n", 0, offset) + 1,
        ) from None
    if not isinstance(root, ET.Element) or root.tag != "OFX":
        raise ParseError("broken OFX markup: no <OFX> root element", file=source, line=1)
    breaks = tuple(m.start() for m in re.finditer("\n", clean))
    return Document(root=root, text=clean, breaks=breaks)
