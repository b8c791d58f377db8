"""Reading pain files: XSD-checked, refused when not a pain message, amounts exact."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bankbridge.sandbox.pain import batches_from_json, batches_to_json, read
from bankbridge.sandbox.problems import BankProblem

NS = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
MINIMAL = f"""<Document xmlns="{NS}"><CstmrCdtTrfInitn>
<GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-03-02T09:00:00</CreDtTm><NbOfTxs>1</NbOfTxs><CtrlSum>0.10</CtrlSum>
<InitgPty><Nm>B</Nm></InitgPty></GrpHdr>
<PmtInf><PmtInfId>P1</PmtInfId><PmtMtd>TRF</PmtMtd><BtchBookg>false</BtchBookg>
<PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl></PmtTpInf><ReqdExctnDt>2026-03-03</ReqdExctnDt>
<Dbtr><Nm>B</Nm></Dbtr><DbtrAcct><Id><IBAN>NL44RABO0123456789</IBAN></Id></DbtrAcct>
<DbtrAgt><FinInstnId><BIC>RABONL2U</BIC></FinInstnId></DbtrAgt>
<CdtTrfTxInf><PmtId><EndToEndId>E1</EndToEndId></PmtId><Amt><InstdAmt Ccy="EUR">0.10</InstdAmt></Amt>
<Cdtr><Nm>C</Nm></Cdtr><CdtrAcct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></CdtrAcct>
<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>CUR</Issr></Tp><Ref>5000056789012345</Ref>
</CdtrRefInf></Strd></RmtInf></CdtTrfTxInf></PmtInf></CstmrCdtTrfInitn></Document>""".encode()


def test_reads_a_valid_pain001():
    document = read(MINIMAL, "pain.001")
    assert (document.version, document.message_id) == ("pain.001.001.03", "M1")
    assert document.declared_sum == Decimal("0.10")
    (batch,) = document.batches
    assert (batch.id, batch.batch_booking, batch.total) == ("P1", False, Decimal("0.10"))
    assert (batch.items[0].reference, batch.items[0].reference_type) == ("5000056789012345", "CUR")
    assert batches_from_json(batches_to_json(document.batches)) == document.batches


def test_schema_errors_are_reported_not_raised():
    document = read(MINIMAL.replace(b"<PmtMtd>TRF</PmtMtd>", b""), "pain.001")
    assert document.batches == ()
    assert "PmtMtd" in document.schema_errors[0]


NOT_PAIN001 = [b"", b"<a", b"<Document xmlns='urn:other'/>", MINIMAL.replace(b"pain.001", b"pain.008")]


@pytest.mark.parametrize("data", NOT_PAIN001)
def test_not_a_pain001_is_a_format_error(data):
    with pytest.raises(BankProblem) as caught:
        read(data, "pain.001")
    assert caught.value.row.code == "FORMAT_ERROR"


def test_doctype_and_entities_are_refused():
    evil = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + MINIMAL.replace(
        b"<Nm>C</Nm>", b"<Nm>&x;</Nm>"
    )
    with pytest.raises(BankProblem, match="DOCTYPE"):
        read(evil, "pain.001")
