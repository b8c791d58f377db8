"""Every processing setting through the database, on SQLite and PostgreSQL (R-C3, R-C4,
R-C5, R-C6, R-C7, R-D2, R-D9): a small ledger bundle is loaded with one setting on or
off, a line is imported and processed, and what is stored is read back — the status,
rule, settlements and postings of the export record, the open amounts, the bank
accounts added. The engine's rules themselves are tested one by one without a
database (``tests/unit/matching``); this shows that each setting reaches them from the
bundle and that their decisions are stored as they were made."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bankbridge.bootstrap import engine_for, init_database, unit_of_work, uow_factory
from bankbridge.config import Settings
from bankbridge.db import schema
from bankbridge.formats.mt940 import FORMAT as MT940
from bankbridge.identifiers.references import nl_check_digit
from bankbridge.ledger.access import Access
from bankbridge.services.export import bookings
from bankbridge.services.importing import add_transactions, import_files
from bankbridge.services.ledger import load_bundle
from bankbridge.services.processing import process
from bankbridge.statements.model import Statement, StatementLine

pytestmark = pytest.mark.postgres

BANK_IBAN = "NL80RABO5806583321"
TAX_OFFICE = "NL86INGB0002445588"
IBAN_10001 = "NL22KNAB6197875328"
UNKNOWN_IBAN = "NL91ABNA0417164300"

ADMINISTRATION = {
    "code": "A1",
    "environment": "E1",
    "name": "Administratie 1",
    "invoice_ref_start": "",
    "invoice_ref_length": "",
    "invoice_range_from": "",
    "invoice_range_to": "",
    "tax_office_iban": "",
    "bsn_search_value": "",
    "bsn_match_open_invoice": "false",
    "direct_debit_in_transit": "false",
    "payments_in_transit": "false",
    "in_transit_gl_account": "",
    "payment_difference_tolerance": "0",
    "payment_difference_gl_account": "",
}
JOURNAL = {
    "administration": "A1",
    "code": "BNK",
    "name": "Bank RABO",
    "iban": BANK_IBAN,
    "bic": "RABONL2U",
    "currency": "EUR",
    "gl_account": "1100",
    "voucher_counter": "0",
    "voucher_from_statement_number": "false",
    "auto_add_bank_account": "false",
    "approval_workflow": "false",
    "auto_process": "false",
}
FIXED = {
    "environments.csv": [{"code": "E1", "name": "Test", "main_environment": ""}],
    "gl_accounts.csv": [
        {"environment": "E1", "number": n, "name": name, "type": kind, "administration": "", "axes": ""}
        for n, name, kind in (
            ("1100", "Bank", "asset"),
            ("1300", "Debiteuren", "asset"),
            ("1600", "Crediteuren", "liability"),
            ("4500", "Bankkosten", "expense"),
            ("4510", "Creditcardcommissie", "expense"),
            ("4900", "Betalingsverschillen", "expense"),
            ("1020", "Kruisposten creditcard", "asset"),
        )
    ]
    + [
        {
            "environment": "E1",
            "number": "1010",
            "name": "Kruisposten pin",
            "type": "asset",
            "administration": "",
            "axes": "1|2",
        }
    ],
    "relations.csv": [
        {
            "administration": "A1",
            "number": "10001",
            "kind": "debtor",
            "name": "Lotte",
            "bsn": "111222333",
            "blocked": "",
        },
        {"administration": "A1", "number": "10002", "kind": "debtor", "name": "Groot BV", "bsn": "", "blocked": ""},
    ],
    "relation_bank_accounts.csv": [
        {"administration": "A1", "relation": "10001", "iban": IBAN_10001, "status": "approved"}
    ],
    "open_items.csv": [
        {
            "administration": "A1",
            "invoice_number": number,
            "relation": relation,
            "invoice_date": "2026-10-01",
            "due_date": "2026-10-31",
            "amount": amount,
            "currency": "EUR",
            "payment_reference": "",
            "description": f"Factuur {number}",
        }
        for number, relation, amount in (("20260001", "10001", "500.00"), ("20260002", "10002", "250.00"))
    ],
    "transaction_codes.csv": [
        {
            "environment": "E1",
            "bank": "RABONL2U",
            "code": code,
            "search_value": search,
            "description": text,
            "gl_account": gl,
            "commission_gl_account": commission,
        }
        for code, search, text, gl, commission in (
            ("N121", "", "Pin-ontvangsten", "1010", ""),
            ("N541", "", "Creditcard", "1020", "4510"),
            ("N541", "EUR MERCHANT SERV VISA", "Visa", "1020", "4510"),
            ("N093", "", "Bankkosten", "4500", ""),
        )
    ],
    "allocations.csv": [
        {
            "environment": "E1",
            "bank": "RABONL2U",
            "code": "N121",
            "code_search_value": "",
            "search_value": search,
            "axis_codes": axes,
        }
        for search, axes in (("Verk.punt PT5001", "1=110|2=1001"), ("Verk.punt PT5101", "1=100|2=1000"))
    ],
}


def reference(invoice: str) -> str:
    """A valid 16-digit Dutch payment reference carrying ``invoice`` after 7 digits."""
    payload = invoice.rjust(15, "0")
    return f"{nl_check_digit(payload)}{payload}"


class FixedClock:
    def now(self) -> datetime:
        return datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def write_bundle(folder: Path, administration: dict[str, str], journal: dict[str, str]) -> Path:
    folder.mkdir()
    tables = {
        **FIXED,
        "administrations.csv": [{**ADMINISTRATION, **administration}],
        "journals.csv": [{**JOURNAL, **journal}],
    }
    for name, rows in tables.items():
        with (folder / name).open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return folder


def books(database_url: str, tmp_path: Path, administration: dict[str, str], journal: dict[str, str]) -> Settings:
    settings = Settings(database_url=database_url)
    init_database(settings)
    load_bundle(write_bundle(tmp_path / "bundle", administration, journal), unit_of_work(settings))
    return settings


def line(amount: str, **fields: Any) -> StatementLine:
    return StatementLine(Decimal(amount), booking_date=date(2026, 11, 20), bank_reference="L1", **fields)


def import_and_process(settings: Settings, entry: StatementLine) -> dict[str, Any]:
    with unit_of_work(settings) as uow:
        (journal,) = uow.statements.journals()
        statement = Statement("mt940", journal.iban, journal.currency, lines=(entry,))
        add_transactions(uow.statements, journal, statement, source="t", clock=FixedClock())
        uow.commit()
    process(uow_factory(settings), FixedClock(), access=Access.everything())
    with unit_of_work(settings) as uow:
        (record,) = bookings(uow.statements, Access.everything())
    return record


def open_amounts(settings: Settings) -> dict[str, Decimal]:
    o = schema.open_items
    with engine_for(settings.database_url).connect() as conn:
        rows = conn.execute(select(o.c.invoice_number, o.c.amount_minor)).all()
    return {number: Decimal(minor).scaleb(-2) for number, minor in rows}


def added_accounts(settings: Settings) -> list[tuple[str, str, str]]:
    a = schema.relation_bank_accounts
    with engine_for(settings.database_url).connect() as conn:
        rows = conn.execute(select(a.c.relation, a.c.iban, a.c.status).where(a.c.iban != IBAN_10001)).all()
    return [tuple(r) for r in rows]


def settled(record: dict[str, Any]) -> list[tuple[str, str]]:
    return [(s["invoice_number"], s["amount"]) for s in record["settlements"]]


@dataclass(frozen=True)
class Case:
    """One setting on or off, the line that shows it, and what must be stored."""

    name: str
    entry: StatementLine
    check: Callable[[dict[str, Any], Settings], None]
    administration: dict[str, str] = field(default_factory=dict)
    journal: dict[str, str] = field(default_factory=dict)


RANGE = {"invoice_range_from": "20260001", "invoice_range_to": "20269999"}
BSN = {"tax_office_iban": TAX_OFFICE, "bsn_search_value": "KINDEROPVANG"}
TAX_LINE = line("500.00", counterparty_iban=TAX_OFFICE, description="Kinderopvangtoeslag nov nr. 111222333")
THIRD_PARTY = line("250.00", counterparty_iban=UNKNOWN_IBAN, description="factuur 20260002")


def _reference_cut(record: dict[str, Any], settings: Settings) -> None:
    assert (record["status"], record["rule"]) == ("booked", "payment_reference")
    assert settled(record) == [("20260002", "250.00")]
    assert open_amounts(settings)["20260002"] == 0


def _reference_not_cut(record: dict[str, Any], settings: Settings) -> None:
    assert record["status"] == "open"
    assert "matches no open item" in record["evidence"]
    assert open_amounts(settings)["20260002"] == Decimal("250.00")


def _third_party_booked(record: dict[str, Any], settings: Settings) -> None:
    assert (record["status"], record["rule"]) == ("booked", "invoice_number")
    assert "paid from an unknown IBAN" in record["evidence"]
    assert settled(record) == [("20260002", "250.00")]


def _open(record: dict[str, Any], settings: Settings) -> None:
    assert record["status"] == "open"
    assert record["settlements"] == []


def _written_off(record: dict[str, Any], settings: Settings) -> None:
    assert (record["status"], record["rule"]) == ("booked", "iban")
    assert settled(record) == [("20260001", "500.00")]
    assert {(p["gl_account"], p["amount"]) for p in record["postings"]} == {("1300", "500.00"), ("4900", "-0.03")}
    assert open_amounts(settings)["20260001"] == 0


def _partly_paid(record: dict[str, Any], settings: Settings) -> None:
    assert (record["status"], record["rule"]) == ("booked", "iban")
    assert settled(record) == [("20260001", "499.97")]
    assert "0.03 stays open" in record["evidence"]
    assert open_amounts(settings)["20260001"] == Decimal("0.03")


def _account(status: str | None) -> Callable[[dict[str, Any], Settings], None]:
    def check(record: dict[str, Any], settings: Settings) -> None:
        assert record["status"] == "booked"
        assert added_accounts(settings) == ([("10002", UNKNOWN_IBAN, status)] if status else [])

    return check


def _bsn(*, invoice: bool) -> Callable[[dict[str, Any], Settings], None]:
    def check(record: dict[str, Any], settings: Settings) -> None:
        assert (record["status"], record["rule"]) == ("booked", "bsn")
        assert "BSN 111222333" in record["evidence"]
        assert settled(record) == ([("20260001", "500.00")] if invoice else [])
        assert [(p["gl_account"], p["relation"]) for p in record["postings"]] == [("1300", "10001")]
        assert open_amounts(settings)["20260001"] == (0 if invoice else Decimal("500.00"))
        assert added_accounts(settings) == []  # the tax office's IBAN is never added to the person

    return check


def _not_bsn(record: dict[str, Any], settings: Settings) -> None:
    assert record["rule"] != "bsn"
    assert record["status"] != "booked"


CASES = [
    Case(
        "R-C3 reference cut at start 8, length 8",
        line("250.00", payment_reference=reference("20260002")),
        _reference_cut,
        {"invoice_ref_start": "8", "invoice_ref_length": "8"},
    ),
    Case("R-C3 no start and length", line("250.00", payment_reference=reference("20260002")), _reference_not_cut),
    Case("R-C4 range: a third party paid", THIRD_PARTY, _third_party_booked, RANGE),
    Case("R-C4 no range", THIRD_PARTY, _open),
    Case(
        "tolerance 0.05: difference written off",
        line("499.97", counterparty_iban=IBAN_10001, description="factuur 20260001"),
        _written_off,
        {**RANGE, "payment_difference_tolerance": "0.05", "payment_difference_gl_account": "4900"},
    ),
    Case(
        "no tolerance: partly paid",
        line("499.97", counterparty_iban=IBAN_10001, description="factuur 20260001"),
        _partly_paid,
        RANGE,
    ),
    Case(
        "R-C6 add bank account, approval workflow",
        THIRD_PARTY,
        _account("under_review"),
        RANGE,
        {"auto_add_bank_account": "true", "approval_workflow": "true"},
    ),
    Case(
        "R-C6 add bank account, no approval workflow",
        THIRD_PARTY,
        _account("approved"),
        RANGE,
        {"auto_add_bank_account": "true"},
    ),
    Case("R-C6 do not add bank accounts", THIRD_PARTY, _account(None), RANGE, {"approval_workflow": "true"}),
    Case("R-D2 BSN, match open invoice", TAX_LINE, _bsn(invoice=True), {**BSN, "bsn_match_open_invoice": "true"}),
    Case("R-D2 BSN, on the debtor's account", TAX_LINE, _bsn(invoice=False), BSN),
    Case("R-D2 BSN without a search value", TAX_LINE, _not_bsn, {"tax_office_iban": TAX_OFFICE}),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_setting_through_the_database(database_url: str, tmp_path: Path, case: Case) -> None:
    settings = books(database_url, tmp_path, case.administration, case.journal)
    case.check(import_and_process(settings, case.entry), settings)


@pytest.mark.parametrize("auto", [True, False])
def test_process_automatically_after_import(database_url: str, tmp_path: Path, auto: bool) -> None:
    """R-C7: a journal set to process automatically is processed by the import itself
    (``import_files`` → the journals to process, as ``bankbridge import`` does)."""
    settings = books(database_url, tmp_path, RANGE, {"auto_process": "true" if auto else "false"})
    path = tmp_path / "day.sta"
    path.write_bytes(MT940.write([Statement("mt940", BANK_IBAN, "EUR", lines=(THIRD_PARTY,))]))
    report = import_files([path], uow_factory(settings, writer=True), FixedClock())
    journals = report.journals_to_process(everything=False)
    assert journals == ({("A1", "BNK")} if auto else set())
    if journals:
        process(uow_factory(settings), FixedClock(), access=Access.everything(), journals=journals)
    with unit_of_work(settings) as uow:
        (record,) = bookings(uow.statements, Access.everything())
    assert record["status"] == ("booked" if auto else "open")
    assert record["rule"] == ("invoice_number" if auto else None)


SEED_MT940 = b""":20:940S261120
:25:NL80RABO5806583321
:28C:49
:60F:C261119EUR1000,00
:61:261120C000000000393,91N121NONREF
:86:LIN-O-LUX
:86:AFREKENING PIN-TRANSACTIES
:86:Verk.punt PT5101       periode 049
:61:261120C000000000975,00N541NONREF
:86:EUR MERCHANT SERV VISA BRUTO 1.000,00 COMMISSIE 25,00 NETTO 975,00
:61:261120D000000000012,50N093NONREF
:86:KOSTEN BETALINGSVERKEER
:62F:C261120EUR2356,41
"""


def test_transaction_codes_commission_and_the_seeds_cost_allocation(database_url: str, tmp_path: Path) -> None:
    """R-D6 / R-D7 from a Rabobank file through the reader and the database: the seed's
    PIN example (N121, third :86: line ``Verk.punt PT5101`` → axes 1 = 100, 2 = 1000),
    a card settlement whose commission is read from the text (the search value's row wins
    over the code's empty one), and bank costs — the postings stored and exported."""
    settings = books(database_url, tmp_path, {}, {})
    path = tmp_path / "seed.sta"
    path.write_bytes(SEED_MT940)
    report = import_files([path], uow_factory(settings, writer=True), FixedClock())
    assert not report.failed
    process(uow_factory(settings), FixedClock(), access=Access.everything())
    with unit_of_work(settings) as uow:
        records = {r["amount"]: r for r in bookings(uow.statements, Access.everything())}
    assert {r["rule"] for r in records.values()} == {"transaction_code"}
    assert {r["status"] for r in records.values()} == {"booked"}
    assert records["393.91"]["postings"] == [
        {"gl_account": "1010", "relation": None, "amount": "393.91", "allocations": {"1": "100", "2": "1000"}}
    ]
    card = records["975.00"]["postings"]
    assert [(p["gl_account"], p["amount"]) for p in card] == [("1020", "1000.00"), ("4510", "-25.00")]
    assert "commission 25.00 on 4510" in records["975.00"]["evidence"]
    assert [(p["gl_account"], p["amount"]) for p in records["-12.50"]["postings"]] == [("4500", "-12.50")]
    p = schema.postings
    with engine_for(settings.database_url).connect() as conn:
        stored = conn.execute(select(p.c.gl_account, p.c.allocations).where(p.c.allocations != "")).all()
    assert [tuple(r) for r in stored] == [("1010", "1=100|2=1000")]
