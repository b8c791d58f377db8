"""The Belgian structured communication (OGM/VCS) check as CODA uses it: generated valid
references pass, any single-digit change fails, and CODA reports (not crashes on) a bad one."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bankbridge.formats.coda import FORMAT
from bankbridge.formats.coda.communication import movement
from bankbridge.identifiers.references import is_valid, validate_ogm

ROOT = Path(__file__).resolve().parents[4]
SAMPLE = (ROOT / ".." / "shared" / "corpus" / "coda" / "php-coda-parser" / "sample1.cod").resolve()

payloads = st.integers(min_value=0, max_value=9_999_999_999).map(lambda n: f"{n:010d}")


def ogm(payload: str) -> str:
    check = int(payload) % 97 or 97
    return f"{payload}{check:02d}"


def test_the_standards_test_vector() -> None:
    assert validate_ogm("+++010/8068/17183+++").compact == "010806817183"
    assert ogm("0108068171") == "010806817183"


@settings(max_examples=200)
@given(payloads)
def test_generated_references_pass(payload: str) -> None:
    text = ogm(payload)
    assert validate_ogm(text).payload == payload
    assert validate_ogm(f"+++{text[:3]}/{text[3:7]}/{text[7:]}+++").compact == text
    assert movement(True, "101" + text + " " * 38).invalid_reference is None


@settings(max_examples=200)
@given(payloads, st.integers(min_value=0, max_value=11), st.integers(min_value=1, max_value=9))
def test_any_single_digit_change_fails(payload: str, position: int, shift: int) -> None:
    text = ogm(payload)
    digit = (int(text[position]) + shift) % 10
    changed = text[:position] + str(digit) + text[position + 1 :]
    assert not is_valid(f"+++{changed[:3]}/{changed[3:7]}/{changed[7:]}+++")
    found = movement(True, "101" + changed + " " * 38)
    assert found.payment_reference == changed
    assert found.invalid_reference is not None


def test_a_bad_check_in_a_file_is_a_diagnostic_with_the_line() -> None:
    result = FORMAT.parse(SAMPLE.read_bytes(), source="sample1.cod")
    bad = [d for d in result.diagnostics if d.code == "invalid_reference"]
    assert [d.source.line for d in bad if d.source] == [3, 8, 13, 18]
    assert result.statements[0].lines[0].payment_reference == "000003505158"


def test_a_valid_reference_in_a_file_gives_no_diagnostic() -> None:
    lines = SAMPLE.read_text("ascii").splitlines()
    good = ogm("0000035051")
    lines[2] = lines[2][:65] + good + lines[2][77:]
    result = FORMAT.parse("\n".join(lines).encode(), source="fixed.cod")
    assert result.statements[0].lines[0].payment_reference == good
    assert [d.source.line for d in result.diagnostics if d.code == "invalid_reference" and d.source] == [
        8,
        13,
        18,
    ]
