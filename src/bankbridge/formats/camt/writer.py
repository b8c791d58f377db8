"""Writer of CAMT.053.001.02 (the Dutch guideline base), element order as in the XSD.

Carried: account (IBAN, else ``Othr/Id``), currency, name, BIC; statement id, number
(``LglSeqNb``), creation date, balances, information; per line amount and sign,
reversal, dates, bank reference, ISO and proprietary codes, charges, batch id/count,
references (end-to-end, mandate), counterparty (name, IBAN, BIC), ultimate parties,
creditor id, description, structured reference, return reason, and batch items as
``TxDtls``. Not carried: ``extra``, ``detail_lines``, ``raw``, ``sequence``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from lxml import etree

from bankbridge.formats.camt.build import (
    NAMESPACE,
    Element,
    amount,
    charges,
    code,
    indicator,
    path,
    sub,
)
from bankbridge.formats.camt.writer_details import details
from bankbridge.identifiers.iban import looks_like_iban
from bankbridge.statements.model import Balance, Statement, StatementLine

_MT940_KINDS = {
    "60F": "OPBD",
    "60M": "ITBD",
    "62F": "CLBD",
    "62M": "ITBD",
    "64": "CLAV",
    "65": "FWAV",
}


def _created(statement: Statement) -> date:
    for candidate in (statement.created, statement.closing_balance, statement.opening_balance):
        if isinstance(candidate, date):
            return candidate
        if isinstance(candidate, Balance):
            return candidate.date
    dates = [line.booking_date for line in statement.lines if line.booking_date]
    return max(dates) if dates else date(1970, 1, 1)


def _balance(parent: Element, balance: Balance, code: str, currency: str | None) -> None:
    bal = sub(parent, "Bal")
    path(bal, "Tp/CdOrPrtry/Cd", code)
    amount(bal, "Amt", balance.amount, balance.currency or currency)
    sub(bal, "CdtDbtInd", indicator(balance.amount))
    path(bal, "Dt/Dt", balance.date.isoformat())


def _balances(parent: Element, statement: Statement) -> None:
    opening, closing = statement.opening_balance, statement.closing_balance
    if opening is not None:
        _balance(parent, opening, "PRCD" if opening.kind == "PRCD" else "OPBD", statement.currency)
    if closing is not None:
        _balance(parent, closing, "CLBD", statement.currency)
    for other in statement.other_balances:
        kind = _MT940_KINDS.get(other.kind or "", other.kind or "")
        if len(kind) == 4 and kind.isalpha() and kind.isupper():
            _balance(parent, other, kind, statement.currency)


def _account(parent: Element, statement: Statement) -> None:
    acct = sub(parent, "Acct")
    if looks_like_iban(statement.account):
        path(acct, "Id/IBAN", statement.account)
    else:
        path(acct, "Id/Othr/Id", statement.account)
    if statement.currency:
        sub(acct, "Ccy", statement.currency)
    if statement.account_name:
        sub(acct, "Nm", statement.account_name)
    if statement.account_bic:
        path(acct, "Svcr/FinInstnId/BIC", statement.account_bic)


def _statement(parent: Element, statement: Statement, index: int) -> None:
    stmt = sub(parent, "Stmt")
    sub(stmt, "Id", statement.statement_id or f"{statement.account}-{index}")
    if statement.statement_number:
        sub(stmt, "LglSeqNb", statement.statement_number)
    sub(stmt, "CreDtTm", f"{_created(statement).isoformat()}T00:00:00")
    _account(stmt, statement)
    _balances(stmt, statement)
    for line in statement.lines:
        _entry(stmt, line, statement.currency)
    if statement.information:
        sub(stmt, "AddtlStmtInf", statement.information)


def _entry(parent: Element, line: StatementLine, currency: str | None) -> None:
    ntry = sub(parent, "Ntry")
    amount(ntry, "Amt", line.amount, line.currency or currency)
    sub(ntry, "CdtDbtInd", indicator(line.amount))
    if line.reversal:
        sub(ntry, "RvslInd", "true")
    sub(ntry, "Sts", "BOOK")
    if line.booking_date:
        path(ntry, "BookgDt/Dt", line.booking_date.isoformat())
    if line.value_date:
        path(ntry, "ValDt/Dt", line.value_date.isoformat())
    if line.bank_reference:
        sub(ntry, "AcctSvcrRef", line.bank_reference)
    code(ntry, line)
    charges(ntry, line.charges, line.currency or currency)
    details(ntry, line, currency)


def write(statements: Sequence[Statement]) -> bytes:
    """A CAMT.053.001.02 document (UTF-8, with XML declaration) holding ``statements``."""
    document = etree.Element(f"{{{NAMESPACE}}}Document", nsmap={None: NAMESPACE})  # type: ignore[dict-item]
    message = sub(document, "BkToCstmrStmt")
    header = sub(message, "GrpHdr")
    first = statements[0] if statements else None
    sub(header, "MsgId", (first.statement_id if first else None) or "BANKBRIDGE")
    created = _created(first).isoformat() if first else "1970-01-01"
    sub(header, "CreDtTm", f"{created}T00:00:00")
    for index, statement in enumerate(statements, start=1):
        _statement(message, statement, index)
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True)
