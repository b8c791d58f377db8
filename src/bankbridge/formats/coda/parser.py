"""CODA files → statements: records 0 … 9, one statement per record 1 … record 8.

The file is read record by record: record 0 opens a file block, record 1 a statement
(old balance, account), records 2.x/3.x add movements, record 4 free statement-level
text, record 8 closes the statement (new balance) and record 9 the block (counts and
totals, checked). Broken records raise a :class:`ParseError`; things that do not add up
(trailer totals, balances, OGM check digits) become diagnostics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from bankbridge.errors import ParseError
from bankbridge.formats.coda import movements as mv
from bankbridge.formats.coda.records import Record, read_records, split_unbroken, trim
from bankbridge.formats.text import decode, split_lines
from bankbridge.identifiers.iban import compact
from bankbridge.money import format_amount
from bankbridge.statements.checks import check_balance
from bankbridge.statements.model import (
    Balance,
    Diagnostic,
    ParseResult,
    Source,
    Statement,
    StatementLine,
)


@dataclass(slots=True)
class _Open:
    """A statement while its records are collected (a private builder)."""

    header: Record
    first: Record
    moves: list[mv.Movement] = field(default_factory=list)
    texts: list[Record] = field(default_factory=list)
    last: Record | None = None


@dataclass(slots=True)
class _Reader:
    """The state of one pass over the records."""

    source: str
    header: Record | None = None
    current: _Open | None = None
    block: list[Record] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def note(self, code: str, message: str, record: Record) -> None:
        self.diagnostics.append(Diagnostic(code, message, Source(self.source, record.line)))


def _account_at(record: Record, structure: str, at: int) -> tuple[str | None, int]:
    """(account or ``None``, position of the currency) in the 37-character account field."""
    if structure == "0":
        return record.strip(at, at + 11), at + 13
    account = record.strip(at, at + (30 if structure == "2" else 33))
    return (compact(account) if account else None), at + 34


def _account(record: Record, structure: str, at: int) -> tuple[str, str]:
    """(account, currency) of the 37-character account field starting at ``at``."""
    account, currency_at = _account_at(record, structure, at)
    if not account:
        raise record.error("account", at, at + 36, "is blank")
    currency = record.cut(currency_at, currency_at + 2)
    if not (currency.isascii() and currency.isalpha() and currency.isupper()):
        raise record.error("currency", currency_at, currency_at + 2, "is not an ISO 4217 code")
    return account, currency


def _balance(record: Record, *, sign_at: int, date_at: int, kind: str, currency: str) -> Balance | None:
    amount = record.amount(f"{kind} balance", sign_at, sign_at + 1, sign_at + 15)
    when = record.date(f"{kind} balance date", date_at, date_at + 5)
    if when is None:
        return None
    code = "OPBD" if kind == "old" else "CLBD"
    return Balance(date=when, amount=trim(amount, currency), currency=currency, kind=code)


def _lines(state: _Reader, moves: list[mv.Movement], currency: str) -> list[StatementLine]:
    built = []
    for m in moves:
        line, found = mv.build_line(m, currency=currency)
        state.diagnostics.extend(found)
        built.append((m, line))
    lines, found = mv.nest(built)
    state.diagnostics.extend(found)
    return lines


def _finish(state: _Reader, at: Record) -> None:
    """Turn the open statement into a :class:`Statement`."""
    st = state.current
    if st is None:
        return
    state.current = None
    if st.last is None:
        raise ParseError(
            "statement has no record 8 (new balance) before this record",
            file=state.source,
            line=at.line,
            path=f"record {at.kind}",
            hint=f"the statement starts at line {st.first.line}",
        )
    r0, r1, r8 = st.header, st.first, st.last
    structure = r1.cut(2, 2)
    if structure not in ("0", "1", "2", "3"):
        raise r1.error("account structure", 2, 2, "must be 0, 1, 2 or 3")
    account, currency = _account(r1, structure, 6)
    created = r0.date("creation date", 6, 11)
    # the paper statement number, or the CODA sequence number when the bank leaves it 000
    paper = r1.strip(3, 5)
    paper = paper if paper and paper.strip("0") else r1.strip(126, 128)
    statement = Statement(
        format="coda",
        account=account,
        currency=currency,
        lines=tuple(_lines(state, st.moves, currency)),
        account_bic=r0.strip(61, 71),
        account_name=r1.strip(65, 90),
        statement_number=paper,
        sequence=r1.strip(126, 128),
        statement_id=f"{created.year}/{paper}" if created and paper else paper,
        created=created,
        opening_balance=_balance(r1, sign_at=43, date_at=59, kind="old", currency=currency),
        closing_balance=_balance(r8, sign_at=42, date_at=58, kind="new", currency=currency),
        information=" ".join(t for t in (r.strip(33, 112) for r in st.texts) if t) or None,
        raw="\n".join(r.text for r in [r1, r8]),
        source=Source(state.source, r1.line),
    )
    for record, balance in ((r1, statement.opening_balance), (r8, statement.closing_balance)):
        if balance is None:
            what = "old" if record is r1 else "new"
            state.note("balance_without_date", f"the {what} balance has no date; left out", record)
    mismatch = check_balance(statement)
    if mismatch:
        state.diagnostics.append(mismatch)
    closing_account, _ = _account_at(r8, structure, 5)
    if closing_account != account:
        message = f"record 8 names account {closing_account}, record 1 names {account}"
        state.note("account_mismatch", message, r8)
    state.statements.append(statement)


def _check_trailer(state: _Reader, r9: Record) -> None:
    """Record 9: number of records 1/2.x/3.x/8 and the debit/credit totals of the block."""
    counted = [r for r in state.block if r.kind[0] in "1238"]
    totals = [Decimal(0), Decimal(0)]
    for r in state.block:
        if r.kind == "21" and r.cut(7, 10) == "0000":
            amount = r.amount("amount", 32, 33, 47)
            totals[amount > 0] += abs(amount)
    expected = r9.number("number of records", 17, 22)
    debit = Decimal(r9.number("total debit", 23, 37)).scaleb(-3)
    credit = Decimal(r9.number("total credit", 38, 52)).scaleb(-3)
    if expected != len(counted):
        message = f"record 9 counts {expected} records, the file has {len(counted)}"
        state.note("trailer_mismatch", message, r9)
    for name, want, got in (("debit", debit, totals[0]), ("credit", credit, totals[1])):
        if want != got:
            state.note(
                "trailer_mismatch",
                f"record 9 total {name} {format_amount(want)} != movements {format_amount(got)}",
                r9,
            )


def _outside(record: Record, what: str) -> ParseError:
    return ParseError(
        f"{what} outside a statement (no record 1 before it)",
        file=record.source,
        line=record.line,
        path=f"record {record.kind}",
    )


def _header(state: _Reader, r: Record) -> None:
    if state.current is not None:
        _finish(state, r)
    version = r.cut(128, 128)
    if version != "2":
        raise r.error("version code", 128, 128, "is not 2; only CODA 2.x is supported")
    r.date("creation date", 6, 11)
    state.header, state.block = r, []


def _opening(state: _Reader, r: Record) -> None:
    if state.header is None:
        raise ParseError("record 1 before any record 0", file=state.source, line=r.line, path="record 1")
    if state.current is not None:
        _finish(state, r)
    state.current = _Open(header=state.header, first=r)


def _movement_part(state: _Reader, r: Record) -> None:
    st = state.current
    if st is None or st.last is not None:
        raise _outside(r, "movement record")
    if r.kind == "21":
        st.moves.append(mv.Movement(first=r))
        return
    if not st.moves:
        raise ParseError(
            f"record {r.kind} without a record 21 before it",
            file=state.source,
            line=r.line,
            path=f"record {r.kind}",
        )
    move = st.moves[-1]
    # 2.2/2.3 repeat the numbers of their 2.1; banks number 3.x details on their own.
    width = 10 if r.kind[0] == "2" else 6
    if r.cut(3, width) != move.first.cut(3, width):
        state.note(
            "record_order",
            f"record {r.kind} numbered {r.cut(3, 6)}/{r.cut(7, 10)} follows movement "
            f"{move.sequence}/{move.detail}; read as part of it",
            r,
        )
    (move.parts if r.kind[0] == "2" else move.info).append(r)


def _closing(state: _Reader, r: Record) -> None:
    st = state.current
    if st is None or st.last is not None:
        raise _outside(r, "record 8")
    st.last = r


def _free_text(state: _Reader, r: Record) -> None:
    if state.current is None:
        state.note("free_text_outside_statement", "record 4 outside a statement; ignored", r)
        return
    state.current.texts.append(r)


def _trailer(state: _Reader, r: Record) -> None:
    if state.header is None:
        raise ParseError("record 9 before any record 0", file=state.source, line=r.line, path="record 9")
    _finish(state, r)
    _check_trailer(state, r)
    state.header, state.block = None, []


_STEPS = {
    "0": _header,
    "1": _opening,
    "21": _movement_part,
    "22": _movement_part,
    "23": _movement_part,
    "31": _movement_part,
    "32": _movement_part,
    "33": _movement_part,
    "4": _free_text,
    "8": _closing,
    "9": _trailer,
}


def parse(data: bytes, *, source: str) -> ParseResult:
    """Read a CODA file's bytes into statements plus diagnostics."""
    lines = split_lines(decode(data))
    if sum(1 for line in lines if line.strip(" \t\x1a\x00")) == 1:
        lines = split_unbroken(lines)
    records = read_records(lines, source=source)
    if not records:
        raise ParseError("file is empty: no CODA records", file=source)
    if records[0].kind != "0":
        raise ParseError("a CODA file starts with record 0", file=source, line=records[0].line)
    state = _Reader(source=source)
    for record in records:
        state.block.append(record)
        _STEPS[record.kind](state, record)
    last = records[-1]
    if state.current is not None:
        _finish(state, last)
    if state.header is not None:
        state.note("no_trailer", "the file ends without record 9 (trailer)", last)
    return ParseResult(tuple(state.statements), tuple(state.diagnostics))
