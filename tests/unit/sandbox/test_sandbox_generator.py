"""The transaction generator: deterministic, realistic, valid identifiers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bankbridge.identifiers import iban
from bankbridge.identifiers.references import validate_nl
from bankbridge.sandbox.generator import generate

IBAN = "NL44RABO0123456789"


def test_same_seed_same_transactions_other_seed_others():
    first = generate(7, IBAN, date(2026, 1, 1), 60)
    assert first == generate(7, IBAN, date(2026, 1, 1), 60)
    assert first != generate(8, IBAN, date(2026, 1, 1), 60)
    assert first != generate(7, "NL81RABO0312345678", date(2026, 1, 1), 60)


def test_every_kind_of_dutch_business_transaction_appears():
    entries = generate(7, IBAN, date(2026, 1, 1), 90)
    codes = {e.bank_code for e in entries}
    assert {
        "PMNT-RCDT-ESCT",
        "PMNT-ICDT-ESCT",
        "PMNT-CCRD-POSC",
        "ACMT-MDOP-CHRG",
        "PMNT-IDDT-ESDD",
        "PMNT-IDDT-UPDD",
    } <= codes
    assert any(e.counterparty_name == "Belastingdienst" and e.amount < 0 for e in entries)
    assert any(e.remittance and e.remittance.startswith("Factuur 2026-") for e in entries)
    returns = [e for e in entries if e.bank_code == "PMNT-IDDT-UPDD"]
    assert all(e.reason_code in {"MD06", "AM04"} and e.mandate_id for e in returns)
    assert sum(1 for e in entries if e.purpose_code == "CHRG") == 3, "bank costs once a month"


def test_identifiers_amounts_and_dates_are_valid():
    entries = generate(3, IBAN, date(2026, 1, 1), 45)
    for entry in entries:
        assert entry.amount == entry.amount.quantize(Decimal("0.01")) and entry.amount != 0
        assert entry.booking_date.weekday() < 5
        assert date(2026, 1, 1) <= entry.booking_date < date(2026, 2, 15)
        if entry.counterparty_iban:
            assert iban.is_valid(entry.counterparty_iban)
        if entry.reference:
            validate_nl(entry.reference)
    assert [e.booking_date for e in entries] == sorted(e.booking_date for e in entries)
