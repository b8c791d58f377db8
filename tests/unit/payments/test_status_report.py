"""Reading pain.002 customer payment status reports: versions .03 and .10, the reports
our own sandbox bank writes, reasons in words, and hostile or broken XML refused with
file, line, XML path and field (never another exception)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bankbridge.errors import ParseError
from bankbridge.payments.model import StatusReason
from bankbridge.payments.reasons import describe
from bankbridge.payments.status_report import read_status
from bankbridge.sandbox import pain as bank_pain
from bankbridge.sandbox import pain002 as bank_pain002
from bankbridge.sandbox.tables import Payment
from pain_samples import Pmt, PmtSts, Tx, TxSts, pain001, pain002

REPORT = pain002(
    "MSG-PAY-1",
    (
        PmtSts("PAY-1", "PART", (TxSts("E2E-2", "RJCT", "AC04", "Rekening opgeheven", amount="45.50"),)),
        PmtSts("PAY-2", "RJCT", reason="AM04"),
    ),
    group_status="PART",
)


def error(data: bytes) -> str:
    with pytest.raises(ParseError) as info:
        read_status(data, source="sts.xml")
    return str(info.value)


@pytest.mark.parametrize("version", ["pain.002.001.03", "pain.002.001.10"])
def test_a_partly_rejected_message(version: str) -> None:
    data = REPORT.replace(b"pain.002.001.03", version.encode())
    report = read_status(data, source="sts.xml")
    assert (report.message_id, report.created, report.version) == ("STS-1", date(2026, 11, 21), version)
    assert (report.original_message_id, report.original_message_name, report.group_status) == (
        "MSG-PAY-1",
        "pain.001.001.03",
        "PART",
    )
    first, second = report.batches
    assert (first.batch_id, first.status, first.reasons) == ("PAY-1", "PART", ())
    (tx,) = first.transactions
    assert (tx.end_to_end_id, tx.status, tx.amount) == ("E2E-2", "RJCT", Decimal("45.50"))
    assert tx.reasons == (StatusReason("AC04", "Rekening opgeheven"),)
    assert tx.source is not None
    assert tx.source.path == "Document/CstmrPmtStsRpt/OrgnlPmtInfAndSts[1]/TxInfAndSts[1]"
    assert tx.source.line == REPORT.decode().splitlines().index("      <TxInfAndSts>") + 1
    assert (second.batch_id, second.status, second.reasons, second.transactions) == (
        "PAY-2",
        "RJCT",
        (StatusReason("AM04"),),
        (),
    )


def test_a_message_rejected_as_a_whole() -> None:
    report = read_status(pain002("MSG-DD-1", group_status="RJCT", group_reason="FF01"), source="sts.xml")
    assert (report.group_status, report.group_reasons, report.batches) == ("RJCT", (StatusReason("FF01"),), ())


def test_the_sandbox_banks_reports_read_back() -> None:
    """What our sandbox bank writes for a partly rejected upload is read as it meant it."""
    sent = pain001(
        [
            Pmt(
                "B-1",
                "NL80RABO5806583321",
                date(2026, 11, 20),
                (Tx("E-1", "10.00", "A", "NL22KNAB6197875328"), Tx("E-2", "5.00", "B", "NL69ABNA7774981744")),
            )
        ],
        msg_id="M-9",
    )
    upload = bank_pain.read(sent, "pain.001")
    payment = Payment(
        id="pay-0123456789abcdef0123456789abcdef",
        kind="pain.001",
        message_id=upload.message_id,
        namespace=upload.version,
        consent_id="c",
        status="PART",
        reason=None,
        reason_text=None,
        document={
            "batches": bank_pain.batches_to_json(upload.batches),
            "rejected": [{"batch": "B-1", "endToEndId": "E-2", "reason": "AC01", "text": "IBAN unknown"}],
            "count": 2,
            "sum": "15.00",
        },
    )
    report = read_status(bank_pain002.report(payment, datetime(2026, 11, 21, 8, tzinfo=UTC)), source="bank.xml")
    assert (report.original_message_id, report.group_status, report.created) == ("M-9", "PART", date(2026, 11, 21))
    (batch,) = report.batches
    assert (batch.batch_id, batch.status) == ("B-1", "PART")
    assert [(t.end_to_end_id, t.status, t.reasons) for t in batch.transactions] == [
        ("E-2", "RJCT", (StatusReason("AC01", "IBAN unknown"),))
    ]


def test_reasons_in_words() -> None:
    assert describe((StatusReason("AC04"),)) == "AC04 closed account"
    assert describe((StatusReason("AC04", "Rekening opgeheven"),)) == "AC04 closed account (Rekening opgeheven)"
    assert describe((StatusReason("X123", "eigen code"),)) == "X123 (eigen code)"
    assert describe((StatusReason(None, "only text"), StatusReason("AM04"))) == "only text; AM04 insufficient funds"
    assert describe(()) == "no reason given"


def test_hostile_and_broken_reports_are_refused() -> None:
    bomb = b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    data = REPORT.replace(b"<?xml version='1.0' encoding='UTF-8'?>\n", bomb).replace(b"STS-1", b"&x;")
    assert "a document type declaration (DOCTYPE/ENTITY) is not allowed in a pain.002 status report" in error(data)
    assert "broken XML" in error(REPORT.replace(b"</OrgnlMsgId>", b"</OrgnlMsg>"))
    assert "this is no pain.002 payment status report" in error(
        pain001([Pmt("P", "NL80RABO5806583321", date(2026, 1, 1), (Tx("E", "1.00", "A", "NL22KNAB6197875328"),))])
    )
    assert "pain.002.001.02 is not supported; use pain.002.001.03 or later" in error(
        REPORT.replace(b"pain.002.001.03", b"pain.002.001.02")
    )
    assert error(REPORT.replace(b"<TxSts>RJCT</TxSts>", b"<TxSts>rejected</TxSts>")).endswith(
        "Document/CstmrPmtStsRpt/OrgnlPmtInfAndSts[1]/TxInfAndSts[1]: TxSts: 'rejected' is not a status code"
    )
    assert error(REPORT.replace(b"<OrgnlMsgId>MSG-PAY-1</OrgnlMsgId>", b"")).endswith(
        "Document/CstmrPmtStsRpt/OrgnlGrpInfAndSts: OrgnlMsgId: is missing"
    )
    assert error(REPORT.replace(b"2026-11-21T09:00:00", b"21-11-2026")).endswith(
        "Document/CstmrPmtStsRpt/GrpHdr: CreDtTm: '21-11-2026' is not a date"
    )
    assert "OrgnlTxRef/Amt/InstdAmt: '4,50' is not an amount" in error(REPORT.replace(b">45.50<", b">4,50<"))


def test_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bankbridge.payments.status_report.MAX_BYTES", 100)
    assert "larger than 100 bytes" in error(REPORT)


@settings(max_examples=150, deadline=None)
@given(st.integers(0, len(REPORT) - 1), st.binary(min_size=0, max_size=12))
def test_any_damage_gives_a_report_or_a_clean_error(at: int, junk: bytes) -> None:
    data = REPORT[:at] + junk + REPORT[at + len(junk) :]
    try:
        read_status(data, source="sts.xml")
    except ParseError as exc:
        assert str(exc).startswith("sts.xml")
