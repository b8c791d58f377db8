"""The reader's fast path gives exactly what the line-by-line path gives: the one-regex
entry reader (``tokens.ENTRY``), the run reader of Rabobank entries (``fastline.py``),
the piece-wise code-word split and the fast construction of ``StatementLine``
(``records.py``)."""

from __future__ import annotations

import dataclasses
import importlib.util
import pickle
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bankbridge.errors import ParseError
from bankbridge.formats.mt940 import fastline
from bankbridge.formats.mt940 import format as format_module
from bankbridge.formats.mt940.codewords import CODE_WORDS, split_code_words
from bankbridge.formats.mt940.dialects import base
from bankbridge.formats.mt940.format import decode_block, decode_text, file_blocks, normalise, text_block
from bankbridge.formats.mt940.reader import Reader
from bankbridge.formats.mt940.records import FAST
from bankbridge.formats.mt940.tokens import BLANKS, COMMON_ENTRY, RUN_ENTRY
from bankbridge.formats.mt940.tokens import ENTRY as ENTRY_PATTERN
from bankbridge.statements.model import Source, StatementLine


def _read(text: str, *, fast: bool) -> object:
    reader = Reader(source="x.sta", fast=fast)
    try:
        statements = list(reader.read((text_block(text),)))
    except ParseError as error:
        return ("error", str(error), error.line, error.field, error.excerpt)
    return statements, reader.diagnostics


def _same_both_ways(text: str) -> None:
    fast, slow = _read(text, fast=True), _read(text, fast=False)
    assert fast == slow
    assert repr(fast) == repr(slow)  # also what == does not see: the sign of a zero amount


def test_corpus_files_read_the_same_both_ways(corpus: Path) -> None:
    files = sorted(p for p in (corpus / "mt940").rglob("*") if p.is_file())
    assert files
    for path in files:
        _same_both_ways(decode_text(path.read_bytes()))


ENTRY = (
    ":61:2501020102D12,50N102EREF//B1\nNL91ABNA0417164300\n"
    ":86:/EREF/E1/BENM//NAME/Caf\u00e9 Jans/REMI/Factuur 1 van 10:04 op 2025-01\n-02 klaar\n"
)
HEAD = ":940:\n:20:940S250102\n:25:NL44RABO0123456789\n:28C:7/1\n:60F:C250101EUR1000,00\n"
TAIL = ":62F:C250102EUR987,50\n"


@pytest.mark.parametrize(
    "entry",
    [
        ENTRY,
        ENTRY.replace("\n-02", "\n:04 x"),  # a line like a tag that is none
        ENTRY.replace("\n-02", "\n-"),  # a lone "-" ends the message
        ENTRY.replace("\n-02", "\n-XXX"),
        ENTRY.replace("\n-02", "\n   \n-02"),  # a blank line inside the :86:
        ENTRY.replace("klaar\n", "klaar\n   \n"),  # a trailing blank line
        ENTRY.replace("klaar", "klaar\x1a"),  # a control code at a line end
        ENTRY.replace("\n-02", "\n\xad02"),
        ENTRY.replace("\n-02", "\n{4:"),
        ENTRY.replace("B1\n", "B1  \n"),  # trailing blanks on the :61: line
        ENTRY.replace("2501020102D", "2501320102D"),  # an invalid date: a ParseError
        ENTRY.replace("2501020102D", "2502300230D"),  # 30 February: clamped with a diagnostic
        ENTRY.replace("D12,50N102", "RC12,50N102"),
        ENTRY.replace("D12,50N102", "D0,00N102"),
        ENTRY.replace("EREF//B1", "NONREF"),
        ENTRY.replace(":86:", ":86:\n"),
        ENTRY + ":86:/REMI/a second :86: of the same entry\n",
        ENTRY.replace("NL91ABNA0417164300\n", ""),
        ENTRY.split(":86:", maxsplit=1)[0],  # no :86:
    ],
)
def test_irregular_entries_read_the_same_both_ways(entry: str) -> None:
    _same_both_ways(HEAD + entry * 3 + TAIL)
    _same_both_ways(HEAD + ENTRY + entry + ":61:2501020102C1,N102NONREF\n" + TAIL + HEAD + entry)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(ENTRY)), st.text(alphabet=":-{}/\n \t\x1a\xadEREF0123CDN,", max_size=8))
def test_mangled_entries_read_the_same_both_ways(at: int, insert: str) -> None:
    _same_both_ways(HEAD + ENTRY + ENTRY[:at] + insert + ENTRY[at:] + ENTRY + TAIL)


def _mostly(common: list[str], other: list[str]) -> st.SearchStrategy[str]:
    return st.sampled_from(common * 4 + other)


_61_PARTS = st.tuples(
    _mostly(["250102"], ["25010"]),
    _mostly(["", "0102"], ["    ", "01"]),
    _mostly(["C", "D"], ["RC", "RD", "X"]),
    _mostly([""], ["R"]),
    _mostly(["12,50", "12,", "0,00"], ["12.5", ",5", "12"]),
    _mostly([""], [" "]),
    _mostly(["N102", "NTRF"], ["NMS", "S10", "F1", "N1 2", "n102", ""]),
    _mostly(["", "EREF", "NONREF", "1234567890123456Name"], ["A/B", "/X", "   "]),
    _mostly(["//", "///"], ["", "/"]),
    _mostly(["", "B1", "B1/TRCD/1/"], ["B1 ", "x//y"]),
)


@settings(max_examples=1000, deadline=None)
@given(_61_PARTS)
def test_the_common_entry_pattern_agrees_with_the_full_one(parts: tuple[str, ...]) -> None:
    text = ":61:" + "".join(parts) + "\nNL91ABNA0417164300\n:86:/EREF/x\n:62F:"
    common = COMMON_ENTRY.match(text)
    full = ENTRY_PATTERN.match(text)
    if common is not None:
        assert full is not None
        vdate, edate, mark, amount, code, cref, bref, rest, info = common.groups()
        assert full.groups() == (vdate, edate, mark, None, amount, code, cref, bref, rest, info)
        assert full.end() == common.end()


_86_PIECES = ["a", " ", "/", ":", "-", "\t", "{", "\xad", "\x1a", "1", "\n", " \n", "\n:"]
_86_TEXT = st.lists(st.sampled_from(_86_PIECES)).map("".join)


@settings(max_examples=1000, deadline=None)
@given(_mostly(["EREF", "NONREF", "PREF", ""], ["X", "MARF ", "1234567890123456Name"]), _86_TEXT)
def test_the_run_entry_pattern_agrees_with_the_common_one(cref: str, text: str) -> None:
    entry = f":61:250102D12,50N102{cref}//B1\nNL91ABNA0417164300\n:86:{text}\n:62F:"
    common, run = COMMON_ENTRY.match(entry), RUN_ENTRY.match(entry)
    labels = ("EREF", "PREF", "MARF", "NONREF", "")
    taken = common is not None and common.group(6) in labels and (common.group(9) or "").startswith("/")
    assert (run is not None) == taken
    if run is not None:
        assert common is not None and run.groups()[:9] == common.groups() and run.end() == common.end()
        info = run.group(9)
        assert (run.group(10) is None and run.group(11) is None) == (" \n" not in info)
        assert all(info.split("\n")[:-1])  # no empty line: as they stand, the lines are the detail_lines


def test_blanks_are_the_whitespace_but_space() -> None:
    text = "".join(map(chr, range(0x110000)))
    assert re.findall(f"[{BLANKS}]", text) == [c for c in text if c.isspace() and c != " "]


def test_the_common_entry_pattern_matches_the_common_entries() -> None:
    assert COMMON_ENTRY.match(ENTRY + ":62F:") is not None


_REFERENCE_SPLIT = re.compile("/(" + "|".join(sorted(set(CODE_WORDS), key=len, reverse=True)) + ")/")


def _reference_split(text: str) -> list[tuple[str, str]]:
    """Code words as the former regex-based ``split_code_words`` found them."""
    parts = _REFERENCE_SPLIT.split(text)
    pairs = []
    for i in range(1, len(parts) - 1, 2):
        value = parts[i + 1]
        pairs.append((parts[i], (value[:-1] if value[-1:] == "/" else value).strip()))
    return pairs


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["/", "//", " ", "x", "EREF", "NAME", "CD", "CDTRREF", "CDTRREFTP", "ID", "AB", "\t"])))
def test_code_word_split_matches_the_regex_split(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert split_code_words(text) == _reference_split(text)


_WORDS = "/ // x NOTPROVIDED EREF NAME BENM ULTD REMI USTD ISSR CUR NRTX 12 CNTP IBAN NL91ABNA0417164300 BIC"
_TEXT = st.lists(st.sampled_from([*_WORDS.split(), " ", ",", "ABNANL2A", "CD", "CDTRREF", "CDTRREFTP", "ISDT", "ACCW"]))


def _reference_apply(details: base.Details, pairs: list[tuple[str, str]]) -> None:
    """How ``apply_code_words`` applied the pairs of ``split_code_words`` before it was fused."""
    parent: str | None = None
    for code, value in pairs:
        if code in base._PARENTS:
            parent = code
            if value:
                base._apply_parent_value(details, code, value)
            continue
        if code in base._SIMPLE:
            setattr(details, base._SIMPLE[code], base.none_if_empty(value.rstrip("/")))
        elif code in ("NAME", "IBAN", "BBAN", "BIC"):
            base._apply_party(details, parent, code, value)
        elif code == "CNTP":
            base._apply_cntp(details, value)
        elif code == "ACCW":
            base._apply_cntp(details, value.replace(",", "/") + "//")
        elif code == "REMI":
            base.apply_remittance(details, value)
        elif code == "ISSR":
            details.payment_reference_type = base.reference_type(value)
        elif code == "NRTX" and value.strip().isdigit():
            details.batch_count = int(value)
        elif value:
            details.extra.append((code, value))


@settings(max_examples=500, deadline=None)
@given(_TEXT)
def test_fused_code_word_apply_matches_the_pairs(pieces: list[str]) -> None:
    text = "".join(pieces)
    fused, reference = base.Details(), base.Details()
    base.apply_code_words(fused, text.split("/"))
    _reference_apply(reference, _reference_split(text))
    assert fused == reference


def test_fast_records_are_model_records() -> None:
    assert FAST
    details = base.Details(extra=[("ISDT", "2025-01-02")])
    details.counterparty_iban, details.counterparty_name = "NL91ABNA0417164300", "Caf\u00e9"
    details.end_to_end_id, details.payment_reference, details.payment_reference_type = "E1", "1234567", "CUR"
    details.description, details.ultimate_debtor = "x", "D"
    fields = (Decimal("-1.50"), date(2025, 1, 2), date(2025, 1, 2), "EUR", "B1", "EREF", "N102", False, ("a",), ":61:…")
    fast = details.to_line(*fields, "x.sta", 5)
    slow = StatementLine(
        amount=Decimal("-1.50"),
        booking_date=date(2025, 1, 2),
        value_date=date(2025, 1, 2),
        currency="EUR",
        counterparty_iban="NL91ABNA0417164300",
        counterparty_name="Caf\u00e9",
        bank_reference="B1",
        customer_reference="EREF",
        end_to_end_id="E1",
        payment_reference="1234567",
        payment_reference_type="CUR",
        description="x",
        bank_code="N102",
        ultimate_debtor="D",
        detail_lines=("a",),
        extra=(("ISDT", "2025-01-02"),),
        raw=":61:…",
        source=Source("x.sta", 5),
    )
    assert type(fast) is StatementLine and type(fast.source) is Source
    assert fast == slow and hash(fast) == hash(slow) and repr(fast) == repr(slow)
    assert pickle.loads(pickle.dumps(fast)) == slow
    assert dataclasses.replace(fast, amount=Decimal(1)).amount == Decimal(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.amount = Decimal(0)  # type: ignore[misc]


def test_without_fast_records_the_lines_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    text = HEAD + ENTRY * 2 + TAIL
    fast = _read(text, fast=True)
    monkeypatch.setattr(base, "FAST", False)
    monkeypatch.setattr(fastline, "FAST", False)
    run, fastline.RUN[0] = fastline.RUN[0], fastline._no_layout  # nothing learnt without FAST
    try:
        assert _read(text, fast=True) == fast
        assert fastline.RUN[0] is fastline._no_layout
    finally:
        fastline.RUN[0] = run


def _generator() -> ModuleType:
    """``bench/gen_mt940.py``, the benchmark's file generator."""
    path = Path(__file__).resolve().parents[4] / "bench" / "gen_mt940.py"
    spec = importlib.util.spec_from_file_location("gen_mt940", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_file_reads_the_same_every_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _generator().write(tmp_path / "bench.sta", 3000, seed=7)
    text = decode_text(path.read_bytes())
    general: list[object] = []
    add_line = Reader._add_line
    monkeypatch.setattr(Reader, "_add_line", lambda self, *args: general.append(args) or add_line(self, *args))
    fast = _read(text, fast=True)
    assert len(general) < 3000 / 20  # nearly all by the run reader
    slow = _read(text, fast=False)
    assert fast == slow and repr(fast) == repr(slow)
    statements, _ = fast  # type: ignore[misc]
    assert sum(len(statement.lines) for statement in statements) == 3000
    for size in (1 << 12, 1 << 15):  # streamed: blocks that end inside entries
        assert list(Reader(source="x.sta").read(file_blocks(path, block_size=size))) == statements


_PARENT = st.tuples(st.sampled_from(["ORDP", "BENM", "CDTRREFTP", "ULTD", "ULTC"]), _mostly([""], ["x", " "]))
_CODE = st.sampled_from(["EREF", "NAME", "REMI", "CD", "ISSR", "CDTRREF", "MARF", "CSID", "ISDT", "RTRN", "PREF"])
_OTHER = st.sampled_from(["NRTX", "IBAN", "BIC", "CNTP", "TRCD", "SVCL", "ACCW"])
_VALUE = _mostly(
    ["x", "J. de Vries", " a  b ", "", "NOTPROVIDED", "notprovided", "12", "CUR", "ISO", "NL91ABNA0417164300"],
    ["ABNANL2A", "P000029225", "-01", ":04 x", " ", "x/y", "STRD/CUR/1234567", "USTD//t"],
)
_PAIRS = st.lists(st.one_of(_PARENT, st.tuples(_CODE, _VALUE), st.tuples(_OTHER, _VALUE)), min_size=1, max_size=9)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    _PAIRS,
    st.integers(3, 70),
    _mostly(["EREF", "NONREF", "PREF", ""], ["1234567890123456Name"]),
    _mostly(["B1"], ["B1/TRCD/1/", "NONREF", " B1"]),
    _mostly(["NL91ABNA0417164300\n", "0000000000\n", ""], ["P000029225\nJ. Jansen\n", "NL91ABNA0417164300 \n"]),
    st.sampled_from(["", "0102"]),
)
def test_code_word_entries_read_the_same_both_ways(
    pairs: list[tuple[str, str]], width: int, cref: str, bref: str, rest: str, edate: str
) -> None:
    fastline.forget()  # so that the run reader learns these layouts
    text = "".join(f"/{code}/{value}" for code, value in pairs)
    lines = "\n".join(text[i : i + width] for i in range(0, len(text), width))
    entry = f":61:250102{edate}D12,50N102{cref}//{bref}\n{rest}:86:{lines}\n"
    _same_both_ways(HEAD + (entry + ENTRY) * 2 + entry.replace("D12,50", "C1,") + entry.replace("D12,50", "D0,") + TAIL)


@pytest.mark.parametrize("width", [65, 7])
def test_every_code_word_rule_reads_the_same_both_ways(width: int) -> None:
    """Each code word after each parent, with values each rule treats apart, in runs of
    entries of one layout (the run reader learns it and reads the later ones)."""
    fastline.forget()
    values = ["x", "", " ", " a ", "NOTPROVIDED", "notprovided", "12", "1 2", "CUR", "ISO", "ABNANL2A", "ABNANL2AXXX"]
    values += ["NL91ABNA0417164300", "P000029225", "0000000000", "a,b", "USTD", "STRD", "x/y", "USTD//t", "STRD/CUR/12"]
    entries = []
    for parent in ("", "BENM", "ULTD", "ULTC", "ULTB", "CDTRREFTP"):
        for code in CODE_WORDS:
            for value in values:
                text = "/EREF/e" + (f"/{parent}/" if parent else "") + f"/{code}/{value}"
                lines = "\n".join(text[i : i + width] for i in range(0, len(text), width))
                entries.append(f":61:250102D12,50N102EREF//B1\nNL91ABNA0417164300\n:86:{lines}\n")
    _same_both_ways(HEAD + "".join(entries) + TAIL)


@given(st.text(alphabet="\r\n a\x85\u2028/", max_size=30))
def test_line_ends_are_normalised_as_by_replace(text: str) -> None:
    assert normalise(text) == text.replace("\r\n", "\n").replace("\r", "\n")


_BYTES = [b"a", b" ", b"\r", b"\n", b"\r\n", b"\xc3\xa9", b"\xc3", b"\xa9", b"\xe9", b"@@:20:", b"\x81"]


@given(st.lists(st.sampled_from(_BYTES)).map(b"".join))
def test_streamed_blocks_are_decoded_as_text_block_decodes_them(data: bytes) -> None:
    """``file_blocks`` drops CRLF from the bytes of a UTF-8 block: the same text."""
    assert format_module._block_text(data) == text_block(decode_block(data))
