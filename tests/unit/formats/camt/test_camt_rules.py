"""Mapping rules on small hand-written documents: signs, charges, dates, references,
batch items and the message kinds."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bankbridge.formats.camt import FORMAT
from bankbridge.statements.model import Statement

NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
ACCT = "<Acct><Id><IBAN>NL77ABNA0574908765</IBAN></Id></Acct>"


def _doc(
    body: str, *, message: str = "BkToCstmrStmt", record: str = "Stmt", wrapper: bool = True, ns: str = NS
) -> bytes:
    inner = f"<{message}><GrpHdr><MsgId>M</MsgId></GrpHdr><{record}><Id>S1</Id>{body}</{record}></{message}>"
    if wrapper:
        inner = f'<Document xmlns="{ns}">{inner}</Document>'
    return f'<?xml version="1.0" encoding="UTF-8"?>{inner}'.encode()


def _one(body: str, **kwargs: object) -> Statement:
    (statement,) = FORMAT.parse(_doc(body, **kwargs), source="t.xml").statements  # type: ignore[arg-type]
    return statement


def _bal(code: str, amount: str, sign: str = "CRDT", day: str = "<Dt>2026-01-02</Dt>") -> str:
    return (
        f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy='EUR'>{amount}</Amt>"
        f"<CdtDbtInd>{sign}</CdtDbtInd><Dt>{day}</Dt></Bal>"
    )


def _ntry(inner: str = "", amount: str = "10.00", sign: str = "DBIT") -> str:
    return f"<Ntry><Amt Ccy='EUR'>{amount}</Amt><CdtDbtInd>{sign}</CdtDbtInd>{inner}</Ntry>"


def test_opening_prefers_opbd_over_prcd_and_keeps_the_rest() -> None:
    s = _one(ACCT + _bal("PRCD", "1.00") + _bal("OPBD", "2.00") + _bal("CLBD", "3.00", "DBIT") + _bal("ITBD", "4.00"))
    assert s.opening_balance and s.opening_balance.kind == "OPBD"
    assert s.opening_balance.amount == Decimal("2.00")
    assert s.closing_balance and s.closing_balance.amount == Decimal("-3.00")
    assert [b.kind for b in s.other_balances] == ["PRCD", "ITBD"]
    assert s.currency == "EUR"


def test_utc_date_times_become_amsterdam_days_others_stay_as_written() -> None:
    s = _one(
        ACCT
        + _ntry(
            "<BookgDt><DtTm>2014-01-04T23:00:00.000Z</DtTm></BookgDt>"
            "<ValDt><DtTm>2014-01-04T23:00:00+01:00</DtTm></ValDt>"
        )
    )
    assert (s.lines[0].booking_date, s.lines[0].value_date) == (date(2014, 1, 5), date(2014, 1, 4))


def test_charges_in_02_and_08_layouts() -> None:
    old = _ntry(
        "<Chrgs><Amt Ccy='EUR'>1.00</Amt><CdtDbtInd>DBIT</CdtDbtInd></Chrgs>"
        "<Chrgs><Amt Ccy='EUR'>0.25</Amt><CdtDbtInd>CRDT</CdtDbtInd></Chrgs>"
    )
    new = _ntry(
        "<Chrgs><TtlChrgsAndTaxAmt Ccy='EUR'>2.00</TtlChrgsAndTaxAmt><Rcrd><Amt Ccy='EUR'>"
        "1.50</Amt><CdtDbtInd>DBIT</CdtDbtInd></Rcrd><Rcrd><Amt Ccy='EUR'>0.50</Amt></Rcrd></Chrgs>"
    )
    total = _ntry("<Chrgs><TtlChrgsAndTaxAmt Ccy='EUR'>4.14</TtlChrgsAndTaxAmt></Chrgs>")
    s = _one(ACCT + old + new + total)
    assert [line.charges for line in s.lines] == [Decimal("-0.75"), Decimal("-2.00"), Decimal("-4.14")]


def test_batch_items_take_their_own_indicator_and_fall_back_to_instructed_amount() -> None:
    tx1 = "<TxDtls><Amt Ccy='EUR'>7.00</Amt><CdtDbtInd>DBIT</CdtDbtInd></TxDtls>"
    tx2 = (
        "<TxDtls><Refs><EndToEndId>not provided</EndToEndId></Refs><AmtDtls><InstdAmt>"
        "<Amt Ccy='EUR'>3.00</Amt></InstdAmt></AmtDtls><RltdPties><Cdtr><Nm>C</Nm></Cdtr>"
        "</RltdPties></TxDtls>"
    )
    tx3 = "<TxDtls><Amt Ccy='EUR'>1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></TxDtls>"
    result = FORMAT.parse(_doc(ACCT + _ntry(f"<NtryDtls>{tx1}{tx2}{tx3}</NtryDtls>", "9.00")), source="t.xml")
    (line,) = result.statements[0].lines
    assert [i.amount for i in line.items] == [Decimal("-7.00"), Decimal("-3.00"), Decimal("1.00")]
    assert line.batch_count == 3 and line.items[1].end_to_end_id is None
    assert line.items[1].counterparty_name == "C"
    assert result.diagnostics == ()


def test_batch_sum_mismatch_is_a_diagnostic() -> None:
    tx = "<TxDtls><Amt Ccy='EUR'>4.00</Amt><CdtDbtInd>DBIT</CdtDbtInd></TxDtls>"
    result = FORMAT.parse(_doc(ACCT + _ntry(f"<NtryDtls>{tx}{tx}</NtryDtls>")), source="t.xml")
    assert [d.code for d in result.diagnostics] == ["camt_batch_sum_mismatch"]
    assert "Stmt[1]/Ntry[1]" in result.diagnostics[0].message


def test_several_ntry_dtls_blocks_are_read() -> None:
    tx = "<NtryDtls><TxDtls><Amt Ccy='EUR'>5.00</Amt><CdtDbtInd>DBIT</CdtDbtInd></TxDtls></NtryDtls>"
    (line,) = _one(ACCT + _ntry(tx + tx)).lines
    assert len(line.items) == 2


def test_single_transaction_is_merged_and_counterparty_follows_the_entry() -> None:
    tx = (
        "<NtryDtls><TxDtls><Refs><EndToEndId>E2E</EndToEndId><UETR>u-1</UETR></Refs>"
        "<RltdPties><Dbtr><Pty><Nm>Payer</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>NL91ABNA0417164300"
        "</IBAN></Id></DbtrAcct><Cdtr><Pty><Nm>Us</Nm></Pty></Cdtr><UltmtDbtr><Nm>Parent</Nm>"
        "</UltmtDbtr></RltdPties><RltdAgts><DbtrAgt><FinInstnId><BICFI>ABNANL2A</BICFI>"
        "</FinInstnId></DbtrAgt></RltdAgts><RmtInf><Ustrd>part one</Ustrd><Ustrd>part two</Ustrd>"
        "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>CUR</Issr></Tp>"
        "<Ref>5000056789012345</Ref></CdtrRefInf></Strd></RmtInf>"
        "<RtrInf><Rsn><Cd>MD06</Cd></Rsn></RtrInf></TxDtls></NtryDtls>"
    )
    (line,) = _one(ACCT + _ntry("<Sts><Cd>BOOK</Cd></Sts>" + tx, sign="CRDT")).lines
    assert (line.counterparty_name, line.counterparty_iban, line.counterparty_bic) == (
        "Payer",
        "NL91ABNA0417164300",
        "ABNANL2A",
    )
    assert line.description == "part one part two"
    assert (line.payment_reference, line.payment_reference_type) == ("5000056789012345", "CUR")
    assert (line.return_reason, line.ultimate_debtor, line.end_to_end_id) == ("MD06", "Parent", "E2E")
    assert dict(line.extra)["UETR"] == "u-1" and dict(line.extra)["Cdtr"] == "Us"
    assert dict(line.extra)["Sts"] == "BOOK" and line.items == ()


def test_message_kinds_and_a_missing_document_wrapper() -> None:
    s = _one(
        ACCT + _ntry(), message="BkToCstmrAcctRpt", record="Rpt", ns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.02"
    )
    assert s.format == "camt052"
    s = _one(ACCT + _ntry(), message="BkToCstmrDbtCdtNtfctn", record="Ntfctn", wrapper=False)
    assert s.format == "camt054" and s.lines[0].amount == Decimal("-10.00")
    assert s.source and s.source.path == "BkToCstmrDbtCdtNtfctn/Ntfctn[1]"


def test_account_without_iban_and_bank_reference_order() -> None:
    s = _one(
        "<Acct><Id><Othr><Id>12 34</Id></Othr></Id><Ccy>USD</Ccy></Acct>"
        + _ntry("<NtryRef>N1</NtryRef>")
        + _ntry("<NtryRef>N2</NtryRef><AcctSvcrRef>A2</AcctSvcrRef>")
    )
    assert (s.account, s.currency, s.account_iban) == ("1234", "USD", None)
    assert [line.bank_reference for line in s.lines] == ["N1", "A2"]
