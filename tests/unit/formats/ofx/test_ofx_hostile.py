"""Broken or unusual OFX input: clean ParseErrors with file and line, leniencies that
other readers share, and no crash on any bytes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bankbridge.errors import ParseError
from bankbridge.formats.ofx import FORMAT

HEADER = (
    "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\n"
    "CHARSET:1252\r\nCOMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n"
)


def sgml(transactions: str, *, currency: str = "<CURDEF>EUR", balance: str = "12.50") -> str:
    return (
        HEADER
        + "<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>\r\n"
        + f"<STMTRS>{currency}<BANKACCTFROM><BANKID>X<ACCTID>NL91 ABNA 0417 1643 00"
        + "<ACCTTYPE>CHECKING</BANKACCTFROM>\r\n<BANKTRANLIST><DTSTART>20240101<DTEND>20240131\r\n"
        + transactions
        + "</BANKTRANLIST>\r\n"
        + f"<LEDGERBAL><BALAMT>{balance}<DTASOF>20240131</LEDGERBAL>\r\n"
        + "</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\r\n"
    )


GOOD = (
    "<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240105120000[+1:CET]<DTAVAIL>20240106"
    "<TRNAMT>-12,50<FITID>A1<NAME>Bakker<MEMO>brood</STMTTRN>\r\n"
)


def parse(text: str, encoding: str = "cp1252") -> object:
    return FORMAT.parse(text.encode(encoding), source="t.ofx")


def error_of(text: str) -> ParseError:
    with pytest.raises(ParseError) as info:
        parse(text)
    return info.value


def test_a_small_sgml_statement() -> None:
    result = FORMAT.parse(sgml(GOOD).encode(), source="t.ofx")
    st = result.statements[0]
    assert st.account == "NL91ABNA0417164300"
    line = st.lines[0]
    assert line.amount == Decimal("-12.50")
    assert str(line.value_date) == "2024-01-06"
    assert line.source is not None and line.source.line == 14


def test_cp1252_text() -> None:
    text = sgml(GOOD.replace("Bakker", "Café Zoë"))
    st = FORMAT.parse(text.encode("cp1252"), source="t.ofx").statements[0]
    assert st.lines[0].counterparty_name == "Café Zoë"


def test_entities_are_resolved() -> None:
    text = sgml(GOOD.replace("Bakker", "AT&amp;T &lt;US&gt;"))
    st = FORMAT.parse(text.encode(), source="t.ofx").statements[0]
    assert st.lines[0].counterparty_name == "AT&T <US>"


def test_missing_amount_names_line_and_field() -> None:
    error = error_of(sgml(GOOD.replace("<TRNAMT>-12,50", "")))
    assert str(error).startswith("t.ofx:14: OFX/BANKMSGSRSV1/STMTTRNRS/STMTRS/BANKTRANLIST/STMTTRN")
    assert "TRNAMT: is missing" in str(error)


def test_bad_date() -> None:
    error = error_of(sgml(GOOD.replace("20240105120000[+1:CET]", "20241305")))
    assert "DTPOSTED" in str(error)
    assert "not a date" in str(error)


def test_unclosed_aggregate() -> None:
    error = error_of(sgml(GOOD).replace("</BANKTRANLIST>", ""))
    assert "does not close" in str(error)
    assert error.line is not None


def test_text_outside_elements() -> None:
    error = error_of(sgml(GOOD).replace("</STMTTRN>", "</STMTTRN>garbage"))
    assert "text outside any element" in str(error)
    assert error.line == 14


def test_no_ofx_element() -> None:
    assert "no <OFX> element" in str(error_of(HEADER + "nothing here"))


def test_no_statement() -> None:
    assert "no bank or credit-card statement" in str(error_of("<OFX><SIGNONMSGSRSV1></SIGNONMSGSRSV1></OFX>"))


def test_missing_account() -> None:
    error = error_of(sgml(GOOD).replace("<ACCTID>NL91 ABNA 0417 1643 00", ""))
    assert "BANKACCTFROM/ACCTID" in str(error)


@pytest.mark.parametrize(
    "head",
    [b"OFXHEADER:100\r\n", b'<?xml version="1.0"?>\n<?OFX OFXHEADER="200"?>\n<OFX>', b"\n\n  <ofx>"],
)
def test_sniff_claims(head: bytes) -> None:
    assert FORMAT.sniff(head)


@pytest.mark.parametrize(
    "head",
    [b"", b":20:X\r\n", b'<?xml version="1.0"?><Document xmlns="camt"/>', b"0000011101772505"],
)
def test_sniff_refuses(head: bytes) -> None:
    assert not FORMAT.sniff(head)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_any_bytes_after_the_ofx_tag_give_a_model_or_a_parse_error(data: bytes) -> None:
    try:
        FORMAT.parse(b"<OFX>" + data, source="fuzz.ofx")
    except ParseError as exc:
        assert str(exc).startswith("fuzz.ofx")


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=len(sgml(GOOD)) - 1), st.text(max_size=3))
def test_any_damaged_statement_gives_a_model_or_a_parse_error(at: int, text: str) -> None:
    base = sgml(GOOD)
    try:
        FORMAT.parse((base[:at] + text + base[at + 1 :]).encode(), source="fuzz.ofx")
    except ParseError as exc:
        assert str(exc).startswith("fuzz.ofx")


def test_a_dos_end_of_file_mark_is_ignored() -> None:
    plain = FORMAT.parse(sgml(GOOD).encode(), source="t.ofx")
    assert FORMAT.parse(sgml(GOOD).encode() + b"\x1a", source="t.ofx") == plain
