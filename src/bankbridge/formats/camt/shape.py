"""The shape of an entry: its serialised markup with the texts taken out, read once.

Entries of one file come in a handful of layouts. :func:`shape_key` strips the texts
from an entry's serialisation (``etree.tostring``, which the reader makes anyway for
``raw``); entries with the same key have the same elements, attributes and order, so
the work of finding the fields (the :mod:`~bankbridge.formats.camt.flat` index) is
done once per key by :func:`plan`. A :class:`Plan` holds a regular expression that
matches exactly the serialisations of its shape (the markup literally, any text
between) and captures the texts the line needs, stripped, in one call.

libxml2's serialisation is regular: ``<`` and ``>`` appear only as markup (escaped in
text and attribute values), comments and processing instructions are dropped by the
parser, CDATA turned into text, and attributes double-quoted. A key that does not
read as plain start, end and empty tags gets no plan (the entry goes the element
way), so an unexpected serialisation costs speed, never correctness.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bankbridge.formats.camt.flat import SEPA_ID_PARTS, TRIE, Trie

_TEXT = re.compile(r">[^<]+<")
_START = re.compile(r'(?:[^\s/<>:"=]+:)?([^\s/<>:"=]+)((?:\s+[^\s/<>"=]+="[^"<>]*")*)\s*(/?)>')
_END = re.compile(r'/[^\s/<>"=]+\s*>')
_ATTR = re.compile(r'([^\s"=]+)="([^"]*)"')
_ESCAPE = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|lt|gt|amp|quot|apos);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_CAPTURE = "([^<]*+)"
"""A text, captured (possessive, as every part of the pattern: a text cannot hold ``<``,
so there is one way to match it and a failed match never backtracks)."""
_SKIP = "[^<]*+"
_END_TAG = "</[^>]*+>"
_ANY_TAG = "<[^>]*+>"
MAX_PLANS = 512
"""Shapes remembered (a file has a handful; beyond this, entries go the element way)."""
MAX_TAGS = 2000
"""Largest entry (in tags) given a plan; bigger ones go the element way."""
MAX_TXS = 16
"""Most transactions an entry given a plan may hold (larger batches go the element way:
their code would be long and their shapes seldom repeat)."""

ENTRY_PATHS = (
    "RvslInd",
    "Sts",
    "Sts/Cd",
    "AcctSvcrRef",
    "NtryRef",
    "AddtlNtryInf",
    "NtryDtls/Btch/PmtInfId",
    "Btch/PmtInfId",
    "NtryDtls/Btch/MsgId",
    "Btch/MsgId",
    "BkTxCd/Domn/Cd",
    "BkTxCd/Domn/Fmly/Cd",
    "BkTxCd/Domn/Fmly/SubFmlyCd",
    "BkTxCd/Prtry/Cd",
    "BkTxCd/Prtry/Issr",
)
"""Texts an entry reads directly (first element at the path), after its five slots of
amount, indicator, booking date, value date and ``NbOfTxs``."""
ENTRY_SLOTS = 5 + len(ENTRY_PATHS)
_NAMES = tuple(
    f"{party}/{name}"
    for party in ("Dbtr", "Cdtr", "UltmtDbtr", "UltmtCdtr")
    for name in ("Nm", "Pty/Nm", "Agt/FinInstnId/Nm", "Agt/FinInstnId/NmAndAdr/Nm")
)
TX_PATHS = (
    *(f"Refs/{name}" for name in ("MsgId", "AcctSvcrRef", "PmtInfId", "InstrId", "TxId", "UETR", "ChqNb", "ClrSysRef")),
    "Refs/EndToEndId",
    "Refs/MndtId",
    *(f"RltdPties/{name}" for name in _NAMES),
    *(f"RltdPties/{side}Acct/Id/{kind}" for side in ("Dbtr", "Cdtr") for kind in ("IBAN", "Othr/Id")),
    "RltdPties/Cdtr/Id/PrvtId/Othr/Id",
    "RltdPties/Cdtr/Pty/Id/PrvtId/Othr/Id",
    *(f"RltdPties/Cdtr/{pty}Id/OrgId/Othr/{name}" for pty in ("", "Pty/") for name in SEPA_ID_PARTS),
    *(f"RltdAgts/{side}Agt/FinInstnId/{kind}" for side in ("Dbtr", "Cdtr") for kind in ("BIC", "BICFI")),
    "RtrInf/Rsn/Cd",
    "RtrInf/Rsn/Prtry",
    "AddtlTxInf",
    "Purp/Cd",
    "BkTxCd/Domn/Cd",
    "BkTxCd/Domn/Fmly/Cd",
    "BkTxCd/Domn/Fmly/SubFmlyCd",
    "BkTxCd/Prtry/Cd",
    "BkTxCd/Prtry/Issr",
)
"""Texts a transaction (``TxDtls``) reads directly, after its four slots of amount,
indicator, structured reference and its issuer."""
TX_SLOTS = 4 + len(TX_PATHS)


def unescape(value: str) -> str:
    """Text as libxml2 serialised it → the text itself (``&amp;`` → ``&``, ``&#13;`` → CR)."""
    return _ESCAPE.sub(_char, value) if "&" in value else value


def _char(match: re.Match[str]) -> str:
    ref = match.group(1)
    if ref[0] != "#":
        return _NAMED[ref]
    return chr(int(ref[2:], 16) if ref[1] == "x" else int(ref[1:]))


def shape_key(raw: str) -> str:
    """The serialisation ``raw`` with every text run removed."""
    return _TEXT.sub("><", raw)


class _Node:
    """One element of a shape: local name, plain attributes, the piece of its text."""

    __slots__ = ("attrs", "children", "name", "pos", "text")

    def __init__(self, name: str, attrs: dict[str, str], text: int, pos: int) -> None:
        self.name, self.attrs, self.text, self.pos = name, attrs, text, pos
        self.children: list[_Node] = []


def _attrs(markup: str) -> dict[str, str]:
    """Attributes without a namespace (``Ccy``); prefixed ones and declarations are skipped."""
    return {name: unescape(value) for name, value in _ATTR.findall(markup) if ":" not in name and name != "xmlns"}


def _tree(key: str) -> tuple[_Node, list[str]] | None:
    """The element tree of a shape key and its markup tokens (``None``: not plain markup).

    A node's ``text`` is ``k + 1`` for the text after markup token ``k`` (0: none)."""
    tokens = key.split("<")
    if tokens[0]:
        return None
    stack: list[_Node] = []
    root: _Node | None = None
    for k, token in enumerate(tokens[1:]):
        if token.startswith("/"):
            if not stack or not _END.fullmatch(token):
                return None
            stack.pop()
            continue
        match = _START.fullmatch(token)
        if match is None or (root is not None and not stack):
            return None
        name, attributes, empty = match.groups()
        parent = stack[-1] if stack else None
        node = _Node(name, _attrs(attributes) if attributes else {}, 0 if empty else k + 1, 0)
        if parent is None:
            root = node
        else:
            node.pos = len(parent.children)
            parent.children.append(node)
        if not empty:
            stack.append(node)
    if root is None or stack:
        return None
    return root, tokens[1:]


@dataclass(slots=True)
class _Index:
    """:func:`bankbridge.formats.camt.flat.flatten` of a shape: first node per path, the
    nodes whose text is wanted, the ``Ustrd`` nodes and the stopped subtrees."""

    first: dict[str, _Node]
    texts: dict[str, int]
    ustrd: list[int]
    stopped: list[_Node]


def _index(root: _Node, stop: str) -> _Index:
    found = _Index({}, {}, [], [])
    _walk(root, TRIE, found, stop)
    return found


def _walk(node: _Node, trie: Trie, found: _Index, stop: str) -> None:
    """The walk of :func:`bankbridge.formats.camt.flat._walk`, over a shape."""
    for child in node.children:
        hit = trie.get(child.name)
        if hit is None:
            if child.name == stop:
                found.stopped.append(child)
            continue
        path, wants_text, below = hit
        new = path not in found.first
        if new:
            found.first[path] = child
        if wants_text:
            if new:
                found.texts[path] = child.text
            if child.name == "Ustrd":
                found.ustrd.append(child.text)
        if below:
            _walk(child, below, found, stop)


def _child(node: _Node | None, name: str) -> _Node | None:
    """The first child called ``name`` (as ``nodes.kids``)."""
    if node is None:
        return None
    return next((child for child in node.children if child.name == name), None)


def _text_of(node: _Node | None) -> int:
    return node.text if node is not None else 0


@dataclass(frozen=True, slots=True)
class TxPlan:
    """What one ``TxDtls`` of a shape holds beyond its slots."""

    amount: bool
    """It has an amount (``Amt``, else ``AmtDtls/TxAmt/Amt``, else ``AmtDtls/InstdAmt/Amt``)."""
    currency: str | None
    indicator: bool
    """Its ``CdtDbtInd`` decides its sign (there is a direct ``Amt`` too)."""
    ustrd: int
    """Number of ``RmtInf/Ustrd`` texts."""
    where: tuple[int, ...]
    """Child positions from the entry down to this ``TxDtls`` element."""


@dataclass(slots=True)
class Plan:
    """Where an entry of one shape finds its fields.

    ``regex`` full-matches the serialisations of the shape and captures the texts the
    line reads. The slots are :data:`ENTRY_SLOTS` texts, then :data:`TX_SLOTS` for each
    transaction, then the transactions' ``Ustrd`` texts; ``groups`` says which regex
    group holds each."""

    regex: re.Pattern[str]
    currency: str | None
    booking: bool
    value: bool
    count: bool
    txs: tuple[TxPlan, ...]
    groups: tuple[int | None, ...]
    """The regex group of each slot (``None``: the field is absent from the shape)."""
    build: Callable[..., Any] | None = None
    """The line maker compiled for this shape (set by the fast reader)."""


def _day(found: _Index, prefix: str) -> int | None:
    """The text of ``prefix/Dt`` (else ``DtTm``); 0 when there is no ``prefix``; ``None``
    when ``prefix`` has neither (an error the element way reports)."""
    for name in ("Dt", "DtTm"):
        node = found.first.get(f"{prefix}/{name}")
        if node is not None:
            return node.text
    return None if prefix in found.first else 0


def _tx_plan(node: _Node, where: tuple[int, ...]) -> tuple[TxPlan, list[int], list[int]] | None:
    found = _index(node, "")
    if "Chrgs" in found.first:
        return None
    amt = found.first.get("Amt")
    indicator = found.first.get("CdtDbtInd") if amt is not None else None
    for path in ("AmtDtls/TxAmt/Amt", "AmtDtls/InstdAmt/Amt"):
        amt = amt if amt is not None else found.first.get(path)
    info = found.first.get("RmtInf/Strd/CdtrRefInf")
    slots = [
        _text_of(amt),
        _text_of(indicator),
        _text_of(_child(info, "Ref")),
        _text_of(_child(_child(info, "Tp"), "Issr")),
        *(found.texts.get(path, 0) for path in TX_PATHS),
    ]
    tx = TxPlan(
        amount=amt is not None,
        currency=amt.attrs.get("Ccy") if amt is not None else None,
        indicator=indicator is not None,
        ustrd=len(found.ustrd),
        where=(*where, node.pos),
    )
    return tx, slots, found.ustrd


def _where(root: _Node, target: _Node) -> tuple[int, ...]:
    """Child positions from ``root`` down to the parent of ``target``."""
    trail: list[int] = []

    def seek(node: _Node) -> bool:
        for child in node.children:
            if child is target:
                return True
            trail.append(child.pos)
            if seek(child):
                return True
            trail.pop()
        return False

    seek(root)
    return tuple(trail)


def _regex(tokens: list[str], wanted: set[int]) -> re.Pattern[str]:
    """A pattern of the shape: start and empty tags literally (end tags only as end tags,
    their names follow from well-formedness; the entry's own start tag, whose namespace
    declarations are all it may differ in, as any tag); the text after token ``k``
    captured when ``k + 1`` is ``wanted``, else skipped."""
    parts = [_ANY_TAG]
    for k, token in enumerate(tokens[1:], start=1):
        parts.append(_CAPTURE if k in wanted else _SKIP)
        parts.append(_END_TAG if token.startswith("/") else "<" + re.escape(token))
    return re.compile("".join(parts))


def plan(key: str) -> Plan | None:
    """The plan of a shape key, or ``None`` when entries of this shape are read element
    by element: unusual markup, charges, or a shape the element way reports an error for
    (no amount, no indicator, a date without ``Dt``/``DtTm``)."""
    parsed = _tree(key) if key.count("<") <= MAX_TAGS else None
    if parsed is None:
        return None
    root, tokens = parsed
    found = _index(root, "TxDtls")
    if len(found.stopped) > MAX_TXS:
        return None
    amt, indicator = found.first.get("Amt"), found.first.get("CdtDbtInd")
    booking, value = _day(found, "BookgDt"), _day(found, "ValDt")
    if amt is None or indicator is None or booking is None or value is None or "Chrgs" in found.first:
        return None
    count = found.first.get("NtryDtls/Btch/NbOfTxs") or found.first.get("Btch/NbOfTxs")
    slots = [amt.text, indicator.text, booking, value, _text_of(count)]
    slots += [found.texts.get(path, 0) for path in ENTRY_PATHS]
    txs: list[TxPlan] = []
    ustrd: list[int] = []
    for node in found.stopped:
        planned = _tx_plan(node, _where(root, node))
        if planned is None:
            return None
        txs.append(planned[0])
        slots += planned[1]
        ustrd += planned[2]
    slots += ustrd
    wanted = sorted({slot for slot in slots if slot})
    group = {text: i for i, text in enumerate(wanted)}
    return Plan(
        regex=_regex(tokens, set(wanted)),
        currency=amt.attrs.get("Ccy"),
        booking="BookgDt" in found.first,
        value="ValDt" in found.first,
        count=count is not None,
        txs=tuple(txs),
        groups=tuple(group.get(slot) for slot in slots),
    )
