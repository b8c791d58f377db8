"""``bankbridge parse`` and ``bankbridge convert`` through the real console script: the
``parse`` record of interfaces.md, exit codes (0 ok, 1 bad file, 2 usage), messages with
file:line and no traceback, and convert round trips."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

BANKBRIDGE = str(Path(sys.executable).with_name("bankbridge"))
ROOT = Path(__file__).resolve().parents[2]
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
CODA = CORPUS / "coda" / "php-coda-parser" / "sample1.cod"
CODA_BATCH = CORPUS / "coda" / "php-coda-parser" / "sample10.cod"
OFX = CORPUS / "ofx" / "ofxparse" / "bank_medium.ofx"
MT940 = CORPUS / "mt940" / "jejik-mt940" / "abnamro.txt"

STATEMENT_KEYS = {
    "file",
    "format",
    "dialect",
    "account_iban",
    "currency",
    "statement_number",
    "sequence",
    "opening_balance",
    "closing_balance",
    "lines",
}
LINE_KEYS = {
    "booking_date",
    "value_date",
    "amount",
    "currency",
    "counterparty_iban",
    "counterparty_bic",
    "counterparty_name",
    "bank_reference",
    "end_to_end_id",
    "mandate_id",
    "payment_reference",
    "description",
    "bank_code",
    "iso_code",
    "items",
    "raw",
}


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([BANKBRIDGE, *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def records(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_parse_prints_the_record_of_interfaces_md(tmp_path: Path) -> None:
    result = run("parse", str(CODA), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    [record] = records(result.stdout)
    assert set(record) == STATEMENT_KEYS
    assert record["format"] == "coda"
    assert record["file"] == str(CODA)
    assert record["opening_balance"] == {"date": "2017-10-10", "amount": "17752.12"}
    assert record["closing_balance"] == {"date": "2017-10-11", "amount": "17832.12"}
    assert len(record["lines"]) == 4
    for line in record["lines"]:
        assert set(line) == LINE_KEYS
    assert record["lines"][0]["amount"] == "5.00"
    assert record["lines"][0]["payment_reference"] == "000003505158"
    # warnings (bad OGM check digits in this sample) go to stderr, not stdout
    assert "warning: " in result.stderr
    assert f"{CODA}:3: " in result.stderr


def test_parse_with_format_jsonl_and_several_files(tmp_path: Path) -> None:
    result = run("parse", "--format", "jsonl", str(CODA), str(OFX), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [r["format"] for r in records(result.stdout)] == ["coda", "ofx"]


def test_broken_file_exits_1_with_file_line_and_the_others_are_still_parsed(tmp_path: Path) -> None:
    lines = CODA.read_text("ascii").splitlines()
    lines[2] = lines[2][:32] + "00000000000X500" + lines[2][47:]
    broken = tmp_path / "broken.cod"
    broken.write_text("\n".join(lines) + "\n")
    result = run("parse", "broken.cod", str(OFX), cwd=tmp_path)
    assert result.returncode == 1
    assert "error: broken.cod:3:33: record 21: amount (positions 33-47): must be digits" in (result.stderr)
    assert "Traceback" not in result.stderr
    assert [r["format"] for r in records(result.stdout)] == ["ofx"]


def test_unknown_or_missing_file_exits_1(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("shopping list\n")
    for name, message in (
        ("notes.txt", "error: notes.txt:1: not a statement file"),
        ("missing.sta", "error: missing.sta: cannot read"),
    ):
        result = run("parse", name, cwd=tmp_path)
        assert result.returncode == 1
        assert result.stderr.startswith(message)
        assert "Traceback" not in result.stderr
        assert result.stdout == ""


def test_unknown_output_format_is_a_usage_error(tmp_path: Path) -> None:
    result = run("parse", "--format", "xml", str(CODA), cwd=tmp_path)
    assert result.returncode == 2


def amounts(record: dict[str, Any]) -> list[tuple[Decimal, str | None]]:
    return [(Decimal(line["amount"]), line["booking_date"]) for line in record["lines"]]


@pytest.mark.parametrize("source", [CODA, CODA_BATCH, OFX, MT940], ids=["coda", "batch", "ofx", "mt940"])
@pytest.mark.parametrize("target", ["camt053", "mt940"])
def test_convert_round_trip_keeps_lines_and_amounts(source: Path, target: str, tmp_path: Path) -> None:
    before = run("parse", str(source), cwd=tmp_path)
    assert before.returncode == 0, before.stderr
    out = tmp_path / "out"
    out.mkdir()
    converted = run("convert", str(source), "--to", target, "--output", str(out), cwd=tmp_path)
    assert converted.returncode == 0, converted.stderr
    [written] = list(out.iterdir())
    assert written.stem == source.stem
    after = run("parse", str(written), cwd=tmp_path)
    assert after.returncode == 0, after.stderr
    old, new = records(before.stdout), records(after.stdout)
    assert [r["format"] for r in new] == [target] * len(old)
    assert [amounts(r) for r in new] == [amounts(r) for r in old]
    assert [r["closing_balance"] for r in new] == [r["closing_balance"] for r in old]
    # the account survives (a writer may drop the blanks of a non-IBAN account number)
    assert [r["account_iban"].replace(" ", "") for r in new] == [r["account_iban"].replace(" ", "") for r in old]


def test_convert_to_stdout(tmp_path: Path) -> None:
    result = run("convert", str(CODA), "--to", "camt053", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "camt.053" in result.stdout


def test_convert_of_a_broken_file_exits_1(tmp_path: Path) -> None:
    (tmp_path / "junk.sta").write_bytes(b"\x00\x01junk")
    result = run("convert", "junk.sta", "--to", "mt940", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("error: junk.sta:1:")
    assert "Traceback" not in result.stderr


def test_convert_never_overwrites_its_input(tmp_path: Path) -> None:
    source = tmp_path / "abnamro.sta"
    source.write_bytes(MT940.read_bytes())
    result = run("convert", "abnamro.sta", "--to", "mt940", "--output", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert "would overwrite the input file" in result.stderr
    assert source.read_bytes() == MT940.read_bytes()
