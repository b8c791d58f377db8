"""Features of real pain files (bank samples, ERP exports, the fixtures of SEPA
libraries) that the readers must take: each test rebuilds the feature with our own
synthesised input."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from bankbridge.errors import ParseError
from bankbridge.payments import pain
from bankbridge.payments.model import StatusReason
from bankbridge.payments.reasons import describe
from bankbridge.payments.status_report import read_status
from pain_samples import PREFIX, Pmt, PmtSts, Tx, TxSts, pain001, pain002, pain008

ACCOUNT = "NL80RABO5806583321"
DAY = date(2026, 11, 20)
TX1 = Tx("E2E-1", "100.00", "Lotte de Vries", "NL22KNAB6197875328", text="factuur 20260001")
TX2 = Tx("E2E-2", "50.10", "De Groot", "NL69ABNA7774981744", reference="2000000020260001")
SIX = "http://www.six-interbank-clearing.com/de/"


def batches() -> list[Pmt]:
    return [Pmt("PAY-1", ACCOUNT, DAY, (TX1, TX2))]


def renamed(data: bytes, old: str, namespace: str) -> bytes:
    return data.replace(f"{PREFIX}{old}".encode(), namespace.encode())


def error(data: bytes) -> str:
    with pytest.raises(ParseError) as info:
        pain.read(data, source="bad.xml")
    return str(info.value)


@pytest.mark.parametrize(
    ("namespace", "version"),
    [
        (f"{PREFIX}pain.001.002.03", "pain.001.002.03"),  # EPC implementation guide variant
        (f"{PREFIX}pain.001.003.03", "pain.001.003.03"),  # German DK (Anlage 3) variant
        (f"{SIX}pain.001.001.03.ch.02.xsd", "pain.001.001.03.ch.02"),  # Swiss Payment Standards
    ],
)
def test_national_and_epc_variants_of_pain_001_read_as_the_iso_version(namespace: str, version: str) -> None:
    data = renamed(pain001(batches()), "pain.001.001.03", namespace)
    message = pain.read(data, source="pay.xml")
    assert (message.kind, message.version, message.message_id) == ("payment", version, "MSG-PAY-1")
    (batch,) = message.batches
    assert (batch.batch_id, batch.account_iban, batch.date, batch.total) == ("PAY-1", ACCOUNT, DAY, Decimal("150.10"))
    assert [i.end_to_end_id for i in batch.items] == ["E2E-1", "E2E-2"]


@pytest.mark.parametrize("variant", ["pain.008.002.02", "pain.008.003.02"])
def test_epc_and_german_variants_of_pain_008(variant: str) -> None:
    data = renamed(pain008(batches()), "pain.008.001.02", PREFIX + variant)
    message = pain.read(data, source="dd.xml")
    assert (message.kind, message.version) == ("direct_debit", variant)
    assert [i.mandate_id for i in message.batches[0].items] == ["MANDATE-1", "MANDATE-2"]


def test_a_document_without_namespace_is_read_by_its_message_element() -> None:
    data = renamed(pain001(batches()), "pain.001.001.03", "").replace(b' xmlns=""', b"")
    assert b"xmlns" not in data
    message = pain.read(data, source="pay.xml")
    assert (message.kind, message.version, message.batches[0].total) == ("payment", "pain.001", Decimal("150.10"))


def test_variants_of_old_versions_and_other_messages_are_still_refused() -> None:
    old = renamed(pain001(batches()), "pain.001.001.03", "urn:swift:xsd:$pain.001.002.02")
    assert error(old).endswith("Document: pain.001.002.02 is not supported; use pain.001.001.03 or later")
    message_element = old.replace(b"CstmrCdtTrfInitn", b"pain.001.001.02")
    assert error(message_element).endswith("pain.001.002.02 is not supported; use pain.001.001.03 or later")
    other = renamed(pain001(batches()), "pain.001.001.03", f"{PREFIX}pain.008.003.02")
    assert "this is no pain.001 or pain.008 message" in error(other)
    camt = renamed(pain001(batches()), "pain.001.001.03", f"{PREFIX}camt.053.001.02")
    assert "this is no pain.001 or pain.008 message" in error(camt)


REPORT = pain002("MSG-DD-1", (PmtSts("PAY-1", None, (TxSts("E2E-2", "RJCT", "AC01", amount="50.10"),)),))


@pytest.mark.parametrize(
    ("namespace", "version"),
    [
        (f"{PREFIX}pain.002.002.03", "pain.002.002.03"),
        (f"{PREFIX}pain.002.003.03", "pain.002.003.03"),
        (f"{SIX}pain.002.001.03.ch.02.xsd", "pain.002.001.03.ch.02"),
    ],
)
def test_national_and_epc_variants_of_pain_002(namespace: str, version: str) -> None:
    report = read_status(renamed(REPORT, "pain.002.001.03", namespace), source="sts.xml")
    assert (report.version, report.original_message_id) == (version, "MSG-DD-1")
    (batch,) = report.batches
    assert [(t.end_to_end_id, t.status, t.amount) for t in batch.transactions] == [("E2E-2", "RJCT", Decimal("50.10"))]


def test_a_status_report_without_namespace() -> None:
    data = renamed(REPORT, "pain.002.001.03", "").replace(b' xmlns=""', b"")
    report = read_status(data, source="sts.xml")
    assert (report.version, report.batches[0].batch_id) == ("pain.002", "PAY-1")
    with pytest.raises(ParseError, match=r"pain\.002\.002\.02 is not supported"):
        read_status(renamed(REPORT, "pain.002.001.03", "urn:swift:xsd:$pain.002.002.02"), source="sts.xml")
    with pytest.raises(ParseError, match=r"this is no pain\.002 payment status report"):
        read_status(renamed(REPORT, "pain.002.001.03", f"{PREFIX}pain.001.003.03"), source="sts.xml")


@pytest.mark.parametrize("written", ["2026-11-20+01:00", "2026-11-20-05:00", "2026-11-20Z"])
def test_dates_with_a_time_zone_read_as_written(written: str) -> None:
    """``xs:date`` may carry a time zone (JAXB and .NET writers add one)."""
    data = pain001(batches()).replace(b"<ReqdExctnDt>2026-11-20<", f"<ReqdExctnDt>{written}<".encode())
    assert pain.read(data, source="pay.xml").batches[0].date == DAY
    dd = pain008(batches()).replace(b"<ReqdColltnDt>2026-11-20<", f"<ReqdColltnDt>{written}<".encode())
    assert pain.read(dd, source="dd.xml").batches[0].date == DAY
    v09 = pain001(batches(), version="pain.001.001.09").replace(b"<Dt>2026-11-20<", f"<Dt>{written}<".encode())
    assert pain.read(v09, source="pay.xml").batches[0].date == DAY
    wrong = pain001(batches()).replace(b"<ReqdExctnDt>2026-11-20<", b"<ReqdExctnDt>2026-13-20+01:00<")
    assert error(wrong).endswith("PmtInf[1]: ReqdExctnDt: '2026-13-20+01:00' is not a date")


def test_an_equivalent_amount_is_the_amount_in_the_debtor_accounts_currency() -> None:
    """``Amt/EqvtAmt``: the debtor account is charged ``Amt`` (its own currency), the
    creditor is paid in ``CcyOfTrf``; the control sums count ``Amt``."""
    data = pain001(batches()).replace(
        b'<InstdAmt Ccy="EUR">50.10</InstdAmt>',
        b'<EqvtAmt><Amt Ccy="EUR">50.10</Amt><CcyOfTrf>CHF</CcyOfTrf></EqvtAmt>',
    )
    assert b"EqvtAmt" in data
    (batch,) = pain.read(data, source="pay.xml").batches
    assert [(i.amount, i.currency) for i in batch.items] == [(Decimal("100.00"), "EUR"), (Decimal("50.10"), "EUR")]
    wrong = data.replace(b'<Amt Ccy="EUR">50.10</Amt>', b'<Amt Ccy="EUR">50.105</Amt>')
    assert "CdtTrfTxInf[2]: Amt/EqvtAmt/Amt: amount 50.105 has more decimals than EUR allows" in error(wrong)
    neither = data.replace(b"<EqvtAmt>", b"<Other>").replace(b"</EqvtAmt>", b"</Other>")
    assert "CdtTrfTxInf[2]: Amt/InstdAmt: amount is missing" in error(neither)


def test_an_account_given_without_iban_is_named_in_the_refusal() -> None:
    data = pain001(batches()).replace(f"<IBAN>{ACCOUNT}</IBAN>".encode(), b"<Othr><Id>00125574999</Id></Othr>")
    assert error(data).endswith(
        "PmtInf[1]: DbtrAcct/Id/IBAN: is missing: the account is given as '00125574999' (Othr/Id), not as an IBAN;"
        " batches are routed by IBAN"
    )
    creditor = pain001(batches()).replace(b"<IBAN>NL22KNAB6197875328</IBAN>", b"<Othr><Id>01-39139-1</Id></Othr>")
    first = pain.read(creditor, source="pay.xml").batches[0].items[0]
    assert (first.counterparty_iban, first.counterparty_name, first.amount) == (None, "Lotte de Vries", Decimal(100))


def test_reason_codes_of_real_reports_in_words() -> None:
    """Codes Swiss and Dutch banks give for file and batch rejections."""
    assert describe((StatusReason("AM10", "904114;ControlSum fehlerhaft"),)) == (
        "AM10 invalid control sum (904114;ControlSum fehlerhaft)"
    )
    assert describe((StatusReason("CH16"), StatusReason("DU01"))) == (
        "CH16 element content formally incorrect; DU01 duplicate message id"
    )


def test_structured_remittance_names_the_invoices_paid() -> None:
    """``RmtInf/Strd/RfrdDocInf/Nb`` (the referred documents: commercial invoices, as
    ERPs write them) and ``Strd/AddtlRmtInf`` are remittance text; the creditor reference
    may stand in any ``Strd``."""
    strd = (
        b"<RmtInf>"
        b"<Strd><RfrdDocInf><Tp><CdOrPrtry><Cd>CINV</Cd></CdOrPrtry></Tp><Nb>20260001</Nb>"
        b"<RltdDt>2026-11-01</RltdDt></RfrdDocInf>"
        b"<RfrdDocAmt><RmtdAmt Ccy='EUR'>60.00</RmtdAmt></RfrdDocAmt></Strd>"
        b"<Strd><RfrdDocInf><Nb>20260002</Nb></RfrdDocInf><AddtlRmtInf>two invoices</AddtlRmtInf></Strd>"
        b"</RmtInf>"
    )
    data = re.sub(rb"<RmtInf>\s*<Ustrd>factuur 20260001</Ustrd>\s*</RmtInf>", strd, pain001(batches()))
    assert data.count(b"<RfrdDocInf>") == 2
    first, second = pain.read(data, source="pay.xml").batches[0].items
    assert (first.remittance, first.reference) == ("20260001 20260002 two invoices", None)
    assert (second.remittance, second.reference) == (None, "2000000020260001")
    both = pain001(batches()).replace(b"<Ustrd>factuur 20260001</Ustrd>", b"<Ustrd>factuur</Ustrd>" + strd[8:-9])
    assert pain.read(both, source="pay.xml").batches[0].items[0].remittance == "factuur 20260001 20260002 two invoices"
    two_strd = pain001(batches()).replace(b"<Strd>", b"<Strd><AddtlRmtInf>first</AddtlRmtInf></Strd><Strd>")
    assert pain.read(two_strd, source="pay.xml").batches[0].items[1].reference == "2000000020260001"
