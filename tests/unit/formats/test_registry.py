"""The format registry: detection by content over the whole corpus (exactly one format claims
each statement file), encodings, line endings, zip archives, and input that is no
statement at all."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bankbridge.errors import ParseError
from bankbridge.formats import registry
from bankbridge.formats.text import decode
from bankbridge.statements.model import ParseResult

ROOT = Path(__file__).resolve().parents[3]
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
NOT_STATEMENTS = {".md", ".json", ".yml", ".pydata", ".zip"}
FILES = sorted(str(p.relative_to(CORPUS)) for p in CORPUS.glob("*/*/*") if p.suffix not in NOT_STATEMENTS)
EXPECTED_FORMAT = {
    "camt052": "camt",
    "camt053": "camt",
    "camt054": "camt",
    "coda": "coda",
    "mt940": "mt940",
    "ofx": "ofx",
}
# Fragments of MT940 files (no :20:/:25: header): claimed by MT940, so that reading them
# says what is missing (":25: account") instead of "not a statement file".
MT940_FRAGMENTS = {
    "mt940/mt940-rs/special-cases_unexpected_tag.sta",
    "mt940/wolph-mt940/betterplace_amount_formats.sta",
    "mt940/wolph-mt940/betterplace_empty_86.sta",
    "mt940/wolph-mt940/betterplace_empty_entry_date.sta",
    "mt940/wolph-mt940/self-provided_sparkassen.sta",
}
CODA = CORPUS / "coda" / "php-coda-parser" / "sample6.cod"
OFX = CORPUS / "ofx" / "ofxparse" / "bank_medium.ofx"


def claims(data: bytes) -> list[str]:
    return [fmt.name for fmt in registry.formats() if fmt.sniff(data[: registry.HEAD_BYTES])]


def test_the_corpus_is_there() -> None:
    assert len(FILES) == 171  # 172 statement files minus the zip archive


@pytest.mark.parametrize("relative", FILES)
def test_every_statement_file_is_claimed_by_exactly_one_format(relative: str) -> None:
    data = (CORPUS / relative).read_bytes()
    assert claims(data) == [EXPECTED_FORMAT[relative.split("/", maxsplit=1)[0]]]


@pytest.mark.parametrize("relative", sorted(MT940_FRAGMENTS))
def test_an_mt940_fragment_is_refused_naming_the_missing_account(relative: str) -> None:
    with pytest.raises(ParseError, match=r":25: account: statement has no account identification"):
        registry.read((CORPUS / relative).read_bytes(), source=relative)


# --- encodings and line endings ------------------------------------------------------------


def statements_of(data: bytes, source: str = "x") -> ParseResult:
    [found] = registry.read(data, source=source)
    return found.result


def coda_with_name(name: str) -> str:
    """sample6 with the account holder's name (record 1, positions 65-90) replaced."""
    lines = CODA.read_text("ascii").splitlines()
    lines[1] = lines[1][:64] + name.ljust(26) + lines[1][90:]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b""), ("latin-1", b"")],
)
def test_coda_in_each_encoding(encoding: str, bom: bytes) -> None:
    name = "CAFÉ ZOË € ŒUVRE" if encoding == "cp1252" else "CAFÉ ZOË"
    data = bom + coda_with_name(name).encode(encoding)
    assert claims(data) == ["coda"]
    assert statements_of(data).statements[0].account_name == name


def test_latin1_bytes_cp1252_does_not_define_fall_back_to_latin1() -> None:
    data = "CAFÉ ".encode("latin-1") + b"\x81"  # not UTF-8; 0x81 is undefined in CP1252
    assert decode(data) == "CAFÉ \x81"
    assert decode("€".encode("cp1252")) == "€"
    assert decode(b"\xef\xbb\xbf" + "€".encode()) == "€"
    assert decode("ZOË".encode("utf-16")) == "ZOË"  # with its BOM


@pytest.mark.parametrize("path", [CODA, OFX], ids=["coda", "ofx"])
def test_crlf_and_lf_give_the_same_statements(path: Path) -> None:
    data = path.read_bytes().replace(b"\r\n", b"\n")
    lf = statements_of(data).statements
    crlf = statements_of(data.replace(b"\n", b"\r\n")).statements
    assert [(s.account, s.closing_balance) for s in lf] == [(s.account, s.closing_balance) for s in crlf]
    assert [(x.amount, x.bank_reference, x.description) for s in lf for x in s.lines] == [
        (x.amount, x.bank_reference, x.description) for s in crlf for x in s.lines
    ]


def test_ofx_with_bom_and_utf8_names() -> None:
    text = OFX.read_text("ascii").replace("MCDONALD'S #112<MEMO>", "Crème Brûlée<MEMO>")
    data = b"\xef\xbb\xbf" + text.encode("utf-8")
    assert claims(data) == ["ofx"]
    assert statements_of(data).statements[0].lines[0].counterparty_name == "Crème Brûlée"


# --- zip archives --------------------------------------------------------------------------


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_corpus_zip_gives_one_result_per_member() -> None:
    data = (CORPUS / "camt053" / "oca-bank-statement-import" / "test-camt053.zip").read_bytes()
    results = registry.read(data, source="test-camt053.zip")
    assert len(results) == 2
    assert all(r.source.startswith("test-camt053.zip!") for r in results)
    assert {r.format for r in results} == {"camt"}
    assert all(r.result.statements for r in results)


def test_zip_of_mixed_formats() -> None:
    data = zipped({"a.cod": CODA.read_bytes(), "dir/b.ofx": OFX.read_bytes()})
    results = registry.read(data, source="mixed.zip")
    assert [(r.source, r.format) for r in results] == [
        ("mixed.zip!a.cod", "coda"),
        ("mixed.zip!dir/b.ofx", "ofx"),
    ]


def test_zip_bomb_is_refused_before_unpacking(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "MAX_ARCHIVE_BYTES", 1_000_000)
    bomb = zipped({"zeros.cod": b"0" * 3_000_000})
    assert len(bomb) < 20_000
    with pytest.raises(ParseError, match="unpacks to more than"):
        registry.read(bomb, source="bomb.zip")


def test_broken_zip() -> None:
    with pytest.raises(ParseError) as info:
        registry.read(b"PK\x03\x04" + b"\x00garbage" * 10, source="broken.zip")
    assert str(info.value).startswith("broken.zip: broken zip archive")


def test_damaged_compressed_data_is_a_parse_error() -> None:
    data = bytearray(zipped({"a.cod": CODA.read_bytes()}))
    start = 30 + len("a.cod")  # the member's data follows its local header
    data[start : start + 40] = b"\xff" * 40
    with pytest.raises(ParseError) as info:
        registry.read(bytes(data), source="set.zip")
    assert str(info.value).startswith("set.zip!a.cod: cannot unpack")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(min_value=4), st.integers(0, 255)), min_size=1, max_size=4))
def test_any_damaged_zip_gives_results_or_a_parse_error(flips: list[tuple[int, int]]) -> None:
    data = bytearray(zipped({"a.cod": CODA.read_bytes(), "b.ofx": OFX.read_bytes()}))
    for at, value in flips:
        data[at % len(data)] = value
    try:
        registry.read(bytes(data), source="z.zip")
    except ParseError as exc:
        assert str(exc).startswith("z.zip")


def test_a_broken_member_names_archive_and_member() -> None:
    data = zipped({"bad.cod": b"0000011101772505" + b"x" * 200})
    with pytest.raises(ParseError) as info:
        registry.read(data, source="set.zip")
    assert str(info.value).startswith("set.zip!bad.cod:1")


# --- not a statement -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00\xff\xfe\x89PNG\r\n\x1a\n" * 50, b"hello world\n", bytes(range(256)) * 4],
    ids=["empty", "binary", "text", "all-bytes"],
)
def test_not_a_statement_file(data: bytes) -> None:
    with pytest.raises(ParseError) as info:
        registry.read(data, source="junk.bin")
    assert str(info.value).startswith("junk.bin:1: not a statement file")


def test_two_claims_are_an_error_not_first_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    from bankbridge.formats.coda import FORMAT as CODA_FORMAT

    monkeypatch.setattr(registry, "formats", lambda: (CODA_FORMAT, CODA_FORMAT))
    with pytest.raises(ParseError, match="claimed by several formats"):
        registry.detect(CODA.read_bytes(), source="x.cod")
