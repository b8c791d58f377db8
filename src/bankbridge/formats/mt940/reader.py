"""Assemble statements from MT940/MT942 fields, one at a time (a generator).

A statement starts at each ``:20:`` (and at an opening balance that follows a closing
one, for banks that do not repeat ``:20:``). Only the statement being read is held: each entry
becomes a ``StatementLine`` as soon as its ``:86:`` lines are complete, and each
statement is yielded when the next one starts. A ``:86:`` right after a ``:61:`` (or
after another ``:86:`` of it: old Rabobank files repeat the tag) belongs to that entry;
a ``:86:`` after a balance is statement-level information.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from bankbridge.errors import ParseError
from bankbridge.formats.mt940.dialects import Dialect, choose
from bankbridge.formats.mt940.dialects.rabobank import RabobankDialect
from bankbridge.formats.mt940.fastline import RUN, rabobank_line
from bankbridge.formats.mt940.fields import (
    DIGITS,
    Entry,
    FieldError,
    account_id,
    decimals,
    looks_like_iban,
    new_entry,
    parse_61,
    parse_balance,
    parse_number,
    parse_yymmdd,
)
from bankbridge.formats.mt940.tokens import (
    COMMON_ENTRY,
    ENTRY,
    RUN_ENTRY,
    EndOfMessage,
    Field,
    Header,
    Noise,
    Token,
    Tokenizer,
)
from bankbridge.statements.checks import check_balance
from bankbridge.statements.model import Balance, Diagnostic, Source, Statement, StatementLine

_BALANCE_TAGS = frozenset({"60F", "60M", "62F", "62M", "64", "65"})
_MT942_TAGS = frozenset({"34F", "90C", "90D"})


@dataclass(slots=True)
class _Draft:
    """A statement while it is being read."""

    line: int
    reference: str = ""
    account: str | None = None
    number: str | None = None
    sequence: str | None = None
    currency: str | None = None
    opening: Balance | None = None
    closing: Balance | None = None
    others: list[Balance] = field(default_factory=list)
    lines: list[StatementLine] = field(default_factory=list)
    information: list[str] = field(default_factory=list)
    mt942: bool = False
    created: date | None = None
    dialect: Dialect | None = None
    entry: Entry | None = None


def _blocks(lines: Iterable[str], size: int = 4096) -> Iterator[str]:
    """Lines as text blocks for :meth:`Reader.read`."""
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) == size:
            yield "\n".join(chunk) + "\n"
            chunk = []
    if chunk:
        yield "\n".join(chunk) + "\n"


def _without_trailing_blanks(lines: tuple[str, ...]) -> tuple[str, ...]:
    end = len(lines)
    while end > 1 and not lines[end - 1].strip():
        end -= 1
    return lines[:end]


class Reader:
    """Turns the lines of one file into statements, collecting diagnostics on the way."""

    def __init__(self, *, source: str, fast: bool = True) -> None:
        self.source = source
        self.fast = fast  # False: every line through the tokenizer (tests compare both ways)
        self.diagnostics: list[Diagnostic] = []
        self._headers: list[str] = []
        self._ended = False  # a message ended: the next header line starts a new message's headers
        self._clamped: list[str] = []

    def statements(self, lines: Iterable[str]) -> Iterator[Statement]:
        """The statements of ``lines`` (text lines without line endings), in file order."""
        return self.read(_blocks(lines))

    def read(self, blocks: Iterable[str]) -> Iterator[Statement]:  # noqa: C901, PLR0912 - the hot loop, kept flat
        """The statements of text ``blocks`` (whole lines with LF endings, as
        ``format.text_block`` makes them), in file order.

        A regular entry (``:61:`` and its ``:86:`` of plain lines, followed by a field
        that ends it) is read with one match of :data:`ENTRY`; every other line goes
        through the :class:`Tokenizer`, which would give the same fields for the entry.
        """
        draft: _Draft | None = None
        tokenizer = Tokenizer()
        number = 0  # lines read so far
        common, entry = COMMON_ENTRY.match, ENTRY.match
        fast = self.fast
        for block in blocks:
            pos, size = 0, len(block)
            while pos < size:
                if draft is not None and fast and block.startswith(":61:", pos):
                    match = common(block, pos) or entry(block, pos)
                    if match is not None:
                        if tokenizer.tag is not None and (pending := tokenizer.flush()) is not None:
                            draft, statement = self._take(draft, pending)
                            if statement is not None:
                                yield statement
                        if draft is not None:
                            after, number = self._entries(draft, match, block, pos, number)
                            if after != pos:
                                pos = after
                                continue
                end = block.find("\n", pos)
                if end < 0:
                    end = size
                number += 1
                for token in tokenizer.feed(block[pos:end], number):
                    draft, statement = self._take(draft, token)
                    if statement is not None:
                        yield statement
                pos = end + 1
        pending = tokenizer.flush()
        if pending is not None:
            draft, statement = self._take(draft, pending)
            if statement is not None:
                yield statement
        if draft is not None and (statement := self._finish(draft)):
            yield statement

    def _take(self, draft: _Draft | None, token: Token) -> tuple[_Draft | None, Statement | None]:
        """Read one token: (the statement now being read, a statement just completed)."""
        statement = None
        if isinstance(token, Field):
            if draft is None or self._starts_statement(draft, token.tag):
                if draft is not None:
                    statement = self._finish(draft)
                draft = self._next_draft(draft, token)
            self._read_field(draft, token)
        elif isinstance(token, Header):
            if self._ended:  # a file may hold messages of several banks
                self._headers, self._ended = [], False
            if len(self._headers) < 8:
                self._headers.append(token.text)
        elif isinstance(token, Noise):
            text = token.text[:40]
            message = f"text outside any statement ignored: {text!r}"
            self._note("ignored_text", message, token.line)
        elif isinstance(token, EndOfMessage):
            self._ended = True
            if draft is not None:
                self._end_entry(draft)
                self._dialect(draft)  # by this message's headers
        return draft, statement

    def _entries(self, draft: _Draft, match: re.Match[str], block: str, pos: int, number: int) -> tuple[int, int]:
        """Read the regular entries at ``pos`` of ``block`` (``match``: the first; ``number``:
        the lines read so far); (position, lines read) after them (``pos``: none read, the
        first is to be read line by line)."""
        if match.re is COMMON_ENTRY and type(draft.dialect or self._dialect(draft)) is RabobankDialect:
            if draft.entry is not None:
                self._end_entry(draft)
            return self._rabobank_entries(draft, block, pos, number)  # the first entry too
        end = match.end()
        if not self._fast_entry(draft, match, block[pos : end - 1], number + 1):
            return pos, number
        number += block.count("\n", pos, end)
        if type(draft.dialect) is RabobankDialect:
            return self._rabobank_entries(draft, block, end, number)
        return end, number

    def _rabobank_entries(self, draft: _Draft, block: str, pos: int, number: int) -> tuple[int, int]:
        """Read the run of regular Rabobank entries at ``pos`` of ``block`` (``number``: the
        lines read so far) with the run reader of :mod:`~bankbridge.formats.mt940.fastline`
        (``RUN_ENTRY``), those it does not take (``COMMON_ENTRY``) as :meth:`_fast_entry`
        does; (position, lines read) after them."""
        common, lines, currency, file = COMMON_ENTRY.match, draft.lines, draft.currency, self.source
        digits = DIGITS.get(currency)
        if digits is None:
            digits = decimals(currency)
        append, run, match_at = lines.append, RUN, RUN_ENTRY.match
        while True:
            pos, number = run[0](block, pos, number, match_at, append, currency, digits, file)
            match = common(block, pos)  # the entry the run reader stopped at
            if match is None:
                break
            end = match.end()  # an entry the run reader does not take (it may learn its layout)
            made = rabobank_line(match.groups(), block[pos : end - 1], currency, digits, file, number + 1)
            if made is not None:
                append(made)
            elif not self._fast_entry(draft, match, block[pos : end - 1], number + 1):
                break
            number += block.count("\n", pos, end)
            pos = end
        return pos, number

    def _fast_entry(self, draft: _Draft, match: re.Match[str], raw: str, line: int) -> bool:
        """Read an entry matched by :data:`ENTRY` (``line``: the line of its ``:61:``) as
        the tokenizer path would; ``False`` (nothing read) when a sub-field is invalid, so
        that the caller reads it that way and reports the error."""
        if draft.entry is not None:
            self._end_entry(draft)
        groups = match.groups()
        digits = DIGITS.get(draft.currency)
        if digits is None:
            digits = decimals(draft.currency)
        if len(groups) == 9 and type(draft.dialect or self._dialect(draft)) is RabobankDialect:
            made = rabobank_line(groups, raw, draft.currency, digits, self.source, line)
            if made is not None:
                draft.lines.append(made)
                return True
        if len(groups) == 9:  # COMMON_ENTRY: no funds code
            vdate, edate, mark, amount, code, cref, bref, rest, info = groups
            funds = None
        else:
            vdate, edate, mark, funds, amount, code, cref, bref, rest, info = groups
        try:
            entry = new_entry(
                vdate,
                edate,
                mark,
                funds,
                amount,
                code,
                cref,
                bref,
                rest[:-1] if rest else None,
                () if info is None else tuple(info[:-1].split("\n")),
                line,
                raw,
                self._clamped,
                digits,
            )
        except FieldError:
            self._clamped.clear()
            return False
        if self._clamped:
            for text in self._clamped:
                message = f":61: date {text!r} does not exist; used the month's last day"
                self._note("date_clamped", message, line)
            self._clamped.clear()
        self._add_line(draft, entry)
        return True

    @staticmethod
    def _starts_statement(draft: _Draft, tag: str) -> bool:
        """``:20:`` starts a statement (unless only ``:25:``/``:28C:`` came before it); so
        does an opening balance after a closing one (a bank that repeats no ``:20:``)."""
        if tag == "20":
            return bool(draft.reference or draft.opening or draft.closing or draft.lines or draft.entry)
        return tag in ("60F", "60M") and draft.closing is not None

    @staticmethod
    def _next_draft(previous: _Draft | None, token: Field) -> _Draft:
        """A new statement; one started by a balance keeps the reference and account."""
        if previous is not None and token.tag != "20":
            return _Draft(line=token.line, reference=previous.reference, account=previous.account)
        return _Draft(line=token.line)

    def _note(self, code: str, message: str, line: int | None) -> None:
        where = f"{self.source}:{line}" if line else self.source
        self.diagnostics.append(Diagnostic(code=code, message=f"{where}: {message}", source=Source(self.source, line)))

    def _read_field(self, draft: _Draft, token: Field) -> None:
        try:
            self._dispatch(draft, token)
        except FieldError as exc:
            raise ParseError(
                exc.message,
                file=self.source,
                line=token.line,
                field=f":{token.tag}: {exc.part}",
                excerpt=token.lines[0][:80],
            ) from None
        if self._clamped:
            for text in self._clamped:
                message = f":{token.tag}: date {text!r} does not exist; used the month's last day"
                self._note("date_clamped", message, token.line)
            self._clamped.clear()

    def _dispatch(self, draft: _Draft, token: Field) -> None:
        tag = token.tag
        if tag == "61":
            if draft.entry is not None:
                self._end_entry(draft)
            draft.entry = parse_61(
                token.lines,
                line=token.line,
                raw=":61:" + "\n".join(token.lines),
                clamped=self._clamped,
                digits=decimals(draft.currency),
            )
        elif tag == "86":
            self._read_86(draft, token)
        else:
            self._dispatch_other(draft, token)

    def _dispatch_other(self, draft: _Draft, token: Field) -> None:
        tag, first = token.tag, token.lines[0].strip()
        if tag in _BALANCE_TAGS:
            self._end_entry(draft)
            self._read_balance(draft, tag, first)
        elif tag == "20":
            draft.reference = first
        elif tag in ("25", "25P"):
            if draft.account is not None:
                self._note("repeated_tag", "a second :25: in one statement ignored", token.line)
            else:
                draft.account = " ".join(part.strip() for part in token.lines).strip()
        elif tag in ("28C", "28"):
            draft.number, draft.sequence = parse_number(first)
        elif tag in _MT942_TAGS:
            self._end_entry(draft)
            draft.mt942 = True
            if tag == "34F" and draft.currency is None and first[:3].isalpha():
                draft.currency = first[:3]
        elif tag in ("13D", "13") and len(first) >= 6:
            draft.created = parse_yymmdd(first[:6], clamped=self._clamped)

    def _read_86(self, draft: _Draft, token: Field) -> None:
        lines = token.lines
        if len(lines) > 1 and not lines[-1].strip():
            lines = _without_trailing_blanks(lines)
        if draft.entry is not None:
            entry = draft.entry
            entry.detail = (*entry.detail, *lines)
            entry.raw += "\n:86:" + "\n".join(lines)
        else:
            draft.information.extend(line.strip() for line in lines if line.strip())

    def _read_balance(self, draft: _Draft, tag: str, text: str) -> None:
        balance = parse_balance(text, kind=tag, clamped=self._clamped)
        draft.currency = draft.currency or balance.currency
        if tag[:2] == "60":
            if draft.opening is not None:
                self._note("repeated_tag", f"a second :{tag}: in one statement ignored", None)
            else:
                draft.opening = balance
        elif tag[:2] == "62" and draft.closing is None:
            draft.closing = balance
        else:
            draft.others.append(balance)

    def _end_entry(self, draft: _Draft) -> None:
        """Add the entry being read (if any) to the statement."""
        entry = draft.entry
        if entry is not None:
            draft.entry = None
            self._add_line(draft, entry)

    def _add_line(self, draft: _Draft, entry: Entry) -> None:
        """Refine ``entry`` and add its ``StatementLine`` to the statement."""
        dialect = draft.dialect
        if dialect is None:
            dialect = self._dialect(draft)
        details = dialect.refine(entry)
        if details.counterparty_iban is None and entry.supplementary:
            # any bank may put the counter IBAN on the second :61: line (Rabobank does)
            candidate = entry.supplementary.split("\n", 1)[0].strip()
            if looks_like_iban(candidate):
                details.counterparty_iban = candidate
        bank_ref = entry.bank_reference
        if bank_ref is None or (len(bank_ref) == 6 and bank_ref.upper() == "NONREF"):
            bank_ref = details.end_to_end_id
        detail = tuple(map(str.rstrip, entry.detail))
        if detail and not detail[-1]:
            end = len(detail)
            while end and not detail[end - 1]:
                end -= 1
            detail = detail[:end]
        draft.lines.append(
            details.to_line(
                entry.amount,
                entry.booking_date,
                entry.value_date,
                draft.currency,
                bank_ref,
                entry.customer_reference.strip() or None,
                entry.type_code,
                entry.mark in ("RC", "RD"),
                detail,
                entry.raw,
                self.source,
                entry.line,
            )
        )

    def _dialect(self, draft: _Draft) -> Dialect:
        if draft.dialect is None:
            header = "\n".join(self._headers)
            account = draft.account or ""
            draft.dialect = choose(header=header, reference=draft.reference, account=account)
        return draft.dialect

    def _finish(self, draft: _Draft) -> Statement | None:
        self._end_entry(draft)
        content = draft.lines or draft.opening or draft.closing or draft.others or draft.information
        if not content and not draft.account:
            message = f"statement {draft.reference!r} without any content ignored"
            self._note("empty_statement", message, draft.line)
            return None
        if draft.account is None or not draft.account.strip():
            raise ParseError(
                "statement has no account identification; an MT940 statement needs :25:",
                file=self.source,
                line=draft.line,
                field=":25: account",
                hint="is this a fragment of a file?",
            )
        statement = Statement(
            format="mt942" if draft.mt942 else "mt940",
            account=account_id(draft.account, currency=draft.currency),
            currency=draft.currency,
            lines=tuple(draft.lines),
            dialect=self._dialect(draft).name,
            statement_number=draft.number,
            sequence=draft.sequence,
            statement_id=draft.reference or None,
            created=draft.created,
            opening_balance=draft.opening,
            closing_balance=draft.closing,
            other_balances=tuple(draft.others),
            information="\n".join(draft.information) or None,
            source=Source(self.source, draft.line),
        )
        diagnostic = check_balance(statement)
        if diagnostic is not None:
            self.diagnostics.append(diagnostic)
        return statement
