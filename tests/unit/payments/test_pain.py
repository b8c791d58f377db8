"""Reading pain.001 / pain.008 (payments in transit, R-C1/R-C2/R-D8): both kinds,
several PmtInf, namespace versions, and hostile or broken XML refused with file, line,
XML path and field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bankbridge.errors import ParseError
from bankbridge.payments import pain
from pain_samples import Pmt, Tx, pain001, pain008, schema_errors

ACCOUNT = "NL80RABO5806583321"
DAY = date(2026, 11, 20)
TX1 = Tx("E2E-1", "100.00", "Lotte de Vries", "NL22KNAB6197875328", text="factuur 20260001")
TX2 = Tx("NOTPROVIDED", "50.10", "De Groot", "NL69ABNA7774981744", reference="2000000020260001")
TX3 = Tx("E2E-3", "7.5", "Dekker", "NL46TRIO7699273039", text="Factuur 20260009 en 20260010")


def batches() -> list[Pmt]:
    return [Pmt("PAY-1", ACCOUNT, DAY, (TX1, TX2)), Pmt("PAY-2", "NL74INGB7685370089", date(2026, 11, 21), (TX3,))]


@pytest.mark.parametrize("version", ["pain.001.001.03", "pain.001.001.09"])
def test_credit_transfers_with_several_batches(version: str) -> None:
    data = pain001(batches(), version=version, msg_id="M-1")
    assert schema_errors(data) == []
    message = pain.read(data, source="pay.xml")
    assert (message.kind, message.version, message.message_id) == ("payment", version, "M-1")
    first, second = message.batches
    assert (first.batch_id, first.account_iban, first.date, first.total) == ("PAY-1", ACCOUNT, DAY, Decimal("150.10"))
    assert (second.batch_id, second.date, second.total) == ("PAY-2", date(2026, 11, 21), Decimal("7.5"))
    one, two = first.items
    assert (one.end_to_end_id, one.amount, one.currency, one.counterparty_iban) == (
        "E2E-1",
        Decimal("100.00"),
        "EUR",
        "NL22KNAB6197875328",
    )
    assert (one.remittance, one.reference, one.counterparty_name) == ("factuur 20260001", None, "Lotte de Vries")
    assert (two.end_to_end_id, two.reference, two.remittance) == (None, "2000000020260001", None)
    assert two.source is not None
    assert two.source.path == "Document/CstmrCdtTrfInitn/PmtInf[1]/CdtTrfTxInf[2]"
    assert two.source.line is not None and two.source.line > 1


@pytest.mark.parametrize("version", ["pain.008.001.02", "pain.008.001.08"])
def test_direct_debits(version: str) -> None:
    data = pain008(batches(), version=version)
    assert schema_errors(data) == []
    message = pain.read(data, source="dd.xml")
    assert (message.kind, message.version) == ("direct_debit", version)
    assert [b.batch_id for b in message.batches] == ["PAY-1", "PAY-2"]
    assert [b.kind for b in message.batches] == ["direct_debit", "direct_debit"]
    item = message.batches[0].items[0]
    assert (item.counterparty_iban, item.mandate_id, item.amount) == ("NL22KNAB6197875328", "MANDATE-1", Decimal(100))


@pytest.mark.parametrize(
    ("old", "new"), [("pain.001.001.09", "pain.001.001.11"), ("pain.008.001.08", "pain.008.001.10")]
)
def test_later_versions_are_read_by_namespace(old: str, new: str) -> None:
    maker = pain001 if old.startswith("pain.001") else pain008
    data = maker(batches(), version=old).replace(old.encode(), new.encode())
    message = pain.read(data, source="new.xml")
    assert message.version == new
    assert sum(b.total for b in message.batches) == Decimal("157.60")


def error(data: bytes, source: str = "bad.xml") -> str:
    with pytest.raises(ParseError) as info:
        pain.read(data, source=source)
    return str(info.value)


def test_an_older_version_is_refused() -> None:
    data = pain001(batches()).replace(b"pain.001.001.03", b"pain.001.001.02")
    assert error(data) == "bad.xml:2: Document: pain.001.001.02 is not supported; use pain.001.001.03 or later"


def test_a_camt_file_is_not_a_pain_file() -> None:
    data = pain001(batches()).replace(b"pain.001.001.03", b"camt.053.001.02")
    assert "bad.xml:2: Document: this is no pain.001 or pain.008 message (namespace" in error(data)


def test_a_pain_008_namespace_with_a_credit_transfer_body_is_refused() -> None:
    data = pain001(batches()).replace(b"pain.001.001.03", b"pain.008.001.02")
    assert "this is no pain.001 or pain.008 message" in error(data)


def test_doctype_with_entities_is_refused_with_its_line() -> None:
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
        b' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n'
    )
    data = pain001(batches()).replace(b"<?xml version='1.0' encoding='UTF-8'?>\n", bomb)
    data = data.replace(b"<MsgId>MSG-PAY-1</MsgId>", b"<MsgId>&lol2;</MsgId>")
    message = error(data)
    assert message.startswith("bad.xml:2: a document type declaration (DOCTYPE/ENTITY) is not allowed in a pain file")
    assert "entity attack" in message


def test_external_entity_is_refused() -> None:
    data = pain001(batches()).replace(
        b"<?xml version='1.0' encoding='UTF-8'?>\n",
        b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n',
    )
    assert "DOCTYPE/ENTITY) is not allowed" in error(data.replace(b"MSG-PAY-1", b"&x;"))


def test_an_undeclared_entity_is_broken_xml_not_expanded() -> None:
    data = pain001(batches()).replace(b"MSG-PAY-1", b"&x;")
    assert error(data).startswith("bad.xml:5:")
    assert "broken XML" in error(data)


def test_broken_xml_names_the_line() -> None:
    data = pain001(batches()).replace(b"</Nm>", b"</Name>", 3)
    message = error(data)
    assert message.startswith("bad.xml:10:")
    assert "broken XML" in message


def test_missing_batch_id_names_path_and_field() -> None:
    data = pain008(batches()).replace(b"<PmtInfId>PAY-2</PmtInfId>", b"")
    assert error(data).endswith("Document/CstmrDrctDbtInitn/PmtInf[2]: PmtInfId: is missing")


def test_control_sum_that_does_not_add_up() -> None:
    data = pain001(batches()).replace(b"<CtrlSum>150.10</CtrlSum>", b"<CtrlSum>150.00</CtrlSum>")
    assert error(data).endswith(
        "Document/CstmrCdtTrfInitn/PmtInf[1]: CtrlSum: says 150.00, the amounts add up to 150.10"
    )


def test_count_that_does_not_fit() -> None:
    data = pain001(batches()).replace(b"<NbOfTxs>3</NbOfTxs>", b"<NbOfTxs>4</NbOfTxs>")
    assert "GrpHdr: NbOfTxs: says 4 transactions, the file holds 3" in error(data)


def test_amount_finer_than_the_currency_and_negative_amounts() -> None:
    data = pain001(batches()).replace(b">100.00<", b">100.001<")
    assert "CdtTrfTxInf[1]: Amt/InstdAmt: amount 100.001 has more decimals than EUR allows" in error(data)
    data = pain008(batches()).replace(b">7.5<", b">0.00<")
    assert "DrctDbtTxInf[1]: InstdAmt: 0.00 is not a positive amount" in error(data)


def test_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pain, "MAX_BYTES", 100)
    assert error(pain001(batches())) == "bad.xml: file is larger than 100 bytes; refused"


def test_identifiers_longer_than_the_schema_allows() -> None:
    long_id = "B" * 36
    data = pain001([Pmt(long_id, ACCOUNT, DAY, (TX1,))])
    assert error(data).endswith("Document/CstmrCdtTrfInitn/PmtInf[1]: PmtInfId: is longer than 35 characters")
    data = pain001([Pmt("B1", ACCOUNT, DAY, (Tx("E" * 36, "1.00", "X", "NL22KNAB6197875328"),))])
    assert "CdtTrfTxInf[1]: PmtId/EndToEndId: is longer than 35 characters" in error(data)
