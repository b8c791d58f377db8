"""Every CAMT file of the corpus parses (or is refused cleanly), is claimed by CAMT alone,
and matches our own golden parse record in ``tests/golden/camt/``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bankbridge.errors import ParseError
from bankbridge.formats.camt import FORMAT
from bankbridge.formats.registry import detect, read
from bankbridge.statements.record import statement_record

ROOT = Path(__file__).resolve().parents[4]
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
GOLDEN = ROOT / "tests" / "golden" / "camt"
FILES = sorted(str(p.relative_to(CORPUS)) for p in CORPUS.glob("camt05[234]/*/*.xml"))
INVALID = {"camt053/genkgo-camt/camt053.v2.wrong.xml"}


def test_the_corpus_is_there() -> None:
    assert len(FILES) == 39


@pytest.mark.parametrize("relative", FILES)
def test_sniffed_as_camt_only(relative: str) -> None:
    data = (CORPUS / relative).read_bytes()
    assert FORMAT.sniff(data[:1024])
    assert detect(data, source=relative).name == "camt"


@pytest.mark.parametrize("relative", sorted(set(FILES) - INVALID))
def test_matches_golden_record(relative: str, update_golden: bool) -> None:
    data = (CORPUS / relative).read_bytes()
    name = Path(relative).name
    result = FORMAT.parse(data, source=name)
    assert result.statements
    kind = relative.split("/", maxsplit=1)[0]
    assert all(s.format == kind for s in result.statements)
    record = {
        "statements": [statement_record(s, file=name) for s in result.statements],
        "diagnostics": [d.code for d in result.diagnostics],
    }
    golden = GOLDEN / Path(relative).parent.name / f"{name}.json"
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", "utf-8")
    assert golden.is_file(), f"no golden file {golden}; run pytest --update-golden"
    assert record == json.loads(golden.read_text("utf-8"))


def test_wrong_file_is_refused_with_a_clear_message() -> None:
    data = (CORPUS / "camt053/genkgo-camt/camt053.v2.wrong.xml").read_bytes()
    with pytest.raises(ParseError) as info:
        FORMAT.parse(data, source="camt053.v2.wrong.xml")
    message = str(info.value)
    assert message.startswith("camt053.v2.wrong.xml")
    assert "Document/BkToCstmrStmt" in message
    assert "no Stmt" in message


def test_zip_goes_through_the_registry() -> None:
    # OCA: the zip holds 2 camt.053 files (statements 1234Test/2 and 1234Test/3).
    data = (CORPUS / "camt053/oca-bank-statement-import/test-camt053.zip").read_bytes()
    results = read(data, source="test-camt053.zip")
    assert [r.format for r in results] == ["camt", "camt"]
    statements = [s for r in results for s in r.result.statements]
    assert [s.statement_id for s in statements] == ["1234Test/2", "1234Test/3"]
    assert all(s.account == "NL77ABNA0574908765" for s in statements)
    assert [len(s.lines) for s in statements] == [3, 3]
    for s in statements:
        assert s.opening_balance is not None and s.closing_balance is not None
        assert str(s.opening_balance.amount) == "15568.27"
        assert str(s.closing_balance.amount) == "15121.12"
        assert str(sum(line.amount for line in s.lines)) == "57.01"
    assert results[0].source == "test-camt053.zip!test-camt053_02.xml"


OTHERS = sorted(
    str(p.relative_to(CORPUS))
    for folder in ("mt940", "coda", "ofx")
    for p in (CORPUS / folder).rglob("*")
    if p.is_file() and p.suffix.lower() not in (".md", ".json", ".pydata", ".zip")
)


def test_other_formats_are_not_claimed() -> None:
    assert len(OTHERS) > 100
    claimed = [r for r in OTHERS if FORMAT.sniff((CORPUS / r).read_bytes()[:8192])]
    assert claimed == []
