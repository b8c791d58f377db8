"""Facts the corpus sources assert (EXPECTED.md, OCA ``.pydata`` goldens, ofxstatement
and camt_parser tests) and the derived counts and balances, checked on our model."""

from __future__ import annotations

import ast
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

from bankbridge.statements.model import ParseResult, Statement, StatementLine

ROOT = Path(__file__).resolve().parents[4]
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
OCA = "camt053/oca-bank-statement-import"
OFX = "camt053/ofxstatement-iso20022"
VIA = "camt053/viafintech-camt_parser"
One = Callable[[str], Statement]
D = Decimal


def _flat(statement: Statement) -> list[StatementLine]:
    """Lines with batch entries replaced by their items (OCA's view)."""
    return [item for line in statement.lines for item in (line.items or (line,))]


def _extra(line: StatementLine, key: str) -> str | None:
    return dict(line.extra).get(key)


def _pydata(name: str) -> tuple[str | None, str | None, list[dict[str, object]]]:
    value = ast.literal_eval((CORPUS / OCA / name).read_text("utf-8"))
    assert isinstance(value, tuple)
    return value  # type: ignore[return-value]


def test_oca_golden_camt053(one_statement: One) -> None:
    currency, account, (golden,) = _pydata("golden-camt053.pydata")
    s = one_statement(f"{OCA}/test-camt053.xml")
    assert (s.currency, s.account, s.statement_id) == (currency, account, golden["name"])
    assert s.opening_balance and s.closing_balance
    assert s.opening_balance.amount == D(str(golden["balance_start"]))
    assert s.closing_balance.amount == D(str(golden["balance_end_real"]))
    assert s.closing_balance.date == date.fromisoformat(str(golden["date"]))
    lines = _flat(s)
    transactions = golden["transactions"]
    assert isinstance(transactions, list)
    assert len(lines) == len(transactions) == 4
    for line, tx in zip(lines, transactions, strict=True):
        assert line.amount == D(str(tx["amount"])).quantize(D("0.01"))
        assert line.booking_date == date.fromisoformat(tx["date"])
        assert line.counterparty_name == tx["partner_name"]
        assert line.counterparty_iban == tx["account_number"]
        assert line.end_to_end_id == tx["ref"]
        assert line.iso_code == tx["transaction_type"]
    assert [line.return_reason for line in lines] == [None, "AC06", "AC06", None]
    batch = s.lines[1]
    assert batch.reversal and batch.amount == D("-664.05")
    assert (batch.batch_id, batch.batch_count) == ("2018/125-20141229-NORM", 2)
    assert [i.mandate_id for i in batch.items] == ["NL22ZZZ524885430000-C0125.1", "NL22ZZZ524885430000-C0125.2"]
    assert s.statement_number == "2" and s.account_bic == "ABNANL2A"
    assert s.dialect == "abnamro"  # NL IBAN with bank code ABNA


def test_oca_golden_txdtls(one_statement: One) -> None:
    currency, account, (golden,) = _pydata("golden-camt053-txdtls.pydata")
    s = one_statement(f"{OCA}/test-camt053-txdtls.xml")
    assert (s.currency, s.account, s.statement_id) == (currency, account, golden["name"])
    assert s.opening_balance and s.opening_balance.amount == D("75960.15")
    assert s.closing_balance and s.closing_balance.amount == D("79443.15")
    (line,) = s.lines
    assert line.amount == D("3483.00") and line.iso_code == "PMNT-RCDT-VCOM"
    assert line.batch_count == 2 and line.bank_reference == "20170323001234567891234567891234"
    transactions = golden["transactions"]
    assert isinstance(transactions, list)
    for item, tx in zip(line.items, transactions, strict=True):
        assert item.amount == D(str(tx["amount"])).quantize(D("0.01"))
        assert item.counterparty_iban == tx["account_number"]
        assert item.counterparty_name == tx["partner_name"]
        assert item.payment_reference == tx["ref"]
        assert item.payment_reference_type == "OTHER"
        assert item.bank_reference == "123456CHCAFEBABE"
    assert [i.counterparty_bic for i in line.items] == ["POFICHBEXXX", "POFICHBEYYY"]


def test_oca_no_entries_gives_an_empty_statement(one_statement: One) -> None:
    # OCA yields nothing for it; we keep the statement (balances, no lines).
    assert _pydata("golden-camt053-no-ntry.pydata") == (None, None, [])
    s = one_statement(f"{OCA}/test-camt053-no-ntry.xml")
    assert s.lines == () and s.currency == "CHF"
    assert s.opening_balance and s.opening_balance.amount == D("1520.76")


def test_oca_booking_date_time_and_v9_branch(one_statement: One) -> None:
    s = one_statement(f"{OCA}/test-camt053-bookgdt-dttm.xml")
    assert [(line.amount, line.booking_date) for line in s.lines] == [(D("-754.25"), date(2014, 1, 5))]
    s = one_statement(f"{OCA}/test-camt053-v9branch.xml")
    assert len(s.lines) == 3 and sum(line.amount for line in s.lines) == D("57.01")


def test_ofxstatement_camt053_v08(one_statement: One) -> None:
    s = one_statement(f"{OFX}/camt053.xml")
    assert (s.account, s.currency) == ("0035-2915203-10-000", "CHF")
    assert s.opening_balance and s.opening_balance.amount == D("832.01")
    assert s.closing_balance and s.closing_balance.amount == D("2116.31")
    assert s.closing_balance.date == date(2023, 1, 25)
    assert [b.kind for b in s.other_balances] == ["CLAV"]
    (line,) = s.lines
    assert (line.amount, line.description) == (D("1284.30"), "PAYMENT INFO")
    # ofxstatement's refnum is the transaction's AcctSvcrRef; ours is the entry's.
    assert _extra(line, "AcctSvcrRef") == "A032-J30K20-03-JF021"
    assert line.bank_reference == "8082230156M02SJ62/1010"
    assert _extra(line, "UETR") == "75e77105-a09f-4f9e-bfa8-e82e91ab209b"
    assert line.end_to_end_id == "9502830971"


def test_ofxstatement_gcamp6(one_statement: One) -> None:
    s = one_statement(f"{OFX}/gcamp6.xml")
    assert (s.account, s.currency) == ("CH2609000000924238861", "XXX")
    assert s.opening_balance and s.opening_balance.amount == D("0.00")
    assert s.opening_balance.date == date(2015, 12, 31)
    assert s.closing_balance and s.closing_balance.amount == D("10000.00")
    assert s.closing_balance.date == date(2017, 1, 31)
    assert len(s.lines) == 5 and sum(line.amount for line in s.lines) == D("13010.00")
    first = s.lines[0]
    assert (first.amount, first.booking_date) == (D("10000.00"), date(2016, 4, 23))
    assert first.description == "Account Transfer"


def test_ofxstatement_simple(one_statement: One) -> None:
    s = one_statement(f"{OFX}/simple.xml")
    assert (s.account, s.currency, s.account_bic) == ("LT000000000000000000", "EUR", "AGBLLT2XXXX")
    assert s.dialect == "generic"
    assert s.opening_balance and s.opening_balance.date == date(2015, 12, 1)
    assert s.opening_balance.amount == D("306.53")
    assert s.closing_balance and s.closing_balance.amount == D("125.52")
    assert s.closing_balance.date == date(2015, 12, 31)
    assert len(s.lines) == 4 and sum(line.amount for line in s.lines) == D("-181.01")
    first = s.lines[0]
    assert (first.amount, first.description) == (D("-0.29"), "Sąskaitos aptarnavimo mokestis")
    assert first.counterparty_name == "AB DNB Bankas"
    assert first.bank_reference == "FC1261858984"  # no entry AcctSvcrRef: the transaction's
    assert first.end_to_end_id is None  # NOTPROVIDED is not an id
    assert first.booking_date == date(2015, 12, 31) and first.value_date == date(2016, 1, 1)


def test_camt_parser_053(one_statement: One) -> None:
    s = one_statement(f"{VIA}/053_valid_example.xml")
    assert (s.statement_id, s.statement_number) == ("0352C5320131227220503", "130000005")
    assert s.account == "DE14740618130000033626"
    assert s.opening_balance and s.opening_balance.kind == "PRCD"
    assert s.opening_balance.amount == D("33.06")
    assert s.closing_balance and s.closing_balance.amount == D("23.06")
    assert len(s.lines) == 4 and sum(line.amount for line in s.lines) == D("-10.00")
    first = s.lines[0]
    assert (first.amount, first.currency) == (D("-2.00"), "EUR")
    assert first.booking_date == first.value_date == date(2013, 12, 27)
    assert first.bank_reference == "2013122710583450000"
    assert _extra(first, "NtryRef") == "1234567890sdfghjk"
    assert _extra(first, "AddtlNtryInf") == ("Überweisungs-Gutschrift; GVC: SEPA Credit Transfer (Einzelbuchung-Haben)")
    assert (first.end_to_end_id, first.mandate_id) == ("EndToEndReference", "MandateReference")
    assert first.counterparty_name == "Testkonto Nummer 2"  # a debit: the creditor
    assert first.counterparty_iban == "DE09300606010012345671"
    assert first.creditor_id == "CreditorIdentifier"
    assert first.bank_code == "NTRF+020"
    assert first.description == "TEST BERWEISUNG MITTELS BLZUND KONTONUMMER - DTA"
    assert s.lines[1].end_to_end_id is None


def test_camt_parser_053_variants(one_statement: One) -> None:
    s = one_statement(f"{VIA}/053_valid_example_v8.xml")
    assert (s.statement_id, s.statement_number, s.account_bic) == ("R30B4SA880HMZ9XA", "122", "UBSWCHZH80A")
    assert len(s.lines) == 3 and sum(line.amount for line in s.lines) == D("542.28")
    assert s.lines[0].counterparty_name == "Jon Doe"  # .08: Dbtr/Pty/Nm
    assert s.lines[0].counterparty_bic == "UBSWCHZH80A"  # .08: BICFI
    assert s.lines[1].payment_reference == "RF38000000000000000000552"
    assert s.lines[1].payment_reference_type == "ISO"
    s = one_statement(f"{VIA}/053_valid_example_with_datetime.xml")
    (line,) = s.lines
    assert (s.account, s.currency) == ("11111111", "USD")
    assert line.booking_date == date(2023, 6, 21) and line.value_date is None
    assert line.charges == D("-4.14") and line.bank_code == "TRANSFER-123456789"
    assert s.closing_balance and s.closing_balance.date == date(2023, 7, 7)
    s = one_statement(f"{VIA}/053_valid_example_with_debit.xml")
    assert s.opening_balance and s.opening_balance.amount == D("-33.06")
    s = one_statement(f"{VIA}/053_valid_example_with_other_id.xml")
    assert (s.account, s.currency, s.lines) == ("ABCDE1234", "EUR", ())
    assert (s.opening_balance, s.closing_balance) == (None, None)
    assert (s.account_name, s.account_bic) == ("Testkonto Nummer 1", "GENODEF1PFK")


def test_camt_parser_052(one_statement: One) -> None:
    s = one_statement("camt052/viafintech-camt_parser/052_valid_example.xml")
    assert s.format == "camt052" and s.statement_id == "0352C5220131227110203"
    assert s.account == "DE58740618130100033626"
    assert s.opening_balance and s.opening_balance.amount == D("8.50")
    assert s.closing_balance and s.closing_balance.amount == D("13.50")
    assert len(s.lines) == 2 and sum(line.amount for line in s.lines) == D("5.00")


def test_genkgo_derived_facts(one_statement: One, parse_corpus: Callable[[str], ParseResult]) -> None:
    s = one_statement("camt052/genkgo-camt/camt052.v4.xml")
    assert [(b.kind, b.amount, b.date) for b in s.other_balances] == [("ITBD", D("10022.15"), date(2016, 6, 14))]
    assert _extra(s.lines[0], "Sts") == "PDNG"
    s = one_statement("camt052/genkgo-camt/camt052.v1.xml")
    assert s.account == "CH2801234000123456789" and s.lines[0].amount == D("-200000")
    assert (s.lines[0].batch_id, s.lines[0].batch_count) == ("FINP-0055-001", 20)
    s = one_statement("camt053/genkgo-camt/camt053.v2.five.decimals.xml")
    assert s.opening_balance and s.opening_balance.amount == D("18.150")
    assert s.lines[0].amount == D("8.850")
    s = one_statement("camt053/genkgo-camt/camt53.only-Dt-with-DtTm.xml")
    assert s.opening_balance and s.opening_balance.date == date(2025, 7, 23)
    assert s.opening_balance.amount == D("5442.09000") and s.closing_balance is None
    s = one_statement("camt053/genkgo-camt/camt053.v2.minimal.ultimate.xml")
    assert s.lines[0].ultimate_debtor and s.lines[0].ultimate_creditor
    multi = parse_corpus("camt053/genkgo-camt/camt053.v2.multi.statement.xml").statements
    assert [(m.statement_id, m.lines[0].amount) for m in multi] == [
        ("253EURNL26VAYB8060476890", D("8.85")),
        ("254EURNL26VAYB8060476890", D("-7.00")),
    ]
    notification = parse_corpus("camt054/genkgo-camt/camt054.v2.xml")
    assert [d.code for d in notification.diagnostics] == ["camt_batch_without_amounts"]
    assert notification.statements[0].format == "camt054"
