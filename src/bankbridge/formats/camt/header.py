"""The statement-level part of a CAMT record: message kind, account and balances.

A CAMT.053 ``Stmt``, CAMT.052 ``Rpt`` and CAMT.054 ``Ntfctn`` share one layout (``Id``,
sequence numbers, ``Acct``, ``Bal``…, ``Ntry``…, additional information), so one
function reads them all into a :class:`~bankbridge.statements.model.Statement`
without lines; the reader adds the lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from bankbridge.formats.camt.nodes import Element, Where, dig_text, each, kids, line_of, text
from bankbridge.identifiers.banks import DUTCH_BANKS
from bankbridge.statements.model import Balance, FormatName, Source, Statement


@dataclass(frozen=True, slots=True)
class Kind:
    """One of the three CAMT message kinds."""

    format: FormatName
    message: str
    """Local name of the message element (its prefix: v01 adds ``V01``)."""
    record: str
    """Local name of one statement-like record."""
    info: str
    """Local name of the record's additional-information element."""


KINDS = (
    Kind("camt053", "BkToCstmrStmt", "Stmt", "AddtlStmtInf"),
    Kind("camt052", "BkToCstmrAcctRpt", "Rpt", "AddtlRptInf"),
    Kind("camt054", "BkToCstmrDbtCdtNtfctn", "Ntfctn", "AddtlNtfctnInf"),
)
RECORDS = frozenset(kind.record for kind in KINDS)
OPENING = ("OPBD", "PRCD")
CLOSING = "CLBD"
BANKS = DUTCH_BANKS
"""Dutch banks by the 4-letter bank code of their BIC / IBAN, named as the MT940 dialects
(a bank's code list for ``BkTxCd/Prtry`` is chosen by it)."""


def dialect(account: str, account_bic: str | None) -> str:
    """The bank of a Dutch account (IBAN bank code, else the servicer's BIC), or ``generic``."""
    code = account[4:8].upper() if account[:2].upper() == "NL" else (account_bic or "")[:4]
    return BANKS.get(code.upper(), "generic")


def kind_of(message_name: str) -> Kind | None:
    """The kind whose message element is called ``message_name`` (``…V01`` too)."""
    for kind in KINDS:
        if message_name.startswith(kind.message):
            return kind
    return None


@dataclass(frozen=True, slots=True)
class Paging:
    """What the group header says that the records need."""

    page: str | None = None


def paging(group_header: Element) -> Paging:
    """``GrpHdr/MsgPgntn/PgNb``."""
    return Paging(page=dig_text(group_header, "MsgPgntn/PgNb"))


def account_id(acct: Element | None, where: Where) -> str:
    """``Acct/Id/IBAN``, else ``Othr/Id`` (or v01 ``PrtryAcct/Id``), else the first id text."""
    ident = kids(acct).get("Id")
    found = kids(ident)
    value = text(found.get("IBAN")) or dig_text(ident, "Othr/Id") or dig_text(ident, "PrtryAcct/Id")
    if value is None and ident is not None:
        value = next((t for t in (text(e) for e in ident.iter()) if t), None)
    if value is None:
        raise where.error("account has no Id (IBAN or Othr/Id)", element=acct, field="Acct/Id")
    return value.replace(" ", "")


def balance(element: Element, where: Where) -> Balance:
    """One ``Bal``: type code, signed amount, currency and date."""
    found = kids(element)
    tp = kids(found.get("Tp"))
    cd_or_prtry = kids(tp.get("CdOrPrtry"))
    code = text(cd_or_prtry.get("Cd")) or text(cd_or_prtry.get("Prtry"))
    amt = found.get("Amt")
    amount = where.amount(amt, "Bal/Amt") * where.sign(found.get("CdtDbtInd"), "Bal/CdtDbtInd")
    day = where.choice_day(found.get("Dt"), "Bal/Dt")
    if day is None:
        raise where.error("balance has no date", element=element, field="Bal/Dt")
    currency = amt.get("Ccy") if amt is not None else None
    return Balance(date=day, amount=amount, currency=currency, kind=code)


def split_balances(
    balances: list[Balance],
) -> tuple[Balance | None, Balance | None, tuple[Balance, ...]]:
    """Opening (``OPBD``, else ``PRCD``), closing (``CLBD``) and the rest, in file order."""
    opening = next((b for code in OPENING for b in balances if b.kind == code), None)
    closing = next((b for b in balances if b.kind == CLOSING), None)
    others = tuple(b for b in balances if b is not opening and b is not closing)
    return opening, closing, others


def statement(record: Element, *, kind: Kind, where: Where, paging: Paging, line_currency: str | None) -> Statement:
    """The record's statement fields (no lines). ``line_currency`` is the first entry's."""
    found = kids(record)
    acct = found.get("Acct")
    if acct is None:
        raise where.error("record has no Acct", element=record, field="Acct")
    acct_kids = kids(acct)
    balances = [balance(b, where) for b in each(record, "Bal")]
    opening, closing, others = split_balances(balances)
    created = found.get("CreDtTm")
    booked = [b.currency for b in (opening, closing) if b is not None and b.currency]
    any_ccy = [b.currency for b in balances if b.currency]
    account = account_id(acct, where)
    account_bic = bic(kids(acct_kids.get("Svcr")).get("FinInstnId"))
    return Statement(
        format=kind.format,
        account=account,
        dialect=dialect(account, account_bic),
        currency=text(acct_kids.get("Ccy")) or next(iter(booked), None) or line_currency or next(iter(any_ccy), None),
        account_bic=account_bic,
        account_name=text(acct_kids.get("Nm")) or dig_text(acct, "Ownr/Nm"),
        statement_number=text(found.get("LglSeqNb")) or text(found.get("ElctrncSeqNb")),
        sequence=dig_text(record, "StmtPgntn/PgNb") or dig_text(record, "RptPgntn/PgNb") or paging.page,
        statement_id=text(found.get("Id")),
        created=where.day(created, "CreDtTm") if created is not None else None,
        opening_balance=opening,
        closing_balance=closing,
        other_balances=others,
        information=text(found.get(kind.info)),
        source=Source(file=where.file, line=line_of(record), path=where.path),
    )


def bic(fin_instn_id: Element | None) -> str | None:
    """``FinInstnId/BIC`` (``.02``) or ``BICFI`` (later versions)."""
    found = kids(fin_instn_id)
    return text(found.get("BIC")) or text(found.get("BICFI"))
