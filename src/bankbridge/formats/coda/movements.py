"""CODA movements: records 2.1-2.3 plus their information records 3.1-3.3 → statement lines.

A movement starts at a record 2.1; records 2.2/2.3 continue it (same sequence and detail
number) and information records 3.x that follow belong to it. Detail movements (detail
number other than ``0000``) become the ``items`` of the movement with the same sequence
number and detail ``0000`` (a globalised total): the line keeps the total, its items the
single transactions. Transaction type ``9`` (detail of a ``7``) nests under the ``7``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bankbridge.formats.coda import communication as comm
from bankbridge.formats.coda.records import Record, trim
from bankbridge.identifiers.iban import compact, looks_like_iban
from bankbridge.statements.model import Diagnostic, Source, StatementLine

NOT_PROVIDED = "NOTPROVIDED"


@dataclass(slots=True)
class Movement:
    """The records of one movement while they are being collected (a private builder)."""

    first: Record
    parts: list[Record] = field(default_factory=list)
    info: list[Record] = field(default_factory=list)

    @property
    def sequence(self) -> str:
        return self.first.cut(3, 6)

    @property
    def detail(self) -> str:
        return self.first.cut(7, 10)

    def part(self, kind: str) -> Record | None:
        return next((r for r in self.parts if r.kind == kind), None)

    def records(self) -> list[Record]:
        return [self.first, *self.parts, *self.info]


def _communication(m: Movement) -> comm.Communication:
    r22, r23 = m.part("22"), m.part("23")
    text = m.first.cut(63, 115)
    text += r22.cut(11, 63) if r22 else " " * 53
    text += r23.cut(83, 115) if r23 else ""
    return comm.movement(m.first.cut(62, 62) == "1", text)


def _information(m: Movement) -> comm.Information:
    """The information records: each 3.1 starts a communication that 3.2/3.3 continue."""
    groups: list[tuple[bool, str]] = []
    for record in m.info:
        if record.kind == "31":
            groups.append((record.cut(40, 40) == "1", record.cut(41, 113)))
            continue
        structured, text = groups.pop() if groups else (False, "")
        groups.append((structured, text + record.cut(11, 115 if record.kind == "32" else 100)))
    decoded = [comm.information(structured, text) for structured, text in groups]
    texts = [d.text for d in decoded if d.text]
    return comm.Information(
        text=" / ".join(texts) or None,
        counterparty_name=next((d.counterparty_name for d in decoded if d.counterparty_name), None),
        counterparty_address=next((d.counterparty_address for d in decoded if d.counterparty_address), None),
    )


def _counterparty(m: Movement) -> tuple[str | None, str | None, str | None]:
    """(account, BIC, name) from records 2.2 and 2.3."""
    r22, r23 = m.part("22"), m.part("23")
    bic = r22.strip(99, 109) if r22 else None
    if r23 is None:
        return None, bic, None
    raw = r23.strip(11, 44)
    account = raw.split()[0] if raw else None
    if account and looks_like_iban(account):
        account = compact(account)
    return account, bic, r23.strip(48, 82)


def _extra(m: Movement, found: comm.Communication, info: comm.Information) -> list[tuple[str, str]]:
    extra = [("transaction_type", m.first.cut(54, 54)), ("globalisation", m.first.cut(125, 125))]
    extra += list(found.extra)
    r22 = m.part("22")
    if r22:
        for name, start, end in (
            ("r_transaction", 113, 113),
            ("category_purpose", 118, 121),
            ("purpose", 122, 125),
        ):
            value = r22.strip(start, end)
            if value:
                extra.append((name, value))
    if info.text:
        extra.append(("information", info.text))
    if info.counterparty_address:
        extra.append(("counterparty_address", info.counterparty_address))
    return extra


def build_line(m: Movement, *, currency: str | None) -> tuple[StatementLine, list[Diagnostic]]:
    """The statement line of one movement (without its detail items)."""
    first = m.first
    found = _communication(m)
    info = _information(m)
    account, bic, name = _counterparty(m)
    r22 = m.part("22")
    customer_ref = r22.strip(64, 98) if r22 else None
    if customer_ref and customer_ref.replace(" ", "").upper() == NOT_PROVIDED:
        customer_ref = None  # the SEPA filler for "no end-to-end id" (as in CAMT and MT940)
    source = Source(file=first.source, line=first.line)
    line = StatementLine(
        amount=trim(first.amount("amount", 32, 33, 47), currency),
        booking_date=first.date("entry date", 116, 121),
        value_date=first.date("value date", 48, 53),
        currency=currency,
        counterparty_iban=account,
        counterparty_bic=bic,
        counterparty_name=name or info.counterparty_name,
        bank_reference=first.strip(11, 31),
        customer_reference=customer_ref,
        end_to_end_id=customer_ref,
        mandate_id=found.mandate_id,
        creditor_id=found.creditor_id,
        payment_reference=found.payment_reference,
        payment_reference_type="BBA" if found.payment_reference else None,
        description=found.description,
        bank_code=first.digits("transaction code", 54, 61),
        return_reason=r22.strip(114, 117) if r22 else None,
        detail_lines=tuple(r.text.rstrip() for r in [*m.parts, *m.info]),
        extra=tuple(_extra(m, found, info)),
        raw="\n".join(r.text for r in m.records()),
        source=source,
    )
    diagnostics = []
    if found.invalid_reference:
        diagnostics.append(Diagnostic("invalid_reference", found.invalid_reference, source))
    return line, diagnostics


@dataclass(slots=True)
class _Node:
    """A line and the detail lines under it, while nesting (a private builder)."""

    line: StatementLine
    kind: str
    sequence: str
    children: list[_Node] = field(default_factory=list)

    def freeze(self) -> StatementLine:
        if not self.children:
            return self.line
        return replace(self.line, items=tuple(child.freeze() for child in self.children))


def nest(
    lines: list[tuple[Movement, StatementLine]],
) -> tuple[list[StatementLine], list[Diagnostic]]:
    """Put detail movements into the ``items`` of their globalised movement."""
    roots: list[_Node] = []
    diagnostics: list[Diagnostic] = []
    for m, line in lines:
        node = _Node(line, m.first.cut(54, 54), m.sequence)
        parent = roots[-1] if roots else None
        if m.detail == "0000" or parent is None or parent.sequence != m.sequence:
            if m.detail != "0000":
                diagnostics.append(
                    Diagnostic(
                        "orphan_detail",
                        f"detail movement {m.sequence}/{m.detail} has no movement "
                        f"{m.sequence}/0000 before it; kept as a line of its own",
                        line.source,
                    )
                )
            roots.append(node)
            continue
        last = parent.children[-1] if parent.children else None
        host = last if node.kind == "9" and last is not None and last.kind == "7" else parent
        host.children.append(node)
    return [node.freeze() for node in roots], diagnostics
