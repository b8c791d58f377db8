"""Write statements as MT940 in the Rabobank "MT940 Structured" layout.

``:940:`` header, ``:20:940S<date>``, zero-padded amounts, ``:61:`` with a reference
label (``EREF``/``PREF``/``NONREF``) and the bank reference after ``//``, the counter
IBAN on the second ``:61:`` line, and a ``:86:`` of code words wrapped at 65 characters:
``/EREF/ /PREF/ /MARF/ /CSID/ /RTRN/ /BENM//NAME/`` (debit) or ``/ORDP//NAME/`` (credit),
``/ULTD//NAME/ /ULTB//NAME/``, ``/REMI/`` and a structured reference as
``/CDTRREFTP//CD/SCOR/ISSR/CUR/CDTRREF/<ref>``. Not carried: counterparty BIC, ISO bank
transaction codes, batch items. A statement without balances gets ones computed from
its lines (MT940 requires both).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from bankbridge.money import exponent
from bankbridge.statements.model import Balance, Statement, StatementLine

_WIDTH = 65
_TYPE = re.compile(r"[NSF][A-Za-z0-9]{3}$")


def _yymmdd(day: date) -> str:
    return day.strftime("%y%m%d")


def _amount(value: Decimal, currency: str | None) -> str:
    digits = exponent(currency or "EUR")
    text = format(abs(value).quantize(Decimal(1).scaleb(-digits)), "f").replace(".", ",")
    if "," not in text:
        text += ","
    return text.rjust(15, "0")


def _balance(tag: str, balance: Balance, currency: str) -> str:
    mark = "D" if balance.amount < 0 else "C"
    return f":{tag}:{mark}{_yymmdd(balance.date)}{currency}{_amount(balance.amount, currency)}"


def _clean(text: str) -> str:
    return " ".join(text.split())


def _wrap(text: str) -> list[str]:
    """65-character lines; no line may start with ``:``, ``-`` or ``{`` (a reader would
    take it for a tag or a message end), so such a break moves one character back."""
    chunks: list[str] = []
    start = 0
    while start < len(text):
        end = min(start + _WIDTH, len(text))
        while end < len(text) and end - start > _WIDTH - 10 and text[end] in ":-{":
            end -= 1
        chunks.append(text[start:end])
        start = end
    return chunks or [""]


def _code_words(line: StatementLine) -> str:
    parts: list[str] = []
    for code, value in (
        ("EREF", line.end_to_end_id),
        ("PREF", line.batch_id),
        ("MARF", line.mandate_id),
        ("CSID", line.creditor_id),
        ("RTRN", line.return_reason),
    ):
        if value:
            parts.append(f"/{code}/{_clean(value)}")
    if line.counterparty_name:
        party = "ORDP" if line.amount >= 0 else "BENM"
        parts.append(f"/{party}//NAME/{_clean(line.counterparty_name)}")
    if line.ultimate_debtor:
        parts.append(f"/ULTD//NAME/{_clean(line.ultimate_debtor)}")
    if line.ultimate_creditor:
        parts.append(f"/ULTB//NAME/{_clean(line.ultimate_creditor)}")
    if line.description or line.payment_reference:
        parts.append(f"/REMI/{_clean(line.description or '')}")
    if line.payment_reference:
        issuer = "ISO" if line.payment_reference_type == "ISO" else "CUR"
        parts.append(f"/CDTRREFTP//CD/SCOR/ISSR/{issuer}/CDTRREF/{_clean(line.payment_reference)}")
    return "".join(parts)


def _entry(line: StatementLine, currency: str) -> list[str]:
    value = line.value_date or line.booking_date or date(2000, 1, 1)
    booking = line.booking_date.strftime("%m%d") if line.booking_date else ""
    credit = line.amount >= 0
    mark = ("RD" if credit else "RC") if line.reversal else ("C" if credit else "D")
    code = line.bank_code if line.bank_code and _TYPE.match(line.bank_code) else "NMSC"
    label = "EREF" if line.end_to_end_id else "PREF" if line.batch_id else "NONREF"
    bank_ref = f"//{_clean(line.bank_reference)[:16]}" if line.bank_reference else ""
    amount = _amount(line.amount, currency)
    out = [f":61:{_yymmdd(value)}{booking}{mark}{amount}{code}{label}{bank_ref}"]
    if line.counterparty_iban:
        out.append(line.counterparty_iban)
    info = _code_words(line)
    if info:
        chunks = _wrap(info)
        out.append(":86:" + chunks[0])
        out.extend(chunks[1:])
    return out


def _balances(statement: Statement) -> tuple[Balance, Balance]:
    total = sum((line.amount for line in statement.lines), Decimal(0))
    first = next((line.value_date for line in statement.lines if line.value_date), None)
    opening, closing = statement.opening_balance, statement.closing_balance
    if opening is None and closing is not None:
        opening = Balance(date=closing.date, amount=closing.amount - total)
    if opening is None:
        opening = Balance(date=first or date(2000, 1, 1), amount=Decimal(0))
    if closing is None:
        last = max((ln.value_date for ln in statement.lines if ln.value_date), default=opening.date)
        closing = Balance(date=last, amount=opening.amount + total)
    return opening, closing


def statement_lines(statement: Statement) -> list[str]:
    """The MT940 lines of one statement (without the ``:940:`` file header)."""
    currency = statement.currency or "EUR"
    opening, closing = _balances(statement)
    number = statement.statement_number or "0"
    if statement.sequence:
        number += f"/{statement.sequence}"
    out = [
        f":20:940S{_yymmdd(closing.date)}",
        f":25:{statement.account}",
        f":28C:{number}",
        _balance("60F", opening, currency),
    ]
    for line in statement.lines:
        out.extend(_entry(line, currency))
    out.append(_balance("62F", closing, currency))
    if statement.information:
        chunks = _wrap(_clean(statement.information))
        out.append(":86:" + chunks[0])
        out.extend(chunks[1:])
    return out


def write_statements(statements: Sequence[Statement]) -> bytes:
    """A whole MT940 file (UTF-8, CRLF line endings)."""
    out = [":940:"]
    for statement in statements:
        out.extend(statement_lines(statement))
    return ("\r\n".join(out) + "\r\n").encode("utf-8")
