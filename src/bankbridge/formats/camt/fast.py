"""The fast way through one entry: its line read from the serialised text, by shape.

The reader serialises every entry anyway (``raw``). :func:`fast_entry` finds the
entry's shape (:mod:`bankbridge.formats.camt.shape`): a regular expression of the
shape matches the serialisation and captures the texts the line needs in one call.
The shape's compiled function (:mod:`bankbridge.formats.camt.compiled`) then makes
the same line and diagnostics as :func:`bankbridge.formats.camt.entry.entry`, field
for field. :func:`fast_entry` returns ``None`` whenever that function would say more
than a line: an amount, indicator, date or count it refuses, charges, a shape without
a plan. The reader then takes the element way, which gives the line or the exact
``ParseError``. Tests check that both ways give equal results.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from lxml import etree

from bankbridge.formats.camt.compiled import compile_line
from bankbridge.formats.camt.nodes import DATE, Element, calendar_day
from bankbridge.formats.camt.shape import MAX_PLANS, MAX_TAGS, Plan, plan, shape_key, unescape
from bankbridge.statements.model import Diagnostic, Source, StatementLine
from bankbridge.statements.twin import twin_of

_AMOUNT = re.compile(r"[0-9]+(?:\.[0-9]*)?")
"""Amounts taken as they are (others, such as ``+1`` or ``.5``, go the element way)."""
_PLANS: dict[str, Plan | None] = {}
"""Plans by shape key (``None``: the shape goes the element way), for every file; at
:data:`MAX_PLANS` it starts afresh."""
_NEW_SHAPES = 256
"""Shapes one file may add (a plan costs milliseconds; a file whose entries keep coming
in new shapes goes the element way beyond this)."""
_TRIES = 4
_NONE_TRIED: list[list[Any]] = []
"""Shapes of one tag count a file's entries try by regex before a shape key is made."""
_DAYS: dict[str, date] = {}
_MAX_DAYS = 4096
TWINS = (twin_of(StatementLine), twin_of(Source))
ENABLED = True
"""Off: every entry goes the element way (tests compare the two)."""


def _day(text: str) -> date | None:
    """The date of a date text (as :meth:`Where.day`), ``None`` where that would fail."""
    day = _DAYS.get(text)
    if day is None:
        if not DATE.match(text):
            return None
        try:
            day = calendar_day(text)
        except (ValueError, OverflowError):
            return None
        if len(_DAYS) < _MAX_DAYS:
            _DAYS[text] = day
    return day


def _plan(key: str) -> Plan | None:
    shape = _PLANS.get(key)
    if shape is None and key not in _PLANS:
        if len(_PLANS) >= MAX_PLANS:
            _PLANS.clear()
        shape = plan(key)
        if shape is not None:
            shape.build = compile_line(shape, twins=TWINS, day=_day, days=_DAYS, amount_ok=_AMOUNT.fullmatch)
        _PLANS[key] = shape
    return shape


class Shapes:
    """The shapes of one file's entries by their number of tags (a ``count`` of the text
    picks the few worth a regex try before a shape key is made); in each group the most
    used first."""

    __slots__ = ("by_tags", "new")

    def __init__(self) -> None:
        self.by_tags: dict[int, list[list[Any]]] = {}
        """Number of tags → ``[plan, hits]`` pairs."""
        self.new = 0
        """Shapes this file has looked up by key."""

    def match(self, raw: str) -> tuple[Plan, tuple[str, ...]] | None:
        """The plan of ``raw``'s shape and the texts it captures (``None``: no plan)."""
        tags = raw.count("<")
        tried = self.by_tags.get(tags, _NONE_TRIED)
        if tried:
            pair = tried[0]
            match = pair[0].regex.fullmatch(raw)
            if match is not None:
                pair[1] += 1
                return pair[0], match.groups()
        for i, pair in enumerate(tried[1:], start=1):
            match = pair[0].regex.fullmatch(raw)
            if match is not None:
                pair[1] += 1
                if i and pair[1] > tried[i - 1][1]:
                    tried[i - 1], tried[i] = pair, tried[i - 1]
                return pair[0], match.groups()
        if tags > MAX_TAGS or self.new >= _NEW_SHAPES:
            return None
        self.new += 1
        shape = _plan(shape_key(raw))
        match = shape.regex.fullmatch(raw) if shape is not None else None
        if shape is None or match is None:
            return None
        tried = self.by_tags.setdefault(tags, [])
        if len(tried) < _TRIES:
            tried.append([shape, 1])
        else:  # the least used one makes room
            tried[-1] = [shape, 1]
        return shape, match.groups()


def fast_entry(
    ntry: Element, shapes: Shapes, file: str, path: str, line: int | None
) -> tuple[StatementLine, tuple[Diagnostic, ...]] | None:
    """The line of the ``Ntry`` at ``path`` (source ``line``) and its diagnostics, as
    ``entry.entry`` gives them, or ``None`` when the entry must go the element way."""
    if not ENABLED:
        return None
    raw = etree.tostring(ntry, encoding="unicode", with_tail=False)
    found = shapes.match(raw)
    if found is None:
        return None
    shape, texts = found
    texts = tuple(unescape(text).strip() for text in texts) if "&" in raw else tuple(map(str.strip, texts))
    build: Callable[..., tuple[StatementLine, tuple[Diagnostic, ...]] | None] = shape.build  # type: ignore[assignment]
    return build(texts, raw, file, path, line, ntry)
