"""Writer: CAMT.053.001.02 output parses back to the same model (on the fields the
writer carries), for corpus statements and for generated ones (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from bankbridge.formats.camt import FORMAT
from bankbridge.formats.camt.writer_details import ustrd_chunks
from bankbridge.statements.model import Balance, Statement, StatementLine

ROOT = Path(__file__).resolve().parents[4]
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
LINE_FIELDS = (
    "amount",
    "booking_date",
    "value_date",
    "currency",
    "counterparty_iban",
    "counterparty_bic",
    "counterparty_name",
    "bank_reference",
    "end_to_end_id",
    "mandate_id",
    "creditor_id",
    "payment_reference",
    "payment_reference_type",
    "description",
    "bank_code",
    "iso_code",
    "return_reason",
    "batch_id",
    "batch_count",
    "charges",
    "ultimate_debtor",
    "ultimate_creditor",
    "reversal",
)
STATEMENT_FIELDS = (
    "format",
    "account",
    "currency",
    "account_bic",
    "account_name",
    "statement_number",
    "statement_id",
    "created",
    "opening_balance",
    "closing_balance",
    "other_balances",
    "information",
)


def carried_line(line: StatementLine) -> dict[str, object]:
    out: dict[str, object] = {name: getattr(line, name) for name in LINE_FIELDS}
    out["items"] = [carried_line(item) for item in line.items]
    return out


def carried(statement: Statement) -> dict[str, object]:
    out: dict[str, object] = {name: getattr(statement, name) for name in STATEMENT_FIELDS}
    out["lines"] = [carried_line(line) for line in statement.lines]
    return out


def _round_trip(statements: list[Statement]) -> list[Statement]:
    data = FORMAT.write(statements)
    assert FORMAT.sniff(data[:1024])
    return list(FORMAT.parse(data, source="written.xml").statements)


@pytest.mark.parametrize(
    "relative",
    [
        "camt053/oca-bank-statement-import/test-camt053.xml",
        "camt053/oca-bank-statement-import/test-camt053-txdtls.xml",
        "camt053/viafintech-camt_parser/053_valid_example.xml",
        "camt053/ofxstatement-iso20022/simple.xml",
    ],
)
def test_corpus_statements_survive_write_and_parse(relative: str) -> None:
    path = CORPUS / relative
    original = list(FORMAT.parse(path.read_bytes(), source=path.name).statements)
    again = _round_trip(original)
    assert [carried(s) for s in again] == [carried(s) for s in original]


def test_written_document_has_the_02_layout() -> None:
    line = StatementLine(
        amount=Decimal("-1.50"),
        booking_date=date(2026, 1, 2),
        counterparty_name="Shop",
        counterparty_iban="NL91ABNA0417164300",
        description="x " * 100,
        charges=Decimal("-0.10"),
    )
    statement = Statement(
        format="camt053", account="NL77ABNA0574908765", currency="EUR", lines=(line,), statement_id="S1"
    )
    root = etree.fromstring(FORMAT.write([statement]))
    ns = {"c": "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"}
    ntry = root.find("c:BkToCstmrStmt/c:Stmt/c:Ntry", ns)
    assert ntry is not None
    assert [etree.QName(e).localname for e in ntry] == [
        "Amt",
        "CdtDbtInd",
        "Sts",
        "BookgDt",
        "BkTxCd",
        "Chrgs",
        "NtryDtls",
    ]
    assert ntry.findtext("c:NtryDtls/c:TxDtls/c:RltdPties/c:Cdtr/c:Nm", namespaces=ns) == "Shop"
    assert all(len(u.text or "") <= 140 for u in ntry.iterfind(".//c:Ustrd", ns))


def test_ustrd_chunks_rejoin_with_a_space() -> None:
    text = " ".join(f"word{i}" for i in range(80))
    assert " ".join(ustrd_chunks(text)) == text
    assert [len(c) for c in ustrd_chunks("x" * 300)] == [140, 140, 20]


# --- generated statements -------------------------------------------------------------

_TEXT = (
    st.text(
        alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x17F, exclude_characters="\x7f"),
        min_size=1,
        max_size=30,
    )
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)
_CODE = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=4, max_size=4)
_DAY = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
_IBAN = st.sampled_from(["NL91ABNA0417164300", "DE89370400440532013000", "BE68539007547034"])
_CENTS = st.integers(-(10**9), 10**9).map(lambda c: Decimal(c).scaleb(-2))


def _opt(strategy: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.none() | strategy


@st.composite
def _line(draw: st.DrawFn, *, batch: bool = False) -> StatementLine:
    has_ref = draw(st.booleans())
    line = StatementLine(
        amount=draw(_CENTS),
        booking_date=draw(_opt(_DAY)),  # type: ignore[arg-type]
        value_date=draw(_opt(_DAY)),  # type: ignore[arg-type]
        currency="EUR",
        bank_reference=draw(_opt(_TEXT)),  # type: ignore[arg-type]
        bank_code=draw(_opt(st.sampled_from(["100", "544", "N071"]))),  # type: ignore[arg-type]
        iso_code=draw(_opt(st.builds("-".join, st.lists(_CODE, min_size=3, max_size=3)))),  # type: ignore[arg-type]
        charges=draw(_opt(_CENTS)),  # type: ignore[arg-type]
        reversal=draw(st.booleans()),
    )
    if batch:
        return line
    return replace(
        line,
        counterparty_iban=draw(_opt(_IBAN)),  # type: ignore[arg-type]
        counterparty_bic=draw(_opt(st.sampled_from(["ABNANL2A", "RABONL2U"]))),  # type: ignore[arg-type]
        counterparty_name=draw(_opt(_TEXT)),  # type: ignore[arg-type]
        end_to_end_id=draw(_opt(_TEXT.filter(lambda t: t != "NOTPROVIDED"))),  # type: ignore[arg-type]
        mandate_id=draw(_opt(_TEXT)),  # type: ignore[arg-type]
        creditor_id=draw(_opt(st.just("NL98ZZZ999999999999"))),  # type: ignore[arg-type]
        payment_reference="5000056789012345" if has_ref else None,
        payment_reference_type="CUR" if has_ref else None,
        description=draw(_opt(st.lists(_TEXT, min_size=1, max_size=12).map(" ".join))),  # type: ignore[arg-type]
        return_reason=draw(_opt(st.sampled_from(["AC04", "MD06", "AM04"]))),  # type: ignore[arg-type]
        ultimate_debtor=draw(_opt(_TEXT)),  # type: ignore[arg-type]
        ultimate_creditor=draw(_opt(_TEXT)),  # type: ignore[arg-type]
    )


@st.composite
def _batch_line(draw: st.DrawFn) -> StatementLine:
    line = draw(_line(batch=True))
    items = draw(st.lists(_line(), min_size=2, max_size=4))
    sign = -1 if line.amount < 0 else 1
    inherit = {
        "booking_date": line.booking_date,
        "value_date": line.value_date,
        "reversal": line.reversal,
        "currency": line.currency,
    }
    items = [replace(i, amount=abs(i.amount) * sign, **inherit) for i in items]  # type: ignore[arg-type]
    batch_id = draw(_opt(_TEXT))
    items = [
        replace(
            i,
            batch_id=batch_id,  # type: ignore[arg-type]
            bank_reference=i.bank_reference or line.bank_reference,
            iso_code=i.iso_code or line.iso_code,
            bank_code=i.bank_code or line.bank_code,
        )
        for i in items
    ]
    total = sum((i.amount for i in items), Decimal(0))
    return replace(
        line,
        amount=total,
        items=tuple(items),
        batch_id=batch_id,  # type: ignore[arg-type]
        batch_count=len(items),
        description=draw(_opt(_TEXT)),
    )  # type: ignore[arg-type]


def _balance(kind: str) -> st.SearchStrategy[Balance]:
    return st.builds(Balance, date=_DAY, amount=_CENTS, currency=st.just("EUR"), kind=st.just(kind))


@st.composite
def _statement(draw: st.DrawFn) -> Statement:
    return Statement(
        format="camt053",
        account=draw(_IBAN | st.just("123456789")),
        currency="EUR",
        lines=tuple(draw(st.lists(_line() | _batch_line(), max_size=4))),
        account_bic=draw(_opt(st.just("ABNANL2A"))),  # type: ignore[arg-type]
        account_name=draw(_opt(_TEXT)),  # type: ignore[arg-type]
        statement_number=draw(_opt(st.integers(1, 999).map(str))),  # type: ignore[arg-type]
        statement_id=draw(_TEXT),
        created=draw(_DAY),
        opening_balance=draw(_opt(_balance("OPBD"))),  # type: ignore[arg-type]
        closing_balance=draw(_opt(_balance("CLBD"))),  # type: ignore[arg-type]
        other_balances=tuple(draw(st.lists(_balance("CLAV"), max_size=1))),
        information=draw(_opt(_TEXT)),  # type: ignore[arg-type]
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_statement(), min_size=1, max_size=3))
def test_generated_statements_round_trip(statements: list[Statement]) -> None:
    again = _round_trip(statements)
    assert [carried(s) for s in again] == [carried(s) for s in statements]


# Child order of the camt.053.001.02 complex types the writer emits (from the XSD).
XSD_ORDER = {
    "Document": ["BkToCstmrStmt"],
    "BkToCstmrStmt": ["GrpHdr", "Stmt"],
    "GrpHdr": ["MsgId", "CreDtTm", "MsgRcpt", "MsgPgntn", "AddtlInf"],
    "Stmt": [
        "Id",
        "ElctrncSeqNb",
        "LglSeqNb",
        "CreDtTm",
        "FrToDt",
        "CpyDplctInd",
        "RptgSrc",
        "Acct",
        "RltdAcct",
        "Intrst",
        "Bal",
        "TxsSummry",
        "Ntry",
        "AddtlStmtInf",
    ],
    "Acct": ["Id", "Tp", "Ccy", "Nm", "Ownr", "Svcr"],
    "Bal": ["Tp", "CdtLine", "Amt", "CdtDbtInd", "Dt", "Avlbty"],
    "Ntry": [
        "NtryRef",
        "Amt",
        "CdtDbtInd",
        "RvslInd",
        "Sts",
        "BookgDt",
        "ValDt",
        "AcctSvcrRef",
        "Avlbty",
        "BkTxCd",
        "ComssnWvrInd",
        "AddtlInfInd",
        "AmtDtls",
        "Chrgs",
        "TechInptChanl",
        "Intrst",
        "NtryDtls",
        "AddtlNtryInf",
    ],
    "BkTxCd": ["Domn", "Prtry"],
    "Fmly": ["Cd", "SubFmlyCd"],
    "Chrgs": ["TtlChrgsAndTaxAmt", "Amt", "CdtDbtInd", "Tp", "Rate", "Br", "Pty", "Tax"],
    "NtryDtls": ["Btch", "TxDtls"],
    "Btch": ["MsgId", "PmtInfId", "NbOfTxs", "TtlAmt", "CdtDbtInd"],
    "TxDtls": [
        "Refs",
        "AmtDtls",
        "Avlbty",
        "BkTxCd",
        "Chrgs",
        "Intrst",
        "RltdPties",
        "RltdAgts",
        "Purp",
        "RltdRmtInf",
        "RmtInf",
        "RltdDts",
        "RltdPric",
        "RltdQties",
        "FinInstrmId",
        "Tax",
        "RtrInf",
        "CorpActn",
        "SfkpgAcct",
        "AddtlTxInf",
    ],
    "Refs": [
        "MsgId",
        "AcctSvcrRef",
        "PmtInfId",
        "InstrId",
        "EndToEndId",
        "TxId",
        "MndtId",
        "ChqNb",
        "ClrSysRef",
        "Prtry",
    ],
    "RltdPties": ["InitgPty", "Dbtr", "DbtrAcct", "UltmtDbtr", "Cdtr", "CdtrAcct", "UltmtCdtr", "TradgPty", "Prtry"],
    "Cdtr": ["Nm", "PstlAdr", "Id", "CtryOfRes", "CtctDtls"],
    "Dbtr": ["Nm", "PstlAdr", "Id", "CtryOfRes", "CtctDtls"],
    "RmtInf": ["Ustrd", "Strd"],
    "CdtrRefInf": ["Tp", "Ref"],
    "Tp": ["CdOrPrtry", "Issr"],
    "Othr": ["Id", "SchmeNm", "Issr"],
}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_statement(), min_size=1, max_size=2))
def test_written_elements_follow_the_xsd_order(statements: list[Statement]) -> None:
    root = etree.fromstring(FORMAT.write(statements))
    for element in root.iter():
        name = etree.QName(element).localname
        order = XSD_ORDER.get(name)
        if order is None or (
            name == "Tp" and element.getparent() is not None and etree.QName(element.getparent()).localname == "Bal"
        ):
            continue
        children = [etree.QName(c).localname for c in element]
        assert all(c in order for c in children), (name, children)
        positions = [order.index(c) for c in children]
        assert positions == sorted(positions), (name, children)
