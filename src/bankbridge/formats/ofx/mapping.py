"""OFX element tree → statements: bank (``STMTRS``) and credit-card (``CCSTMTRS``) statements.

Field mapping (see ``docs/formats/ofx.md``): ``BANKACCTFROM``/``CCACCTFROM`` ``ACCTID`` →
account, ``CURDEF`` → currency, ``LEDGERBAL`` → closing balance, ``AVAILBAL`` → other
balances, every ``STMTTRN`` of every ``BANKTRANLIST`` → a line (``FITID`` bank reference,
``TRNTYPE`` bank code, ``NAME``/``PAYEE`` counterparty, ``MEMO`` description,
``DTPOSTED`` booking date, ``DTAVAIL`` value date, ``CHECKNUM``/``REFNUM``/``SIC`` kept as
extra fields). OFX has no opening balance: it stays ``None``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import unescape

from bankbridge.errors import InputError, ParseError
from bankbridge.formats.ofx.markup import Document
from bankbridge.identifiers import iban
from bankbridge.money import parse_decimal
from bankbridge.statements.model import Balance, Diagnostic, Source, Statement, StatementLine

_ENTITIES = {"&apos;": "'", "&quot;": '"'}
_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_STATEMENTS = ("STMTRS", "CCSTMTRS")
_EXTRA = ("CHECKNUM", "REFNUM", "SIC", "SRVRTID", "CORRECTFITID", "CORRECTACTION", "DTUSER")


@dataclass(frozen=True, slots=True)
class _Context:
    source: str
    path: str
    line: int | None
    markup: str = ""
    """The element's markup: a bad field's own line is found in it."""

    def error(self, field_name: str, message: str) -> ParseError:
        line = self.line
        at = self.markup.find(f"<{field_name.rsplit('/', 1)[-1]}>")
        if line is not None and at >= 0:
            line += self.markup.count("\n", 0, at)
        return ParseError(message, file=self.source, line=line, path=self.path, field=field_name)


@dataclass(slots=True)
class _Where:
    """Locates an element in the text (line and raw markup) and names its path."""

    doc: Document
    source: str
    parents: dict[ET.Element, ET.Element] = field(default_factory=dict)
    starts: dict[str, list[int]] = field(default_factory=dict)
    index: dict[ET.Element, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.parents = {child: parent for parent in self.doc.root.iter() for child in parent}

    def path(self, element: ET.Element) -> str:
        tags = [element.tag]
        while element in self.parents:
            element = self.parents[element]
            tags.append(element.tag)
        return "/".join(reversed(tags))

    def find(self, element: ET.Element) -> tuple[int | None, str]:
        """(line, markup) of ``element``: the n-th ``<TAG>`` of the text is the n-th in the tree."""
        tag = element.tag
        if tag not in self.starts:
            pattern = f"<{re.escape(tag)}>"
            self.starts[tag] = [m.start() for m in re.finditer(pattern, self.doc.text)]
            self.index.update((e, i) for i, e in enumerate(self.doc.root.iter(tag)))
        index = self.index[element]
        starts = self.starts[tag]
        if index >= len(starts):
            return None, ""
        start = starts[index]
        end = self.doc.text.find(f"</{tag}>", start)
        end = len(self.doc.text) if end < 0 else end + len(tag) + 3
        return self.doc.line(start), self.doc.text[start:end].strip()

    def context(self, element: ET.Element) -> _Context:
        line, markup = self.find(element)
        return _Context(self.source, self.path(element), line, markup)


def _text(element: ET.Element | None, tag: str) -> str | None:
    """The text of a child element, entities (``&amp;`` …) resolved; ``None`` when empty."""
    found = element.find(tag) if element is not None else None
    value = (found.text or "").strip() if found is not None else ""
    return unescape(value, _ENTITIES) or None


def _date(ctx: _Context, value: str | None, name: str) -> date:
    if value is None:
        raise ctx.error(name, "is missing")
    match = _DATE.match(value)
    try:
        if match is None:
            raise ValueError(value)
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ctx.error(name, f"{value!r} is not a date (YYYYMMDD…)") from None


def _amount(ctx: _Context, value: str | None, name: str) -> Decimal:
    if value is None:
        raise ctx.error(name, "is missing")
    comma = "," in value and "." not in value
    try:
        return parse_decimal(value, comma=comma)
    except InputError:
        raise ctx.error(name, f"{value!r} is not an amount") from None


def _account(value: str) -> str:
    text = value.strip()
    return iban.compact(text) if iban.looks_like_iban(text) and iban.is_valid(text) else text


def _line(ctx: _Context, trn: ET.Element, *, currency: str, raw: str) -> StatementLine:
    payee = trn.find("PAYEE")
    to = trn.find("BANKACCTTO")
    if to is None:
        to = trn.find("CCACCTTO")
    to_account = _text(to, "ACCTID")
    extra = tuple((tag, value) for tag in _EXTRA if (value := _text(trn, tag)))
    return StatementLine(
        amount=_amount(ctx, _text(trn, "TRNAMT"), "TRNAMT"),
        booking_date=_date(ctx, _text(trn, "DTPOSTED"), "DTPOSTED"),
        value_date=_date(ctx, avail, "DTAVAIL") if (avail := _text(trn, "DTAVAIL")) else None,
        currency=_text(trn.find("CURRENCY"), "CURSYM") or currency,
        counterparty_iban=_account(to_account) if to_account else None,
        counterparty_name=_text(trn, "NAME") or _text(payee, "NAME"),
        bank_reference=_text(trn, "FITID"),
        description=_text(trn, "MEMO"),
        bank_code=_text(trn, "TRNTYPE"),
        extra=extra,
        raw=raw,
        source=Source(ctx.source, ctx.line, ctx.path),
    )


def _balance(where: _Where, rs: ET.Element, tag: str, *, currency: str, notes: list[Diagnostic]) -> Balance | None:
    aggregate = rs.find(tag)
    if aggregate is None:
        return None
    ctx = where.context(aggregate)
    amount = _text(aggregate, "BALAMT")
    if amount is None:
        source = Source(ctx.source, ctx.line, ctx.path)
        notes.append(Diagnostic("empty_balance", f"{tag} has an empty BALAMT; left out", source))
        return None
    return Balance(
        date=_date(ctx, _text(aggregate, "DTASOF"), "DTASOF"),
        amount=_amount(ctx, amount, "BALAMT"),
        currency=currency,
        kind="CLBD" if tag == "LEDGERBAL" else "CLAV",
    )


def _statement(where: _Where, rs: ET.Element, notes: list[Diagnostic]) -> Statement:
    source = where.source
    ctx = where.context(rs)
    currency = _text(rs, "CURDEF")
    if currency is None:
        raise ctx.error("CURDEF", "is missing: the statement has no currency")
    account_tag = "BANKACCTFROM" if rs.tag == "STMTRS" else "CCACCTFROM"
    account = _text(rs.find(account_tag), "ACCTID")
    if account is None:
        raise ctx.error(f"{account_tag}/ACCTID", "is missing: the statement has no account")
    lines = []
    for trn in rs.iterfind("BANKTRANLIST/STMTTRN"):
        line, raw = where.find(trn)
        trn_ctx = _Context(source, where.path(trn), line, raw)
        lines.append(_line(trn_ctx, trn, currency=currency, raw=raw))
    available = _balance(where, rs, "AVAILBAL", currency=currency, notes=notes)
    return Statement(
        format="ofx",
        account=_account(account),
        currency=currency,
        lines=tuple(lines),
        closing_balance=_balance(where, rs, "LEDGERBAL", currency=currency, notes=notes),
        other_balances=(available,) if available else (),
        raw=where.find(rs)[1],
        source=Source(source, ctx.line, ctx.path),
    )


def _refusals(where: _Where) -> list[tuple[int | None, str]]:
    """What the bank said instead of a statement (``STATUS`` with severity ``ERROR``)."""
    out = []
    for status in where.doc.root.iter("STATUS"):
        if _text(status, "SEVERITY") == "ERROR":
            message = _text(status, "MESSAGE") or "no message"
            line, _ = where.find(status)
            out.append((line, f"the bank reported error {_text(status, 'CODE')} ({message})"))
    return out


def statements(doc: Document, *, source: str) -> tuple[list[Statement], list[Diagnostic]]:
    """Every bank and credit-card statement of the document, plus diagnostics."""
    where = _Where(doc, source)
    notes: list[Diagnostic] = []
    found = []
    for rs in doc.root.iter():
        if rs.tag in _STATEMENTS:
            found.append(_statement(where, rs, notes))
    refusals = _refusals(where)
    if not found:
        if doc.root.find(".//INVSTMTRS") is not None:
            raise ParseError(
                "holds an investment statement (INVSTMTRS); bankbridge reads bank and credit-card statements only",
                file=source,
            )
        if refusals:
            line, reason = refusals[0]
            raise ParseError(f"{reason} instead of a statement", file=source, line=line)
        raise ParseError("holds no bank or credit-card statement (STMTRS/CCSTMTRS)", file=source)
    notes.extend(Diagnostic("bank_error", text, Source(source, line)) for line, text in refusals)
    return found, notes
