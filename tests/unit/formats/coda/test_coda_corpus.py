"""Every CODA file of the corpus parses, matches our golden parse record in
``tests/golden/coda/``, and shows the facts its source asserts (``EXPECTED.md``)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bankbridge.formats.coda import FORMAT
from bankbridge.statements.model import ParseResult, Statement, StatementLine
from bankbridge.statements.record import statement_record

ROOT = Path(__file__).resolve().parents[4]
CORPUS = (ROOT / ".." / "shared" / "corpus" / "coda").resolve()
GOLDEN = ROOT / "tests" / "golden" / "coda"
FILES = sorted(str(p.relative_to(CORPUS)) for p in CORPUS.glob("*/*") if p.suffix != ".md")


def parsed(relative: str) -> ParseResult:
    return FORMAT.parse((CORPUS / relative).read_bytes(), source=Path(relative).name)


def only(relative: str) -> Statement:
    result = parsed(relative)
    assert len(result.statements) == 1
    return result.statements[0]


def leaves(statement: Statement) -> list[StatementLine]:
    """The single transactions: items of globalised movements, else the movement."""
    return [item for line in statement.lines for item in (line.items or (line,))]


def words(text: str | None) -> str:
    return " ".join((text or "").split())


def extra(line: StatementLine, name: str) -> str | None:
    return dict(line.extra).get(name)


def test_the_corpus_is_there() -> None:
    assert len(FILES) == 11


@pytest.mark.parametrize("relative", FILES)
def test_matches_golden_record(relative: str, update_golden: bool) -> None:
    name = Path(relative).name
    result = parsed(relative)
    assert FORMAT.sniff((CORPUS / relative).read_bytes()[:8192])
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


# --- OCA l10n-belgium --------------------------------------------------------------------


def test_ontvangen_statement_name_and_balances() -> None:
    result = parsed("oca-l10n-belgium/Ontvangen_CODA.2012-01-11-18.59.15.txt")
    st = result.statements[0]
    assert st.statement_id == "2012/135"
    assert st.statement_number == "135"
    assert st.account == "BE46737018594236"
    assert st.opening_balance is not None and st.opening_balance.amount == Decimal("11812.70")
    assert st.closing_balance is not None and st.closing_balance.amount == Decimal("13646.05")
    assert st.opening_balance.date == date(2010, 7, 27)
    assert st.closing_balance.date == date(2012, 1, 11)
    # The Noviat file is known not to reconcile (old + net = 13527.81): a warning, not an error.
    assert sum(line.amount for line in st.lines) == Decimal("1715.11")
    assert "balance_mismatch" in [d.code for d in result.diagnostics]
    # ... and its record 8 names another account than record 1
    assert "account_mismatch" in [d.code for d in result.diagnostics]


def test_iban_single_statement_has_30_lines_after_splitting() -> None:
    st = only("oca-l10n-belgium/Coda_iban_v2_3_single_statement.txt")
    assert st.statement_id == "2009/042"
    assert st.created == date(2009, 3, 5)
    assert st.account == "BE86407051416150"
    assert st.opening_balance is not None and st.opening_balance.amount == 0
    assert st.closing_balance is not None and st.closing_balance.amount == 0
    assert len(st.lines) == 17
    assert len(leaves(st)) == 30
    assert Decimal("-15.00") in [line.amount for line in leaves(st)]
    assert sum(line.amount for line in st.lines) == 0


# --- php-coda-parser ---------------------------------------------------------------------


def test_sample1_four_movements_with_structured_communication() -> None:
    result = parsed("php-coda-parser/sample1.cod")
    st = result.statements[0]
    assert st.opening_balance is not None and st.opening_balance.amount == Decimal("17752.12")
    assert st.closing_balance is not None and st.closing_balance.amount == Decimal("17832.12")
    assert st.created == date(2017, 10, 11)
    assert st.information is None
    assert len(st.lines) == 4
    first = st.lines[0]
    assert first.amount == Decimal("5")
    assert first.payment_reference == "000003505158"
    assert first.payment_reference_type == "BBA"
    assert first.counterparty_name == "KLANT1 MET NAAM1"
    assert first.counterparty_iban == "BE22313215646432"
    assert first.counterparty_bic == "KREDBEBB"
    assert first.bank_reference == "JRFC00120DSCCOCACAERT"
    assert first.bank_code == "00150000"
    assert words(extra(first, "counterparty_address")) == "GROTE WEG 32 3215 HASSELT"
    # The sample's references fail the mod-97 check: reported, not fatal.
    assert [d.code for d in result.diagnostics].count("invalid_reference") == 4


def test_sample3_message_continues_in_the_detail_records() -> None:
    st = only("php-coda-parser/sample3.cod")
    line = st.lines[0]
    assert line.amount == Decimal("-812.69")
    texts = [line.description, *(item.description for item in line.items)]
    assert " ".join(t for t in texts if t) == "Message goes here and continues here or here"
    assert [item.amount for item in line.items] == [Decimal("-805.73"), Decimal("-6.96")]


def test_sample4_communication_runs_over_records_21_and_22() -> None:
    line = only("php-coda-parser/sample4.cod").lines[0]
    expected = "Europese overschrijving (zie bijlage)  + 17.233,54Van: COMPANY BLABLABLAH BVBA - BE64NOT PR"
    assert words(line.description) == words(expected)
    assert line.amount == Decimal("17233.54")


def test_sample5_three_movements_and_a_structured_one() -> None:
    st = only("php-coda-parser/sample5.cod")
    assert [line.raw[2:6] for line in st.lines] == ["0001", "0002", "0009"]
    assert [line.payment_reference for line in st.lines] == [None, "112455446812", None]
    assert st.lines[0].description is not None
    assert st.lines[0].description.startswith("112/4554/46812")


def test_sample6_account_free_message_and_three_decimal_amount() -> None:
    st = only("php-coda-parser/sample6.cod")
    assert st.created == date(2015, 1, 18)
    assert st.opening_balance is not None and st.opening_balance.amount == Decimal("4004.10")
    assert st.closing_balance is not None and st.closing_balance.amount == Decimal("-500012.10")
    assert st.information == "THIS IS A PUBLIC MESSAGE"
    assert st.account == "001548226815"
    assert st.currency == "EUR"
    assert st.account_bic == "GEBABEBB"
    assert st.account_name == "CODELICIOUS"
    assert len(st.lines) == 3
    first = st.lines[0]
    assert first.amount == Decimal("-767.823")
    assert first.value_date == date(2014, 12, 25)
    assert first.counterparty_name == "BVBA.BAKKER PIET"
    assert first.counterparty_bic == "GEBCEEBB"
    assert first.counterparty_iban == "BE54805480215856"
    assert st.lines[1].payment_reference == "112455446812"


def test_sample7_globalised_movement_has_three_items() -> None:
    st = only("php-coda-parser/sample7.cod")
    assert st.opening_balance is not None and st.opening_balance.amount == Decimal("17752.12")
    assert st.closing_balance is not None and st.closing_balance.date == date(2017, 10, 11)
    assert len(st.lines) == 1
    total = st.lines[0]
    assert total.amount == Decimal("-75.00")
    assert [item.raw[6:10] for item in total.items] == ["0002", "0003", "0004"]
    assert sum(item.amount for item in total.items) == total.amount
    first = total.items[0]
    assert first.amount == Decimal("-25.00")
    assert first.payment_reference == "000003515846"
    assert first.counterparty_name == "KLANT2 NAAM2"
    assert first.counterparty_iban == "BE25646548413215"


def test_sample9_client_reference() -> None:
    st = only("php-coda-parser/sample9.cod")
    assert len(st.lines) == 1
    assert st.lines[0].end_to_end_id == "243690000141"
    assert st.lines[0].customer_reference == "243690000141"


def test_sample10_total_split_into_two_direct_debits() -> None:
    st = only("php-coda-parser/sample10.cod")
    assert st.opening_balance is not None and st.opening_balance.amount == Decimal("100")
    assert st.closing_balance is not None and st.closing_balance.amount == Decimal("1100")
    assert st.closing_balance.date == date(2024, 6, 6)
    total = st.lines[0]
    assert total.amount == Decimal("1000")
    got = [(i.amount, i.counterparty_name, i.counterparty_iban) for i in total.items]
    assert got == [
        (Decimal("250"), "KLANT1 MET NAAM1", "BE22313215646432"),
        (Decimal("750"), "KLANT2 MET NAAM2", "BE25646548413215"),
    ]
    # structured communication 127 (SEPA direct debit): mandate and creditor id
    assert total.items[1].mandate_id == "SEPA-00000002"
    assert total.items[1].creditor_id == "BE25ZZZ548413215"


def test_sample11_total_without_details_is_one_line() -> None:
    st = only("php-coda-parser/sample11.cod")
    assert len(leaves(st)) == 1
    assert st.lines[0].amount == Decimal("1000")
    assert st.lines[0].items == ()
    assert st.closing_balance is not None and st.closing_balance.amount == Decimal("1100")
