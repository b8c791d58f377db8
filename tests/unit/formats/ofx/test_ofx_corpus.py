"""Every OFX file of the corpus parses (or is refused with a clear ParseError where its source
says it is broken), matches our golden parse record in ``tests/golden/ofx/``, and shows the
facts its source asserts (``EXPECTED.md``)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bankbridge.errors import ParseError
from bankbridge.formats.ofx import FORMAT
from bankbridge.statements.model import ParseResult
from bankbridge.statements.record import statement_record

ROOT = Path(__file__).resolve().parents[4]
CORPUS = (ROOT / ".." / "shared" / "corpus" / "ofx").resolve()
GOLDEN = ROOT / "tests" / "golden" / "ofx"
FILES = sorted(str(p.relative_to(CORPUS)) for p in CORPUS.glob("*/*.ofx"))
REFUSED = {
    "oca-bank-statement-import/test_ofx_wrong.ofx": ("test_ofx_wrong.ofx:21:", "CURDEF"),
    "ofxparse/fail_nice_date_missing.ofx": ("fail_nice_date_missing.ofx:33:", "DTPOSTED"),
    "ofxparse/fail_nice_decimal_error.ofx": ("fail_nice_decimal_error.ofx:37:", "TRNAMT"),
    "ofxparse/error_message.ofx": ("error_message.ofx:22:", "error 2000 (General Server Error)"),
    "ofxparse/vanguard.ofx": ("vanguard.ofx:", "investment statement"),
}


def parsed(relative: str) -> ParseResult:
    return FORMAT.parse((CORPUS / relative).read_bytes(), source=Path(relative).name)


def test_the_corpus_is_there() -> None:
    assert len(FILES) == 12


@pytest.mark.parametrize("relative", FILES)
def test_sniffed_as_ofx(relative: str) -> None:
    assert FORMAT.sniff((CORPUS / relative).read_bytes()[:8192])


@pytest.mark.parametrize("relative", sorted(set(FILES) - set(REFUSED)))
def test_matches_golden_record(relative: str, update_golden: bool) -> None:
    name = Path(relative).name
    result = parsed(relative)
    assert result.statements
    assert all(s.opening_balance is None for s in result.statements)
    record = {
        "statements": [statement_record(s, file=name) for s in result.statements],
        "diagnostics": [[d.code, d.source.line if d.source else None] for d in result.diagnostics],
    }
    golden = GOLDEN / Path(relative).parent.name / f"{name}.json"
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", "utf-8")
    assert golden.is_file(), f"no golden file {golden}; run pytest --update-golden"
    assert record == json.loads(golden.read_text("utf-8"))


@pytest.mark.parametrize("relative", sorted(REFUSED))
def test_broken_files_are_refused_with_file_line_and_field(relative: str) -> None:
    start, part = REFUSED[relative]
    with pytest.raises(ParseError) as info:
        parsed(relative)
    message = str(info.value)
    assert message.startswith(start)
    assert part in message
    assert "\n" not in message


def test_oca_statement_lines_and_ledger_balance() -> None:
    bank, card = parsed("oca-bank-statement-import/test_ofx.ofx").statements
    assert bank.account == "123456"
    assert bank.currency == "USD"
    assert bank.closing_balance is not None
    assert bank.closing_balance.amount == Decimal("2156.56")
    # OCA's balance_start 2516.56 is closing - sum(lines); OFX itself carries no opening balance.
    assert bank.closing_balance.amount - sum(line.amount for line in bank.lines) == Decimal("2516.56")
    assert bank.opening_balance is None
    agrolait = [line for line in bank.lines if line.counterparty_name == "Agrolait"]
    assert [line.booking_date for line in agrolait] == [date(2013, 8, 24)]
    assert [line.bank_reference for line in bank.lines] == ["219378", "219379", "219380", "219381"]
    assert {line.bank_code for line in bank.lines} == {"POS"}
    assert card.account == "123412341234"
    assert card.lines == ()
    assert card.closing_balance is not None and card.closing_balance.amount == Decimal("-562.00")


def test_oca_iban_variant_has_the_same_lines() -> None:
    plain = parsed("oca-bank-statement-import/test_ofx.ofx").statements[0]
    other = parsed("oca-bank-statement-import/test_ofx_iban.ofx").statements[0]
    assert other.account == "12345678901"
    assert [(x.amount, x.bank_reference) for x in other.lines] == [(x.amount, x.bank_reference) for x in plain.lines]


def test_bank_medium_sgml() -> None:
    st = parsed("ofxparse/bank_medium.ofx").statements[0]
    assert st.account == "12300 000012345678"
    assert st.currency == "CAD"
    assert st.closing_balance is not None
    assert st.closing_balance.amount == Decimal("382.34")
    assert st.closing_balance.date == date(2009, 5, 23)
    assert [b.amount for b in st.other_balances] == [Decimal("682.34")]
    assert len(st.lines) == 3
    first = st.lines[0]
    assert first.amount == Decimal("-6.60")
    assert first.bank_reference == "0000123456782009040100001"
    assert first.counterparty_name == "MCDONALD'S #112"
    assert first.description == "POS MERCHANDISE;MCDONALD'S #112"
    assert dict(st.lines[1].extra)["CHECKNUM"] == "0"
    assert first.source is not None and first.source.line == 15


def test_checking_sgml_indented() -> None:
    st = parsed("ofxparse/checking.ofx").statements[0]
    assert st.account == "1452687~7"
    assert sum(line.amount for line in st.lines) == Decimal("-59.50")
    assert [line.bank_code for line in st.lines] == ["CREDIT", "DEBIT", "CHECK"]


def test_suncorp_cdata() -> None:
    st = parsed("ofxparse/suncorp.ofx").statements[0]
    assert st.currency == "AUD"
    assert [line.amount for line in st.lines] == [Decimal("-16.85")]
    assert st.lines[0].counterparty_name == "EFTPOS WDL HANDYWAY ALDI STORE"


def test_multiple_accounts() -> None:
    statements = parsed("ofxparse/multiple_accounts.ofx").statements
    assert [s.account for s in statements] == ["9100", "9200"]
    assert [s.closing_balance.amount for s in statements if s.closing_balance] == [111, 222]


def test_empty_balance_is_tolerated() -> None:
    result = parsed("ofxparse/fail_nice_empty_balance.ofx")
    st = result.statements[0]
    assert len(st.lines) == 1
    assert st.lines[0].amount == Decimal("120")
    assert st.closing_balance is None
    assert [d.code for d in result.diagnostics] == ["empty_balance", "empty_balance"]
