"""Hostile and broken input: every byte string gives a model or a ParseError naming the
file (and line / XML path where there is one), never a traceback or an expansion."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bankbridge.errors import ParseError
from bankbridge.formats.camt import FORMAT, iter_items
from bankbridge.statements.model import ParseResult

ROOT = Path(__file__).resolve().parents[4]
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
SAMPLE = (CORPUS / "camt053/oca-bank-statement-import/test-camt053.xml").read_bytes()
NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Document [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<Stmt><Id>&lol9;</Id></Stmt></BkToCstmrStmt></Document>
"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<Stmt><Id>&xxe;</Id></Stmt></BkToCstmrStmt></Document>
"""


def _error(data: bytes) -> ParseError:
    with pytest.raises(ParseError) as info:
        FORMAT.parse(data, source="bad.xml")
    assert str(info.value).startswith("bad.xml")
    return info.value


def test_billion_laughs_is_refused_before_parsing() -> None:
    error = _error(LAUGHS)
    assert "document type declaration" in str(error) and error.line == 2


def test_external_entity_is_refused() -> None:
    error = _error(XXE)
    assert "DOCTYPE" in str(error) and "root:" not in str(error)


def test_doctype_far_into_a_padded_prolog_is_refused() -> None:
    padded = b'<?xml version="1.0"?>\n<!--' + b" " * 70_000 + b"-->\n" + XXE.split(b"\n", 1)[1]
    assert "DOCTYPE" in str(_error(padded))


def test_utf16_doctype_is_refused() -> None:
    assert "DOCTYPE" in str(_error(XXE.decode().encode("utf-16")))


def test_empty_input() -> None:
    error = _error(b"")
    assert "broken XML" in str(error)


def test_truncated_xml_names_line_and_path() -> None:
    cut = SAMPLE[: SAMPLE.index(b"<Ntry>", SAMPLE.index(b"<Ntry>") + 10) + 200]
    error = _error(cut)
    assert "broken XML" in error.reason
    assert error.line is not None and error.line > 50
    assert error.path == "Document/BkToCstmrStmt/Stmt"


def test_wrong_root() -> None:
    error = _error(b'<?xml version="1.0"?><Document xmlns="urn:x"><Foo><Stmt/></Foo></Document>')
    assert "no CAMT.052/053/054 message" in str(error) and error.path == "Document/Foo"


def test_bad_amount_names_line_path_and_field() -> None:
    data = SAMPLE.replace(b'<Amt Ccy="EUR">1405.31</Amt>', b'<Amt Ccy="EUR">14O5.31</Amt>')
    error = _error(data)
    assert error.field == "Ntry/Amt" and error.path == "Document/BkToCstmrStmt/Stmt[1]/Ntry[3]"
    assert error.line == SAMPLE[: SAMPLE.index(b"1405.31")].count(b"\n") + 1
    assert "'14O5.31' is not an amount" in str(error)


def test_bad_indicator_and_date() -> None:
    credit = b"<CdtDbtInd>CRDT</CdtDbtInd>\n                <Sts>"
    error = _error(SAMPLE.replace(credit, b"<CdtDbtInd>X</CdtDbtInd><Sts>"))
    assert error.field == "Ntry/CdtDbtInd"
    error = _error(SAMPLE.replace(b"<Dt>2014-01-05</Dt>", b"<Dt>2014-02-30</Dt>", 1))
    assert error.field == "Bal/Dt" and "not a date" in str(error)


def test_missing_account() -> None:
    start, end = SAMPLE.index(b"<Acct>"), SAMPLE.index(b"</Acct>") + 7
    error = _error(SAMPLE[:start] + SAMPLE[end:])
    assert error.field == "Acct" and error.path == "Document/BkToCstmrStmt/Stmt[1]"


def test_size_limit_is_enforced_while_streaming() -> None:
    with pytest.raises(ParseError, match="larger than 1000 bytes"):
        list(iter_items(io.BytesIO(SAMPLE), source="big.xml", limit=1000))


def test_no_namespace_is_tolerated() -> None:
    data = SAMPLE.replace(f' xmlns="{NS}"'.encode(), b"")
    (statement,) = FORMAT.parse(data, source="plain.xml").statements
    assert len(statement.lines) == 3 and statement.format == "camt053"


def test_non_camt_xml_is_not_sniffed() -> None:
    assert not FORMAT.sniff(b'<?xml version="1.0"?><OFX><SIGNONMSGSRSV1/></OFX>')
    assert not FORMAT.sniff(b":20:STARTUMS\r\n:25:NL91ABNA0417164300\r\n:28C:1/1\r\n")
    assert not FORMAT.sniff(b"0000001012300005        camt.053.001.02")
    assert not FORMAT.sniff(b"")
    assert FORMAT.sniff(b'\xef\xbb\xbf<?xml version="1.0"?><Document><BkToCstmrStmt>')


def _mutations() -> st.SearchStrategy[bytes]:
    cut = st.integers(0, len(SAMPLE))
    junk = st.binary(max_size=12) | st.sampled_from(
        [b"<", b">", b"</Ntry>", b"<Ntry>", b"&", b"&amp;", b"<!--", b"]]>", b"DBIT", b"-", b"T", b"\x00"]
    )
    return st.tuples(cut, cut, junk).map(lambda t: SAMPLE[: min(t[0], t[1])] + t[2] + SAMPLE[max(t[0], t[1]) :])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutations())
def test_fuzz_mutated_xml_gives_a_model_or_a_parse_error(data: bytes) -> None:
    try:
        result = FORMAT.parse(data, source="fuzz.xml")
    except ParseError as error:
        assert str(error).startswith("fuzz.xml")
        return
    assert isinstance(result, ParseResult)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_fuzz_random_bytes(data: bytes) -> None:
    try:
        FORMAT.parse(data, source="fuzz.bin")
    except ParseError as error:
        assert str(error).startswith("fuzz.bin")


def test_missing_amount_points_at_the_entry_line() -> None:
    data = SAMPLE.replace(b'<Amt Ccy="EUR">1405.31</Amt>', b"")
    error = _error(data)
    assert error.field == "Ntry/Amt" and "amount is missing" in str(error)
    assert error.line == SAMPLE[: SAMPLE.index(b"1405.31")].count(b"\n")


def test_markup_like_text_after_the_root_is_not_a_doctype() -> None:
    data = SAMPLE.replace(
        b"<Ustrd>Direct Debit S14 0410</Ustrd>", b"<Ustrd><![CDATA[<!DOCTYPE x> <!ENTITY y>]]></Ustrd>", 1
    )
    (statement,) = FORMAT.parse(data, source="cdata.xml").statements
    assert statement.lines[1].items[0].description == "<!DOCTYPE x> <!ENTITY y>"
