"""Bad input never gives a traceback: any bytes give statements or a ParseError whose
message names file, line and field; encodings and wrappers are handled; MT940 sniffing
claims no other format's files."""

from __future__ import annotations

import codecs
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bankbridge.errors import ParseError
from bankbridge.formats.mt940 import FORMAT
from bankbridge.formats.mt940.format import file_lines, split_text

GOOD = (
    ":20:940S250102\r\n:25:NL44RABO0123456789\r\n:28C:7/1\r\n:60F:C250101EUR1000,00\r\n"
    ":61:2501020102D12,50N102EREF//B1\r\nNL91ABNA0417164300\r\n"
    ":86:/EREF/E1/BENM//NAME/Caf\u00e9 Jans/REMI/Factuur 1\r\n:62F:C250102EUR987,50\r\n"
)


def parse(text: str | bytes):  # type: ignore[no-untyped-def]
    data = text.encode("utf-8") if isinstance(text, str) else text
    return FORMAT.parse(data, source="bad.sta")


@pytest.mark.parametrize(
    ("broken", "field", "message"),
    [
        (":61:250132D12,50N102EREF//B1", ":61: value date", "date '250132' does not exist"),
        (":61:2501020102D12;50N102EREF//B1", ":61: transaction type", "transaction type missing"),
        (":61:2501020102X12,50N102EREF//B1", ":61: debit/credit mark", "debit/credit mark missing"),
        (":61:2501020102D,50N102EREF//B1", ":61: amount", "amount missing"),
        (":61:25X1020102D12,50N102", ":61: value date", "value date '25X102' is not YYMMDD"),
    ],
)
def test_broken_61_names_file_line_field_and_excerpt(broken: str, field: str, message: str) -> None:
    text = GOOD.replace(":61:2501020102D12,50N102EREF//B1", broken)
    with pytest.raises(ParseError) as info:
        parse(text)
    error = info.value
    assert (error.file, error.line, error.field) == ("bad.sta", 5, field)
    assert message in error.reason
    assert error.excerpt == broken[4:]
    assert str(error).startswith(f"bad.sta:5: {field}: ")


def test_broken_balance_names_its_tag() -> None:
    with pytest.raises(ParseError) as info:
        parse(GOOD.replace(":62F:C250102EUR987,50", ":62F:X250102EUR987,50"))
    assert (info.value.line, info.value.field) == (8, ":62F: debit/credit mark")


def test_balance_mismatch_is_a_diagnostic_not_an_error() -> None:
    result = parse(GOOD.replace("987,50", "900,00"))
    assert [d.code for d in result.diagnostics] == ["balance_mismatch"]
    assert "difference -87.50" in result.diagnostics[0].message


def test_trailing_garbage_is_tolerated_with_a_diagnostic() -> None:
    result = parse(GOOD + "-\r\nsome trailing text\r\n\x1a")
    assert len(result.statements) == 1
    assert [d.code for d in result.diagnostics] == ["ignored_text"]
    assert result.diagnostics[0].message.startswith("bad.sta:10: ")


@pytest.mark.parametrize(
    "data",
    [
        GOOD.encode("utf-8"),
        GOOD.replace("\r\n", "\n").encode("utf-8"),
        GOOD.replace("\r\n", "\r").encode("utf-8"),
        codecs.BOM_UTF8 + GOOD.encode("utf-8"),
        GOOD.encode("cp1252"),
        codecs.BOM_UTF16_LE + GOOD.encode("utf-16-le"),
        ("{1:F01RABONL2UAXXX0000000000}{2:I940RABONL2UXXXXN}{4:\r\n" + GOOD + "-}\r\n").encode(),
    ],
)
def test_encodings_line_endings_and_swift_blocks(data: bytes) -> None:
    (statement,) = FORMAT.parse(data, source="x.sta").statements
    (line,) = statement.lines
    assert line.counterparty_name == "Caf\u00e9 Jans"
    assert (statement.statement_number, statement.sequence) == ("7", "1")


@pytest.mark.parametrize("data", [b"", b"\x00\xff" * 10, b"hello\nworld", b":20:X\n", b"-}\n{1:"])
def test_no_statement_is_a_parse_error(data: bytes) -> None:
    with pytest.raises(ParseError) as info:
        FORMAT.parse(data, source="empty.sta")
    assert str(info.value).startswith("empty.sta:")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_any_bytes_give_statements_or_a_parse_error(data: bytes) -> None:
    try:
        FORMAT.parse(data, source="fuzz.sta")
    except ParseError as error:
        assert error.file == "fuzz.sta"


@settings(max_examples=150, deadline=None)
@given(st.integers(0, len(GOOD) - 1), st.integers(0, len(GOOD)), st.text(max_size=12))
def test_mangled_statements_give_statements_or_a_parse_error(start: int, end: int, insert: str) -> None:
    text = GOOD[:start] + insert + GOOD[max(start, end) :]
    try:
        result = FORMAT.parse(text.encode("utf-8", "surrogatepass"), source="fuzz.sta")
    except ParseError as error:
        assert error.file == "fuzz.sta" and error.line is not None
    else:
        assert all(s.account for s in result.statements)


def test_sniffing_claims_no_other_format(corpus: Path) -> None:
    others = [p for p in corpus.glob("*/*/*") if p.parent.parent.name != "mt940" and p.is_file()]
    assert others
    claimed = [str(p) for p in others if FORMAT.sniff(p.read_bytes()[:8192])]
    assert claimed == []


def test_account_before_reference_is_one_statement() -> None:
    text = GOOD.replace(":20:940S250102\r\n:25:NL44RABO0123456789\r\n", ":25:NL44RABO0123456789\r\n:20:940S250102\r\n")
    (statement,) = parse(text).statements
    assert (statement.account, statement.statement_id) == ("NL44RABO0123456789", "940S250102")


def test_opening_balance_after_a_closing_one_starts_the_next_statement() -> None:
    second = ":60F:C250102EUR987,50\r\n:61:2501030103C2,50NTRFNONREF//B2\r\n:62F:C250103EUR990,00\r\n"
    result = parse(GOOD + second)
    first, following = result.statements
    assert following.account == first.account == "NL44RABO0123456789"
    assert [line.amount for line in following.lines] == [Decimal("2.50")]
    assert following.source is not None and following.source.line == 9
    assert result.diagnostics == ()


@pytest.mark.parametrize("block_size", [1, 7, 64, 1 << 18])
def test_streamed_lines_do_not_depend_on_block_boundaries(tmp_path: Path, block_size: int) -> None:
    text = GOOD * 3 + "\r\n:86:Caf\u00e9 \u20ac 5\r\n"
    path = tmp_path / "x.sta"
    path.write_bytes(codecs.BOM_UTF8 + text.encode("utf-8") + ":86:Caf\xe9\r\n".encode("cp1252"))
    lines = list(file_lines(path, block_size=block_size))
    assert lines == [*split_text(text), ":86:Caf\u00e9"]
    assert len(list(FORMAT.iter_file(path))) == 3
