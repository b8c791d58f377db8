"""Conformance with standards §3.6 on small documents written from its description."""

from __future__ import annotations

import pytest

from bankbridge.formats.camt import FORMAT, fast
from bankbridge.statements.model import StatementLine

NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"


def _doc(body: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="{NS}"><BkToCstmrStmt>'
        f"<GrpHdr><MsgId>M</MsgId></GrpHdr><Stmt><Id>S1</Id>"
        f"<Acct><Id><IBAN>NL44RABO0123456789</IBAN></Id><Ccy>EUR</Ccy></Acct>{body}</Stmt>"
        f"</BkToCstmrStmt></Document>"
    ).encode()


def _bal(code: str, amount: str) -> str:
    return (
        f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy='EUR'>{amount}</Amt>"
        f"<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-01-02</Dt></Dt></Bal>"
    )


def _ntry(amount: str, sign: str, status: str, details: str = "") -> str:
    return (
        f"<Ntry><Amt Ccy='EUR'>{amount}</Amt><CdtDbtInd>{sign}</CdtDbtInd>{status}"
        f"<BookgDt><Dt>2025-01-02</Dt></BookgDt><ValDt><Dt>2025-01-02</Dt></ValDt>{details}</Ntry>"
    )


def test_pending_and_info_entries_are_left_out_of_the_balance_check() -> None:
    # OPBD/PRCD + booked entries = CLBD; a PDNG or INFO entry is no booking (.08 and .02 status forms)
    body = (
        _bal("PRCD", "100.00")
        + _bal("CLBD", "110.00")
        + _ntry("10.00", "CRDT", "<Sts><Cd>BOOK</Cd></Sts>")
        + _ntry("5.00", "DBIT", "<Sts><Cd>PDNG</Cd></Sts>")
        + _ntry("7.00", "CRDT", "<Sts>INFO</Sts>")
    )
    result = FORMAT.parse(_doc(body), source="t.xml")
    assert len(result.statements[0].lines) == 3
    assert [d.code for d in result.diagnostics] == []


def test_a_booked_entry_that_does_not_add_up_is_still_reported() -> None:
    body = (
        _bal("OPBD", "100.00")
        + _bal("CLBD", "110.00")
        + _ntry("9.00", "CRDT", "<Sts><Cd>BOOK</Cd></Sts>")
        + _ntry("5.00", "DBIT", "<Sts><Cd>PDNG</Cd></Sts>")
    )
    (diagnostic,) = FORMAT.parse(_doc(body), source="t.xml").diagnostics
    assert diagnostic.code == "balance_mismatch"
    assert "lines 9.00" in diagnostic.message


def _tx(e2e: str, amount: str, pmtinf: str) -> str:
    return (
        f"<TxDtls><Refs><PmtInfId>{pmtinf}</PmtInfId><EndToEndId>{e2e}</EndToEndId></Refs>"
        f"<Amt Ccy='EUR'>{amount}</Amt><CdtDbtInd>DBIT</CdtDbtInd></TxDtls>"
    )


def _lines_both_ways(data: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[StatementLine, ...]:
    quick = FORMAT.parse(data, source="t.xml")
    with monkeypatch.context() as patch:
        patch.setattr(fast, "ENABLED", False)
        slow = FORMAT.parse(data, source="t.xml")
    assert quick == slow
    return quick.statements[0].lines


def test_refs_pmtinfid_is_the_batch_reference_without_btch(monkeypatch: pytest.MonkeyPatch) -> None:
    # §5.1: batch ref in CAMT = Btch/PmtInfId, Refs/PmtInfId
    book = "<Sts>BOOK</Sts>"
    single = _ntry("100.00", "DBIT", book, f"<NtryDtls>{_tx('E1', '100.00', 'PMT-1')}</NtryDtls>")
    items = _ntry(
        "30.00", "DBIT", book, f"<NtryDtls>{_tx('E2', '10.00', 'PMT-2')}{_tx('E3', '20.00', 'PMT-2')}</NtryDtls>"
    )
    btch = f"<NtryDtls><Btch><PmtInfId>BTCH-1</PmtInfId></Btch>{_tx('E4', '5.00', 'PMT-3')}</NtryDtls>"
    first, second, third = _lines_both_ways(_doc(single + items + _ntry("5.00", "DBIT", book, btch)), monkeypatch)
    assert first.batch_id == "PMT-1"
    assert [item.batch_id for item in second.items] == ["PMT-2", "PMT-2"]
    assert third.batch_id == "BTCH-1"
