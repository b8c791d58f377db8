"""The fast way through an entry (shape, regex, compiled line maker) gives exactly what
the element way gives: the same lines, diagnostics and errors, field for field, on the
corpus and on variants of it that stress the serialisation (prefixes, white space,
escapes, CDATA, comments, line ends, encodings) and the rules (batches, errors)."""

from __future__ import annotations

import dataclasses
import io
import random
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from bankbridge.errors import ParseError
from bankbridge.formats.camt import FORMAT, fast, iter_items, reader
from bankbridge.formats.camt.compiled import source
from bankbridge.formats.camt.shape import MAX_TAGS, MAX_TXS, plan, shape_key
from bankbridge.statements.model import ParseResult, Source, StatementLine
from bankbridge.statements.twin import twin_of

ROOT = Path(__file__).resolve().parents[4]
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
FILES = sorted(str(p.relative_to(CORPUS)) for p in CORPUS.glob("camt05[234]/*/*.xml"))
SAMPLE = (CORPUS / "camt053/oca-bank-statement-import/test-camt053.xml").read_bytes()
Outcome = tuple[str, object]


def _outcome(data: bytes) -> Outcome:
    try:
        return "ok", FORMAT.parse(data, source="f.xml")
    except ParseError as error:
        return "error", str(error)


def _both(data: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[Outcome, Outcome]:
    quick = _outcome(data)
    with monkeypatch.context() as patch:
        patch.setattr(fast, "ENABLED", False)
        slow = _outcome(data)
    return quick, slow


def _same(data: bytes, monkeypatch: pytest.MonkeyPatch) -> Outcome:
    quick, slow = _both(data, monkeypatch)
    assert quick == slow
    if quick[0] == "ok":  # equal and made the same way: same types, hashes, frozen
        for statement in quick[1].statements:  # type: ignore[attr-defined]
            for line in statement.lines:
                assert type(line) is StatementLine and type(line.source) is Source
                hash(line)
    return quick


def _prefixed(data: bytes) -> bytes:
    """The document with its default namespace bound to the prefix ``c`` instead."""
    root = etree.fromstring(data, etree.XMLParser(remove_comments=True, resolve_entities=False))
    namespace = root.nsmap.get(None)
    if namespace is None:
        return data

    def copy(element: etree._Element, parent: etree._Element | None) -> etree._Element:
        attrs = dict(element.attrib)
        if parent is None:
            new = etree.Element(element.tag, attrs, nsmap={"c": namespace})
        else:
            new = etree.SubElement(parent, element.tag, attrs)
        new.text, new.tail = element.text, element.tail
        for child in element:
            if isinstance(child.tag, str):
                copy(child, new)
        return new

    return bytes(etree.tostring(copy(root, None), xml_declaration=True, encoding="UTF-8"))


def _padded(data: bytes) -> bytes:
    """White space, escapes and CR around and in the texts; CRLF line ends."""
    root = etree.fromstring(data)
    for element in root.iter():
        if isinstance(element.tag, str) and len(element) == 0 and element.text and element.text.strip():
            name = etree.QName(element).localname
            if name in ("Nm", "Ustrd", "AddtlNtryInf", "AddtlTxInf", "EndToEndId", "Ref"):
                element.text = "  A & B <c> 'q' \"d\" \u00e9\r\u00a0" + element.text + " \n"
            elif name in ("Amt", "Cd", "CdtDbtInd", "Dt", "IBAN", "NbOfTxs"):
                element.text = " \n " + element.text + "\t "
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8")).replace(b"\n", b"\r\n")


def _latin1(data: bytes) -> bytes:
    return bytes(etree.tostring(etree.fromstring(_padded(data)), xml_declaration=True, encoding="ISO-8859-1"))


def _minified(data: bytes) -> bytes:
    parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False)
    return bytes(etree.tostring(etree.fromstring(data, parser), xml_declaration=True, encoding="UTF-8"))


def _cdata(data: bytes) -> bytes:
    data = re.sub(rb"<Ustrd>([^<]*)</Ustrd>", rb"<Ustrd><!-- x --><![CDATA[\1 <cdata>]]></Ustrd>", data)
    return re.sub(rb"<Nm>([^<]*)</Nm>", rb"<Nm><?pi x?>\1<!--y--></Nm>", data)


VARIANTS = {"as is": lambda d: d, "prefixed": _prefixed, "padded": _padded, "latin1": _latin1}
VARIANTS |= {"minified": _minified, "cdata": _cdata}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("relative", FILES)
def test_corpus_and_variants_read_the_same_both_ways(
    relative: str, variant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _same(VARIANTS[variant]((CORPUS / relative).read_bytes()), monkeypatch)


_ONE = {"count": 1}
MUTATIONS: dict[str, tuple[bytes, bytes]] = {
    "bad amount": (rb"(<Ntry>\s*<Amt[^>]*>)[^<]*", rb"\g<1>12,50"),
    "plus amount": (rb"(<Ntry>\s*<Amt[^>]*>)[^<]*", rb"\g<1>+12.50"),
    "dot amount": (rb"(<Ntry>\s*<Amt[^>]*>)[^<]*", rb"\g<1>.5"),
    "empty amount": (rb"(<Ntry>\s*<Amt[^>]*>)[^<]*", rb"\g<1>  "),
    "no amount": (rb"<Ntry>\s*<Amt[^>]*>[^<]*</Amt>", rb"<Ntry>"),
    "bad sign": (rb"<CdtDbtInd>CRDT</CdtDbtInd>", rb"<CdtDbtInd>CRD</CdtDbtInd>"),
    "bad date": (rb"<BookgDt>\s*<Dt>[^<]*</Dt>", rb"<BookgDt><Dt>2014-13-45</Dt>"),
    "no Dt": (rb"<BookgDt>\s*<Dt>[^<]*</Dt>\s*</BookgDt>", rb"<BookgDt><Foo/></BookgDt>"),
    "empty Dt": (rb"<ValDt>\s*<Dt>[^<]*</Dt>", rb"<ValDt><Dt/>"),
    "UTC time": (rb"<BookgDt>\s*<Dt>([^<]*)</Dt>", rb"<BookgDt><DtTm>\1T23:30:00Z</DtTm>"),
    "offset time": (rb"<ValDt>\s*<Dt>([^<]*)</Dt>", rb"<ValDt><DtTm>\1T23:30:00+01:00</DtTm>"),
    "empty name": (rb"<Nm>[^<]*</Nm>", rb"<Nm/>"),
    "second name": (rb"<Nm>[^<]*</Nm>", rb"<Nm></Nm><Nm>Second</Nm>"),
    "escaped ref": (rb"<Amt ", rb"<NtryRef>R&amp;1 &#13;&#x20AC;</NtryRef><Amt "),
    "reversal": (rb"<Amt ", rb"<RvslInd>true</RvslInd><Amt "),
    "status code": (rb"<Sts>BOOK</Sts>", rb"<Sts><Cd>BOOK</Cd></Sts>"),
    "batch": (rb"<NtryDtls>", rb"<NtryDtls><Btch><NbOfTxs>7</NbOfTxs><MsgId>M1</MsgId><PmtInfId>P1</PmtInfId></Btch>"),
    "bad count": (rb"<NtryDtls>", rb"<NtryDtls><Btch><NbOfTxs>x7</NbOfTxs></Btch>"),
    "empty count": (rb"<NtryDtls>", rb"<NtryDtls><Btch><NbOfTxs> </NbOfTxs></Btch><Btch><NbOfTxs>3</NbOfTxs></Btch>"),
    "two txs": (rb"(<TxDtls>.*?</TxDtls>)", rb"\1\1"),
    "two txs, amounts": (
        rb"(<TxDtls>)(.*?</TxDtls>)",
        rb'\1<AmtDtls><TxAmt><Amt Ccy="EUR">1.00</Amt></TxAmt></AmtDtls>\2'
        rb'\1<Amt Ccy="USD">2.00</Amt><CdtDbtInd>DBIT</CdtDbtInd>\2',
    ),
    "two txs, sum off": (
        rb"(<TxDtls>)(.*?</TxDtls>)",
        rb'\1<AmtDtls><InstdAmt><Amt Ccy="EUR">1.00</Amt></InstdAmt></AmtDtls>\2\1<Amt Ccy="EUR">2.00</Amt>\2',
    ),
    "tx bad sign": (rb"(<TxDtls>)", rb'\1<Amt Ccy="EUR">2.00</Amt><CdtDbtInd>XX</CdtDbtInd>'),
    "tx empty amount": (rb"(<TxDtls>)", rb'\1<Amt Ccy="EUR"/>'),
    "charges": (
        rb"<NtryDtls>",
        rb'<Chrgs><Rcrd><Amt Ccy="EUR">1.50</Amt><CdtDbtInd>DBIT</CdtDbtInd></Rcrd></Chrgs><NtryDtls>',
    ),
    "tx charges": (rb"(<TxDtls>)", rb'\1<Chrgs><Amt Ccy="EUR">1.50</Amt><CdtDbtInd>CRDT</CdtDbtInd></Chrgs>'),
    "references": (
        rb"(<TxDtls>)",
        rb"\1<RmtInf><Strd><CdtrRefInf><Tp><Issr>ISO</Issr></Tp></CdtrRefInf></Strd><Strd><CdtrRefInf>"
        rb"<Ref>RF18539007547034</Ref></CdtrRefInf></Strd><Ustrd> a </Ustrd><Ustrd></Ustrd><Ustrd>b</Ustrd></RmtInf>",
    ),
    "RF reference": (
        rb"(<TxDtls>)",
        rb"\1<RmtInf><Strd><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf>",
    ),
    "return": (
        rb"(<TxDtls>)",
        rb"\1<RtrInf><Rsn><Prtry>MS03</Prtry></Rsn></RtrInf><Refs><EndToEndId>NOT PROVIDED</EndToEndId>"
        rb"<UETR>u-1</UETR></Refs><Purp><Cd>SALA</Cd></Purp><AddtlTxInf>extra info</AddtlTxInf>",
    ),
    "parties v8": (
        rb"(<TxDtls>)",
        rb"\1<RltdPties><Dbtr><Pty><Nm>PtyName</Nm><Id><PrvtId><Othr><Id>CID</Id></Othr></PrvtId></Id></Pty></Dbtr>"
        rb"<Cdtr><Agt><FinInstnId><NmAndAdr><Nm>AgtN</Nm></NmAndAdr></FinInstnId></Agt></Cdtr><UltmtDbtr><Nm>UD</Nm>"
        rb"</UltmtDbtr><UltmtCdtr><Pty><Nm>UC</Nm></Pty></UltmtCdtr><DbtrAcct><Id><Othr><Id>123</Id></Othr></Id>"
        rb"</DbtrAcct><CdtrAcct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></CdtrAcct></RltdPties><RltdAgts><DbtrAgt>"
        rb"<FinInstnId><BICFI>ABNANL2A</BICFI></FinInstnId></DbtrAgt><CdtrAgt><FinInstnId><BIC>RABONL2U</BIC>"
        rb"</FinInstnId></CdtrAgt></RltdAgts>",
    ),
    "tx codes": (
        rb"(<TxDtls>)",
        rb"\1<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd></Fmly></Domn><Prtry><Cd>X1</Cd><Issr>B</Issr></Prtry></BkTxCd>",
    ),
    "odd currency": (rb'<Amt Ccy="EUR">', rb'<Amt xmlns:q="urn:q" q:Ccy="USD" Ccy="E&amp;R&quot;\'&#10;">'),
    "no currency": (rb'<Amt Ccy="EUR">', rb"<Amt>"),
    "tx at the top": (rb"</Ntry>", rb"<TxDtls><Refs><EndToEndId>TOP</EndToEndId></Refs></TxDtls></Ntry>"),
    "nested tx": (rb"(<TxDtls>)", rb"\1<TxDtls><Refs><EndToEndId>NESTED</EndToEndId></Refs></TxDtls>"),
    "unicode": (rb"<Nm>", "<Nm>\u00e9\u20ac\U0001f600\u2028 ".encode()),
}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_rules_and_errors_are_the_same_both_ways(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    pattern, replacement = MUTATIONS[name]
    first_only = name in ("bad amount", "plus amount", "dot amount", "empty amount", "two txs") or "two txs," in name
    data, n = re.subn(pattern, replacement, SAMPLE, count=1 if first_only else 0, flags=re.S)
    assert n
    _same(data, monkeypatch)
    _same(_prefixed(data), monkeypatch)


def _count_fast(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    counts = {"fast": 0, "slow": 0}
    real = fast.fast_entry

    def counting(*args: object) -> object:
        made = real(*args)  # type: ignore[arg-type]
        counts["fast" if made is not None else "slow"] += 1
        return made

    monkeypatch.setattr("bankbridge.formats.camt.reader.fast_entry", counting)
    return counts


def test_the_fast_way_is_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    counts = _count_fast(monkeypatch)
    for relative in FILES:
        _outcome((CORPUS / relative).read_bytes())
    assert counts["fast"] > 5 * counts["slow"] > 0  # charges and refusals go the element way


def test_without_twin_classes_the_lines_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        value: int

        def __post_init__(self) -> None:
            assert self.value >= 0

    plain = twin_of(Checked)
    assert plain.twin is None and plain.make is Checked
    monkeypatch.setattr(fast, "TWINS", (dataclasses.replace(fast.TWINS[0], twin=None), fast.TWINS[1]))
    monkeypatch.setattr(fast, "_PLANS", {})
    for relative in FILES[:12]:
        _same((CORPUS / relative).read_bytes(), monkeypatch)
    assert fast._PLANS


def test_twin_made_lines_equal_constructed_ones() -> None:
    twin = twin_of(StatementLine)
    assert twin.twin is not None
    values = {"amount": 1, "raw": "x", "extra": (("a", "b"),), "source": Source("f", 1, "p")}
    made, real = twin.make(**values), StatementLine(**values)  # type: ignore[arg-type]
    assert made == real and hash(made) == hash(real) and type(made) is StatementLine
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.amount = 2  # type: ignore[misc]


def test_a_file_of_ever_new_shapes_goes_the_element_way(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast, "_NEW_SHAPES", 1)
    counts = _count_fast(monkeypatch)
    _outcome(SAMPLE)  # three entries of three shapes
    assert counts == {"fast": 1, "slow": 2}


def test_a_full_plan_cache_starts_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast, "_PLANS", {})
    monkeypatch.setattr("bankbridge.formats.camt.fast.MAX_PLANS", 1)
    counts = _count_fast(monkeypatch)
    _same(SAMPLE, monkeypatch)
    assert counts["fast"] == 3 and len(fast._PLANS) == 1


def _raws(data: bytes) -> Iterator[str]:
    for _, entry in etree.iterparse(io.BytesIO(data), tag="{*}Ntry"):
        yield etree.tostring(entry, encoding="unicode", with_tail=False)


def test_shape_regexes_do_not_backtrack() -> None:
    raws = list(_raws(SAMPLE))
    shapes = [plan(shape_key(raw)) for raw in raws]
    long_text = raws[0].replace("</Ntry>", "").replace(">", "> " + " \t" * 50_000, 3)
    start = time.perf_counter()
    for shape in shapes:
        assert shape is not None
        shape.regex.fullmatch(long_text)
        shape.regex.fullmatch(raws[0][:-1] + " " * 100_000)
    assert time.perf_counter() - start < 2


def test_generated_code_holds_no_text_of_the_file() -> None:
    data = re.sub(rb"<Nm>[^<]*</Nm>", b"<Nm>__import__('os').system('x')</Nm>", SAMPLE)
    data = data.replace(b'<Amt Ccy="EUR">', b"<Amt Ccy=\"E'+__import__('os')+'\">")
    for raw in _raws(data):
        shape = plan(shape_key(raw))
        assert shape is not None
        text = source(shape, fast.TWINS)
        assert "__import__" not in text.replace(repr("E'+__import__('os')+'"), "")


_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(" \t\r\n\u00a0\u2028"), max_size=12)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(texts=st.lists(_TEXT, min_size=4, max_size=4))
def test_any_texts_read_the_same_both_ways(texts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    data = SAMPLE
    for tag, text in zip((b"Nm", b"Ustrd", b"AcctSvcrRef", b"EndToEndId"), texts, strict=True):
        value = b"<" + tag + b">" + _escape(text).encode() + b"</"
        data = re.sub(rb"<" + tag + rb">[^<]*</", lambda _match, value=value: value, data)
    _same(data, monkeypatch)


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def test_parse_result_type() -> None:
    assert isinstance(FORMAT.parse(SAMPLE, source="s.xml"), ParseResult)


def _at_ends(data: bytes) -> Outcome:
    """What the element-by-element reading at end events gives (the reference)."""
    try:
        items = reader._items(io.BytesIO(data), source="f.xml", limit=reader.MAX_BYTES, at_ends=True)
        return "ok", reader.collect(items)
    except ParseError as error:
        return "error", str(error)


def _broken(data: bytes, seed: int) -> Iterator[bytes]:
    ends = [m.end() for m in re.finditer(rb"</(?:\w+:)?(?:Ntry|Stmt|Rpt|Ntfctn|GrpHdr)>", data)]
    rng = random.Random(seed)
    for cut in ends + [rng.randrange(len(data)) for _ in range(30)]:
        yield data[:cut]
        yield data[:cut] + rng.choice([b"<", b"&", b"<!--", b"]]>", b"</Foo>", b"<<", b"\x00"]) + data[cut:]


@pytest.mark.parametrize("relative", FILES[::3])
def test_broken_xml_gives_what_reading_at_element_ends_gives(relative: str) -> None:
    data = (CORPUS / relative).read_bytes()
    for case in _broken(data, len(relative)):
        assert _outcome(case) == _at_ends(case)


def test_streaming_broken_xml_reads_the_ended_elements_first() -> None:
    data = _minified(SAMPLE)
    second = data.index(b"<Ntry>", data.index(b"</Ntry>"))
    for case in (SAMPLE[: SAMPLE.index(b"</Ntry>") + 8], data[:second] + b"</Foo>", data[:second]):
        got: list[object] = []
        with pytest.raises(ParseError, match="broken XML"):
            got.extend(iter_items(io.BytesIO(case), source="f.xml"))
        assert len(got) == 1  # the first entry, which ended before the fault


def test_large_entries_go_the_element_way(monkeypatch: pytest.MonkeyPatch) -> None:
    tx = re.search(rb"<TxDtls>.*?</TxDtls>", SAMPLE, re.S)
    assert tx is not None
    batch = SAMPLE.replace(tx.group(), tx.group() * (MAX_TXS + 1), 1)
    long_text = SAMPLE.replace(b"<Ntry>", b"<Ntry>" + b"<AddtlNtryInf><a/></AddtlNtryInf>" * MAX_TAGS, 1)
    _same(batch, monkeypatch)
    _same(long_text, monkeypatch)
    counts = _count_fast(monkeypatch)
    _outcome(batch)
    _outcome(long_text)
    assert counts == {"fast": 4, "slow": 2}
