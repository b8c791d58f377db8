"""Every MT940 file of the corpus parses (or is refused with a clean ParseError), whole
files are claimed by MT940 alone, and each parse matches our golden record in
``tests/golden/mt940/<source>/<file>.json`` (rewrite with ``pytest --update-golden``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bankbridge.errors import ParseError
from bankbridge.formats.mt940 import FORMAT
from bankbridge.formats.registry import detect
from bankbridge.statements.record import statement_record

ROOT = Path(__file__).resolve().parents[4]
CORPUS = (ROOT / ".." / "shared" / "corpus" / "mt940").resolve()
GOLDEN = ROOT / "tests" / "golden" / "mt940"
FILES = sorted(str(p.relative_to(CORPUS)) for p in CORPUS.glob("*/*") if p.suffix not in {".md", ".json", ".yml"})
# Fragments of files (parser unit-test snippets without :25:) and a statement without
# an account: refused with a ParseError naming file, line and :25:.
REFUSED = {
    "mt940-rs/special-cases_unexpected_tag.sta": 2,
    "wolph-mt940/betterplace_amount_formats.sta": 1,
    "wolph-mt940/betterplace_empty_86.sta": 1,
    "wolph-mt940/betterplace_empty_entry_date.sta": 1,
    "wolph-mt940/self-provided_sparkassen.sta": 1,
}
# Snippets that hold a statement but not the :20:/:25:/:60F: start sniffing looks for.
NOT_SNIFFED = {"wolph-mt940/betterplace_currency_in_25.sta"}


def test_the_corpus_is_there() -> None:
    assert len(FILES) == 109  # PROVENANCE.md: 109 MT940 statement files


@pytest.mark.parametrize("relative", sorted(set(FILES) - set(REFUSED) - NOT_SNIFFED))
def test_whole_files_are_claimed_by_mt940_alone(relative: str) -> None:
    data = (CORPUS / relative).read_bytes()
    assert FORMAT.sniff(data[:8192])
    assert detect(data, source=relative).name == "mt940"


@pytest.mark.parametrize("relative", sorted(set(FILES) - set(REFUSED)))
def test_matches_golden_record(relative: str, update_golden: bool) -> None:
    name = Path(relative).name
    result = FORMAT.parse((CORPUS / relative).read_bytes(), source=name)
    assert result.statements
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


@pytest.mark.parametrize(("relative", "line"), sorted(REFUSED.items()))
def test_fragments_are_refused_naming_file_line_and_field(relative: str, line: int) -> None:
    name = Path(relative).name
    with pytest.raises(ParseError) as info:
        FORMAT.parse((CORPUS / relative).read_bytes(), source=name)
    assert info.value.file == name
    assert info.value.line == line
    assert info.value.field == ":25: account"
    assert str(info.value).startswith(f"{name}:{line}: :25: account: ")


@pytest.mark.parametrize("relative", sorted(set(FILES) - set(REFUSED)))
def test_streaming_gives_the_same_statements(relative: str) -> None:
    path = CORPUS / relative
    assert tuple(FORMAT.iter_file(path)) == tuple(
        s for s in FORMAT.parse(path.read_bytes(), source=str(path)).statements
    )


@pytest.mark.parametrize("relative", sorted(set(FILES) - set(REFUSED)))
def test_every_line_keeps_its_raw_text_and_source(relative: str) -> None:
    result = FORMAT.parse((CORPUS / relative).read_bytes(), source="x.sta")
    for statement in result.statements:
        assert statement.format in ("mt940", "mt942")
        for line in statement.lines:
            assert line.raw.startswith(":61:")
            assert line.source is not None and line.source.line
            assert line.bank_code is None or line.bank_code[:1].isalpha()
            if ":86:" in line.raw and line.detail_lines:
                first_86 = line.raw.split(":86:", 1)[1].split("\n", 1)[0]
                assert line.detail_lines[0] == first_86.rstrip()
