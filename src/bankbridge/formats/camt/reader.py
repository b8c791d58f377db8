"""Safe, streaming reading of CAMT.052/053/054 XML.

:func:`iter_items` walks a file with :func:`lxml.etree.iterparse` (start events: an
element has ended when a later one starts outside it) and yields each entry's line as
soon as its ``Ntry`` element is complete, then the record's
:class:`~bankbridge.statements.model.Statement` (without lines) when the record ends.
Finished elements are removed from the tree, so memory stays flat however many
entries a file holds. :func:`parse` collects the items into a ``ParseResult``.
Entries are read the fast way (:mod:`~bankbridge.formats.camt.fast`) when it can
vouch for the result, else element by element (:mod:`~bankbridge.formats.camt.entry`).

Safety: no DTD is loaded, no entity resolved, no network touched, libxml2's size
limits stay on (``huge_tree`` off); a document type declaration (the carrier of
entity bombs and external entities) is refused outright, and input over
:data:`MAX_BYTES` is refused while reading.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import BinaryIO

from lxml import etree

from bankbridge.errors import ParseError
from bankbridge.formats.camt.details import not_own_account, own_account
from bankbridge.formats.camt.entry import entry
from bankbridge.formats.camt.fast import Shapes, fast_entry
from bankbridge.formats.camt.flat import name_of
from bankbridge.formats.camt.header import RECORDS, Kind, Paging, kind_of, paging, statement
from bankbridge.formats.camt.nodes import Element, Where, line_of, local
from bankbridge.statements.checks import booked_lines, check_balance
from bankbridge.statements.model import Diagnostic, ParseResult, Statement, StatementLine

MAX_BYTES = 2 * 1024**3
"""Largest CAMT document read (2 GiB)."""
PROLOG_BYTES = 64 * 1024
_WATCH = ("{*}GrpHdr", "{*}Ntry", "{*}Stmt", "{*}Rpt", "{*}Ntfctn")
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")
_OPEN_TAG = re.compile(r"(?:in tag|mismatch:) (?:[^\s:]+:)?([^\s:]+) line [0-9]+")
"""The innermost open element in libxml2's "premature end" and "tag mismatch" errors."""
_OPEN_TAG_ERRORS = (76, 77)
"""XML_ERR_TAG_NAME_MISMATCH, XML_ERR_TAG_NOT_FINISHED."""
Item = StatementLine | Statement | Diagnostic


class _Guarded:
    """A read-only stream that replays a peeked prefix and refuses more than ``limit`` bytes."""

    def __init__(self, prefix: bytes, rest: BinaryIO, *, limit: int, source: str) -> None:
        self._prefix, self._rest, self._limit, self._source = prefix, rest, limit, source
        self._seen = 0

    def read(self, size: int = -1) -> bytes:
        size = size if size and size > 0 else 1 << 16
        if self._prefix:
            chunk, self._prefix = self._prefix[:size], self._prefix[size:]
        else:
            chunk = self._rest.read(size)
        self._seen += len(chunk)
        if self._seen > self._limit:
            raise ParseError(f"file is larger than {self._limit} bytes; refused", file=self._source)
        return chunk


def _prolog_text(head: bytes) -> bytes:
    """The head as bytes comparable with ASCII markup (UTF-16 folded to 8 bits)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[1:2] == b"\x00" or head[:1] == b"\x00":
        return head.replace(b"\x00", b"")
    return head


def refuse_doctype(head: bytes, *, source: str) -> None:
    """Refuse a document type declaration (entity bombs, external entities) in the prolog,
    the part before the first element (a comment or CDATA later on may say anything)."""
    text = _prolog_text(head)
    start = _FIRST_ELEMENT.search(text)
    match = _DOCTYPE.search(text, 0, start.start() if start else len(text))
    if match:
        line = head[: match.start()].count(b"\n") + 1
        raise ParseError(
            "a document type declaration (DOCTYPE/ENTITY) is not allowed in a CAMT file",
            file=source,
            line=line,
            hint="bank files never need one; this may be an XML entity attack",
        )


def _ancestry(element: Element | None) -> str:
    names: list[str] = []
    while element is not None:
        names.append(local(element.tag))
        element = element.getparent()
    return "/".join(reversed(names))


@dataclass
class _State:
    """Where the walk is: message kind, group-header paging, record and entry counters."""

    source: str
    kind: Kind | None = None
    prefix: str = ""
    paging: Paging = field(default_factory=Paging)
    records: int = 0
    entries: int = 0
    line_currency: str | None = None
    context: Element | None = None
    where: Where | None = None
    shapes: Shapes = field(default_factory=Shapes)
    parent_seen: Element | None = None
    parent_seen_name: str = ""
    own: str | None = None
    """The record's own IBAN (looked up at its first entry: ``Acct`` comes before ``Ntry``)."""
    own_known: bool = False

    def parent_name(self, parent: Element | None) -> str:
        """The local name of ``parent`` (remembered for the last parent asked about)."""
        if parent is not self.parent_seen:
            self.parent_seen, self.parent_seen_name = parent, name_of(parent.tag) if parent is not None else ""
        return self.parent_seen_name

    def start(self, element: Element) -> None:
        """Check the root on the first element seen."""
        if self.kind is not None:
            return
        tree = element.getroottree()
        if getattr(tree.docinfo, "doctype", "") or tree.docinfo.internalDTD is not None:
            refuse_doctype(b"<!DOCTYPE", source=self.source)
        self.kind, self.prefix = _message(tree.getroot(), self.source)

    def record_where(self, line: int | None = None) -> Where:
        """Where the current record is (made once per record)."""
        if self.where is None:
            record = self.kind.record if self.kind else "?"
            self.where = Where(self.source, f"{self.prefix}/{record}[{self.records + 1}]", line)
        return self.where


def _message(root: Element, source: str) -> tuple[Kind, str]:
    """The kind of message under ``root`` and the path prefix of its records."""
    name = local(root.tag)
    message = root
    if name != "Document" and kind_of(name) is None:
        # An envelope holding a business application header (``AppHdr``) beside the
        # ``Document``, as SWIFT MX deliveries and some bank channels wrap messages.
        root = next((child for child in root if local(child.tag) == "Document"), root)
    if local(root.tag) == "Document":
        message = next((child for child in root if local(child.tag)), root)
    kind = kind_of(local(message.tag))
    if kind is None:
        raise ParseError(
            f"root element {name!r} holds no CAMT.052/053/054 message "
            "(BkToCstmrStmt, BkToCstmrAcctRpt or BkToCstmrDbtCdtNtfctn)",
            file=source,
            line=line_of(message),
            path=_ancestry(message),
        )
    return kind, _ancestry(message)


def _on_entry(element: Element, state: _State) -> tuple[StatementLine, tuple[Diagnostic, ...]]:
    state.entries += 1
    record = state.where or state.record_where()
    line_no: int | None = element.sourceline  # type: ignore[assignment]  # an int, or None when unknown
    done = fast_entry(element, state.shapes, state.source, f"{record.path}/Ntry[{state.entries}]", line_no)
    if done is None:
        where = record.child(f"Ntry[{state.entries}]", line=line_of(element))
        try:
            done = entry(element, where=where)
        except (ValueError, ArithmeticError) as exc:
            raise where.error(f"cannot read entry: {exc}", element=element, field="Ntry") from exc
    if not state.own_known:
        state.own, state.own_known = own_account(element.getparent()), True
    if state.own is not None:
        line = not_own_account(done[0], element, state.own)
        if line is not done[0]:
            done = (line, done[1])
    if state.line_currency is None:
        state.line_currency = done[0].currency
    return done


def _on_record(element: Element, state: _State) -> Statement:
    assert state.kind is not None
    result = statement(
        element,
        kind=state.kind,
        where=replace(state.record_where(), line=line_of(element)),
        paging=state.paging,
        line_currency=state.line_currency,
    )
    state.records += 1
    state.entries = 0
    state.own, state.own_known = None, False
    state.line_currency = None
    state.where = None
    return result


def _walk(events: Iterator[tuple[str, Element]], state: _State) -> Iterator[Item]:
    """Read the watched elements as they end. The parser reports starts (its cheaper
    mode: no callback at each element's end), so an element is known to have ended when
    a later watched element starts outside it, or when the document is complete. On
    broken XML the elements seen to have ended before the fault are read first."""
    open_: list[Element] = []  # started, not known to have ended; outermost first
    parents: list[Element | None] = []  # their parents
    try:
        for _event, element in events:
            parent = element.getparent()
            while open_:
                top = open_[-1]
                if top is parent or (parents[-1] is not parent and _inside(parent, top)):
                    break
                open_.pop()
                yield from _ended(top, parents.pop(), state)
            open_.append(element)
            parents.append(parent)
    except etree.XMLSyntaxError as error:
        while open_ and _closed(open_[-1], error):
            yield from _ended(open_.pop(), parents.pop(), state)
        raise
    while open_:
        yield from _ended(open_.pop(), parents.pop(), state)


def _walk_ends(events: Iterator[tuple[str, Element]], state: _State) -> Iterator[Item]:
    """Read the watched elements at their end events (the parser's slower mode, exact
    about what ended before broken XML)."""
    for _event, element in events:
        yield from _ended(element, element.getparent(), state)


def _closed(element: Element, error: etree.XMLSyntaxError) -> bool:
    """True when the parser had surely seen ``element``'s end before ``error``: text or an
    element follows it or an ancestor, or the error names the innermost open element and
    that is not ``element`` nor inside it (never true for an open element)."""
    node: Element | None = element
    while node is not None:
        if node.tail is not None or node.getnext() is not None:
            return True
        node = node.getparent()
    found = _OPEN_TAG.search(error.msg or "") if getattr(error, "code", None) in _OPEN_TAG_ERRORS else None
    if found is None:
        return False
    node = element
    while True:  # the open elements inside `element` are on its chain of last children
        if name_of(node.tag) == found.group(1):
            return False
        if not len(node):
            return True
        node = node[-1]


def _inside(parent: Element | None, other: Element) -> bool:
    """True when an element with this ``parent`` lies inside ``other``."""
    return parent is not None and any(ancestor is other for ancestor in parent.iterancestors())


def _ended(element: Element, parent: Element | None, state: _State) -> tuple[Item, ...]:
    """The items of a watched element that has ended (none for most), which is then
    cleared and removed from its ``parent``."""
    if state.kind is None:
        state.start(element)
    name = name_of(element.tag)
    parent_name = state.parent_name(parent)
    items: tuple[Item, ...]
    if name == "Ntry" and parent_name in RECORDS:
        line, notes = _on_entry(element, state)
        items = (line, *notes) if notes else (line,)
    elif name in RECORDS and kind_of(parent_name) is not None:
        items = (_on_record(element, state),)
    else:
        if name == "GrpHdr":
            state.paging = paging(element)
        return ()
    state.context = parent
    element.clear()
    if parent is not None:
        parent.remove(element)
    return items


def iter_items(stream: BinaryIO, *, source: str, limit: int = MAX_BYTES) -> Iterator[Item]:
    """Lines, diagnostics and statements of a CAMT file, in file order; each record's
    lines come before the record's (line-less) ``Statement``.

    On broken XML right after the end tag of an entry or record (no text between), that
    element may not be read before the ``ParseError``; :func:`parse` reads such input
    again to report exactly what the element-by-element way reports."""
    return _items(stream, source=source, limit=limit, at_ends=False)


def _items(stream: BinaryIO, *, source: str, limit: int, at_ends: bool) -> Iterator[Item]:
    head = stream.read(PROLOG_BYTES)
    refuse_doctype(head, source=source)
    guarded = _Guarded(head, stream, limit=limit, source=source)
    state = _State(source=source)
    events = etree.iterparse(
        guarded,
        events=("end",) if at_ends else ("start",),
        tag=_WATCH,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        yield from (_walk_ends if at_ends else _walk)(events, state)
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc, state) from exc
    _finish(events, state)


def _syntax_error(exc: etree.XMLSyntaxError, state: _State) -> ParseError:
    line, column = exc.position if exc.position else (exc.lineno, None)
    message = (exc.msg or str(exc)).split(", line ")[0]
    return ParseError(
        f"broken XML: {message}",
        file=state.source,
        line=line or None,
        column=column or None,
        path=_ancestry(state.context) or None,
    )


def _finish(events: object, state: _State) -> None:
    root = getattr(events, "root", None)
    if state.kind is None and root is not None:
        state.start(root)
    if state.records == 0:
        record = state.kind.record if state.kind else "Stmt"
        raise ParseError(
            f"the document holds no {record} record",
            file=state.source,
            path=state.prefix or None,
            hint="a CAMT message has at least one statement, report or notification",
        )


def collect(items: Iterator[Item]) -> ParseResult:
    """Gather streamed items into statements with their lines (plus balance checks)."""
    statements: list[Statement] = []
    diagnostics: list[Diagnostic] = []
    lines: list[StatementLine] = []
    for item in items:
        if isinstance(item, StatementLine):
            lines.append(item)
        elif isinstance(item, Diagnostic):
            diagnostics.append(item)
        else:
            done = replace(item, lines=tuple(lines))
            lines = []
            statements.append(done)
            check = check_balance(done) if done.format == "camt053" else None
            if check is not None:  # pending and information-only entries are outside the booked balance
                booked, left_out = booked_lines(done)
                check = check_balance(booked) if left_out else check
            diagnostics.extend([check] if check else [])
    return ParseResult(statements=tuple(statements), diagnostics=tuple(diagnostics))


def parse(data: bytes, *, source: str) -> ParseResult:
    """Parse a whole CAMT document held in memory."""
    if len(data) > MAX_BYTES:
        raise ParseError(f"file is larger than {MAX_BYTES} bytes; refused", file=source)
    try:
        return collect(iter_items(io.BytesIO(data), source=source))
    except ParseError as error:
        if not isinstance(error.__cause__, etree.XMLSyntaxError):
            raise
    # Broken XML: read again at the elements' ends, so that the error reported (or an
    # error of an element just before the fault) is exactly the element-by-element one.
    return collect(_items(io.BytesIO(data), source=source, limit=MAX_BYTES, at_ends=True))
