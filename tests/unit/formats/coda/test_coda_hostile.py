"""Broken CODA input: clean ParseErrors naming file, line, record type and field; no crash
on any bytes; and the sniff rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bankbridge.errors import ParseError
from bankbridge.formats.coda import FORMAT

ROOT = Path(__file__).resolve().parents[4]
SAMPLE = (ROOT / ".." / "shared" / "corpus" / "coda" / "php-coda-parser" / "sample1.cod").resolve()


def records() -> list[str]:
    return SAMPLE.read_text("ascii").splitlines()


def with_record(index: int, start: int, value: str) -> bytes:
    """sample1 with ``value`` written at 1-based position ``start`` of record ``index``."""
    lines = records()
    line = lines[index]
    lines[index] = line[: start - 1] + value + line[start - 1 + len(value) :]
    return ("\n".join(lines) + "\n").encode("ascii")


def error_of(data: bytes) -> ParseError:
    with pytest.raises(ParseError) as info:
        FORMAT.parse(data, source="bad.cod")
    return info.value


def test_bad_amount_names_file_line_record_and_field() -> None:
    error = error_of(with_record(2, 33, "00000000000X500"))
    assert error.file == "bad.cod"
    assert error.line == 3
    assert str(error).startswith("bad.cod:3:33: record 21: amount (positions 33-47): must be digits")


def test_bad_value_date() -> None:
    error = error_of(with_record(2, 48, "311317"))
    assert "bad.cod:3" in str(error)
    assert "value date" in str(error)
    assert "not a date" in str(error)


def test_bad_sign_of_old_balance() -> None:
    error = error_of(with_record(1, 43, "7"))
    assert str(error).startswith("bad.cod:2:43: record 1: old balance sign")


def test_unknown_record_type() -> None:
    lines = records()
    lines.insert(3, "5" + " " * 127)
    error = error_of("\n".join(lines).encode())
    assert error.line == 4
    assert "unknown CODA record type" in str(error)


def test_statement_without_new_balance() -> None:
    lines = [line for line in records() if not line.startswith("8")]
    error = error_of("\n".join(lines).encode())
    assert "no record 8" in str(error)
    assert error.line == len(lines)


def test_movement_before_the_old_balance() -> None:
    lines = records()
    del lines[1]
    error = error_of("\n".join(lines).encode())
    assert "outside a statement" in str(error)
    assert error.line == 2


def test_overlong_record() -> None:
    lines = records()
    lines[2] += "EXTRA"
    error = error_of("\n".join(lines).encode())
    assert error.line == 3
    assert "133 characters" in str(error)


def test_coda_version_1_is_refused() -> None:
    error = error_of(with_record(0, 128, "1"))
    assert "version code" in str(error)
    assert error.line == 1


def test_empty_file() -> None:
    assert "empty" in str(error_of(b""))


def test_trailer_mismatch_is_a_warning() -> None:
    result = FORMAT.parse(with_record(len(records()) - 1, 17, "000099"), source="x.cod")
    codes = [d.code for d in result.diagnostics]
    assert "trailer_mismatch" in codes
    assert len(result.statements) == 1


def test_crlf_and_trimmed_records_read_the_same() -> None:
    plain = FORMAT.parse(SAMPLE.read_bytes(), source="a.cod")
    crlf = "\r\n".join(line.rstrip() for line in records()).encode()
    assert FORMAT.parse(crlf, source="a.cod") == plain


def test_records_without_line_breaks_are_cut_at_128() -> None:
    plain = FORMAT.parse(SAMPLE.read_bytes(), source="a.cod").statements[0]
    unbroken = FORMAT.parse("".join(records()).encode(), source="a.cod").statements[0]
    assert [(x.amount, x.bank_reference) for x in unbroken.lines] == [(x.amount, x.bank_reference) for x in plain.lines]


def test_two_statements_in_one_file() -> None:
    data = SAMPLE.read_bytes().rstrip(b"\r\n")
    result = FORMAT.parse(data + b"\n" + data, source="two.cod")
    assert len(result.statements) == 2
    assert result.statements[1].source is not None
    assert result.statements[1].source.line == len(records()) + 2


# --- sniff ---------------------------------------------------------------------------------


def test_sniff_claims_coda_with_bom() -> None:
    assert FORMAT.sniff(b"\xef\xbb\xbf" + SAMPLE.read_bytes())


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"0",
        b":20:STARTUMS\r\n:25:NL91ABNA0417164300\r\n",
        b"0000 01INGBNL2AXXXX00001 0000000000\r\n",
        b"<?xml version='1.0'?><Document/>",
        b"OFXHEADER:100\r\nDATA:OFXSGML\r\n",
        b"0000099999" + b" " * 118,
    ],
)
def test_sniff_refuses_other_files(head: bytes) -> None:
    assert not FORMAT.sniff(head)


# --- fuzz ----------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_any_bytes_give_a_model_or_a_parse_error(data: bytes) -> None:
    try:
        FORMAT.parse(data, source="fuzz.cod")
    except ParseError as exc:
        assert str(exc).startswith("fuzz.cod")


@settings(max_examples=150, deadline=None)
@given(
    index=st.integers(min_value=0, max_value=23),
    position=st.integers(min_value=1, max_value=128),
    char=st.characters(codec="latin-1"),
)
def test_any_damaged_character_gives_a_model_or_a_parse_error(index: int, position: int, char: str) -> None:
    lines = records()
    line = lines[index]
    lines[index] = line[: position - 1] + char + line[position:]
    try:
        FORMAT.parse("\n".join(lines).encode("latin-1"), source="fuzz.cod")
    except ParseError as exc:
        assert str(exc).startswith("fuzz.cod")


# --- globalisation edge cases --------------------------------------------------------------

BATCH = SAMPLE.with_name("sample10.cod")


def test_type_9_details_nest_under_their_type_7() -> None:
    lines = BATCH.read_text("ascii").splitlines()
    lines[4] = lines[4][:53] + "7" + lines[4][54:]
    lines[9] = lines[9][:53] + "9" + lines[9][54:]
    total = FORMAT.parse("\n".join(lines).encode(), source="b.cod").statements[0].lines[0]
    assert [item.amount for item in total.items] == [250]
    assert [item.amount for item in total.items[0].items] == [750]


def test_details_without_their_total_are_kept_with_a_warning() -> None:
    lines = BATCH.read_text("ascii").splitlines()
    del lines[2:4]
    result = FORMAT.parse("\n".join(lines).encode(), source="b.cod")
    assert [d.code for d in result.diagnostics].count("orphan_detail") == 1
    [line] = result.statements[0].lines
    assert line.amount == 250
    assert [item.amount for item in line.items] == [750]


def test_a_dos_end_of_file_mark_is_ignored() -> None:
    plain = FORMAT.parse(SAMPLE.read_bytes(), source="a.cod")
    assert FORMAT.parse(SAMPLE.read_bytes() + b"\r\n\x1a", source="a.cod") == plain


def test_a_balance_without_date_is_left_out_with_a_warning() -> None:
    result = FORMAT.parse(with_record(1, 59, "000000"), source="x.cod")
    assert result.statements[0].opening_balance is None
    assert result.statements[0].closing_balance is not None
    assert [(d.code, d.source.line if d.source else None) for d in result.diagnostics][-1:] == [
        ("balance_without_date", 2)
    ]


def test_statement_number_falls_back_to_the_coda_sequence_when_left_000() -> None:
    statement = FORMAT.parse(with_record(1, 3, "000"), source="x.cod").statements[0]
    assert statement.statement_number == "138"
    assert statement.sequence == "138"
